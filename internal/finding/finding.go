// Package finding holds the unit of feedback every checker in versus produces:
// one problem, where it is, and what to do about it.
package finding

import (
	"fmt"
	"sort"
)

// Severity says whether a finding blocks a page (Error) or only informs (Warning).
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one problem in a page, a section or a profile.
type Finding struct {
	File     string   `json:"file,omitempty"`
	Rule     string   `json:"rule"`              // stable rule id, e.g. "markup.unbalanced-bold"
	Severity Severity `json:"severity"`          // error or warning
	Section  string   `json:"section,omitempty"` // e.g. "Quick Verdict", "ISO 27032 / Key Features"
	Field    string   `json:"field,omitempty"`   // record path, e.g. "sections[0].key_features[2]"
	Line     int      `json:"line,omitempty"`    // 1-based line in the source, 0 when unknown
	Message  string   `json:"message"`           // one line a writer understands
	Hint     string   `json:"hint,omitempty"`    // what to do about it
}

// String is the one-line form used by the CLI: file:line: severity rule [section] message.
func (f Finding) String() string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, f.Line)
	}
	s := fmt.Sprintf("%s: %s %s", loc, f.Severity, f.Rule)
	if f.Section != "" {
		s += " [" + f.Section + "]"
	}
	s += " " + f.Message
	if f.Hint != "" {
		s += " (" + f.Hint + ")"
	}
	return s
}

// HasError reports whether any finding is an error.
func HasError(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Count returns the number of errors and warnings.
func Count(fs []Finding) (errors, warnings int) {
	for _, f := range fs {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return
}

// Sort orders findings by file, line, then rule, so output is stable.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Rule < b.Rule
	})
}
