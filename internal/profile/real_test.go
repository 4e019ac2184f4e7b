package profile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
)

// realProfilesDir is the project's own profiles folder.
const realProfilesDir = "../../profiles"

// TestRealProfiles loads the shipped profiles: they must load with no error
// and no warning, and cover at least 30 standards.
func TestRealProfiles(t *testing.T) {
	set, err := Load(realProfilesDir)
	var lerr *LoadError
	if errors.As(err, &lerr) {
		for _, f := range lerr.Findings {
			t.Log(f.String())
		}
		n, w := finding.Count(lerr.Findings)
		t.Fatalf("profiles: %d errors, %d warnings", n, w)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range set.Findings() {
		t.Errorf("warning: %s", f)
	}
	if set.Len() < 30 {
		t.Errorf("got %d profiles, want at least 30", set.Len())
	}
	files, _ := filepath.Glob(filepath.Join(realProfilesDir, "*.yaml"))
	if len(files) != set.Len() {
		t.Errorf("%d files but %d profiles", len(files), set.Len())
	}
	for _, p := range set.All() {
		if len(p.Hash) != 64 {
			t.Errorf("%s: hash %q", p.ID, p.Hash)
		}
	}
	if _, err := os.Stat(realProfilesDir); err != nil {
		t.Fatal(err)
	}
}
