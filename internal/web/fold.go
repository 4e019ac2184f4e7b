package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// foldedSection is what the review screen says of one standard's section
// above its folded text: its name, its state and its own review page.
type foldedSection struct {
	Standard, Heading, State string
}

// pairFirst reorders a page's annotated HTML for reviewing the pair: the
// title and the pair's own parts (verdict, differences, How They Relate,
// FAQ) first, then the two standards' sections, each folded under a line
// with its state and a link to its own review page. A section holding a
// finding marker opens unfolded. The page renders its sections as the
// second and third H2 (page.renderBody); HTML of any other shape is
// returned as it came.
func pairFirst(h template.HTML, secs [2]foldedSection) template.HTML {
	nodes, err := html.ParseFragment(strings.NewReader(string(h)), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return h
	}
	// group[i] holds the nodes from the i-th H2 to the next; group 0 is
	// what comes before the first H2 (the title).
	groups := [][]*html.Node{nil}
	for _, n := range nodes {
		if n.Type == html.ElementNode && n.DataAtom == atom.H2 {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], n)
	}
	// title, verdict, section A, section B, then the rest.
	if len(groups) < 4 {
		return h
	}
	var out bytes.Buffer
	render := func(ns []*html.Node) {
		for _, n := range ns {
			_ = html.Render(&out, n)
		}
	}
	render(groups[0])
	render(groups[1])
	for _, g := range groups[4:] {
		render(g)
	}
	out.WriteString(`<h2 class="folds-head">The standards’ sections</h2>`)
	for i, s := range secs {
		g := groups[2+i]
		open := ""
		for _, n := range g {
			if n.Type == html.ElementNode && n.DataAtom == atom.Div && strings.Contains(attr(n, "class"), "fmark") {
				open = " open"
			}
		}
		esc := template.HTMLEscapeString
		state := s.State
		if state == "" {
			state = "missing"
		}
		fmt.Fprintf(&out, `<section class="secfold" id="fold-%s" aria-label="%s section"><p class="sechead"><strong>%s</strong> <span class="state st-%s">%s</span> · <a href="/review/sections/%s">review this section on its own page</a></p><details%s><summary>Show the section as it appears on this page</summary>`,
			esc(s.Standard), esc(s.Heading), esc(s.Heading), esc(s.State), esc(strings.ReplaceAll(state, "_", " ")), esc(s.Standard), open)
		render(g)
		out.WriteString(`</details></section>`)
	}
	return template.HTML(out.String()) //nolint:gosec // re-serialized from sanitized HTML; added text is escaped
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
