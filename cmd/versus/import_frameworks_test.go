package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/overlap"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const editionsLibrary = "../../internal/overlap/testdata/editions"

// editionsSetup makes a library folder of some of the edition fixtures and a
// copy of the test profiles in which iso-27001 names iso27001-2022 (whose
// file the folder lacks: iso27001-2030 replaces it) and gdpr names nothing
// (gdpr.yaml names it); iso-31000 is named by two files (ambiguous).
func editionsSetup(t *testing.T, fw2022 string) (lib, profiles string) {
	t.Helper()
	lib = t.TempDir()
	for _, f := range []string{"iso27001-2030.yaml", "gdpr.yaml", "mapping-gdpr-and-iso27001-2030.yaml", "iso31000-2018.yaml", "iso31000-guide.yaml"} {
		b, err := os.ReadFile(filepath.Join(editionsLibrary, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(lib, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	profiles = copyDir(t, testProfiles)
	p := filepath.Join(profiles, "iso-27001.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("\nindustries:"), []byte("\nframeworks: "+fw2022+"  # kept comment\nindustries:"), 1)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return lib, profiles
}

func readAll(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}

// TestImportFrameworksDryRun checks the dry run's whole output against
// testdata/import-frameworks-dry-run.golden (go test -run
// TestImportFrameworksDryRun -update rewrites it), and that it writes nothing.
func TestImportFrameworksDryRun(t *testing.T) {
	lib, profiles := editionsSetup(t, "[iso27001-2022]")
	out := filepath.Join(t.TempDir(), "overlap.json")
	before := readAll(t, profiles)
	got, code := runImportCmd(t, "ciso-assistant", lib, "--out", out, "--profiles", profiles, "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, got)
	}
	got = strings.NewReplacer(lib, "LIB", profiles, "PROFILES", filepath.Dir(out), "OUT").Replace(got)
	golden := filepath.Join("testdata", "import-frameworks-dry-run.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("dry run output differs from %s (-update rewrites it):\n%s", golden, got)
	}
	after := readAll(t, profiles)
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("a dry run changed %s", name)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a dry run wrote the data file")
	}
}

// TestImportFrameworksWrites runs the import for real: the changed profiles
// differ from before only in their frameworks line, the figures use the new
// ids, `profiles check` passes, and a second import changes nothing.
func TestImportFrameworksWrites(t *testing.T) {
	lib, profiles := editionsSetup(t, "[iso27001-2022]")
	out := filepath.Join(t.TempDir(), "overlap.json")
	before := readAll(t, profiles)
	got, code := runImportCmd(t, "ciso-assistant", lib, "--out", out, "--profiles", profiles)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, got)
	}
	after := readAll(t, profiles)
	// iso-27001: one line differs, and only in the id.
	want := bytes.Replace(before["iso-27001.yaml"], []byte("frameworks: [iso27001-2022]  # kept comment\n"), []byte("frameworks: [iso27001-2030]  # kept comment\n"), 1)
	if !bytes.Equal(after["iso-27001.yaml"], want) {
		t.Errorf("iso-27001.yaml is not the old file with the one id changed:\n%s", after["iso-27001.yaml"])
	}
	// gdpr: one line inserted after jurisdiction, every other byte kept.
	want = bytes.Replace(before["gdpr.yaml"], []byte("\njurisdiction: EU\n"), []byte("\njurisdiction: EU\nframeworks: [gdpr]\n"), 1)
	if !bytes.Equal(after["gdpr.yaml"], want) {
		t.Errorf("gdpr.yaml is not the old file with one line inserted:\n%s", after["gdpr.yaml"])
	}
	if !bytes.Equal(after["iso-31000.yaml"], before["iso-31000.yaml"]) {
		t.Error("iso-31000.yaml changed although two frameworks name it")
	}
	for _, w := range []string{"wrote " + filepath.Join(profiles, "iso-27001.yaml"), "wrote " + filepath.Join(profiles, "gdpr.yaml"), "wrote " + out,
		"pair added: gdpr vs iso-27001: gdpr 1 of 2 mapped, iso27001-2030 1 of 2 mapped; direct"} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	d, err := overlap.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Framework("iso27001-2030"); !ok {
		t.Error("the written data does not know iso27001-2030")
	}
	if msg, code := runCmd(t, newProfilesCmd(), "check", profiles); code != 0 {
		t.Fatalf("profiles check after the import: exit %d:\n%s", code, msg)
	}
	got, code = runImportCmd(t, "ciso-assistant", lib, "--out", out, "--profiles", profiles)
	if code != 0 || !strings.Contains(got, "0 profiles' frameworks to change") || !strings.Contains(got, out+" is up to date") {
		t.Fatalf("second import: exit %d:\n%s", code, got)
	}
}

// TestImportFrameworksWritesNothingOnAFailedEdit: one planned edit cannot be
// made (an escaped id), so no profile and no data file is written, although
// gdpr's edit alone would be fine.
func TestImportFrameworksWritesNothingOnAFailedEdit(t *testing.T) {
	lib, profiles := editionsSetup(t, `["iso27001\x2d2022"]`)
	out := filepath.Join(t.TempDir(), "overlap.json")
	before := readAll(t, profiles)
	got, code := runImportCmd(t, "ciso-assistant", lib, "--out", out, "--profiles", profiles)
	if code != 1 || !strings.Contains(got, `/iso-27001.yaml:12: frameworks: cannot edit "iso27001-2022" in place`) {
		t.Fatalf("exit %d:\n%s", code, got)
	}
	after := readAll(t, profiles)
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("%s was written", name)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the data file was written")
	}
}
