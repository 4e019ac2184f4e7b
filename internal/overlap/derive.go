package overlap

import (
	"fmt"
	"sort"
	"strings"

	"github.com/versus-dev/versus/internal/overlap/cisolib"
	"github.com/versus-dev/versus/internal/page"
)

// Upstream is where the library files come from.
const Upstream = "github.com/intuitem/ciso-assistant-community backend/library/libraries"

// hubs are the common-controls frameworks that pairs may be related
// through, in the order ties are broken, each with the name prose gives it.
// Prefixes, so that a newer edition in a newer library is still a hub. The
// name carries no edition: the id and version belong in the figures' table.
var hubs = []struct{ prefix, name string }{
	{"scf-", "the Secure Controls Framework (SCF)"},
	{"cisco-ccf-", "Cisco's Common Control Framework (CCF)"},
	{"adobe-ccf-", "Adobe's Common Controls Framework"},
}

// hubRank is the hub's place in hubs, or -1 when id is not a hub.
func hubRank(id string) int {
	for i, h := range hubs {
		if strings.HasPrefix(id, h.prefix) {
			return i
		}
	}
	return -1
}

// IsHub reports whether a framework is a common-controls hub.
func IsHub(id string) bool { return hubRank(id) >= 0 }

// Notes say what a framework is where it is not the standard itself but
// stands in for it, or is one part or edition of it: a noun phrase a page
// puts after "the figures count the requirements of". A page that shows the
// figures must say so. Curated: the library cannot tell.
var Notes = map[string]string{
	"nist-sp-800-66-rev2": "NIST SP 800-66 Rev. 2, NIST's guide to implementing the HIPAA Security Rule",
	"cis-controls-v8":     "CIS Controls v8, the edition the mappings cover (v8.1 revised it in 2024)",
	"annex-technical-and-methodological-requirements-nis2": "the annex of Commission Implementing Regulation (EU) 2024/2690, which sets the technical and methodological requirements of NIS2 for DNS, cloud, data centre, managed (security) service and other digital providers",
}

// proseNames name, without digits, the frameworks that stand in for a
// standard, for sentences that must not carry numbers of their own (an FAQ
// answer); the full note, with edition, is on the figures' lines.
var proseNames = map[string]string{
	"nist-sp-800-66-rev2": "NIST's guide to implementing the HIPAA Security Rule",
	"annex-technical-and-methodological-requirements-nis2": "the annex of the NIS2 Implementing Regulation",
}

// Name is how a sentence names a framework that is not simply the standard
// itself: a hub ("the Secure Controls Framework (SCF)") or a stand-in
// ("NIST's guide to implementing the HIPAA Security Rule"); "" for any other.
// Names carry no digits, so prose never gains a number of its own.
func Name(framework string) string {
	if i := hubRank(framework); i >= 0 {
		return hubs[i].name
	}
	return proseNames[framework]
}

// Data is the derived overlap data that overlap.json holds.
type Data struct {
	Source     Source      `json:"source"`
	Frameworks []Framework `json:"frameworks"`
	Mappings   []Mapping   `json:"mappings"`
	Paths      []Path      `json:"paths"`
}

// Source names the library the data was derived from.
type Source struct {
	Upstream string `json:"upstream"`
	Commit   string `json:"commit"` // as the library folder's README.md names it; empty when it names none
}

// Framework is one framework the data knows: one with a file in the library,
// or one that only a mapping names (then Requirements is nil and File empty).
type Framework struct {
	ID           string `json:"framework"` // the URN suffix
	RefID        string `json:"ref_id,omitempty"`
	File         string `json:"file,omitempty"`
	Version      int    `json:"version,omitempty"`
	Requirements *int   `json:"requirements"` // assessable nodes; nil when the file is missing
	Hub          bool   `json:"hub,omitempty"`
	Note         string `json:"note,omitempty"` // see Notes
}

// Mapping is one mapping file the figures come from.
type Mapping struct {
	RefID   string       `json:"ref_id"`
	Version int          `json:"version"`
	File    string       `json:"file"`
	Sets    []MappingSet `json:"sets"`
}

// MappingSet is one direction of a mapping file, with what was left out.
type MappingSet struct {
	RefID   string `json:"ref_id"`
	Source  string `json:"source"`
	Target  string `json:"target"`
	Entries int    `json:"entries"`
	// Entries naming a node that is in the framework's file but not
	// assessable, or not in the file at all, or stating not_related: they
	// relate no requirements and are not counted.
	NotAssessable int `json:"not_assessable,omitempty"`
	Unknown       int `json:"unknown,omitempty"`
	NotRelated    int `json:"not_related,omitempty"`
}

// Path is the overlap of two frameworks A and B (A < B by id) along one path:
// a direct mapping, or one hub.
type Path struct {
	Basis         string             `json:"basis"` // "direct" or "hub"
	Via           string             `json:"via,omitempty"`
	Source        string             `json:"source"`
	Legs          []string           `json:"legs,omitempty"` // hub: A's mapping to the hub, then B's, so the source can be read in either order
	A             string             `json:"a"`
	B             string             `json:"b"`
	AMapped       int                `json:"a_mapped"`
	BMapped       int                `json:"b_mapped"`
	Relationships page.Relationships `json:"relationships"` // read from A toward B
}

// link is a requirement pair with its relationship read from the pair's
// first framework toward its second.
type link struct{ x, y string }

// pairLinks is every requirement pair two frameworks' mappings state.
type pairLinks struct {
	x, y  string // x < y
	rel   map[link]cisolib.Relationship
	order []link // first statement order, for determinism
	files []int  // indexes of the mapping files that contributed, in order
}

// Derive computes the overlap data from a library.
//
// Counting, precisely:
//   - A requirement is an assessable node of a framework's file. When the
//     framework's file is missing, its total is unknown (nil) and every node a
//     mapping names counts, since nothing says which are assessable.
//   - Every mapping set between two frameworks is read, whichever direction
//     it runs and whichever shape its file has; a set running B→A is read as
//     A→B with subset and superset swapped. The statements become one set of
//     requirement pairs (a, b): a pair stated in both directions, or twice, is
//     one pair; where two statements disagree the first wins (files in name
//     order, sets and entries in file order). Statements naming a node that is
//     not a requirement, and not_related statements, are left out.
//   - Direct: mapped is the number of distinct requirements of each side in
//     those pairs; relationships count the pairs by relationship, read from A
//     toward B ("subset": A's requirement is a subset of B's).
//   - Hub: A's requirement a is mapped when some hub control h has a pair
//     (a, h) and some requirement b of B has a pair (h, b); likewise for B.
//     The relationships count the pairs of both legs that lie on such a path:
//     (a, h) read from a toward h, and (h, b) read from h toward b. They are
//     the mapping's own statements; no relationship between a and b is
//     inferred.
func Derive(lib *cisolib.Library) (*Data, []string) {
	var warn []string
	d := &Data{Source: Source{Upstream: Upstream, Commit: lib.Commit}}
	if lib.Commit == "" {
		warn = append(warn, "the folder's README.md names no upstream commit")
	}

	known := map[string]bool{}
	for id := range lib.Frameworks {
		known[id] = true
	}
	// counted reports whether node is a requirement of framework fw, and
	// why not when it is not.
	counted := func(fw, node string) (ok bool, unknown bool) {
		f := lib.Frameworks[fw]
		if f == nil {
			return true, false
		}
		a, in := f.Assess[node]
		return a, !in
	}

	pairs := map[[2]string]*pairLinks{}
	conflicts := map[string]int{}
	for fi, mf := range lib.Mappings {
		m := Mapping{RefID: mf.RefID, Version: mf.Version, File: mf.Name}
		for _, s := range mf.Sets {
			known[s.Source], known[s.Target] = true, true
			ms := MappingSet{RefID: s.RefID, Source: s.Source, Target: s.Target, Entries: len(s.Entries)}
			x, y, flip := s.Source, s.Target, false
			if y < x {
				x, y, flip = y, x, true
			}
			key := [2]string{x, y}
			pl := pairs[key]
			if pl == nil {
				pl = &pairLinks{x: x, y: y, rel: map[link]cisolib.Relationship{}}
				pairs[key] = pl
			}
			if len(pl.files) == 0 || pl.files[len(pl.files)-1] != fi {
				pl.files = append(pl.files, fi)
			}
			for _, e := range s.Entries {
				if e.Rel == cisolib.NotRelated {
					ms.NotRelated++
					continue
				}
				okS, unkS := counted(s.Source, e.Source)
				okT, unkT := counted(s.Target, e.Target)
				if !okS || !okT {
					if unkS || unkT {
						ms.Unknown++
					} else {
						ms.NotAssessable++
					}
					continue
				}
				l, rel := link{e.Source, e.Target}, e.Rel
				if flip {
					l, rel = link{e.Target, e.Source}, rel.Inverse()
				}
				if prev, seen := pl.rel[l]; seen {
					if prev != rel {
						conflicts[mf.Name]++
					}
					continue
				}
				pl.rel[l] = rel
				pl.order = append(pl.order, l)
			}
			if ms.Unknown > 0 {
				warn = append(warn, fmt.Sprintf("%s: set %s: %d entries name nodes missing from the framework files; not counted", mf.Name, s.RefID, ms.Unknown))
			}
			m.Sets = append(m.Sets, ms)
		}
		d.Mappings = append(d.Mappings, m)
	}
	for _, f := range sortedKeys(conflicts) {
		warn = append(warn, fmt.Sprintf("%s: %d statements give a requirement pair another relationship than an earlier statement did; the first counts", f, conflicts[f]))
	}

	for id := range known {
		fw := Framework{ID: id, Hub: IsHub(id), Note: Notes[id]}
		if f := lib.Frameworks[id]; f != nil {
			file := lib.FrameworkFile[id]
			n := f.Requirements()
			fw.RefID, fw.File, fw.Version, fw.Requirements = f.RefID, file.Name, file.Version, &n
		}
		d.Frameworks = append(d.Frameworks, fw)
	}
	sort.Slice(d.Frameworks, func(i, j int) bool { return d.Frameworks[i].ID < d.Frameworks[j].ID })

	source := func(files []int) string {
		parts := make([]string, len(files))
		for i, fi := range files {
			parts[i] = fmt.Sprintf("%s v%d", lib.Mappings[fi].RefID, lib.Mappings[fi].Version)
		}
		return strings.Join(parts, " + ")
	}

	// Direct paths.
	for _, key := range sortedPairKeys(pairs) {
		pl := pairs[key]
		if IsHub(pl.x) || IsHub(pl.y) || len(pl.order) == 0 {
			continue
		}
		p := Path{Basis: "direct", Source: source(pl.files), A: pl.x, B: pl.y}
		xs, ys := map[string]bool{}, map[string]bool{}
		for _, l := range pl.order {
			xs[l.x], ys[l.y] = true, true
			count(&p.Relationships, pl.rel[l])
		}
		p.AMapped, p.BMapped = len(xs), len(ys)
		d.Paths = append(d.Paths, p)
	}

	// Hub paths: every two non-hub frameworks mapped to the same hub.
	type leg struct {
		byHub map[string][]link // hub control → pairs (framework node, hub node)
		rel   func(link) cisolib.Relationship
		files []int
	}
	legs := map[string]map[string]*leg{} // hub → framework → leg
	for _, key := range sortedPairKeys(pairs) {
		pl := pairs[key]
		hub, other, hubFirst := "", "", false
		switch {
		case IsHub(pl.x) && !IsHub(pl.y):
			hub, other, hubFirst = pl.x, pl.y, true
		case IsHub(pl.y) && !IsHub(pl.x):
			hub, other = pl.y, pl.x
		default:
			continue
		}
		lg := &leg{byHub: map[string][]link{}, files: pl.files}
		for _, l := range pl.order {
			fl := link{l.x, l.y} // (framework node, hub node)
			if hubFirst {
				fl = link{l.y, l.x}
			}
			lg.byHub[fl.y] = append(lg.byHub[fl.y], fl)
		}
		rels, hf := pl.rel, hubFirst
		// rel reads a (framework node, hub node) pair from the framework toward the hub.
		lg.rel = func(fl link) cisolib.Relationship {
			if hf {
				return rels[link{fl.y, fl.x}].Inverse()
			}
			return rels[fl]
		}
		if legs[hub] == nil {
			legs[hub] = map[string]*leg{}
		}
		legs[hub][other] = lg
	}
	for _, hub := range sortedKeys(legs) {
		fws := sortedKeys(legs[hub])
		for i, x := range fws {
			for _, y := range fws[i+1:] {
				lx, ly := legs[hub][x], legs[hub][y]
				legs := []string{source(lx.files), source(ly.files)}
				p := Path{Basis: "hub", Via: hub, A: x, B: y, Source: legs[0] + " + " + legs[1], Legs: legs}
				xs, ys := map[string]bool{}, map[string]bool{}
				for _, h := range sortedKeys(lx.byHub) {
					ylinks, ok := ly.byHub[h]
					if !ok {
						continue
					}
					for _, fl := range lx.byHub[h] {
						xs[fl.x] = true
						count(&p.Relationships, lx.rel(fl)) // a toward h
					}
					for _, fl := range ylinks {
						ys[fl.x] = true
						count(&p.Relationships, ly.rel(fl).Inverse()) // h toward b
					}
				}
				if len(xs) == 0 {
					continue
				}
				p.AMapped, p.BMapped = len(xs), len(ys)
				d.Paths = append(d.Paths, p)
			}
		}
	}
	sort.SliceStable(d.Paths, func(i, j int) bool {
		pi, pj := d.Paths[i], d.Paths[j]
		if pi.A != pj.A {
			return pi.A < pj.A
		}
		if pi.B != pj.B {
			return pi.B < pj.B
		}
		if pi.Basis != pj.Basis {
			return pi.Basis == "direct"
		}
		return hubRank(pi.Via) < hubRank(pj.Via) || hubRank(pi.Via) == hubRank(pj.Via) && pi.Via < pj.Via
	})
	return d, warn
}

func count(r *page.Relationships, rel cisolib.Relationship) {
	switch rel {
	case cisolib.Equal:
		r.Equal++
	case cisolib.Subset:
		r.Subset++
	case cisolib.Superset:
		r.Superset++
	case cisolib.Intersect:
		r.Intersect++
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedPairKeys(m map[[2]string]*pairLinks) [][2]string {
	out := make([][2]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}
