package llmtest_test

import (
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/page"
)

// Every recorded answer is what a strict structured-output call can
// return: valid against the schema the drafter asks for.
func TestRealisticAnswersFitTheSchemas(t *testing.T) {
	r, err := llmtest.LoadReplay(llmtest.RealisticDir)
	if err != nil {
		t.Fatal(err)
	}
	recs := r.Records()
	if len(recs) < 20 {
		t.Errorf("%d records, want at least 20", len(recs))
	}
	defective := 0
	for _, rec := range recs {
		if len(rec.Defects) > 0 {
			defective++
		}
		for i, a := range rec.Answers {
			var fs []finding.Finding
			if rec.Kind == "section" {
				_, fs = page.DecodeSectionDraft(a)
			} else {
				_, fs = page.DecodePairDraft(a)
			}
			for _, f := range fs {
				t.Errorf("%s answer %d: %s %s: %s", rec.File, i, f.Rule, f.Field, f.Message)
			}
		}
		for _, d := range rec.Defects {
			if !strings.Contains(string(rec.Answers[0]), d.Quote) {
				t.Errorf("%s: defect %q is not in the first answer", rec.File, d.Quote)
			}
			if strings.Contains(string(rec.Answers[len(rec.Answers)-1]), d.Quote) {
				t.Errorf("%s: defect %q is still in the last answer", rec.File, d.Quote)
			}
		}
	}
	if defective == 0 || defective > len(recs)/4 {
		t.Errorf("%d of %d records have planted defects, want a few", defective, len(recs))
	}
}

// The replay finds a record from the prompt's standards, whatever their
// order, and serves its answers in turn, repeating the last.
func TestReplayServesAnswersInTurn(t *testing.T) {
	r, err := llmtest.LoadReplay(llmtest.RealisticDir)
	if err != nil {
		t.Fatal(err)
	}
	pair := llmtest.Request{SchemaName: "pair_draft", Messages: []llmtest.Message{
		{Role: "system", Content: "x"}, {Role: "user", Content: "Standard A: SOC 2\n- tagline: x\n\nStandard B: ISO 27001\n"}}}
	rec, ok := r.Record(pair)
	if !ok || rec.File != "iso-27001-vs-soc-2.json" {
		t.Fatalf("record %v %v, want iso-27001-vs-soc-2.json", rec, ok)
	}
	first, second, third := r.Respond(pair), r.Respond(pair), r.Respond(pair)
	if first == second || second != third || !strings.Contains(first, "SOC 2 certification") {
		t.Errorf("answers not served in turn:\n%s\n%s\n%s", first, second, third)
	}
	sec := llmtest.Request{SchemaName: "section_draft", Messages: []llmtest.Message{{Role: "user", Content: "Facts about GDPR:\n- name: x\n- short_name: GDPR\n"}}}
	if rec, ok := r.Record(sec); !ok || rec.File != "gdpr.json" {
		t.Errorf("section record %v %v, want gdpr.json", rec, ok)
	}
	if _, ok := r.Record(llmtest.Request{SchemaName: "section_draft", Messages: []llmtest.Message{{Role: "user", Content: "- short_name: NIS2"}}}); ok {
		t.Error("a standard without answers was found")
	}
}
