package page

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
)

// Structure rule ids reported by Parse.
const (
	RuleFrontMatter       = "structure.front-matter"
	RuleHeadingFormat     = "structure.heading-format"
	RuleMissingSection    = "structure.missing-section"
	RuleEmptySection      = "structure.empty-section"
	RuleUnknownSection    = "structure.unknown-section"
	RuleDuplicateSection  = "structure.duplicate-section"
	RuleSplitSection      = "structure.split-section"
	RuleSectionOrder      = "structure.section-order"
	RuleStrayText         = "structure.stray-text"
	RuleListExpected      = "structure.list-expected"
	RuleParagraphExpected = "structure.paragraph-expected"
	RuleExtraParagraph    = "structure.extra-paragraph"
	RuleFullName          = "structure.full-name"
	RuleImplementation    = "structure.implementation-form"
	RuleFAQNoQuestion     = "structure.faq-no-question"
	RuleFAQNoAnswer       = "structure.faq-no-answer"
	RuleFAQQuestionFormat = "structure.faq-question-format"
	RuleTableFormat       = "structure.table-format"
	RuleTableColumns      = "structure.table-columns"
	RuleTableRowMissing   = "structure.table-row-missing"
	RuleTableRowOrder     = "structure.table-row-order"
	RuleTableRowDuplicate = "structure.table-row-duplicate"
	RuleTableCellEmpty    = "structure.table-cell-empty"
	RuleTableLeftover     = "structure.table-leftover"
	RuleTrailing          = "structure.trailing-content"
)

// Parse reads a page in its Markdown form. It is forgiving: it reads pages
// that are not quite in form (no '#' markers, sections split in two, site
// boilerplate around them) as far as it can and reports every departure from
// the layout as a finding, with its section and line. It does not resolve
// standard names to profiles: headings are kept as written and Standards is
// set only from front matter. Inline Markdown is kept as written.
func Parse(src []byte) (Page, []finding.Finding) {
	p, _, fs := parse(src)
	return p, fs
}

// ParseWithSource is Parse that also returns where each field sits in src.
func ParseWithSource(src []byte) (Page, *Source, []finding.Finding) {
	return parse(src)
}

type mdLine struct {
	num      int // 1-based
	off      int // byte offset of the line in the source
	raw      string
	t        string // trimmed
	kind     lineKind
	level    int
	text     string // heading or bullet text
	bare     bool   // a heading recognised by its words, not by '#'
	group    bool   // bare FAQ group heading, e.g. "ISO 27032 FAQ"
	fullName bool   // bare page: the line between a standard's name and its first part
}

type span struct{ from, to int } // line indices, to exclusive

type sub struct {
	h    int
	body span
}

type block struct {
	h    int // heading line index; -1 for the intro
	pre  span
	subs []sub
	end  int
	kind string // see SourceSection.Kind
	idx  int    // standard index
}

type parser struct {
	s          string
	lines      []mdLine
	body       int // index of the first line after front matter
	marked     bool
	fs         []finding.Finding
	src        *Source
	p          Page
	nsec       int
	secKeys    [2]string
	seen       [2][5]bool // which of a section's five parts were found
	trailStart int        // bare pages: first line index of trailing text, -1
	trail      []span
	fmTitle    string
	titleLine  int
}

func parse(data []byte) (Page, *Source, []finding.Finding) {
	ps := &parser{s: string(data), trailStart: -1}
	ps.s = strings.TrimPrefix(ps.s, "\ufeff")
	ps.split()
	// the positions are kept even for Parse: findings need their lines
	{
		ps.src = &Source{Lines: make(map[string]int, 128), lines: make([]string, len(ps.lines))}
		for i := range ps.lines {
			ps.src.lines[i] = ps.lines[i].raw
		}
	}
	ps.frontMatter()
	ps.classify()
	blocks := ps.outline()
	ps.interpret(blocks)
	finding.Sort(ps.fs)
	return ps.p, ps.src, ps.fs
}

func (ps *parser) split() {
	s := ps.s
	ps.lines = make([]mdLine, 0, strings.Count(s, "\n")+1)
	off := 0
	for off <= len(s) {
		end := strings.IndexByte(s[off:], '\n')
		next := off + end + 1
		if end < 0 {
			end, next = len(s)-off, len(s)+1
		}
		raw := strings.TrimSuffix(s[off:off+end], "\r")
		ps.lines = append(ps.lines, mdLine{num: len(ps.lines) + 1, off: off, raw: raw, t: strings.TrimSpace(raw)})
		off = next
	}
	// a final newline does not start a line
	if n := len(ps.lines); n > 1 && ps.lines[n-1].raw == "" && strings.HasSuffix(s, "\n") {
		ps.lines = ps.lines[:n-1]
	}
}

func (ps *parser) add(rule string, sev finding.Severity, section, field string, line int, msg, hint string) {
	ps.fs = append(ps.fs, finding.Finding{Rule: rule, Severity: sev, Section: section, Field: field, Line: line, Message: msg, Hint: hint})
}

func (ps *parser) at(field string, i int) {
	if ps.src != nil && i >= 0 && i < len(ps.lines) {
		ps.src.Lines[field] = ps.lines[i].num
	}
}

func idx(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

// frontMatter reads the optional leading "---" block: slug, title, standards, description.
func (ps *parser) frontMatter() {
	if len(ps.lines) == 0 || ps.lines[0].t != "---" {
		return
	}
	end := -1
	for i := 1; i < len(ps.lines); i++ {
		if t := ps.lines[i].raw; t == "---" || t == "..." {
			end = i
			break
		}
	}
	const sec = "Front matter"
	if end < 0 {
		ps.add(RuleFrontMatter, finding.Error, sec, "", 1, "the front matter is never closed with a '---' line", "end the front matter with a line of three dashes")
		return
	}
	ps.body = end + 1
	if ps.src != nil {
		ps.src.FrontMatter = true
	}
	var stds []string
	stdLine := -1
	for i := 1; i < end; i++ {
		raw := ps.lines[i].raw
		t := ps.lines[i].t
		if t == "" || t[0] == '#' {
			continue
		}
		key, val, ok := strings.Cut(raw, ":")
		if !ok || strings.HasPrefix(raw, " ") || strings.HasPrefix(raw, "\t") {
			ps.add(RuleFrontMatter, finding.Warning, sec, "", i+1, fmt.Sprintf("front matter line %q is not 'key: value'", clip(t, 60)), "")
			continue
		}
		key = strings.TrimSpace(key)
		val = strings.TrimSpace(val)
		// a block scalar or block list continues on indented lines
		var more []string
		for i+1 < end && (strings.HasPrefix(ps.lines[i+1].raw, " ") || strings.HasPrefix(ps.lines[i+1].raw, "\t") || strings.HasPrefix(ps.lines[i+1].raw, "-")) && ps.lines[i+1].t != "" {
			i++
			more = append(more, ps.lines[i].t)
		}
		switch key {
		case "slug", "title", "description":
			var v string
			if len(more) > 0 && (val == "" || strings.Trim(val, ">|-+") == "") {
				v, ok = norm(strings.Join(more, " ")), true
			} else {
				v, ok = yamlValue(val)
				if len(more) > 0 {
					v = norm(v + " " + strings.Join(more, " "))
				}
			}
			if !ok {
				ps.add(RuleFrontMatter, finding.Error, sec, key, i+1, fmt.Sprintf("the %s value %q is not a valid YAML string", key, clip(val, 60)), "quote it with double quotes")
			}
			v = norm(v)
			switch key {
			case "slug":
				ps.p.Slug = v
			case "title":
				ps.fmTitle = v
			case "description":
				ps.p.Description = v
			}
			ps.at(key, i-len(more))
		case "standards":
			stdLine = i - len(more)
			if len(more) > 0 && val == "" {
				for _, m := range more {
					m = strings.TrimSpace(strings.TrimPrefix(m, "-"))
					v, _ := yamlValue(m)
					stds = append(stds, norm(v))
				}
			} else {
				l, ok := yamlList(val)
				if !ok {
					ps.add(RuleFrontMatter, finding.Error, sec, "standards", stdLine+1, "standards is not a list like [iso-27001, soc-2]", "")
				}
				for _, v := range l {
					stds = append(stds, norm(v))
				}
			}
			ps.at("standards", stdLine)
		default:
			ps.add(RuleFrontMatter, finding.Warning, sec, "", i-len(more)+1, fmt.Sprintf("unknown front matter key %q", clip(key, 40)), "the front matter holds slug, title, standards and description")
		}
	}
	if stdLine >= 0 && len(stds) != 2 {
		ps.add(RuleFrontMatter, finding.Error, sec, "standards", stdLine+1, fmt.Sprintf("standards lists %d ids; a page compares exactly 2", len(stds)), "")
	}
	for i := 0; i < 2 && i < len(stds); i++ {
		ps.p.Standards[i] = stds[i]
	}
}

// classify sorts every body line and, for pages written without '#'
// markers, decides which bare lines are headings.
func (ps *parser) classify() {
	for i := ps.body; i < len(ps.lines); i++ {
		l := &ps.lines[i]
		l.kind, l.level, l.text = classify(l.t)
		if l.kind == lHeading {
			l.bare = l.t[0] != '#'
			if l.level == 2 && !l.bare {
				ps.marked = true
			}
		}
	}
	if ps.src != nil {
		ps.src.Marked = ps.marked
	}
	if !ps.marked {
		ps.bareHeadings()
	}
	first := true
	for i := ps.body; i < len(ps.lines); i++ {
		l := &ps.lines[i]
		if l.kind != lHeading || !l.bare {
			continue
		}
		switch {
		case ps.marked:
			ps.add(RuleHeadingFormat, finding.Warning, "", "", l.num,
				fmt.Sprintf("%q is not marked as a heading", clip(l.t, 60)),
				fmt.Sprintf("write it as '%s %s'", "######"[:l.level], strings.Trim(l.t, "*: ")))
		case first:
			first = false
			ps.add(RuleHeadingFormat, finding.Warning, "", "", l.num,
				"the page's headings are not marked with '#'; they were recognised by their words",
				"write the page in the Markdown layout: '# A vs B', '## Quick Verdict', '### Key Features', ...")
		}
	}
}

func isFAQName(s string) bool {
	switch normName(s) {
	case "frequently asked questions", "faq", "faqs":
		return true
	}
	return false
}

func isFAQGroup(t string) bool {
	if len(t) > 80 {
		return false
	}
	l := strings.ToLower(strings.TrimRight(t, ": "))
	return l == "faq" || strings.HasSuffix(l, " faq") || strings.HasSuffix(l, " faqs")
}

func isSubHeading(l *mdLine) bool { return l.kind == lHeading && l.level >= 3 }

func (ps *parser) nextNonBlank(i int) int {
	for ; i < len(ps.lines); i++ {
		if ps.lines[i].kind != lBlank {
			return i
		}
	}
	return -1
}

// bareHeadings finds the headings of a page written as bare lines: a
// standard's name is the line just before its first part ("Key Features",
// "What It Is"), or two lines before when its full name sits between; in the
// FAQ, lines ending in '?' are questions and "X FAQ" lines are group
// headings. Text in the FAQ that no question follows is trailing content.
func (ps *parser) bareHeadings() {
	inFAQ, trailing := false, false
	state := 0 // in the FAQ: 0 before any heading, 1 after a question, 2 after its answer, 3 after a group heading
	for i := ps.body; i < len(ps.lines); i++ {
		l := &ps.lines[i]
		if l.kind == lHeading {
			if l.level <= 2 {
				inFAQ, state, trailing = isFAQName(l.text), 0, false
			}
			continue
		}
		if l.kind != lText || l.fullName || trailing {
			continue
		}
		if inFAQ {
			switch {
			case strings.HasSuffix(l.t, "?"):
				l.kind, l.level, l.text, l.bare = lHeading, 3, l.t, true
				state = 1
			case isFAQGroup(l.t):
				l.kind, l.level, l.text, l.bare, l.group = lHeading, 3, l.t, true, true
				state = 3
			case state == 1:
				state = 2
			default:
				if !ps.laterFAQHeading(i + 1) {
					trailing = true
					if ps.trailStart < 0 {
						ps.trailStart = i
					}
				}
			}
			continue
		}
		if len(l.t) > 120 || strings.HasSuffix(l.t, ".") {
			continue
		}
		j := ps.nextNonBlank(i + 1)
		if j < 0 {
			continue
		}
		if isSubHeading(&ps.lines[j]) {
			l.kind, l.level, l.text, l.bare = lHeading, 2, l.t, true
			continue
		}
		if ps.lines[j].kind == lText {
			if k := ps.nextNonBlank(j + 1); k >= 0 && isSubHeading(&ps.lines[k]) {
				l.kind, l.level, l.text, l.bare = lHeading, 2, l.t, true
				ps.lines[j].fullName = true
			}
		}
	}
}

func (ps *parser) laterFAQHeading(i int) bool {
	for ; i < len(ps.lines); i++ {
		l := &ps.lines[i]
		if l.kind == lHeading {
			if l.level <= 2 {
				return false
			}
			return true
		}
		if l.kind == lText && (strings.HasSuffix(l.t, "?") || isFAQGroup(l.t)) {
			return true
		}
	}
	return false
}

// outline groups the body into H2 blocks, each with its H3 parts.
func (ps *parser) outline() []block {
	blocks := make([]block, 1, 8)
	blocks[0] = block{h: -1, pre: span{ps.body, ps.body}, kind: "intro", idx: -1}
	closeOpen := func(i int) {
		b := &blocks[len(blocks)-1]
		if n := len(b.subs); n > 0 {
			b.subs[n-1].body.to = i
		} else {
			b.pre.to = i
		}
		b.end = i
	}
	for i := ps.body; i < len(ps.lines); i++ {
		l := &ps.lines[i]
		if l.kind != lHeading {
			continue
		}
		switch {
		case l.level == 1:
			if ps.titleLine == 0 {
				ps.titleLine = l.num
				ps.p.Title = norm(l.text)
				ps.at("title", i)
			} else {
				ps.add(RuleHeadingFormat, finding.Warning, "", "", l.num, "a second '#' title line", "a page has one '# A vs B' title; make this a '##' or '###' heading")
			}
		case l.level == 2:
			closeOpen(i)
			blocks = append(blocks, block{h: i, pre: span{i + 1, i + 1}, idx: -1})
		default:
			if l.level > 3 {
				ps.add(RuleHeadingFormat, finding.Warning, "", "", l.num, fmt.Sprintf("heading level %d; the layout uses '###' for parts", l.level), "make it a '###' heading")
			}
			closeOpen(i)
			b := &blocks[len(blocks)-1]
			b.subs = append(b.subs, sub{h: i, body: span{i + 1, i + 1}})
		}
	}
	closeOpen(len(ps.lines))
	return blocks
}

// partIndex maps a part heading to its place among a section's five parts.
func partIndex(name string) int {
	switch normName(name) {
	case "key features":
		return 0
	case "what it is":
		return 1
	case "key components":
		return 2
	case "why organizations use it", "why organisations use it":
		return 3
	case "implementation overview", "implementation":
		return 4
	}
	return -1
}

var partTitles = [5]string{SubKeyFeatures, SubWhatItIs, SubKeyComponents, SubWhyUsed, SubImplementation}
var partFields = [5]string{"key_features", "what_it_is", "key_components", "why_used", "implementation"}

// kinds decides what each H2 block is, and which standard a standard
// block belongs to (a block named "X Details" continues the block "X").
func (ps *parser) kinds(blocks []block) {
	for bi := 1; bi < len(blocks); bi++ {
		b := &blocks[bi]
		h := &ps.lines[b.h]
		key := normName(h.text)
		switch key {
		case "quick verdict":
			b.kind = "verdict"
			continue
		case "key differences":
			b.kind = "differences"
			continue
		case "how they relate":
			b.kind = "relate"
			continue
		case "frequently asked questions", "faq", "faqs":
			b.kind = "faq"
			continue
		case "detailed analysis":
			b.kind = "unknown"
			continue
		}
		b.kind = "unknown"
		for i := 0; i < ps.nsec; i++ {
			if key == ps.secKeys[i] || key == ps.secKeys[i]+" details" {
				b.kind, b.idx = "standard", i
				ps.add(RuleSplitSection, finding.Warning, sectionName(ps.p.Sections[i].Heading, i), "", h.num,
					fmt.Sprintf("%q continues the section of %s; a standard's parts belong under its one '##' heading", clip(h.text, 60), ps.p.Sections[i].Heading),
					"move these parts under the first heading and delete this one")
				break
			}
		}
		if b.kind == "standard" {
			continue
		}
		looks := false
		for _, s := range b.subs {
			if partIndex(ps.lines[s.h].text) >= 0 {
				looks = true
				break
			}
		}
		if j := ps.nextNonBlank(b.pre.from); !looks && j >= 0 && j < b.pre.to && (isBold(ps.lines[j].t) || ps.lines[j].fullName) {
			looks = true
		}
		if !looks {
			continue
		}
		if ps.nsec == 2 {
			ps.add(RuleUnknownSection, finding.Error, "", "", h.num,
				fmt.Sprintf("a third standard's section, %q; a page compares two standards", clip(h.text, 60)), "delete it")
			continue
		}
		b.kind, b.idx = "standard", ps.nsec
		ps.secKeys[ps.nsec] = key
		ps.p.Sections[ps.nsec].Heading = norm(h.text)
		ps.at(idx("sections", ps.nsec), b.h)
		ps.at(idx("sections", ps.nsec)+".heading", b.h)
		ps.nsec++
	}
}

func sectionName(heading string, i int) string {
	if heading == "" {
		return "Section " + strconv.Itoa(i+1)
	}
	return heading
}

// item is one paragraph, bullet or table line of a part.
type item struct {
	kind lineKind // lText (a paragraph), lBullet or lTable
	i    int      // first line index
	text string   // first line (paragraph) or bullet text
	cont string   // continuation lines, joined by spaces
	bold bool     // a one-line paragraph that is all bold
	full bool     // a bare page's full-name line
}

func (it item) value(unesc func(string) string) string {
	s := it.text
	if unesc != nil {
		s = unesc(s)
	}
	if it.cont != "" {
		s += " " + it.cont
	}
	return norm(s)
}

func (ps *parser) items(sp span) []item {
	var out []item
	for i := sp.from; i < sp.to; i++ {
		l := &ps.lines[i]
		switch l.kind {
		case lText:
			if ps.marked && i > sp.from && len(out) > 0 {
				last := &out[len(out)-1]
				if pk := ps.lines[i-1].kind; (pk == lText || pk == lBullet) && !(last.bold && last.cont == "") {
					if last.cont == "" {
						last.cont = l.t
					} else {
						last.cont += " " + l.t
					}
					last.bold = false
					continue
				}
			}
			out = append(out, item{kind: lText, i: i, text: l.t, bold: isBold(l.t), full: l.fullName})
		case lBullet:
			out = append(out, item{kind: lBullet, i: i, text: l.text})
		case lTable:
			out = append(out, item{kind: lTable, i: i, text: l.t})
		}
	}
	return out
}

func (ps *parser) stray(it item, section string) {
	ps.add(RuleStrayText, finding.Warning, section, "", ps.lines[it.i].num,
		fmt.Sprintf("text that belongs to no part of the page: %q", clip(ps.lines[it.i].t, 60)), "move it into a section or delete it")
}

func (ps *parser) interpret(blocks []block) {
	ps.kinds(blocks)
	rank := map[string]int{"verdict": 0, "standard": 1, "differences": 2, "relate": 3, "faq": 4}
	maxRank, faqBlock, lastKnown := -1, -1, -1
	var has = map[string]bool{}
	for bi, b := range blocks {
		if r, ok := rank[b.kind]; ok {
			lastKnown = bi
			if b.kind == "faq" && faqBlock < 0 {
				faqBlock = bi
			}
			if r < maxRank {
				ps.add(RuleSectionOrder, finding.Warning, "", "", ps.lines[b.h].num,
					fmt.Sprintf("%q is out of order", clip(ps.lines[b.h].text, 60)),
					"the order is Quick Verdict, the two standards, Key Differences, How They Relate, Frequently Asked Questions")
			}
			maxRank = max(maxRank, r)
		}
	}
	var header []item
	for bi := range blocks {
		b := &blocks[bi]
		has[b.kind] = true
		switch b.kind {
		case "intro":
			for _, it := range ps.items(b.pre) {
				if !ps.marked && it.kind == lText {
					header = append(header, it)
					continue
				}
				ps.stray(it, "")
			}
		case "verdict":
			if has["verdict-done"] {
				ps.add(RuleDuplicateSection, finding.Error, SectionVerdict, "verdict", ps.lines[b.h].num, "a second Quick Verdict", "keep one")
				continue
			}
			has["verdict-done"] = true
			ps.verdict(b)
		case "standard":
			ps.standard(b)
		case "differences":
			if has["differences-done"] {
				ps.add(RuleDuplicateSection, finding.Error, SectionDifferences, "differences", ps.lines[b.h].num, "a second Key Differences section", "keep one")
				continue
			}
			has["differences-done"] = true
			ps.differences(b)
		case "relate":
			if has["relate-done"] {
				ps.add(RuleDuplicateSection, finding.Error, SectionRelate, "relations", ps.lines[b.h].num, "a second How They Relate section", "keep one")
				continue
			}
			has["relate-done"] = true
			ps.relate(b)
		case "faq":
			if bi != faqBlock {
				ps.add(RuleDuplicateSection, finding.Error, SectionFAQ, "faq", ps.lines[b.h].num, "a second FAQ section", "keep one")
				continue
			}
			ps.faq(b, bi >= lastKnown)
		default: // unknown
			if faqBlock >= 0 && bi > faqBlock && bi > lastKnown {
				ps.trail = append(ps.trail, span{b.h, b.end})
				continue
			}
			ps.add(RuleUnknownSection, finding.Warning, "", "", ps.lines[b.h].num,
				fmt.Sprintf("%q is not a section of the page", clip(ps.lines[b.h].text, 60)), "delete it, or move its text into a section")
		}
		if ps.src != nil {
			name := ""
			line, endLine := 1, ps.lines[len(ps.lines)-1].num
			from := b.pre.from
			if b.h >= 0 {
				name, line, from = ps.lines[b.h].text, ps.lines[b.h].num, b.h
			} else if from < len(ps.lines) {
				line = ps.lines[from].num
			}
			to := b.end
			for to > from+1 && ps.lines[to-1].t == "" {
				to--
			}
			if to > from {
				endLine = ps.lines[to-1].num
			}
			text := ""
			if from < len(ps.lines) && to > from {
				text = ps.s[ps.lines[from].off : ps.lines[to-1].off+len(ps.lines[to-1].raw)]
			}
			ps.src.Sections = append(ps.src.Sections, SourceSection{Heading: name, Kind: b.kind, Index: b.idx, Line: line, EndLine: endLine, Text: text})
		}
	}
	ps.header(header)
	ps.p = nonNil(ps.p)
	// front matter names the standards in page order; the sections follow it
	for i := 0; i < ps.nsec; i++ {
		ps.p.Sections[i].Standard = ps.p.Standards[i]
	}
	ps.finish(has)
}

// header reads a bare page's opening lines: each standard's name, then its tagline.
func (ps *parser) header(its []item) {
	if ps.src != nil {
		for _, it := range its {
			ps.src.Header = append(ps.src.Header, it.text)
		}
	}
	for k := 0; k+1 < len(its); k += 2 {
		key := normName(its[k].text)
		for i := 0; i < ps.nsec; i++ {
			if ps.secKeys[i] == key && ps.p.Sections[i].Tagline == "" {
				ps.p.Sections[i].Tagline = its[k+1].value(nil)
				ps.at(idx("sections", i)+".tagline", its[k+1].i)
			}
		}
	}
}

func (ps *parser) finish(has map[string]bool) {
	if ps.p.Title == "" && ps.fmTitle != "" {
		ps.p.Title = ps.fmTitle
	} else if ps.fmTitle != "" && ps.fmTitle != ps.p.Title {
		ps.add(RuleFrontMatter, finding.Warning, "Front matter", "title", ps.src.Line("title"), fmt.Sprintf("the front matter title %q differs from the '#' title %q", clip(ps.fmTitle, 60), clip(ps.p.Title, 60)), "make them the same")
	}
	if ps.titleLine == 0 && ps.fmTitle == "" {
		ps.add(RuleMissingSection, finding.Error, "Title", "title", 0, "the page has no '# A vs B' title", "start the page with '# <short name A> vs <short name B>'")
	}
	if !has["verdict"] {
		ps.add(RuleMissingSection, finding.Error, SectionVerdict, "verdict", 0, "the page has no Quick Verdict", "add '## Quick Verdict' and one paragraph")
	}
	for i := ps.nsec; i < 2; i++ {
		ps.add(RuleMissingSection, finding.Error, "Section "+strconv.Itoa(i+1), idx("sections", i), 0,
			fmt.Sprintf("the page has %d of the two standards' sections", ps.nsec), "add a '## <short name>' section with its six parts for each standard")
	}
	for i := 0; i < ps.nsec; i++ {
		s := &ps.p.Sections[i]
		name := sectionName(s.Heading, i)
		line := ps.src.Line(idx("sections", i))
		if s.FullName == "" {
			ps.add(RuleFullName, finding.Warning, name, idx("sections", i)+".full_name", line, "the section has no bold full-name line under its heading", "add the standard's full name in bold under the heading")
		}
		for k := 0; k < 5; k++ {
			if !ps.seen[i][k] {
				ps.add(RuleMissingSection, finding.Error, name+" / "+partTitles[k], idx("sections", i)+"."+partFields[k], line,
					fmt.Sprintf("%s has no %s", name, partTitles[k]), fmt.Sprintf("add '### %s'", partTitles[k]))
			}
		}
	}
	if !has["differences"] {
		ps.add(RuleMissingSection, finding.Error, SectionDifferences, "differences", 0, "the page has no Key Differences table", "add '## Key Differences' and the table")
	}
	if !has["faq"] {
		ps.add(RuleMissingSection, finding.Error, SectionFAQ, "faq", 0, "the page has no FAQ", "add '## Frequently Asked Questions' with three to eight questions")
	}
	if ps.trailStart >= 0 {
		ps.trail = append([]span{{ps.trailStart, len(ps.lines)}}, ps.trail...)
	}
	if len(ps.trail) > 0 {
		ps.trailing()
	}
}

func (ps *parser) trailing() {
	// merge and order the spans; a bare page's trailing span may cover later ones
	var parts []string
	first := -1
	covered := -1
	for _, sp := range ps.trail {
		if sp.from < covered {
			sp.from = covered
		}
		if sp.to <= sp.from {
			continue
		}
		// stop a bare page's span at the next block that was parsed
		to := sp.from
		for to < sp.to {
			l := &ps.lines[to]
			if to > sp.from && l.kind == lHeading && l.level <= 2 && !ps.isTrailBlock(to) {
				break
			}
			to++
		}
		covered = to
		if first < 0 {
			if j := ps.nextNonBlank(sp.from); j >= 0 && j < to {
				first = j
			}
		}
		parts = append(parts, ps.s[ps.lines[sp.from].off:ps.lines[to-1].off+len(ps.lines[to-1].raw)])
	}
	text := strings.TrimSpace(strings.Join(parts, "\n"))
	if text == "" || first < 0 {
		return
	}
	ps.add(RuleTrailing, finding.Error, SectionFAQ, "", ps.lines[first].num,
		fmt.Sprintf("the page goes on after its last FAQ answer: %q", clip(ps.lines[first].t, 60)),
		"the page ends with the last answer; delete what follows (site navigation, adverts, related links)")
	if ps.src != nil {
		ps.src.Trailing = text
		ps.src.TrailingLine = ps.lines[first].num
	}
}

func (ps *parser) isTrailBlock(i int) bool {
	for _, sp := range ps.trail {
		if sp.from == i {
			return true
		}
	}
	return false
}

func (ps *parser) verdict(b *block) {
	ps.at("verdict", b.h)
	for _, s := range b.subs {
		ps.add(RuleUnknownSection, finding.Warning, SectionVerdict, "", ps.lines[s.h].num,
			fmt.Sprintf("%q is not a part of the Quick Verdict", clip(ps.lines[s.h].text, 60)), "the verdict is one paragraph with no subheadings")
	}
	var paras []string
	warned := false
	for _, it := range ps.items(b.pre) {
		switch it.kind {
		case lTable:
			ps.stray(it, SectionVerdict)
			continue
		case lBullet:
			if !warned {
				warned = true
				ps.add(RuleParagraphExpected, finding.Warning, SectionVerdict, "verdict", ps.lines[it.i].num, "the verdict is a list; it should be one paragraph", "")
			}
			paras = append(paras, it.value(nil))
		default:
			paras = append(paras, it.value(unescapeLine))
		}
		if len(paras) == 1 {
			ps.at("verdict", it.i)
		}
	}
	switch {
	case len(paras) == 0:
		ps.add(RuleEmptySection, finding.Error, SectionVerdict, "verdict", ps.lines[b.h].num, "the Quick Verdict is empty", "write one paragraph of 30 to 120 words")
	case len(paras) > 1 && !warned:
		ps.add(RuleExtraParagraph, finding.Warning, SectionVerdict, "verdict", ps.src.Line("verdict"), fmt.Sprintf("the verdict has %d paragraphs; it should be one", len(paras)), "")
	}
	ps.p.Verdict = norm(strings.Join(paras, " "))
}

func (ps *parser) standard(b *block) {
	i := b.idx
	s := &ps.p.Sections[i]
	base := idx("sections", i)
	name := sectionName(s.Heading, i)
	// full name and tagline
	its := ps.items(b.pre)
	var paras []item
	for _, it := range its {
		if it.kind != lText {
			ps.stray(it, name)
			continue
		}
		paras = append(paras, it)
	}
	if len(paras) > 0 {
		switch {
		case paras[0].bold:
			ps.setFullName(i, strings.TrimSuffix(strings.TrimPrefix(paras[0].text, "**"), "**"), paras[0].i)
			paras = paras[1:]
		case paras[0].full:
			ps.setFullName(i, paras[0].text, paras[0].i)
			paras = paras[1:]
		case ps.marked && len(paras) >= 2:
			ps.add(RuleFullName, finding.Warning, name, base+".full_name", ps.lines[paras[0].i].num, "the full-name line is not bold", "write it as **<full name>**")
			ps.setFullName(i, paras[0].value(unescapeLine), paras[0].i)
			paras = paras[1:]
		}
	}
	for k, it := range paras {
		if k == 0 && s.Tagline == "" {
			s.Tagline = it.value(unescapeTagline)
			ps.at(base+".tagline", it.i)
			continue
		}
		ps.stray(it, name)
	}
	for _, sb := range b.subs {
		h := &ps.lines[sb.h]
		k := partIndex(h.text)
		if k < 0 {
			ps.add(RuleUnknownSection, finding.Warning, name, "", h.num,
				fmt.Sprintf("%q is not one of a standard's parts", clip(h.text, 60)),
				"the parts are Key Features, What It Is, Key Components, Why Organizations Use It and Implementation Overview")
			continue
		}
		label := name + " / " + partTitles[k]
		field := base + "." + partFields[k]
		if ps.seen[i][k] {
			ps.add(RuleDuplicateSection, finding.Error, label, field, h.num, fmt.Sprintf("%s appears twice", partTitles[k]), "keep one")
			continue
		}
		ps.seen[i][k] = true
		ps.at(field, sb.h)
		its := ps.items(sb.body)
		switch k {
		case 0:
			s.KeyFeatures = ps.list(its, field, label)
		case 1:
			s.WhatItIs = ps.paragraphs(its, field, label)
		case 2:
			s.KeyComponents = ps.list(its, field, label)
		case 3:
			s.WhyUsed = ps.list(its, field, label)
		case 4:
			s.Implementation = ps.implementation(its, field, label)
		}
		if len(its) == 0 {
			ps.add(RuleEmptySection, finding.Error, label, field, h.num, fmt.Sprintf("%s is empty", partTitles[k]), "")
		}
	}
}

func (ps *parser) setFullName(i int, v string, line int) {
	s := &ps.p.Sections[i]
	v = norm(v)
	if s.FullName != "" {
		if v != s.FullName {
			ps.add(RuleFullName, finding.Warning, sectionName(s.Heading, i), idx("sections", i)+".full_name", ps.lines[line].num,
				fmt.Sprintf("a second full name %q", clip(v, 60)), "")
		}
		return
	}
	s.FullName = v
	ps.at(idx("sections", i)+".full_name", line)
}

func (ps *parser) list(its []item, field, label string) []string {
	var out []string
	warned := false
	for _, it := range its {
		var v string
		switch it.kind {
		case lTable:
			ps.stray(it, label)
			continue
		case lBullet:
			v = it.value(nil)
		default:
			if !warned {
				warned = true
				ps.add(RuleListExpected, finding.Warning, label, field, ps.lines[it.i].num, "this part should be a bulleted list, not paragraphs", "write one '- ' bullet per point")
			}
			v = it.value(unescapeLine)
		}
		ps.at(idx(field, len(out)), it.i)
		out = append(out, v)
	}
	return out
}

func (ps *parser) paragraphs(its []item, field, label string) []string {
	var out []string
	warned := false
	for _, it := range its {
		var v string
		switch it.kind {
		case lTable:
			ps.stray(it, label)
			continue
		case lBullet:
			if !warned {
				warned = true
				ps.add(RuleParagraphExpected, finding.Warning, label, field, ps.lines[it.i].num, "this part should be paragraphs, not a list", "")
			}
			v = it.value(nil)
		default:
			v = it.value(unescapeLine)
		}
		if v == "" {
			continue // an empty paragraph is no paragraph (Render writes none)
		}
		ps.at(idx(field, len(out)), it.i)
		out = append(out, v)
	}
	return out
}

func (ps *parser) implementation(its []item, field, label string) Implementation {
	var im Implementation
	var paras []string
	for _, it := range its {
		switch it.kind {
		case lTable:
			ps.stray(it, label)
		case lBullet:
			ps.at(idx(field+".steps", len(im.Steps)), it.i)
			im.Steps = append(im.Steps, it.value(nil))
		default:
			if len(paras) == 0 {
				ps.at(field+".paragraph", it.i)
			}
			paras = append(paras, it.value(unescapeLine))
		}
	}
	if len(paras) > 1 {
		ps.add(RuleExtraParagraph, finding.Warning, label, field+".paragraph", ps.src.Line(field+".paragraph"),
			fmt.Sprintf("the overview has %d paragraphs; it should be one paragraph or a list of steps", len(paras)), "")
	}
	if len(paras) > 0 && len(im.Steps) > 0 {
		ps.add(RuleImplementation, finding.Warning, label, field, ps.src.Line(field), "the overview mixes a paragraph and a list", "write one paragraph, or two to six steps")
	}
	im.Paragraph = norm(strings.Join(paras, " "))
	return im
}

// differences reads the Key Differences table.
func (ps *parser) differences(b *block) {
	const sec = SectionDifferences
	ps.at("differences", b.h)
	for _, s := range b.subs {
		ps.add(RuleUnknownSection, finding.Warning, sec, "", ps.lines[s.h].num,
			fmt.Sprintf("%q is not a part of Key Differences", clip(ps.lines[s.h].text, 60)), "")
	}
	its := ps.items(b.pre)
	start := -1
	for k, it := range its {
		if it.kind == lTable {
			start = k
			break
		}
	}
	if start < 0 {
		ps.add(RuleMissingSection, finding.Error, sec, "differences", ps.lines[b.h].num, "Key Differences has no table", "add the table: | Aspect | A | B | with rows Scope, Industry, Nature, Testing, Penalties")
		for _, it := range its {
			ps.stray(it, sec)
		}
		return
	}
	for _, it := range its[:start] {
		ps.stray(it, sec)
	}
	end := start
	for end < len(its) && its[end].kind == lTable && (end == start || its[end].i == its[end-1].i+1) {
		end++
	}
	ps.table(its[start:end])
	// after the table: row names echoed as bare words, or other stray text
	var leftover []item
	for _, it := range its[end:] {
		if it.kind != lTable && isAspect(it.text) {
			leftover = append(leftover, it)
			continue
		}
		ps.stray(it, sec)
	}
	if len(leftover) > 0 {
		ps.add(RuleTableLeftover, finding.Error, sec, "differences", ps.lines[leftover[0].i].num,
			fmt.Sprintf("%d of the table's row names are repeated below it as bare words", len(leftover)), "delete them")
	}
}

func isAspect(s string) bool {
	n := normName(s)
	for _, a := range FixedAspects {
		if n == strings.ToLower(a) {
			return true
		}
	}
	return false
}

func (ps *parser) table(rows []item) {
	const sec = SectionDifferences
	d := &ps.p.Differences
	fixed := [5]*Row{&d.Scope, &d.Industry, &d.Nature, &d.Testing, &d.Penalties}
	names := [5]string{"scope", "industry", "nature", "testing", "penalties"}
	var have [5]bool
	k := 0
	// header: a first row that is not a data row, then the delimiter row
	head := splitRow(rows[0].text)
	hasHeader := len(head) > 0 && (normName(head[0]) == "aspect" || len(rows) > 1 && isDelimiter(splitRow(rows[1].text)))
	if hasHeader && !isAspect(head[0]) {
		ps.at("differences.header", rows[0].i)
		if ps.src != nil && len(head) > 1 {
			ps.src.TableHeader = head[1:]
		}
		if normName(head[0]) != "aspect" {
			ps.add(RuleTableFormat, finding.Warning, sec, "differences", ps.lines[rows[0].i].num, fmt.Sprintf("the table's first header cell is %q, not \"Aspect\"", clip(head[0], 30)), "")
		}
		if len(head) != 3 {
			ps.add(RuleTableColumns, finding.Error, sec, "differences", ps.lines[rows[0].i].num, fmt.Sprintf("the table header has %d columns; it should have 3 (Aspect and the two standards)", len(head)), "")
		}
		k = 1
		if len(rows) > 1 && isDelimiter(splitRow(rows[1].text)) {
			k = 2
		} else {
			ps.add(RuleTableFormat, finding.Error, sec, "differences", ps.lines[rows[0].i].num, "the table has no '|---|---|---|' line under its header", "")
		}
	} else {
		ps.add(RuleTableFormat, finding.Error, sec, "differences", ps.lines[rows[0].i].num, "the table has no header row", "start it with '| Aspect | <short A> | <short B> |' and '|---|---|---|'")
	}
	last := -1
	for ; k < len(rows); k++ {
		it := rows[k]
		line := ps.lines[it.i].num
		cells := splitRow(it.text)
		if len(cells) != 3 {
			ps.add(RuleTableColumns, finding.Error, sec, "differences", line, fmt.Sprintf("this row has %d cells; it should have 3", len(cells)), "")
		}
		for len(cells) < 3 {
			cells = append(cells, "")
		}
		r := Row{Aspect: cells[0], A: cells[1], B: cells[2]}
		n := normName(r.Aspect)
		var field string
		fi := -1
		for j, nm := range names {
			if n == nm {
				fi = j
				break
			}
		}
		switch {
		case fi >= 0 && !have[fi]:
			have[fi] = true
			if fi < last {
				ps.add(RuleTableRowOrder, finding.Warning, sec, "differences."+names[fi], line, fmt.Sprintf("the %s row is out of order", FixedAspects[fi]), "the rows start Scope, Industry, Nature, Testing, Penalties")
			}
			last = max(last, fi)
			r.Aspect = FixedAspects[fi]
			*fixed[fi] = r
			field = "differences." + names[fi]
		default:
			if fi >= 0 {
				ps.add(RuleTableRowDuplicate, finding.Error, sec, "differences", line, fmt.Sprintf("the %s row appears twice", FixedAspects[fi]), "keep one")
			} else if last < 4 {
				last = 5 // extras before the fixed rows are all done
				ps.add(RuleTableRowOrder, finding.Warning, sec, "differences", line, fmt.Sprintf("the row %q comes before the five fixed rows end", clip(r.Aspect, 40)), "put extra rows after Penalties")
			}
			field = idx("differences.extra", len(d.Extra))
			d.Extra = append(d.Extra, r)
		}
		ps.at(field, it.i)
		if ps.src != nil {
			ps.at(field+".aspect", it.i)
			ps.at(field+".a", it.i)
			ps.at(field+".b", it.i)
		}
		for c, v := range cells[:3] {
			if v == "" {
				sub := [3]string{"aspect", "a", "b"}[c]
				col := "Aspect"
				if c > 0 && ps.src != nil && len(ps.src.TableHeader) >= c && ps.src.TableHeader[c-1] != "" {
					col = ps.src.TableHeader[c-1]
				} else if c > 0 {
					col = [3]string{"", "first standard's", "second standard's"}[c]
				}
				ps.add(RuleTableCellEmpty, finding.Error, sec, field+"."+sub, line, fmt.Sprintf("the %s row has an empty %s cell", orName(r.Aspect), col), "fill every cell")
			}
		}
	}
	for j, ok := range have {
		if !ok {
			ps.add(RuleTableRowMissing, finding.Error, sec, "differences."+names[j], ps.lines[rows[0].i].num, fmt.Sprintf("the table has no %s row", FixedAspects[j]), "add it: every table has Scope, Industry, Nature, Testing and Penalties, in that order")
		}
	}
}

func orName(s string) string {
	if s == "" {
		return "unnamed"
	}
	return clip(s, 40)
}

// splitRow cuts a table line into cells at pipes not escaped with '\'.
func splitRow(t string) []string {
	t = strings.TrimPrefix(t, "|")
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
		t = t[:len(t)-1]
	}
	var cells []string
	startIdx := 0
	for i := 0; i < len(t); i++ {
		if t[i] == '|' && (i == 0 || t[i-1] != '\\') {
			cells = append(cells, unescapeCell(t[startIdx:i]))
			startIdx = i + 1
		}
	}
	return append(cells, unescapeCell(t[startIdx:]))
}

func unescapeCell(s string) string { return norm(strings.ReplaceAll(s, `\|`, "|")) }

func isDelimiter(cells []string) bool {
	if len(cells) == 0 {
		return false
	}
	for _, c := range cells {
		c = strings.TrimSuffix(strings.TrimPrefix(c, ":"), ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return false
		}
	}
	return true
}

// faq reads the questions and answers. last says no parsed section follows,
// so paragraphs after the last answer are trailing content.
func (ps *parser) faq(b *block, last bool) {
	const sec = SectionFAQ
	ps.at("faq", b.h)
	inTrail := func(i int) bool { return ps.trailStart >= 0 && i >= ps.trailStart }
	for _, it := range ps.items(b.pre) {
		if !inTrail(it.i) {
			ps.stray(it, sec)
		}
	}
	for si, sb := range b.subs {
		h := &ps.lines[sb.h]
		its := ps.items(sb.body)
		if h.group {
			// a group heading needs a question after it, before the next group
			if si+1 >= len(b.subs) || ps.lines[b.subs[si+1].h].group {
				ps.add(RuleFAQNoQuestion, finding.Error, sec, "faq", h.num,
					fmt.Sprintf("the FAQ heading %q has no question under it", clip(h.t, 60)), "add its questions and answers, or delete the heading")
			}
			for _, it := range its {
				if !inTrail(it.i) {
					ps.stray(it, sec)
				}
			}
			continue
		}
		n := len(ps.p.FAQ)
		field := idx("faq", n)
		q := norm(h.text)
		ps.at(field, sb.h)
		ps.at(field+".question", sb.h)
		var paras []string
		for k, it := range its {
			if inTrail(it.i) {
				break
			}
			if k > 0 && ps.marked && last && si == len(b.subs)-1 {
				ps.trail = append(ps.trail, span{it.i, b.end})
				break
			}
			switch it.kind {
			case lTable:
				ps.stray(it, sec)
				continue
			case lBullet:
				paras = append(paras, it.value(nil))
			default:
				paras = append(paras, it.value(unescapeLine))
			}
			if len(paras) == 1 {
				ps.at(field+".answer", it.i)
			}
		}
		if len(paras) > 1 {
			ps.add(RuleExtraParagraph, finding.Warning, sec, field+".answer", ps.src.Line(field+".answer"), fmt.Sprintf("the answer has %d paragraphs; it should be one", len(paras)), "")
		}
		isQ := strings.HasSuffix(q, "?")
		switch {
		case len(paras) == 0 && !isQ:
			ps.add(RuleFAQNoQuestion, finding.Error, sec, field, h.num,
				fmt.Sprintf("the FAQ heading %q has no question or answer under it", clip(q, 60)), "write a question ending in '?' and its answer, or delete the heading")
		case len(paras) == 0:
			ps.add(RuleFAQNoAnswer, finding.Error, sec, field+".answer", h.num, fmt.Sprintf("the question %q has no answer", clip(q, 60)), "")
		case !isQ:
			ps.add(RuleFAQQuestionFormat, finding.Warning, sec, field+".question", h.num, fmt.Sprintf("the question %q does not end with '?'", clip(q, 60)), "")
		}
		ps.p.FAQ = append(ps.p.FAQ, QA{Question: q, Answer: norm(strings.Join(paras, " "))})
	}
	if len(ps.p.FAQ) == 0 {
		ps.add(RuleEmptySection, finding.Error, sec, "faq", ps.lines[b.h].num, "the FAQ has no questions", "add three to eight questions, each a '### ' heading ending in '?' with a one-paragraph answer")
	}
}

// nonNil gives every list of the record a non-nil value, so the record
// marshals to the arrays the schema requires, and names the fixed rows.
func nonNil(p Page) Page {
	for i := range p.Sections {
		s := &p.Sections[i]
		for _, l := range []*[]string{&s.KeyFeatures, &s.WhatItIs, &s.KeyComponents, &s.WhyUsed, &s.Implementation.Steps} {
			if *l == nil {
				*l = []string{}
			}
		}
	}
	d := &p.Differences
	for i, r := range []*Row{&d.Scope, &d.Industry, &d.Nature, &d.Testing, &d.Penalties} {
		r.Aspect = FixedAspects[i] // implied by the field; named so the record reads alone
	}
	if p.Differences.Extra == nil {
		p.Differences.Extra = []Row{}
	}
	if p.FAQ == nil {
		p.FAQ = []QA{}
	}
	return p
}
