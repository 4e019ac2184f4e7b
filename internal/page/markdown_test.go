package page

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/profile"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current Render")

// records loads the hand-written page records in testdata/.
func records(t testing.TB) map[string]Page {
	t.Helper()
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) < 3 {
		t.Fatalf("want at least 3 records in testdata, got %d (%v)", len(files), err)
	}
	out := map[string]Page{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p Page
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = p
	}
	return out
}

func TestRenderGolden(t *testing.T) {
	for name, p := range records(t) {
		t.Run(name, func(t *testing.T) {
			got := Render(p)
			if !bytes.Equal(got, Render(p)) {
				t.Fatal("Render is not deterministic")
			}
			path := filepath.Join("testdata", "golden", name+".md")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render differs from %s at line %d (run go test -update if the change is intended)", path, firstDiffLine(got, want))
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	for name, p := range records(t) {
		t.Run(name, func(t *testing.T) {
			if err := RoundTrip(p); err != nil {
				t.Fatal(err)
			}
			md := Render(p)
			got, fs := Parse(md)
			if strings.HasSuffix(name, "-edge") {
				return // holds invalid content on purpose; RoundTrip is the check
			}
			// valid records come back exactly, and with no findings
			if !reflect.DeepEqual(got, p) {
				t.Errorf("Parse(Render(p)) != p:\n%s", diffPages(p, got))
			}
			if len(fs) > 0 {
				t.Errorf("findings on a rendered valid record: %v", fs)
			}
			if !bytes.Equal(Render(got), md) {
				t.Error("Render(Parse(Render(p))) != Render(p)")
			}
		})
	}
}

// TestRoundTripEdgeFields checks fields that look like Markdown structure
// one at a time, so a failure names the field.
func TestRoundTripEdgeFields(t *testing.T) {
	base := records(t)["iso-27001-vs-soc-2"]
	tricky := []string{
		"- bullet", "* star", "+ plus", "1. ordered", "12) ordered", "# hash", "###### six", "| pipe",
		`\ backslash`, `\\ two`, `\- escaped`, `1\. escaped`, "Key Features", "quick verdict:", "**Key Features**",
		"**bold line**", `\**bold**`, "a | b || c", `a \| b`, "line\nbreak", "  spaced   out  ", "---", "***",
		"<script>alert(1)</script>", "ends with backslash \\", "[link](javascript:alert(1))", "trailing **",
		"?", "Frequently Asked Questions", "Scope", "tab\there",
	}
	set := []func(p *Page, s string){
		func(p *Page, s string) { p.Verdict = s },
		func(p *Page, s string) { p.Title = s },
		func(p *Page, s string) { p.Description = s },
		func(p *Page, s string) { p.Slug = s },
		func(p *Page, s string) { p.Standards[1], p.Sections[1].Standard = s, norm(s) },
		func(p *Page, s string) { p.Sections[0].Tagline = s },
		func(p *Page, s string) { p.Sections[0].FullName = "" + s },
		func(p *Page, s string) { p.Sections[1].KeyFeatures[0] = s },
		func(p *Page, s string) { p.Sections[1].WhatItIs = []string{s, s} },
		func(p *Page, s string) { p.Sections[0].Implementation.Steps[1] = s },
		func(p *Page, s string) { p.Sections[1].Implementation.Paragraph = s },
		func(p *Page, s string) { p.Differences.Scope.A = s },
		func(p *Page, s string) { p.Differences.Extra = []Row{{Aspect: s, A: s, B: s}} },
		func(p *Page, s string) { p.FAQ[0].Question = s },
		func(p *Page, s string) { p.FAQ[2].Answer = s },
	}
	for _, s := range tricky {
		for fi, f := range set {
			p := clonePage(base)
			f(&p, s)
			if strings.TrimSpace(s) == "" {
				continue
			}
			if err := RoundTrip(p); err != nil {
				t.Errorf("setter %d, value %q: %v", fi, s, err)
			}
		}
	}
}

func clonePage(p Page) Page {
	var q Page
	b, _ := json.Marshal(p)
	_ = json.Unmarshal(b, &q)
	return q
}

func hasRule(fs []finding.Finding, rule string, line int) bool {
	for _, f := range fs {
		if f.Rule == rule && (line == 0 || f.Line == line) {
			return true
		}
	}
	return false
}

func TestParseFindings(t *testing.T) {
	good := string(Render(records(t)["iso-27001-vs-soc-2"]))
	lineOf := func(src, s string) int {
		i := strings.Index(src, s)
		if i < 0 {
			t.Fatalf("%q not in source", s)
		}
		return strings.Count(src[:i], "\n") + 1
	}
	tests := []struct {
		name string
		src  string
		rule string
		at   string // text that starts the line the finding must name; "" for any line
	}{
		{"missing verdict", strings.Replace(good, "## Quick Verdict\n", "", 1), RuleMissingSection, ""},
		{"empty part", strings.Replace(good, "### What It Is\nISO/IEC 27001 sets out", "### What It Is\n\n### Extra\nISO/IEC 27001 sets out", 1), RuleEmptySection, "### What It Is"},
		{"unknown part", strings.Replace(good, "### What It Is\nISO/IEC 27001 sets out", "### What It Is\nx\n\n### Extra\nISO/IEC 27001 sets out", 1), RuleUnknownSection, "### Extra"},
		{"four key features", strings.Replace(good, "- Annex A reference set of 93 controls\n", "", 1), "", ""},
		{"faq heading with no question", strings.Replace(good, "## Frequently Asked Questions\n", "## Frequently Asked Questions\n### ISO 27001 FAQ\n\n", 1), RuleFAQNoQuestion, "### ISO 27001 FAQ"},
		{"faq no answer", strings.Replace(good, "Yes. The control sets overlap a great deal, so many organizations run one control framework and use it for both the certification audit and the SOC 2 examination.\n", "", 1), RuleFAQNoAnswer, "### Can an organization"},
		{"table row missing", strings.Replace(good, "| Nature | Certifiable international standard | Attestation report under AICPA standards |\n", "", 1), RuleTableRowMissing, ""},
		{"table cell empty", strings.Replace(good, "| Industry | Any sector, worldwide |", "| Industry |  |", 1), RuleTableCellEmpty, "| Industry"},
		{"relation unreadable", strings.Replace(good, "## How They Relate\n", "## How They Relate\n- **ISO 27001 resembles SOC 2**. A claim of no known kind.\n", 1), RuleRelation, "- **ISO 27001 resembles"},
		{"mapping line unreadable", strings.Replace(good, "Mapping: through", "Mapping: sideways", 1), RuleRelation, "Mapping: sideways"},
		{"table leftover", strings.Replace(good, "\n## How They Relate", "Scope\nIndustry\nNature\n\n## How They Relate", 1), RuleTableLeftover, "Scope\nIndustry"},
		{"bare part heading", strings.Replace(good, "### Key Components\n", "Key Components\n", 1), RuleHeadingFormat, "Key Components\n"},
		{"front matter not closed", strings.Replace(good, "---\n#", "#", 1), RuleFrontMatter, ""},
		{"trailing content", good + "\nYou may also like these articles\n\nAnother link\n", RuleTrailing, "You may also like"},
		{"trailing section", good + "\n## Related pages\n- a link\n", RuleTrailing, "## Related pages"},
		{"unknown section", strings.Replace(good, "## Key Differences", "## Detailed Analysis\nA look.\n\n## Key Differences", 1), RuleUnknownSection, "## Detailed Analysis"},
		{"out of order", strings.Replace(good, "## Quick Verdict\n", "## Frequently Asked Questions\n### Q?\nA.\n\n## Quick Verdict\n", 1), RuleSectionOrder, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fs := Parse([]byte(tt.src))
			if tt.rule == "" {
				if n := len(p.Sections[0].KeyFeatures); n != 4 {
					t.Fatalf("want the 4 key features as written, got %d", n)
				}
				return
			}
			line := 0
			if tt.at != "" {
				line = lineOf(tt.src, tt.at)
			}
			if !hasRule(fs, tt.rule, line) {
				t.Errorf("want %s at line %d, got:\n%s", tt.rule, line, dump(fs))
			}
		})
	}
}

func TestParseTrailingKeepsAnswer(t *testing.T) {
	p := records(t)["iso-27001-vs-soc-2"]
	src := string(Render(p)) + "\nYou may also like these articles\n"
	got, s, _ := ParseWithSource([]byte(src))
	if last := got.FAQ[len(got.FAQ)-1].Answer; last != p.FAQ[len(p.FAQ)-1].Answer {
		t.Errorf("the trailing text was swallowed into the last answer: %q", last)
	}
	if s.Trailing != "You may also like these articles" {
		t.Errorf("Trailing = %q", s.Trailing)
	}
}

func dump(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

func TestSourceLines(t *testing.T) {
	p := records(t)["gdpr-vs-hipaa"]
	md := Render(p)
	_, src, _ := ParseWithSource(md)
	lines := strings.Split(string(md), "\n")
	for field, want := range map[string]string{
		"title":                                "# " + p.Title,
		"verdict":                              p.Verdict,
		"sections[0]":                          "## " + p.Sections[0].Heading,
		"sections[0].full_name":                "**" + p.Sections[0].FullName + "**",
		"sections[0].tagline":                  p.Sections[0].Tagline,
		"sections[0].key_features[2]":          "- " + p.Sections[0].KeyFeatures[2],
		"sections[0].what_it_is[1]":            p.Sections[0].WhatItIs[1],
		"sections[1].implementation":           "### Implementation Overview",
		"sections[1].implementation.paragraph": p.Sections[1].Implementation.Paragraph,
		"sections[0].implementation.steps[3]":  "- " + p.Sections[0].Implementation.Steps[3],
		"differences.scope.a":                  "| Scope | ",
		"differences.extra[1].b":               "| Breach notice |",
		"faq[1].question":                      "### " + p.FAQ[1].Question,
		"faq[1].answer":                        p.FAQ[1].Answer,
		"sections[0].key_features[9]":          "### Key Features", // falls back to the part's heading
		"description":                          "description: ",
	} {
		n := src.Line(field)
		if n < 1 || n > len(lines) || !strings.HasPrefix(lines[n-1], want) {
			t.Errorf("Line(%q) = %d (%q), want the line starting %q", field, n, src.LineText(n), want)
		}
	}
	if sec, ok := src.Section("standard", 1); !ok || !strings.HasPrefix(sec.Text, "## HIPAA\n") || !strings.HasSuffix(sec.Text, p.Sections[1].Implementation.Paragraph) {
		t.Errorf("Section(standard, 1) = %+v", sec)
	}
	if got := src.TableHeader; !reflect.DeepEqual(got, []string{"GDPR", "HIPAA"}) {
		t.Errorf("TableHeader = %q", got)
	}
}

// seedDir finds /work/shared/seeds from the package directory.
func seedDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "seeds")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("seed pages not found at %s (they live in the shared folder next to the repo): %v", dir, err)
	}
	return dir
}

func TestParseSeeds(t *testing.T) {
	dir := seedDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Skipf("no seed pages in %s", dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, src, fs := ParseWithSource(data)
			lines := strings.Split(string(data), "\n")
			// the seeds' first and third lines are the two standards' names
			for i, want := range []string{lines[0], lines[2]} {
				if p.Sections[i].Heading != want {
					t.Errorf("section %d heading = %q, want %q", i, p.Sections[i].Heading, want)
				}
				if n := len(p.Sections[i].KeyFeatures); n != 5 {
					t.Errorf("section %d: %d key features, want 5", i, n)
				}
				if p.Sections[i].FullName == "" || p.Sections[i].Tagline != lines[2*i+1] {
					t.Errorf("section %d: full name %q, tagline %q", i, p.Sections[i].FullName, p.Sections[i].Tagline)
				}
				if len(p.Sections[i].WhatItIs) == 0 || len(p.Sections[i].KeyComponents) < 3 || len(p.Sections[i].WhyUsed) == 0 {
					t.Errorf("section %d: parts not read: %+v", i, p.Sections[i])
				}
				if p.Sections[i].Implementation.Paragraph == "" && len(p.Sections[i].Implementation.Steps) == 0 {
					t.Errorf("section %d: no implementation overview", i)
				}
			}
			if !strings.Contains(p.Verdict, " while ") {
				t.Errorf("verdict not read: %q", p.Verdict)
			}
			d := p.Differences
			for _, r := range d.Rows()[:5] {
				if r.A == "" || r.B == "" {
					t.Errorf("table row %s not read: %+v", r.Aspect, r)
				}
			}
			if len(d.Extra) != 0 {
				t.Errorf("unexpected extra rows %+v", d.Extra)
			}
			if want := lines[0]; src.TableHeader[0] != want {
				t.Errorf("table header %q, want %q first", src.TableHeader, want)
			}
			// the FAQ has group headings and no questions
			for _, name := range []string{lines[0] + " FAQ", lines[2] + " FAQ"} {
				if !hasRule(fs, RuleFAQNoQuestion, lineNo(lines, name)) {
					t.Errorf("no %s finding for %q:\n%s", RuleFAQNoQuestion, name, dump(fs))
				}
			}
			if len(p.FAQ) != 0 {
				t.Errorf("FAQ should be empty, got %+v", p.FAQ)
			}
			// the site's tail is trailing content, not an answer
			tail := lineNo(lines, "You Might also be Interested in These Articles...")
			if !hasRule(fs, RuleTrailing, tail) || src.TrailingLine != tail || !strings.HasPrefix(src.Trailing, "You Might also be Interested") {
				t.Errorf("trailing content at line %d not reported (Trailing at %d: %.40q)", tail, src.TrailingLine, src.Trailing)
			}
			if !hasRule(fs, RuleTableLeftover, lineNo(lines, "Scope")) {
				t.Errorf("the bare row names under the table are not reported")
			}
			if !hasRule(fs, RuleUnknownSection, lineNo(lines, "Detailed Analysis")) {
				t.Errorf("the Detailed Analysis block is not reported")
			}
			// positions point at the content
			if n := src.Line("sections[1].key_features[2]"); lines[n-1] != "- "+p.Sections[1].KeyFeatures[2] {
				t.Errorf("key feature line %d = %q", n, lines[n-1])
			}
			if n := src.Line("differences.penalties.b"); !strings.HasPrefix(lines[n-1], "| Penalties |") {
				t.Errorf("penalties row line %d = %q", n, lines[n-1])
			}
			// and the parsed record renders to a page that parses back the same
			if err := RoundTrip(p); err != nil {
				t.Error(err)
			}
		})
	}
}

func lineNo(lines []string, s string) int {
	for i, l := range lines {
		if strings.TrimSpace(l) == s {
			return i + 1
		}
	}
	return -1
}

// Seed 000 and 004 carry bold markers that swallow text; Parse keeps them.
func TestParseKeepsBrokenMarkup(t *testing.T) {
	dir := seedDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "000_c15f5776e886cbf2.txt"))
	if err != nil {
		t.Skip(err)
	}
	p, _ := Parse(data)
	if got := p.Sections[1].KeyComponents[0]; !strings.HasPrefix(got, "**Three pillars8") {
		t.Errorf("broken bold not kept as written: %q", got)
	}
	if !strings.Contains(string(Render(p)), "- **Three pillars8") {
		t.Error("Render changed the broken bold")
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range records(f) {
		f.Add(Render(p))
		p.Grammar = [2]profile.Grammar{{Article: "the", Plural: true}, {Article: "the"}}
		f.Add(Render(p))
	}
	if files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "seeds", "*.txt")); len(files) > 0 {
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	for _, s := range []string{"", "---", "---\nslug: [\n---\n", "# a\n## b\n### c\n- d\n| e |", "Quick Verdict\nx\nA\nB\nKey Features\n- y\nFrequently Asked Questions\nq?\na\nX FAQ\ntail",
		"## Key Differences\n| Aspect | a | b |\n|---|---|---|\n| Scope | \\| | \\\\| |\n|\n", "\\\\\n\\#\n1\\. x\n**a**\n\n\\**b**"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p1, _ := Parse(data)
		r1 := Render(p1)
		p2, _ := Parse(r1)
		r2 := Render(p2)
		if !bytes.Equal(r1, r2) {
			t.Fatalf("render(parse(x)) is not stable at line %d:\n--- first\n%s\n--- second\n%s", firstDiffLine(r1, r2), r1, r2)
		}
		_, _, _ = ParseWithSource(data)
	})
}

func BenchmarkRender(b *testing.B) {
	p := records(b)["gdpr-vs-hipaa"]
	b.ReportAllocs()
	for b.Loop() {
		Render(p)
	}
}

func BenchmarkParse(b *testing.B) {
	md := Render(records(b)["gdpr-vs-hipaa"])
	b.SetBytes(int64(len(md)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(md)
	}
}

func BenchmarkParseSeed(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "seeds", "002_9fecea7c26dfb5a4.txt"))
	if err != nil {
		b.Skip("seed pages not found")
	}
	b.ReportAllocs()
	for b.Loop() {
		Parse(data)
	}
}

// How They Relate is optional on input: a page written elsewhere without it
// parses clean, with no relations, overlap or independence sentence, and
// renders it (empty) on output.
func TestRelateOptionalOnInput(t *testing.T) {
	p := records(t)["iso-27001-vs-soc-2"]
	md := string(Render(p))
	i, j := strings.Index(md, "## How They Relate"), strings.Index(md, "## Frequently Asked Questions")
	without := md[:i] + md[j:]
	got, fs := Parse([]byte(without))
	if len(fs) > 0 {
		t.Errorf("findings on a page without How They Relate: %v", fs)
	}
	if !got.Relate.Empty() {
		t.Errorf("relate = %+v, want empty", got.Relate)
	}
	if !strings.Contains(string(Render(got)), "## How They Relate\n\n## Frequently Asked Questions") {
		t.Error("How They Relate is not written on output")
	}
	back, _ := Parse(Render(p))
	if len(back.Relations) != 1 || back.Relations[0].Kind != p.Relations[0].Kind || back.Overlap == nil || back.Overlap.Via != "scf-2025.2.2" || back.Overlap.B.Requirements != nil || *back.Overlap.A.Requirements != 123 {
		t.Errorf("relations/overlap did not come back: %+v %+v", back.Relations, back.Overlap)
	}
}

// The hub's prose name and a stand-in's note are said on the page and come
// back from the Markdown; a mapping line of the older form (the hub's id
// alone) still reads, with no name.
func TestOverlapNamesRoundTrip(t *testing.T) {
	p := records(t)["iso-27001-vs-soc-2"]
	p.Overlap.ViaName = "the Secure Controls Framework (SCF)"
	p.Overlap.B.Note = "SOC 2's trust services criteria, 2017 edition with the 2022 points of focus (a test note)"
	md := string(Render(p))
	for _, want := range []string{
		"Through the Secure Controls Framework (SCF), a common-controls hub, 98 of ISO 27001's 123 requirements and 61 of the requirements counted for SOC 2 map to shared controls.",
		"For SOC 2, the figures count the requirements of " + p.Overlap.B.Note + ".",
		"Mapping: through the Secure Controls Framework (SCF), scf-2025.2.2; source ",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("page lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md[strings.Index(md, "## How They Relate"):strings.Index(md, "| Figure")], "scf-2025") {
		t.Error("the hub's id is in the How They Relate prose; it belongs in the mapping line")
	}
	back, fs := Parse([]byte(md))
	if len(fs) > 0 {
		t.Errorf("findings: %v", fs)
	}
	if !reflect.DeepEqual(back.Overlap, p.Overlap) {
		t.Errorf("overlap came back as %+v, want %+v", back.Overlap, p.Overlap)
	}

	old := strings.Replace(md, "through the Secure Controls Framework (SCF), scf-2025.2.2;", "through scf-2025.2.2;", 1)
	back, fs = Parse([]byte(old))
	if len(fs) > 0 || back.Overlap == nil || back.Overlap.Via != "scf-2025.2.2" || back.Overlap.ViaName != "" {
		t.Errorf("older mapping line: overlap %+v, findings %v", back.Overlap, fs)
	}
}

func TestPossessive(t *testing.T) {
	for in, want := range map[string]string{"CIS Controls": "CIS Controls'", "ISO 27001": "ISO 27001's", "SOX": "SOX's", "NIS2": "NIS2's"} {
		if got := Possessive(in); got != want {
			t.Errorf("Possessive(%q) = %q, want %q", in, got, want)
		}
	}
}
