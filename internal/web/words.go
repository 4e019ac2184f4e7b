package web

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
)

// What the review screens say in words instead of event types, state pairs
// and JSON paths: an editor reads "drafted, 2,000 tokens" and "FAQ 2,
// answer", not "drafted drafting → drafting" and "faq[1].answer".

// happened is an event in plain words: what was done, the state it left
// the record in when that changed, what it found and what it spent.
func happened(ev store.Event) string {
	var b strings.Builder
	switch ev.Type {
	case "queued":
		switch {
		case ev.From == "" || ev.From == store.State("none"):
			b.WriteString("queued for a first draft")
		case ev.From == ev.To:
			b.WriteString("queued again")
		default:
			b.WriteString("queued for a new draft")
		}
	case "drafting":
		b.WriteString("started drafting")
	case "drafted":
		b.WriteString("wrote a draft")
	case "validated":
		b.WriteString("checked the draft")
	case "redraft":
		b.WriteString("found errors in the draft and asked for another")
	case "needs_attention":
		b.WriteString("gave up drafting: a person must look")
	case "handed_back":
		b.WriteString("handed the job back: the model was unavailable")
	case "approved":
		b.WriteString("approved")
	case "rejected":
		b.WriteString("rejected")
	case "changes_requested":
		b.WriteString("sent it back for changes")
	case "edited":
		b.WriteString("edited the text")
	case "stale":
		b.WriteString("marked it stale: its inputs changed")
	case review.EvClaimed:
		b.WriteString("claimed it")
	case review.EvReleased:
		b.WriteString("released the claim")
	case review.EvCommented:
		b.WriteString("commented")
	default:
		b.WriteString(strings.ReplaceAll(ev.Type, "_", " "))
	}
	if ev.To != "" && ev.To != ev.From && ev.Type != "approved" && ev.Type != "rejected" {
		b.WriteString("; now " + strings.ReplaceAll(string(ev.To), "_", " "))
	}
	if ev.Errors+ev.Warnings > 0 {
		b.WriteString("; found " + countWords(ev.Errors, ev.Warnings))
	}
	if ev.Usage != nil && ev.Usage.Total() > 0 {
		b.WriteString("; " + thousands(ev.Usage.Total()) + " tokens")
	}
	return b.String()
}

// countWords is "1 error, 2 warnings", leaving out a zero.
func countWords(errors, warnings int) string {
	var parts []string
	if errors > 0 {
		parts = append(parts, plural(errors, "error"))
	}
	if warnings > 0 {
		parts = append(parts, plural(warnings, "warning"))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// thousands writes n with thousands separators: 12,000.
func thousands[T ~int | ~int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var pathPart = regexp.MustCompile(`^([a-z_]+)(?:\[(\d+)\])?$`)

// fieldWords names a record path for an editor: "faq[1].answer" is "FAQ
// 2, answer"; "differences.scope.a" is "Key differences, scope, first
// standard".
func fieldWords(path string) string {
	standards := [2]string{"first standard", "second standard"}
	names := map[string]string{
		"verdict": "Quick verdict", "description": "Description", "faq": "FAQ", "question": "question", "answer": "answer",
		"differences": "Key differences", "extra": "added row", "aspect": "aspect",
		"relations": "relations", "overlap": "overlap", "independent": "How they relate",
		"key_features": "Key features", "what_it_is": "What it is", "key_components": "Key components",
		"why_used": "Why it is used", "implementation": "Implementation", "steps": "step", "paragraph": "paragraph",
		"tagline": "tagline", "full_name": "full name", "heading": "heading",
	}
	var out []string
	for _, seg := range strings.Split(path, ".") {
		m := pathPart.FindStringSubmatch(seg)
		if m == nil {
			out = append(out, seg)
			continue
		}
		w, ok := names[m[1]]
		switch {
		case m[1] == "a":
			w, ok = standards[0], true
		case m[1] == "b":
			w, ok = standards[1], true
		}
		if !ok {
			w = strings.ReplaceAll(m[1], "_", " ")
		}
		if m[2] != "" {
			i, _ := strconv.Atoi(m[2])
			w = fmt.Sprintf("%s %d", w, i+1)
		}
		out = append(out, w)
	}
	return strings.Join(out, ", ")
}

// firstDraft reports whether changes are a draft against nothing: every
// field new. The screen says "first draft" instead of listing them.
func firstDraft(cs []review.Change) bool {
	if len(cs) == 0 {
		return false
	}
	for _, c := range cs {
		if c.Old != "" {
			return false
		}
	}
	return true
}
