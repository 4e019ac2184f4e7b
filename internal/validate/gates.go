package validate

// Gates: each costly check (most are regexps) runs only on a field that
// holds one of its trigger words. The field's words are looked up once in
// one table, so the cost of gating is one map lookup per word, whatever
// the number of checks.
const (
	gReplace uint32 = 1 << iota
	gBased
	gProves
	gPrecedence
	gIndependent
	gRequired
	gIssuer
	gJur
	gMy
	gSelfRef
	gMadeBy
	gNumberWord // a number written as a word ("eight")
	gDigit      // a digit
)

var gateWords = func() map[string]uint32 {
	m := map[string]uint32{}
	add := func(g uint32, ws ...string) {
		for _, w := range ws {
			m[w] |= g
		}
	}
	add(gReplace, "replace", "replaces", "replaced", "supersede", "supersedes", "superseded")
	add(gBased, "extends")
	add(gProves, "prove", "proves", "guarantee", "guarantees", "certify", "certifies", "compliant")
	add(gPrecedence, "precedence", "prevail", "prevails", "override", "overrides")
	add(gIndependent, "independent", "independently")
	add(gRequired, "must")
	for _, j := range jurisdictions {
		for _, w := range j.words {
			for _, part := range splitWords(w) {
				add(gJur, part.text)
			}
		}
	}
	add(gMy, "my", "me", "myself")
	add(gMadeBy, "auto", "knowledge", "request", "requested", "asked", "prompt", "instructions")
	for w := range numberWords {
		add(gNumberWord, w)
	}
	return m
}()

// gatePairs are two-word triggers: first word, then second word.
var gatePairs = func() map[string]map[string]uint32 {
	m := map[string]map[string]uint32{}
	add := func(g uint32, first string, seconds ...string) {
		if m[first] == nil {
			m[first] = map[string]uint32{}
		}
		for _, s := range seconds {
			m[first][s] |= g
		}
	}
	add(gBased, "based", "on")
	add(gBased, "built", "on", "upon")
	add(gBased, "builds", "on")
	add(gBased, "build", "on")
	add(gBased, "derived", "from")
	add(gBased, "derives", "from")
	add(gBased, "subset", "of")
	add(gBased, "extension", "of")
	add(gProves, "proof", "of")
	add(gProves, "amounts", "to")
	add(gIndependent, "in", "full")
	add(gIndependent, "own", "terms")
	for _, w := range []string{"required", "obliged", "obligated", "mandated", "have", "has", "need", "needs"} {
		add(gRequired, w, "to")
	}
	for v := range issuerVerbs {
		add(gIssuer, v, "by")
	}
	add(gIssuer, "jointly", "by")
	for _, v := range []string{"generated", "written", "produced", "created", "drafted", "compiled", "assembled"} {
		add(gSelfRef, "was", v)
		add(gSelfRef, "is", v)
		add(gSelfRef, "been", v)
		add(gSelfRef, "were", v)
		add(gSelfRef, "automatically", v)
		add(gMadeBy, v, "by", "with", "using", "automatically")
	}
	add(gMadeBy, "training", "data")
	return m
}()

// gateFilter has a bit set for the hash of every word that begins a gate
// word or pair, so most words skip the map lookups.
var gateFilter = func() (bits [1 << 12 / 64]uint64) {
	set := func(w string) {
		h := wordHash(w)
		bits[h/64%uint64(len(bits))] |= 1 << (h % 64)
	}
	for w := range gateWords {
		set(w)
	}
	for w := range gatePairs {
		set(w)
	}
	return bits
}()

func wordHash(w string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint64(w[i])) * 1099511628211
	}
	return h % (1 << 12)
}

// gates returns the field's gate bits, computed once.
func (f *field) gates() uint32 {
	if f.gatesDone {
		return f.gateBits
	}
	f.gatesDone = true
	s := f.lower
	var g uint32
	var pairs map[string]uint32 // second words that complete a pair begun by the previous word
	for i := 0; i < len(s); {
		c := s[i]
		if isDigit(c) {
			g |= gDigit
			i++
			continue
		}
		if c < 'a' || c > 'z' {
			i++
			continue
		}
		h := (uint64(14695981039346656037) ^ uint64(c)) * 1099511628211
		j := i + 1
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			h = (h ^ uint64(s[j])) * 1099511628211
			j++
		}
		w := s[i:j]
		if pairs != nil {
			g |= pairs[w]
			pairs = nil
		}
		if h %= 1 << 12; gateFilter[h/64%uint64(len(gateFilter))]&(1<<(h%64)) != 0 {
			g |= gateWords[w]
			pairs = gatePairs[w]
		}
		i = j
	}
	f.gateBits = g
	return g
}
