package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/versus-dev/versus/internal/page"
)

// A standard's section is edited in place like a pair's parts: its full
// name and tagline, and each of its sub-sections, with the same links,
// forms and rules (a form names its part; a field it does not carry keeps
// its text).

// sectionParts are a section's parts in page order, with their form fields.
var sectionParts = []struct {
	Part, What, Heading string
	Fields              []string
}{
	{"intro", "the full name and tagline", "", []string{"full_name", "tagline"}},
	{"key_features", "the key features", page.SubKeyFeatures, []string{"key_features"}},
	{"what_it_is", "what it is", page.SubWhatItIs, []string{"what_it_is"}},
	{"key_components", "the key components", page.SubKeyComponents, []string{"key_components"}},
	{"why_used", "why organizations use it", page.SubWhyUsed, []string{"why_used"}},
	{"implementation", "the implementation overview", page.SubImplementation, []string{"implementation_paragraph", "implementation_steps"}},
}

func sectionFields(part string) []string {
	for _, p := range sectionParts {
		if p.Part == part {
			return p.Fields
		}
	}
	return nil
}

func validSectionPart(part string) bool { return part == "all" || sectionFields(part) != nil }

// sectionPartWords names a section's part in a sentence.
func sectionPartWords(part string) string {
	for _, p := range sectionParts {
		if p.Part == part {
			return p.What
		}
	}
	return "the section"
}

// sectionFirstField is the id of the first field of a section part's form.
func sectionFirstField(part string) string {
	if f := sectionFields(part); f != nil {
		return fieldID(f[0])
	}
	return "ed-all-first"
}

func sectionBase(std string) string { return "/review/sections/" + url.PathEscape(std) }

// sectionFromForm applies a section's edit form to cur: list fields one
// item a line, paragraphs separated by a blank line. As pairFromForm: a
// form naming a part is read for that part's fields only, a field the
// form does not carry keeps its value, and text equal to the stored text
// keeps the stored text.
func sectionFromForm(form url.Values, cur page.Section) (page.Section, error) {
	part := form.Get("part")
	if part == "" {
		part = "all"
	}
	if !validSectionPart(part) {
		return cur, &formError{fmt.Sprintf("the form names an unknown part %q; reload the page", part)}
	}
	read := func(k string) (string, bool) {
		if part != "all" && !contains(sectionFields(part), k) {
			return "", false
		}
		vs, ok := form[k]
		if !ok {
			return "", false
		}
		return normField(vs[0]), true
	}
	sec := cur
	text := func(dst *string, k string) {
		if v, ok := read(k); ok && v != normField(*dst) {
			*dst = v
		}
	}
	list := func(dst *[]string, k string, split func(string) []string) {
		v, ok := read(k)
		if !ok {
			return
		}
		items := split(v)
		if !sameItems(items, *dst) {
			*dst = items
		}
	}
	text(&sec.FullName, "full_name")
	text(&sec.Tagline, "tagline")
	list(&sec.KeyFeatures, "key_features", lines)
	list(&sec.WhatItIs, "what_it_is", paragraphs)
	list(&sec.KeyComponents, "key_components", lines)
	list(&sec.WhyUsed, "why_used", lines)
	text(&sec.Implementation.Paragraph, "implementation_paragraph")
	list(&sec.Implementation.Steps, "implementation_steps", lines)
	return sec, nil
}

// sameItems reports whether a form's items are the stored ones, outer
// spaces aside.
func sameItems(form, stored []string) bool {
	if len(form) != len(stored) {
		return false
	}
	for i := range form {
		if form[i] != strings.TrimSpace(stored[i]) {
			return false
		}
	}
	return true
}

// editableSection marks a section's parts in its annotated HTML as
// editableDraft does a page's: the full name and tagline after the H2,
// then each sub-section's body under its H3.
func editableSection(h template.HTML, ip *inPlace) []draftSeg {
	nodes, err := html.ParseFragment(strings.NewReader(string(h)), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil || ip.Editing == "all" {
		return []draftSeg{{HTML: h}}
	}
	isHead := func(n *html.Node) bool {
		return n.Type == html.ElementNode && (n.DataAtom == atom.H2 || n.DataAtom == atom.H3)
	}
	var out []*html.Node
	i := 0
	for ; i < len(nodes); i++ {
		out = append(out, nodes[i])
		if nodes[i].Type == html.ElementNode && nodes[i].DataAtom == atom.H2 {
			i++
			break
		}
	}
	for i < len(nodes) {
		var head *html.Node
		if isHead(nodes[i]) {
			head = nodes[i]
			out = append(out, head)
			i++
		}
		j := i
		for j < len(nodes) && !isHead(nodes[j]) {
			j++
		}
		body := nodes[i:j]
		part, what := "", ""
		for _, p := range sectionParts {
			if (head == nil && p.Heading == "") || (head != nil && p.Heading != "" && strings.EqualFold(strings.TrimSpace(textOf(head)), p.Heading)) {
				part, what = p.Part, p.What
			}
		}
		if part != "" {
			out = append(out, wrapPart(ip, part, what, body))
		} else {
			out = append(out, body...)
		}
		i = j
	}
	return ip.segments(out)
}

// newSectionEditor is the form of a section's part over sec.
func newSectionEditor(std, part string, sec page.Section) *partEditor {
	if sectionFields(part) == nil {
		return nil
	}
	base := sectionBase(std)
	e := &partEditor{Part: part, Anchor: partAnchor(part), Action: base + "/edit", Cancel: base + "#" + partAnchor(part), Title: upperFirst(sectionPartWords(part))}
	f := func(name, label, value string, least int) editField {
		rows := 0
		if least > 0 {
			rows = rowsFor(value, least)
		}
		return editField{ID: fieldID(name), Name: name, Label: label, Value: value, Rows: rows}
	}
	switch part {
	case "intro":
		e.Fields = []editField{f("full_name", "Full name", sec.FullName, 0), f("tagline", "Tagline", sec.Tagline, 2)}
	case "key_features":
		e.Fields = []editField{f("key_features", "Key features, one a line", strings.Join(sec.KeyFeatures, "\n"), 5)}
	case "what_it_is":
		e.Fields = []editField{f("what_it_is", "What it is, a blank line between paragraphs", strings.Join(sec.WhatItIs, "\n\n"), 6)}
	case "key_components":
		e.Fields = []editField{f("key_components", "Key components, one a line", strings.Join(sec.KeyComponents, "\n"), 5)}
	case "why_used":
		e.Fields = []editField{f("why_used", "Why organizations use it, one a line", strings.Join(sec.WhyUsed, "\n"), 4)}
	case "implementation":
		e.Fields = []editField{f("implementation_paragraph", "One paragraph", sec.Implementation.Paragraph, 3),
			f("implementation_steps", "… or steps, one a line", strings.Join(sec.Implementation.Steps, "\n"), 4)}
	}
	return e
}
