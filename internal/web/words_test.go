package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
)

func TestHappened(t *testing.T) {
	for _, c := range []struct {
		ev   store.Event
		want string
	}{
		{store.Event{Type: "queued", To: store.Queued}, "queued for a first draft; now queued"},
		{store.Event{Type: "queued", From: store.Queued, To: store.Queued}, "queued again"},
		{store.Event{Type: "drafted", From: store.Drafting, To: store.Drafting}, "wrote a draft"},
		{store.Event{Type: "drafted", From: store.Drafting, To: store.Drafting, Usage: &store.Usage{Prompt: 1200, Completion: 800}}, "wrote a draft; 2,000 tokens"},
		{store.Event{Type: "drafted", From: store.Drafting, To: store.Drafting, Usage: &store.Usage{}}, "wrote a draft"},
		{store.Event{Type: "validated", From: store.Drafting, To: store.InReview, Errors: 1, Warnings: 2}, "checked the draft; now in review; found 1 error, 2 warnings"},
		{store.Event{Type: "approved", From: store.InReview, To: store.Approved}, "approved"},
		{store.Event{Type: "changes_requested", From: store.InReview, To: store.ChangesRequested}, "sent it back for changes; now changes requested"},
		{store.Event{Type: "claimed"}, "claimed it"},
	} {
		if got := happened(c.ev); got != c.want {
			t.Errorf("%s %s→%s: %q, want %q", c.ev.Type, c.ev.From, c.ev.To, got, c.want)
		}
	}
}

func TestFieldWords(t *testing.T) {
	for path, want := range map[string]string{
		"verdict":                     "Quick verdict",
		"faq[1].answer":               "FAQ 2, answer",
		"differences.extra[0].aspect": "Key differences, added row 1, aspect",
		"differences.scope.a":         "Key differences, scope, first standard",
		"key_features[3]":             "Key features 4",
	} {
		if got := fieldWords(path); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	if !firstDraft([]review.Change{{Path: "verdict", New: "x"}, {Path: "faq[0].question", New: "y"}}) {
		t.Error("all-new changes are not a first draft")
	}
	if firstDraft([]review.Change{{Path: "verdict", Old: "w", New: "x"}}) || firstDraft(nil) {
		t.Error("a real change or none is called a first draft")
	}
	if got := thousands(1234567); got != "1,234,567" {
		t.Errorf("thousands: %s", got)
	}
}

func TestPairFirst(t *testing.T) {
	in := `<h1>A vs B</h1><h2>Quick Verdict</h2><p>v</p><h2>A</h2><div class="fmark" role="note"><a href="#finding-1">1</a></div><p>a</p><h2>B</h2><p>b</p><h2>Key Differences</h2><h2>Frequently Asked Questions</h2>`
	got := string(pairFirst(template.HTML(in), [2]foldedSection{{"a", "A", "in_review"}, {"b", "B <x>", ""}}))
	order := []string{"<h1>", "Quick Verdict", "Key Differences", "Frequently Asked Questions", `id="fold-a"`, "<details open>", "<h2>A</h2>", `id="fold-b"`, "B &lt;x&gt;", "missing", "<details><summary>", "<h2>B</h2>"}
	at := 0
	for _, w := range order {
		i := strings.Index(got[at:], w)
		if i < 0 {
			t.Fatalf("after %d, %q missing or out of order in\n%s", at, w, got)
		}
		at += i
	}
	if odd := `<h1>x</h1><p>no sections</p>`; string(pairFirst(template.HTML(odd), [2]foldedSection{})) != odd {
		t.Error("HTML of another shape was changed")
	}
}
