package web

import (
	"bytes"
	"fmt"
	"html/template"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
)

var (
	md     = goldmark.New(goldmark.WithExtensions(extension.Table))
	policy = bluemonday.UGCPolicy()
)

// safeMarkdown turns Markdown written by the LLM or an editor into HTML
// that bluemonday has cleaned: no script, no event handler, no style.
func safeMarkdown(src []byte) []byte {
	var buf bytes.Buffer
	if err := md.Convert(src, &buf); err != nil {
		return policy.SanitizeBytes([]byte(html.EscapeString(string(src))))
	}
	return policy.SanitizeBytes(buf.Bytes())
}

// sectionMarkdown is one standard's section in the page's Markdown layout.
func sectionMarkdown(s page.Section) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", oneLine(s.Heading))
	if s.FullName != "" {
		fmt.Fprintf(&b, "**%s**\n\n", oneLine(s.FullName))
	}
	if s.Tagline != "" {
		b.WriteString(oneLine(s.Tagline) + "\n\n")
	}
	list := func(title string, items []string) {
		fmt.Fprintf(&b, "### %s\n\n", title)
		for _, it := range items {
			b.WriteString("- " + oneLine(it) + "\n")
		}
		b.WriteString("\n")
	}
	list(page.SubKeyFeatures, s.KeyFeatures)
	fmt.Fprintf(&b, "### %s\n\n", page.SubWhatItIs)
	for _, p := range s.WhatItIs {
		b.WriteString(oneLine(p) + "\n\n")
	}
	list(page.SubKeyComponents, s.KeyComponents)
	list(page.SubWhyUsed, s.WhyUsed)
	fmt.Fprintf(&b, "### %s\n\n", page.SubImplementation)
	if s.Implementation.Paragraph != "" {
		b.WriteString(oneLine(s.Implementation.Paragraph) + "\n\n")
	}
	for i, st := range s.Implementation.Steps {
		fmt.Fprintf(&b, "%d. %s\n", i+1, oneLine(st))
	}
	return []byte(b.String())
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// pageHTML is the page's sanitized HTML. Raw HTML in a draft is turned
// into text first, so an editor sees a "<script>" the LLM wrote (as text)
// instead of it being silently dropped; nothing in a draft ever runs.
func pageHTML(p page.Page) []byte {
	return page.ToHTML(literalHTML(p))
}

// literalHTML returns a copy of v (a page or section value) with every "<"
// in its strings written as an entity, so Markdown shows it as text.
func literalHTML[T any](v T) T {
	rv := reflect.ValueOf(&v).Elem()
	escapeStrings(rv)
	return v
}

func escapeStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() && strings.ContainsAny(v.String(), "<&") {
			s := strings.ReplaceAll(v.String(), "&", "&amp;")
			v.SetString(strings.ReplaceAll(s, "<", "&lt;"))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			escapeStrings(v.Field(i))
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		// Copy so the caller's backing array is not changed.
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		v.Set(c)
		for i := 0; i < v.Len(); i++ {
			escapeStrings(v.Index(i))
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			escapeStrings(v.Index(i))
		}
	}
}

// shownFinding is a finding as the review page lists it: numbered, with
// the record it belongs to and whether it was placed in the rendered page.
type shownFinding struct {
	finding.Finding
	N      int
	Source string // "page" or a standard id
	Placed bool
}

var faqField = regexp.MustCompile(`^faq\[(\d+)\]`)

// annotate marks each finding at its place in sanitized page HTML: after
// the heading of its section (or of its FAQ question), a marker linking to
// the finding in the list. Findings with no heading of their own are
// marked at the top. The input is already sanitized; only elements built
// here are added, and the tree is re-serialized, which escapes all text.
func annotate(safe []byte, fs []shownFinding) (template.HTML, []shownFinding) {
	nodes, err := html.ParseFragment(bytes.NewReader(safe), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return template.HTML(safe), fs //nolint:gosec // sanitized by bluemonday
	}
	type heading struct {
		node *html.Node
		path string // "H2" or "H2 / H3", lowercased
		h2   string
	}
	var heads []heading
	var faqQs []*html.Node
	var cur2 string
	for _, n := range nodes {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.H1, atom.H2:
			cur2 = strings.ToLower(strings.TrimSpace(textOf(n)))
			heads = append(heads, heading{n, cur2, cur2})
		case atom.H3:
			t := strings.ToLower(strings.TrimSpace(textOf(n)))
			heads = append(heads, heading{n, cur2 + " / " + t, cur2})
			if cur2 == strings.ToLower(page.SectionFAQ) {
				faqQs = append(faqQs, n)
			}
		}
	}
	marks := map[*html.Node][]int{}
	var top []int
	for i := range fs {
		f := &fs[i]
		want := strings.ToLower(strings.TrimSpace(f.Section))
		var at *html.Node
		if m := faqField.FindStringSubmatch(f.Field); m != nil && f.Source == "page" {
			if k, _ := strconv.Atoi(m[1]); k < len(faqQs) {
				at = faqQs[k]
			}
		}
		if at == nil && want != "" {
			for _, h := range heads {
				if h.path == want {
					at = h.node
					break
				}
			}
		}
		if at == nil && want != "" {
			// "ISO 27032 / Key Features" with no such H3: its H2.
			first, _, _ := strings.Cut(want, " / ")
			for _, h := range heads {
				if h.path == first {
					at = h.node
					break
				}
			}
		}
		if at == nil {
			top = append(top, i)
			continue
		}
		f.Placed = true
		marks[at] = append(marks[at], i)
	}
	var out bytes.Buffer
	if len(top) > 0 {
		_ = html.Render(&out, markerNode(fs, top, "Not tied to a heading: "))
	}
	for _, n := range nodes {
		_ = html.Render(&out, n)
		if idx, ok := marks[n]; ok {
			_ = html.Render(&out, markerNode(fs, idx, ""))
		}
	}
	return template.HTML(out.String()), fs //nolint:gosec // built from sanitized HTML and escaped text
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// markerNode is <div class="fmark"> with one link per finding.
func markerNode(fs []shownFinding, idx []int, label string) *html.Node {
	div := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div,
		Attr: []html.Attribute{{Key: "class", Val: "fmark"}, {Key: "role", Val: "note"}}}
	if label != "" {
		div.AppendChild(&html.Node{Type: html.TextNode, Data: label})
	}
	for _, i := range idx {
		f := fs[i]
		a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: []html.Attribute{
			{Key: "href", Val: fmt.Sprintf("#finding-%d", f.N)},
			{Key: "id", Val: fmt.Sprintf("at-%d", f.N)},
			{Key: "class", Val: "sev-" + string(f.Severity)},
			{Key: "title", Val: f.Message},
		}}
		a.AppendChild(&html.Node{Type: html.TextNode, Data: fmt.Sprintf("%d %s %s", f.N, sevMark(f.Severity), f.Rule)})
		div.AppendChild(a)
	}
	return div
}

func sevMark(s finding.Severity) string {
	if s == finding.Error {
		return "✖"
	}
	return "⚠"
}
