package validate

import "fmt"

// repetition reports a sentence that appears twice in the given fields,
// compared after lowercasing and dropping punctuation and markup. Short
// sentences (fewer than repeatMinWords words) are left alone.
func (c *checker) repetition(fs []*field) {
	type seen struct {
		f *field
	}
	first := make(map[uint64]seen, 64)
	for _, f := range fs {
		for _, sp := range sentences(f.text) {
			norm, words := normHash(f.text[sp.start:sp.end])
			if words < repeatMinWords {
				continue
			}
			prev, dup := first[norm]
			if !dup {
				first[norm] = seen{f}
				continue
			}
			where := "earlier in " + prev.f.section
			if prev.f == f {
				where = "earlier in the same text"
			}
			c.at(RuleRepeatedSentence, f, sp.start, fmt.Sprintf("this sentence appears %s: %q", where, clip(f.text[sp.start:sp.end], 60)))
		}
	}
}

// normHash is a 64-bit FNV-1a hash of normSentence(s) and its word count,
// computed without building the string.
func normHash(s string) (uint64, int) {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	words, inWord := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) {
			inWord = false
			continue
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if !inWord {
			if words > 0 {
				h = (h ^ ' ') * prime
			}
			words++
			inWord = true
		}
		h = (h ^ uint64(c)) * prime
	}
	return h, words
}
