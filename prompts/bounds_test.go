package prompts

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/validate"
)

// The prompt, the schema, the validator and the composer hold one set of
// bounds (internal/page/bounds.go): a change to one that the others do not
// follow fails here.
func TestBoundsAgree(t *testing.T) {
	ps := loadProfiles(t)
	a, b := ps["gdpr"], ps["iso-27001"]

	t.Run("prompt", func(t *testing.T) {
		_, sec, _ := Section().Render(SectionData{Profile: b})
		_, pair, _ := Pair().Render(NewPairData(a, b))
		for _, want := range []string{
			fmt.Sprintf(`"one sentence, %d-%d words"`, page.TaglineMinWords, page.TaglineMaxWords),
			fmt.Sprintf("exactly %d items, %d-%d words each", page.KeyFeatures, page.FeatureMinWords, page.FeatureMaxWords),
			fmt.Sprintf("%d or %d paragraphs, %d-%d words each", page.WhatItIsMin, page.WhatItIsMax, page.ParaMinWords, page.ParaMaxWords),
			fmt.Sprintf("%d to %d items, %d-%d words each", page.ComponentsMin, page.ComponentsMax, page.BulletMinWords, page.BulletMaxWords),
			fmt.Sprintf("%d to %d items, %d-%d words each", page.WhyUsedMin, page.WhyUsedMax, page.BulletMinWords, page.BulletMaxWords),
			fmt.Sprintf("%d to %d steps", page.StepsMin, page.StepsMax),
		} {
			if !strings.Contains(sec, want) {
				t.Errorf("section prompt does not state %q", want)
			}
		}
		for _, want := range []string{
			fmt.Sprintf("%d-%d characters", page.DescMinChars, page.DescMaxChars),
			fmt.Sprintf("one paragraph, %d-%d words", page.VerdictMinWords, page.VerdictMaxWords),
			fmt.Sprintf("%d to %d FAQ entries", page.FAQMin, page.FAQMax),
			fmt.Sprintf("one paragraph, %d-%d words", page.AnswerMinWords, page.AnswerMaxWords),
		} {
			if !strings.Contains(pair, want) {
				t.Errorf("pair prompt does not state %q", want)
			}
		}
	})

	t.Run("schema", func(t *testing.T) {
		var doc struct {
			Defs map[string]json.RawMessage `json:"$defs"`
		}
		if err := json.Unmarshal(page.SchemaJSON(), &doc); err != nil {
			t.Fatal(err)
		}
		items := func(path ...string) (min, max int) {
			var v map[string]any
			if err := json.Unmarshal(doc.Defs[path[0]], &v); err != nil {
				t.Fatalf("$defs/%s: %v", path[0], err)
			}
			for _, p := range path[1:] {
				v = v["properties"].(map[string]any)[p].(map[string]any)
			}
			return int(v["minItems"].(float64)), int(v["maxItems"].(float64))
		}
		for _, c := range []struct {
			path     []string
			min, max int
		}{
			{[]string{"faq"}, page.FAQMin, page.FAQMax},
			{[]string{"key_features"}, page.KeyFeatures, page.KeyFeatures},
			{[]string{"what_it_is"}, page.WhatItIsMin, page.WhatItIsMax},
			{[]string{"key_components"}, page.ComponentsMin, page.ComponentsMax},
			{[]string{"why_used"}, page.WhyUsedMin, page.WhyUsedMax},
			{[]string{"implementation", "steps"}, 0, page.StepsMax}, // none, when a paragraph is given
			{[]string{"differences", "extra"}, 0, page.ExtraRowsMax},
		} {
			if min, max := items(c.path...); min != c.min || max != c.max {
				t.Errorf("schema %s: %d-%d items, page bounds say %d-%d", strings.Join(c.path, "."), min, max, c.min, c.max)
			}
		}
	})

	t.Run("validator", func(t *testing.T) {
		set, err := profile.NewSet(a, b)
		if err != nil {
			t.Fatal(err)
		}
		base := compose.Pair(a, b)
		has := func(pr page.Pair, rule string) bool {
			return slices.ContainsFunc(validate.Pair(pr, a, b, set), func(f finding.Finding) bool { return f.Rule == rule })
		}
		words := func(n int) string {
			w := make([]string, n)
			for i := range w {
				w[i] = fmt.Sprintf("w%d", i)
			}
			w[0] = "GDPR"
			return strings.Join(w, " ") + "."
		}
		for n, bad := range map[int]bool{page.VerdictMinWords - 1: true, page.VerdictMinWords: false, page.VerdictMaxWords: false, page.VerdictMaxWords + 1: true} {
			pr := base
			pr.Verdict = words(n)
			if got := has(pr, validate.RuleLenVerdict); got != bad {
				t.Errorf("a %d-word verdict: %s reported %v, want %v", n, validate.RuleLenVerdict, got, bad)
			}
		}
		for n, bad := range map[int]bool{page.FAQMin - 1: true, page.FAQMin: false, page.FAQMax: false, page.FAQMax + 1: true} {
			pr := base
			pr.FAQ = nil
			for i := range n {
				q := base.FAQ[i%len(base.FAQ)]
				q.Question = fmt.Sprintf("Question number %d about GDPR?", i)
				pr.FAQ = append(pr.FAQ, q)
			}
			if got := has(pr, validate.RuleFAQCount); got != bad {
				t.Errorf("%d FAQ entries: %s reported %v, want %v", n, validate.RuleFAQCount, got, bad)
			}
		}
	})

	t.Run("rule hints", func(t *testing.T) {
		for id, want := range map[string]string{
			validate.RuleLenVerdict:     fmt.Sprintf("%d to %d words", page.VerdictMinWords, page.VerdictMaxWords),
			validate.RuleLenTagline:     fmt.Sprintf("%d to %d words", page.TaglineMinWords, page.TaglineMaxWords),
			validate.RuleLenDescription: fmt.Sprintf("%d to %d characters", page.DescMinChars, page.DescMaxChars),
			validate.RuleLenParagraph:   fmt.Sprintf("%d to %d words", page.ParaMinWords, page.ParaMaxWords),
		} {
			r, ok := validate.RuleByID(id)
			if !ok || !strings.Contains(r.Hint, want) {
				t.Errorf("rule %s: hint %q does not say %q", id, r.Hint, want)
			}
		}
	})

	t.Run("composer", func(t *testing.T) {
		pr := compose.Pair(a, b)
		if n := len(pr.FAQ); n < page.FAQMin || n > page.FAQMax {
			t.Errorf("composer wrote %d FAQ entries, bounds %d-%d", n, page.FAQMin, page.FAQMax)
		}
		if n := len(strings.Fields(pr.Verdict)); n < page.VerdictMinWords || n > page.VerdictMaxWords {
			t.Errorf("composer wrote a %d-word verdict, bounds %d-%d", n, page.VerdictMinWords, page.VerdictMaxWords)
		}
		if n := len(pr.Description); n < page.DescMinChars || n > page.DescMaxChars {
			t.Errorf("composer wrote a %d-character description, bounds %d-%d", n, page.DescMinChars, page.DescMaxChars)
		}
	})
}

// The pair prompt carries the relation facts and overlap figures on file,
// marked as the only relation claims the model may make.
func TestPairRelationFacts(t *testing.T) {
	ps := loadProfiles(t)
	a, b := *ps["gdpr"], *ps["iso-27001"]
	b.Relations = []profile.Relation{{With: "gdpr", Kind: profile.RelSupportsEvidence,
		Fact: "ISO 27001 certification can help evidence GDPR security duties but does not prove GDPR compliance."}}
	d := NewPairData(&a, &b)
	if len(d.Relations) != 1 || d.Relations[0].Kind != profile.RelEvidencedBy {
		t.Fatalf("relations %+v, want the inverse read from gdpr's side", d.Relations)
	}
	reqs := 93
	d.Overlap = &page.Overlap{Basis: "hub", Via: "scf", Source: "mapping v1",
		A: page.OverlapSide{Framework: "gdpr", Mapped: 40}, B: page.OverlapSide{Framework: "iso27001-2022", Requirements: &reqs, Mapped: 80},
		Relationships: page.Relationships{Equal: 3, Intersect: 70}}
	_, usr, err := Pair().Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"(the only relation claims you may make, in these words; claim no other)",
		"- " + b.Relations[0].Fact,
		"through the scf hub, mapping v1): 40 GDPR requirements and 80 of 93 ISO 27001 requirements are mapped",
		"3 equal, 0 subset, 0 superset, 70 intersect",
	} {
		if !strings.Contains(usr, want) {
			t.Errorf("pair prompt lacks %q:\n%s", want, usr)
		}
	}
	if strings.Contains(usr, "No relation is on file") || strings.Contains(usr, "No requirement mapping") {
		t.Errorf("pair prompt denies the relation it states:\n%s", usr)
	}
}

// A named hub is named as prose names it, and a stand-in framework's note
// reaches the model, so drafted prose says what the figures count.
func TestPairOverlapNames(t *testing.T) {
	ps := loadProfiles(t)
	a, b := *ps["gdpr"], *ps["iso-27001"]
	d := NewPairData(&a, &b)
	reqs := 93
	d.Overlap = &page.Overlap{Basis: "hub", Via: "scf-2025.2.2", ViaName: "the Secure Controls Framework (SCF)", Source: "mapping v1",
		A: page.OverlapSide{Framework: "gdpr", Mapped: 40, Note: "a test stand-in"}, B: page.OverlapSide{Framework: "iso27001-2022", Requirements: &reqs, Mapped: 80}}
	_, usr, err := Pair().Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"through the Secure Controls Framework (SCF), a common-controls hub; in prose name it so, never by its id scf-2025.2.2, mapping v1)",
		"- GDPR's figures count the requirements of a test stand-in: say so wherever you use them.",
	} {
		if !strings.Contains(usr, want) {
			t.Errorf("pair prompt lacks %q:\n%s", want, usr)
		}
	}
}
