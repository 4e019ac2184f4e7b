package validate

import (
	"fmt"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// section checks one standard's section and returns its text fields.
// other is the pair's other standard (nil when checked alone): a section
// about it means the sections are swapped.
func (c *checker) section(sec page.Section, p, other *profile.Profile, prefix, name string) []*field {
	if sectionEmpty(sec) {
		c.emit(RuleEmptySection, "", name, strings.TrimSuffix(prefix, "."), 0, fmt.Sprintf("the section for %s is missing", name), "")
		return nil
	}
	c.sectionPair(sec, p, other, prefix, name)

	var fs []*field
	add := func(path, sub, text string) *field {
		s := name
		if sub != "" {
			s += " / " + sub
		}
		f := c.newField(prefix+path, s, text, p, p)
		fs = append(fs, f)
		return f
	}
	missing := func(path, sub, what string) {
		c.emit(RuleEmptySection, "", name+" / "+sub, prefix+path, 0, fmt.Sprintf("%s has no %s", name, what), "")
	}

	if strings.TrimSpace(sec.FullName) == "" {
		c.emit(RuleEmptySection, "", name, prefix+"full_name", 0, fmt.Sprintf("%s has no full name (the bold line under its heading)", name), "")
	} else {
		f := add("full_name", "", sec.FullName)
		if len(sec.FullName) > fullNameMaxChars {
			c.at(RuleLenFullName, f, 0, fmt.Sprintf("the full name is %d characters; at most %d", len(sec.FullName), fullNameMaxChars))
		}
	}

	if strings.TrimSpace(sec.Tagline) == "" {
		c.emit(RuleEmptySection, "", name, prefix+"tagline", 0, fmt.Sprintf("%s has no tagline", name), "")
	} else {
		f := add("tagline", "", sec.Tagline)
		if n := len(sentences(sec.Tagline)); n > 1 {
			c.at(RuleLenTagline, f, 0, fmt.Sprintf("the tagline is %d sentences; it should be one", n))
		} else if w := countWords(sec.Tagline); w < taglineMinWords || w > taglineMaxWords {
			c.emit(RuleLenTagline, finding.Warning, f.section, f.path, 0, fmt.Sprintf("the tagline is %d words; %d to %d reads best", w, taglineMinWords, taglineMaxWords), "")
		}
	}

	// Key features: exactly five.
	if len(sec.KeyFeatures) == 0 {
		missing("key_features", "Key Features", "key features")
	} else if len(sec.KeyFeatures) != keyFeatures {
		c.emit(RuleKeyFeatures, "", name+" / Key Features", prefix+"key_features", 0,
			fmt.Sprintf("%d key features; there must be exactly %d", len(sec.KeyFeatures), keyFeatures), "")
	}
	for i, t := range sec.KeyFeatures {
		if f := c.item(add(fmt.Sprintf("key_features[%d]", i), "Key Features", t), "key feature"); f != nil {
			c.words(RuleLenBullet, f, featureMinWords, featureMaxWords, "key feature")
		}
	}

	// What it is: one or two paragraphs.
	if len(sec.WhatItIs) == 0 {
		missing("what_it_is", "What It Is", "\"What It Is\" text")
	} else if len(sec.WhatItIs) > whatItIsMax {
		c.emit(RuleWhatItIsCount, "", name+" / What It Is", prefix+"what_it_is", 0,
			fmt.Sprintf("%d paragraphs; write %d or %d", len(sec.WhatItIs), whatItIsMin, whatItIsMax), "")
	}
	for i, t := range sec.WhatItIs {
		if f := c.item(add(fmt.Sprintf("what_it_is[%d]", i), "What It Is", t), "paragraph"); f != nil {
			c.words(RuleLenParagraph, f, paraMinWords, paraMaxWords, "paragraph")
		}
	}

	c.list(sec.KeyComponents, name, prefix, "key_components", "Key Components", "key components", componentsMin, componentsMax, RuleComponentsCount, add, missing)
	c.list(sec.WhyUsed, name, prefix, "why_used", "Why Organizations Use It", "reasons to use it", whyUsedMin, whyUsedMax, RuleWhyUsedCount, add, missing)

	// Implementation: a paragraph or two to six steps, not both.
	im := sec.Implementation
	const impl = "Implementation Overview"
	hasPara := strings.TrimSpace(im.Paragraph) != ""
	switch {
	case !hasPara && len(im.Steps) == 0:
		missing("implementation", impl, "implementation overview")
	case hasPara && len(im.Steps) > 0:
		c.emit(RuleImplementation, "", name+" / "+impl, prefix+"implementation", 0, "the implementation overview has both a paragraph and steps", "")
	case len(im.Steps) > 0 && (len(im.Steps) < stepsMin || len(im.Steps) > stepsMax):
		c.emit(RuleImplementation, "", name+" / "+impl, prefix+"implementation.steps", 0,
			fmt.Sprintf("%d implementation steps; give %d to %d, or one paragraph", len(im.Steps), stepsMin, stepsMax), "")
	}
	if hasPara {
		c.words(RuleLenParagraph, add("implementation.paragraph", impl, im.Paragraph), paraMinWords, paraMaxWords, "paragraph")
	}
	for i, t := range im.Steps {
		if f := c.item(add(fmt.Sprintf("implementation.steps[%d]", i), impl, t), "step"); f != nil {
			c.words(RuleLenBullet, f, bulletMinWords, bulletMaxWords, "step")
		}
	}

	for _, f := range fs {
		c.scan(f)
		if strings.Contains(f.path, "what_it_is[") || strings.HasSuffix(f.path, "implementation.paragraph") {
			c.truncated(f)
		}
	}
	return fs
}

func sectionEmpty(s page.Section) bool {
	return s.Heading == "" && s.FullName == "" && s.Tagline == "" && len(s.KeyFeatures) == 0 &&
		len(s.WhatItIs) == 0 && len(s.KeyComponents) == 0 && len(s.WhyUsed) == 0 &&
		s.Implementation.Paragraph == "" && len(s.Implementation.Steps) == 0
}

// list checks a bulleted list with count bounds.
func (c *checker) list(items []string, name, prefix, path, sub, what string, min, max int, countRule string,
	add func(path, sub, text string) *field, missing func(path, sub, what string)) {
	if len(items) == 0 {
		missing(path, sub, what)
		return
	}
	if len(items) < min || len(items) > max {
		c.emit(countRule, "", name+" / "+sub, prefix+path, 0, fmt.Sprintf("%d %s; give %d to %d", len(items), what, min, max), "")
	}
	for i, t := range items {
		if f := c.item(add(fmt.Sprintf("%s[%d]", path, i), sub, t), "bullet"); f != nil {
			c.words(RuleLenBullet, f, bulletMinWords, bulletMaxWords, "bullet")
		}
	}
}

// item reports an empty list item; it returns f when there is text to check.
func (c *checker) item(f *field, what string) *field {
	if strings.TrimSpace(f.text) == "" {
		c.at(RuleEmptyItem, f, 0, fmt.Sprintf("an empty %s", what))
		return nil
	}
	return f
}

// words reports a field whose word count is outside [min, max].
func (c *checker) words(rule string, f *field, min, max int, what string) {
	w := countWords(f.text)
	switch {
	case w < min:
		c.at(rule, f, 0, fmt.Sprintf("the %s is %d words; at least %d", what, w, min))
	case w > max:
		c.at(rule, f, 0, fmt.Sprintf("the %s is %d words; at most %d", what, w, max))
	}
}

// sectionPair checks that a section is about its own standard.
func (c *checker) sectionPair(sec page.Section, p, other *profile.Profile, prefix, name string) {
	if p == nil {
		return
	}
	if sec.Standard != "" && sec.Standard != p.ID && c.resolve(sec.Standard) != p {
		c.emit(RuleSectionMismatch, "", name, prefix+"standard", 0,
			fmt.Sprintf("the section is for %q but stands where %s belongs", sec.Standard, p.ShortName), "")
		return
	}
	if strings.TrimSpace(sec.Heading) == "" {
		c.emit(RuleHeading, "", name, prefix+"heading", 0, fmt.Sprintf("the section for %s has no heading", p.ShortName), "")
	} else if h := c.resolve(sec.Heading); h == nil {
		c.emit(RuleSectionMismatch, "", name, prefix+"heading", 0,
			fmt.Sprintf("the section heading %q names no known standard; expected %s", sec.Heading, p.ShortName), "")
		return
	} else if h.ID != p.ID {
		msg := fmt.Sprintf("the section heading names %s, which is not one of this page's standards", h.ShortName)
		if other != nil && h.ID == other.ID {
			msg = fmt.Sprintf("the section about %s stands where %s's section belongs (sections swapped)", h.ShortName, p.ShortName)
		} else if other == nil {
			msg = fmt.Sprintf("the section heading names %s, but the section is for %s", h.ShortName, p.ShortName)
		}
		c.emit(RuleSectionMismatch, "", name, prefix+"heading", 0, msg, "")
		return
	} else if sec.Heading != p.ShortName {
		c.emit(RuleHeading, "", name, prefix+"heading", 0,
			fmt.Sprintf("heading %q should be the short name %q", sec.Heading, p.ShortName), "")
	}
	// The full name starts with the standard it is the name of.
	if sec.FullName != "" {
		f := c.newField(prefix+"full_name", name, sec.FullName, p)
		for _, m := range c.mentions(f) {
			if m.Offset > 4 {
				break
			}
			if m.Profile != nil && m.Profile.ID != p.ID {
				c.at(RuleSectionMismatch, f, 0, fmt.Sprintf("the full name %q is that of %s, not %s", clip(sec.FullName, 60), m.Profile.ShortName, p.ShortName))
			}
			break
		}
	}
}

// pair checks the per-pair part and returns its text fields.
func (c *checker) pair(pr page.Pair, a, b *profile.Profile) []*field {
	var fs []*field
	grounded := []*profile.Profile{a, b}

	if d := strings.TrimSpace(pr.Description); d == "" {
		c.emit(RuleEmptySection, "", "Description", "description", 0, "the page has no description", "")
	} else {
		f := c.newField("description", "Description", pr.Description, nil, grounded...)
		fs = append(fs, f)
		if n := len(d); n < descMinChars || n > descMaxChars {
			c.at(RuleLenDescription, f, 0, fmt.Sprintf("the description is %d characters; %d to %d", n, descMinChars, descMaxChars))
		} else if s := len(sentences(d)); s > 1 {
			c.emit(RuleLenDescription, finding.Warning, f.section, f.path, 0, fmt.Sprintf("the description is %d sentences; write one", s), "")
		}
	}

	if strings.TrimSpace(pr.Verdict) == "" {
		c.emit(RuleEmptySection, "", "Quick Verdict", "verdict", 0, "the page has no quick verdict", "")
	} else {
		f := c.newField("verdict", "Quick Verdict", pr.Verdict, nil, grounded...)
		fs = append(fs, f)
		if w := countWords(pr.Verdict); w < verdictMinWords || w > verdictMaxWords {
			c.at(RuleLenVerdict, f, 0, fmt.Sprintf("the verdict is %d words; %d to %d", w, verdictMinWords, verdictMaxWords))
		}
		c.verdictNames(f, a, b)
	}

	fs = append(fs, c.differences(pr.Differences, a, b)...)
	fs = append(fs, c.faq(pr.FAQ, grounded)...)
	c.faqChecks(pr, a, b)
	for _, f := range fs {
		c.scan(f)
		if f.path == "verdict" || strings.HasSuffix(f.path, ".answer") {
			c.truncated(f)
		}
	}
	return fs
}

// verdictNames warns when the verdict does not name both standards.
func (c *checker) verdictNames(f *field, a, b *profile.Profile) {
	if a == nil || b == nil || c.set == nil {
		return
	}
	seen := map[string]bool{}
	for _, m := range c.mentions(f) {
		if m.Profile != nil {
			seen[m.Profile.ID] = true
		}
	}
	for _, p := range []*profile.Profile{a, b} {
		if !seen[p.ID] {
			c.at(RuleVerdictNames, f, 0, fmt.Sprintf("the verdict never names %s", p.ShortName))
		}
	}
}

var aspectPaths = [5]string{"scope", "industry", "nature", "testing", "penalties"}

func (c *checker) differences(d page.Differences, a, b *profile.Profile) []*field {
	const sec = "Key Differences"
	rows := d.Rows()
	if allRowsEmpty(rows) {
		c.emit(RuleEmptySection, "", sec, "differences", 0, "the page has no Key Differences table", "")
		return nil
	}
	var fs []*field
	for i, r := range rows {
		base := fmt.Sprintf("differences.extra[%d]", i-5)
		if i < 5 {
			base = "differences." + aspectPaths[i]
		}
		emptyA, emptyB := strings.TrimSpace(r.A) == "", strings.TrimSpace(r.B) == ""
		switch {
		case i < 5 && emptyA && emptyB:
			c.emit(RuleDiffRowMissing, "", sec, base, 0, fmt.Sprintf("the %s row is missing", r.Aspect), "")
			continue
		case i >= 5 && strings.TrimSpace(r.Aspect) == "":
			c.emit(RuleDiffCellEmpty, "", sec, base+".aspect", 0, fmt.Sprintf("extra row %d has no aspect name", i-4), "")
		}
		for j, cell := range [2]string{r.A, r.B} {
			col, subj := "a", a
			if j == 1 {
				col, subj = "b", b
			}
			if strings.TrimSpace(cell) == "" {
				who := "the first standard"
				if subj != nil {
					who = subj.ShortName
				} else if j == 1 {
					who = "the second standard"
				}
				c.emit(RuleDiffCellEmpty, "", sec, base+"."+col, 0, fmt.Sprintf("the %s cell for %s is empty", r.Aspect, who), "")
				continue
			}
			f := c.newField(base+"."+col, sec, cell, subj, subj)
			fs = append(fs, f)
			if w := countWords(cell); w > cellMaxWords {
				c.at(RuleLenCell, f, 0, fmt.Sprintf("the %s cell is %d words; at most %d", r.Aspect, w, cellMaxWords))
			}
		}
	}
	return fs
}

func allRowsEmpty(rows []page.Row) bool {
	for _, r := range rows {
		if strings.TrimSpace(r.A) != "" || strings.TrimSpace(r.B) != "" {
			return false
		}
	}
	return true
}

func (c *checker) faq(qs []page.QA, grounded []*profile.Profile) []*field {
	const sec = "FAQ"
	if len(qs) == 0 {
		c.emit(RuleEmptySection, "", sec, "faq", 0, "the page has no FAQ", "")
		return nil
	}
	var fs []*field
	answered := 0
	for i, qa := range qs {
		q, a := strings.TrimSpace(qa.Question), strings.TrimSpace(qa.Answer)
		qp, ap := fmt.Sprintf("faq[%d].question", i), fmt.Sprintf("faq[%d].answer", i)
		switch {
		case q == "" && a == "":
			c.emit(RuleFAQNoQuestion, "", sec, fmt.Sprintf("faq[%d]", i), 0, "an empty FAQ entry", "")
			continue
		case q == "":
			c.emit(RuleFAQNoQuestion, "", sec, ap, 0, fmt.Sprintf("an answer with no question: %q", clip(a, 50)), "")
		case a == "" && !strings.HasSuffix(q, "?"):
			c.emit(RuleFAQEmptyAnswer, "", sec, qp, 0, fmt.Sprintf("the FAQ heading %q has no question or answer under it", clip(q, 60)), "")
		case a == "":
			c.emit(RuleFAQEmptyAnswer, "", sec, qp, 0, fmt.Sprintf("the question %q has no answer", clip(q, 60)), "")
		case !strings.HasSuffix(q, "?"):
			c.emit(RuleFAQNoQuestion, "", sec, qp, 0, fmt.Sprintf("the FAQ heading %q is not a question", clip(q, 60)), "")
		}
		if q != "" {
			f := c.newField(qp, sec, qa.Question, nil, grounded...)
			fs = append(fs, f)
			if a != "" {
				c.words(RuleLenQuestion, f, questMinWords, questMaxWords, "question")
			}
		}
		if a != "" {
			answered++
			f := c.newField(ap, sec, qa.Answer, nil, grounded...)
			fs = append(fs, f)
			c.words(RuleLenAnswer, f, answerMinWords, answerMaxWords, "answer")
		}
	}
	if answered < faqMin || len(qs) > faqMax {
		c.emit(RuleFAQCount, "", sec, "faq", 0, fmt.Sprintf("%d answered questions; give %d to %d", answered, faqMin, faqMax), "")
	}
	return fs
}
