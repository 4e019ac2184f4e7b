package validate

import (
	"fmt"
	"regexp"
	"strings"
)

// Leaked model text is caught by what it is, not by exact phrases: the
// model speaking as itself (first person), talking about the text it is
// writing or how it was made, or about its knowledge and training. Pages
// are written in the third person about standards, so none of these belong.
var (
	// "I recommend", "I'm", "I cannot"; "Type I", "Level I" are names.
	firstPersonRe = regexp.MustCompile(`(?:^|[^A-Za-z0-9])I(?:'m|'ve|'d|'ll| am| have| was| cannot| can't| don't| do not| would| will| recommend| suggest| hope| think| believe| did| wrote| included| assumed| could| should| can| must| need| note| used| focused| chose| tried)\b`)
	myRe          = regexp.MustCompile(`\b(?:my|me|myself)\b`)
	selfRefRe     = regexp.MustCompile(`\b(?:this|the above|the following|the preceding|the entire) (?:comparison|page|answer|response|text|content|article|draft|summary|output|overview|faq|json|information|reply)(?: above| below)? (?:was|is|has been|were|may have been|might have been|had been) (?:automatically |partly |partially )?(?:generated|written|produced|created|auto-generated|drafted|compiled|assembled)`)
	madeByRe      = regexp.MustCompile(`\b(?:generated|written|produced|created|drafted) (?:automatically )?(?:by|with|using) (?:an? |the )?(?:ai|llm|language model|assistant|chatbot|chatgpt|gpt|model)\b|\bauto-generated\b|\b(?:knowledge|training) (?:cutoff|cut-off|update|data)\b|\b(?:as requested|you asked|you requested|per your request|your request)\b|\b(?:the|your) (?:prompt|instructions)\b`)
	firstPersonOK = []string{"type", "level", "tier", "part", "title", "phase", "stage", "category", "schedule", "annex", "class", "chapter", "appendix", "volume", "section", "article", "step"}
)

func (c *checker) leaks(f *field) {
	if (strings.Contains(f.text, "I ") || strings.Contains(f.text, "I'")) && c.firstPerson(f) {
		return
	}
	if f.gates()&gMy != 0 {
		if loc := myRe.FindStringIndex(f.lower); loc != nil && !inQuotes(f.text, loc[0]) && !f.inQuestion(loc[0]) {
			c.at(RuleAIText, f, loc[0], fmt.Sprintf("the writer speaks as itself: %q", clip(f.text[loc[0]:], 50)))
			return
		}
	}
	for _, g := range []struct {
		gate uint32
		re   *regexp.Regexp
	}{{gSelfRef, selfRefRe}, {gMadeBy, madeByRe}} {
		if f.gates()&g.gate == 0 {
			continue
		}
		if loc := g.re.FindStringIndex(f.lower); loc != nil && !inQuotes(f.text, loc[0]) {
			c.at(RuleAIText, f, loc[0], fmt.Sprintf("text about the writer or how the page was made: %q", clip(f.text[loc[0]:], 50)))
			return
		}
	}
}

// firstPerson reports the writer saying "I …" in f, if it does.
func (c *checker) firstPerson(f *field) bool {
	if loc := firstPersonRe.FindStringIndex(f.text); loc != nil {
		i := loc[0]
		if f.text[i] != 'I' {
			i++
		}
		prev := lastWord(f.lower[:i])
		// A reader's question is asked in the first person ("Do I need …?").
		if !contains(firstPersonOK, prev) && !inQuotes(f.text, i) && !f.inQuestion(i) {
			c.at(RuleAIText, f, i, fmt.Sprintf("the writer speaks as itself: %q", clip(f.text[i:], 50)))
			return true
		}
	}
	return false
}

func lastWord(s string) string {
	s = strings.TrimRight(s, " ")
	i := len(s)
	for i > 0 && isAlnum(s[i-1]) {
		i--
	}
	return s[i:]
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// inQuotes reports whether offset off is inside a "quoted" stretch.
func inQuotes(s string, off int) bool {
	return strings.Count(s[:off], "\"")%2 == 1 || strings.Count(s[:off], "“") > strings.Count(s[:off], "”")
}

// entityRe matches an HTML character reference: "&amp;", "&nbsp;", "&#8217;".
var entityRe = regexp.MustCompile(`&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

func (c *checker) entities(f *field) {
	if strings.IndexByte(f.text, '&') < 0 {
		return
	}
	if loc := entityRe.FindStringIndex(f.text); loc != nil {
		c.at(RuleHTMLEntity, f, loc[0], fmt.Sprintf("an HTML entity %q in the text", clip(f.text[loc[0]:], 30)))
	}
}
