package validate

import (
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
)

// TestNamesResolveOneWay: front matter ids, section standards and headings
// go through the same resolver, ignoring case and punctuation, so a clean
// page is clean whichever spelling of a standard's name it uses.
func TestNamesResolveOneWay(t *testing.T) {
	set := loadRealSet(t)
	a, _ := set.Get("iso-42001")
	b, _ := set.Get("iso-27001")
	if a == nil || b == nil {
		t.Skip("iso-42001 or iso-27001 profile missing")
	}
	clean := string(page.Render(composePage(a, b)))
	line := "standards: [iso-42001, iso-27001]"
	if !strings.Contains(clean, line) {
		t.Fatalf("the rendered page has no line %q", line)
	}
	for _, spelled := range []string{"iso-iec-42001", "ISO/IEC 42001", "iso42001", "ISO 42001:2023"} {
		t.Run(spelled, func(t *testing.T) {
			text := strings.Replace(clean, line, "standards: ["+spelled+", iso-27001]", 1)
			if strings.ContainsAny(spelled, "/: ") {
				text = strings.Replace(clean, line, "standards: [\""+spelled+"\", iso-27001]", 1)
			}
			pg, src, pfs := page.ParseWithSource([]byte(text))
			fs := Merge(pfs, Page(pg, src, set))
			for _, f := range fs {
				if f.Severity == finding.Error || strings.HasPrefix(f.Rule, "pair.") {
					logFindings(t, fs)
					t.Fatalf("front matter %q: %s", spelled, f)
				}
			}
		})
	}
	// A name that is not a standard's is still refused.
	text := strings.Replace(clean, line, "standards: [iso-iec-42002, iso-27001]", 1)
	pg, src, _ := page.ParseWithSource([]byte(text))
	if fs := Page(pg, src, set); !hasRule(fs, RuleUnknownStandard) {
		logFindings(t, fs)
		t.Fatal("an unknown id in the front matter is accepted")
	}
}
