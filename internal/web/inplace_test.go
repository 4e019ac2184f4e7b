package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/review"
)

func fuzzPair(text string) page.Pair {
	p := page.Pair{Description: text, Verdict: text, FAQ: []page.QA{{Question: text, Answer: text}, {Question: "Q2", Answer: "A2"}}}
	p.Differences.Scope = page.Row{A: text, B: text}
	p.Differences.Extra = []page.Row{{Aspect: text, A: "a", B: "b"}}
	return p
}

// FuzzPairFromForm: whatever an edit form holds, reading it never panics,
// a form naming one part changes nothing outside it, and a refused form
// changes nothing at all.
func FuzzPairFromForm(f *testing.F) {
	for _, c := range [][3]string{
		{"verdict", "verdict", "new"}, {"faq.1", "faq.1.a", ""}, {"faq.9", "faq.9.q", "x"}, {"diff.extra.0", "diff.extra.0.aspect", ""},
		{"", "description", "d"}, {"all", "faq.-1.q", "x"}, {"faq.1", "faq.1.", "x"}, {"diff.scope", "diff.scope.aspect", "Reach"},
		{"faq.01", "faq.01.q", "x"}, {"verdict", "verdict", "<!--versus:editor-->"},
	} {
		f.Add(c[0], c[1], c[2], "stored text")
	}
	f.Fuzz(func(t *testing.T, part, key, value, stored string) {
		cur := fuzzPair(stored)
		form := url.Values{key: {value}}
		if part != "" {
			form.Set("part", part)
		}
		got, err := pairFromForm(form, cur)
		if err != nil {
			if d := review.Diff(cur, got); len(d) > 0 {
				t.Fatalf("a refused form changed the pair: %v", d)
			}
			return
		}
		if part == "" || part == "all" {
			return
		}
		for _, c := range review.Diff(cur, got) {
			// review paths: description, verdict, differences.scope.a, faq[1].answer …
			path := c.Path
			ok := false
			switch {
			case part == "description" || part == "verdict":
				ok = path == part
			case strings.HasPrefix(part, "diff.extra."):
				ok = strings.HasPrefix(path, "differences.extra")
			case strings.HasPrefix(part, "diff."):
				ok = strings.HasPrefix(path, "differences."+strings.TrimPrefix(part, "diff.")+".")
			case strings.HasPrefix(part, "faq."):
				ok = strings.HasPrefix(path, "faq")
			}
			if !ok {
				t.Fatalf("a form for %q changed %s (%q → %q)", part, path, c.Old, c.New)
			}
		}
	})
}

// FuzzEditableDraft: whatever a draft holds, marking its parts adds no
// script, handler or form to it, and cuts it for an editor only when a
// part is being edited.
func FuzzEditableDraft(f *testing.F) {
	for _, s := range []string{"<!--versus:editor-->", `<script>x</script>`, "| a | b |", "### heading", "plain"} {
		f.Add(s, "")
		f.Add(s, "verdict")
		f.Add(s, "faq.0")
		f.Add(s, "diff.scope")
	}
	f.Fuzz(func(t *testing.T, text, editing string) {
		pair := fuzzPair(text)
		p := page.Page{Title: "A vs B", Slug: "a-vs-b", Sections: [2]page.Section{{Heading: "A"}, {Heading: "B"}}}
		p.Description, p.Verdict, p.Differences, p.FAQ = pair.Description, pair.Verdict, pair.Differences, pair.FAQ
		h, _ := annotate(pageHTML(p), []shownFinding{{Finding: finding.Finding{Rule: "r", Severity: finding.Error, Section: page.SectionVerdict, Message: text}, N: 1, Source: "page"}})
		h = pairFirst(h, [2]foldedSection{{Standard: "a", Heading: "A"}, {Standard: "b", Heading: "B"}})
		if !validPart(editing) {
			editing = ""
		}
		segs := editableDraft(h, &inPlace{Base: "/review/pages/a-vs-b", Pair: pair, Can: true, Editing: editing})
		editors := 0
		for _, s := range segs {
			if m := dangerous(string(s.HTML)); m != "" {
				t.Fatalf("dangerous %q in the marked draft for %q", m, text)
			}
			if s.Editor {
				editors++
			}
		}
		if editors > 1 || (editing == "" && editors != 0) {
			t.Fatalf("%d editor slots for editing %q", editors, editing)
		}
	})
}
