package web

import (
	"fmt"
	"sort"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/validate"
)

// Why a page needs a person. The dashboard counts pages by it, the queue
// filters on it (reason=) and names it on the row: all three ask
// attentionReason, so their counts agree.

// reasonUnrecorded is the reason of a page needing attention that carries
// no error: nothing on record says why (its history does).
const reasonUnrecorded = "unrecorded"

// attentionReason names why a page needs a person: the rule of its first
// error (findings are stored sorted), else reasonUnrecorded.
func attentionReason(fs []finding.Finding) string {
	for _, f := range fs {
		if f.Severity == finding.Error {
			return f.Rule
		}
	}
	return reasonUnrecorded
}

// reasonOf is p's reason when it needs attention, "" in any other state.
func reasonOf(p store.PageRecord) string {
	if p.State != store.NeedsAttention {
		return ""
	}
	return attentionReason(p.Findings)
}

// pipelineReasons are the errors the drafting loop itself records, in an
// editor's words: the model failed, its answer was broken, or checking
// failed (each after the redrafts it was allowed, but llm.error and
// validate.error, which are not retried).
var pipelineReasons = map[string]string{
	"llm.error":            "the model could not write a draft",
	"llm.truncated":        "the model's answer was cut off",
	page.RuleJSONSyntax:    "the model's answer was not valid JSON",
	page.RuleJSONTruncated: "the model's answer stopped mid-JSON",
	page.RuleSchema:        "the model's answer did not fit the page format",
	"validate.error":       "checking the draft failed",
	reasonUnrecorded:       "no error on record; see its history",
}

// ruleClasses name a validator rule's class for an editor.
var ruleClasses = map[string]string{
	"structure": "structure", "markup": "markup", "meta": "notes left in the text", "facts": "facts",
	"pair": "the pair", "length": "length", "repetition": "repetition", "boilerplate": "site text",
}

var acronyms = map[string]string{"faq": "FAQ", "html": "HTML", "json": "JSON", "ai": "AI"}

// reasonWords says a reason in words: "the model's answer was cut off",
// or, for a check's rule, the error left in the draft ("error left: edition
// year (facts)").
func reasonWords(reason string) string {
	if w, ok := pipelineReasons[reason]; ok {
		return w
	}
	class, name, ok := strings.Cut(reason, ".")
	if !ok {
		return "error left: " + reason
	}
	words := strings.Fields(strings.ReplaceAll(name, "-", " "))
	for i, w := range words {
		if a, ok := acronyms[w]; ok {
			words[i] = a
		}
	}
	if c, ok := ruleClasses[class]; ok {
		class = c
	}
	return "error left: " + strings.Join(words, " ") + " (" + class + ")"
}

// knownReasons is every reason a page can have: the drafting loop's, each
// rule of the checks and of the page format, and besides them (a rule
// added since) every reason a page has now, so a link the dashboard gives
// never answers 400.
func knownReasons(pages []store.PageRecord) map[string]bool {
	known := make(map[string]bool, len(validate.Rules)+len(pipelineReasons)+32)
	for r := range pipelineReasons {
		known[r] = true
	}
	for _, r := range validate.Rules {
		known[r.ID] = true
	}
	for _, r := range []string{
		page.RuleFrontMatter, page.RuleHeadingFormat, page.RuleMissingSection, page.RuleEmptySection,
		page.RuleUnknownSection, page.RuleDuplicateSection, page.RuleSplitSection, page.RuleSectionOrder,
		page.RuleStrayText, page.RuleListExpected, page.RuleParagraphExpected, page.RuleExtraParagraph,
		page.RuleFullName, page.RuleImplementation, page.RuleFAQNoQuestion, page.RuleFAQNoAnswer,
		page.RuleFAQQuestionFormat, page.RuleTableFormat, page.RuleTableColumns, page.RuleTableRowMissing,
		page.RuleTableRowOrder, page.RuleTableRowDuplicate, page.RuleTableCellEmpty, page.RuleTableLeftover,
		page.RuleTrailing, page.RuleRelation,
	} {
		known[r] = true
	}
	for _, p := range pages {
		if r := reasonOf(p); r != "" {
			known[r] = true
		}
	}
	return known
}

// checkReason refuses a reason no page can have, naming it and the
// reasons pages have now.
func checkReason(reason string, pages []store.PageRecord) error {
	if reason == "" || knownReasons(pages)[reason] {
		return nil
	}
	now := map[string]bool{}
	for _, p := range pages {
		if r := reasonOf(p); r != "" {
			now[r] = true
		}
	}
	list := make([]string, 0, len(now))
	for r := range now {
		list = append(list, r)
	}
	sort.Strings(list)
	have := "no page needs attention now"
	if len(list) > 0 {
		have = "pages need attention now for " + strings.Join(list, ", ")
	}
	return fmt.Errorf("unknown reason %q: a reason is the rule of a page's first error (as GET /api/dashboard lists them), or %q; %s", reason, reasonUnrecorded, have)
}

// reasonOpt is one reason in the queue's filter, with its count.
type reasonOpt struct {
	ID, Words string
	Count     int
}

// reasonOpts are the reasons counted, most pages first, and the one
// chosen even when no page has it now.
func reasonOpts(counts map[string]int, chosen string) []reasonOpt {
	out := make([]reasonOpt, 0, len(counts)+1)
	for r, n := range counts {
		out = append(out, reasonOpt{ID: r, Words: reasonWords(r), Count: n})
	}
	if _, ok := counts[chosen]; chosen != "" && !ok {
		out = append(out, reasonOpt{ID: chosen, Words: reasonWords(chosen)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].ID < out[j].ID
	})
	return out
}
