package profile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
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

// TestRealRelations pins the relations the issue names: each is on file,
// of the right kind, read the same from both ends, with a checkable source;
// and pairs that are independent hold none.
func TestRealRelations(t *testing.T) {
	set, err := Load(realProfilesDir)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		a, b string
		kind RelationKind
	}{
		{"fedramp", "nist-800-53", RelBuiltOn},
		{"nist-800-171", "nist-800-53", RelBuiltOn},
		{"tisax", "iso-27001", RelBuiltOn},
		{"cmmc", "nist-800-171", RelAssessedAgainst},
		{"iso-27002", "iso-27001", RelGuidanceFor},
		{"iso-27005", "iso-27001", RelGuidanceFor},
		{"iso-27701", "iso-27001", RelExtends},
		{"dora", "nis2", RelTakesPrecedence},
		{"iso-27701", "gdpr", RelSupportsEvidence},
		{"soc-2", "hipaa", RelSupportsEvidence},
		{"iso-27001", "soc-2", RelAlternative},
		{"nist-csf", "iso-27001", RelAlternative},
		{"iso-42001", "eu-ai-act", RelSupportsEvidence},
		{"iso-27005", "iso-31000", RelBuiltOn},
	}
	for _, c := range cases {
		var found bool
		for _, r := range set.Relations(c.a, c.b) {
			if r.Kind != c.kind {
				continue
			}
			found = true
			if r.Fact == "" || !strings.HasPrefix(r.Source.URL, "https://") {
				t.Errorf("%s %s %s: fact %q source %q", c.a, c.kind, c.b, r.Fact, r.Source.URL)
			}
		}
		if !found {
			t.Errorf("%s %s %s is not on file", c.a, c.kind, c.b)
		}
		var back bool
		for _, r := range set.Relations(c.b, c.a) {
			back = back || r.Kind == c.kind.Inverse()
		}
		if !back {
			t.Errorf("%s does not read %s %s", c.b, c.kind.Inverse(), c.a)
		}
	}
	for _, p := range [][2]string{{"iso-9001", "ccpa"}, {"gdpr", "ccpa"}, {"pci-dss", "sox"}} {
		if rs := set.Relations(p[0], p[1]); len(rs) != 0 {
			t.Errorf("%s and %s are independent, got %+v", p[0], p[1], rs)
		}
	}
}

// A subset of the shipped profiles, with relations to the others dropped,
// loads clean and keeps the relations inside the subset.
func TestDropRelations(t *testing.T) {
	dir := t.TempDir()
	in := map[string]bool{"gdpr": true, "iso-27701": true, "hipaa": true}
	for id := range in {
		data, err := os.ReadFile(filepath.Join(realProfilesDir, id+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		data = DropRelations(data, func(w string) bool { return in[w] })
		// related ids outside the subset are dropped the same way by callers
		data = []byte(strings.ReplaceAll(string(data), "\nrelated: [", "\nrelated: [] #["))
		if err := os.WriteFile(filepath.Join(dir, id+".yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rs := set.Relations("gdpr", "iso-27701"); len(rs) != 1 || rs[0].Kind != RelEvidencedBy {
		t.Errorf("gdpr/iso-27701 relations = %+v", rs)
	}
	h, _ := set.Get("hipaa")
	if len(h.Relations) != 0 {
		t.Errorf("hipaa keeps relations outside the subset: %+v", h.Relations)
	}
}

// TestRealGrammar pins how the shipped names behave in a sentence: the
// grammar is stated in the profile, and names that read bare and singular
// ("GDPR", "Cyber Essentials", a plural-looking name that is one scheme)
// state none.
func TestRealGrammar(t *testing.T) {
	set, err := Load(realProfilesDir)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id      string
		article string
		plural  bool
	}{
		{"eu-ai-act", "the", false},
		{"cra", "the", false},
		{"essential-eight", "the", false},
		{"cis-controls", "the", true},
		{"gdpr", "", false},
		{"cyber-essentials", "", false},
		{"soc-2", "", false},
		{"nist-csf", "", false},
	}
	for _, c := range cases {
		p, ok := set.Get(c.id)
		if !ok {
			t.Errorf("%s: not loaded", c.id)
			continue
		}
		if p.Grammar.Article != c.article || p.Grammar.Plural != c.plural {
			t.Errorf("%s: grammar %+v, want article %q plural %v", c.id, p.Grammar, c.article, c.plural)
		}
	}
}
