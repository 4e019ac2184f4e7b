package overlap

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/overlap/cisolib"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

func testData(t *testing.T) (*Data, []string) {
	t.Helper()
	lib, err := cisolib.ReadDir(os.DirFS("testdata/lib"), ".")
	if err != nil {
		t.Fatal(err)
	}
	return Derive(lib)
}

func prof(id string, fws ...string) *profile.Profile {
	return &profile.Profile{ID: id, Frameworks: fws}
}

func ip(n int) *int { return &n }

// TestFor covers the paths of the test library (testdata/lib), each figure
// worked out by hand from the files.
func TestFor(t *testing.T) {
	d, _ := testData(t)
	tests := []struct {
		name string
		a, b *profile.Profile
		want *page.Overlap
	}{{
		// Both directions of a list-shaped mapping file: the duplicate
		// (a1,b1), the pair only the reverse set states (a2,b2), the
		// disagreeing statement about (a2,b1) (the first, intersect, counts),
		// a non-assessable node (a0) and an unknown one (bX) left out.
		name: "direct, both directions",
		a:    prof("pa", "alpha"), b: prof("pb", "beta"),
		want: &page.Overlap{Basis: "direct", Source: "mapping-alpha-and-beta v2",
			A:             page.OverlapSide{Framework: "alpha", Requirements: ip(3), Mapped: 2},
			B:             page.OverlapSide{Framework: "beta", Requirements: ip(2), Mapped: 2},
			Relationships: page.Relationships{Equal: 1, Subset: 1, Intersect: 1}},
	}, {
		name: "direct, page order reversed: sides and subset/superset swap",
		a:    prof("pb", "beta"), b: prof("pa", "alpha"),
		want: &page.Overlap{Basis: "direct", Source: "mapping-alpha-and-beta v2",
			A:             page.OverlapSide{Framework: "beta", Requirements: ip(2), Mapped: 2},
			B:             page.OverlapSide{Framework: "alpha", Requirements: ip(3), Mapped: 2},
			Relationships: page.Relationships{Equal: 1, Superset: 1, Intersect: 1}},
	}, {
		name: "direct, the older single-set shape; not_related left out",
		a:    prof("pg", "gamma"), b: prof("pb", "beta"),
		want: &page.Overlap{Basis: "direct", Source: "mapping-beta-to-gamma v1",
			A:             page.OverlapSide{Framework: "gamma", Requirements: ip(3), Mapped: 2},
			B:             page.OverlapSide{Framework: "beta", Requirements: ip(2), Mapped: 1},
			Relationships: page.Relationships{Equal: 1, Subset: 1}},
	}, {
		name: "framework file missing: total unknown, every named node counts",
		a:    prof("px", "ghost"), b: prof("pa", "alpha"),
		want: &page.Overlap{Basis: "direct", Source: "mapping-ghost-to-alpha v1",
			A:             page.OverlapSide{Framework: "ghost", Requirements: nil, Mapped: 2},
			B:             page.OverlapSide{Framework: "alpha", Requirements: ip(3), Mapped: 2},
			Relationships: page.Relationships{Subset: 2, Intersect: 1}},
	}, {
		// a1→h1←d1,d2 and a3→h3←d2; h2 has no delta side, h0 is not assessable.
		name: "hub",
		a:    prof("pa", "alpha"), b: prof("pd", "delta"),
		want: &page.Overlap{Basis: "hub", Via: "scf-test", ViaName: "the Secure Controls Framework (SCF)", Source: "mapping-alpha-and-scf-test v1 + mapping-delta-and-scf-test v4",
			A:             page.OverlapSide{Framework: "alpha", Requirements: ip(3), Mapped: 2},
			B:             page.OverlapSide{Framework: "delta", Requirements: ip(2), Mapped: 2},
			Relationships: page.Relationships{Equal: 2, Superset: 1, Intersect: 2}},
	}, {
		name: "hub, reversed",
		a:    prof("pd", "delta"), b: prof("pa", "alpha"),
		want: &page.Overlap{Basis: "hub", Via: "scf-test", ViaName: "the Secure Controls Framework (SCF)", Source: "mapping-delta-and-scf-test v4 + mapping-alpha-and-scf-test v1",
			A:             page.OverlapSide{Framework: "delta", Requirements: ip(2), Mapped: 2},
			B:             page.OverlapSide{Framework: "alpha", Requirements: ip(3), Mapped: 2},
			Relationships: page.Relationships{Equal: 2, Subset: 1, Intersect: 2}},
	}, {
		// alpha–beta (direct, 4 mapped) and alpha–delta (hub, 4 mapped): direct wins.
		name: "several frameworks: direct before hub",
		a:    prof("p1", "epsilon", "alpha"), b: prof("p2", "delta", "beta"),
		want: &page.Overlap{Basis: "direct", Source: "mapping-alpha-and-beta v2",
			A:             page.OverlapSide{Framework: "alpha", Requirements: ip(3), Mapped: 2},
			B:             page.OverlapSide{Framework: "beta", Requirements: ip(2), Mapped: 2},
			Relationships: page.Relationships{Equal: 1, Subset: 1, Intersect: 1}},
	}, {
		// beta–gamma (3 mapped) and beta–alpha (4 mapped): the most mapped wins.
		name: "several frameworks: most mapped",
		a:    prof("p3", "gamma", "alpha"), b: prof("pb", "beta"),
		want: &page.Overlap{Basis: "direct", Source: "mapping-alpha-and-beta v2",
			A:             page.OverlapSide{Framework: "alpha", Requirements: ip(3), Mapped: 2},
			B:             page.OverlapSide{Framework: "beta", Requirements: ip(2), Mapped: 2},
			Relationships: page.Relationships{Equal: 1, Subset: 1, Intersect: 1}},
	}, {
		name: "no path", a: prof("pe", "epsilon"), b: prof("pa", "alpha"), want: nil,
	}, {
		name: "no frameworks named", a: prof("pz"), b: prof("pa", "alpha"), want: nil,
	}, {
		name: "a framework the data does not know", a: prof("pq", "nowhere"), b: prof("pa", "alpha"), want: nil,
	}, {
		name: "hub to a hub is not a path", a: prof("ph", "scf-test"), b: prof("pa", "alpha"), want: nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.For(tt.a, tt.b)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("For(%s, %s) =\n%s\nwant\n%s", tt.a.ID, tt.b.ID, show(got), show(tt.want))
			}
		})
	}
}

func show(o *page.Overlap) string {
	b, _ := json.Marshal(o)
	return string(b)
}

func TestDeriveRecordsSourceAndOmissions(t *testing.T) {
	d, warn := testData(t)
	if d.Source.Commit != "89abcdef0123456789abcdef0123456789abcdef" || d.Source.Upstream != Upstream {
		t.Errorf("source = %+v", d.Source)
	}
	ghost, ok := d.Framework("ghost")
	if !ok || ghost.Requirements != nil || ghost.File != "" {
		t.Errorf("ghost = %+v, %v; want known with no file and no total", ghost, ok)
	}
	alpha, _ := d.Framework("alpha")
	if alpha.File != "alpha.yaml" || alpha.Version != 1 || alpha.RefID != "alpha-ref" || *alpha.Requirements != 3 {
		t.Errorf("alpha = %+v", alpha)
	}
	if hub, _ := d.Framework("scf-test"); !hub.Hub {
		t.Error("scf-test is not marked as a hub")
	}
	var fwd MappingSet
	for _, m := range d.Mappings {
		if m.File == "mapping-alpha-and-beta.yaml" {
			fwd = m.Sets[0]
		}
	}
	if fwd.Entries != 5 || fwd.NotAssessable != 1 || fwd.Unknown != 1 {
		t.Errorf("forward set = %+v, want 5 entries, 1 not assessable, 1 unknown", fwd)
	}
	joined := strings.Join(warn, "\n")
	for _, w := range []string{"mapping-alpha-and-beta.yaml: 1 statements give a requirement pair another relationship", "mapping-alpha-and-beta.yaml: set mapping-alpha-and-beta: 1 entries name nodes missing"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings lack %q:\n%s", w, joined)
		}
	}
	// Deterministic: the same library gives the same bytes.
	d2, _ := testData(t)
	b1, _ := d.Marshal()
	b2, _ := d2.Marshal()
	if !bytes.Equal(b1, b2) {
		t.Error("two derivations of the same library differ")
	}
	back, err := Parse(b1)
	if err != nil || !reflect.DeepEqual(back, d) {
		t.Errorf("Marshal/Parse round trip: %v", err)
	}
}

func TestDiff(t *testing.T) {
	old, _ := testData(t)
	nw, _ := testData(t)
	if c := Diff(old, nw); len(c) != 0 {
		t.Fatalf("Diff of equal data = %v", c)
	}
	nw.Paths = nw.Paths[1:]
	nw.Paths[0].AMapped++
	*nw.Frameworks[0].Requirements = 99
	got := strings.Join(Diff(old, nw), "\n")
	for _, w := range []string{"path removed: " + old.Paths[0].A, "path changed: " + old.Paths[1].A, "framework changed: " + old.Frameworks[0].ID} {
		if !strings.Contains(got, w) {
			t.Errorf("Diff lacks %q:\n%s", w, got)
		}
	}
}

// A broken file in the library stops the derivation: the error names the
// file, the line and the field, and no library (so no figures) comes back.
func TestLibraryWithBrokenFile(t *testing.T) {
	dir := t.TempDir()
	ents, err := os.ReadDir("testdata/lib")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile("testdata/lib/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "gamma.yaml" {
			b = bytes.Replace(b, []byte("assessable: true"), []byte("assessable: maybe"), 1)
		}
		if err := os.WriteFile(dir+"/"+e.Name(), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lib, err := cisolib.ReadDir(os.DirFS(dir), ".")
	want := `gamma.yaml:10: objects.framework.requirement_nodes[0].assessable: want true or false, got "maybe"`
	if lib != nil || err == nil || err.Error() != want {
		t.Fatalf("ReadDir = %v, %v; want no library and %q", lib != nil, err, want)
	}
}
