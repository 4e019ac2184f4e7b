package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
)

// TestSeeds runs the validator on the scraped pages in /work/shared/seeds
// with the project's profiles and checks that their known defects are found.
// Every finding is logged so a person can judge the one-line explanations.
func TestSeeds(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "seeds")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Skipf("no seed pages in %s", dir)
	}
	set := loadRealSet(t)

	all := map[string][]finding.Finding{}
	texts := map[string]string{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		pg, src, pfs := page.ParseWithSource(data)
		fs := Merge(pfs, Page(pg, src, set))
		base := filepath.Base(file)
		all[base], texts[base] = fs, string(data)
		t.Logf("%s: %d findings", base, len(fs))
		for _, f := range fs {
			f.File = base
			t.Log("  " + f.String())
		}
	}

	// want says: in the seed whose text holds marker, a finding of rule on
	// the marker's line.
	type want struct{ marker, rule string }
	wants := []want{
		{"(178 words)", RuleWordCount},
		{"**Three pillars8 principles", RuleUnbalancedBold},
		{"You Might also be Interested in These Articles", page.RuleTrailing},
	}
	for _, w := range wants {
		found := 0
		for name, text := range texts {
			if !strings.Contains(text, w.marker) {
				continue
			}
			line := strings.Count(text[:strings.Index(text, w.marker)], "\n") + 1
			if !hasAt(all[name], w.rule, line) {
				t.Errorf("%s: no %s at line %d (%q)", name, w.rule, line, w.marker)
			}
			found++
		}
		if found == 0 {
			t.Errorf("no seed holds %q any more", w.marker)
		}
	}
	// Every seed: FAQ group headings with nothing under them, and the site's
	// tail after the FAQ.
	// One finding per cause: the empty FAQ is one finding naming its empty
	// headings, and the site's tail one finding.
	for name, fs := range all {
		var faq, tail int
		for _, f := range fs {
			if f.Severity == finding.Error && (f.Field == "faq" || strings.HasPrefix(f.Field, "faq[") || f.Section == "FAQ" || f.Section == "Frequently Asked Questions") {
				if f.Rule == RuleTrailing || f.Rule == page.RuleTrailing || f.Rule == RuleBoilerplate {
					tail++
				} else {
					faq++
				}
			}
		}
		if faq != 1 || tail != 1 {
			t.Errorf("%s: %d findings for the empty FAQ and %d for the text after it; want one each", name, faq, tail)
		}
		if i := indexFAQEmpty(fs); i < 0 || !strings.Contains(fs[i].Message, "FAQ\"") {
			t.Errorf("%s: the empty FAQ is not reported with its empty headings", name)
		}
		if !hasRule(fs, RuleTrailing) && !hasRule(fs, page.RuleTrailing) {
			t.Errorf("%s: the content after the FAQ is not reported", name)
		}
		if !finding.HasError(fs) {
			t.Errorf("%s: a seed page passes without error", name)
		}
	}
}

func hasAt(fs []finding.Finding, rule string, line int) bool {
	for _, f := range fs {
		if f.Rule == rule && f.Line == line {
			return true
		}
	}
	return false
}

func indexFAQEmpty(fs []finding.Finding) int {
	for i, f := range fs {
		if f.Rule == RuleEmptySection && f.Field == "faq" {
			return i
		}
	}
	return -1
}
