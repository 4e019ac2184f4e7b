package profile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/versus-dev/versus/internal/finding"
)

// want is one finding a broken case must produce.
type want struct {
	file  string // base name
	line  int
	field string
	rule  string
}

func (w want) String() string { return fmt.Sprintf("%s:%d %s %s", w.file, w.line, w.field, w.rule) }

// TestLoadBroken checks that each broken case reports exactly the expected
// errors, each with its file, line and field, and all of them at once.
func TestLoadBroken(t *testing.T) {
	cases := []struct {
		dir  string
		want []want
	}{
		{"missing-field", []want{{"ex-100.yaml", 1, "issuer", "profile.required"}}},
		{"wrong-type", []want{
			{"ex-100.yaml", 7, "year", "profile.type"},
			{"ex-100.yaml", 9, "certifiable", "profile.type"},
		}},
		{"unknown-field", []want{
			{"ex-100.yaml", 1, "short_name", "profile.required"},
			{"ex-100.yaml", 3, "shortname", "profile.unknown-field"},
			{"ex-100.yaml", 10, "mandatory.since", "profile.unknown-field"},
		}},
		{"duplicate-id", []want{
			{"ex-101.yaml", 1, "id", "profile.duplicate-id"},
			{"ex-101.yaml", 1, "id", "profile.id-filename"},
		}},
		{"alias-conflict", []want{{"ex-200.yaml", 4, "aliases[1]", "profile.alias-conflict"}}},
		{"four-features", []want{{"ex-100.yaml", 15, "key_features", "profile.key-features-count"}}},
		{"id-filename", []want{{"ex-999.yaml", 1, "id", "profile.id-filename"}}},
		{"related-unknown", []want{{"ex-100.yaml", 34, "related[0]", "profile.related-unknown"}}},
		{"yaml-syntax", []want{{"ex-100.yaml", 8, "", "profile.yaml-syntax"}}},
		{"duplicate-key", []want{{"ex-100.yaml", 12, "jurisdiction", "profile.duplicate-key"}}},
		{"length", []want{
			{"ex-100.yaml", 13, "scope", "profile.empty"},
			{"ex-100.yaml", 14, "tagline", "profile.length"},
		}},
		{"semantic", []want{
			{"ex-100.yaml", 8, "kind", "profile.enum"},
			{"ex-100.yaml", 10, "mandatory.for", "profile.mandatory-for"},
		}},
		{"empty", []want{{"ex-100.yaml", 1, "", "profile.empty"}}},
		{"grammar", []want{
			{"ex-100.yaml", 4, "grammar.article", "profile.enum"},
			{"ex-100.yaml", 4, "grammar.plural", "profile.type"},
			{"ex-100.yaml", 4, "grammar.number", "profile.unknown-field"},
		}},
		{"grammar-double", []want{{"ex-100.yaml", 5, "grammar.article", "profile.grammar"}}},
		{"relation-unknown", []want{{"ex-100.yaml", 36, "relations[0].with", "profile.relation-unknown"}}},
		{"relation-self", []want{{"ex-100.yaml", 36, "relations[0].with", "profile.relation-self"}}},
		{"relation-one-sided", []want{{"ex-100.yaml", 37, "relations[0].kind", "profile.relation-one-sided"}}},
		{"relation-disagree", []want{
			{"ex-100.yaml", 38, "relations[0].scope", "profile.relation-disagree"},
			{"ex-200.yaml", 36, "relations[0].scope", "profile.relation-disagree"},
		}},
		{"relation-wrong-inverse", []want{
			{"ex-100.yaml", 37, "relations[0].kind", "profile.relation-one-sided"},
			{"ex-200.yaml", 37, "relations[0].kind", "profile.relation-one-sided"},
			{"ex-200.yaml", 37, "relations[0].kind", "profile.relation-contradiction"},
		}},
		{"relation-contradiction", []want{{"ex-100.yaml", 41, "relations[1].kind", "profile.relation-contradiction"}}},
		{"relation-supersedes-both", []want{{"ex-100.yaml", 41, "relations[1].kind", "profile.relation-contradiction"}}},
		{"many", []want{
			{"ex-100.yaml", 1, "issuer", "profile.required"},
			{"ex-200.yaml", 15, "key_features", "profile.key-features-count"},
			{"ex-200.yaml", 33, "related[0]", "profile.related-unknown"},
		}},
	}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", "broken", c.dir)
			set, err := Load(dir)
			if set != nil {
				t.Errorf("got a Set despite errors")
			}
			var lerr *LoadError
			if !errors.As(err, &lerr) {
				t.Fatalf("err = %v, want *LoadError", err)
			}
			var got []string
			for _, f := range lerr.Findings {
				if f.Severity != finding.Error {
					continue
				}
				if filepath.Dir(f.File) != dir {
					t.Errorf("finding file %q is not in %s", f.File, dir)
				}
				if f.Message == "" {
					t.Errorf("finding %s has no message", f.Rule)
				}
				got = append(got, want{filepath.Base(f.File), f.Line, f.Field, f.Rule}.String())
			}
			var exp []string
			for _, w := range c.want {
				exp = append(exp, w.String())
			}
			sort.Strings(got)
			sort.Strings(exp)
			if strings.Join(got, "\n") != strings.Join(exp, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(exp, "\n"))
			}
			if !strings.Contains(lerr.Error(), c.want[0].rule) {
				t.Errorf("error message does not list %s:\n%s", c.want[0].rule, lerr.Error())
			}
		})
	}
}

func TestAliasConflictNamesBothFiles(t *testing.T) {
	_, err := Load("testdata/broken/alias-conflict")
	var lerr *LoadError
	if !errors.As(err, &lerr) || len(lerr.Findings) == 0 {
		t.Fatalf("err = %v", err)
	}
	f := lerr.Findings[0]
	if !strings.Contains(f.File, "ex-200.yaml") || !strings.Contains(f.Message, "ex-100.yaml") {
		t.Errorf("finding %s does not name both files", f)
	}
}

// A number in prose that `numbers` does not list is a warning: Load succeeds
// and the Set carries it.
func TestNumberUnlistedIsWarning(t *testing.T) {
	set, err := Load("testdata/broken/number-unlisted")
	if err != nil {
		t.Fatal(err)
	}
	fs := set.Findings()
	if len(fs) != 1 {
		t.Fatalf("findings = %v, want one", fs)
	}
	f := fs[0]
	if f.Rule != "profile.number-unlisted" || f.Severity != finding.Warning || f.Field != "why_used[0]" || f.Line != 28 || !strings.Contains(f.Message, "42") {
		t.Errorf("got %+v", f)
	}
}

func TestProseNumbers(t *testing.T) {
	set := mustLoad(t)
	cases := []struct {
		text string
		want []string
	}{
		{"ISO/IEC 27001:2022 lists 93 controls in 4 themes.", []string{"93", "4"}},
		{"Fines up to EUR 20 million or 4% of turnover.", []string{"20", "4"}},
		{"Article 32 and Section 404 and Level 2 name parts.", nil},
		{"NIST SP 800-53 Rev. 5 and SL4 and 3PAO and A.5.1 are names.", nil},
		{"It has 1,189 items and 1.4% more.", []string{"1,189", "1.4"}},
	}
	for _, c := range cases {
		var got []string
		for _, h := range proseNumbers(set, c.text) {
			got = append(got, h.raw)
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%q: got %v, want %v", c.text, got, c.want)
		}
	}
	hits := proseNumbers(set, "up to EUR 20 million")
	if len(hits) != 1 || !listed([]float64{20000000}, hits[0].values...) {
		t.Errorf("20 million not read as 20000000: %+v", hits)
	}
}

func TestLoadFSAndHash(t *testing.T) {
	a, err := Load("testdata/valid-min")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/valid-min/ex-100.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data2, _ := os.ReadFile("testdata/valid-min/ex-200.yaml")
	// Same facts, different layout: comments and a reflowed list.
	reformatted := "# a comment\n" + strings.Replace(string(data), "industries: [All sectors]", "industries:\n  - All sectors", 1)
	b, err := LoadFS(fstest.MapFS{
		"p/ex-100.yaml": {Data: []byte(reformatted)},
		"p/ex-200.yaml": {Data: data2},
		"p/README.md":   {Data: []byte("not a profile")},
	}, "p")
	if err != nil {
		t.Fatal(err)
	}
	pa, _ := a.Get("ex-100")
	pb, _ := b.Get("ex-100")
	if pa.Hash == "" || pa.Hash != pb.Hash || a.Hash() != b.Hash() {
		t.Errorf("reformatting changed the hash: %s vs %s", pa.Hash, pb.Hash)
	}
	if pb.File != "p/ex-100.yaml" {
		t.Errorf("File = %q", pb.File)
	}
	changed := strings.Replace(string(data), "year: 2020", "year: 2021", 1)
	changed = strings.Replace(changed, `edition: "2020"`, `edition: "2021"`, 1)
	c, err := LoadFS(fstest.MapFS{"p/ex-100.yaml": {Data: []byte(changed)}, "p/ex-200.yaml": {Data: data2}}, "p")
	if err != nil {
		t.Fatal(err)
	}
	pc, _ := c.Get("ex-100")
	if pc.Hash == pa.Hash || c.Hash() == a.Hash() {
		t.Error("a changed fact did not change the hash")
	}
	if got := a.All(); len(got) != 2 || got[0].ID != "ex-100" || got[1].ID != "ex-200" {
		t.Errorf("All not ordered by id: %v", got)
	}
	if _, ok := a.Get("ex-300"); ok {
		t.Error("Get found a missing id")
	}
}

func TestLoadCannotRun(t *testing.T) {
	_, err := Load("testdata/does-not-exist")
	var lerr *LoadError
	if err == nil || errors.As(err, &lerr) {
		t.Errorf("missing dir: err = %v, want a plain error", err)
	}
	_, err = LoadFS(fstest.MapFS{"p/notes.txt": {Data: []byte("x")}}, "p")
	if err == nil || errors.As(err, &lerr) {
		t.Errorf("no profiles: err = %v, want a plain error", err)
	}
}

func TestPairs(t *testing.T) {
	set := mustLoad(t)
	n := set.Len()
	pairs := set.Pairs()
	if len(pairs) != n*(n-1)/2 {
		t.Fatalf("%d pairs for %d profiles", len(pairs), n)
	}
	seen := map[string]bool{}
	for _, p := range pairs {
		if p[0].ID >= p[1].ID {
			t.Fatalf("pair %s %s not ordered", p[0].ID, p[1].ID)
		}
		k := p[0].ID + " " + p[1].ID
		if seen[k] {
			t.Fatalf("pair %s twice", k)
		}
		seen[k] = true
	}
	again := set.Pairs()
	for i := range pairs {
		if pairs[i] != again[i] {
			t.Fatal("Pairs order is not stable")
		}
	}
}

func TestNewSetRefusesConflicts(t *testing.T) {
	a := &Profile{ID: "a-1", ShortName: "Alpha", Name: "Alpha Standard"}
	b := &Profile{ID: "b-1", ShortName: "Beta", Name: "Beta Standard", Aliases: []string{"ALPHA"}}
	if _, err := NewSet(a, b); err == nil || !strings.Contains(err.Error(), "ALPHA") {
		t.Errorf("err = %v, want a name conflict", err)
	}
	if _, err := NewSet(a, &Profile{ID: "a-1", ShortName: "Other"}); err == nil {
		t.Error("duplicate id accepted")
	}
}

func mustLoad(t testing.TB) *Set {
	t.Helper()
	set, err := Load(realProfilesDir)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// FuzzLoad feeds arbitrary bytes to the loader as a profile file: it must
// never panic, and every finding must say which file it is about.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata/valid-min", "testdata/broken/many", "testdata/broken/wrong-type", "testdata/broken/yaml-syntax"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("a: &a [*a, *a]\nb: *a\n"))
	f.Add([]byte("id: [\n"))
	f.Add([]byte("- 1\n- 2\n"))
	f.Add([]byte("id: x\n---\nid: y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := LoadFS(fstest.MapFS{"p/fz.yaml": {Data: data}}, "p")
		var lerr *LoadError
		if errors.As(err, &lerr) {
			for _, fd := range lerr.Findings {
				if fd.File == "" || fd.Rule == "" {
					t.Fatalf("finding without file or rule: %+v", fd)
				}
			}
		}
	})
}

// A relation held on both sides loads; each side records its line, and the
// pair reads the same from either end.
func TestRelationsBothSides(t *testing.T) {
	set, err := Load("testdata/valid-relations")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := set.Get("ex-100")
	if len(a.Relations) != 1 || a.Relations[0].Line != 36 {
		t.Fatalf("ex-100 relations = %+v, want one on line 36", a.Relations)
	}
	ab, ba := set.Relations("ex-100", "ex-200"), set.Relations("ex-200", "ex-100")
	if len(ab) != 1 || ab[0].Kind != RelBuiltOn || ab[0].With != "ex-200" {
		t.Errorf("Relations(ex-100, ex-200) = %+v", ab)
	}
	if len(ba) != 1 || ba[0].Kind != RelBasisFor || ba[0].With != "ex-100" {
		t.Errorf("Relations(ex-200, ex-100) = %+v", ba)
	}
	if set.Relations("ex-100", "nope") != nil {
		t.Error("relations with an unknown standard")
	}
}

func TestConflict(t *testing.T) {
	cases := []struct {
		x, y RelationKind
		want bool
	}{
		{RelBuiltOn, RelBasisFor, true},
		{RelSupersedes, RelSupersededBy, true},
		{RelAlternative, RelBuiltOn, true},
		{RelBasisFor, RelAlternative, true},
		{RelTakesPrecedence, RelYieldsTo, true},
		{RelAlternative, RelSupportsEvidence, false},
		{RelBuiltOn, RelAssessedAgainst, false},
		{RelAlternative, RelAlternative, false},
		{RelGuidanceFor, RelBuiltOn, false},
	}
	for _, c := range cases {
		if _, got := Conflict("a", "b", c.x, c.y); got != c.want {
			t.Errorf("Conflict(%s, %s) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}
