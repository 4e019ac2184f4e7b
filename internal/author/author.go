// Package author writes drafts: the standard's own sections and the per-pair
// part of a page. Two authors share one shape: the offline composer, which
// needs nothing but the profiles, and an LLM behind an OpenAI-compatible API.
package author

import (
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// Feedback is what a redraft is told: the previous answer, what was wrong
// with it, and an editor's note. A first draft has none.
type Feedback struct {
	Previous string
	Findings []finding.Finding
	Note     string
}

// Empty reports whether there is nothing to tell.
func (f Feedback) Empty() bool { return f.Previous == "" && len(f.Findings) == 0 && f.Note == "" }

// SectionResult is a drafted standard section. Findings are problems found
// while decoding the answer (not JSON, truncated, off-schema); the validator
// adds the content rules.
type SectionResult struct {
	Section  page.Section
	Raw      string // the answer as received, kept when it could not be decoded
	Findings []finding.Finding
	Usage    store.Usage
}

// PairResult is a drafted pair part.
type PairResult struct {
	Pair     page.Pair
	Raw      string
	Findings []finding.Finding
	Usage    store.Usage
}
