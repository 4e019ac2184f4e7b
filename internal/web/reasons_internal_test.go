package web

import (
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/validate"
)

func TestAttentionReason(t *testing.T) {
	warn := finding.Finding{Rule: "length.answer", Severity: finding.Warning}
	for _, c := range []struct {
		name  string
		state store.State
		fs    []finding.Finding
		want  string
	}{
		{"the first error's rule", store.NeedsAttention, []finding.Finding{warn, {Rule: "facts.edition-year", Severity: finding.Error}, {Rule: "meta.placeholder", Severity: finding.Error}}, "facts.edition-year"},
		{"a warning is no reason", store.NeedsAttention, []finding.Finding{warn}, reasonUnrecorded},
		{"nothing on record", store.NeedsAttention, nil, reasonUnrecorded},
		{"the model failed", store.NeedsAttention, []finding.Finding{{Rule: "llm.error", Severity: finding.Error}}, "llm.error"},
		{"in review: no reason, errors or not", store.InReview, []finding.Finding{{Rule: "meta.placeholder", Severity: finding.Error}}, ""},
		{"approved", store.Approved, nil, ""},
	} {
		p := store.PageRecord{Meta: store.Meta{State: c.state, Findings: c.fs}}
		if got := reasonOf(p); got != c.want {
			t.Errorf("%s: reason %q, want %q", c.name, got, c.want)
		}
	}
}

func TestReasonWords(t *testing.T) {
	for reason, want := range map[string]string{
		"llm.error":                    "the model could not write a draft",
		"llm.truncated":                "the model's answer was cut off",
		"schema.json-syntax":           "the model's answer was not valid JSON",
		"validate.error":               "checking the draft failed",
		"unrecorded":                   "no error on record; see its history",
		"facts.edition-year":           "error left: edition year (facts)",
		"structure.faq-count":          "error left: FAQ count (structure)",
		"meta.ai-text":                 "error left: AI text (notes left in the text)",
		"boilerplate.trailing-content": "error left: trailing content (site text)",
		"newclass.some-rule":           "error left: some rule (newclass)",
		"oddity":                       "error left: oddity",
	} {
		if got := reasonWords(reason); got != want {
			t.Errorf("reasonWords(%q) = %q, want %q", reason, got, want)
		}
	}
	// Every rule of the checks reads as words, not as its id.
	for _, r := range validate.Rules {
		if w := reasonWords(r.ID); strings.Contains(w, r.ID) || strings.Contains(w, "-") {
			t.Errorf("rule %s in words is %q", r.ID, w)
		}
	}
}

func TestCheckReason(t *testing.T) {
	pages := []store.PageRecord{
		{Meta: store.Meta{State: store.NeedsAttention, Findings: []finding.Finding{{Rule: "custom.new-rule", Severity: finding.Error}}}},
		{Meta: store.Meta{State: store.NeedsAttention}},
	}
	for _, ok := range []string{"", "llm.error", "schema.json-truncated", "meta.placeholder", "structure.table-row-order", "unrecorded", "custom.new-rule"} {
		if err := checkReason(ok, pages); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	err := checkReason("llm.eror", pages)
	if err == nil || !strings.Contains(err.Error(), `unknown reason "llm.eror"`) || !strings.Contains(err.Error(), "custom.new-rule, unrecorded") {
		t.Errorf("a misspelt reason: %v", err)
	}
	if err := checkReason("nope", nil); err == nil || !strings.Contains(err.Error(), "no page needs attention now") {
		t.Errorf("with no page needing attention: %v", err)
	}
}

// A reason no page has is shown without a link; one with pages links the
// queue filtered by it.
func TestDashboardReasonLinks(t *testing.T) {
	d := dashboard{NeedsAttention: 2, AttentionBy: []reasonCount{
		{Reason: "llm.error", Words: reasonWords("llm.error"), Count: 2, URL: reasonURL("llm.error")},
		{Reason: "validate.error", Words: reasonWords("validate.error"), Count: 0},
	}}
	var b strings.Builder
	if err := mustTemplates().execute(&b, "dashboard", view{Title: "Dashboard", Data: d}); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{
		`<li data-reason="llm.error"><a href="/review?reason=llm.error&amp;state=needs_attention">the model could not write a draft</a> (<code>llm.error</code>): <span data-fig="needs_attention_by_reason.llm.error">2</span></li>`,
		`<li data-reason="validate.error">checking the draft failed (<code>validate.error</code>): <span data-fig="needs_attention_by_reason.validate.error">0</span></li>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("dashboard lacks\n%s\nin\n%s", want, html[strings.Index(html, "attention-reasons"):])
		}
	}
}
