package overlap

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/versus-dev/versus/internal/overlap/cisolib"
	"github.com/versus-dev/versus/internal/profile"
)

const (
	editionsLib  = "testdata/editions"
	testProfiles = "../validate/testdata/profiles"
)

// library reads the named files of testdata/editions as one folder.
func library(t *testing.T, files ...string) *cisolib.Library {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(editionsLib, f))
		if err != nil {
			t.Fatal(err)
		}
		m[f] = &fstest.MapFile{Data: b}
	}
	lib, err := cisolib.ReadDir(m, ".")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// profilesWith copies the test profiles, giving each named one a
// frameworks line before its industries line.
func profilesWith(t *testing.T, fws map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	ents, err := os.ReadDir(testProfiles)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(testProfiles, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if fw, ok := fws[strings.TrimSuffix(e.Name(), ".yaml")]; ok {
			b = bytes.Replace(b, []byte("\nindustries:"), []byte("\nframeworks: "+fw+"\nindustries:"), 1)
		}
		m[e.Name()] = &fstest.MapFile{Data: b}
	}
	return m
}

func TestPlanFrameworks(t *testing.T) {
	type change struct {
		profile  string
		old, new []string
	}
	for _, tc := range []struct {
		name    string
		files   []string
		fws     map[string]string // profile → its frameworks line's value
		changes []change
		notes   []string // substrings, one per note, in order
	}{
		{name: "named id present: kept, newer edition noted",
			files: []string{"iso27001-2022.yaml", "iso27001-2030.yaml"}, fws: map[string]string{"iso-27001": "[iso27001-2022]"},
			notes: []string{"iso-27001: names iso27001-2022, which the folder holds; it also holds the newer iso27001-2030"}},
		{name: "renamed to the one newer edition whose names name the profile",
			files: []string{"iso27001-2030.yaml"}, fws: map[string]string{"iso-27001": "[iso27001-2022]"},
			changes: []change{{"iso-27001", []string{"iso27001-2022"}, []string{"iso27001-2030"}}},
			notes:   []string{`iso-27001: now names iso27001-2030: check the profile's edition ("2022")`}},
		{name: "two newer editions: ambiguous",
			files: []string{"iso27001-2030.yaml", "iso27001-2031.yaml"}, fws: map[string]string{"iso-27001": "[iso27001-2022]"},
			notes: []string{"iso27001-2022 has no framework file here, and iso27001-2030, iso27001-2031 are all newer editions of it: ambiguous"}},
		{name: "newer by id only: its names name no profile",
			files: []string{"other-2040.yaml"}, fws: map[string]string{"iso-27001": "[iso27001-2022]"},
			notes: []string{`iso27001-2040 (other-2040.yaml) is newer by its id, but none of its names ("Other catalogue 2040", "Another catalogue") names iso-27001`}},
		{name: "another edition scheme is not an edition",
			files: []string{"iso27001-v3.yaml"}, fws: map[string]string{"iso-27001": "[iso27001-2022]"}},
		{name: "older edition is no candidate",
			files: []string{"iso27001-2022.yaml"}, fws: map[string]string{"iso-27001": "[iso27001-2030]"},
			notes: []string{"iso-27001: the folder holds iso27001-2022, an older edition of iso27001-2030: not changed"}},
		{name: "newer edition already named by another profile",
			files: []string{"iso27001-2030.yaml"}, fws: map[string]string{"iso-27001": "[iso27001-2022]", "gdpr": "[iso27001-2030]"},
			notes: []string{"iso-27001: iso27001-2022 has no framework file here; its newer edition iso27001-2030 is already named by gdpr"}},
		{name: "a profile with no frameworks gets the one framework naming it",
			files:   []string{"gdpr.yaml", "iso27001-2022.yaml"},
			changes: []change{{"gdpr", nil, []string{"gdpr"}}, {"iso-27001", nil, []string{"iso27001-2022"}}}},
		{name: "two frameworks name a profile with none: ambiguous",
			files: []string{"iso31000-2018.yaml", "iso31000-guide.yaml"},
			notes: []string{"iso-31000: names no framework; iso31000-2018, iso31000-guide all name it: ambiguous"}},
		{name: "a profile that names frameworks gets no extra one",
			files: []string{"gdpr.yaml"}, fws: map[string]string{"gdpr": "[ghost]"},
			notes: []string{"gdpr: gdpr (gdpr.yaml) names this standard too, but the frameworks line names ghost: not added"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pf := profilesWith(t, tc.fws)
			set, err := profile.LoadFS(pf, ".")
			if err != nil {
				t.Fatal(err)
			}
			plan, err := PlanFrameworks(library(t, tc.files...), set, pf, ".")
			if err != nil {
				t.Fatal(err)
			}
			var got []change
			for _, c := range plan.Changes {
				got = append(got, change{c.Profile, c.Old, c.New})
				p, _ := plan.Set.Get(c.Profile)
				if !reflect.DeepEqual(p.Frameworks, c.New) {
					t.Errorf("%s: the checked set names %v, want %v", c.Profile, p.Frameworks, c.New)
				}
			}
			if !reflect.DeepEqual(got, tc.changes) {
				t.Errorf("changes %+v, want %+v", got, tc.changes)
			}
			if len(plan.Notes) != len(tc.notes) {
				t.Fatalf("notes %+v, want %d", plan.Notes, len(tc.notes))
			}
			for i, n := range plan.Notes {
				if s := n.Profile + ": " + n.Msg; !strings.Contains(s, tc.notes[i]) {
					t.Errorf("note %q lacks %q", s, tc.notes[i])
				}
			}
		})
	}
}

func TestSplitEdition(t *testing.T) {
	for _, tc := range []struct {
		id    string
		stem  string
		ok    bool
		newer []string // ids newer than id
		not   []string // ids that are not
	}{
		{"cis-controls-v8", "cis-controls", true, []string{"cis-controls-v8.1", "cis-controls-v9"}, []string{"cis-controls-v8.0", "cis-controls-8.1", "cis-control-v9", "cis-controls-v7.9"}},
		{"iso27001-2013", "iso27001", true, []string{"iso27001-2022"}, []string{"iso27001-v2022", "iso27002-2022", "iso27001_2022"}},
		{"nist-800-171-rev2", "nist-800-171", true, []string{"nist-800-171-rev3"}, []string{"nist-800-171-r3", "nist-800-53-rev5", "nist-800-171-3"}},
		{"pcidss-4_0", "pcidss", true, []string{"pcidss-4_0_1", "pcidss-5"}, []string{"pcidss-4.0.1", "pcidss-4"}},
		{"nist-csf-1.1", "nist-csf", true, []string{"nist-csf-2.0"}, []string{"nist-csf-1.1", "nist-csf-1.0.9"}},
		{"iec-62443-3-3-2013", "iec-62443-3-3", true, []string{"iec-62443-3-3-2024"}, []string{"iec-62443-2-1-2024"}},
		{"foo-2", "foo", true, []string{"foo-3"}, []string{"foo-2013"}},
		{"gdpr", "", false, nil, nil},
		{"itil4", "", false, nil, nil},
		{"cyber_essentials_requirements_for_it_infrastructure", "", false, nil, nil},
	} {
		e, ok := SplitEdition(tc.id)
		if ok != tc.ok || e.Stem != tc.stem {
			t.Errorf("SplitEdition(%q) = %+v, %v; want stem %q, %v", tc.id, e, ok, tc.stem, tc.ok)
			continue
		}
		for _, n := range tc.newer {
			if ne, ok := SplitEdition(n); !ok || !ne.NewerThan(e) {
				t.Errorf("%s is not newer than %s", n, tc.id)
			}
		}
		for _, n := range tc.not {
			if ne, ok := SplitEdition(n); ok && ne.NewerThan(e) {
				t.Errorf("%s counts as newer than %s", n, tc.id)
			}
		}
	}
}

func FuzzSplitEdition(f *testing.F) {
	for _, s := range []string{"cis-controls-v8.1", "pcidss-4_0", "nist-800-171-rev3", "gdpr", "a-1.2_3", "x-99999999999"} {
		f.Add(s, "cis-controls-v8")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ea, oka := SplitEdition(a)
		eb, okb := SplitEdition(b)
		if !oka || !okb {
			return
		}
		if ea.NewerThan(eb) && eb.NewerThan(ea) {
			t.Fatalf("%q and %q are each newer than the other", a, b)
		}
		if ea.NewerThan(ea) {
			t.Fatalf("%q is newer than itself", a)
		}
		if !strings.HasPrefix(a, ea.Stem) {
			t.Fatalf("stem %q is not a prefix of %q", ea.Stem, a)
		}
	})
}

// TestShippedProfilesNeedNoFrameworkChange plans the frameworks lines of the
// profiles in profiles/ against the library in ../shared: none must change,
// and any note is listed, so a newer library shows here what it would do.
func TestShippedProfilesNeedNoFrameworkChange(t *testing.T) {
	if _, err := os.Stat(sharedLibrary); err != nil {
		t.Skipf("no CISO Assistant library at %s (%v): the profiles' frameworks are not checked against it", sharedLibrary, err)
	}
	lib, err := cisolib.ReadDir(os.DirFS(sharedLibrary), ".")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "profiles")
	set, err := profile.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := PlanFrameworks(lib, set, os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range plan.Changes {
		t.Errorf("%s:%d would change: %q → %q (%s)", c.File, c.Line, c.OldLine, c.NewLine, strings.Join(c.Why, "; "))
	}
	for _, n := range plan.Notes {
		t.Errorf("%s:%d: %s", n.File, n.Line, n.Msg)
	}
	if plan.Set != set {
		t.Error("with no change the plan must keep the loaded profiles")
	}
}

// TestRealLibraryEditions runs the edition rule on the real library with
// shipped profiles turned back to older editions, in memory.
func TestRealLibraryEditions(t *testing.T) {
	if _, err := os.Stat(sharedLibrary); err != nil {
		t.Skipf("no CISO Assistant library at %s (%v): the edition rule is not tried on it", sharedLibrary, err)
	}
	lib, err := cisolib.ReadDir(os.DirFS(sharedLibrary), ".")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "profiles")
	pf := fstest.MapFS{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	back := map[string][2]string{ // profile → its frameworks value now, and an older one
		"iso-27001":    {"[iso27001-2022]", "[iso27001-2013]"},         // no file: renamed to 2022
		"nist-800-171": {"[nist-800-171-rev3]", "[nist-800-171-rev2]"}, // the file is there: kept, rev3 noted
		"nist-csf":     {"[nist-csf-2.0]", "[nist-csf-1.0]"},           // 1.1 and 2.0 newer: ambiguous
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := back[strings.TrimSuffix(e.Name(), ".yaml")]; ok {
			if !bytes.Contains(b, []byte("frameworks: "+r[0])) {
				t.Fatalf("%s no longer names %s", e.Name(), r[0])
			}
			b = bytes.Replace(b, []byte("frameworks: "+r[0]), []byte("frameworks: "+r[1]), 1)
		}
		pf[e.Name()] = &fstest.MapFile{Data: b}
	}
	set, err := profile.LoadFS(pf, ".")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := PlanFrameworks(lib, set, pf, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 1 || plan.Changes[0].Profile != "iso-27001" || plan.Changes[0].NewLine != "frameworks: [iso27001-2022]" {
		t.Fatalf("changes %+v, want iso-27001 back to iso27001-2022", plan.Changes)
	}
	var notes []string
	for _, n := range plan.Notes {
		notes = append(notes, n.Profile+": "+n.Msg)
	}
	want := []string{
		"nist-800-171: names nist-800-171-rev2, which the folder holds; it also holds the newer nist-800-171-rev3",
		"nist-csf: nist-csf-1.0 has no framework file here, and nist-csf-1.1, nist-csf-2.0 are all newer editions of it: ambiguous",
	}
	if len(notes) != len(want) {
		t.Fatalf("notes %q, want %q", notes, want)
	}
	for i := range want {
		if !strings.HasPrefix(notes[i], want[i]) {
			t.Errorf("note %q, want %q…", notes[i], want[i])
		}
	}
}
