package profile

import "strings"

// RelationKind is how one standard stands to another. A relation is read from
// the profile that holds it: "<this standard> <kind> <With>". Every directed
// kind has an inverse, held by the other standard's profile, so that a pair's
// relations read the same from either side.
type RelationKind string

const (
	// RelBuiltOn: this standard is built on or derived from With
	// (FedRAMP baselines from NIST SP 800-53). Inverse: RelBasisFor.
	RelBuiltOn  RelationKind = "built-on"
	RelBasisFor RelationKind = "basis-for"
	// RelAssessedAgainst: this standard's assessments check conformity to With
	// (CMMC Level 2 against NIST SP 800-171 Rev. 2). Inverse: RelAssessedBy.
	RelAssessedAgainst RelationKind = "assessed-against"
	RelAssessedBy      RelationKind = "assessed-by"
	// RelGuidanceFor: this standard is guidance for implementing With
	// (ISO 27002 for ISO 27001's Annex A). Inverse: RelGuidedBy.
	RelGuidanceFor RelationKind = "guidance-for"
	RelGuidedBy    RelationKind = "guided-by"
	// RelExtends: this standard extends With or builds its management system
	// on it (ISO 27701 on ISO 27001). Inverse: RelExtendedBy.
	RelExtends    RelationKind = "extends"
	RelExtendedBy RelationKind = "extended-by"
	// RelTakesPrecedence: where both apply, this standard prevails over With
	// (DORA over NIS2 for financial entities). Inverse: RelYieldsTo.
	RelTakesPrecedence RelationKind = "takes-precedence-over"
	RelYieldsTo        RelationKind = "yields-to"
	// RelSupportsEvidence: this standard helps evidence With without proving
	// compliance with it (ISO 27701 for GDPR accountability). Inverse:
	// RelEvidencedBy.
	RelSupportsEvidence RelationKind = "supports-evidence-for"
	RelEvidencedBy      RelationKind = "evidenced-by"
	// RelSupersedes: this standard replaces With (an edition or a scheme).
	// Inverse: RelSupersededBy.
	RelSupersedes   RelationKind = "supersedes"
	RelSupersededBy RelationKind = "superseded-by"
	// RelAlternative: the two are alternative routes to a similar goal
	// (ISO 27001 certification and a SOC 2 report). Its own inverse.
	RelAlternative RelationKind = "alternative-to"
)

var inverses = map[RelationKind]RelationKind{
	RelBuiltOn: RelBasisFor, RelBasisFor: RelBuiltOn,
	RelAssessedAgainst: RelAssessedBy, RelAssessedBy: RelAssessedAgainst,
	RelGuidanceFor: RelGuidedBy, RelGuidedBy: RelGuidanceFor,
	RelExtends: RelExtendedBy, RelExtendedBy: RelExtends,
	RelTakesPrecedence: RelYieldsTo, RelYieldsTo: RelTakesPrecedence,
	RelSupportsEvidence: RelEvidencedBy, RelEvidencedBy: RelSupportsEvidence,
	RelSupersedes: RelSupersededBy, RelSupersededBy: RelSupersedes,
	RelAlternative: RelAlternative,
}

// RelationKinds lists every known kind.
func RelationKinds() []RelationKind {
	out := make([]RelationKind, 0, len(inverses))
	for k := range inverses {
		out = append(out, k)
	}
	return out
}

// Valid reports whether k is a known kind.
func (k RelationKind) Valid() bool { _, ok := inverses[k]; return ok }

// Inverse is the kind the other standard's profile holds for the same relation.
func (k RelationKind) Inverse() RelationKind { return inverses[k] }

// Relation is one curated, sourced fact about how this standard stands to
// another. Fact is one plain sentence a page may state as it is.
type Relation struct {
	With   string       `yaml:"with" json:"with"` // the other standard's profile id
	Kind   RelationKind `yaml:"kind" json:"kind"`
	Fact   string       `yaml:"fact" json:"fact"`
	Scope  string       `yaml:"scope,omitempty" json:"scope,omitempty"` // for whom or where it holds, e.g. "financial entities"; empty: always
	Source Source       `yaml:"source" json:"source"`
	Line   int          `yaml:"-" json:"-"` // line in the profile file, for findings
}

// Relations returns the relations on file between a and b, read from a's
// side: those a's profile holds about b, and the inverses of those b's
// profile holds about a that a's profile does not already state.
func (s *Set) Relations(a, b string) []Relation {
	pa, okA := s.byID[a]
	pb, okB := s.byID[b]
	if !okA || !okB {
		return nil
	}
	return Between(pa, pb)
}

// Between is Set.Relations for two profiles in hand. Load refuses a relation
// that the other side does not hold, so the two profiles of a pair carry all
// that is known about it; callers that hold no Set (the composer) use this.
func Between(pa, pb *Profile) []Relation {
	if pa == nil || pb == nil {
		return nil
	}
	a, b := pa.ID, pb.ID
	var out []Relation
	seen := map[RelationKind]bool{}
	for _, r := range pa.Relations {
		if r.With == b {
			out = append(out, r)
			seen[r.Kind] = true
		}
	}
	for _, r := range pb.Relations {
		if r.With == a && !seen[r.Kind.Inverse()] {
			inv := r
			inv.With, inv.Kind = b, r.Kind.Inverse()
			out = append(out, inv)
		}
	}
	return out
}

// DropRelations removes from a profile file's text the relations whose
// other standard keep refuses, and the `relations:` line when none is left,
// so that a subset of the profiles written to a folder (for tests and the
// bench) loads clean. It reads the layout the shipped profiles use: a block
// list whose entries start with "  - with: <id>".
func DropRelations(data []byte, keep func(id string) bool) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	var out, block []string
	in, kept, drop := false, 0, false
	flush := func() {
		if kept > 0 {
			out = append(out, block...)
		}
		block, in = nil, false
	}
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "relations:"):
			in, kept, block = true, 0, []string{l}
			continue
		case in && (strings.HasPrefix(l, "  ") || strings.TrimSpace(l) == ""):
			if id, ok := strings.CutPrefix(l, "  - with: "); ok {
				drop = !keep(strings.TrimSpace(id))
				if !drop {
					kept++
				}
			}
			if !drop {
				block = append(block, l)
			}
			continue
		case in:
			flush()
		}
		out = append(out, l)
	}
	if in {
		flush()
	}
	return []byte(strings.Join(out, ""))
}
