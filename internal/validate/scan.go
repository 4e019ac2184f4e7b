package validate

import (
	"fmt"
	"regexp"
	"strings"
)

// scan runs the text rules on one field: markup, leaked meta text, site
// boilerplate and facts. Each rule reports at most once per field.
func (c *checker) scan(f *field) {
	if f.text == "" {
		return
	}
	c.markup(f)
	c.entities(f)
	c.phrases(f)
	if !c.has(RuleAIText, f) {
		c.leaks(f)
	}
	c.wordCount(f)
	c.jsonFragment(f)
	c.facts(f)
}

// has reports whether field f already has a finding of rule.
func (c *checker) has(rule string, f *field) bool {
	for i := len(c.out) - 1; i >= 0; i-- {
		if c.out[i].Rule == rule && c.out[i].Field == f.path {
			return true
		}
	}
	return false
}

// paragraphs yields the blank-line-separated paragraphs of s with offsets.
func paragraphs(s string, fn func(p string, off int)) {
	off := 0
	for {
		i := strings.Index(s[off:], "\n\n")
		if i < 0 {
			fn(s[off:], off)
			return
		}
		fn(s[off:off+i], off)
		off += i + 2
	}
}

func (c *checker) markup(f *field) {
	if strings.IndexAny(f.text, "*[`<") < 0 {
		return
	}
	bold, link, code, html := false, false, false, false
	paragraphs(f.text, func(p string, off int) {
		if !bold {
			if i := unbalancedBold(p); i >= 0 {
				bold = true
				c.at(RuleUnbalancedBold, f, off+i, fmt.Sprintf("unbalanced ** swallows the text after it: %q", clip(p[i:], 50)))
			}
		}
		if !code {
			if i := unclosedCode(p); i >= 0 {
				code = true
				c.at(RuleUnclosedCode, f, off+i, fmt.Sprintf("a code span is never closed: %q", clip(p[i:], 40)))
			}
		}
		if !link {
			if i, msg := badLink(p); i >= 0 {
				link = true
				c.at(RuleUnclosedLink, f, off+i, msg)
			}
		}
		if !html {
			if i, tag := rawHTML(p); i >= 0 {
				html = true
				msg := fmt.Sprintf("raw HTML %q in the text", clip(tag, 40))
				if strings.HasPrefix(lowerASCII(tag), "<script") {
					msg = fmt.Sprintf("a script tag %q in the text", clip(tag, 40))
				}
				c.at(RuleRawHTML, f, off+i, msg)
			}
		}
	})
}

// unbalancedBold returns the offset of the ** left without a partner, or -1.
func unbalancedBold(p string) int {
	open := -1
	for i := 0; i+1 < len(p); i++ {
		if p[i] == '*' && p[i+1] == '*' {
			if open < 0 {
				open = i
			} else {
				open = -1
			}
			i++
			for i+1 < len(p) && p[i+1] == '*' { // a third star is italics
				i++
			}
		}
	}
	return open
}

// unclosedCode returns the offset of a backtick run with no closing run of
// the same length, or -1.
func unclosedCode(p string) int {
	for i := 0; i < len(p); {
		if p[i] != '`' {
			i++
			continue
		}
		n := 1
		for i+n < len(p) && p[i+n] == '`' {
			n++
		}
		closeAt := -1
		for j := i + n; j < len(p); {
			if p[j] != '`' {
				j++
				continue
			}
			m := 1
			for j+m < len(p) && p[j+m] == '`' {
				m++
			}
			if m == n {
				closeAt = j + m
				break
			}
			j += m
		}
		if closeAt < 0 {
			return i
		}
		i = closeAt
	}
	return -1
}

// badLink finds "[text" with no "]", "[text](url" with no ")", or "[text]"
// with no address. Placeholders like "[insert …]" are meta.placeholder's.
func badLink(p string) (int, string) {
	for i := 0; i < len(p); i++ {
		if p[i] != '[' {
			continue
		}
		if isPlaceholderAt(p, i) {
			continue
		}
		j := strings.IndexByte(p[i+1:], ']')
		if j < 0 {
			return i, fmt.Sprintf("a [ is never closed: %q", clip(p[i:], 40))
		}
		j += i + 1
		if j+1 < len(p) && p[j+1] == '(' {
			k := strings.IndexByte(p[j+2:], ')')
			if k < 0 {
				return i, fmt.Sprintf("a link's address is never closed: %q", clip(p[i:], 50))
			}
			i = j + 2 + k
			continue
		}
		return i, fmt.Sprintf("%q looks like a link with no address", clip(p[i:j+1], 40))
	}
	return -1, ""
}

// isPlaceholderAt reports whether a "[" at i opens a placeholder.
func isPlaceholderAt(p string, i int) bool {
	rest := lowerASCII(p[i+1 : min(len(p), i+16)])
	for _, w := range placeholderOpeners {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

var placeholderOpeners = []string{"insert", "add ", "your ", "placeholder", "todo", "tbd", "citation", "source", "link"}

// rawHTML returns the offset and text of an HTML tag or comment, or -1.
func rawHTML(p string) (int, string) {
	for i := 0; i+1 < len(p); i++ {
		if p[i] != '<' {
			continue
		}
		j := i + 1
		if p[j] == '!' {
			if strings.HasPrefix(p[j:], "!--") {
				return i, p[i:min(len(p), i+20)]
			}
			continue
		}
		if p[j] == '/' {
			j++
		}
		k := j
		for k < len(p) && (isLetter(p[k]) || k > j && isDigit(p[k])) {
			k++
		}
		if k == j || k >= len(p) {
			continue
		}
		end := strings.IndexByte(p[k:], '>')
		if end < 0 {
			continue
		}
		end += k
		if c := p[k]; c != '>' && c != ' ' && c != '/' && c != '\t' {
			continue // "<https://…>" autolinks and the like
		}
		return i, p[i : end+1]
	}
	return -1, ""
}

// phrase is a fixed phrase that must not appear in content. Phrases are
// lowercase; they match at word boundaries.
type phrase struct {
	text string
	rule string
	what string // what it is, for the message
}

// phraseRules is the table of leaked meta text and site boilerplate.
var phraseRules = []phrase{
	{"as an ai", RuleAIText, "assistant text"},
	{"language model", RuleAIText, "assistant text"},
	{"i cannot", RuleAIText, "assistant text"},
	{"i can't", RuleAIText, "assistant text"},
	{"i'm sorry", RuleAIText, "assistant text"},
	{"i apologize", RuleAIText, "assistant text"},
	{"i hope this helps", RuleAIText, "assistant text"},
	{"let me know if", RuleAIText, "assistant text"},
	{"here is the comparison", RuleAIText, "assistant text"},
	{"here's the comparison", RuleAIText, "assistant text"},
	{"here is a comparison", RuleAIText, "assistant text"},
	{"here's a comparison", RuleAIText, "assistant text"},
	{"here is the json", RuleAIText, "assistant text"},
	{"here is your", RuleAIText, "assistant text"},
	{"here's your", RuleAIText, "assistant text"},
	{"below is the", RuleAIText, "assistant text"},
	{"certainly!", RuleAIText, "assistant text"},
	{"sure!", RuleAIText, "assistant text"},
	{"knowledge cutoff", RuleAIText, "assistant text"},

	{"[insert", RulePlaceholder, "a placeholder"},
	{"[add ", RulePlaceholder, "a placeholder"},
	{"[your ", RulePlaceholder, "a placeholder"},
	{"[placeholder", RulePlaceholder, "a placeholder"},
	{"[citation needed", RulePlaceholder, "a placeholder"},
	{"todo", RulePlaceholder, "a placeholder"},
	{"tbd", RulePlaceholder, "a placeholder"},
	{"fixme", RulePlaceholder, "a placeholder"},
	{"xxx", RulePlaceholder, "a placeholder"},
	{"lorem ipsum", RulePlaceholder, "filler text"},
	{"{{", RulePlaceholder, "a template placeholder"},

	{"you might also be interested", RuleBoilerplate, "site navigation text"},
	{"check out these other", RuleBoilerplate, "site navigation text"},
	{"other standards comparison pages", RuleBoilerplate, "site navigation text"},
	{"related articles", RuleBoilerplate, "site navigation text"},
	{"read more", RuleBoilerplate, "site navigation text"},
	{"read now", RuleBoilerplate, "site navigation text"},
	{"dive in now", RuleBoilerplate, "advertising text"},
	{"dive in!", RuleBoilerplate, "advertising text"},
	{"sign up", RuleBoilerplate, "advertising text"},
	{"subscribe", RuleBoilerplate, "advertising text"},
	{"newsletter", RuleBoilerplate, "advertising text"},
	{"book a demo", RuleBoilerplate, "advertising text"},
	{"free trial", RuleBoilerplate, "advertising text"},
	{"click here", RuleBoilerplate, "site navigation text"},
	{"back to top", RuleBoilerplate, "site navigation text"},
	{"share this", RuleBoilerplate, "site navigation text"},
	{"follow us", RuleBoilerplate, "site navigation text"},
	{"all rights reserved", RuleBoilerplate, "site footer text"},
	{"request a demo", RuleBoilerplate, "advertising text"},
	{"try it free", RuleBoilerplate, "advertising text"},
	{"our platform", RuleBoilerplate, "advertising text"},
	{"common questions about", RuleBoilerplate, "site navigation text"},
}

// phraseFirst holds, per first byte, the indexes of phrases starting with it,
// so a field is scanned once for candidates rather than once per phrase.
var phraseFirst = func() [256][]int {
	var t [256][]int
	for i, p := range phraseRules {
		t[p.text[0]] = append(t[p.text[0]], i)
	}
	return t
}()

func (c *checker) phrases(f *field) {
	var done map[string]bool
	s := f.lower
	for i := 0; i < len(s); i++ {
		cands := phraseFirst[s[i]]
		if len(cands) == 0 {
			continue
		}
		if i > 0 && isAlnum(s[i]) && isAlnum(s[i-1]) {
			continue // not at a word start
		}
		for _, k := range cands {
			p := phraseRules[k]
			if !strings.HasPrefix(s[i:], p.text) || done[p.rule] {
				continue
			}
			end := i + len(p.text)
			if isAlnum(p.text[len(p.text)-1]) && end < len(s) && isAlnum(s[end]) {
				continue
			}
			if done == nil {
				done = map[string]bool{}
			}
			done[p.rule] = true
			c.at(p.rule, f, i, fmt.Sprintf("%s: %q", p.what, clip(f.text[i:], 50)))
		}
	}
}

// wordCountRe matches word counts a writer left in: "(178 words)",
// "[~150 words]", "Word count: 120".
var wordCountRe = regexp.MustCompile(`[(\[]\s*(?:~|about |approx\.? |approximately )?\d+\s*words?\s*[)\]]|\bword count\b|\bwords?:\s*\d+`)

func (c *checker) wordCount(f *field) {
	if !strings.Contains(f.lower, "word") {
		return
	}
	if loc := wordCountRe.FindStringIndex(f.lower); loc != nil {
		c.at(RuleWordCount, f, loc[0], fmt.Sprintf("a word count left in the text: %q", f.text[loc[0]:loc[1]]))
	}
}

// jsonRe matches pieces of JSON syntax that prose never has.
var jsonRe = regexp.MustCompile(`\{\s*"|"[A-Za-z_][A-Za-z0-9_]*"\s*:\s*["\[{0-9tfn]|"\s*\}|\\"|\}\s*,\s*\{|\]\s*\}`)

func (c *checker) jsonFragment(f *field) {
	if strings.IndexAny(f.text, "{}\\\"") < 0 {
		return
	}
	if loc := jsonRe.FindStringIndex(f.text); loc != nil {
		c.at(RuleJSONFragment, f, loc[0], fmt.Sprintf("a stray JSON fragment: %q", clip(f.text[loc[0]:], 30)))
	}
}
