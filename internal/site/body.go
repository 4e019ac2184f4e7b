package site

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// tocEntry is one line of a page's table of contents.
type tocEntry struct {
	ID, Label string
}

// body is a comparison page's sanitized HTML made ready to publish: its H2s
// carry ids for the table of contents, and its tables read on a phone.
type body struct {
	Heading string // the H1's HTML, which the page template places itself
	Rest    string // everything after the H1
	TOC     []tocEntry
}

// prepareBody reworks the sanitized HTML of page.ToHTML. It works on the
// parsed tree, not on text, so whatever the sanitizer lets through stays
// well formed: headings get ids, every table is wrapped in a focusable,
// labelled scroll region, its first column becomes row headers, and each
// cell carries its column's name for the stacked layout on narrow screens.
func prepareBody(sanitized []byte) (body, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "article", DataAtom: atom.Article}
	nodes, err := html.ParseFragment(bytes.NewReader(sanitized), ctx)
	if err != nil {
		return body{}, err
	}
	var out body
	used := map[string]int{}
	var head, rest strings.Builder
	seenH1 := false
	for _, n := range nodes {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.H1:
				if !seenH1 {
					seenH1 = true
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if err := html.Render(&head, c); err != nil {
							return body{}, err
						}
					}
					continue
				}
			case atom.H2, atom.H3:
				id := uniqueID(used, slugify(textOf(n)))
				n.Attr = append(n.Attr, html.Attribute{Key: "id", Val: id})
				if n.DataAtom == atom.H2 {
					out.TOC = append(out.TOC, tocEntry{ID: id, Label: textOf(n)})
				}
			case atom.Table:
				n = phoneTable(n, lastTOCLabel(out.TOC))
			}
		}
		if err := html.Render(&rest, n); err != nil {
			return body{}, err
		}
	}
	out.Heading, out.Rest = head.String(), rest.String()
	return out, nil
}

func lastTOCLabel(toc []tocEntry) string {
	if len(toc) == 0 {
		return "Table"
	}
	return toc[len(toc)-1].Label
}

// phoneTable returns t wrapped in a labelled scroll region (a section). The region is focusable
// so keyboard users can scroll it (axe's scrollable-region-focusable).
func phoneTable(t *html.Node, label string) *html.Node {
	var cols []string
	walk(t, func(n *html.Node) {
		if n.DataAtom == atom.Th && n.Parent != nil && n.Parent.Parent != nil && n.Parent.Parent.DataAtom == atom.Thead {
			cols = append(cols, textOf(n))
			n.Attr = append(n.Attr, html.Attribute{Key: "scope", Val: "col"})
		}
	})
	walk(t, func(n *html.Node) {
		if n.DataAtom != atom.Tr || n.Parent == nil || n.Parent.DataAtom != atom.Tbody {
			return
		}
		i := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if i == 0 && c.DataAtom == atom.Td {
				c.Data, c.DataAtom = "th", atom.Th
				c.Attr = append(c.Attr, html.Attribute{Key: "scope", Val: "row"})
			} else if i < len(cols) {
				c.Attr = append(c.Attr, html.Attribute{Key: "data-label", Val: cols[i]})
			}
			i++
		}
	})
	// Every table stacks on a phone; the Key Differences one is also named,
	// for styling and for the tests that find it.
	class := "stacked"
	if label == "Key Differences" {
		class = "stacked differences"
	}
	t.Attr = append(t.Attr, html.Attribute{Key: "class", Val: class})
	wrap := &html.Node{Type: html.ElementNode, Data: "section", DataAtom: atom.Section, Attr: []html.Attribute{
		{Key: "class", Val: "table-scroll"},
		{Key: "aria-label", Val: label},
		{Key: "tabindex", Val: "0"},
	}}
	wrap.AppendChild(t)
	return wrap
}

func walk(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// slugify makes an id from a heading: lower-case letters and digits joined
// by hyphens, and never empty.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	if r := []rune(b.String()); len(r) > 60 {
		return strings.TrimRight(string(r[:60]), "-")
	}
	return b.String()
}

// uniqueID keeps ids unique on the page; the template's own ids are
// reserved.
func uniqueID(used map[string]int, id string) string {
	if reservedIDs[id] {
		id = "s-" + id
	}
	out := id
	for n := 2; used[out] > 0; n++ {
		out = id + "-" + strconv.Itoa(n)
	}
	used[out]++
	return out
}

// reservedIDs are the ids the layout and the page template use.
var reservedIDs = map[string]bool{
	"q": true, "suggestions": true, "main": true, "home-q": true,
	"at-a-glance": true, "at-a-glance-h": true, "contents": true, "contents-h": true,
	"related": true, "related-h": true,
}
