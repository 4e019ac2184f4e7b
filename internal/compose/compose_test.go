package compose

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// loadDir reads every profile YAML in dir with yaml.v3 directly, so these
// tests do not depend on the profile package's loader and checks.
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
		p.File = f
		out[p.ID] = &p
	}
	return out
}

func testProfiles(t testing.TB) map[string]*profile.Profile {
	ps := loadDir(t, filepath.Join("testdata", "profiles"))
	if len(ps) < 3 {
		t.Fatalf("want 3 test profiles, got %d", len(ps))
	}
	return ps
}

// realProfiles loads the project's profiles/*.yaml, or skips.
func realProfiles(t testing.TB) []*profile.Profile {
	dir := filepath.Join("..", "..", "profiles")
	ps := loadDir(t, dir)
	if len(ps) < 2 {
		t.Skipf("no real profiles in %s yet", dir)
	}
	return sorted(ps)
}

func sorted(m map[string]*profile.Profile) []*profile.Profile {
	var out []*profile.Profile
	for _, p := range m {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// pagePairs lists every pair of ps in page order (ids sorted).
func pagePairs(ps []*profile.Profile) [][2]*profile.Profile {
	var out [][2]*profile.Profile
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			out = append(out, [2]*profile.Profile{ps[i], ps[j]})
		}
	}
	return out
}

func TestSection(t *testing.T) {
	ps := testProfiles(t)
	for _, id := range []string{"iso-27001", "gdpr", "nist-csf"} {
		p := ps[id]
		s := Section(p)
		if s.Standard != p.ID || s.Heading != p.ShortName || s.FullName != p.Name || s.Tagline != p.Tagline {
			t.Errorf("%s: header fields not from profile: %+v", id, s)
		}
		if !reflect.DeepEqual(s.KeyFeatures, p.KeyFeatures) || !reflect.DeepEqual(s.WhatItIs, p.WhatItIs) ||
			!reflect.DeepEqual(s.KeyComponents, p.KeyComponents) || !reflect.DeepEqual(s.WhyUsed, p.WhyUsed) {
			t.Errorf("%s: list fields not copied from profile", id)
		}
		impl := s.Implementation
		switch len(p.Implementation) {
		case 1:
			if impl.Paragraph != p.Implementation[0] || len(impl.Steps) != 0 {
				t.Errorf("%s: one implementation entry should be a paragraph: %+v", id, impl)
			}
		default:
			if impl.Paragraph != "" || !reflect.DeepEqual(impl.Steps, p.Implementation) {
				t.Errorf("%s: several implementation entries should be steps: %+v", id, impl)
			}
		}
		// The section must not alias the profile's slices.
		s.KeyFeatures[0] = "changed"
		if p.KeyFeatures[0] == "changed" {
			t.Errorf("%s: section aliases the profile's key features", id)
		}
	}
}

func TestPage(t *testing.T) {
	ps := testProfiles(t)
	tests := []struct {
		a, b string
		// wantQ are questions the pair's properties call for: each entry is
		// satisfied by any of its phrasings.
		wantQ [][]string
		// wantVerdict are phrases the verdict must hold (facts of the pair).
		wantVerdict []string
	}{
		{"gdpr", "iso-27001",
			[][]string{{"Who has to comply with GDPR?", "Does GDPR apply to my organization?", "Who must meet GDPR?"},
				{"Can an organization be certified against ISO 27001?", "How does ISO 27001 certification work?", "Can we get certified against ISO 27001?"}},
			[]string{"an EU law", "an international management system standard", "processing of personal data of people in the EU"}},
		{"gdpr", "nist-csf",
			[][]string{{"Who has to comply with GDPR?", "Does GDPR apply to my organization?", "Who must meet GDPR?"},
				{"Is there a NIST CSF certification?", "Can an organization be certified against NIST CSF?"}},
			[]string{"an EU law", "a US framework"}},
		{"iso-27001", "nist-csf",
			[][]string{{"Can an organization be certified against ISO 27001?", "How does ISO 27001 certification work?", "Can we get certified against ISO 27001?"}},
			[]string{"requirements for an information security management system", "managing cybersecurity risk"}},
	}
	for _, tt := range tests {
		t.Run(tt.a+"-vs-"+tt.b, func(t *testing.T) {
			a, b := ps[tt.a], ps[tt.b]
			pg := Page(a, b)
			checkPage(t, pg, a, b)
			if pg.Slug != tt.a+"-vs-"+tt.b || pg.Title != a.ShortName+" vs "+b.ShortName || pg.Standards != [2]string{tt.a, tt.b} {
				t.Errorf("slug/title/standards: %q %q %v", pg.Slug, pg.Title, pg.Standards)
			}
			var qs []string
			for _, qa := range pg.FAQ {
				qs = append(qs, qa.Question)
			}
			for _, alts := range tt.wantQ {
				if !slices.ContainsFunc(alts, func(q string) bool { return slices.Contains(qs, q) }) {
					t.Errorf("FAQ lacks any of %q; has %q", alts, qs)
				}
			}
			for _, v := range tt.wantVerdict {
				if !strings.Contains(pg.Verdict, v) {
					t.Errorf("verdict lacks %q: %s", v, pg.Verdict)
				}
			}
			if !reflect.DeepEqual(Page(a, b), pg) {
				t.Error("composing twice gave different pages")
			}
		})
	}
}

// A standard that is not mandatory must never be called mandatory, one that
// is not certifiable never certifiable, and vice versa.
func TestClaimsFollowProfiles(t *testing.T) {
	ps := testProfiles(t)
	for _, pair := range pagePairs(sorted(ps)) {
		a, b := pair[0], pair[1]
		pg := Page(a, b)
		checkClaims(t, pg, a, b)
	}
}

// checkPage asserts the bounds of the page format and the composer's own
// promises on one composed page.
func checkPage(t *testing.T, pg page.Page, a, b *profile.Profile) {
	t.Helper()
	name := pg.Slug
	if n := len(pg.Description); n < minDescription || n > maxDescription {
		t.Errorf("%s: description is %d chars: %q", name, n, pg.Description)
	}
	if n := len(sentences(pg.Description)); n != 1 {
		t.Errorf("%s: description has %d sentences: %q", name, n, pg.Description)
	}
	for _, field := range []struct{ what, text string }{{"description", pg.Description}, {"verdict", pg.Verdict}} {
		if !strings.Contains(field.text, a.ShortName) || !strings.Contains(field.text, b.ShortName) {
			t.Errorf("%s: %s does not name both standards: %q", name, field.what, field.text)
		}
	}
	if n := wordCount(pg.Verdict); n < minVerdict || n > maxVerdict {
		t.Errorf("%s: verdict has %d words: %q", name, n, pg.Verdict)
	}
	if strings.Contains(pg.Verdict, "\n") {
		t.Errorf("%s: verdict is not one paragraph", name)
	}
	if n := len(pg.FAQ); n < minFAQ || n > maxFAQ {
		t.Errorf("%s: %d FAQ entries", name, n)
	}
	for _, qa := range pg.FAQ {
		if !strings.HasSuffix(qa.Question, "?") || strings.Count(qa.Question, "?") != 1 {
			t.Errorf("%s: question %q", name, qa.Question)
		}
		if strings.TrimSpace(qa.Answer) == "" || strings.Contains(qa.Answer, "\n") {
			t.Errorf("%s: answer to %q is empty or not one paragraph: %q", name, qa.Question, qa.Answer)
		}
		// The validator's style bounds (warnings there, failures here).
		if n := wordCount(qa.Question); n < 3 || n > 30 {
			t.Errorf("%s: question of %d words: %q", name, n, qa.Question)
		}
		if n := wordCount(qa.Answer); n < 12 || n > 150 {
			t.Errorf("%s: answer of %d words: %q", name, n, qa.Answer)
		}
	}
	rows := pg.Differences.Rows()
	if len(rows) < 5 {
		t.Fatalf("%s: %d rows", name, len(rows))
	}
	for i, r := range rows {
		if i < 5 && r.Aspect != page.FixedAspects[i] {
			t.Errorf("%s: row %d is %q", name, i, r.Aspect)
		}
		if strings.TrimSpace(r.A) == "" || strings.TrimSpace(r.B) == "" || strings.TrimSpace(r.Aspect) == "" {
			t.Errorf("%s: empty cell in row %+v", name, r)
		}
		if wordCount(r.A) > 30 || wordCount(r.B) > 30 {
			t.Errorf("%s: cell over 30 words in row %+v", name, r)
		}
	}
	wantPen := b.Penalties
	if a.Penalties == b.Penalties {
		wantPen = sameAs("Penalties", a) // a fact both share is said once
	}
	for _, r := range rows {
		if r.A == r.B && wordCount(r.A) >= sharedMinWords {
			t.Errorf("%s: the %s row says %q twice, not once for both", name, r.Aspect, r.A)
		}
	}
	if pg.Differences.Scope.A != a.Scope || pg.Differences.Penalties.B != wantPen {
		t.Errorf("%s: table cells not from the profiles", name)
	}
	// No composed sentence repeats another sentence of the page. (Two
	// profiles that share a sentence are the profiles' problem, reported
	// by sectionOverlap.)
	seen := map[string]bool{}
	for _, txt := range sectionTexts(pg) {
		for _, s := range sentences(txt) {
			seen[normSentence(s)] = true
		}
	}
	for _, txt := range composedTexts(pg) {
		for _, s := range sentences(txt) {
			k := normSentence(s)
			if seen[k] {
				t.Errorf("%s: sentence repeats: %q", name, s)
			}
			seen[k] = true
		}
	}
	// No number the profiles do not hold: every digit run in composed text
	// must occur in one of the profiles' texts.
	grounded := profileText(a) + " " + profileText(b)
	for _, txt := range composedTexts(pg) {
		for _, num := range digitRun.FindAllString(txt, -1) {
			if !strings.Contains(grounded, num) {
				t.Errorf("%s: number %q not in either profile: %q", name, num, txt)
			}
		}
		if strings.Count(txt, "**")%2 != 0 {
			t.Errorf("%s: unbalanced bold: %q", name, txt)
		}
	}
	checkClaims(t, pg, a, b)
}

var digitRun = regexp.MustCompile(`[0-9]+`)

func profileText(p *profile.Profile) string {
	parts := []string{p.Name, p.ShortName, p.Scope, p.Nature, p.Testing, p.Penalties, p.Mandatory.For, p.Issuer, p.Jurisdiction, p.Edition}
	parts = append(parts, p.Industries...)
	parts = append(parts, p.Aliases...)
	return strings.Join(parts, " ")
}

// composedTexts is the text the composer wrote (not copied whole from a
// profile field).
func composedTexts(pg page.Page) []string {
	out := []string{pg.Description, pg.Verdict}
	for _, qa := range pg.FAQ {
		out = append(out, qa.Question, qa.Answer)
	}
	return out
}

func sectionTexts(pg page.Page) []string {
	var out []string
	for _, s := range pg.Sections {
		out = append(out, s.Tagline, s.Implementation.Paragraph)
		out = append(out, s.KeyFeatures...)
		out = append(out, s.WhatItIs...)
		out = append(out, s.KeyComponents...)
		out = append(out, s.WhyUsed...)
		out = append(out, s.Implementation.Steps...)
	}
	return out
}

// checkClaims reads every composed clause that makes a mandatory,
// voluntary or certification claim: it must name exactly one of the pair
// (or follow a clause that does), and the claim must match that standard's
// profile. Clauses part at ';', ' while ' and ' whereas ', as the
// validator reads them.
func checkClaims(t *testing.T, pg page.Page, a, b *profile.Profile) {
	t.Helper()
	for _, txt := range composedTexts(pg) {
		for _, s := range sentences(txt) {
			if strings.HasSuffix(s, "?") {
				continue
			}
			var last *profile.Profile
			for _, c := range claimClauses.Split(s, -1) {
				l := strings.ToLower(c)
				var named []*profile.Profile
				for _, p := range []*profile.Profile{a, b} {
					if strings.Contains(c, p.ShortName) {
						named = append(named, p)
					}
				}
				if len(named) == 1 {
					last = named[0]
				}
				claims := strings.Contains(l, "mandatory") || strings.Contains(l, "voluntary") || strings.Contains(l, "certifiable")
				if !claims {
					continue
				}
				p := last
				if len(named) > 1 {
					t.Errorf("%s: claim clause names both standards: %q", pg.Slug, c)
					continue
				}
				if p == nil {
					t.Errorf("%s: claim clause about no standard: %q in %q", pg.Slug, c, s)
					continue
				}
				notCert := strings.Contains(l, "not certifiable")
				if p.Certifiable && notCert {
					t.Errorf("%s: %s is certifiable but called not: %q", pg.Slug, p.ID, s)
				}
				if !p.Certifiable && strings.Contains(l, "certifiable") && !notCert {
					t.Errorf("%s: %s is not certifiable but called so: %q", pg.Slug, p.ID, s)
				}
				if p.Mandatory.Required && strings.Contains(l, "voluntary") {
					t.Errorf("%s: %s is mandatory but called voluntary: %q", pg.Slug, p.ID, s)
				}
				if !p.Mandatory.Required && strings.Contains(l, "mandatory") {
					t.Errorf("%s: %s is voluntary but called mandatory: %q", pg.Slug, p.ID, s)
				}
			}
		}
	}
}

var claimClauses = regexp.MustCompile(`; | while | whereas `)

// Every pair of the real profiles composes to a page within the bounds,
// and no two verdicts are near copies.
func TestAllRealPairs(t *testing.T) {
	ps := realProfiles(t)
	var pages []page.Page
	for _, pair := range pagePairs(ps) {
		pg := Page(pair[0], pair[1])
		checkPage(t, pg, pair[0], pair[1])
		pages = append(pages, pg)
	}
	checkVerdictSpread(t, pages)
}

// TestVerdictsDiffer checks the test profiles' verdicts against each other;
// TestAllRealPairs does the same at full scale.
func TestVerdictsDiffer(t *testing.T) {
	var pages []page.Page
	for _, pair := range pagePairs(sorted(testProfiles(t))) {
		pages = append(pages, Page(pair[0], pair[1]))
	}
	checkVerdictSpread(t, pages)
}

// maxVerdictSimilarity is the Jaccard similarity of word 3-shingles above
// which two verdicts count as near copies here. The validator flags 0.7;
// this keeps a margin. Pages that share a standard share that standard's
// facts, so some similarity is unavoidable: over the real profiles' 496
// pages the most similar pair measured about 0.55.
const maxVerdictSimilarity = 0.6

func checkVerdictSpread(t *testing.T, pages []page.Page) {
	t.Helper()
	sh := make([]map[string]bool, len(pages))
	for i, pg := range pages {
		sh[i] = shingles(pg.Verdict, 3)
	}
	worst, wi, wj := 0.0, 0, 0
	for i := range pages {
		for j := i + 1; j < len(pages); j++ {
			if s := jaccard(sh[i], sh[j]); s > worst {
				worst, wi, wj = s, i, j
			}
		}
	}
	t.Logf("most similar verdicts: %.2f (%s, %s) over %d pages", worst, pages[wi].Slug, pages[wj].Slug, len(pages))
	if worst > maxVerdictSimilarity {
		t.Errorf("verdicts of %s and %s are near copies (%.2f):\n%s\n%s", pages[wi].Slug, pages[wj].Slug, worst, pages[wi].Verdict, pages[wj].Verdict)
	}
}

func shingles(s string, k int) map[string]bool {
	words := strings.Fields(strings.ToLower(regexp.MustCompile(`[^\pL\pN ]+`).ReplaceAllString(s, " ")))
	out := map[string]bool{}
	for i := 0; i+k <= len(words); i++ {
		out[strings.Join(words[i:i+k], " ")] = true
	}
	return out
}

func jaccard(x, y map[string]bool) float64 {
	if len(x)+len(y) == 0 {
		return 0
	}
	n := 0
	for k := range x {
		if y[k] {
			n++
		}
	}
	return float64(n) / float64(len(x)+len(y)-n)
}

func TestSentences(t *testing.T) {
	got := sentences("One. Two? Three! Version 4.0.1 stays whole.")
	want := []string{"One.", "Two?", "Three!", "Version 4.0.1 stays whole."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sentences = %q, want %q", got, want)
	}
}

func TestClause(t *testing.T) {
	for in, want := range map[string]string{
		"Processing of personal data.": "processing of personal data",
		"EU personal data":             "EU personal data",
		"European Union member states": "European Union member states",
		"ISO-style management systems": "ISO-style management systems",
		"  Payment card data  ":        "payment card data",
		"":                             "",
	} {
		if got := clause(in); got != want {
			t.Errorf("clause(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"European Union": "the European Union",
		"ISO/IEC":        "ISO/IEC",
		"ISO and IEC (joint technical committee ISO/IEC JTC 1/SC 27)":          "ISO and IEC",
		"American Institute of Certified Public Accountants (AICPA)":           "the AICPA",
		"US National Institute of Standards and Technology (NIST)":             "the US National Institute of Standards and Technology",
		"State of California (legislature and ballot initiative); enforced by": "the State of California",
	} {
		if got := issuerRef(in); got != want {
			t.Errorf("issuerRef(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"EU law": "an EU law", "US framework": "a US framework", "international guideline": "an international guideline",
		"UK law": "a UK law", "European regulation": "a European regulation", "law": "a law",
	} {
		if got := withArticle(in); got != want {
			t.Errorf("withArticle(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkPage(b *testing.B) {
	ps := testProfiles(b)
	x, y := ps["gdpr"], ps["iso-27001"]
	b.ReportAllocs()
	for b.Loop() {
		_ = Page(x, y)
	}
}

// FuzzPair feeds the composer odd profile text: it must not panic, must be
// deterministic, must keep the verdict one paragraph, and must keep every
// table cell non-empty.
func FuzzPair(f *testing.F) {
	f.Add("ISO 27001", "Requirements for an ISMS.", "All sectors", "EU", "ISO/IEC (x)", true, false)
	f.Add("X", "", "", "", "", false, true)
	f.Add("A [b|c] d", "scope | with pipe", "Any sector", "US (federal)", "The Council", false, false)
	ps := testProfiles(f)
	base := ps["nist-csf"]
	f.Fuzz(func(t *testing.T, short, scope, industry, jur, issuer string, cert, req bool) {
		p := *base
		p.ID, p.ShortName, p.Scope, p.Jurisdiction, p.Issuer = "fuzz", short, scope, jur, issuer
		p.Industries = []string{industry}
		p.Certifiable, p.Mandatory.Required = cert, req
		for _, pair := range [][2]*profile.Profile{{ps["gdpr"], &p}, {&p, ps["iso-27001"]}} {
			got := Pair(pair[0], pair[1])
			if !reflect.DeepEqual(got, Pair(pair[0], pair[1])) {
				t.Fatal("not deterministic")
			}
			if strings.TrimSpace(got.Verdict) == "" || strings.Contains(got.Verdict, "\n") && !strings.Contains(short+scope+industry+jur+issuer, "\n") {
				t.Fatalf("verdict: %q", got.Verdict)
			}
			if len(got.FAQ) < minFAQ || len(got.FAQ) > maxFAQ {
				t.Fatalf("%d FAQ entries", len(got.FAQ))
			}
			for _, r := range got.Differences.Rows() {
				if r.A == "" || r.B == "" {
					t.Fatalf("empty cell in %+v", r)
				}
			}
		}
	})
}

// An issuer that names two bodies takes a plural verb; one body with an
// "and" in its name does not.
func TestTwoBodies(t *testing.T) {
	for issuer, want := range map[string]bool{
		"ISO and IEC": true,
		"the European Parliament and the Council of the European Union": true,
		"the US National Institute of Standards and Technology":         false,
		"the AICPA": false,
		"ISO":       false,
	} {
		if got := twoBodies(issuer); got != want {
			t.Errorf("twoBodies(%q) = %v, want %v", issuer, got, want)
		}
	}
}

// A fact both standards share is said once in the table, naming the aspect
// (two shared rows must not read as one sentence twice) and the first
// standard with its article; a short label stays in both columns.
func TestSharedRowsSaidOnce(t *testing.T) {
	mk := func(id, short, article string) *profile.Profile {
		return &profile.Profile{ID: id, ShortName: short, Grammar: profile.Grammar{Article: article},
			Issuer: "European Parliament and Council of the European Union", Jurisdiction: "EU, with reach beyond it",
			Scope: "Scope of " + short, Penalties: "None; it is voluntary guidance with no enforcement", Testing: "Self-assessment"}
	}
	a, b := mk("cra", "Cyber Resilience Act", "the"), mk("x", "X", "")
	d := differences(a, b)
	for _, c := range []struct{ got, want string }{
		{d.Penalties.B, "Same penalties as the Cyber Resilience Act"},
		{d.Extra[0].B, "Same issuer as the Cyber Resilience Act"},
		{d.Extra[1].B, "Same jurisdiction as the Cyber Resilience Act"},
		{d.Scope.B, "Scope of X"},
		{d.Testing.B, "Self-assessment"}, // a label: kept
		{d.Extra[2].B, "Not certifiable"},
	} {
		if c.got != c.want {
			t.Errorf("cell %q, want %q", c.got, c.want)
		}
	}
}
