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
	add(gSelfRef, "generated", "written", "produced", "created", "drafted", "compiled", "assembled")
	add(gMadeBy, "generated", "generation", "auto", "written", "produced", "created", "drafted", "knowledge", "training",
		"request", "requested", "asked", "prompt", "instructions")
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
	return m
}()

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
		j := i + 1
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		w := s[i:j]
		g |= gateWords[w]
		if pairs != nil {
			g |= pairs[w]
		}
		pairs = gatePairs[w]
		i = j
	}
	f.gateBits = g
	return g
}
