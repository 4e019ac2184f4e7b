package validate

import "strings"

// lowerASCII lowercases ASCII letters only, so that byte offsets in the
// result are offsets in the original text too.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// indexWord finds needle in s from start where it is not part of a longer
// word on either side. needle's own first and last bytes decide whether a
// boundary is needed ("[insert" needs none before its "[").
func indexWord(s, needle string, start int) int {
	for start <= len(s)-len(needle) {
		i := strings.Index(s[start:], needle)
		if i < 0 {
			return -1
		}
		i += start
		end := i + len(needle)
		okL := i == 0 || !isAlnum(needle[0]) || !isAlnum(s[i-1])
		okR := end == len(s) || !isAlnum(needle[len(needle)-1]) || !isAlnum(s[end])
		if okL && okR {
			return i
		}
		start = i + 1
	}
	return -1
}

// countWords counts whitespace-separated tokens that hold a letter or digit,
// so a dash between words is not a word.
func countWords(s string) int {
	n, in, real := 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			if in && real {
				n++
			}
			in, real = false, false
			continue
		}
		in = true
		if isAlnum(c) {
			real = true
		}
	}
	if in && real {
		n++
	}
	return n
}

// span is a byte range [start, end) of a text.
type span struct{ start, end int }

// sentences splits text at '.', '!' or '?' followed by a space and a
// capital letter, digit or '*', or at a line break. "e.g. this" and "4.0.1"
// stay whole.
func sentences(s string) []span {
	var out []span
	start := 0
	flush := func(end int) {
		a, b := start, end
		for a < b && (s[a] == ' ' || s[a] == '\n' || s[a] == '\t') {
			a++
		}
		for b > a && (s[b-1] == ' ' || s[b-1] == '\n' || s[b-1] == '\t') {
			b--
		}
		if a < b {
			out = append(out, span{a, b})
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			flush(i)
			start = i + 1
			continue
		}
		if (c == '.' || c == '!' || c == '?') && i+2 < len(s) && s[i+1] == ' ' {
			n := s[i+2]
			if n >= 'A' && n <= 'Z' || isDigit(n) || n == '*' || n == '"' {
				flush(i + 1)
				start = i + 1
			}
		}
	}
	flush(len(s))
	return out
}

// normSentence reduces a sentence to lowercase words separated by single
// spaces, for comparing sentences regardless of punctuation and markup.
func normSentence(s string) (string, int) {
	var b strings.Builder
	b.Grow(len(s))
	words, inWord := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if !inWord {
				if words > 0 {
					b.WriteByte(' ')
				}
				words++
				inWord = true
			}
			b.WriteByte(c)
			continue
		}
		inWord = false
	}
	return b.String(), words
}

// clip shortens s for quoting in a message.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

// lineDelta is the number of line breaks in s before offset.
func lineDelta(s string, offset int) int {
	if offset > len(s) {
		offset = len(s)
	}
	return strings.Count(s[:offset], "\n")
}

// plainLower is lowerASCII with emphasis markers ('*', '_') turned into
// spaces, so that "is **not** mandatory" reads as "is not mandatory" while
// byte offsets stay those of the original text.
func plainLower(s string) string {
	l := lowerASCII(s)
	if strings.IndexByte(l, '*') < 0 && strings.IndexByte(l, '_') < 0 {
		return l
	}
	b := []byte(l)
	for i, c := range b {
		if c == '*' || c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}

// squeeze collapses runs of spaces, for matching short windows of plain text.
func squeeze(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
