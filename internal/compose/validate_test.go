package compose

import (
	"bytes"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// loadSet loads a profile folder with the profile package. While the real
// profiles are being written, a folder that does not load cleanly (say, a
// related id whose file is not there yet) falls back to an unchecked set of
// the same files, so composing is still exercised; the fallback is logged.
func loadSet(t *testing.T, dir string) *profile.Set {
	t.Helper()
	set, err := profile.Load(dir)
	if err == nil {
		return set
	}
	var le *profile.LoadError
	if !errors.As(err, &le) {
		t.Skipf("profiles in %s: %v", dir, err)
	}
	t.Logf("profiles in %s do not load cleanly; using them unchecked: %d findings, first: %s", dir, len(le.Findings), le.Findings[0])
	ps := loadDir(t, dir)
	set, err = profile.NewSet(sorted(ps)...)
	if err != nil {
		t.Fatalf("unchecked set: %v", err)
	}
	return set
}

// errorsOf returns the error findings; warnings are left to the profiles.
func errorsOf(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Severity == finding.Error {
			out = append(out, f)
		}
	}
	return out
}

// checkValid runs the validator over the record and over its rendered and
// re-parsed Markdown, and fails on any error finding in what the composer
// wrote. Errors inside a standard's own section are the profile's text,
// copied as it is: they are returned for the caller to report, not failed
// on here.
func checkValid(t *testing.T, pg page.Page, set *profile.Set) (sectionErrs []finding.Finding) {
	t.Helper()
	md := page.Render(pg)
	parsed, src, pfs := page.ParseWithSource(md)
	for _, f := range errorsOf(pfs) {
		t.Errorf("%s: parse: %s", pg.Slug, f)
	}
	for _, run := range []struct {
		what string
		fs   []finding.Finding
	}{{"record", validate.Page(pg, nil, set)}, {"markdown", validate.Page(parsed, src, set)}} {
		for _, f := range errorsOf(run.fs) {
			if copiedFromProfile(f.Field) {
				if run.what == "record" {
					sectionErrs = append(sectionErrs, f)
				}
				continue
			}
			t.Errorf("%s: %s: %s", pg.Slug, run.what, f)
		}
	}
	return sectionErrs
}

// copiedFromProfile reports whether a record path holds a profile's text
// verbatim: the sections, and the table cells of the five aspects and the
// Issuer and Jurisdiction rows. (Certification and Obligation cells are
// composed.)
func copiedFromProfile(field string) bool {
	for _, p := range []string{"sections[", "differences.scope", "differences.industry", "differences.nature",
		"differences.testing", "differences.penalties", "differences.extra[0]", "differences.extra[1]"} {
		if strings.HasPrefix(field, p) {
			return true
		}
	}
	return false
}

func TestTestPairsValidate(t *testing.T) {
	set := loadSet(t, filepath.Join("testdata", "profiles"))
	for _, pair := range set.Pairs() {
		for _, f := range checkValid(t, Page(pair[0], pair[1]), set) {
			t.Errorf("test profile section: %s", f)
		}
	}
}

// Every pair of the real profiles composes to a page with no error or
// warning finding, and the validator finds no near-duplicate verdicts among them.
func TestRealPairsValidate(t *testing.T) {
	dir := filepath.Join("..", "..", "profiles")
	if ps := loadDir(t, dir); len(ps) < 2 {
		t.Skipf("no real profiles in %s yet", dir)
	}
	set := loadSet(t, dir)
	corpus := validate.NewCorpus()
	warnings := map[string]int{}
	sectionErrs := map[string]bool{}
	pairs := set.Pairs()
	for _, pair := range pairs {
		pg := Page(pair[0], pair[1])
		for _, f := range checkValid(t, pg, set) {
			sectionErrs[f.Section+": "+f.Rule+": "+f.Message] = true
		}
		for _, f := range validate.Page(pg, nil, set) {
			if f.Severity == finding.Warning {
				// A composed page is what an editor would publish: a warning
				// is a repeated sentence or a stretched length in text this
				// product wrote or copied from a profile.
				warnings[f.Rule]++
				t.Errorf("%s: warning: %s", pg.Slug, f)
			}
		}
		corpus.Add(pg.Slug, pg.Verdict)
	}
	for slug, fs := range corpus.NearDuplicates(0.7) {
		for _, f := range fs {
			t.Errorf("%s: %s", slug, f)
		}
	}
	t.Logf("%d pages; warnings by rule: %v", len(pairs), warnings)
	if len(sectionErrs) > 0 {
		msgs := slices.Sorted(maps.Keys(sectionErrs))
		t.Logf("%d distinct errors in profile text copied verbatim (sections, table cells), not composed here:\n%s", len(msgs), strings.Join(msgs, "\n"))
	}
}

func TestGoldenPages(t *testing.T) {
	ps := testProfiles(t)
	for _, pair := range [][2]string{{"gdpr", "iso-27001"}, {"iso-27001", "nist-csf"}} {
		pg := Page(ps[pair[0]], ps[pair[1]])
		got := page.Render(pg)
		path := filepath.Join("testdata", "golden", pg.Slug+".md")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its golden file (run with -update if intended):\n%s", path, got)
		}
	}
}
