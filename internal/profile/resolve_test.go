package profile

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"ISO/IEC 27032":     "isoiec27032",
		"iso-27032":         "iso27032",
		"ISO 27032":         "iso27032",
		"  Sarbanes–Oxley ": "sarbanesoxley",
		"DSGVO (Deutsch)":   "dsgvodeutsch",
		"":                  "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolve(t *testing.T) {
	set := mustLoad(t)
	cases := []struct {
		name, want string // want "" means: must not resolve
	}{
		{"ISO 27032", "iso-27032"},
		{"ISO/IEC 27032", "iso-27032"},
		{"iso-27032", "iso-27032"},
		{"iso27032", "iso-27032"},
		{"ISO/IEC 27032:2023", "iso-27032"},
		{"ISO/IEC 27032:2023 Cybersecurity — Guidelines for Internet security", "iso-27032"},
		{"ISO/IEC 27001:2022", "iso-27001"},
		{"ISO 27001", "iso-27001"},
		{"iso27001-2022", "iso-27001"},
		{"ISO 27001:2013", ""}, // another edition is not this profile
		{"ISO/IEC 27701:2019", ""},
		{"ISO/IEC 27701:2025", "iso-27701"},
		{"ISO 27002", "iso-27002"},
		{"Sarbanes-Oxley", "sox"},
		{"Sarbanes-Oxley Act", "sox"},
		{"SOX Act", "sox"},
		{"sarbanes oxley act of 2002", "sox"},
		{"NIST CSF 2.0", "nist-csf"},
		{"NIST-CSF-2.0", "nist-csf"},
		{"NIST CSF version 2.0", "nist-csf"},
		{"NIST CSF 1.1", ""},
		{"NIST SP 800-53 Rev. 5", "nist-800-53"},
		{"NIST SP 800-53 Rev 4", ""},
		{"NIST 800-171", "nist-800-171"},
		{"PCI DSS v4.0.1", "pci-dss"},
		{"PCI DSS 4.0.1", "pci-dss"},
		{"PCI-DSS", "pci-dss"},
		{"PCI DSS 3.2.1", ""},
		{"SOC2", "soc-2"},
		{"soc 2 type ii", "soc-2"},
		{"EU AI Act", "eu-ai-act"},
		{"AI Act", "eu-ai-act"},
		{"NIS 2", "nis2"},
		{"NIS2-directive", "nis2"},
		{"CRA", "cra"},
		{"Cyber Resilience Act", "cra"},
		{"CMMC-2.0", "cmmc"},
		{"ISO/IEC 20000-1:2018", "iso-20000"},
		{"Essential 8", "essential-eight"},
		{"CIS Controls v8.1", "cis-controls"},
		{"COBIT 2019", "cobit"},
		{"ITIL v4", "itil"},
		{"GDPR", "gdpr"},
		{"CCPA/CPRA", "ccpa"},
		{"IEC 62443", "iec-62443"},
		{"ISO", ""},
		{"ISO 27003", ""},
		{"", ""},
		{"2022", ""},
	}
	for _, c := range cases {
		p, ok := set.Resolve(c.name)
		switch {
		case c.want == "" && ok:
			t.Errorf("Resolve(%q) = %s, want no match", c.name, p.ID)
		case c.want != "" && !ok:
			t.Errorf("Resolve(%q) found nothing, want %s", c.name, c.want)
		case c.want != "" && p.ID != c.want:
			t.Errorf("Resolve(%q) = %s, want %s", c.name, p.ID, c.want)
		}
	}
	// Every name a profile lists resolves back to it.
	for _, p := range set.All() {
		for _, n := range Names(p) {
			if q, ok := set.Resolve(n); !ok || q != p {
				t.Errorf("name %q of %s does not resolve to it", n, p.ID)
			}
		}
	}
}

func TestFindMentions(t *testing.T) {
	set := mustLoad(t)
	type m struct{ id, name string }
	cases := []struct {
		text string
		want []m
	}{
		{"ISO/IEC 27002 complements ISO 27001.", []m{{"iso-27002", "ISO/IEC 27002"}, {"iso-27001", "ISO 27001"}}},
		{"ISO/IEC 27001:2022 has 93 controls.", []m{{"iso-27001", "ISO/IEC 27001:2022"}}},
		{"Unlike GDPR, the CCPA applies by threshold.", []m{{"gdpr", "GDPR"}, {"ccpa", "CCPA"}}},
		{"SOXX, 2GDPR and COBIT5 are not names here.", nil},
		{"sox and soc 2 type ii", []m{{"sox", "sox"}, {"soc-2", "soc 2 type ii"}}},
		{"Die DSGVO — und NIS2.", []m{{"gdpr", "DSGVO"}, {"nis2", "NIS2"}}},
		{"NIST SP 800-171 Rev. 3 feeds CMMC 2.0 Level 2", []m{{"nist-800-171", "NIST SP 800-171 Rev. 3"}, {"cmmc", "CMMC 2.0"}}},
		{"The EU AI Act and ISO/IEC 42001", []m{{"eu-ai-act", "EU AI Act"}, {"iso-42001", "ISO/IEC 42001"}}},
		{"Sarbanes-Oxley Act of 2002", []m{{"sox", "Sarbanes-Oxley Act of 2002"}}},
		{"", nil},
	}
	for _, c := range cases {
		got := set.FindMentions(c.text)
		var gm []m
		for _, x := range got {
			gm = append(gm, m{x.Profile.ID, x.Name})
			if c.text[x.Offset:x.Offset+len(x.Name)] != x.Name {
				t.Errorf("%q: offset %d does not point at %q", c.text, x.Offset, x.Name)
			}
		}
		if len(gm) != len(c.want) {
			t.Errorf("%q: got %v, want %v", c.text, gm, c.want)
			continue
		}
		for i := range gm {
			if gm[i] != c.want[i] {
				t.Errorf("%q: got %v, want %v", c.text, gm, c.want)
				break
			}
		}
	}
}

// sharedDir finds /work/shared (a folder named shared next to the repo root).
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "ciso-assistant-library")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Skip("skipping: ../../../shared/ciso-assistant-library (real GRC framework data) is not present")
	}
	return dir
}

type cisoNode struct {
	URN       string `yaml:"urn"`
	ParentURN string `yaml:"parent_urn"`
	RefID     string `yaml:"ref_id"`
	Depth     int    `yaml:"depth"`
}

type cisoLibrary struct {
	RefID   string `yaml:"ref_id"`
	Name    string `yaml:"name"`
	Objects struct {
		Framework struct {
			RefID string     `yaml:"ref_id"`
			Name  string     `yaml:"name"`
			Nodes []cisoNode `yaml:"requirement_nodes"`
		} `yaml:"framework"`
	} `yaml:"objects"`
}

// TestCISOLibraryNamesResolve checks our name resolution against the names a
// real GRC tool gives the same frameworks: the library's ref_id or name must
// resolve to the right profile (or, for descriptive names, name it first),
// and must never resolve to a wrong one.
func TestCISOLibraryNamesResolve(t *testing.T) {
	dir := sharedDir(t)
	set := mustLoad(t)
	expect := map[string]string{
		"ai-act.yaml":                  "eu-ai-act",
		"cmmc-2.0.yaml":                "cmmc",
		"cyber_essentials.yaml":        "cyber-essentials",
		"dora.yaml":                    "dora",
		"essential-eight.yaml":         "essential-eight",
		"fedramp-rev5.yaml":            "fedramp",
		"gdpr.yaml":                    "gdpr",
		"iec-62443-2-1-2024.yaml":      "iec-62443",
		"iec-62443-3-3-2013.yaml":      "iec-62443",
		"iso22301-2019.yaml":           "iso-22301",
		"iso27001-2022.yaml":           "iso-27001",
		"iso42001-2023.yaml":           "iso-42001",
		"nis2-directive.yaml":          "nis2",
		"nist-csf-2.0.yaml":            "nist-csf",
		"nist-sp-800-66-rev2.yaml":     "hipaa",
		"pcidss-4_0.yaml":              "pci-dss",
		"soc2_2017_with_rev_2022.yaml": "soc-2",
	}
	// These must resolve outright, not only through a mention.
	mustResolve := map[string]bool{"iso27001-2022.yaml": true, "nist-csf-2.0.yaml": true, "pcidss-4_0.yaml": true,
		"gdpr.yaml": true, "nis2-directive.yaml": true, "dora.yaml": true, "cmmc-2.0.yaml": true, "ai-act.yaml": true}
	for file, id := range expect {
		t.Run(file, func(t *testing.T) {
			lib := readCISO(t, filepath.Join(dir, file))
			cands := []string{lib.RefID, lib.Name, lib.Objects.Framework.RefID, lib.Objects.Framework.Name}
			resolved := false
			for _, c := range cands {
				p, ok := set.Resolve(c)
				if !ok {
					continue
				}
				if p.ID != id {
					t.Errorf("%q resolves to %s, want %s", c, p.ID, id)
				}
				resolved = true
			}
			if mustResolve[file] && !resolved {
				t.Errorf("none of %q resolves", cands)
			}
			if !resolved {
				ms := set.FindMentions(lib.Name)
				if len(ms) == 0 || ms[0].Profile.ID != id {
					t.Errorf("%q names %v first, want %s", lib.Name, ms, id)
				}
			}
		})
	}
}

// TestCISOLibraryCounts checks the counts our profiles state against the real
// requirement trees.
func TestCISOLibraryCounts(t *testing.T) {
	dir := sharedDir(t)
	set := mustLoad(t)
	hasNumber := func(id string, v float64, counts string) {
		t.Helper()
		p, _ := set.Get(id)
		for _, n := range p.Numbers {
			if n.Value == v && strings.Contains(n.Counts, counts) {
				return
			}
		}
		t.Errorf("%s: no number %v counting %q", id, v, counts)
	}
	depthCount := func(lib cisoLibrary, depth int) int {
		n := 0
		for _, x := range lib.Objects.Framework.Nodes {
			if x.Depth == depth {
				n++
			}
		}
		return n
	}
	csf := readCISO(t, filepath.Join(dir, "nist-csf-2.0.yaml"))
	hasNumber("nist-csf", float64(depthCount(csf, 1)), "functions")
	hasNumber("nist-csf", float64(depthCount(csf, 2)), "categories")
	hasNumber("nist-csf", float64(depthCount(csf, 3)), "subcategories")

	iso := readCISO(t, filepath.Join(dir, "iso27001-2022.yaml"))
	annexControl := regexp.MustCompile(`^A\.\d+\.\d+$`)
	n := 0
	for _, x := range iso.Objects.Framework.Nodes {
		if annexControl.MatchString(x.RefID) {
			n++
		}
	}
	hasNumber("iso-27001", float64(n), "controls in Annex A")

	// ISO 42001's Annex A controls are the leaves under A.x.
	ai := readCISO(t, filepath.Join(dir, "iso42001-2023.yaml"))
	parents := map[string]bool{}
	for _, x := range ai.Objects.Framework.Nodes {
		parents[x.ParentURN] = true
	}
	n = 0
	for _, x := range ai.Objects.Framework.Nodes {
		if strings.HasPrefix(x.RefID, "A.") && !parents[x.URN] {
			n++
		}
	}
	hasNumber("iso-42001", float64(n), "controls in Annex A")

	cmmc := readCISO(t, filepath.Join(dir, "cmmc-2.0.yaml"))
	hasNumber("cmmc", float64(depthCount(cmmc, 2)), "Level 2")

	e8 := readCISO(t, filepath.Join(dir, "essential-eight.yaml"))
	hasNumber("essential-eight", float64(depthCount(e8, 1)), "mitigation strategies")

	pci := readCISO(t, filepath.Join(dir, "pcidss-4_0.yaml"))
	n = 0
	for _, x := range pci.Objects.Framework.Nodes {
		if regexp.MustCompile(`^\d+$`).MatchString(x.RefID) {
			n++
		}
	}
	hasNumber("pci-dss", float64(n), "principal requirements")
}

func readCISO(t testing.TB, path string) cisoLibrary {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lib cisoLibrary
	if err := yaml.Unmarshal(b, &lib); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return lib
}

var benchText = strings.Repeat("ISO 27032 provides Internet security guidance, while SOX governs financial "+
	"reporting at US public companies. Unlike ISO/IEC 27001:2022, neither has 93 controls; the "+
	"Sarbanes-Oxley Act of 2002 and NIST CSF 2.0 are often compared with GDPR and NIS2. ", 20)

func BenchmarkResolve(b *testing.B) {
	set := mustLoad(b)
	names := []string{"ISO/IEC 27001:2022", "Sarbanes-Oxley Act", "nist csf version 2.0", "unknown standard 9"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		set.Resolve(names[i%len(names)])
	}
}

func BenchmarkFindMentions(b *testing.B) {
	set := mustLoad(b)
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		set.FindMentions(benchText)
	}
}
