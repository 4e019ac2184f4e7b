// Package author writes drafts: the standard's own sections and the per-pair
// part of a page. Two authors share one shape: the offline composer, which
// needs nothing but the profiles, and an LLM behind an OpenAI-compatible API.
package author

import (
	"errors"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// Mode says what a draft job asks of the author.
type Mode int

const (
	// Fresh is a first draft: the prompt alone.
	Fresh Mode = iota
	// Fix is a redraft after the checker found problems: the original
	// prompt, the previous answer as the assistant's turn, and the findings.
	Fix
	// Changes is a redraft after an editor requested changes: the original
	// prompt, the previous answer, and the editor's note.
	Changes
)

func (m Mode) String() string {
	switch m {
	case Fix:
		return "fix"
	case Changes:
		return "changes"
	}
	return "fresh"
}

// Feedback is what a redraft is told: the model's previous answer, what was
// wrong with it (Fix) or the editor's note (Changes). A first draft has none.
type Feedback struct {
	Mode     Mode
	Previous string
	Findings []finding.Finding
	// Note is the editor's request. In Fix mode a note still standing from an
	// earlier request for changes is repeated, so fixing findings does not
	// undo what the editor asked.
	Note string
}

// Errors of a Feedback that cannot make an honest request.
var (
	ErrNoPrevious = errors.New("redraft without the previous answer")
	ErrNoFindings = errors.New("redraft without findings")
	ErrNoNote     = errors.New("request for changes without a note")
)

// Check refuses feedback that would send the model a blind or empty
// redraft: the model cannot fix what it is not shown.
func (f Feedback) Check() error {
	switch f.Mode {
	case Fresh:
		return nil
	case Fix:
		if len(f.Findings) == 0 {
			return ErrNoFindings
		}
	case Changes:
		if f.Note == "" {
			return ErrNoNote
		}
	}
	if f.Previous == "" {
		return ErrNoPrevious
	}
	return nil
}

// SectionResult is a drafted standard section. Findings are problems found
// while decoding the answer (not JSON, truncated, off-schema); the validator
// adds the content rules.
type SectionResult struct {
	Section page.Section
	// Answer is the model's answer as received, whatever it holds; Raw is
	// the same answer kept only when it could not be decoded.
	Answer   string
	Raw      string
	Findings []finding.Finding
	Usage    store.Usage
}

// PairResult is a drafted pair part.
type PairResult struct {
	Pair     page.Pair
	Answer   string
	Raw      string
	Findings []finding.Finding
	Usage    store.Usage
}
