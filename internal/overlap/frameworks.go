package overlap

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/versus-dev/versus/internal/overlap/cisolib"
	"github.com/versus-dev/versus/internal/profile"
)

// FrameworkChange is a planned edit of one profile's `frameworks:` line.
type FrameworkChange struct {
	Profile  string // profile id
	File     string // the profile's file name in its folder
	Line     int    // the frameworks line (after an insert: the new line)
	Old, New []string
	OldLine  string // "" when the profile had no frameworks line
	NewLine  string
	Why      []string
	Data     []byte // the whole new file
}

// FrameworkNote is a profile left as it is although the library suggests
// a change: ambiguous or unconfirmed candidates, a newer edition beside a
// named one, an edition field to check by hand.
type FrameworkNote struct {
	Profile, File string
	Line          int
	Msg           string
}

// FrameworkPlan is what the import would do to the profiles' frameworks.
type FrameworkPlan struct {
	Changes []FrameworkChange
	Notes   []FrameworkNote
	Set     *profile.Set // the profiles with the changes applied, checked; the loaded set when there are none
}

// names are the names a framework file gives its standard: the library's
// ref_id and name and the framework's.
func names(f *cisolib.File) []string {
	var out []string
	for _, s := range []string{f.RefID, f.LibName, f.Framework.RefID, f.Framework.Name} {
		if s = strings.TrimSpace(s); s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// trailingEdition is an edition at the end of a name: "CIS Controls v8.1",
// "ISO/IEC 27001:2022", "FedRAMP Rev 5".
var trailingEdition = regexp.MustCompile(`(?i)[\s:_,-]*(?:v|ver\.?|version|r|rev\.?|revision|edition)?\s*\d+(?:[._]\d+)*\s*$`)

// named finds the profiles a framework's names resolve to (profile.Set.Resolve:
// a name, id or alias, exact up to case and punctuation). With anyEdition a
// name's trailing edition may differ from the profile's. which is the name
// that resolved, for the report.
func named(set *profile.Set, f *cisolib.File, anyEdition bool) (ids []string, which string) {
	for _, n := range names(f) {
		p, ok := set.Resolve(n)
		if !ok && anyEdition {
			if s := trailingEdition.ReplaceAllString(n, ""); s != n && s != "" {
				p, ok = set.Resolve(s)
			}
		}
		if ok && !contains(ids, p.ID) {
			ids = append(ids, p.ID)
			if which == "" {
				which = n
			}
		}
	}
	return ids, which
}

// PlanFrameworks works out, for every profile in set (read from dir of
// fsys, one <id>.yaml each), which of lib's frameworks belong to it:
//
//   - a named framework with a file in lib stays;
//   - a named framework without one is replaced by its newer edition C when
//     exactly one framework of lib is newer by id (SplitEdition, NewerThan:
//     same stem and scheme, higher numbers) and C's own names (ref_id or
//     name, edition aside) resolve to this profile and to no other; more
//     than one newer edition, or one whose names do not name the profile, is
//     a note and no change;
//   - a profile naming no framework gets a frameworks line when exactly one
//     framework of lib, not a hub and named by no profile, has a name that
//     resolves to it with its edition (several: a note).
//
// Every changed file is edited line-locally and the whole folder is loaded
// again with the edits; if that fails, the error holds every finding and
// nothing should be written.
func PlanFrameworks(lib *cisolib.Library, set *profile.Set, fsys fs.FS, dir string) (*FrameworkPlan, error) {
	plan := &FrameworkPlan{Set: set}
	ps := set.All()
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	ids := sortedKeys(lib.Frameworks)
	namedBy := map[string]string{} // framework → the profile naming it
	for _, p := range ps {
		for _, fw := range p.Frameworks {
			namedBy[fw] = p.ID
		}
	}
	files := map[string][]byte{}
	read := func(p *profile.Profile) (string, []byte, error) {
		name := p.ID + ".yaml"
		if b, ok := files[name]; ok {
			return name, b, nil
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return name, nil, fmt.Errorf("profile %s: %w", p.ID, err)
		}
		files[name] = b
		return name, b, nil
	}
	note := func(p *profile.Profile, line int, format string, args ...any) {
		plan.Notes = append(plan.Notes, FrameworkNote{Profile: p.ID, File: p.ID + ".yaml", Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	fwLine := func(b []byte) int {
		if m, err := top("", b); err == nil {
			if k, _ := keyValue(m, "frameworks"); k != nil {
				return k.Line
			}
		}
		return 0
	}

	taken := map[string]bool{} // frameworks a change gives to a profile
	var edits []FrameworkChange
	for _, p := range ps {
		if len(p.Frameworks) == 0 {
			continue
		}
		ren := map[string]string{}
		var why []string
		for _, x := range p.Frameworks {
			xe, hasEd := SplitEdition(x)
			var newer []string
			if hasEd {
				for _, c := range ids {
					if ce, ok := SplitEdition(c); ok && ce.NewerThan(xe) {
						newer = append(newer, c)
					}
				}
			}
			_, b, err := read(p)
			if err != nil {
				return nil, err
			}
			line := fwLine(b)
			if lib.Frameworks[x] != nil {
				if len(newer) > 0 {
					note(p, line, "names %s, which the folder holds; it also holds the newer %s: kept %s (rename by hand if the profile moves to it)", x, strings.Join(newer, ", "), x)
				}
				continue
			}
			if len(newer) == 0 {
				continue // reported as missing by Import
			}
			if len(newer) > 1 {
				note(p, line, "%s has no framework file here, and %s are all newer editions of it: ambiguous, not changed", x, strings.Join(newer, ", "))
				continue
			}
			c := newer[0]
			f := lib.FrameworkFile[c]
			who, which := named(set, f, true)
			switch {
			case len(who) == 0:
				note(p, line, "%s has no framework file here; %s (%s) is newer by its id, but none of its names (%s) names %s: not changed", x, c, f.Name, quoteAll(names(f)), p.ID)
				continue
			case len(who) > 1 || who[0] != p.ID:
				note(p, line, "%s has no framework file here; %s is newer by its id, but its names name %s: ambiguous, not changed", x, c, strings.Join(who, ", "))
				continue
			case namedBy[c] != "" || taken[c]:
				owner := namedBy[c]
				if owner == "" {
					owner = "another change"
				}
				note(p, line, "%s has no framework file here; its newer edition %s is already named by %s: not changed", x, c, owner)
				continue
			}
			ce, _ := SplitEdition(c)
			why = append(why, fmt.Sprintf("%s has no framework file here; %s is its newer edition (stem %s, %s → %s) and its name %q names %s",
				x, c, xe.Stem, xe.String(), ce.String(), which, p.ID))
			if full, _ := named(set, f, false); !contains(full, p.ID) {
				note(p, line, "now names %s: check the profile's edition (%q) and year (%d) against %q", c, p.Edition, p.Year, which)
			}
			ren[x], taken[c] = c, true
		}
		if len(ren) == 0 {
			continue
		}
		name, b, _ := read(p)
		nb, line, err := RenameFrameworks(name, b, ren)
		if err != nil {
			return nil, err
		}
		nw := make([]string, len(p.Frameworks))
		for i, x := range p.Frameworks {
			nw[i] = x
			if c, ok := ren[x]; ok {
				nw[i] = c
			}
		}
		edits = append(edits, FrameworkChange{Profile: p.ID, File: name, Line: line, Old: p.Frameworks, New: nw,
			OldLine: lineText(b, line), NewLine: lineText(nb, line), Why: why, Data: nb})
	}

	// Frameworks no profile names: a profile without a frameworks line may get one.
	cands := map[string][]string{} // profile → unnamed frameworks naming it
	for _, c := range ids {
		if namedBy[c] != "" || taken[c] || IsHub(c) {
			continue
		}
		who, _ := named(set, lib.FrameworkFile[c], false)
		if len(who) != 1 {
			continue
		}
		cands[who[0]] = append(cands[who[0]], c)
	}
	for _, p := range ps {
		cs := cands[p.ID]
		if len(cs) == 0 {
			continue
		}
		name, b, err := read(p)
		if err != nil {
			return nil, err
		}
		if len(p.Frameworks) > 0 {
			// Another part of the standard, or an edition beside the named one:
			// a person's call. Newer editions were reported above.
			for _, c := range cs {
				ce, ok := SplitEdition(c)
				older, newer := "", false
				for _, x := range p.Frameworks {
					if xe, okx := SplitEdition(x); ok && okx {
						newer = newer || ce.NewerThan(xe)
						if xe.NewerThan(ce) {
							older = x
						}
					}
				}
				switch {
				case newer:
				case older != "":
					note(p, fwLine(b), "the folder holds %s, an older edition of %s: not changed", c, older)
				default:
					note(p, fwLine(b), "%s (%s) names this standard too, but the frameworks line names %s: not added (add it by hand if it is another part)", c, lib.FrameworkFile[c].Name, strings.Join(p.Frameworks, ", "))
				}
			}
			continue
		}
		if len(cs) > 1 {
			note(p, 0, "names no framework; %s all name it: ambiguous, no frameworks line added", strings.Join(cs, ", "))
			continue
		}
		c := cs[0]
		_, which := named(set, lib.FrameworkFile[c], false)
		nb, line, err := InsertFrameworks(name, b, []string{c})
		if err != nil {
			return nil, err
		}
		edits = append(edits, FrameworkChange{Profile: p.ID, File: name, Line: line, New: []string{c},
			NewLine: lineText(nb, line), Why: []string{fmt.Sprintf("named no framework; %s (%s) is the one framework file whose name %q names %s", c, lib.FrameworkFile[c].Name, which, p.ID)}, Data: nb})
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Profile < edits[j].Profile })
	plan.Changes = edits
	if len(edits) == 0 {
		return plan, nil
	}

	// Load the whole folder again with the edits: nothing is written unless it passes.
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	mfs := fstest.MapFS{}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		mfs[e.Name()] = &fstest.MapFile{Data: b}
	}
	for _, c := range edits {
		mfs[c.File] = &fstest.MapFile{Data: c.Data}
	}
	ns, err := profile.LoadFS(mfs, ".")
	if err != nil {
		var le *profile.LoadError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("the planned frameworks changes would break the profiles: %w", err)
		}
		return nil, err
	}
	plan.Set = ns
	return plan, nil
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// lineText is 1-based line n of b, without its line break.
func lineText(b []byte, n int) string {
	off := lineStart(b, n)
	if off < 0 {
		return ""
	}
	s := string(b[off:])
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, "\r")
}
