package validate

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/profile"
)

// proseCase is one sentence of testdata/prose/sentences.yaml.
type proseCase struct {
	In   string           `yaml:"in"`
	Text string           `yaml:"text"`
	Want string           `yaml:"want"`
	Sev  finding.Severity `yaml:"sev"`
	Line int              `yaml:"-"`
}

var (
	proseSetOnce sync.Once
	proseSet     *profile.Set
	proseSetErr  error
)

// loadProseSet loads the project's profiles with typed relations added.
func loadProseSet(tb testing.TB) *profile.Set {
	tb.Helper()
	proseSetOnce.Do(func() { proseSet, proseSetErr = profile.Load(filepath.Join("testdata", "prose", "profiles")) })
	if proseSetErr != nil {
		tb.Fatalf("load prose profiles: %v", proseSetErr)
	}
	return proseSet
}

func loadProseCases(tb testing.TB) []proseCase {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "prose", "sentences.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		tb.Fatalf("sentences.yaml: %v", err)
	}
	var out []proseCase
	for _, n := range root.Content[0].Content {
		var c proseCase
		if err := n.Decode(&c); err != nil {
			tb.Fatalf("sentences.yaml:%d: %v", n.Line, err)
		}
		c.Line = n.Line
		if c.Sev == "" {
			c.Sev = finding.Error
		}
		out = append(out, c)
	}
	return out
}

// checkSentence runs every text rule on text as it would stand in a page:
// in a standard's own section, or in the per-pair part of the page a vs b.
func checkSentence(tb testing.TB, set *profile.Set, in, text string) []finding.Finding {
	tb.Helper()
	ws := strings.Fields(in)
	get := func(id string) *profile.Profile {
		p, ok := set.Get(id)
		if !ok {
			tb.Fatalf("no profile %q", id)
		}
		return p
	}
	switch {
	case len(ws) == 2 && ws[0] == "section":
		p := get(ws[1])
		return Text(text, p, [2]*profile.Profile{p, nil}, set)
	case len(ws) == 3 && ws[0] == "pair":
		return Text(text, nil, [2]*profile.Profile{get(ws[1]), get(ws[2])}, set)
	}
	tb.Fatalf("bad in %q", in)
	return nil
}

// TestProse: no true sentence draws a finding; every false one draws the
// finding its defect class calls for.
func TestProse(t *testing.T) {
	set := loadProseSet(t)
	var trueN, trueFlagged, falseN, falseCaught int
	for _, c := range loadProseCases(t) {
		fs := checkSentence(t, set, c.In, c.Text)
		if c.Want == "" {
			trueN++
			if len(fs) > 0 {
				trueFlagged++
				t.Errorf("sentences.yaml:%d: a true sentence is flagged: %q", c.Line, c.Text)
				logFindings(t, fs)
			}
			continue
		}
		falseN++
		found := false
		for _, f := range fs {
			if f.Rule == c.Want && f.Severity == c.Sev {
				found = true
			}
		}
		if found {
			falseCaught++
			continue
		}
		t.Errorf("sentences.yaml:%d: no %s %s for %q", c.Line, c.Sev, c.Want, c.Text)
		logFindings(t, fs)
	}
	t.Logf("true sentences flagged: %d/%d; false sentences caught: %d/%d", trueFlagged, trueN, falseCaught, falseN)
	if trueN < 50 || falseN < 30 {
		t.Errorf("the set has %d true and %d false sentences; it should keep at least 50 and 30", trueN, falseN)
	}
}

// pageCase is one case of testdata/prose/pages.yaml: edits to clean.md
// that break a rule the way a model's page does, and a near miss.
type pageCase struct {
	Name string           `yaml:"name"`
	Rule string           `yaml:"rule"`
	Sev  finding.Severity `yaml:"sev"`
	At   string           `yaml:"at"`
	Fail []pageEdit       `yaml:"fail"`
	Pass []pageEdit       `yaml:"pass"`
}

type pageEdit struct {
	Old string `yaml:"old"`
	New string `yaml:"new"`
}

func loadPageCases(tb testing.TB) []ruleCase {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "prose", "pages.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var pcs []pageCase
	if err := yaml.Unmarshal(data, &pcs); err != nil {
		tb.Fatalf("pages.yaml: %v", err)
	}
	conv := func(es []pageEdit) []edit {
		var out []edit
		for _, e := range es {
			out = append(out, edit{e.Old, e.New})
		}
		return out
	}
	var out []ruleCase
	for _, pc := range pcs {
		if pc.Sev == "" {
			pc.Sev = finding.Error
		}
		out = append(out, ruleCase{name: pc.Name, rule: pc.Rule, sev: pc.Sev, at: pc.At, fail: conv(pc.Fail), pass: conv(pc.Pass)})
	}
	return out
}

// TestPageCases: the page-level defects a real model's pages show.
func TestPageCases(t *testing.T) {
	set := loadTestSet(t)
	clean := readPage(t, "clean.md")
	for _, tc := range loadPageCases(t) {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) { runRuleCase(t, set, clean, tc) })
	}
}

// FuzzText feeds arbitrary prose through every text rule in a section and
// in a pair part: no panic, and every finding names a known rule and
// points inside the text.
func FuzzText(f *testing.F) {
	set := loadProseSet(f)
	for _, c := range loadProseCases(f) {
		f.Add(c.Text)
	}
	f.Add("€ $ 6 to 12- months of the 130 of the by the a US the EU, which is")
	iso, _ := set.Get("iso-27001")
	soc, _ := set.Get("soc-2")
	f.Fuzz(func(t *testing.T, text string) {
		for _, fs := range [][]finding.Finding{
			Text(text, iso, [2]*profile.Profile{iso, nil}, set),
			Text(text, nil, [2]*profile.Profile{iso, soc}, set),
		} {
			for _, fd := range fs {
				if _, ok := RuleByID(fd.Rule); !ok || fd.Message == "" {
					t.Fatalf("bad finding %+v", fd)
				}
			}
		}
	})
}
