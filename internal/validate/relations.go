package validate

import (
	"fmt"
	"regexp"
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

var relPatterns = []struct {
	gate    uint32 // a trigger word the text must hold for re to match (regexps are slow)
	re      *regexp.Regexp
	claim   relClaim
	passive bool // "B is replaced by A": the standard before is the object
}{
	{gReplace, regexp.MustCompile(`\b(?:replaces|replace|will replace|supersedes|supersede|has replaced|has superseded)\b`), relReplaces, false},
	{gReplace, regexp.MustCompile(`\b(?:is|are|has been|will be) (?:replaced|superseded) by\b`), relReplaces, true},
	{gBased, regexp.MustCompile(`\b(?:is|are) (?:based on|built on|built upon|derived from|a subset of|an extension of)\b|\b(?:builds on|build on|derives from|extends)\b`), relBasedOn, false},
	{gProves, regexp.MustCompile(`\b(?:proves?|guarantees?|certif(?:y|ies)|is proof of|amounts to)\b(?: [a-z0-9]+){0,3}? compliance\b`), relProves, false},
	{gProves, regexp.MustCompile(`\b(?:makes? (?:you|an organi[sz]ation|organi[sz]ations|a company|companies) (?:fully |automatically )?compliant with)\b`), relProves, false},
	{gPrecedence, regexp.MustCompile(`\b(?:takes?|taking) precedence over\b|\b(?:prevails?|overrides?) over\b|\boverrides\b`), relPrecedence, false},
	{gIndependent, regexp.MustCompile(`\bboth apply in full\b|\bapply in full\b|\bon (?:its|their) own terms\b|\bindependently of (?:each other|one another)\b|\bare (?:completely |entirely )?independent of each other\b`), relIndependent, false},
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
		for _, loc := range rp.re.FindAllStringIndex(f.lower, -1) {
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
