package site

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/versus-dev/versus/internal/page"
)

// FuzzPrepareBody feeds prepareBody what the sanitizer makes of any page
// text: it must not fail, must keep every id unique and must not let a
// script or an event handler through.
func FuzzPrepareBody(f *testing.F) {
	f.Add("Both matter.", "Scope", "A question?", "An answer.")
	f.Add(`<script>alert(1)</script>`, `| pipe | cell`, `### nested?`, `<img src=x onerror=alert(1)>`)
	f.Add("Key Differences", "contents", "at a glance?", "**bold** _it_ [link](javascript:alert(1))")
	f.Fuzz(func(t *testing.T, verdict, cell, question, answer string) {
		p := page.Page{
			Title: "A vs B", Standards: [2]string{"a", "b"}, Verdict: verdict,
			Sections: [2]page.Section{{Heading: "A"}, {Heading: "B"}},
			Differences: page.Differences{Scope: page.Row{A: cell, B: cell}, Industry: page.Row{A: "x", B: "y"},
				Nature: page.Row{A: "x", B: "y"}, Testing: page.Row{A: "x", B: "y"}, Penalties: page.Row{A: "x", B: "y"}},
			FAQ: []page.QA{{Question: question, Answer: answer}, {Question: question, Answer: answer}},
		}
		b, err := prepareBody(page.ToHTML(p))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(strings.NewReader("<h1>" + b.Heading + "</h1>" + b.Rest))
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		walk(doc, func(n *html.Node) {
			if n.Data == "script" || n.Data == "iframe" {
				t.Errorf("a %s element in the body", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("an event handler %s", a.Key)
				}
				if a.Key == "id" {
					if ids[a.Val] || reservedIDs[a.Val] {
						t.Errorf("id %q twice or reserved", a.Val)
					}
					ids[a.Val] = true
				}
			}
		})
		for _, e := range b.TOC {
			if !ids[e.ID] {
				t.Errorf("contents entry %q has no heading", e.ID)
			}
		}
	})
}

func TestUniqueID(t *testing.T) {
	used := map[string]int{}
	var got []string
	for _, h := range []string{"x", "x", "x-2", "contents", "x"} {
		got = append(got, uniqueID(used, h))
	}
	want := []string{"x", "x-2", "x-2-2", "s-contents", "x-3"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ids %q, want %q", got, want)
		}
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{
		"Organizations processing personal data": "organizations processing personal data",
		"EU financial entities":                  "EU financial entities",
		"US public companies":                    "US public companies",
		"":                                       "",
		"A":                                      "A",
	} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}
