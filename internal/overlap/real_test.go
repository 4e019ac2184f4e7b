package overlap

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/overlap/cisolib"
)

var update = flag.Bool("update", false, "rewrite overlap.json from ../shared/ciso-assistant-library")

// sharedLibrary is the library subset the project was given, read-only.
var sharedLibrary = filepath.Join("..", "..", "..", "shared", "ciso-assistant-library")

// TestEmbeddedMatchesLibrary re-derives the figures from the library folder
// and fails on any difference from the embedded overlap.json.
func TestEmbeddedMatchesLibrary(t *testing.T) {
	if _, err := os.Stat(sharedLibrary); err != nil {
		t.Skipf("no CISO Assistant library at %s (%v): the embedded figures are not re-derived", sharedLibrary, err)
	}
	lib, err := cisolib.ReadDir(os.DirFS(sharedLibrary), ".")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := Derive(lib)
	got, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("overlap.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if bytes.Equal(got, embedded) {
		return
	}
	old, err := Parse(embedded)
	if err != nil {
		t.Fatalf("embedded data: %v", err)
	}
	for _, c := range Diff(old, d) {
		t.Errorf("re-derived data differs: %s", c)
	}
	t.Errorf("overlap.json differs from what %s gives; run `versus import ciso-assistant %s` (or go test -run TestEmbeddedMatchesLibrary -update)", sharedLibrary, sharedLibrary)
}

func TestEmbeddedParses(t *testing.T) {
	d := Embedded()
	if len(d.Paths) == 0 || len(d.Frameworks) == 0 {
		t.Fatalf("embedded data has %d paths and %d frameworks", len(d.Paths), len(d.Frameworks))
	}
	var probe any
	if err := json.Unmarshal(embedded, &probe); err != nil {
		t.Fatal(err)
	}
	// Requirement text never reaches the data: only ids, counts and versions.
	for _, word := range []string{"description", "\"name\"", "annex_"} {
		if strings.Contains(string(embedded), word) {
			t.Errorf("overlap.json contains %q", word)
		}
	}
}
