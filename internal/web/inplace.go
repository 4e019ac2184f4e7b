package web

import (
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/versus-dev/versus/internal/page"
)

// Editing in place: each of the pair's own parts in the draft (the
// description, the quick verdict, each row of the differences table, each
// FAQ entry) carries an Edit link, ?edit=PART#part-PART, that renders that
// part as a form where it stands. It works without JavaScript; app.js only
// swaps the form in without a reload.

// fixedKeys are the form keys of the differences table's five fixed rows.
var fixedKeys = [5]string{"scope", "industry", "nature", "testing", "penalties"}

// partRE is the set of part names a form or an ?edit= link may name.
var partRE = regexp.MustCompile(`^(all|description|verdict|diff\.(scope|industry|nature|testing|penalties|extra\.[0-9]{1,3})|faq\.[0-9]{1,3})$`)

// validPart reports whether part names a part of the pair ("all": the
// whole form).
func validPart(part string) bool { return partRE.MatchString(part) }

// partAnchor is the id of a part's place in the draft.
func partAnchor(part string) string {
	if part == "all" || part == "" {
		return "draft"
	}
	return "part-" + strings.ReplaceAll(part, ".", "-")
}

// maxNewEntries bounds how far past the last FAQ entry or extra row a form
// may name a new one.
const maxNewEntries = 10

// formError is a form that names what the page does not have.
type formError struct{ msg string }

func (e *formError) Error() string { return e.msg }

// pairFromForm applies an edit form to cur and returns the pair to save.
//
// A form carries the whole pair part (part "all" or none) or one part
// edited in place (part "verdict", "faq.2", "diff.scope", …), in which case
// only that part's fields are read. Either way a field the form does not
// carry keeps its value: a missing field never means "empty it". A field
// carried with no text empties it, and a FAQ entry or extra row whose
// fields are all emptied is removed; one named past the last is added. A
// field whose text is the stored text (line ends and outer spaces aside)
// keeps the stored text, so an untouched part is never rewritten. The five
// fixed rows' aspect names are not editable and are kept.
func pairFromForm(form url.Values, cur page.Pair) (page.Pair, error) {
	part := form.Get("part")
	if part == "" {
		part = "all"
	}
	if !validPart(part) {
		return cur, &formError{fmt.Sprintf("the form names an unknown part %q; reload the page", part)}
	}
	has := func(k string) bool {
		if part == "all" {
			return true
		}
		return k == part || strings.HasPrefix(k, part+".")
	}
	p := clonePairText(cur)
	set := func(dst *string, k string) bool {
		vs, ok := form[k]
		if !ok || !has(k) {
			return false
		}
		if v := normField(vs[0]); v != normField(*dst) {
			*dst = v
		}
		return true
	}
	set(&p.Description, "description")
	set(&p.Verdict, "verdict")
	fixed := []*page.Row{&p.Differences.Scope, &p.Differences.Industry, &p.Differences.Nature, &p.Differences.Testing, &p.Differences.Penalties}
	for i, k := range fixedKeys {
		set(&fixed[i].A, "diff."+k+".a")
		set(&fixed[i].B, "diff."+k+".b")
	}
	extra, err := applyList(form, has, "diff.extra.", "extra row", p.Differences.Extra, []string{"aspect", "a", "b"},
		func(r *page.Row, f string) *string {
			switch f {
			case "aspect":
				return &r.Aspect
			case "a":
				return &r.A
			}
			return &r.B
		}, set)
	if err != nil {
		return cur, err
	}
	p.Differences.Extra = extra
	faq, err := applyList(form, has, "faq.", "FAQ entry", p.FAQ, []string{"q", "a"},
		func(qa *page.QA, f string) *string {
			if f == "q" {
				return &qa.Question
			}
			return &qa.Answer
		}, set)
	if err != nil {
		return cur, err
	}
	p.FAQ = faq
	return p, nil
}

// applyList applies the form's prefix.N.FIELD keys (those the form's part
// reads) to items: N below
// len(items) edits that item, N past it adds one; an item whose fields the
// form emptied, or a new one left empty, is dropped.
func applyList[T any](form url.Values, reads func(string) bool, prefix, what string, items []T, fields []string, field func(*T, string) *string, set func(*string, string) bool) ([]T, error) {
	top := -1
	for k := range form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || !reads(k) {
			continue
		}
		n, f, _ := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || !contains(fields, f) {
			continue
		}
		if i >= len(items)+maxNewEntries {
			return nil, &formError{fmt.Sprintf("the form names %s %d, and the page has %d; reload the page", what, i+1, len(items))}
		}
		top = max(top, i)
	}
	out := append([]T(nil), items...)
	for len(out) <= top {
		var zero T
		out = append(out, zero)
	}
	keep := out[:0]
	for i := range out {
		touched, empty := false, true
		for _, f := range fields {
			dst := field(&out[i], f)
			if set(dst, fmt.Sprintf("%s%d.%s", prefix, i, f)) {
				touched = true
			}
			if strings.TrimSpace(*dst) != "" {
				empty = false
			}
		}
		if empty && (touched || i >= len(items)) {
			continue
		}
		keep = append(keep, out[i])
	}
	return keep, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// normField is a form field's text as stored: Unix line ends, no outer spaces.
func normField(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// clonePairText copies p with its own slices, so editing the copy leaves p
// as it was.
func clonePairText(p page.Pair) page.Pair {
	c := p
	c.Differences.Extra = append([]page.Row(nil), p.Differences.Extra...)
	c.FAQ = append([]page.QA(nil), p.FAQ...)
	return c
}

// draftSeg is a piece of the draft as the review page shows it: sanitized
// HTML and, after it, where a part is edited in place, that part's form.
type draftSeg struct {
	HTML   template.HTML
	Editor bool
}

// editorSlot marks where the form of the part being edited goes. Drafts
// cannot hold a comment (literalHTML escapes every "<"), so it is ours.
const editorSlot = "<!--versus:editor-->"

// inPlace is what editableDraft needs to know besides the HTML.
type inPlace struct {
	Base    string // the record's review page: /review/pages/SLUG, /review/sections/ID
	Pair    page.Pair
	Can     bool   // the viewer may edit the page in its state
	Editing string // the part shown as a form, or ""
	// Saved is said at the part it saved (at the top when that part is
	// gone: a question removed).
	Saved *savedNote
	// First names the id of a part's first field (the Edit link's
	// target); nil: the pair's parts (firstFieldID).
	First  func(part string) string
	placed bool
}

// note is the saved note when it belongs to part, once.
func (ip *inPlace) note(part string) *html.Node {
	if ip.Saved == nil || ip.placed || (part != "" && ip.Saved.Part != part) || ip.Editing == part && part != "" {
		return nil
	}
	ip.placed = true
	cls := "saved-note"
	if ip.Saved.Errors > 0 {
		cls += " warn"
	}
	n := el("p", cls)
	n.Attr = append(n.Attr, html.Attribute{Key: "role", Val: "status"}, html.Attribute{Key: "id", Val: "saved"})
	n.AppendChild(text(ip.Saved.Text))
	return n
}

func (ip *inPlace) link(part string) string {
	if ip.First != nil {
		return ip.Base + "?edit=" + url.QueryEscape(part) + "#" + ip.First(part)
	}
	return editLink(ip.Base, part)
}

// editLink is the address that opens part as a form. Its fragment is the
// form's first field: a browser focuses a focusable target, and skips
// autofocus when the address has a target, so this is what puts the focus
// in the form without script.
func editLink(base, part string) string {
	return base + "?edit=" + url.QueryEscape(part) + "#" + firstFieldID(part)
}

// fieldID is the id of a part's form field named name.
func fieldID(name string) string { return "ed-" + strings.ReplaceAll(name, ".", "-") }

// firstFieldID is the id of the first field of part's form.
func firstFieldID(part string) string {
	switch {
	case part == "all":
		return "ed-all-first"
	case strings.HasPrefix(part, "diff.extra."):
		return fieldID(part + ".aspect")
	case strings.HasPrefix(part, "diff."):
		return fieldID(part + ".a")
	case strings.HasPrefix(part, "faq."):
		return fieldID(part + ".q")
	}
	return fieldID(part)
}

// editableDraft marks the pair's own parts in the draft's HTML (h, as
// pairFirst returns it): each gets an id, the place focus returns to after
// a save, and, when the viewer may edit, an Edit link; the part being
// edited is replaced by the editor slot, and the HTML is cut there. The
// description is not in the page's body, so it is shown above the verdict.
// A table or FAQ whose shape does not match the record gets no links (the
// whole form still edits it).
func editableDraft(h template.HTML, ip *inPlace) []draftSeg {
	nodes, err := html.ParseFragment(strings.NewReader(string(h)), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil || ip.Editing == "all" {
		return []draftSeg{{HTML: h}}
	}
	var out []*html.Node
	verdictH2 := strings.ToLower(page.SectionVerdict)
	diffH2, faqH2 := strings.ToLower(page.SectionDifferences), strings.ToLower(page.SectionFAQ)
	desc := false
	addDesc := func() {
		if desc {
			return
		}
		desc = true
		d := partNode(ip, "description", "the description")
		label := el("p", "part-label")
		label.AppendChild(text("Description "))
		hint := el("span", "hint")
		hint.AppendChild(text("(search results and link previews; not shown on the page)"))
		label.AppendChild(hint)
		d.AppendChild(label)
		if ip.Editing == "description" {
			d.AppendChild(slot())
		} else {
			p := el("p", "")
			p.AppendChild(text(ip.Pair.Description))
			d.AppendChild(p)
			if n := ip.note("description"); n != nil {
				d.AppendChild(n)
			}
			d.AppendChild(editControl(ip, "description", "the description"))
		}
		out = append(out, d)
	}
	for i := 0; i < len(nodes); i++ {
		n := nodes[i]
		if n.Type != html.ElementNode || n.DataAtom != atom.H2 {
			if n.Type == html.ElementNode && n.DataAtom == atom.H1 {
				out = append(out, n)
				addDesc()
				continue
			}
			out = append(out, n)
			continue
		}
		addDesc()
		// The nodes of this H2, up to the next.
		j := i + 1
		for j < len(nodes) && !(nodes[j].Type == html.ElementNode && nodes[j].DataAtom == atom.H2) {
			j++
		}
		body := nodes[i+1 : j]
		out = append(out, n)
		switch strings.ToLower(strings.TrimSpace(textOf(n))) {
		case verdictH2:
			out = append(out, wrapPart(ip, "verdict", "the quick verdict", body))
		case diffH2:
			out = append(out, diffTable(ip, body)...)
		case faqH2:
			out = append(out, faqParts(ip, body)...)
		default:
			out = append(out, body...)
		}
		i = j - 1
	}
	addDesc()
	return ip.segments(out)
}

// segments renders the marked-up nodes, with the saved note at the top
// when no part took it, cut at the editor slot.
func (ip *inPlace) segments(out []*html.Node) []draftSeg {
	if n := ip.note(""); n != nil {
		out = append([]*html.Node{n}, out...)
	}
	var b strings.Builder
	for _, n := range out {
		_ = html.Render(&b, n)
	}
	s := b.String()
	if before, after, ok := strings.Cut(s, editorSlot); ok {
		return []draftSeg{{HTML: template.HTML(before), Editor: true}, {HTML: template.HTML(after)}} //nolint:gosec // re-serialized from sanitized HTML
	}
	return []draftSeg{{HTML: template.HTML(s)}} //nolint:gosec // re-serialized from sanitized HTML; added text is escaped
}

func el(tag, class string) *html.Node {
	n := &html.Node{Type: html.ElementNode, Data: tag, DataAtom: atom.Lookup([]byte(tag))}
	if class != "" {
		n.Attr = append(n.Attr, html.Attribute{Key: "class", Val: class})
	}
	return n
}

func text(s string) *html.Node { return &html.Node{Type: html.TextNode, Data: s} }

func slot() *html.Node { return &html.Node{Type: html.CommentNode, Data: "versus:editor"} }

// partNode is the element a part's content goes in: the target of its
// links and where focus returns after a save.
func partNode(ip *inPlace, part, what string) *html.Node {
	cls := "part"
	if ip.Editing == part {
		cls += " editing"
	}
	d := el("div", cls)
	d.Attr = append(d.Attr, html.Attribute{Key: "id", Val: partAnchor(part)}, html.Attribute{Key: "data-part", Val: part},
		html.Attribute{Key: "aria-label", Val: upperFirst(what)}, html.Attribute{Key: "role", Val: "group"})
	if ip.Editing != part {
		// Focusable, so focus comes back here after a save. Not while it
		// is a form: a browser focuses a focusable #target, and the focus
		// belongs in the form.
		d.Attr = append(d.Attr, html.Attribute{Key: "tabindex", Val: "-1"})
	}
	return d
}

// editLink is the Edit control of a part, named for screen readers.
func editControl(ip *inPlace, part, what string) *html.Node {
	p := el("p", "part-tools")
	if !ip.Can {
		return p
	}
	a := el("a", "edit-part")
	a.Attr = append(a.Attr, html.Attribute{Key: "href", Val: ip.link(part)}, html.Attribute{Key: "data-part", Val: part})
	a.AppendChild(text("Edit"))
	vh := el("span", "vh")
	vh.AppendChild(text(" " + what))
	a.AppendChild(vh)
	p.AppendChild(a)
	return p
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// isMark reports whether n is a finding marker (kept above a part's form).
func isMark(n *html.Node) bool {
	return n.Type == html.ElementNode && n.DataAtom == atom.Div && strings.Contains(attr(n, "class"), "fmark")
}

// wrapPart puts a part's nodes in its element, with its Edit link, or,
// when it is being edited, its finding markers and the editor slot.
func wrapPart(ip *inPlace, part, what string, body []*html.Node) *html.Node {
	d := partNode(ip, part, what)
	editing := ip.Editing == part
	for _, n := range body {
		if editing && !isMark(n) {
			continue
		}
		d.AppendChild(n)
	}
	if editing {
		d.AppendChild(slot())
	} else {
		if n := ip.note(part); n != nil {
			d.AppendChild(n)
		}
		d.AppendChild(editControl(ip, part, what))
	}
	return d
}

// diffTable gives each row of the differences table its id and an Edit
// cell; the row being edited becomes one cell holding the editor slot.
func diffTable(ip *inPlace, body []*html.Node) []*html.Node {
	rows := ip.Pair.Differences.Rows()
	var table *html.Node
	for _, n := range body {
		if n.Type == html.ElementNode && n.DataAtom == atom.Table {
			table = n
		}
	}
	if table == nil {
		return body
	}
	var head, trs []*html.Node
	var walk func(*html.Node, bool)
	walk = func(n *html.Node, inHead bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Thead:
				walk(c, true)
			case atom.Tbody:
				walk(c, false)
			case atom.Tr:
				if inHead {
					head = append(head, c)
				} else {
					trs = append(trs, c)
				}
			}
		}
	}
	walk(table, false)
	if len(trs) != len(rows) {
		return body
	}
	// Each cell names its column, for the phone layout that stacks a row
	// into a card (app.css).
	table.Attr = append(table.Attr, html.Attribute{Key: "class", Val: "diffs"})
	var labels []string
	if len(head) > 0 {
		for c := head[0].FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				labels = append(labels, strings.TrimSpace(textOf(c)))
			}
		}
	}
	for _, tr := range trs {
		k := 0
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Td {
				if k < len(labels) {
					c.Attr = append(c.Attr, html.Attribute{Key: "data-label", Val: labels[k]})
				}
				k++
			}
		}
	}
	for _, h := range head {
		th := el("th", "edit-cell")
		th.Attr = append(th.Attr, html.Attribute{Key: "scope", Val: "col"})
		vh := el("span", "vh")
		vh.AppendChild(text("Edit"))
		th.AppendChild(vh)
		h.AppendChild(th)
	}
	for i, tr := range trs {
		part := "diff." + rowKey(i)
		what := "the " + rows[i].Aspect + " row"
		tr.Attr = append(tr.Attr, html.Attribute{Key: "id", Val: partAnchor(part)}, html.Attribute{Key: "data-part", Val: part})
		if ip.Editing != part {
			tr.Attr = append(tr.Attr, html.Attribute{Key: "tabindex", Val: "-1"})
		} else {
			for c := tr.FirstChild; c != nil; c = tr.FirstChild {
				tr.RemoveChild(c)
			}
			td := el("td", "editing")
			td.Attr = append(td.Attr, html.Attribute{Key: "colspan", Val: "4"})
			td.AppendChild(slot())
			tr.AppendChild(td)
			continue
		}
		td := el("td", "edit-cell")
		if ip.Can {
			link := editControl(ip, part, what).FirstChild
			link.Parent, link.NextSibling, link.PrevSibling = nil, nil, nil
			td.AppendChild(link)
		}
		tr.AppendChild(td)
	}
	out := append([]*html.Node(nil), body...)
	for i := range trs {
		if n := ip.note("diff." + rowKey(i)); n != nil {
			out = append(out, n) // under the table: a row has no room for it
		}
	}
	// A row added in place: a new part after the table.
	add := "diff." + rowKey(len(rows))
	if ip.Editing == add {
		out = append(out, wrapPart(ip, add, "a new row", nil))
	} else if ip.Can {
		out = append(out, addLink(ip, add, "Add a row"))
	}
	return out
}

// rowKey is the form key of the i-th row of the differences table.
func rowKey(i int) string {
	if i < len(fixedKeys) {
		return fixedKeys[i]
	}
	return fmt.Sprintf("extra.%d", i-len(fixedKeys))
}

func addLink(ip *inPlace, part, label string) *html.Node {
	p := el("p", "part-tools add")
	a := el("a", "edit-part")
	a.Attr = append(a.Attr, html.Attribute{Key: "href", Val: ip.link(part)}, html.Attribute{Key: "data-part", Val: part})
	a.AppendChild(text(label))
	p.AppendChild(a)
	return p
}

// faqParts wraps each FAQ entry (its H3, marker and answer) as a part.
func faqParts(ip *inPlace, body []*html.Node) []*html.Node {
	var groups [][]*html.Node
	var pre []*html.Node
	for _, n := range body {
		if n.Type == html.ElementNode && n.DataAtom == atom.H3 {
			groups = append(groups, nil)
		}
		if len(groups) == 0 {
			pre = append(pre, n)
			continue
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], n)
	}
	if len(groups) != len(ip.Pair.FAQ) {
		return body
	}
	out := pre
	for i, g := range groups {
		out = append(out, wrapPart(ip, fmt.Sprintf("faq.%d", i), fmt.Sprintf("question %d", i+1), g))
	}
	add := fmt.Sprintf("faq.%d", len(groups))
	if ip.Editing == add {
		out = append(out, wrapPart(ip, add, "a new question", nil))
	} else if ip.Can {
		out = append(out, addLink(ip, add, "Add a question"))
	}
	return out
}

// editField is one field of a part's form.
type editField struct {
	ID, Name, Label, Value string
	Rows                   int // 0: a one-line input
}

// partEditor is the form of the part being edited in place.
type partEditor struct {
	Part   string
	Title  string
	Fields []editField
	Hint   string
	Action string // where it posts: the record's edit action
	Cancel string // where Cancel goes: the part in the page as it is
	Anchor string
	// ShowTitle: the form replaces what named the part (a table row's
	// aspect cell), so it says it.
	ShowTitle bool
}

// newPartEditor is the form of part over p (the record's pair, or the
// editor's text after a refused save); nil when p has no such part.
func newPartEditor(base string, part string, p page.Pair, names [2]string) *partEditor {
	if part == "" || part == "all" || !validPart(part) {
		return nil
	}
	e := &partEditor{Part: part, Anchor: partAnchor(part), Action: base + "/edit", Cancel: base + "#" + partAnchor(part)}
	id := fieldID
	switch {
	case part == "description":
		e.Title = "Description"
		e.Fields = []editField{{ID: id(part), Name: part, Label: "Description", Value: p.Description, Rows: rowsFor(p.Description, 2)}}
	case part == "verdict":
		e.Title = "Quick verdict"
		e.Fields = []editField{{ID: id(part), Name: part, Label: "Quick verdict", Value: p.Verdict, Rows: rowsFor(p.Verdict, 4)}}
	case strings.HasPrefix(part, "diff."):
		key := strings.TrimPrefix(part, "diff.")
		rows := p.Differences.Rows()
		i := -1
		for k := range rows {
			if rowKey(k) == key {
				i = k
			}
		}
		var row page.Row
		switch {
		case i >= 0:
			row = rows[i]
		case key == rowKey(len(rows)):
		default:
			return nil
		}
		e.Title, e.ShowTitle = "Row: "+row.Aspect, true
		if row.Aspect == "" {
			e.Title = "New row"
		}
		if i < 0 || i >= len(fixedKeys) {
			e.Fields = append(e.Fields, editField{ID: id(part + ".aspect"), Name: part + ".aspect", Label: "Aspect", Value: row.Aspect})
			e.Hint = "Empty every field to remove the row."
		}
		e.Fields = append(e.Fields,
			editField{ID: id(part + ".a"), Name: part + ".a", Label: names[0], Value: row.A, Rows: rowsFor(row.A, 2)},
			editField{ID: id(part + ".b"), Name: part + ".b", Label: names[1], Value: row.B, Rows: rowsFor(row.B, 2)})
	case strings.HasPrefix(part, "faq."):
		i, _ := strconv.Atoi(strings.TrimPrefix(part, "faq."))
		var qa page.QA
		switch {
		case i < len(p.FAQ):
			qa = p.FAQ[i]
		case i == len(p.FAQ):
		default:
			return nil
		}
		e.Title = fmt.Sprintf("Question %d", i+1)
		e.Fields = []editField{
			{ID: id(part + ".q"), Name: part + ".q", Label: "Question", Value: qa.Question},
			{ID: id(part + ".a"), Name: part + ".a", Label: "Answer", Value: qa.Answer, Rows: rowsFor(qa.Answer, 3)},
		}
		e.Hint = "Empty both fields to remove the question."
	}
	return e
}

// rowsFor is a textarea's height for text: all of it in view at about 75
// characters a line, at least least lines and at most 24.
func rowsFor(text string, least int) int {
	n := 1
	for _, l := range strings.Split(text, "\n") {
		n += len([]rune(l))/75 + 1
	}
	return max(least, min(n, 24))
}
