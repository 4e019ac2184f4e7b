package export

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzRewrite: whatever page the server hands over, the exported one has
// no root-relative link (it would break on a static host's subfolder), no
// search form and no script file.
func FuzzRewrite(f *testing.F) {
	f.Add(`<a href="/compare/a-vs-b#faq">x</a><a href="/standards/a">a</a><form role="search" action="/search"></form>`, "compare/a-vs-b.html")
	f.Add(`<link rel="canonical" href="https://pub.example/compare/a-vs-b"><script src="/static/suggest.js"></script>`, "index.html")
	f.Add(`<a href="/search?q=x">s</a><img src="/static/none.png"><a href="//cdn.example/x">c</a>`, "standards/a.html")
	f.Add(`<script type="application/ld+json">{"url":"https://pub.example/compare/a-vs-b","x":"https://pub.example/"}</script>`, "compare/index.html")
	r := rewriter{pages: map[string]bool{"a-vs-b": true}, standards: map[string]bool{"a": true},
		public: "https://pub.example", base: "https://static.example/sub"}
	f.Fuzz(func(t *testing.T, page, file string) {
		out, err := r.rewrite([]byte(page), file)
		if err != nil {
			return // not HTML the parser takes: the export fails with the page's path
		}
		doc, err := html.Parse(strings.NewReader(string(out)))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				if n.Data == "form" && attrOf(n, "role") == "search" {
					t.Error("a search form is left")
				}
				if n.Data == "script" && strings.HasSuffix(attrOf(n, "src"), searchScript) {
					t.Error("the search script is left")
				}
				for _, a := range n.Attr {
					if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(a.Val, "/") && !strings.HasPrefix(a.Val, "//") {
						t.Errorf("root-relative %s=%q", a.Key, a.Val)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	})
}

func TestRel(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"index.html", "compare/a.html", "compare/a.html"},
		{"compare/a.html", "compare/b.html", "../compare/b.html"},
		{"compare/index.html", "static/site.css", "../static/site.css"},
		{"standards/a.html", "index.html", "../index.html"},
	} {
		if got := rel(tc.from, tc.to); got != tc.want {
			t.Errorf("rel(%q, %q) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}
