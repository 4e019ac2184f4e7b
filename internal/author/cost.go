package author

import (
	"encoding/json"
	"fmt"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/llm/tokens"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/prompts"
)

// Cost is the tokens of one drafting call, counted with the model's
// tokenizer (o200k_base): the prompt as sent (system and user messages in
// the chat format, and the structured-output schema) and the expected
// answer. The expected answer is the offline composer's draft of the same
// record: a model writes about as much, the shapes being the same.
type Cost struct {
	Calls      int
	Prompt     int
	Completion int
}

// Add sums c and o.
func (c Cost) Add(o Cost) Cost {
	return Cost{c.Calls + o.Calls, c.Prompt + o.Prompt, c.Completion + o.Completion}
}

// Total is prompt plus completion tokens.
func (c Cost) Total() int { return c.Prompt + c.Completion }

// Price is what a model charges, in money per million tokens.
type Price struct {
	Input, Output float64
}

// Money is what c costs at p.
func (c Cost) Money(p Price) float64 {
	return (float64(c.Prompt)*p.Input + float64(c.Completion)*p.Output) / 1e6
}

// SectionCost is the cost of drafting p's own section.
func SectionCost(p *profile.Profile) (Cost, error) {
	sys, user, err := prompts.Section().Render(prompts.SectionData{Profile: p})
	if err != nil {
		return Cost{}, err
	}
	d := compose.Section(p).Draft()
	if d.Implementation.Steps == nil {
		d.Implementation.Steps = []string{}
	}
	return call(sys, user, SectionSchema(), d)
}

// PairCost is the cost of drafting the per-pair part of a's and b's page.
func PairCost(a, b *profile.Profile) (Cost, error) {
	sys, user, err := prompts.Pair().Render(prompts.NewPairData(a, b))
	if err != nil {
		return Cost{}, err
	}
	return call(sys, user, PairSchema(), compose.Pair(a, b).Draft())
}

// WholePageCost is the cost of drafting a's and b's page whole in one call
// (the baseline the shared sections are measured against): both sections,
// the pair part and the differences table, under a schema of all of them.
func WholePageCost(a, b *profile.Profile) (Cost, error) {
	sys, user, err := prompts.WholePage().Render(prompts.NewPairData(a, b))
	if err != nil {
		return Cost{}, err
	}
	sa, sb := compose.Section(a).Draft(), compose.Section(b).Draft()
	pr := compose.Pair(a, b)
	if pr.Differences.Extra == nil {
		pr.Differences.Extra = []page.Row{}
	}
	schema := map[string]any{
		"type": "object", "additionalProperties": false, "required": []string{"sections", "pair"},
		"properties": map[string]any{
			"sections": map[string]any{"type": "array", "minItems": 2, "maxItems": 2, "items": SectionSchema()},
			"pair":     bare(page.PairSchema()),
		},
	}
	return call(sys, user, schema, map[string]any{"sections": []any{sa, sb}, "pair": pr})
}

func call(sys, user string, schema map[string]any, answer any) (Cost, error) {
	sch, err := json.Marshal(schema)
	if err != nil {
		return Cost{}, fmt.Errorf("schema: %w", err)
	}
	ans, err := json.Marshal(answer)
	if err != nil {
		return Cost{}, fmt.Errorf("answer: %w", err)
	}
	prompt := tokens.Prompt([]tokens.Message{{Role: "system", Content: sys}, {Role: "user", Content: user}}, sch)
	return Cost{Calls: 1, Prompt: prompt, Completion: tokens.Count(string(ans))}, nil
}

// RunCost is the cost of drafting the given pages from scratch: one section
// call per standard they name and one pair call per page. It is an upper
// bound on one run: the server skips records whose inputs are unchanged
// since their last draft, and it leaves out redrafts.
func RunCost(pairs [][2]*profile.Profile) (sections, pairsCost Cost, err error) {
	seen := map[string]bool{}
	for _, pr := range pairs {
		for _, p := range pr {
			if seen[p.ID] {
				continue
			}
			seen[p.ID] = true
			c, err := SectionCost(p)
			if err != nil {
				return sections, pairsCost, fmt.Errorf("section %s: %w", p.ID, err)
			}
			sections = sections.Add(c)
		}
		c, err := PairCost(pr[0], pr[1])
		if err != nil {
			return sections, pairsCost, fmt.Errorf("pair %s/%s: %w", pr[0].ID, pr[1].ID, err)
		}
		pairsCost = pairsCost.Add(c)
	}
	return sections, pairsCost, nil
}
