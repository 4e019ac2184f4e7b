package page

import "strings"

// Source says where a parsed page's content sits in the Markdown it was read
// from, so that rules about the text (broken markup, raw HTML, boilerplate)
// can name a line.
type Source struct {
	// Lines maps record field paths to 1-based lines. Paths are those of the
	// JSON record: "title", "verdict", "sections[0]" (the H2),
	// "sections[0].tagline", "sections[0].key_features" (the H3),
	// "sections[0].key_features[2]", "sections[0].implementation.steps[1]",
	// "differences" (the H2), "differences.header", "differences.scope",
	// "differences.scope.a", "differences.extra[0].aspect", "faq" (the H2),
	// "faq[1].question", "faq[1].answer". For a paragraph it is the line the
	// paragraph starts on.
	Lines map[string]int
	// Sections are the page's H2 blocks as written, in order; the text
	// before the first H2 is a block with Kind "intro".
	Sections []SourceSection
	// Header holds the lines before the first heading of a page written
	// without markup: each standard's name followed by its tagline.
	Header []string
	// TableHeader holds the Key Differences header cells after "Aspect".
	TableHeader []string
	// Trailing is the text after the page's last FAQ answer (site
	// navigation, adverts, related links), or "" when there is none.
	Trailing     string
	TrailingLine int
	// Marked is true when headings are written with '#'.
	Marked bool
	// FrontMatter is true when the page starts with a front matter block.
	FrontMatter bool

	lines []string // every line of the source, for LineText
}

// SourceSection is one H2 block of the source.
type SourceSection struct {
	Heading string // as written
	Kind    string // "intro", "verdict", "standard", "differences", "faq" or "unknown"
	Index   int    // for Kind "standard": 0 or 1, the record's section; else -1
	Line    int    // first line (the heading)
	EndLine int    // last line
	Text    string // the raw lines, heading included
}

// Line returns the line of a record field, or of the nearest enclosing field
// that has one ("sections[0].key_features[7]" falls back to
// "sections[0].key_features", then "sections[0]"); 0 when unknown.
func (s *Source) Line(field string) int {
	if s == nil {
		return 0
	}
	for field != "" {
		if n, ok := s.Lines[field]; ok {
			return n
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return 0
}

// LineText returns line n (1-based) of the source as written.
func (s *Source) LineText(n int) string {
	if s == nil || n < 1 || n > len(s.lines) {
		return ""
	}
	return s.lines[n-1]
}

// NumLines is the number of lines in the source.
func (s *Source) NumLines() int {
	if s == nil {
		return 0
	}
	return len(s.lines)
}

// Section returns the first H2 block of the given kind (and, for standards,
// index).
func (s *Source) Section(kind string, index int) (SourceSection, bool) {
	if s == nil {
		return SourceSection{}, false
	}
	for _, sec := range s.Sections {
		if sec.Kind == kind && (kind != "standard" || sec.Index == index) {
			return sec, true
		}
	}
	return SourceSection{}, false
}
