package validate

import (
	"fmt"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/profile"
)

// relClaim is the sort of relation a sentence asserts between two standards.
type relClaim int

const (
	relReplaces    relClaim = iota // A replaces / supersedes B
	relBasedOn                     // A is based on / built on / derived from / a subset of B
	relProves                      // A proves compliance with B
	relPrecedence                  // A takes precedence over B
	relIndependent                 // A and B each apply on their own terms
)

// relPatterns are the relation claims, as word patterns (see wordPattern):
// matching words, not bytes, keeps them off the regexp engine.
var relPatterns = []struct {
	gate    uint32 // a trigger word or pair the field must hold
	pats    []wordPattern
	claim   relClaim
	passive bool // "B is replaced by A": the standard before is the object
}{
	{gReplace, compilePatterns("replaces", "replace", "will replace", "supersedes", "supersede", "has replaced", "has superseded"), relReplaces, false},
	{gReplace, compilePatterns("is|are|was|were|will replaced|superseded by", "has|have|will been|be replaced|superseded by"), relReplaces, true},
	{gBased, compilePatterns("is|are based|built|derived on|upon|from", "is|are a|an subset|extension of", "builds|build on", "derives from", "extends"), relBasedOn, false},
	{gProves, compilePatterns("prove|proves|guarantee|guarantees|certify|certifies * * * compliance", "is proof of", "amounts to",
		"make|makes you|organizations|companies|organisations compliant with", "make|makes an|a organization|company|organisation compliant with",
		"make|makes you|organizations|companies|organisations fully|automatically compliant with"), relProves, false},
	{gPrecedence, compilePatterns("take|takes|taking precedence over", "prevail|prevails|override|overrides over", "overrides"), relPrecedence, false},
	// "checked on its own terms" speaks of an assessment regime, not of independence.
	{gIndependent, compilePatterns("apply in full", "met|satisfied|apply|applies|handled on its|their own terms",
		"meet|satisfy|treat|handle * on its|their own terms", "independently of each|one other|another", "are independent of each other",
		"are completely|entirely independent of each other"), relIndependent, false},
}

// wordPattern is a sequence of word slots: each slot lists the words it
// accepts; an empty slot ("*") takes any one word, and matching may end a
// "*" run early ("prove * * * compliance" takes zero to three words).
type wordPattern [][]string

func compilePatterns(ps ...string) []wordPattern {
	var out []wordPattern
	for _, p := range ps {
		var wp wordPattern
		for _, slot := range strings.Fields(p) {
			if slot == "*" {
				wp = append(wp, nil)
				continue
			}
			wp = append(wp, strings.Split(slot, "|"))
		}
		out = append(out, wp)
	}
	return out
}

// match returns the index after the last word of a match starting at
// ws[k], or -1. Words must follow each other within one clause.
func (wp wordPattern) match(f *field, ws []word, k int) int {
	return wp.matchFrom(f, ws, k, 0)
}

func (wp wordPattern) matchFrom(f *field, ws []word, k, slot int) int {
	if slot == len(wp) {
		return k
	}
	if k >= len(ws) || slot > 0 && strings.ContainsAny(f.lower[ws[k-1].end:ws[k].start], ".;:!?()") {
		return -1
	}
	if wp[slot] == nil { // any word, or none
		if end := wp.matchFrom(f, ws, k, slot+1); end >= 0 {
			return end
		}
		return wp.matchFrom(f, ws, k+1, slot+1)
	}
	for _, w := range wp[slot] {
		if ws[k].text == w {
			return wp.matchFrom(f, ws, k+1, slot+1)
		}
	}
	return -1
}

// structuralKinds are relations under which two standards do not each
// apply on their own terms.
var structuralKinds = map[profile.RelationKind]bool{
	profile.RelTakesPrecedence: true, profile.RelYieldsTo: true, profile.RelBuiltOn: true, profile.RelBasisFor: true,
	profile.RelAssessedAgainst: true, profile.RelAssessedBy: true, profile.RelExtends: true, profile.RelExtendedBy: true,
	profile.RelSupersedes: true, profile.RelSupersededBy: true, profile.RelGuidanceFor: true, profile.RelGuidedBy: true,
}

// relations checks relation claims against the typed relations on file: a
// contradiction is an error; a claim about a pair with no relation on file
// is a warning.
func (c *checker) relations(f *field) {
	if c.set == nil {
		return
	}
	for _, rp := range relPatterns {
		if f.gates()&rp.gate == 0 {
			continue
		}
		for _, loc := range matchWords(f, rp.pats) {
			if f.inQuestion(loc[0]) || c.reported(f, loc[0]) || negatedBefore(f.lower, loc[0]) {
				continue
			}
			a, b := c.relEnds(f, loc[0], loc[1], rp.claim)
			if a == nil || b == nil || a == b {
				continue
			}
			if rp.passive {
				a, b = b, a
			}
			if historical(f, loc[0]) && rp.claim != relReplaces {
				continue
			}
			if c.checkRelation(f, loc[0], rp.claim, a, b) {
				return
			}
		}
	}
}

// matchWords returns the byte spans where any of pats matches f's words.
func matchWords(f *field, pats []wordPattern) [][2]int {
	ws := f.words()
	var out [][2]int
	for k := range ws {
		for _, p := range pats {
			if end := p.match(f, ws, k); end > k {
				out = append(out, [2]int{ws[k].start, ws[end-1].end})
				break
			}
		}
	}
	return out
}

// relEnds finds the two standards a relation claim joins: the one named
// before it in the clause and the one named after it in the sentence; for
// claims about both ("both apply in full"), two standards named in the
// sentence or the page's pair.
func (c *checker) relEnds(f *field, from, to int, claim relClaim) (a, b *profile.Profile) {
	sent := f.sentenceAt(from)
	var before, after []*profile.Profile
	for _, m := range c.mentions(f) {
		if m.Profile == nil || m.Offset < sent.start || m.Offset >= sent.end {
			continue
		}
		if m.Offset+len(m.Name) <= from {
			before = append(before, m.Profile)
		} else if m.Offset > from {
			after = append(after, m.Profile)
		}
	}
	if claim == relIndependent {
		all := append(append([]*profile.Profile(nil), before...), after...)
		for _, p := range all {
			if a == nil {
				a = p
			} else if p != a && b == nil {
				b = p
			}
		}
		if b == nil {
			a, b = c.stds[0], c.stds[1]
		}
		return a, b
	}
	if len(before) > 0 {
		a = before[len(before)-1]
		if p, ok := c.subjectOf(f, from); ok && p != nil {
			for _, q := range before {
				if q == p {
					a = p
				}
			}
		}
	}
	if len(after) > 0 {
		b = after[0]
	}
	if a == nil && b != nil && f.subject != nil {
		a = f.subject
	}
	return a, b
}

// checkRelation reports whether it found a problem with "A <claim> B".
func (c *checker) checkRelation(f *field, off int, claim relClaim, a, b *profile.Profile) bool {
	rels := c.set.Relations(a.ID, b.ID)
	has := map[profile.RelationKind]bool{}
	for _, r := range rels {
		has[r.Kind] = true
	}
	quote := clip(f.text[f.sentenceAt(off).start:], 60)
	onFile := func() string {
		var fs []string
		for _, r := range rels {
			fs = append(fs, strings.TrimSuffix(r.Fact, "."))
		}
		return strings.Join(fs, "; ")
	}
	var ok bool
	switch claim {
	case relReplaces:
		ok = has[profile.RelSupersedes]
	case relBasedOn:
		ok = has[profile.RelBuiltOn] || has[profile.RelExtends] || has[profile.RelAssessedAgainst]
	case relProves:
		ok = len(rels) > 0 && !has[profile.RelSupportsEvidence] && !has[profile.RelAlternative] && !has[profile.RelEvidencedBy]
	case relPrecedence:
		ok = has[profile.RelTakesPrecedence]
	case relIndependent:
		ok = true
		for k := range has {
			if structuralKinds[k] {
				ok = false
			}
		}
		if ok {
			return false // unrelated pairs do apply on their own terms
		}
	}
	if ok {
		return false
	}
	if len(rels) == 0 {
		c.emit(RuleRelation, finding.Warning, f.section, f.path, lineDelta(f.text, off),
			fmt.Sprintf("claims a relation between %s and %s, but none is on file: %q", a.ShortName, b.ShortName, quote), "")
		return true
	}
	c.at(RuleRelation, f, off, fmt.Sprintf("contradicts the relation on file between %s and %s (%s): %q", a.ShortName, b.ShortName, onFile(), quote))
	return true
}
