package validate

import (
	"fmt"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// Near-copy bounds (see nearCopy): a real answer shares a name or a
// phrase with the verdict; a copied one shares most of itself.
const (
	nearCopyContainment = 0.75
	nearCopyMinShingles = 8
)

// nearCopy reports whether two texts' shingle sets are near copies: half
// of all their word triples shared (Jaccard), or most of one found in the
// other while covering half of the other too (a copy with a sentence
// added). One shared clause is not a copy.
func nearCopy(a, b []uint64) bool {
	if len(a) < nearCopyMinShingles || len(b) < nearCopyMinShingles {
		return false
	}
	inter := intersect(a, b)
	small, large := min(len(a), len(b)), max(len(a), len(b))
	return float64(inter)/float64(len(a)+len(b)-inter) >= 0.5 ||
		float64(inter) >= nearCopyContainment*float64(small) && 2*inter >= large
}

// intersect is |a∩b| of two sorted shingle sets.
func intersect(a, b []uint64) int {
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return inter
}

// faqChecks: each question once, about this page's standards, answered in
// its own words (not the verdict's, not another answer's).
func (c *checker) faqChecks(pr page.Pair, a, b *profile.Profile) {
	const sec = "FAQ"
	seen := map[string]int{}
	verdictSh := shingles(pr.Verdict)
	answers := make([][]uint64, len(pr.FAQ))
	for i, qa := range pr.FAQ {
		q := strings.TrimSpace(qa.Question)
		if q == "" {
			continue
		}
		qp := fmt.Sprintf("faq[%d].question", i)
		norm, _ := normSentence(q)
		if j, dup := seen[norm]; dup {
			c.emit(RuleFAQDuplicate, "", sec, qp, 0, fmt.Sprintf("the question %q is asked twice (also question %d)", clip(q, 60), j+1), "")
		} else {
			seen[norm] = i
		}
		if a != nil && b != nil && c.set != nil {
			f := c.newField(qp, sec, q, nil)
			var others []string
			ours := false
			for _, m := range c.mentions(f) {
				if m.Profile == nil {
					continue
				}
				if m.Profile == a || m.Profile == b {
					ours = true
				} else {
					others = append(others, m.Profile.ShortName)
				}
			}
			if !ours && len(others) > 0 {
				c.emit(RuleFAQOffPair, "", sec, qp, 0, fmt.Sprintf("the question is about %s, not about %s or %s: %q", strings.Join(others, " and "), a.ShortName, b.ShortName, clip(q, 60)), "")
			}
		}
		ans := strings.TrimSpace(qa.Answer)
		if ans == "" {
			continue
		}
		answers[i] = shingles(ans)
		ap := fmt.Sprintf("faq[%d].answer", i)
		if nearCopy(answers[i], verdictSh) {
			c.emit(RuleVerdictFAQ, "", sec, ap, 0, fmt.Sprintf("the answer to %q repeats the quick verdict", clip(q, 50)), "")
			continue
		}
		for j := 0; j < i; j++ {
			if nearCopy(answers[i], answers[j]) {
				c.emit(RuleFAQNearCopy, "", sec, ap, 0, fmt.Sprintf("the answer to %q is a near copy of the answer to question %d", clip(q, 50), j+1), "")
				break
			}
		}
	}
}

// truncated reports prose that stops in the middle: a paragraph whose last
// sentence has no closing punctuation.
func (c *checker) truncated(f *field) {
	t := strings.TrimRight(f.text, " \t\n*_\"'`”’")
	if t == "" {
		return
	}
	last := t[len(t)-1]
	// A closing bracket is deliberate; what it closes is other rules' business.
	if last == '.' || last == '!' || last == '?' || last == ')' || last == ']' || strings.HasSuffix(t, "…") {
		return
	}
	if strings.HasSuffix(strings.TrimRight(f.text, " \t\n"), "```") {
		return // a closed code block; markup rules judge it
	}
	i := strings.LastIndexAny(t, " \n")
	from := max(0, len(t)-40)
	for from > 0 && t[from]&0xC0 == 0x80 { // do not start inside a UTF-8 sequence
		from--
	}
	c.at(RuleTruncated, f, i+1, fmt.Sprintf("the text stops in the middle: %q", clip("…"+t[from:], 50)))
}

// headingLevels reports a heading more than one level below the one before
// it ("####" under "##"), as the Markdown is written.
func (c *checker) headingLevels(src *page.Source) {
	if src == nil || !src.Marked {
		return
	}
	prev, fence := 0, false
	for n := 1; n <= src.NumLines(); n++ {
		line := src.LineText(n)
		trim := strings.TrimLeft(line, " ")
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			fence = !fence
			continue
		}
		if fence || !strings.HasPrefix(line, "#") {
			continue
		}
		lvl := 0
		for lvl < len(line) && line[lvl] == '#' {
			lvl++
		}
		if lvl >= len(line) || line[lvl] != ' ' || lvl > 6 {
			continue
		}
		if prev > 0 && lvl > prev+1 {
			c.emitLine(RuleHeadingLevel, "Page", "", n, fmt.Sprintf("a level-%d heading follows a level-%d one: %q", lvl, prev, clip(line, 60)))
			return
		}
		prev = lvl
	}
}

// PairInPage checks the per-pair part of a page together with the page's
// two sections, as the pipeline holds them before the page is put
// together: every Pair rule, and the rules that need the sections (a
// sentence of the verdict, the description or an answer that repeats or
// restates a section's sentence or tagline). It returns only findings
// about the pair part; the sections are checked on their own (Section).
// It is what Page applies to the same text, so a pair part that passes
// here passes `versus validate` too (the cross-page verdict check aside:
// see VerdictIndex).
func PairInPage(pair page.Pair, secs [2]page.Section, a, b *profile.Profile, set *profile.Set) []finding.Finding {
	c := &checker{set: set, stds: [2]*profile.Profile{a, b}}
	var fs []*field
	for i, p := range [2]*profile.Profile{a, b} {
		other := b
		if i == 1 {
			other = a
		}
		fs = append(fs, c.sectionOnPage(secs[i], p, other, fmt.Sprintf("sections[%d].", i), sectionName(secs[i], p, fmt.Sprintf("Standard %c", 'A'+i)))...)
	}
	nsec := len(fs)
	pfs := c.pair(pair, a, b)
	fs = append(fs, pfs...)
	c.repetition(fs)
	c.restates(fs[:nsec], pfs)
	kept := c.out[:0]
	for _, f := range c.out {
		if !strings.HasPrefix(f.Field, "sections[") {
			kept = append(kept, f)
		}
	}
	c.out = kept
	return c.finish(nil)
}

// restateMin is the Jaccard similarity of word triples at which a pair
// sentence restates a tagline; the pair prompt marks taglines "already on
// the page: do not restate".
const restateMin = 0.5

// restates reports a sentence of the pair part that restates a section's
// tagline in near the same words (an exact copy is repetition's).
func (c *checker) restates(secFields, pairFields []*field) {
	type tag struct {
		f     *field
		sh    []uint64
		h     uint64
		words int
	}
	var tags []tag
	for _, f := range secFields {
		if strings.HasSuffix(f.path, ".tagline") {
			h, words := normHash(f.text)
			if sh := shingles(f.text); len(sh) >= nearCopyMinShingles {
				tags = append(tags, tag{f, sh, h, words})
			}
		}
	}
	if len(tags) == 0 {
		return
	}
	for _, f := range pairFields {
		if !(f.path == "verdict" || f.path == "description" || strings.HasSuffix(f.path, ".answer")) {
			continue
		}
		for _, sp := range sentences(f.text) {
			s := f.text[sp.start:sp.end]
			h, words := normHash(s)
			if words < repeatMinWords {
				continue
			}
			var sh []uint64
			for _, t := range tags {
				// Jaccard ≥ 0.5 needs sizes within a factor of two.
				if h == t.h || 2*(words-2) < len(t.sh) || words-2 > 2*len(t.sh) {
					continue
				}
				if sh == nil {
					sh = shingles(s)
				}
				if jaccard(sh, t.sh) >= restateMin {
					c.at(RuleRepeatedSentence, f, sp.start, fmt.Sprintf("this sentence restates the tagline of %s: %q", t.f.section, clip(s, 60)))
					break
				}
			}
		}
	}
}
