package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/natstest"
)

// A page's review screen shows the pair's own parts first and each
// standard's section folded below them, with its state and a link to its
// own review page; the history reads as words.
func TestPageReviewPairFirst(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("ed", password)
	_, h := b.get("/review/pages/" + cleanPage)
	draft := h[strings.Index(h, `id="draft"`):]
	idx := func(s string) int {
		i := strings.Index(draft, s)
		if i < 0 {
			t.Fatalf("the draft lacks %q", s)
		}
		return i
	}
	verdict, faq := idx("<h2>Quick Verdict</h2>"), idx("<h2>Frequently Asked Questions</h2>")
	relate := idx("<h2>How They Relate</h2>")
	foldA, foldB := idx(`id="fold-gdpr"`), idx(`id="fold-iso-27001"`)
	if !(verdict < relate && relate < faq && faq < foldA && foldA < foldB) {
		t.Errorf("order: verdict %d, relate %d, faq %d, gdpr section %d, iso section %d", verdict, relate, faq, foldA, foldB)
	}
	for _, std := range []string{"gdpr", "iso-27001"} {
		fold := draft[idx(`id="fold-`+std+`"`):]
		fold = fold[:strings.Index(fold, "</section>")]
		for _, want := range []string{`<span class="state st-in_review">in review</span>`, `<a href="/review/sections/` + std + `">`, "<details><summary>"} {
			if !strings.Contains(fold, want) {
				t.Errorf("the %s fold lacks %q", std, want)
			}
		}
		if !strings.Contains(fold[strings.Index(fold, "<details>"):], "<h2>") {
			t.Errorf("the %s fold does not hold the section's text", std)
		}
	}
	// History in words.
	hist := h[strings.Index(h, `<ol class="history">`):]
	hist = hist[:strings.Index(hist, "</ol>")]
	if !strings.Contains(hist, "wrote a draft; now in review; 2,000 tokens") {
		t.Errorf("history lacks the draft in words:\n%s", hist)
	}
	for _, bad := range []string{"→", "0 tokens (", "drafted drafting"} {
		if strings.Contains(hist, bad) {
			t.Errorf("history has %q:\n%s", bad, hist)
		}
	}
}

// A section with a finding opens unfolded, so its marker is in sight.
func TestPageReviewFoldOpensOnFinding(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("ed", password)
	_, h := b.get("/review/pages/" + errorPage)
	if strings.Count(h, `class="secfold"`) != 2 {
		t.Fatalf("want 2 folded sections")
	}
	// The seeded findings are the page's own (verdict, FAQ): both folds stay shut.
	if strings.Contains(h, "<details open><summary>Show the section") {
		t.Error("a section with no finding opened unfolded")
	}
}

// After another editor changes the text, the page shows the viewer what
// changed since they last acted on it, in words.
func TestPageReviewSinceMine(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rec, err := e.svc.Comment(ctx, "ed", cleanPage, e.page(cleanPage).Revision, "looks fine")
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("ed", password)
	if _, h := b.get("/review/pages/" + cleanPage); strings.Contains(h, `id="since-mine"`) {
		t.Error("changes since my comment shown with nothing changed")
	}
	pair := rec.Pair
	pair.Verdict = "A new verdict written by eve."
	if _, err := e.svc.Edit(ctx, "eve", cleanPage, rec.Revision, pair); err != nil {
		t.Fatal(err)
	}
	natstest.Eventually(t, 5*time.Second, "mirror holds eve's edit", func() bool { return e.page(cleanPage).UpdatedBy == "eve" })
	_, h := b.get("/review/pages/" + cleanPage)
	i := strings.Index(h, `id="since-mine"`)
	if i < 0 {
		t.Fatal("no changes since my comment")
	}
	part := h[i:]
	part = part[:strings.Index(part, "</table>")]
	for _, want := range []string{"Since you commented (", fmt.Sprintf("revision %d)", rec.Revision), "Quick verdict", "A new verdict written by eve."} {
		if !strings.Contains(part, want) {
			t.Errorf("since-mine lacks %q:\n%s", want, part)
		}
	}
}
