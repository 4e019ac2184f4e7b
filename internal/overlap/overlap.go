// Package overlap holds the requirement-level overlap between standards,
// derived from CISO Assistant's mapping files and kept in the repository with
// its source (overlap.json, embedded), so versus needs no library at run time.
// Derive computes the data from a library folder (`versus import
// ciso-assistant DIR`); For reads it.
//
// In short (Derive has the exact rules): a requirement is an assessable node
// of a framework file; "mapped" is the number of distinct requirements of a
// side that the mapping relates to the other side, directly or through one
// common-controls hub (SCF, Cisco CCF, Adobe CCF); a total is null where the
// framework file is missing, never estimated; the relationships count the
// mapping's own statements (requirement pairs), never inferred ones. Only
// counts, URN suffixes, ref_ids, file names and versions are kept: no
// requirement text.
package overlap

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// DataFile is the derived data's path in the repository, from its root.
const DataFile = "internal/overlap/overlap.json"

//go:embed overlap.json
var embedded []byte

var loadEmbedded = sync.OnceValues(func() (*Data, error) { return Parse(embedded) })

// Embedded returns the data built into the binary. A test keeps it parseable.
func Embedded() *Data {
	d, err := loadEmbedded()
	if err != nil {
		panic(fmt.Sprintf("overlap: the embedded %s is broken: %v", DataFile, err))
	}
	return d
}

// Parse reads data written by Marshal.
func Parse(b []byte) (*Data, error) {
	var d Data
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("overlap data: %w", err)
	}
	for _, p := range d.Paths {
		if p.Basis != "direct" && p.Basis != "hub" || p.A >= p.B || (p.Basis == "hub") != (p.Via != "") {
			return nil, fmt.Errorf("overlap data: bad path %s/%s basis %q via %q", p.A, p.B, p.Basis, p.Via)
		}
	}
	return &d, nil
}

// Marshal writes d in the form kept in the repository.
func (d *Data) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// For returns the overlap figures of a and b, in that order, from the
// embedded data, or nil when no mapping data relates them.
func For(a, b *profile.Profile) *page.Overlap { return Embedded().For(a, b) }

// Framework returns what the data knows of a framework.
func (d *Data) Framework(id string) (Framework, bool) {
	for _, f := range d.Frameworks {
		if f.ID == id {
			return f, true
		}
	}
	return Framework{}, false
}

// Lookup returns what the embedded data knows of a framework: its library
// ref_id, file, version, total and note.
func Lookup(framework string) (Framework, bool) { return Embedded().Framework(framework) }

// Note returns what the embedded data says a framework stands in for (see
// Notes), or "" when the framework is the standard itself. A page showing
// figures for such a framework must say so.
func Note(framework string) string {
	f, _ := Embedded().Framework(framework)
	return f.Note
}

// For chooses one path between a's and b's frameworks and returns its
// figures with a and b in that order, or nil when there is none.
//
// The choice is deterministic and the same for (a, b) and (b, a): a direct
// mapping over any hub; then the path with the most mapped requirements (both
// sides together); then the frameworks named first in the profiles (lowest
// sum of their places in the two lists); then the lower framework ids; then
// the hub order SCF, Cisco CCF, Adobe CCF.
func (d *Data) For(a, b *profile.Profile) *page.Overlap {
	if a == nil || b == nil || a.ID == b.ID {
		return nil
	}
	var best *Path
	var bestRank int
	var flip bool // a's framework is the path's B
	better := func(p *Path, rank int) bool {
		if best == nil {
			return true
		}
		if (p.Basis == "direct") != (best.Basis == "direct") {
			return p.Basis == "direct"
		}
		if s, t := p.AMapped+p.BMapped, best.AMapped+best.BMapped; s != t {
			return s > t
		}
		if rank != bestRank {
			return rank < bestRank
		}
		if p.A != best.A {
			return p.A < best.A
		}
		if p.B != best.B {
			return p.B < best.B
		}
		return hubRank(p.Via) < hubRank(best.Via)
	}
	for i, fa := range a.Frameworks {
		for j, fb := range b.Frameworks {
			if fa == fb {
				continue
			}
			x, y := fa, fb
			if y < x {
				x, y = y, x
			}
			for k := range d.Paths {
				p := &d.Paths[k]
				if p.A == x && p.B == y && better(p, i+j) {
					best, bestRank, flip = p, i+j, fa != p.A
				}
			}
		}
	}
	if best == nil {
		return nil
	}
	o := &page.Overlap{Basis: best.Basis, Via: best.Via, ViaName: Name(best.Via), Source: best.Source, Relationships: best.Relationships}
	o.A = d.side(best.A, best.AMapped)
	o.B = d.side(best.B, best.BMapped)
	if flip {
		o.A, o.B = o.B, o.A
		o.Relationships.Subset, o.Relationships.Superset = o.Relationships.Superset, o.Relationships.Subset
		if len(best.Legs) == 2 {
			o.Source = best.Legs[1] + " + " + best.Legs[0]
		}
	}
	return o
}

// side is one framework's side of a path, with the note a page must show
// when the framework stands in for its standard.
func (d *Data) side(id string, mapped int) page.OverlapSide {
	s := page.OverlapSide{Framework: id, Mapped: mapped, Requirements: d.requirements(id)}
	if f, ok := d.Framework(id); ok {
		s.Note = f.Note
	}
	return s
}

func (d *Data) requirements(id string) *int {
	f, ok := d.Framework(id)
	if !ok || f.Requirements == nil {
		return nil
	}
	n := *f.Requirements
	return &n
}
