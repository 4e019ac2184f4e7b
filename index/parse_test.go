package index

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		q    string
		a, b string
		op   string
	}{
		{"27001 vs soc 2", "27001", "soc 2", "vs"},
		{"ISO 27001 vs. SOC 2", "ISO 27001", "SOC 2", "vs"},
		{"gdpr versus ccpa", "gdpr", "ccpa", "versus"},
		{"pci or soc 2", "pci", "soc 2", "or"},
		{"gdpr and hipaa", "gdpr", "hipaa", "and"},
		{"difference between nis2 and dora", "nis2", "dora", "between"},
		{"What is the difference between NIS 2 and DORA?", "NIS 2", "DORA", "between"},
		{"compare sox with iso 27001", "sox", "iso 27001", "between"},
		{"hipaa vs health insurance portability and accountability act", "hipaa", "health insurance portability and accountability act", "vs"},
		{"iso 27001 vs iso 27002 comparison", "iso 27001", "iso 27002", "vs"},
		{"gdpr", "", "", ""},
		{"vs", "", "", ""},
		{"vs soc 2", "", "", ""},
		{"soc 2 vs", "", "", ""},
		{"sox to iso", "", "", ""}, // "to" splits only after a lead-in
		{"  privacy   certification ", "", "", ""},
	}
	for _, tt := range tests {
		p := ParseQuery(tt.q)
		if p.Sides[0] != tt.a || p.Sides[1] != tt.b || p.Op != tt.op {
			t.Errorf("ParseQuery(%q) = %q %q op %q, want %q %q op %q", tt.q, p.Sides[0], p.Sides[1], p.Op, tt.a, tt.b, tt.op)
		}
	}
	if got := ParseQuery("  privacy   certification ").Terms(); got != "privacy certification" {
		t.Errorf("Terms = %q", got)
	}
	if got := ParseQuery("difference between nis2 and dora?").Terms(); got != "nis2 dora" {
		t.Errorf("Terms = %q, want the two sides", got)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"ISO/IEC 27001:2022": "iso iec 27001 2022",
		"iso-27001":          "iso 27001",
		"SOC2":               "soc 2",
		"iso 2700l":          "iso 27001",
		"27OO1":              "27 oo 1", // not a number with a typo in its tail
		"Sarbanes–Oxley":     "sarbanes oxley",
		"":                   "",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"27001 vs soc 2", "difference between nis2 and dora", "pci or soc 2",
		"compare a with b", "vs vs vs", "and", "a & b", "é vs ü", "what is the difference between ? and ?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p := ParseQuery(q)
		if p != ParseQuery(q) {
			t.Fatal("not deterministic")
		}
		if (p.Sides[0] == "") != (p.Sides[1] == "") {
			t.Fatalf("one-sided pair %q", p.Sides)
		}
		if p.IsPair() && p.Op == "" {
			t.Fatal("pair without connector")
		}
		for _, s := range append(p.Sides[:], p.Text) {
			if s != strings.TrimSpace(s) {
				t.Fatalf("untrimmed %q", s)
			}
			if utf8.ValidString(q) && !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 from valid input: %q", s)
			}
			for _, w := range strings.Fields(s) {
				if !strings.Contains(q, w) {
					t.Fatalf("word %q not in the query %q", w, q)
				}
			}
		}
		// Normalizing is idempotent, and resolving never panics.
		n := normalize(q)
		if normalize(n) != n {
			t.Fatalf("normalize not idempotent: %q -> %q -> %q", q, n, normalize(n))
		}
	})
}

func TestMatchText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"27001 soc 2", "27001 soc"},
		{"soc 2", "soc"},
		{"a b", "a b"}, // nothing else: kept
		{"2", "2"},
		{"nis2 dora", "nis2 dora"},
		{"é gdpr", "gdpr"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := matchText(tt.in); got != tt.want {
			t.Errorf("matchText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
