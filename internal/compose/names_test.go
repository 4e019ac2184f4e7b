package compose

import (
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/overlap"
	"github.com/versus-dev/versus/internal/page"
)

// Prose names hubs and stand-in frameworks as people do: no framework id
// or hub version in a composed sentence, the hub by its name wherever the
// prose speaks of it, each stand-in said on the page, and possessives of
// names ending in s without a second s.
func TestOverlapNamedInProse(t *testing.T) {
	var hubs, notes int
	for _, pr := range pagePairs(realProfiles(t)) {
		a, b := pr[0], pr[1]
		pg := Page(a, b)
		prose := strings.Join(composedTexts(pg), "\n")
		for _, name := range []string{a.ShortName, b.ShortName} {
			if strings.HasSuffix(name, "s") && strings.Contains(prose, name+"'s") {
				t.Errorf("%s: %q's possessive keeps a second s", pg.Slug, name)
			}
		}
		o := pg.Overlap
		if o == nil {
			continue
		}
		for _, id := range []string{o.Via, o.A.Framework, o.B.Framework} {
			if id != "" && strings.Contains(prose, id) {
				t.Errorf("%s: framework id %q in prose", pg.Slug, id)
			}
		}
		if o.Basis == "hub" {
			hubs++
			if o.ViaName == "" || o.ViaName != overlap.Name(o.Via) {
				t.Errorf("%s: hub %s carries name %q, want %q", pg.Slug, o.Via, o.ViaName, overlap.Name(o.Via))
			}
			if strings.Contains(prose, "common-controls hub") && !strings.Contains(prose, o.ViaName) {
				t.Errorf("%s: prose speaks of a hub without naming it", pg.Slug)
			}
		}
		md := string(page.Render(pg))
		for _, s := range []struct {
			name string
			side page.OverlapSide
		}{{nounOf(a).render(mid), o.A}, {nounOf(b).render(mid), o.B}} {
			if overlap.Note(s.side.Framework) != s.side.Note {
				t.Errorf("%s: %s's note %q, want overlap.Note's %q", pg.Slug, s.name, s.side.Note, overlap.Note(s.side.Framework))
			}
			if s.side.Note == "" {
				continue
			}
			notes++
			if want := "For " + s.name + ", the figures count the requirements of " + s.side.Note + "."; !strings.Contains(md, want) {
				t.Errorf("%s: page does not say what %s's figures count (%q)", pg.Slug, s.name, want)
			}
		}
	}
	if hubs == 0 || notes == 0 {
		t.Errorf("%d hub pages and %d stand-in notes: the real set should have both", hubs, notes)
	}
	t.Logf("%d hub pages, %d stand-in notes said", hubs, notes)
}
