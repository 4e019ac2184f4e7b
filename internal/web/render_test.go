package web

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
)

// dangerous parses out and returns the first element or attribute that
// could run code: script-like elements, on* handlers, javascript: URLs.
func dangerous(out string) string {
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return "unparsable: " + err.Error()
	}
	var bad string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "style", "svg", "math", "base", "form", "meta", "link":
				bad = "<" + n.Data + ">"
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") || a.Key == "style" {
					bad = a.Key + "=" + a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return bad
}

// FuzzDraftHTML: whatever a draft holds, the review page's HTML of it has
// no script, no event handler and no javascript: URL.
func FuzzDraftHTML(f *testing.F) {
	for _, s := range []string{
		`<script>window.__pwned=1</script>`,
		`<img src=x onerror="alert(1)">`,
		`[x](javascript:alert(1))`,
		"**bold `code` <b>b</b>",
		`<a href="javascript:x">y</a>`,
		"&lt;script&gt;",
		"| a | b |\n|---|---|\n| <svg onload=x> | c |",
	} {
		f.Add(s, "Quick Verdict")
	}
	f.Fuzz(func(t *testing.T, text, section string) {
		p := page.Page{Title: "A vs B", Verdict: text, Description: text,
			Sections: [2]page.Section{{Heading: text, Tagline: text, KeyFeatures: []string{text}}, {Heading: "B"}},
			FAQ:      []page.QA{{Question: text, Answer: text}}}
		p.Differences.Scope = page.Row{A: text, B: text}
		fs := []shownFinding{{Finding: finding.Finding{Rule: "r", Severity: finding.Error, Section: section, Message: text}, N: 1, Source: "page"}}
		out, _ := annotate(pageHTML(p), fs)
		if m := dangerous(string(out)); m != "" {
			t.Fatalf("dangerous %q in output for %q:\n%s", m, text, out)
		}
		sec, _ := annotate(safeMarkdown(sectionMarkdown(literalHTML(p.Sections[0]))), fs)
		if m := dangerous(string(sec)); m != "" {
			t.Fatalf("dangerous %q in section output for %q", m, text)
		}
	})
}

func TestLiteralHTMLDoesNotTouchCaller(t *testing.T) {
	feats := []string{"<b>x</b>"}
	s := page.Section{KeyFeatures: feats, Tagline: "a < b"}
	got := literalHTML(s)
	if feats[0] != "<b>x</b>" || s.Tagline != "a < b" {
		t.Fatal("literalHTML changed its argument")
	}
	if got.KeyFeatures[0] != "&lt;b>x&lt;/b>" || got.Tagline != "a &lt; b" {
		t.Fatalf("escaped: %q %q", got.KeyFeatures[0], got.Tagline)
	}
}

func TestAnnotatePlacesFindings(t *testing.T) {
	p := page.Page{Title: "A vs B", Verdict: "v",
		Sections: [2]page.Section{{Heading: "ISO 1", KeyFeatures: []string{"f"}}, {Heading: "ISO 2"}},
		FAQ:      []page.QA{{Question: "one?", Answer: "a"}, {Question: "two?", Answer: "b"}}}
	fs := []shownFinding{
		{Finding: finding.Finding{Section: "ISO 1 / Key Features", Severity: finding.Error, Rule: "r1"}, N: 1, Source: "iso-1"},
		{Finding: finding.Finding{Section: "Frequently Asked Questions", Field: "faq[1].answer", Severity: finding.Warning, Rule: "r2"}, N: 2, Source: "page"},
		{Finding: finding.Finding{Section: "Description", Severity: finding.Warning, Rule: "r3"}, N: 3, Source: "page"},
	}
	out, fs := annotate(pageHTML(p), fs)
	html := string(out)
	if !fs[0].Placed || !fs[1].Placed || fs[2].Placed {
		t.Fatalf("placed: %v %v %v", fs[0].Placed, fs[1].Placed, fs[2].Placed)
	}
	if i, j := strings.Index(html, "Key Features</h3>"), strings.Index(html, `id="at-1"`); i < 0 || j < i {
		t.Fatalf("r1 not after Key Features:\n%s", html)
	}
	if i, j := strings.Index(html, "two?</h3>"), strings.Index(html, `id="at-2"`); i < 0 || j < i {
		t.Fatalf("r2 not after the second question:\n%s", html)
	}
	if j := strings.Index(html, `id="at-3"`); j < 0 || j > strings.Index(html, "<h1") {
		t.Fatalf("unplaced finding not at the top:\n%s", html)
	}
}
