// Package validate checks comparison pages against the page format and the
// standards' profiles: structure, markup, leaked meta text, grounded facts,
// the pair, lengths, repetition and site boilerplate. Validation is a pure
// function of the page, its source map and the profiles.
package validate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// field is one piece of text in a page and what is known about it.
type field struct {
	path     string // record path, e.g. "sections[0].key_features[2]"
	section  string // e.g. "ISO 27032 / Key Features"
	text     string
	lower    string           // lowerASCII(text), computed once
	subject  *profile.Profile // whom the text is about unless it says otherwise; nil for pair text
	grounded []*profile.Profile
	ments    []profile.Mention
	mentDone bool

	gateBits  uint32 // see gates
	gatesDone bool
	wordsDone bool
	sentsDone bool
	sents     []span
	wordList  []word // splitWords(lower), computed once
}

// sentenceAt returns the sentence of the field holding offset off.
func (f *field) sentenceAt(off int) span {
	if !f.sentsDone {
		f.sentsDone = true
		f.sents = sentences(f.text)
	}
	for _, sp := range f.sents {
		if off >= sp.start && off < sp.end {
			return sp
		}
	}
	return span{0, len(f.text)}
}

// inQuestion reports whether offset off is in a sentence that asks rather
// than states ("Is ISO 31000 certifiable?").
func (f *field) inQuestion(off int) bool {
	sp := f.sentenceAt(off)
	return sp.end > sp.start && f.text[sp.end-1] == '?'
}

// words returns the field's words, split once.
func (f *field) words() []word {
	if !f.wordsDone {
		f.wordsDone = true
		f.wordList = splitWords(f.lower)
	}
	return f.wordList
}

// checker accumulates findings. While checking, Finding.Line holds the line
// offset inside the field's text; Page turns it into a source line.
type checker struct {
	set *profile.Set
	// stds is the page's two standards (either may be nil): relation claims
	// that name no standard are about them.
	stds [2]*profile.Profile
	out  []finding.Finding
}

func (c *checker) newField(path, section, text string, subject *profile.Profile, grounded ...*profile.Profile) *field {
	return &field{path: path, section: section, text: text, lower: plainLower(text), subject: subject, grounded: grounded}
}

// Text checks one piece of prose as it would stand in a page: subject is
// the standard whose section holds it (nil for the per-pair part) and pair
// the page's two standards (either may be nil). It runs the text rules
// (markup, meta text, facts, relation claims) but no structure or length
// rule. Findings have no line.
func Text(text string, subject *profile.Profile, pair [2]*profile.Profile, set *profile.Set) []finding.Finding {
	c := &checker{set: set, stds: pair}
	grounded := []*profile.Profile{subject}
	if subject == nil {
		grounded = pair[:]
	}
	f := c.newField("text", "Text", text, subject, grounded...)
	c.scan(f)
	return c.finish(nil)
}

// mentions returns the standards named in the field, found once.
func (c *checker) mentions(f *field) []profile.Mention {
	if !f.mentDone {
		f.mentDone = true
		if c.set != nil {
			f.ments = c.set.FindMentions(f.text)
		}
	}
	return f.ments
}

func (c *checker) emit(rule string, sev finding.Severity, section, path string, delta int, msg, hint string) {
	r := ruleByID[rule]
	if sev == "" {
		sev = r.Severity
	}
	if hint == "" {
		hint = r.Hint
	}
	c.out = append(c.out, finding.Finding{Rule: rule, Severity: sev, Section: section, Field: path, Line: delta, Message: msg, Hint: hint})
}

// at reports a finding at offset off of field f.
func (c *checker) at(rule string, f *field, off int, msg string) {
	c.emit(rule, "", f.section, f.path, lineDelta(f.text, off), msg, "")
}

// Section checks a standard's own section alone, as it is drafted once per
// standard: structure, lengths, markup, meta text, facts against p, and
// repetition within the section. p may be nil when the standard is unknown;
// the checks that need its facts are then skipped. Findings have no line.
func Section(sec page.Section, p *profile.Profile, set *profile.Set) []finding.Finding {
	c := &checker{set: set, stds: [2]*profile.Profile{p, nil}}
	fs := c.section(sec, p, nil, "", sectionName(sec, p, "Standard"))
	c.repetition(fs)
	return c.finish(nil)
}

// Pair checks the per-pair part of a page: description, verdict,
// differences table and FAQ. a and b may be nil when unknown. Findings have
// no line.
func Pair(pair page.Pair, a, b *profile.Profile, set *profile.Set) []finding.Finding {
	c := &checker{set: set, stds: [2]*profile.Profile{a, b}}
	fs := c.pair(pair, a, b)
	c.repetition(fs)
	return c.finish(nil)
}

// Page checks a whole page: which two standards it compares, its title and
// slug, both standards' sections, the pair part, and what only shows across
// the whole page (the same sentence twice, content after the FAQ, table rows
// echoed as bare lines). With src, findings carry source lines.
func Page(pg page.Page, src *page.Source, set *profile.Set) []finding.Finding {
	c := &checker{set: set}
	a, b := c.resolvePair(pg)
	c.stds = [2]*profile.Profile{a, b}
	c.pageChecks(pg, a, b)
	var fs []*field
	for i, p := range [2]*profile.Profile{a, b} {
		other := b
		if i == 1 {
			other = a
		}
		prefix := fmt.Sprintf("sections[%d].", i)
		fs = append(fs, c.sectionOnPage(pg.Sections[i], p, other, prefix, sectionName(pg.Sections[i], p, fmt.Sprintf("Standard %c", 'A'+i)))...)
	}
	nsec := len(fs)
	fs = append(fs, c.pair(pg.PairPart(), a, b)...)
	c.repetition(fs)
	c.restates(fs[:nsec], fs[nsec:])
	c.sourceChecks(pg, src, a, b)
	if src != nil && !src.FrontMatter {
		// Front matter is optional in Markdown input; only it carries a description.
		for i := range c.out {
			if c.out[i].Rule == RuleEmptySection && c.out[i].Field == "description" {
				c.out[i].Severity = finding.Warning
				c.out[i].Message = "the page has no description (it lives in the front matter)"
			}
		}
	}
	return c.finish(src)
}

// finish turns field-relative line offsets into source lines (or drops
// them without a source) and orders the findings.
func (c *checker) finish(src *page.Source) []finding.Finding {
	for i := range c.out {
		f := &c.out[i]
		if src == nil {
			f.Line = 0
			continue
		}
		delta := f.Line
		if f.Line < 0 { // already a source line
			f.Line = -f.Line
			continue
		}
		f.Line = 0
		if l := sourceLine(src, f.Field); l > 0 {
			f.Line = l + delta
		}
	}
	sort.SliceStable(c.out, func(i, j int) bool {
		x, y := c.out[i], c.out[j]
		if x.Line != y.Line {
			return x.Line < y.Line
		}
		return x.Rule < y.Rule
	})
	return c.out
}

func sectionName(sec page.Section, p *profile.Profile, fallback string) string {
	if sec.Heading != "" {
		return sec.Heading
	}
	if p != nil {
		return p.ShortName
	}
	return fallback
}

// resolvePair finds the page's two standards: front matter ids first, then
// the sections' ids, their headings, and the title's two halves.
func (c *checker) resolvePair(pg page.Page) (a, b *profile.Profile) {
	titleParts := splitTitle(pg.Title)
	var out [2]*profile.Profile
	for i := range out {
		sec := pg.Sections[i]
		var name, path string
		switch {
		case pg.Standards[i] != "":
			name, path = pg.Standards[i], fmt.Sprintf("standards[%d]", i)
		case sec.Standard != "":
			name, path = sec.Standard, fmt.Sprintf("sections[%d].standard", i)
		case sec.Heading != "":
			name, path = sec.Heading, fmt.Sprintf("sections[%d].heading", i)
		case titleParts[i] != "":
			name, path = titleParts[i], "title"
		}
		if name == "" {
			c.emit(RuleUnknownStandard, "", "Title", "title", 0,
				fmt.Sprintf("cannot tell which standard is the page's %s one: no id, heading or title names it", [2]string{"first", "second"}[i]), "")
			continue
		}
		if p := c.resolve(name); p != nil {
			out[i] = p
			continue
		}
		c.emit(RuleUnknownStandard, "", "Title", path, 0, fmt.Sprintf("unknown standard %q: no profile has this id, name or alias", name), "")
	}
	return out[0], out[1]
}

func (c *checker) resolve(name string) *profile.Profile {
	if c.set == nil || strings.TrimSpace(name) == "" {
		return nil
	}
	if p, ok := c.set.Get(name); ok {
		return p
	}
	if p, ok := c.set.Resolve(name); ok {
		return p
	}
	return nil
}

// splitTitle splits "A vs B" into its halves.
func splitTitle(t string) [2]string {
	l := lowerASCII(t)
	for _, sep := range []string{" vs. ", " vs ", " versus "} {
		if i := strings.Index(l, sep); i >= 0 {
			return [2]string{strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+len(sep):])}
		}
	}
	return [2]string{}
}

// pageChecks: the pair itself, title and slug.
func (c *checker) pageChecks(pg page.Page, a, b *profile.Profile) {
	if a != nil && b != nil && a.ID == b.ID {
		c.emit(RuleSameStandard, "", "Title", "standards", 0, fmt.Sprintf("the page compares %s with itself", a.ShortName), "")
	}
	if a != nil && b != nil && pg.Slug != "" && pg.Slug != page.Slug(a.ID, b.ID) {
		c.emit(RuleSlug, "", "Title", "slug", 0, fmt.Sprintf("slug %q does not match the pair; expected %q", pg.Slug, page.Slug(a.ID, b.ID)), "")
	}
	if strings.TrimSpace(pg.Title) == "" {
		c.emit(RuleTitle, "", "Title", "title", 0, "the page has no title", "")
		return
	}
	parts := splitTitle(pg.Title)
	if parts[0] == "" || parts[1] == "" {
		c.emit(RuleTitle, "", "Title", "title", 0, fmt.Sprintf("title %q is not of the form \"A vs B\"", clip(pg.Title, 60)), "")
		return
	}
	if a == nil || b == nil {
		return
	}
	want := [2]*profile.Profile{a, b}
	for i, part := range parts {
		p := c.resolve(part)
		switch {
		case p == nil:
			c.emit(RuleTitleMismatch, "", "Title", "title", 0, fmt.Sprintf("the title names %q, which is not a known standard", part), "")
		case p.ID == want[1-i].ID && p.ID != want[i].ID:
			c.emit(RuleTitleMismatch, "", "Title", "title", 0, fmt.Sprintf("the title names the standards in the wrong order: %s comes %s", p.ShortName, [2]string{"first", "second"}[1-i]), "")
		case p.ID != want[i].ID:
			c.emit(RuleTitleMismatch, "", "Title", "title", 0, fmt.Sprintf("the title names %s, which is not one of the page's standards (%s, %s)", p.ShortName, a.ShortName, b.ShortName), "")
		case part != want[i].ShortName:
			c.emit(RuleTitle, "", "Title", "title", 0, fmt.Sprintf("the title says %q where the profile's short name is %q", part, want[i].ShortName), "")
		}
	}
}
