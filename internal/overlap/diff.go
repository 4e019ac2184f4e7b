package overlap

import (
	"fmt"
	"reflect"
	"sort"
)

// Diff lists what differs between two data sets' paths and frameworks, in
// words, for the importer's report and the re-derivation test.
func Diff(old, new *Data) []string {
	var out []string
	key := func(p Path) string {
		if p.Basis == "hub" {
			return p.A + " ~ " + p.B + " via " + p.Via
		}
		return p.A + " ~ " + p.B + " direct"
	}
	om, nm := map[string]Path{}, map[string]Path{}
	for _, p := range old.Paths {
		om[key(p)] = p
	}
	for _, p := range new.Paths {
		nm[key(p)] = p
	}
	for _, k := range sortedKeys(om) {
		if _, ok := nm[k]; !ok {
			out = append(out, "path removed: "+k)
		}
	}
	for _, k := range sortedKeys(nm) {
		n := nm[k]
		o, ok := om[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("path added: %s: %s", k, figures(n)))
		case !reflect.DeepEqual(o, n):
			out = append(out, fmt.Sprintf("path changed: %s: %s → %s", k, figures(o), figures(n)))
		}
	}
	of, nf := map[string]Framework{}, map[string]Framework{}
	for _, f := range old.Frameworks {
		of[f.ID] = f
	}
	for _, f := range new.Frameworks {
		nf[f.ID] = f
	}
	ids := map[string]bool{}
	for id := range of {
		ids[id] = true
	}
	for id := range nf {
		ids[id] = true
	}
	all := make([]string, 0, len(ids))
	for id := range ids {
		all = append(all, id)
	}
	sort.Strings(all)
	for _, id := range all {
		o, okO := of[id]
		n, okN := nf[id]
		switch {
		case !okO:
			out = append(out, fmt.Sprintf("framework added: %s (%s)", id, total(n.Requirements)))
		case !okN:
			out = append(out, "framework removed: "+id)
		case total(o.Requirements) != total(n.Requirements) || o.Version != n.Version || o.File != n.File || o.Note != n.Note:
			out = append(out, fmt.Sprintf("framework changed: %s: %s v%d %s → %s v%d %s", id, o.File, o.Version, total(o.Requirements), n.File, n.Version, total(n.Requirements)))
		}
	}
	switch {
	case old.Source.Commit != new.Source.Commit:
		out = append(out, fmt.Sprintf("source changed: commit %q → %q", old.Source.Commit, new.Source.Commit))
	case old.Source != new.Source:
		out = append(out, fmt.Sprintf("source changed: %q → %q", old.Source.Upstream, new.Source.Upstream))
	}
	return out
}

func total(n *int) string {
	if n == nil {
		return "requirements unknown"
	}
	return fmt.Sprintf("%d requirements", *n)
}

func figures(p Path) string {
	r := p.Relationships
	return fmt.Sprintf("%d/%d mapped (equal %d, subset %d, superset %d, intersect %d) from %s",
		p.AMapped, p.BMapped, r.Equal, r.Subset, r.Superset, r.Intersect, p.Source)
}
