package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/versus-dev/versus/index"
)

// TestPrintGap: a pair with no page says so and lists each standard's pages.
func TestPrintGap(t *testing.T) {
	var b bytes.Buffer
	printResult(&b, index.Result{Gap: &index.Gap{
		Standards: [2]string{"iso-27001", "soc-2"}, Names: [2]string{"ISO 27001", "SOC 2"},
		Message: "There is no comparison of ISO 27001 and SOC 2 yet.",
		Pages:   [2][]index.Suggestion{{{Slug: "iso-27001-vs-iso-27002", Title: "ISO 27001 vs ISO 27002"}}, nil},
	}}, 0)
	out := b.String()
	for _, want := range []string{"There is no comparison of ISO 27001 and SOC 2 yet.", "published pages of ISO 27001:", "ISO 27001 vs ISO 27002  (iso-27001-vs-iso-27002)", "published pages of SOC 2:\n  none yet"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "no pages match") {
		t.Error("a gap printed as no match")
	}
}
