package profile

import (
	"fmt"

	"github.com/versus-dev/versus/internal/finding"
)

// conflicts are kinds that cannot hold together between the same two
// standards, read from one side. A directed kind also conflicts with itself
// read from the other side (A built on B and B built on A); that case is
// found by comparing a kind with the inverse of the other.
var conflicts = map[RelationKind][]RelationKind{
	RelAlternative: {RelBuiltOn, RelBasisFor, RelExtends, RelExtendedBy, RelSupersedes, RelSupersededBy,
		RelAssessedAgainst, RelAssessedBy, RelGuidanceFor, RelGuidedBy},
	RelSupersedes:      {RelSupersededBy},
	RelTakesPrecedence: {RelYieldsTo},
}

// Conflict reports whether x and y, both read from a's side of the pair
// (a, b), contradict each other, and says why in those names.
func Conflict(a, b string, x, y RelationKind) (string, bool) {
	if x == y || !x.Valid() || !y.Valid() {
		return "", false
	}
	if x != RelAlternative && y == x.Inverse() {
		return fmt.Sprintf("%q and %q cannot both hold", a+" "+string(x)+" "+b, b+" "+string(x)+" "+a), true
	}
	for _, pair := range [][2]RelationKind{{x, y}, {y, x}} {
		for _, c := range conflicts[pair[0]] {
			if c == pair[1] {
				return fmt.Sprintf("%q contradicts %q", a+" "+string(x)+" "+b, a+" "+string(y)+" "+b), true
			}
		}
	}
	return "", false
}

// relationChecks are the cross-file rules for typed relations: the other
// standard exists, the kind is known, the other side holds the inverse, and
// no two relations between the same pair contradict each other.
func relationChecks(files []loaded, byID map[string]loaded) []finding.Finding {
	var out []finding.Finding
	add := func(f loaded, ptr, rule string, sev finding.Severity, msg, hint string) {
		out = append(out, finding.Finding{File: f.p.File, Line: f.loc.line(ptr), Field: fieldOf(ptr), Rule: rule, Severity: sev, Message: msg, Hint: hint})
	}
	for _, f := range files {
		seen := map[string]int{} // with + kind → index
		for i, r := range f.p.Relations {
			ptr := fmt.Sprintf("/relations/%d", i)
			if !r.Kind.Valid() {
				if r.Kind != "" { // an empty one is reported by the schema
					add(f, ptr+"/kind", "profile.relation-kind", finding.Error, fmt.Sprintf("unknown relation kind %q", r.Kind), "use one of the kinds in internal/profile/relation.go")
				}
				continue
			}
			key := r.With + "\x00" + string(r.Kind)
			if j, dup := seen[key]; dup {
				add(f, ptr, "profile.relation-duplicate", finding.Error, fmt.Sprintf("relation %s %s is already stated at relations[%d]", r.Kind, r.With, j), "keep one of them")
				continue
			}
			seen[key] = i
			other, ok := byID[r.With]
			switch {
			case r.With == f.p.ID:
				add(f, ptr+"/with", "profile.relation-self", finding.Error, "a standard cannot relate to itself", "remove it")
				continue
			case !ok:
				if r.With != "" {
					add(f, ptr+"/with", "profile.relation-unknown", finding.Error, fmt.Sprintf("relation to %q, which is not a profile", r.With), "use the id of a file in this folder")
				}
				continue
			}
			// The other side must hold the inverse, with the same scope.
			inv, found := -1, false
			for j, o := range other.p.Relations {
				if o.With == f.p.ID && o.Kind == r.Kind.Inverse() {
					inv, found = j, true
					break
				}
			}
			if !found {
				add(f, ptr+"/kind", "profile.relation-one-sided", finding.Error,
					fmt.Sprintf("%s says it is %s %s, but %s holds no %s relation to %s", f.p.ID, r.Kind, r.With, other.p.File, r.Kind.Inverse(), f.p.ID),
					fmt.Sprintf("add {with: %s, kind: %s} to %s with the same fact and source", f.p.ID, r.Kind.Inverse(), other.p.File))
				continue
			}
			if o := other.p.Relations[inv]; o.Scope != r.Scope {
				add(f, ptr+"/scope", "profile.relation-disagree", finding.Error,
					fmt.Sprintf("scope %q differs from %q in %s relations[%d]", r.Scope, o.Scope, other.p.File, inv), "give both sides the same scope")
			}
		}
	}
	// Contradictions: every relation between the same two standards, from
	// both files, read from the side of the smaller id.
	type held struct {
		kind RelationKind
		f    loaded
		ptr  string
	}
	groups := map[[2]string][]held{}
	var order [][2]string
	for _, f := range files {
		for j, r := range f.p.Relations {
			if !r.Kind.Valid() || r.With == "" || r.With == f.p.ID {
				continue
			}
			key, k := [2]string{f.p.ID, r.With}, r.Kind
			if r.With < f.p.ID {
				key, k = [2]string{r.With, f.p.ID}, r.Kind.Inverse()
			}
			if _, ok := groups[key]; !ok {
				order = append(order, key)
			}
			groups[key] = append(groups[key], held{k, f, fmt.Sprintf("/relations/%d/kind", j)})
		}
	}
	for _, key := range order {
		all := groups[key]
		told := map[[2]RelationKind]bool{}
		for x := 0; x < len(all); x++ {
			for y := x + 1; y < len(all); y++ {
				kinds := [2]RelationKind{all[x].kind, all[y].kind}
				if told[kinds] {
					continue
				}
				if why, bad := Conflict(key[0], key[1], all[x].kind, all[y].kind); bad {
					told[kinds], told[[2]RelationKind{kinds[1], kinds[0]}] = true, true
					add(all[y].f, all[y].ptr, "profile.relation-contradiction", finding.Error,
						fmt.Sprintf("relations between %s and %s contradict each other: %s (the other is at %s:%d)", key[0], key[1], why, all[x].f.p.File, all[x].f.loc.line(all[x].ptr)),
						"keep the relation that is true and remove the other from both files")
				}
			}
		}
	}
	return dedupe(out)
}

func dedupe(fs []finding.Finding) []finding.Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := fmt.Sprintf("%s:%d:%s:%s:%s", f.File, f.Line, f.Field, f.Rule, f.Message)
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}
