package prompts

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/llm/tokens"
	"github.com/versus-dev/versus/internal/profile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func loadProfiles(t testing.TB) map[string]*profile.Profile {
	t.Helper()
	out := loadDir(t, "testdata")
	if len(out) < 3 {
		t.Fatalf("want 3 test profiles, got %d", len(out))
	}
	return out
}

// loadDir reads the profile YAML files of dir with yaml.v3 alone.
func loadDir(t testing.TB, dir string) map[string]*profile.Profile {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*profile.Profile{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p profile.Profile
		if err := yaml.Unmarshal(b, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[p.ID] = &p
	}
	return out
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file (run with -update if intended):\n%s", name, got)
	}
}

func render(t *testing.T, tm *Template, data any) string {
	t.Helper()
	sys, usr, err := tm.Render(data)
	if err != nil {
		t.Fatalf("%s: %v", tm.Name(), err)
	}
	if sys == "" || usr == "" {
		t.Fatalf("%s: empty part: system %d bytes, user %d bytes", tm.Name(), len(sys), len(usr))
	}
	if strings.Contains(sys+usr, "<no value>") {
		t.Errorf("%s: rendered <no value>", tm.Name())
	}
	return "=== system\n" + sys + "\n=== user\n" + usr + "\n"
}

var sampleFindings = []finding.Finding{
	{Rule: "facts.ungrounded-number", Severity: finding.Error, Section: "Quick Verdict", Field: "verdict",
		Message: `"114 controls" is in neither profile`, Hint: "state only numbers from the profiles"},
	{Rule: "markup.unbalanced-bold", Severity: finding.Error, Section: "ISO 27001 / Key Components",
		Message: "unbalanced ** swallows the following text"},
}

func TestGolden(t *testing.T) {
	ps := loadProfiles(t)
	a, b := ps["gdpr"], ps["iso-27001"]
	golden(t, "section-iso-27001.txt", render(t, Section(), SectionData{Profile: b}))
	golden(t, "pair-gdpr-iso-27001.txt", render(t, Pair(), NewPairData(a, b)))
	golden(t, "wholepage-gdpr-iso-27001.txt", render(t, WholePage(), NewPairData(a, b)))
	golden(t, "redraft.txt", render(t, Redraft(), RedraftData{Findings: sampleFindings, Note: "Say who must comply with GDPR."}))
	golden(t, "review.txt", render(t, Review(), RedraftData{Note: "Say who must comply with GDPR."}))
}

// factValues lists every fact of p as it should appear in a prompt. It
// walks the fields by hand so that a new Profile field fails the count
// check below until it is added here and to the template.
func factValues(p *profile.Profile) map[string][]string {
	nums := []string{}
	for _, n := range p.Numbers {
		nums = append(nums, strconv.FormatFloat(n.Value, 'f', -1, 64), n.Counts)
	}
	var srcs []string
	for _, s := range p.Sources {
		srcs = append(srcs, s.Title)
	}
	yn := map[bool]string{true: "certifiable: yes", false: "certifiable: no"}
	var grammar []string
	if p.Grammar.Article != "" {
		grammar = append(grammar, p.Grammar.Article+" "+p.ShortName)
	}
	if p.Grammar.Plural {
		grammar = append(grammar, "plural verbs")
	}
	return map[string][]string{
		"Name": {p.Name}, "ShortName": {p.ShortName}, "Aliases": p.Aliases, "Issuer": {p.Issuer},
		"Edition": {p.Edition}, "Year": {strconv.Itoa(p.Year)}, "Kind": {string(p.Kind)},
		"Certifiable": {yn[p.Certifiable]}, "Mandatory": {p.Mandatory.For}, "Jurisdiction": {p.Jurisdiction},
		"Industries": p.Industries, "Scope": {p.Scope}, "Tagline": {p.Tagline}, "KeyFeatures": p.KeyFeatures,
		"WhatItIs": p.WhatItIs, "KeyComponents": p.KeyComponents, "WhyUsed": p.WhyUsed,
		"Implementation": p.Implementation, "Nature": {p.Nature}, "Testing": {p.Testing},
		"Penalties": {p.Penalties}, "Numbers": nums, "Related": p.Related, "Sources": srcs,
		"Grammar": grammar,
	}
}

// Fields a section prompt deliberately leaves out: the id is a key, not a
// fact; File and Hash are bookkeeping.
// Relations are facts about a pair, given in the pair prompt; Frameworks
// are ids in the mapping library.
var notFacts = map[string]bool{"ID": true, "File": true, "Hash": true, "Relations": true, "Frameworks": true}

func TestSectionHasEveryFact(t *testing.T) {
	ps := loadProfiles(t)
	for id, p := range ps {
		sys, usr, err := Section().Render(SectionData{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		vals := factValues(p)
		if want := profileFieldCount() - len(notFacts); len(vals) != want {
			t.Fatalf("factValues covers %d fields, Profile has %d fact fields: update the test and the template", len(vals), want)
		}
		for field, vs := range vals {
			for _, v := range vs {
				if v != "" && !strings.Contains(usr, v) {
					t.Errorf("%s: section prompt lacks %s %q", id, field, v)
				}
			}
		}
		if strings.Contains(sys, p.ShortName) {
			t.Errorf("%s: the system part names the standard; it should not depend on the data", id)
		}
		if p.Mandatory.Required && !strings.Contains(usr, "mandatory: yes, for "+p.Mandatory.For) {
			t.Errorf("%s: mandatory status not stated", id)
		}
		if !p.Mandatory.Required && !strings.Contains(usr, "mandatory: no") {
			t.Errorf("%s: voluntary status not stated", id)
		}
	}
}

func profileFieldCount() int { return reflect.TypeFor[profile.Profile]().NumField() }

func TestPairIsCompact(t *testing.T) {
	ps := loadProfiles(t)
	a, b := ps["gdpr"], ps["iso-27001"]
	_, usr, err := Pair().Render(NewPairData(a, b))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*profile.Profile{a, b} {
		for _, v := range []string{p.ShortName, p.Issuer, p.Scope, p.Tagline, p.Mandatory.For} {
			if !strings.Contains(usr, v) {
				t.Errorf("pair prompt lacks %q", v)
			}
		}
		// The FAQ is asked about testing, penalties and nature.
		for _, v := range []string{p.Nature, p.Testing, p.Penalties} {
			if !strings.Contains(usr, v) {
				t.Errorf("pair prompt lacks %q", v)
			}
		}
		if !strings.Contains(usr, "- tagline (already on the page: do not restate): "+p.Tagline) {
			t.Errorf("pair prompt does not mark %s's tagline as already on the page", p.ShortName)
		}
		// The standards' own sections are drafted elsewhere: their text
		// would only cost tokens here.
		for _, v := range append(append([]string{}, p.WhatItIs...), p.KeyComponents...) {
			if strings.Contains(usr, v) {
				t.Errorf("pair prompt carries section text %q", v)
			}
		}
	}
	if !strings.Contains(usr, "commonly implemented together") || strings.Contains(usr, "No relation is on file") {
		t.Error("related pair not said to be implemented together")
	}
	_, usr2, err := Pair().Render(NewPairData(ps["gdpr"], ps["nist-csf"]))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(usr2, "No relation is on file: they are independent") || !strings.Contains(usr2, "give no overlap figure") {
		t.Errorf("unrelated pair: the prompt should forbid relation and overlap claims:\n%s", usr2)
	}
	whole := WholePage()
	ws, wu, err := whole.Render(NewPairData(a, b))
	if err != nil {
		t.Fatal(err)
	}
	ps2, pu, _ := Pair().Render(NewPairData(a, b))
	if tokens.Count(ps2+pu) >= tokens.Count(ws+wu) {
		t.Errorf("pair prompt (%d tokens) should cost less than the whole-page prompt (%d)", tokens.Count(ps2+pu), tokens.Count(ws+wu))
	}
}

func TestRedraftCarriesFindings(t *testing.T) {
	_, usr, err := Redraft().Render(RedraftData{Findings: sampleFindings})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sampleFindings {
		for _, v := range []string{f.Rule, f.Message, string(f.Severity)} {
			if !strings.Contains(usr, v) {
				t.Errorf("redraft prompt lacks %q", v)
			}
		}
	}
	if !strings.Contains(usr, "at verdict") || !strings.Contains(usr, "in ISO 27001 / Key Components") {
		t.Errorf("redraft prompt does not locate findings:\n%s", usr)
	}
	if strings.Contains(usr, "editor") {
		t.Errorf("a redraft with no note mentions an editor:\n%s", usr)
	}
	_, usr, _ = Redraft().Render(RedraftData{Findings: sampleFindings, Note: "Shorten the verdict."})
	if !strings.Contains(usr, "still applies: Shorten the verdict.") {
		t.Errorf("a standing editor's note is not repeated in the redraft:\n%s", usr)
	}
	sys, usr, _ := Review().Render(RedraftData{Note: "Shorten the verdict."})
	if !strings.Contains(usr, "Shorten the verdict.") || strings.Contains(sys+usr, "checker") {
		t.Errorf("review prompt:\n%s", usr)
	}
	if !strings.Contains(sys, "Change only what the editor's note asks") {
		t.Errorf("review prompt does not limit the change to the note:\n%s", sys)
	}
}

func TestRenderErrors(t *testing.T) {
	if _, _, err := Section().Render(SectionData{}); err == nil {
		t.Error("section with no profile rendered without error")
	}
	if _, _, err := Pair().Render(SectionData{}); err == nil {
		t.Error("pair with the wrong data rendered without error")
	}
}

func TestHashIsVersion(t *testing.T) {
	seen := map[string]string{}
	for _, tm := range All() {
		if len(tm.Hash()) != 64 {
			t.Errorf("%s: hash %q", tm.Name(), tm.Hash())
		}
		if prev, ok := seen[tm.Hash()]; ok {
			t.Errorf("%s and %s share a hash", tm.Name(), prev)
		}
		seen[tm.Hash()] = tm.Name()
	}
	base := fstest.MapFS{}
	names, _ := files.ReadDir(".")
	for _, e := range names {
		b, _ := files.ReadFile(e.Name())
		base[e.Name()] = &fstest.MapFile{Data: b}
	}
	orig, err := load(base, "pair.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if orig.Hash() != Pair().Hash() {
		t.Fatal("loading the same sources gave a different hash")
	}
	for f, edit := range map[string][2]string{"pair.tmpl": {"compliance", "Compliance"}, common: {"Rules:", "Rules -"}} {
		changed := fstest.MapFS{}
		for k, v := range base {
			changed[k] = v
		}
		changed[f] = &fstest.MapFile{Data: []byte(strings.Replace(string(base[f].Data), edit[0], edit[1], 1))}
		if string(changed[f].Data) == string(base[f].Data) {
			t.Fatalf("edit of %s changed nothing", f)
		}
		tm, err := load(changed, "pair.tmpl")
		if err != nil {
			t.Fatal(err)
		}
		if tm.Hash() == orig.Hash() {
			t.Errorf("editing %s did not change the pair template's hash", f)
		}
	}
}

// BenchmarkPromptTokens reports the prompt tokens of drafting every pair of
// the project's profiles (the test profiles when those are absent) two
// ways: shared sections (one section prompt per standard, one pair prompt
// per pair) against one whole-page prompt per pair.
func BenchmarkPromptTokens(b *testing.B) {
	m := loadDir(b, filepath.Join("..", "profiles"))
	if len(m) < 2 {
		m = loadProfiles(b)
	}
	var ps []*profile.Profile
	for _, p := range m {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	var shared, whole int
	for b.Loop() {
		shared, whole = 0, 0
		for _, p := range ps {
			s, u, err := Section().Render(SectionData{Profile: p})
			if err != nil {
				b.Fatal(err)
			}
			shared += tokens.Count(s + u)
		}
		for i := range ps {
			for j := i + 1; j < len(ps); j++ {
				s, u, _ := Pair().Render(NewPairData(ps[i], ps[j]))
				shared += tokens.Count(s + u)
				s, u, _ = WholePage().Render(NewPairData(ps[i], ps[j]))
				whole += tokens.Count(s + u)
			}
		}
	}
	b.ReportMetric(float64(shared), "shared-tokens")
	b.ReportMetric(float64(whole), "wholepage-tokens")
}
