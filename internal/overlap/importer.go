package overlap

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/versus-dev/versus/internal/overlap/cisolib"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// Report is what an import found and changed.
type Report struct {
	Data       *Data
	Warnings   []string // entries left out, disagreements, a missing commit
	Frameworks int      // framework files read
	Mappings   int      // mapping files read
	Others     []string // files of other kinds, skipped
	Changes    []string // path and framework changes, see Diff
	Pairs      []PairChange
	Missing    []Missing // frameworks profiles name that the folder lacks
}

// PairChange is a pair of profiles whose figures an import adds, removes or changes.
type PairChange struct {
	A, B     string // profile ids, in the pair's page order
	Old, New *page.Overlap
}

// Kind says whether the pair's figures were added, removed or changed.
func (c PairChange) Kind() string {
	switch {
	case c.Old == nil:
		return "added"
	case c.New == nil:
		return "removed"
	}
	return "changed"
}

// Missing is a framework a profile names and the library folder has no file for.
type Missing struct {
	Profile, Framework string
	Mapped             bool // some mapping names it: figures without its total
}

// Import derives the data from lib and compares it with old (nil: no data
// yet) for every pair of profiles, in id order.
func Import(lib *cisolib.Library, old *Data, profiles []*profile.Profile) *Report {
	d, warn := Derive(lib)
	if old == nil {
		old = &Data{}
	}
	r := &Report{Data: d, Warnings: warn, Frameworks: len(lib.Frameworks), Mappings: len(lib.Mappings), Others: lib.Others, Changes: Diff(old, d)}
	ps := append([]*profile.Profile(nil), profiles...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	for i, a := range ps {
		for _, b := range ps[i+1:] {
			o, n := old.For(a, b), d.For(a, b)
			if !reflect.DeepEqual(o, n) {
				r.Pairs = append(r.Pairs, PairChange{A: a.ID, B: b.ID, Old: o, New: n})
			}
		}
	}
	for _, p := range ps {
		for _, fw := range p.Frameworks {
			if lib.Frameworks[fw] != nil {
				continue
			}
			_, mapped := d.Framework(fw) // known without a file: a mapping names it
			r.Missing = append(r.Missing, Missing{Profile: p.ID, Framework: fw, Mapped: mapped})
		}
	}
	return r
}

// Describe puts an overlap's figures in one line, for reports and logs.
func Describe(o *page.Overlap) string {
	if o == nil {
		return "no figures"
	}
	side := func(s page.OverlapSide) string {
		if s.Requirements == nil {
			return fmt.Sprintf("%s %d mapped (total unknown)", s.Framework, s.Mapped)
		}
		return fmt.Sprintf("%s %d of %d mapped", s.Framework, s.Mapped, *s.Requirements)
	}
	basis := "direct"
	if o.Basis == "hub" {
		basis = "through " + o.Via
	}
	r := o.Relationships
	return fmt.Sprintf("%s, %s; %s (equal %d, subset %d, superset %d, intersect %d) [%s]",
		side(o.A), side(o.B), basis, r.Equal, r.Subset, r.Superset, r.Intersect, o.Source)
}
