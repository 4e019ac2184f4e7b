package profile

import (
	"strconv"
	"strings"
	"unicode"
)

// token is one maximal run of letters or of digits in a text, lowercased.
// Splitting letters from digits makes "ISO27001", "ISO 27001" and "iso-27001"
// the same token sequence, so every spelling meets in one map key.
type token struct {
	norm       string
	start, end int // byte offsets in the original text
}

type runeClass int

const (
	classOther runeClass = iota
	classLetter
	classDigit
)

func classOf(r rune) runeClass {
	switch {
	case unicode.IsLetter(r):
		return classLetter
	case unicode.IsDigit(r):
		return classDigit
	}
	return classOther
}

// tokenize splits s into letter runs and digit runs; everything else separates.
func tokenize(s string) []token {
	var toks []token
	start, cur := -1, classOther
	flush := func(end int) {
		if start >= 0 {
			toks = append(toks, token{norm: strings.ToLower(s[start:end]), start: start, end: end})
		}
		start = -1
	}
	for i, r := range s {
		c := classOf(r)
		if c != cur {
			flush(i)
			if c != classOther {
				start = i
			}
			cur = c
		}
	}
	flush(len(s))
	return toks
}

// Normalize maps a standard's name to its lookup key: lowercase letters and
// digits only, so case, spaces and punctuation never matter
// ("ISO/IEC 27032" → "isoiec27032", "iso-27032" → "iso27032").
func Normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		if classOf(r) != classOther {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Names returns every name a profile can be called by: short name, full name,
// id and aliases, without duplicates, in that order.
func Names(p *Profile) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			return
		}
		seen[s] = true
		out = append(out, s)
	}
	add(p.ShortName)
	add(p.Name)
	add(p.ID)
	for _, a := range p.Aliases {
		add(a)
	}
	return out
}

// editionMarkers are words that may precede an edition in a name
// ("NIST CSF version 2.0", "FedRAMP Rev 5", "PCI DSS v4.0.1").
var editionMarkers = map[string]bool{
	"v": true, "ver": true, "version": true, "rev": true, "revision": true,
	"r": true, "edition": true, "ed": true, "release": true,
}

// editionKeys are the normalized forms of a profile's edition a name may end
// with: the edition with and without its marker, and the year.
func editionKeys(p *Profile) []string {
	var keys []string
	if p.Year > 0 {
		keys = append(keys, strconv.Itoa(p.Year))
	}
	toks := tokenize(p.Edition)
	if len(toks) > 0 {
		keys = append(keys, joinTokens(toks))
		if editionMarkers[toks[0].norm] && len(toks) > 1 {
			keys = append(keys, joinTokens(toks[1:]))
		}
	}
	return keys
}

func joinTokens(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.norm)
	}
	return b.String()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
