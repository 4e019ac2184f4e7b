package cisolib

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func parseFile(t *testing.T, path string) (*File, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(filepath.Base(path), b)
}

func TestParseFramework(t *testing.T) {
	f, err := parseFile(t, "testdata/ok/alpha.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != KindFramework || f.RefID != "ALPHA" || f.Version != 3 {
		t.Fatalf("file = kind %v ref %q version %d, want framework ALPHA 3", f.Kind, f.RefID, f.Version)
	}
	fw := f.Framework
	if fw.ID != "alpha" || fw.Nodes != 4 {
		t.Errorf("framework %q with %d nodes, want alpha with 4", fw.ID, fw.Nodes)
	}
	// Node 1 says assessable: false and node 1.3 says nothing: neither is a requirement.
	if got := fw.Requirements(); got != 2 {
		t.Errorf("Requirements() = %d, want 2", got)
	}
	if !fw.Assess["urn:test:risk:req_node:alpha:1.1"] || fw.Assess["urn:test:risk:req_node:alpha:1.3"] {
		t.Errorf("assessable flags wrong: %v", fw.Assess)
	}
}

// Both mapping shapes read into the same Sets: the list of sets (one per
// direction) and the older single set.
func TestParseMappingShapes(t *testing.T) {
	sets, err := parseFile(t, "testdata/ok/mapping-sets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	single, err := parseFile(t, "testdata/ok/mapping-single.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sets.Kind != KindMapping || single.Kind != KindMapping {
		t.Fatalf("kinds %v, %v; want mappings", sets.Kind, single.Kind)
	}
	if len(sets.Sets) != 2 || len(single.Sets) != 1 {
		t.Fatalf("got %d and %d sets, want 2 and 1", len(sets.Sets), len(single.Sets))
	}
	fwd, rev := sets.Sets[0], sets.Sets[1]
	if fwd.Source != "alpha" || fwd.Target != "beta" || rev.Source != "beta" || rev.Target != "alpha" {
		t.Errorf("directions: %s→%s, %s→%s", fwd.Source, fwd.Target, rev.Source, rev.Target)
	}
	want := Entry{Source: "urn:test:risk:req_node:alpha:1.1", Target: "urn:test:risk:req_node:beta:a", Rel: Subset}
	got := single.Sets[0].Entries[0]
	got.Line = 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("single-set entry = %+v, want %+v", got, want)
	}
	if fwd.Entries[0].Line != 11 {
		t.Errorf("entry line = %d, want 11", fwd.Entries[0].Line)
	}
	if single.RefID != "mapping-alpha-to-beta" || single.Version != 1 {
		t.Errorf("single: ref %q version %d", single.RefID, single.Version)
	}
}

// A broken or partial file is an *Error naming the file, the line and the field.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		file  string
		line  int
		field string
		msg   string
	}{
		{"assessable.yaml", 10, "objects.framework.requirement_nodes[0].assessable", `want true or false, got "yes please"`},
		{"truncated.yaml", 13, "objects.requirement_mapping_sets[0].requirement_mappings[1].target_requirement_urn", "missing"},
		{"relationship.yaml", 12, "objects.requirement_mapping_set.requirement_mappings[0].relationship", `"overlaps" is not one of`},
		{"target.yaml", 8, "objects.requirement_mapping_set.target_framework_urn", "want a non-empty string, got a list"},
		// yaml.v3 places some syntax errors at the block that holds them.
		{"syntax.yaml", 4, "", "not valid YAML"},
		{"noobjects.yaml", 1, "version", "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := parseFile(t, filepath.Join("testdata/broken", tt.file))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.File != tt.file || e.Line != tt.line || e.Field != tt.field || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %s:%d field %q msg %q; want %s:%d field %q msg containing %q", e.File, e.Line, e.Field, e.Msg, tt.file, tt.line, tt.field, tt.msg)
			}
			if !strings.HasPrefix(e.Error(), tt.file+":") {
				t.Errorf("Error() = %q, want it to start with the file", e.Error())
			}
		})
	}
}

func TestReadDir(t *testing.T) {
	lib, err := ReadDir(os.DirFS("testdata/ok"), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(lib.Frameworks) != 1 || lib.Frameworks["alpha"] == nil || lib.FrameworkFile["alpha"].Name != "alpha.yaml" {
		t.Errorf("frameworks = %v", lib.Frameworks)
	}
	if len(lib.Mappings) != 2 || lib.Mappings[0].Name != "mapping-sets.yaml" {
		t.Errorf("mappings = %d, want 2 in name order", len(lib.Mappings))
	}
	if !reflect.DeepEqual(lib.Others, []string{"matrix.yaml"}) {
		t.Errorf("others = %v, want [matrix.yaml]", lib.Others)
	}
	if lib.Commit != "0123456789abcdef0123456789abcdef01234567" {
		t.Errorf("commit = %q", lib.Commit)
	}
}

// Every broken file is reported, not only the first, and nothing is returned.
func TestReadDirReportsEveryBrokenFile(t *testing.T) {
	lib, err := ReadDir(os.DirFS("testdata/broken"), ".")
	if lib != nil {
		t.Error("a library came back from a folder with broken files")
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("err = %v, want Errors", err)
	}
	if len(es) != 6 {
		t.Errorf("%d errors, want 6:\n%v", len(es), err)
	}
}

func TestReadDirDuplicateFramework(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/ok/alpha.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.yaml", "b.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err = ReadDir(os.DirFS(dir), ".")
	if err == nil || !strings.Contains(err.Error(), "b.yaml: objects.framework.urn: framework alpha is also in a.yaml") {
		t.Errorf("err = %v, want the second file named", err)
	}
}

func TestFrameworkID(t *testing.T) {
	for urn, want := range map[string]string{
		"urn:intuitem:risk:framework:iso27001-2022": "iso27001-2022",
		"urn:intuitem:risk:framework:nist-csf-2.0":  "nist-csf-2.0",
		"urn:intuitem:risk:library:iso27001-2022":   "",
		"framework:x":                  "",
		"urn:intuitem:risk:framework:": "",
	} {
		got, ok := FrameworkID(urn)
		if got != want || ok != (want != "") {
			t.Errorf("FrameworkID(%q) = %q, %v; want %q", urn, got, ok, want)
		}
	}
}

// FuzzParse: no input panics; an error is always an *Error for the file; a
// parsed file is internally consistent.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/ok", "testdata/broken"} {
		ents, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".yaml") {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "fuzz.yaml" || e.Msg == "" || e.Line < 0 {
				t.Fatalf("err = %#v, want an *Error naming fuzz.yaml", err)
			}
			return
		}
		switch file.Kind {
		case KindFramework:
			fw := file.Framework
			if fw == nil || fw.ID == "" || fw.Nodes != len(fw.Assess) || fw.Requirements() > fw.Nodes {
				t.Fatalf("inconsistent framework %+v", fw)
			}
		case KindMapping:
			if len(file.Sets) == 0 {
				t.Fatal("a mapping with no sets")
			}
			for _, s := range file.Sets {
				if s.Source == "" || s.Target == "" || s.Source == s.Target {
					t.Fatalf("set %q maps %q to %q", s.RefID, s.Source, s.Target)
				}
				for _, e := range s.Entries {
					if !e.Rel.valid() || e.Source == "" || e.Target == "" {
						t.Fatalf("bad entry %+v", e)
					}
				}
			}
		}
	})
}

// TestParseNamesAndProvider: the names and provider the frameworks plan
// reads are optional, and a wrong type names its line and field.
func TestParseNamesAndProvider(t *testing.T) {
	const head = "urn: urn:t:risk:library:x\nref_id: X-1\nversion: 1\n"
	const body = "objects:\n  framework:\n    urn: urn:t:risk:framework:x-1\n    ref_id: X v1\n    name: The X framework\n    requirement_nodes: []\n"
	f, err := Parse("x.yaml", []byte(head+"name: X library\nprovider: X Body\n"+body))
	if err != nil {
		t.Fatal(err)
	}
	if f.LibName != "X library" || f.Provider != "X Body" || f.Framework.Name != "The X framework" || f.Framework.RefID != "X v1" {
		t.Fatalf("got %+v / %+v", f, f.Framework)
	}
	if f, err = Parse("x.yaml", []byte(head+body)); err != nil || f.LibName != "" || f.Provider != "" {
		t.Fatalf("without name and provider: %v, %+v", err, f)
	}
	_, err = Parse("x.yaml", []byte(head+"provider: [a, b]\n"+body))
	var e *Error
	if !errors.As(err, &e) || e.Line != 4 || e.Field != "provider" {
		t.Fatalf("err %v, want x.yaml:4 provider", err)
	}
}
