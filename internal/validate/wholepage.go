package validate

import (
	"fmt"
	"strings"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// Near-copy thresholds: the share of the shorter text's three-word
// shingles found in the other. A real answer shares a name or a phrase
// with the verdict; a copied one shares most of itself.
const (
	nearCopyContainment = 0.75
	nearCopyMinShingles = 8
)

// containment is |a∩b| / min(|a|,|b|) of two sorted shingle sets.
func containment(a, b []uint64) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return 0
	}
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
	return float64(inter) / float64(n)
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
		if len(answers[i]) >= nearCopyMinShingles && len(verdictSh) >= nearCopyMinShingles && containment(answers[i], verdictSh) >= nearCopyContainment {
			c.emit(RuleVerdictFAQ, "", sec, ap, 0, fmt.Sprintf("the answer to %q repeats the quick verdict", clip(q, 50)), "")
			continue
		}
		for j := 0; j < i; j++ {
			if len(answers[i]) >= nearCopyMinShingles && len(answers[j]) >= nearCopyMinShingles && containment(answers[i], answers[j]) >= nearCopyContainment {
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
	c.at(RuleTruncated, f, i+1, fmt.Sprintf("the text stops in the middle: %q", clip("…"+t[max(0, len(t)-40):], 50)))
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
