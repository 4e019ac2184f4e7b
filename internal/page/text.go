package page

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// norm collapses every run of whitespace (newlines included) to one space and
// trims the ends: each field is one line in the Markdown form.
func norm(s string) string {
	prevSpace := true // so a leading space counts as a run
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if prevSpace {
				return slowNorm(s)
			}
			prevSpace = true
		case c < 0x20 || c == 0x7f:
			if c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
				return slowNorm(s)
			}
			prevSpace = false
		case c >= utf8.RuneSelf:
			return slowNormIfSpace(s)
		default:
			prevSpace = false
		}
	}
	if prevSpace && len(s) > 0 {
		return slowNorm(s)
	}
	return s
}

func slowNormIfSpace(s string) string {
	for _, r := range s {
		if unicode.IsSpace(r) {
			return slowNorm(s)
		}
	}
	// ASCII part may still need work; recheck without the non-ASCII shortcut.
	if strings.Contains(s, "  ") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return slowNorm(s)
	}
	return s
}

func slowNorm(s string) string { return strings.Join(strings.Fields(s), " ") }

// lineKind is what one trimmed line of the Markdown form is.
type lineKind uint8

const (
	lText lineKind = iota
	lBlank
	lHeading
	lBullet
	lTable
)

// classify reads one trimmed line. Headings are ATX ('#' to '######') or,
// for pages written without markup, a line that is one of the layout's
// heading names (level 2 or 3). The same function decides what Render must
// escape, so a field can never be read back as structure.
func classify(t string) (k lineKind, level int, text string) {
	if t == "" {
		return lBlank, 0, ""
	}
	switch c := t[0]; {
	case c == '#':
		n := 0
		for n < len(t) && t[n] == '#' {
			n++
		}
		if n <= 6 && (n == len(t) || t[n] == ' ' || t[n] == '\t') {
			return lHeading, n, strings.TrimSpace(t[n:])
		}
	case c == '-' || c == '*' || c == '+':
		if len(t) == 1 || t[1] == ' ' || t[1] == '\t' {
			return lBullet, 0, strings.TrimSpace(t[1:])
		}
	case c == '|':
		return lTable, 0, t
	case c >= '0' && c <= '9':
		if n := orderedMarker(t); n > 0 {
			return lBullet, 0, strings.TrimSpace(t[n:])
		}
	}
	if lvl := knownLevel(t); lvl > 0 {
		return lHeading, lvl, t
	}
	return lText, 0, t
}

// orderedMarker returns the length of an ordered-list marker ("12." or "3)")
// at the start of t, or 0.
func orderedMarker(t string) int {
	n := 0
	for n < len(t) && n < 10 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n == 0 || n > 9 || n >= len(t) || (t[n] != '.' && t[n] != ')') {
		return 0
	}
	if n+1 == len(t) || t[n+1] == ' ' || t[n+1] == '\t' {
		return n + 1
	}
	return 0
}

// orderedEscaped reports whether t starts "12\." — an escaped list marker.
func orderedEscaped(t string) bool {
	n := 0
	for n < len(t) && n < 10 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n == 0 || n > 9 || n+1 >= len(t) || t[n] != '\\' {
		return false
	}
	return orderedMarker(t[:n]+t[n+1:]) > 0
}

// escapeLine makes a one-line field safe to start a line: it will be read
// back as text and unescapeLine returns the field. The escapes are Markdown's
// own backslash escapes, so the HTML shows the field as written.
func escapeLine(s string) string {
	k, _, _ := classify(s)
	switch {
	case k == lBullet && s[0] >= '0' && s[0] <= '9':
		n := orderedMarker(s) - 1
		return s[:n] + `\` + s[n:]
	case k != lText && k != lBlank:
		return `\` + s
	case unescapeLine(s) != s:
		return `\` + s
	}
	return s
}

// unescapeLine undoes escapeLine on the first line of a paragraph.
func unescapeLine(t string) string {
	if len(t) > 1 && t[0] == '\\' {
		r := t[1:]
		if r[0] == '\\' || orderedEscaped(r) {
			return r
		}
		if k, _, _ := classify(r); k != lText && k != lBlank {
			return r
		}
		return t
	}
	if orderedEscaped(t) {
		i := strings.IndexByte(t, '\\')
		return t[:i] + t[i+1:]
	}
	return t
}

// isBold reports whether a whole line is one bold span: the full-name line.
func isBold(t string) bool {
	return len(t) >= 4 && strings.HasPrefix(t, "**") && strings.HasSuffix(t, "**")
}

// escapeTagline guards a tagline that would read as the bold full-name line.
func escapeTagline(s string) string {
	if isBold(strings.TrimLeft(s, `\`)) {
		s = `\` + s
	}
	return escapeLine(s)
}

func unescapeTagline(t string) string {
	t = unescapeLine(t)
	if strings.HasPrefix(t, `\`) && isBold(strings.TrimLeft(t, `\`)) {
		return t[1:]
	}
	return t
}

// known heading names of the layout, by normName, and their level.
var knownHeadings = map[string]int{
	"quick verdict":              2,
	"key differences":            2,
	"how they relate":            2,
	"frequently asked questions": 2,
	"faq":                        2,
	"faqs":                       2,
	"detailed analysis":          2,
	"key features":               3,
	"what it is":                 3,
	"key components":             3,
	"why organizations use it":   3,
	"why organisations use it":   3,
	"implementation overview":    3,
	"implementation":             3,
}

const maxKnownLen = 40

// knownLevel recognises a bare heading line: one of the layout's names,
// written without '#', perhaps with a colon. (A bold line is never one: it
// is the full-name line, and a full name may be any words.)
func knownLevel(t string) int {
	if len(t) > maxKnownLen || len(t) < 3 {
		return 0
	}
	if c := t[0]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return 0
	}
	var buf [maxKnownLen]byte
	return knownHeadings[string(normNameInto(buf[:0], t))]
}

// normName is a heading's matching key: lowercase letters and digits, every
// other run of characters one space. "ISO/IEC 27032" → "iso iec 27032".
func normName(s string) string { return string(normNameInto(make([]byte, 0, len(s)), s)) }

func normNameInto(b []byte, s string) []byte {
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= utf8.RuneSelf:
			// keep non-ASCII letters as they are; names are mostly ASCII
		default:
			space = len(b) > 0
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = append(b, c)
	}
	return b
}

// yamlScalar writes a front-matter value: plain when that reads back the
// same, else double-quoted (Go escapes are a subset of YAML's).
func yamlScalar(s string, inList bool) string {
	if plainOK(s, inList) {
		return s
	}
	return strconv.Quote(s)
}

func plainOK(s string, inList bool) bool {
	if s == "" || s != strings.TrimSpace(s) {
		return false
	}
	c := s[0]
	if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '(') {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return false
	}
	if inList && strings.ContainsAny(s, ",[]{}") {
		return false
	}
	switch strings.ToLower(s) {
	case "null", "true", "false", "yes", "no", "on", "off", "y", "n":
		return false
	}
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f || !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// yamlValue reads a front-matter scalar: double-quoted, single-quoted or plain.
func yamlValue(v string) (string, bool) {
	v = strings.TrimSpace(v)
	switch {
	case strings.HasPrefix(v, `"`):
		end := closingQuote(v)
		if end < 0 {
			return v, false
		}
		s, err := strconv.Unquote(v[:end+1])
		if err != nil {
			return v, false
		}
		return s, true
	case strings.HasPrefix(v, "'"):
		for i := 1; i < len(v); i++ {
			if v[i] == '\'' {
				if i+1 < len(v) && v[i+1] == '\'' {
					i++
					continue
				}
				return strings.ReplaceAll(v[1:i], "''", "'"), true
			}
		}
		return v, false
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	if v == "~" || strings.EqualFold(v, "null") {
		return "", true
	}
	return v, true
}

func closingQuote(v string) int {
	for i := 1; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// yamlList reads a flow list "[a, b]".
func yamlList(v string) ([]string, bool) {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "[") {
		return nil, false
	}
	var out []string
	i := 1
	for i < len(v) {
		for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
			i++
		}
		if i < len(v) && v[i] == ']' {
			return out, true
		}
		var item string
		switch {
		case i < len(v) && v[i] == '"':
			end := closingQuote(v[i:])
			if end < 0 {
				return out, false
			}
			s, err := strconv.Unquote(v[i : i+end+1])
			if err != nil {
				return out, false
			}
			item, i = s, i+end+1
		case i < len(v) && v[i] == '\'':
			j := strings.IndexByte(v[i+1:], '\'')
			if j < 0 {
				return out, false
			}
			item, i = v[i+1:i+1+j], i+j+2
		default:
			j := i
			for j < len(v) && v[j] != ',' && v[j] != ']' {
				j++
			}
			item, i = strings.TrimSpace(v[i:j]), j
		}
		out = append(out, item)
		for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
			i++
		}
		if i < len(v) && v[i] == ',' {
			i++
			continue
		}
		if i < len(v) && v[i] == ']' {
			return out, true
		}
		return out, false
	}
	return out, false
}
