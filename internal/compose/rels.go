package compose

import (
	"strings"

	"github.com/versus-dev/versus/internal/profile"
)

// rel is one relation of the pair in its active reading: x <kind> y, where
// kind is never an inverse ("yields-to" is read as y takes precedence over x).
type rel struct {
	kind  profile.RelationKind
	x, y  facts
	scope string // for whom it holds; empty: always
}

// active maps each inverse kind to the kind it is read as, the sides swapped.
var active = map[profile.RelationKind]profile.RelationKind{
	profile.RelBasisFor:     profile.RelBuiltOn,
	profile.RelAssessedBy:   profile.RelAssessedAgainst,
	profile.RelGuidedBy:     profile.RelGuidanceFor,
	profile.RelExtendedBy:   profile.RelExtends,
	profile.RelYieldsTo:     profile.RelTakesPrecedence,
	profile.RelEvidencedBy:  profile.RelSupportsEvidence,
	profile.RelSupersededBy: profile.RelSupersedes,
}

// relOrder ranks kinds by how much they change the advice a page gives:
// the first relation of a pair leads its verdict and FAQ.
var relOrder = []profile.RelationKind{
	profile.RelTakesPrecedence, profile.RelSupersedes, profile.RelAssessedAgainst, profile.RelBuiltOn,
	profile.RelExtends, profile.RelGuidanceFor, profile.RelSupportsEvidence, profile.RelAlternative,
}

// relsOf reads the pair's relations (from a's side, as the Set gives them)
// into their active form, ordered by relOrder.
func relsOf(a, b *profile.Profile, fa, fb facts) []rel {
	var out []rel
	for _, k := range relOrder {
		for _, r := range profile.Between(a, b) {
			x, y, kind := fa, fb, r.Kind
			if act, inv := active[r.Kind]; inv {
				x, y, kind = fb, fa, act
			}
			if kind == k {
				out = append(out, rel{kind: kind, x: x, y: y, scope: clause(r.Scope)})
			}
		}
	}
	return out
}

// rep fills a relation template: {x} and {y} are the two sides' names,
// {sx}/{sy} their scopes, {inx}/{iny} their industries, {scope} the scope.
func (r rel) fill(tmpl string) string {
	tmpl = inflect(tmpl, map[string]noun{"x": r.x.noun, "y": r.y.noun})
	return strings.NewReplacer(
		"{anx}", withArticle(r.x.bare), "{x}", r.x.name, "{y}", r.y.name, "{x0}", r.x.bare, "{y0}", r.y.bare, "{sx}", r.x.scope, "{sy}", r.y.scope,
		"{inx}", r.x.industries, "{iny}", r.y.industries, "{tx}", r.x.testing, "{ty}", r.y.testing,
		"{ey}", checks(r.y), "{ox}", r.x.topic, "{oy}", r.y.topic, "{kx}", r.x.kind, "{ky}", r.y.kind, "{scope}", r.scope, "{Scope}", capFirst(r.scope), "{forScope}", r.forScope(),
		"{jx}", r.x.reach, "{jy}", r.y.reach, "{rx}", result(r.x), "{ry}", result(r.y),
		"{fx}", r.x.forWhom, "{fy}", r.y.forWhom, "{wx}", r.x.who, "{wy}", r.y.who, "{px}", r.x.penalties, "{py}", r.y.penalties,
	).Replace(tmpl)
}

func (r rel) fills(tmpls ...string) []string {
	out := make([]string, len(tmpls))
	for i, t := range tmpls {
		out[i] = r.fill(t)
	}
	return out
}

// checks is how f is checked, for a sentence that sets two regimes side
// by side: without a certification remark of a standard that is not
// certifiable ("Article 42 certification covers specific processing
// operations, …" is a clause, not a regime, in GDPR's brackets).
func checks(f facts) string {
	if f.certify {
		return f.testing
	}
	var kept []string
	for _, p := range strings.Split(f.testingRaw, "; ") {
		// A law's "no certification" goes without saying.
		if l := strings.ToLower(p); strings.Contains(l, "certif") && (f.law || !strings.HasPrefix(l, "no ")) {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == 0 {
		return f.testing
	}
	return listed(clause(strings.Join(kept, "; ")))
}

// forScope is " for <scope>" or "".
func (r rel) forScope() string {
	if r.scope == "" {
		return ""
	}
	return " for " + r.scope
}

// result is what an organization ends up holding.
func result(f facts) string {
	switch {
	case f.certify:
		return "a certificate"
	case f.report:
		return "an examiner's report"
	case f.law:
		return "compliance a regulator may check"
	}
	return "an assessment with no certificate"
}
