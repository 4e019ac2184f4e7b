package profile

import (
	"strings"
	"unicode/utf8"
)

// Mention is one place where a text names a standard.
type Mention struct {
	Profile *Profile
	Name    string // the words as written in the text
	Offset  int    // byte offset of Name in the text
}

// FindMentions returns, in order of appearance, every standard a text names by
// any of its names. Matching ignores case and punctuation, takes the longest
// name at each place ("ISO/IEC 27002" is one mention of ISO 27002, never also
// one of ISO 27001) and only counts whole words ("SOX" is not found in "SOXX").
// It tokenizes once and walks tokens against a prefix table built with the
// Set, so its cost grows with the text, not with the number of names.
func (s *Set) FindMentions(text string) []Mention {
	spans := tokenSpans(text, make([][2]int, 0, len(text)/5+1))
	var out []Mention
	buf := make([]byte, 0, 64)
	for i := 0; i < len(spans); {
		if !boundaryBefore(text, spans[i][0]) {
			i++
			continue
		}
		buf = buf[:0]
		best, bestEnd := (*Profile)(nil), -1
		for j := i; j < len(spans); j++ {
			buf = appendLower(buf, text[spans[j][0]:spans[j][1]])
			if _, ok := s.prefixes[string(buf)]; !ok {
				break
			}
			if p, ok := s.byKey[string(buf)]; ok && boundaryAfter(text, spans[j][1]) {
				best, bestEnd = p, j
			}
		}
		if best == nil {
			i++
			continue
		}
		out = append(out, Mention{Profile: best, Name: text[spans[i][0]:spans[bestEnd][1]], Offset: spans[i][0]})
		i = bestEnd + 1
	}
	return out
}

// tokenSpans is tokenize without the lowercased copies, for the hot path.
func tokenSpans(s string, spans [][2]int) [][2]int {
	start, cur := -1, classOther
	for i, r := range s {
		var c runeClass
		if r < utf8.RuneSelf {
			switch {
			case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
				c = classLetter
			case r >= '0' && r <= '9':
				c = classDigit
			}
		} else {
			c = classOf(r)
		}
		if c != cur {
			if start >= 0 {
				spans = append(spans, [2]int{start, i})
			}
			start = -1
			if c != classOther {
				start = i
			}
			cur = c
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, len(s)})
	}
	return spans
}

// appendLower appends the lowercase form of w, as tokenize would produce it.
func appendLower(buf []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return append(buf, strings.ToLower(w)...)
		}
	}
	for i := 0; i < len(w); i++ {
		b := w[i]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		buf = append(buf, b)
	}
	return buf
}

// boundaryBefore reports whether a match may start at off: the token must not
// be glued to a letter or digit before it ("2GDPR" is not GDPR).
func boundaryBefore(text string, off int) bool {
	if off == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:off])
	return classOf(r) == classOther
}

// boundaryAfter reports whether a match may end at off ("COBIT5" is not COBIT).
func boundaryAfter(text string, off int) bool {
	if off >= len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[off:])
	return classOf(r) == classOther
}
