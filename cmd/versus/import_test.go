package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/overlap"
)

const testLibrary = "../../internal/overlap/testdata/lib"

func runImportCmd(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return runCmd(t, newImportCmd(), args...)
}

// importProfiles copies the validate test profiles and names frameworks of
// the test library in them: gdpr → alpha, iso-27001 → beta and ghost (mapped,
// no file), iso-31000 → delta (through the hub) and nowhere (unknown).
func importProfiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for id, fws := range map[string]string{"gdpr": "[alpha]", "iso-27001": "[beta, ghost]", "iso-31000": "[delta, nowhere]"} {
		b, err := os.ReadFile(filepath.Join(testProfiles, id+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(b), "\njurisdiction:", "\nframeworks: "+fws+"\njurisdiction:", 1)
		if err := os.WriteFile(filepath.Join(dir, id+".yaml"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func copyDir(t *testing.T, from string) string {
	t.Helper()
	dir := t.TempDir()
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestImportCommand(t *testing.T) {
	profiles := importProfiles(t)
	out := filepath.Join(t.TempDir(), "overlap.json")

	// First import: every pair with a path is added, and the file is written.
	got, code := runImportCmd(t, "ciso-assistant", testLibrary, "--out", out, "--profiles", profiles)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, got)
	}
	for _, want := range []string{
		"read " + testLibrary + ": 6 framework files, 5 mapping files, 0 other files skipped (upstream commit 89abcdef0123456789abcdef0123456789abcdef)",
		"pair added: gdpr vs iso-27001: alpha 2 of 3 mapped, beta 2 of 2 mapped; direct (equal 1, subset 1, superset 0, intersect 1) [mapping-alpha-and-beta v2]",
		"pair added: gdpr vs iso-31000: alpha 2 of 3 mapped, delta 2 of 2 mapped; through scf-test",
		"path added: alpha ~ delta via scf-test",
		"missing: iso-27001 names ghost: " + testLibrary + " has no framework file for it; mappings name it, so its total is unknown",
		"missing: iso-31000 names nowhere: " + testLibrary + " neither holds nor maps it; no figures",
		"3 pairs: 1 with direct figures, 1 through a hub; 2 added, 0 removed, 0 changed",
		"wrote " + out,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "iso-27001 vs iso-31000") {
		t.Errorf("a pair with no path is reported:\n%s", got)
	}
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	d, err := overlap.Parse(written)
	if err != nil || d.Source.Commit != "89abcdef0123456789abcdef0123456789abcdef" {
		t.Fatalf("written data: %v, %+v", err, d)
	}

	// Again: nothing changes.
	got, code = runImportCmd(t, "ciso-assistant", testLibrary, "--out", out, "--profiles", profiles)
	if code != 0 || !strings.Contains(got, "0 added, 0 removed, 0 changed") || !strings.Contains(got, out+" is up to date") {
		t.Fatalf("second import: exit %d:\n%s", code, got)
	}

	// A changed mapping changes one pair's figures; a dry run writes nothing.
	lib := copyDir(t, testLibrary)
	m := filepath.Join(lib, "mapping-alpha-and-beta.yaml")
	b, err := os.ReadFile(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m, bytes.Replace(b, []byte("version: 2"), []byte("version: 3"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	got, code = runImportCmd(t, "ciso-assistant", lib, "--out", out, "--profiles", profiles, "--dry-run")
	if code != 0 || !strings.Contains(got, "pair changed: gdpr vs iso-27001:") || !strings.Contains(got, "now alpha 2 of 3 mapped, beta 2 of 2 mapped; direct (equal 1, subset 1, superset 0, intersect 1) [mapping-alpha-and-beta v3]") ||
		!strings.Contains(got, "0 added, 0 removed, 1 changed") || !strings.Contains(got, "dry run: "+out+" not written") {
		t.Fatalf("changed mapping, dry run: exit %d:\n%s", code, got)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(after, written) {
		t.Error("a dry run changed the data file")
	}

	// Removing the hub's mapping removes the hub pair.
	if err := os.Remove(filepath.Join(lib, "mapping-delta-and-scf-test.yaml")); err != nil {
		t.Fatal(err)
	}
	got, code = runImportCmd(t, "ciso-assistant", lib, "--out", out, "--profiles", profiles)
	if code != 0 || !strings.Contains(got, "pair removed: gdpr vs iso-31000: was alpha 2 of 3 mapped, delta 2 of 2 mapped; through scf-test") {
		t.Fatalf("removed mapping: exit %d:\n%s", code, got)
	}
}

// A broken file: exit 1, the file, line and field named, nothing written.
func TestImportCommandBrokenFile(t *testing.T) {
	profiles := importProfiles(t)
	out := filepath.Join(t.TempDir(), "overlap.json")
	if err := os.WriteFile(out, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	lib := copyDir(t, testLibrary)
	m := filepath.Join(lib, "mapping-beta-to-gamma.yaml")
	b, err := os.ReadFile(m)
	if err != nil {
		t.Fatal(err)
	}
	// Cut the file in the middle of its last entry, as a partial download would.
	cut := b[:bytes.LastIndex(b, []byte("      target_requirement_urn"))]
	if err := os.WriteFile(m, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	got, code := runImportCmd(t, "ciso-assistant", lib, "--out", out, "--profiles", profiles)
	want := filepath.Join(lib, "mapping-beta-to-gamma.yaml") + ":16: objects.requirement_mapping_set.requirement_mappings[2].target_requirement_urn: missing"
	if code != 1 || !strings.Contains(got, want) || !strings.Contains(got, "nothing written") {
		t.Fatalf("exit %d, want 1 and %q:\n%s", code, want, got)
	}
	if after, _ := os.ReadFile(out); string(after) != "keep me" {
		t.Error("the data file was written despite a broken library file")
	}
}

func TestImportCommandCannotRun(t *testing.T) {
	profiles := importProfiles(t)
	tmp := t.TempDir()
	for name, args := range map[string][]string{
		"no such folder":    {"ciso-assistant", filepath.Join(tmp, "nope"), "--out", filepath.Join(tmp, "o.json"), "--profiles", profiles},
		"no folder for out": {"ciso-assistant", testLibrary, "--out", filepath.Join(tmp, "nope", "o.json"), "--profiles", profiles},
		"bad profiles":      {"ciso-assistant", testLibrary, "--out", filepath.Join(tmp, "o.json"), "--profiles", filepath.Join(tmp, "nope")},
		"no folder named":   {"ciso-assistant"},
		"unknown source":    {"cisco", testLibrary},
		"no source":         {},
		"bad flag":          {"ciso-assistant", testLibrary, "--bogus"},
		"empty folder":      {"ciso-assistant", tmp, "--out", filepath.Join(tmp, "o.json"), "--profiles", profiles},
	} {
		t.Run(name, func(t *testing.T) {
			got, code := runImportCmd(t, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2:\n%s", code, got)
			}
		})
	}
}

// The real library, when present, imports clean onto the embedded data.
func TestImportCommandSharedLibrary(t *testing.T) {
	lib := filepath.Join("..", "..", "..", "shared", "ciso-assistant-library")
	if _, err := os.Stat(lib); err != nil {
		t.Skipf("no CISO Assistant library at %s (%v)", lib, err)
	}
	out := filepath.Join(t.TempDir(), "overlap.json")
	embedded, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(overlap.DataFile)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, embedded, 0o644); err != nil {
		t.Fatal(err)
	}
	got, code := runImportCmd(t, "ciso-assistant", lib, "--out", out, "--profiles", filepath.Join("..", "..", "profiles"))
	if code != 0 || !strings.Contains(got, "496 pairs: 9 with direct figures, 23 through a hub; 0 added, 0 removed, 0 changed") ||
		!strings.Contains(got, "missing: cis-controls names cis-controls-v8") {
		t.Fatalf("exit %d:\n%s", code, got)
	}
}
