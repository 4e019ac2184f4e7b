package validate

import (
	"fmt"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// SourceLine is the 1-based line of a record field path in src (or of its
// nearest enclosing field), 0 when unknown or src is nil.
func SourceLine(src *page.Source, path string) int {
	if src == nil {
		return 0
	}
	return src.Line(path)
}

func sourceLine(src *page.Source, path string) int { return SourceLine(src, path) }

// emitLine reports a finding at an absolute source line.
func (c *checker) emitLine(rule, section, path string, line int, msg string) {
	c.emit(rule, "", section, path, 0, msg, "")
	if line > 0 {
		c.out[len(c.out)-1].Line = -line
	}
}

// sourceChecks are the rules that need the Markdown as written: what follows
// the FAQ, the table's column headings, H2 sections that are not part of the
// layout, and table rows echoed as bare lines.
func (c *checker) sourceChecks(pg page.Page, src *page.Source, a, b *profile.Profile) {
	if src == nil {
		return
	}
	if t := strings.TrimSpace(src.Trailing); t != "" {
		c.emitLine(RuleTrailing, "FAQ", "faq", src.TrailingLine,
			fmt.Sprintf("%d lines after the FAQ are not part of the page: %q", strings.Count(t, "\n")+1, clip(t, 60)))
		// Name the kind of text too, so the writer sees it is site boilerplate.
		f := c.newField("faq", "FAQ", src.Trailing, nil)
		before := len(c.out)
		c.phrases(f)
		for i := before; i < len(c.out); i++ {
			if src.TrailingLine > 0 {
				c.out[i].Line = -(src.TrailingLine + c.out[i].Line)
			}
		}
	}
	c.headingLevels(src)
	c.columns(src, a, b)
	c.unknownSections(src, a, b)
	c.tableEcho(src)
}

// columns checks the Key Differences header: the two columns are the page's
// standards, in page order.
func (c *checker) columns(src *page.Source, a, b *profile.Profile) {
	if len(src.TableHeader) == 0 || a == nil || b == nil {
		return
	}
	line := src.Line("differences.header")
	want := [2]*profile.Profile{a, b}
	for i, h := range src.TableHeader {
		if i > 1 {
			c.emitLine(RuleColumnMismatch, "Key Differences", "differences.header", line,
				fmt.Sprintf("the table has a column %q beyond the page's two standards", clip(h, 40)))
			break
		}
		p := c.resolve(h)
		if p == nil {
			p = c.firstMention(h)
		}
		if p == nil {
			c.emitLine(RuleColumnMismatch, "Key Differences", "differences.header", line,
				fmt.Sprintf("the table column %q names no known standard; expected %s", clip(h, 40), want[i].ShortName))
			continue
		}
		if p.ID == want[i].ID {
			continue
		}
		msg := fmt.Sprintf("the table column %q is about %s, which is not one of this page's standards", clip(h, 40), p.ShortName)
		if p.ID == want[1-i].ID {
			msg = fmt.Sprintf("the table's columns are swapped: %s comes %s", p.ShortName, [2]string{"first", "second"}[1-i])
		}
		c.emitLine(RuleColumnMismatch, "Key Differences", "differences.header", line, msg)
	}
}

func (c *checker) firstMention(s string) *profile.Profile {
	if c.set == nil {
		return nil
	}
	for _, m := range c.set.FindMentions(s) {
		if m.Profile != nil {
			return m.Profile
		}
	}
	return nil
}

// unknownSections reports an H2 section that is about a third standard.
func (c *checker) unknownSections(src *page.Source, a, b *profile.Profile) {
	if a == nil || b == nil {
		return
	}
	for _, s := range src.Sections {
		if s.Kind != "unknown" {
			continue
		}
		p := c.resolve(s.Heading)
		if p == nil {
			p = c.resolve(strings.TrimSuffix(strings.TrimSpace(s.Heading), " Details"))
		}
		if p != nil && p.ID != a.ID && p.ID != b.ID {
			c.emitLine(RuleSectionMismatch, s.Heading, "", s.Line,
				fmt.Sprintf("a section about %s, which is not one of this page's standards (%s, %s)", p.ShortName, a.ShortName, b.ShortName))
		}
	}
}

// tableEcho finds the table's aspect names repeated as bare lines after the
// table, a scraping artefact.
func (c *checker) tableEcho(src *page.Source) {
	sec, ok := src.Section("differences", -1)
	if !ok {
		return
	}
	lines := strings.Split(sec.Text, "\n")
	tableEnd := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "|") {
			tableEnd = i
		}
	}
	if tableEnd < 0 {
		return
	}
	aspects := map[string]bool{}
	for _, a := range page.FixedAspects {
		aspects[strings.ToLower(a)] = true
	}
	echoed, first := 0, 0
	for i := tableEnd + 1; i < len(lines); i++ {
		t := strings.ToLower(strings.Trim(strings.TrimSpace(lines[i]), "-*# "))
		if aspects[t] {
			if echoed == 0 {
				first = sec.Line + i
			}
			echoed++
		}
	}
	if echoed > 0 {
		c.emitLine(RuleTableEcho, "Key Differences", "differences", first,
			fmt.Sprintf("%d of the table's aspect names are repeated as bare lines under the table", echoed))
	}
}

// Merge joins the parser's findings with the validator's, dropping a
// validator finding that says what a parser finding already says about the
// same place: same rule, or the same class of rule on the same field or line.
func Merge(parser, own []finding.Finding) []finding.Finding {
	out := append([]finding.Finding(nil), parser...)
	for _, f := range own {
		if !dupOf(f, parser) {
			out = append(out, f)
		}
	}
	out = oneCause(out)
	finding.Sort(out)
	return out
}

// oneCause folds findings that follow from one defect into the finding for
// it: an FAQ with no questions is one finding, not one per empty group
// heading plus a count; text after the FAQ is one finding, not one per
// boilerplate phrase in it.
func oneCause(fs []finding.Finding) []finding.Finding {
	emptyFAQ, trailing := -1, -1
	for i, f := range fs {
		switch {
		case f.Rule == RuleEmptySection && f.Field == "faq" && emptyFAQ < 0:
			emptyFAQ = i
		case (f.Rule == RuleTrailing || f.Rule == page.RuleTrailing) && trailing < 0:
			trailing = i
		}
	}
	if emptyFAQ < 0 && trailing < 0 {
		return fs
	}
	var headings []string
	kind := ""
	out := fs[:0:0]
	for i, f := range fs {
		faqPart := f.Field == "faq" || strings.HasPrefix(f.Field, "faq[") || f.Field == "" && (f.Section == "FAQ" || f.Section == "Frequently Asked Questions")
		switch {
		case emptyFAQ >= 0 && i != emptyFAQ && faqPart && foldedIntoEmptyFAQ[f.Rule]:
			if q := quoted(f.Message); q != "" {
				headings = append(headings, q)
			}
			continue
		case trailing >= 0 && f.Rule == RuleBoilerplate && f.Line >= fs[trailing].Line && fs[trailing].Line > 0:
			if kind == "" {
				kind, _, _ = strings.Cut(f.Message, ":")
			}
			continue
		}
		out = append(out, f)
	}
	if kind != "" {
		for i := range out {
			if out[i].Rule == RuleTrailing || out[i].Rule == page.RuleTrailing {
				out[i].Message += "; it is " + kind
				break
			}
		}
	}
	if len(headings) > 0 {
		for i := range out {
			if out[i].Rule == RuleEmptySection && out[i].Field == "faq" {
				out[i].Message += fmt.Sprintf("; its headings %s have no questions under them", strings.Join(headings, ", "))
				break
			}
		}
	}
	return out
}

// foldedIntoEmptyFAQ are the FAQ findings an FAQ with no questions implies.
var foldedIntoEmptyFAQ = map[string]bool{
	RuleFAQNoQuestion: true, page.RuleFAQNoQuestion: true, RuleFAQEmptyAnswer: true, "structure.faq-no-answer": true,
	"structure.faq-question-format": true, RuleFAQCount: true,
}

// quoted returns the first "…" quotation in a message, quotes included.
func quoted(msg string) string {
	i := strings.IndexByte(msg, '"')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(msg[i+1:], '"')
	if j < 0 {
		return ""
	}
	return msg[i : i+j+2]
}

func dupOf(f finding.Finding, parser []finding.Finding) bool {
	for _, p := range parser {
		samePlace := f.Field != "" && p.Field == f.Field || f.Line != 0 && p.Line == f.Line
		if !samePlace {
			continue
		}
		if p.Rule == f.Rule || equivalentRules[p.Rule] == f.Rule || ruleClass(p.Rule) == ruleClass(f.Rule) && ruleClass(f.Rule) == "structure" {
			return true
		}
	}
	return false
}

func ruleClass(id string) string {
	if i := strings.IndexByte(id, '.'); i > 0 {
		return id[:i]
	}
	return id
}

// equivalentRules maps the parser's rule ids to the validator's rule that
// reports the same defect.
var equivalentRules = map[string]string{
	"structure.missing-section":     RuleEmptySection,
	"structure.faq-no-answer":       RuleFAQEmptyAnswer,
	"structure.faq-no-question":     RuleFAQNoQuestion,
	"structure.faq-question-format": RuleFAQNoQuestion,
	"structure.table-row-missing":   RuleDiffRowMissing,
	"structure.table-cell-empty":    RuleDiffCellEmpty,
	"structure.table-leftover":      RuleTableEcho,
	"structure.trailing-content":    RuleTrailing,
	"structure.implementation-form": RuleImplementation,
	"structure.table-columns":       RuleColumnMismatch,
}
