package author

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/llm"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/prompts"
)

// Completer is the part of the LLM client an author needs.
type Completer interface {
	Complete(ctx context.Context, req llm.Request) (llm.Response, error)
}

// LLM drafts through an OpenAI-compatible chat completions API with
// structured outputs.
type LLM struct {
	Client Completer
	// Model identifies the model and its settings (temperature, max tokens):
	// part of every draft's inputs hash, so changing it redrafts.
	Model string
}

// Name is how the server announces this author.
func (a *LLM) Name() string { return "LLM " + a.Model }

// Versions: the prompt part is the hash of the templates that shape a draft.
func (a *LLM) Versions(kind store.Kind) (prompt, model string) {
	t := prompts.Pair()
	if kind == store.KindSection {
		t = prompts.Section()
	}
	return t.Hash() + "+" + prompts.Redraft().Hash()[:12] + "+" + prompts.Review().Hash()[:12], a.Model
}

type heartbeatKey struct{}

// WithHeartbeat returns a context whose LLM calls call fn while they run, so
// a worker can tell JetStream it is still working on a job.
func WithHeartbeat(ctx context.Context, fn func()) context.Context {
	return context.WithValue(ctx, heartbeatKey{}, fn)
}

func heartbeat(ctx context.Context) func() {
	fn, _ := ctx.Value(heartbeatKey{}).(func())
	return fn
}

// Section drafts a standard's own section.
func (a *LLM) Section(ctx context.Context, p *profile.Profile, fb Feedback) (SectionResult, error) {
	sys, user, err := prompts.Section().Render(prompts.SectionData{Profile: p})
	if err != nil {
		return SectionResult{}, fmt.Errorf("section prompt %s: %w", p.ID, err)
	}
	content, usage, fs, err := a.complete(ctx, "section_draft", SectionSchema(), sys, user, fb)
	res := SectionResult{Usage: usage, Findings: fs, Answer: content}
	if err != nil {
		return res, fmt.Errorf("draft section %s: %w", p.ID, err)
	}
	if finding.HasError(fs) {
		res.Raw = content
		return res, nil
	}
	draft, dfs := page.DecodeSectionDraft([]byte(content))
	res.Findings = append(res.Findings, dfs...)
	if finding.HasError(dfs) {
		res.Raw = content
	}
	res.Section = draft.ToSection(p.ID, p.ShortName, p.Name)
	return res, nil
}

// Pair drafts the per-pair part of a page.
func (a *LLM) Pair(ctx context.Context, x, y *profile.Profile, fb Feedback) (PairResult, error) {
	sys, user, err := prompts.Pair().Render(prompts.NewPairData(x, y))
	if err != nil {
		return PairResult{}, fmt.Errorf("pair prompt %s/%s: %w", x.ID, y.ID, err)
	}
	content, usage, fs, err := a.complete(ctx, "pair_draft", PairSchema(), sys, user, fb)
	res := PairResult{Usage: usage, Findings: fs, Answer: content}
	if err != nil {
		return res, fmt.Errorf("draft pair %s/%s: %w", x.ID, y.ID, err)
	}
	if finding.HasError(fs) {
		res.Raw = content
		return res, nil
	}
	draft, dfs := page.DecodePairDraft([]byte(content))
	res.Findings = append(res.Findings, dfs...)
	if finding.HasError(dfs) {
		res.Raw = content
	}
	res.Pair = draft.ToPair(compose.Built(x, y))
	return res, nil
}

// complete calls the model. A truncated answer is not an error but a
// finding: the validator turns it into a redraft like any other defect.
//
// A redraft continues the first conversation: the original system and user
// prompt, the previous answer once as the assistant's turn, then one user
// turn with the findings to fix (Fix) or the editor's note (Changes).
func (a *LLM) complete(ctx context.Context, name string, schema map[string]any, sys, user string, fb Feedback) (string, store.Usage, []finding.Finding, error) {
	req := llm.Request{Name: name, Schema: schema, System: sys, User: user, Heartbeat: heartbeat(ctx)}
	turn, err := feedbackTurn(fb)
	if err != nil {
		return "", store.Usage{}, nil, err
	}
	if turn != "" {
		req.Messages = []llm.Message{
			{Role: llm.RoleAssistant, Content: fb.Previous},
			{Role: llm.RoleUser, Content: turn},
		}
	}
	resp, err := a.Client.Complete(ctx, req)
	usage := store.Usage{Calls: resp.Attempts, Prompt: resp.Usage.Prompt, Completion: resp.Usage.Completion, Cached: resp.Usage.Cached}
	if err != nil {
		if errors.Is(err, llm.ErrTruncated) || resp.Truncated {
			return resp.Content, usage, []finding.Finding{{
				Rule: "llm.truncated", Severity: finding.Error,
				Message: "the model's answer was cut off at the token limit",
				Hint:    "shorten the fields; the redraft is told the answer was cut off",
			}}, nil
		}
		return resp.Content, usage, nil, err
	}
	return resp.Content, usage, nil, nil
}

// feedbackTurn is the last user turn of a redraft; "" for a first draft.
func feedbackTurn(fb Feedback) (string, error) {
	if err := fb.Check(); err != nil {
		return "", fmt.Errorf("%s redraft: %w", fb.Mode, err)
	}
	var t *prompts.Template
	switch fb.Mode {
	case Fix:
		t = prompts.Redraft()
	case Changes:
		t = prompts.Review()
	default:
		return "", nil
	}
	rsys, ruser, err := t.Render(prompts.RedraftData{Findings: fb.Findings, Note: fb.Note})
	if err != nil {
		return "", fmt.Errorf("%s prompt: %w", fb.Mode, err)
	}
	return strings.TrimSpace(rsys + "\n\n" + ruser), nil
}
