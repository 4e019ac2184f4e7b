package validate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

var (
	testSetOnce sync.Once
	testSet     *profile.Set
	testSetErr  error
)

// loadTestSet loads the small profiles in testdata/profiles.
func loadTestSet(tb testing.TB) *profile.Set {
	tb.Helper()
	testSetOnce.Do(func() { testSet, testSetErr = profile.Load(filepath.Join("testdata", "profiles")) })
	if testSetErr != nil {
		tb.Fatalf("load test profiles: %v", testSetErr)
	}
	return testSet
}

func readPage(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pages", name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func validateText(tb testing.TB, text string, set *profile.Set) []finding.Finding {
	tb.Helper()
	pg, src, _ := page.ParseWithSource([]byte(text))
	return Page(pg, src, set)
}

func logFindings(t *testing.T, fs []finding.Finding) {
	t.Helper()
	for _, f := range fs {
		t.Log("  " + f.String())
	}
}

// TestCleanPage: the reference page breaks no rule at all, not even a warning.
func TestCleanPage(t *testing.T) {
	set := loadTestSet(t)
	text := readPage(t, "clean.md")
	pg, src, pfs := page.ParseWithSource([]byte(text))
	if len(pfs) > 0 {
		logFindings(t, pfs)
		t.Fatalf("the parser finds %d problems in clean.md", len(pfs))
	}
	if fs := Page(pg, src, set); len(fs) > 0 {
		logFindings(t, fs)
		t.Fatalf("clean.md has %d findings, want none", len(fs))
	}
}

// edit is a textual change to clean.md; old must occur exactly once.
type edit struct{ old, new string }

func applyEdits(t *testing.T, text string, eds []edit) string {
	t.Helper()
	for _, e := range eds {
		if n := strings.Count(text, e.old); n != 1 {
			t.Fatalf("edit target %q occurs %d times in the page", e.old, n)
		}
		text = strings.Replace(text, e.old, e.new, 1)
	}
	return text
}

// lineOf is the 1-based line of the n-th (1-based) occurrence of marker,
// written "marker" or "marker@n".
func lineOf(t *testing.T, text, marker string) int {
	t.Helper()
	n := 1
	if i := strings.LastIndex(marker, "@"); i > 0 {
		fmt.Sscanf(marker[i+1:], "%d", &n)
		marker = marker[:i]
	}
	off := 0
	for k := 0; k < n; k++ {
		i := strings.Index(text[off:], marker)
		if i < 0 {
			t.Fatalf("marker %q (occurrence %d) not in the page", marker, n)
		}
		off += i
		if k < n-1 {
			off += len(marker)
		}
	}
	return strings.Count(text[:off], "\n") + 1
}

type ruleCase struct {
	name string
	rule string
	sev  finding.Severity
	at   string           // marker of the line the finding must name ("" = line 0)
	fail []edit           // edits that break the rule
	mut  func(*page.Page) // or a change to the parsed record, for shapes Markdown cannot write
	pass []edit           // a near miss that must not trip the rule (optional)
}

var ruleCases = []ruleCase{
	// structure
	{name: "verdict empty", rule: RuleEmptySection, sev: finding.Error, at: "ISO 27001 is a certifiable",
		mut: func(p *page.Page) { p.Verdict = "" }},
	{name: "empty key feature", rule: RuleEmptyItem, sev: finding.Error, at: "- Annex A reference set",
		mut: func(p *page.Page) { p.Sections[0].KeyFeatures[1] = " " }},
	{name: "four key features", rule: RuleKeyFeatures, sev: finding.Error, at: "### Key Features",
		fail: []edit{{"- Plan-do-check-act continual improvement cycle\n", ""}}},
	{name: "three paragraphs", rule: RuleWhatItIsCount, sev: finding.Error, at: "### What It Is",
		fail: []edit{{"checks that the chosen safeguards work in practice.\n", "checks that the chosen safeguards work in practice.\n\nA second paragraph explains how the scope statement limits which parts of the business the management system covers and why that matters.\n\nA third paragraph then describes how documented information is controlled, reviewed and kept available to the people who need it.\n"}}},
	{name: "two components", rule: RuleComponentsCount, sev: finding.Error, at: "### Key Components@2",
		fail: []edit{{"- A framework for integrating risk into decisions\n", ""}}},
	{name: "one reason", rule: RuleWhyUsedCount, sev: finding.Error, at: "### Why Organizations Use It",
		fail: []edit{{"- Gives one structure for managing information risk everywhere\n", ""}}},
	{name: "paragraph and steps", rule: RuleImplementation, sev: finding.Error, at: "### Implementation Overview",
		mut: func(p *page.Page) { p.Sections[0].Implementation.Paragraph = "A paragraph as well as the steps." }},
	{name: "one step", rule: RuleImplementation, sev: finding.Error, at: "### Implementation Overview",
		mut: func(p *page.Page) { p.Sections[0].Implementation.Steps = p.Sections[0].Implementation.Steps[:1] }},
	{name: "two questions", rule: RuleFAQCount, sev: finding.Error, at: "## Frequently Asked Questions",
		mut: func(p *page.Page) { p.FAQ = p.FAQ[:2] }},
	{name: "heading not a question", rule: RuleFAQNoQuestion, sev: finding.Error, at: "### Choosing",
		fail: []edit{{"### Which should a small company start with?", "### Choosing between them"}}},
	{name: "question without answer", rule: RuleFAQEmptyAnswer, sev: finding.Error, at: "### Does ISO 27001 replace",
		mut: func(p *page.Page) { p.FAQ[1].Answer = "" }},
	{name: "row missing", rule: RuleDiffRowMissing, sev: finding.Error, at: "| Testing",
		mut: func(p *page.Page) { p.Differences.Testing = page.Row{} }},
	{name: "cell empty", rule: RuleDiffCellEmpty, sev: finding.Error, at: "| Industry",
		fail: []edit{{"| Industry | Any sector handling valuable information |", "| Industry |  |"}}},
	{name: "aspects echoed", rule: RuleTableEcho, sev: finding.Error, at: "Scope\nIndustry\nNature",
		fail: []edit{{"| Penalties | Loss of certificate, no legal fines | None; the cost is poor decisions |\n", "| Penalties | Loss of certificate, no legal fines | None; the cost is poor decisions |\n\nScope\nIndustry\nNature\n"}}},
	{name: "title spelled differently", rule: RuleTitle, sev: finding.Warning, at: "# ISO/IEC 27001 vs",
		fail: []edit{{"title: ISO 27001 vs ISO 31000", "title: ISO/IEC 27001 vs ISO 31000"}, {"# ISO 27001 vs ISO 31000", "# ISO/IEC 27001 vs ISO 31000"}}},
	{name: "slug", rule: RuleSlug, sev: finding.Warning, at: "slug:",
		fail: []edit{{"slug: iso-27001-vs-iso-31000", "slug: security-vs-risk"}}},
	{name: "heading not short name", rule: RuleHeading, sev: finding.Warning, at: "## ISO/IEC 27001",
		fail: []edit{{"## ISO 27001\n", "## ISO/IEC 27001\n"}}},

	// markup
	{name: "bold swallows text", rule: RuleUnbalancedBold, sev: finding.Error, at: "- **Seven",
		fail: []edit{{"- Seven clauses", "- **Seven clauses"}},
		pass: []edit{{"- Seven clauses", "- **Seven** clauses"}}},
	{name: "link without close", rule: RuleUnclosedLink, sev: finding.Error, at: "- Annex A listing",
		fail: []edit{{"- Annex A listing controls", "- Annex A listing [controls](https://example.org/annex-a"}},
		pass: []edit{{"- Annex A listing controls", "- Annex A listing [controls](https://example.org/annex-a)"}}},
	{name: "link without address", rule: RuleUnclosedLink, sev: finding.Error, at: "- Annex A listing",
		fail: []edit{{"- Annex A listing controls", "- Annex A listing [controls]"}}},
	{name: "code span without close", rule: RuleUnclosedCode, sev: finding.Error, at: "- Assess risks",
		fail: []edit{{"write the Statement of Applicability", "write the `Statement of Applicability"}},
		pass: []edit{{"write the Statement of Applicability", "write the `Statement of Applicability`"}}},
	{name: "script tag", rule: RuleRawHTML, sev: finding.Error, at: "No. <script>",
		fail: []edit{{"No. ISO 27001 focuses", "No. <script>alert(1)</script> ISO 27001 focuses"}},
		pass: []edit{{"No. ISO 27001 focuses", "No. With 2 < 3 and 5 > 4, ISO 27001 focuses"}}},

	// meta
	{name: "word count", rule: RuleWordCount, sev: finding.Error, at: "Adoption usually starts",
		fail: []edit{{"really shapes choices.", "really shapes choices. (64 words)"}},
		pass: []edit{{"really shapes choices.", "really shapes choices in a few words."}}},
	{name: "assistant text", rule: RuleAIText, sev: finding.Error, at: "As an AI",
		fail: []edit{{"ISO 27001 is a certifiable standard for running", "As an AI language model, I note ISO 27001 is a certifiable standard for running"}}},
	{name: "preamble", rule: RuleAIText, sev: finding.Error, at: "Here is the comparison",
		fail: []edit{{"ISO 27001 is a certifiable standard for running", "Here is the comparison: ISO 27001 is a certifiable standard for running"}}},
	{name: "insert placeholder", rule: RulePlaceholder, sev: finding.Error, at: "ISO 31000 gives guidelines",
		fail: []edit{{"when it manages uncertainty.", "when it manages uncertainty [insert statistic here]."}}},
	{name: "todo", rule: RulePlaceholder, sev: finding.Error, at: "- Internal audit",
		fail: []edit{{"- Internal audit and management review cycles", "- Internal audit and management review cycles TODO"}},
		pass: []edit{{"- Internal audit and management review cycles", "- Internal audit and management review cycles to do yearly"}}},
	{name: "lorem ipsum", rule: RulePlaceholder, sev: finding.Error, at: "- Lorem ipsum",
		fail: []edit{{"- Makes uncertainty visible before big decisions are taken", "- Lorem ipsum dolor sit amet consectetur"}}},
	{name: "json", rule: RuleJSONFragment, sev: finding.Error, at: "ISO 27001 is a certifiable",
		fail: []edit{{"adopt ISO 31000.\n", "adopt ISO 31000.\", \"faq\": [\n"}},
		pass: []edit{{"adopt ISO 31000.\n", "adopt ISO 31000 (the \"risk\" standard).\n"}}},

	// facts
	{name: "edition year", rule: RuleEditionYear, sev: finding.Error, at: "ISO/IEC 27001:2013 sets out",
		fail: []edit{{"ISO/IEC 27001 sets out", "ISO/IEC 27001:2013 sets out"}},
		pass: []edit{{"ISO/IEC 27001 sets out", "ISO/IEC 27001:2022 sets out"}}},
	{name: "edition year in parentheses", rule: RuleEditionYear, sev: finding.Error, at: "ISO 31000 (2009)",
		fail: []edit{{"ISO 31000 gives guidelines", "ISO 31000 (2009) gives guidelines"}},
		pass: []edit{{"ISO 31000 gives guidelines", "ISO 31000 (2018) gives guidelines"}}},
	{name: "edition word", rule: RuleEditionYear, sev: finding.Error, at: "The 2009 edition",
		fail: []edit{{"ISO 31000 gives guidelines", "The 2009 edition of ISO 31000 gives guidelines"}},
		pass: []edit{{"ISO 31000 gives guidelines", "The 2018 edition of ISO 31000 gives guidelines"}}},
	{name: "certifiable when not", rule: RuleCertifiable, sev: finding.Error, at: "ISO 31000 gives",
		fail: []edit{{"over time.\n", "over time. ISO 31000 is certifiable by accredited bodies.\n"}},
		pass: []edit{{"over time.\n", "over time. ISO 31000 is not certifiable.\n"}}},
	{name: "not certifiable when it is", rule: RuleCertifiable, sev: finding.Error, at: "| Nature",
		fail: []edit{{"| Certifiable requirements standard |", "| Non-certifiable requirements standard |"}}},
	{name: "mandatory when voluntary", rule: RuleMandatory, sev: finding.Error, at: "ISO 31000 gives",
		fail: []edit{{"over time.\n", "over time. ISO 31000 is mandatory for listed companies.\n"}},
		pass: []edit{{"over time.\n", "over time. ISO 31000 is voluntary for every organization.\n"}}},
	{name: "legally required", rule: RuleMandatory, sev: finding.Error, at: "ISO 27001 is a certifiable",
		fail: []edit{{"while ISO 31000 offers", "while ISO 31000, which is legally required, offers"}}},
	{name: "unknown count", rule: RuleUnknownNumber, sev: finding.Error, at: "- Eleven",
		fail: []edit{{"- Eight principles", "- Eleven principles"}},
		pass: []edit{{"- Eight principles", "- 8 principles"}}},
	{name: "unknown digits count", rule: RuleUnknownNumber, sev: finding.Error, at: "- Annex A reference",
		fail: []edit{{"reference set of 93 controls", "reference set of 114 controls"}},
		pass: []edit{{"- Seven clauses with", "- Clause 9 and seven clauses with"}}},

	// pair
	{name: "unknown standard", rule: RuleUnknownStandard, sev: finding.Error, at: "standards:",
		fail: []edit{{"standards: [iso-27001, iso-31000]", "standards: [iso-27001, iso-99999]"}}},
	{name: "same standard", rule: RuleSameStandard, sev: finding.Error, at: "standards:",
		fail: []edit{{"standards: [iso-27001, iso-31000]", "standards: [iso-27001, iso-27001]"}}},
	{name: "section about a third standard", rule: RuleSectionMismatch, sev: finding.Error, at: "## GDPR",
		fail: []edit{{"## ISO 31000\n", "## GDPR\n"}}},
	{name: "full name of another standard", rule: RuleSectionMismatch, sev: finding.Error, at: "**General",
		fail: []edit{{"**ISO 31000:2018 Risk management — Guidelines**", "**General Data Protection Regulation (EU) 2016/679**"}}},
	{name: "column about a third standard", rule: RuleColumnMismatch, sev: finding.Error, at: "| Aspect",
		fail: []edit{{"| Aspect | ISO 27001 | ISO 31000 |", "| Aspect | ISO 27001 | GDPR |"}}},
	{name: "title names a third standard", rule: RuleTitleMismatch, sev: finding.Error, at: "# ISO 27001 vs GDPR",
		fail: []edit{{"title: ISO 27001 vs ISO 31000", "title: ISO 27001 vs GDPR"}, {"# ISO 27001 vs ISO 31000", "# ISO 27001 vs GDPR"}}},
	{name: "verdict names one", rule: RuleVerdictNames, sev: finding.Warning, at: "ISO 27001 is a certifiable",
		fail: []edit{{"while ISO 31000 offers", "while the other offers"}, {"adopt ISO 31000.", "adopt the other one."}}},

	// length
	{name: "description short", rule: RuleLenDescription, sev: finding.Error, at: "description:",
		fail: []edit{{"description: How ISO 27001 security management compares with ISO 31000 risk guidance, and who uses each.", "description: Two standards."}}},
	{name: "description two sentences", rule: RuleLenDescription, sev: finding.Warning, at: "description:",
		fail: []edit{{"description: How ISO 27001 security management compares with ISO 31000 risk guidance, and who uses each.", "description: ISO 27001 against ISO 31000. Who uses each, and why it matters."}}},
	{name: "verdict short", rule: RuleLenVerdict, sev: finding.Error, at: "ISO 27001 certifies",
		fail: []edit{{"ISO 27001 is a certifiable standard for running an information security management system, while ISO 31000 offers general guidance for handling every kind of organizational risk. Security teams that must prove their controls to customers choose ISO 27001; boards wanting one approach to risk across the business adopt ISO 31000.", "ISO 27001 certifies security; ISO 31000 guides risk."}}},
	{name: "tagline two sentences", rule: RuleLenTagline, sev: finding.Error, at: "The certifiable international",
		fail: []edit{{"management system.\n\n### Key Features", "management system. It is widely used.\n\n### Key Features"}}},
	{name: "tagline short", rule: RuleLenTagline, sev: finding.Warning, at: "Risk guidance.",
		fail: []edit{{"International guidance that helps any organization manage risk in a consistent way.", "Risk guidance."}}},
	{name: "full name long", rule: RuleLenFullName, sev: finding.Warning, at: "**ISO 31000:2018",
		fail: []edit{{"**ISO 31000:2018 Risk management — Guidelines**", "**ISO 31000:2018 Risk management — Guidelines for organizations of every size and sector that want to manage uncertainty in a principled, consistent and transparent way across the whole enterprise**"}}},
	{name: "key feature long", rule: RuleLenBullet, sev: finding.Warning, at: "- Statement of Applicability",
		fail: []edit{{"- Statement of Applicability justifying control choices", "- Statement of Applicability justifying control choices, recording which safeguards apply, why each one was chosen or excluded, and how it is put into practice across sites"}}},
	{name: "paragraph short", rule: RuleLenParagraph, sev: finding.Warning, at: "ISO 31000 gives",
		fail: []edit{{"ISO 31000 gives guidelines that any organization can adapt to its own context when it manages uncertainty. It describes principles, a framework that builds risk thinking into governance, and a process for identifying, analysing, evaluating and treating risks over time.", "ISO 31000 gives guidelines for risk."}}},
	{name: "cell long", rule: RuleLenCell, sev: finding.Warning, at: "| Scope",
		fail: []edit{{"| Information security management systems |", "| Information security management systems for organizations of every size, covering people, processes and technology, with a defined scope, a risk method, a set of chosen safeguards and regular reviews by management |"}}},
	{name: "question short", rule: RuleLenQuestion, sev: finding.Warning, at: "### Why?",
		fail: []edit{{"### Which should a small company start with?", "### Why?"}}},
	{name: "answer short", rule: RuleLenAnswer, sev: finding.Warning, at: "Start with ISO 27001.",
		fail: []edit{{"A small company that needs to prove its security to clients usually starts with ISO 27001, then borrows from ISO 31000 when it wants a wider view of business risk.", "Start with ISO 27001."}}},

	// repetition
	{name: "sentence twice", rule: RuleRepeatedSentence, sev: finding.Warning, at: "Adoption usually starts",
		fail: []edit{{"really shapes choices.", "really shapes choices. It describes principles, a framework that builds risk thinking into governance, and a process for identifying, analysing, evaluating and treating risks over time."}},
		pass: []edit{{"really shapes choices.", "really shapes choices. Gap analysis."}}},

	// boilerplate
	{name: "navigation text", rule: RuleBoilerplate, sev: finding.Error, at: "A small company",
		fail: []edit{{"wider view of business risk.", "wider view of business risk. Read now!"}},
		pass: []edit{{"wider view of business risk.", "wider view of business risk, read in context."}}},
	{name: "trailing content", rule: RuleTrailing, sev: finding.Error, at: "## You Might",
		fail: []edit{{"wider view of business risk.\n", "wider view of business risk.\n\n## You Might also be Interested in These Articles\n\nA Guide to Something Else\nRead about another topic entirely.\n"}}},
}

// TestRules: every case breaks its rule with the given severity at the given
// line, and its near miss (or the clean page) does not.
func TestRules(t *testing.T) {
	set := loadTestSet(t)
	clean := readPage(t, "clean.md")
	for _, tc := range ruleCases {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) { runRuleCase(t, set, clean, tc) })
	}
}

// runRuleCase checks one case: the edits break the rule at the line named,
// and the near miss does not.
func runRuleCase(t *testing.T, set *profile.Set, clean string, tc ruleCase) {
	t.Helper()
	{
		{
			text := clean
			if tc.fail != nil {
				text = applyEdits(t, clean, tc.fail)
			}
			pg, src, _ := page.ParseWithSource([]byte(text))
			if tc.mut != nil {
				cp, csrc, _ := page.ParseWithSource([]byte(clean))
				if tc.fail == nil {
					pg, src = cp, csrc
				}
				tc.mut(&pg)
			}
			fs := Page(pg, src, set)
			want := 0
			if tc.at != "" {
				want = lineOf(t, text, tc.at)
			}
			var got *finding.Finding
			for i := range fs {
				if fs[i].Rule == tc.rule {
					got = &fs[i]
					break
				}
			}
			if got == nil {
				logFindings(t, fs)
				t.Fatalf("no %s finding", tc.rule)
			}
			if got.Severity != tc.sev || got.Line != want {
				logFindings(t, fs)
				t.Fatalf("got %s at line %d, want %s at line %d", got.Severity, got.Line, tc.sev, want)
			}
			if got.Message == "" || got.Hint == "" || got.Section == "" {
				t.Errorf("finding lacks message, hint or section: %+v", *got)
			}
			t.Log(got.String())

			passText := clean
			if tc.pass != nil {
				passText = applyEdits(t, clean, tc.pass)
			}
			for _, f := range validateText(t, passText, set) {
				if f.Rule == tc.rule {
					t.Errorf("near miss trips the rule: %s", f)
				}
			}
		}
	}
}

// TestEveryRuleHasACase keeps the case table complete as rules are added.
func TestEveryRuleHasACase(t *testing.T) {
	covered := map[string]bool{RuleNearDuplicate: true} // TestCorpus covers it
	for _, c := range ruleCases {
		covered[c.rule] = true
	}
	for _, c := range loadPageCases(t) {
		covered[c.rule] = true
	}
	for _, c := range loadProseCases(t) {
		covered[c.Want] = true
	}
	for _, r := range Rules {
		if !covered[r.ID] {
			t.Errorf("rule %s has no test case", r.ID)
		}
		if r.Hint == "" || r.Severity == "" || r.Class == "" || !strings.HasPrefix(r.ID, r.Class+".") {
			t.Errorf("rule %s is incomplete: %+v", r.ID, r)
		}
	}
}

// TestJSONRecord validates a record given as JSON, without a source map.
func TestJSONRecord(t *testing.T) {
	set := loadTestSet(t)
	b, err := os.ReadFile(filepath.Join("testdata", "pages", "record.json"))
	if err != nil {
		t.Fatal(err)
	}
	if fs := page.ValidateJSON(b); len(fs) > 0 {
		t.Fatalf("record.json fails the schema: %v", fs)
	}
	pg := mustUnmarshal(t, b)
	fs := Page(pg, nil, set)
	want := map[string]bool{RuleUnbalancedBold: true, RuleWordCount: true, RuleEditionYear: true}
	for _, f := range fs {
		if f.Line != 0 {
			t.Errorf("finding without a source has line %d: %s", f.Line, f)
		}
		delete(want, f.Rule)
	}
	if len(want) > 0 {
		logFindings(t, fs)
		t.Fatalf("missing findings for %v", want)
	}
}

// TestSectionAndPair: the per-standard and per-pair entry points see the
// same defects as Page, with the section's own names.
func TestSectionAndPair(t *testing.T) {
	set := loadTestSet(t)
	pg, _, _ := page.ParseWithSource([]byte(readPage(t, "clean.md")))
	a, _ := set.Get("iso-27001")
	b, _ := set.Get("iso-31000")
	if fs := Section(pg.Sections[0], a, set); len(fs) != 0 {
		t.Fatalf("clean section: %v", fs)
	}
	if fs := Pair(pg.PairPart(), a, b, set); len(fs) != 0 {
		t.Fatalf("clean pair: %v", fs)
	}

	sec := pg.Sections[1]
	sec.KeyFeatures = append([]string{"Eleven principles for boards"}, sec.KeyFeatures[1:]...)
	fs := Section(sec, b, set)
	if len(fs) != 1 || fs[0].Rule != RuleUnknownNumber || fs[0].Section != "ISO 31000 / Key Features" || fs[0].Field != "key_features[0]" {
		t.Fatalf("got %v, want one %s in ISO 31000 / Key Features", fs, RuleUnknownNumber)
	}
	// The same section checked against the wrong profile is a mismatch.
	if fs := Section(pg.Sections[1], a, set); !hasRule(fs, RuleSectionMismatch) {
		t.Fatalf("section of ISO 31000 checked as ISO 27001: %v", fs)
	}
	// Unknown profile: structure still checked, facts skipped.
	sec = pg.Sections[0]
	sec.KeyFeatures = sec.KeyFeatures[:3]
	if fs := Section(sec, nil, set); !hasRule(fs, RuleKeyFeatures) {
		t.Fatalf("nil profile: %v", fs)
	}

	pr := pg.PairPart()
	pr.FAQ = append(pr.FAQ, page.QA{Question: "Is ISO 31000 certifiable?", Answer: "Yes, ISO 31000 is certifiable through accredited bodies in most countries today."})
	fs = Pair(pr, a, b, set)
	if len(fs) != 1 || fs[0].Rule != RuleCertifiable || fs[0].Section != "FAQ" || fs[0].Field != "faq[3].answer" || fs[0].Line != 0 {
		t.Fatalf("got %v, want one %s in faq[3].answer", fs, RuleCertifiable)
	}
}

func hasRule(fs []finding.Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// TestResolveFromHeadings: without front matter ids, the standards come from
// the headings and the title.
func TestResolveFromHeadings(t *testing.T) {
	set := loadTestSet(t)
	text := readPage(t, "clean.md")
	text = text[strings.Index(text, "# ISO 27001 vs"):] // drop the front matter
	fs := validateText(t, text, set)
	for _, f := range fs {
		if f.Severity == finding.Error && f.Field != "description" { // only front matter carries one
			t.Errorf("unexpected error: %s", f)
		}
	}
	text = strings.Replace(text, "## ISO 31000\n", "## ISO 99999\n", 1)
	text = strings.Replace(text, "# ISO 27001 vs ISO 31000", "# ISO 27001 vs ISO 99999", 1)
	if fs := validateText(t, text, set); !hasRule(fs, RuleUnknownStandard) {
		logFindings(t, fs)
		t.Fatal("an unknown standard in the headings is not reported")
	}
}

// TestMerge: a defect the parser already reported is not reported twice.
func TestMerge(t *testing.T) {
	set := loadTestSet(t)
	text := applyEdits(t, readPage(t, "clean.md"), []edit{{"wider view of business risk.\n", "wider view of business risk.\n\n## You Might also be Interested in These Articles\n\nSomething else to read.\n"}})
	pg, src, pfs := page.ParseWithSource([]byte(text))
	merged := Merge(pfs, Page(pg, src, set))
	n := 0
	for _, f := range merged {
		if f.Rule == RuleTrailing || f.Rule == page.RuleTrailing {
			n++
		}
	}
	if n != 1 {
		logFindings(t, merged)
		t.Fatalf("trailing content reported %d times, want once", n)
	}
	// One finding per cause: the phrase's kind is named in that one finding.
	if hasRule(merged, RuleBoilerplate) || !strings.Contains(merged[indexTrailing(merged)].Message, "site navigation text") {
		logFindings(t, merged)
		t.Fatal("the trailing text is not one finding naming what it is")
	}
}

func indexTrailing(fs []finding.Finding) int {
	for i, f := range fs {
		if f.Rule == RuleTrailing || f.Rule == page.RuleTrailing {
			return i
		}
	}
	return -1
}

func mustUnmarshal(t *testing.T, b []byte) page.Page {
	t.Helper()
	var pg page.Page
	if err := json.Unmarshal(b, &pg); err != nil {
		t.Fatal(err)
	}
	return pg
}
