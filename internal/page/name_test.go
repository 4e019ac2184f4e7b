package page

import (
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/profile"
)

var (
	cisName  = Name{Short: "CIS Controls", Grammar: profile.Grammar{Article: "the", Plural: true}}
	actName  = Name{Short: "EU AI Act", Grammar: profile.Grammar{Article: "the"}}
	csfName  = Name{Short: "NIST CSF 2.0"}
	doraName = Name{Short: "DORA"}
	nis2Name = Name{Short: "NIS2"}
)

// A relation head names its subject with its article (capitalised: it
// opens the line) and its verb agreeing, and its object with its article.
func TestRelationHead(t *testing.T) {
	cases := []struct {
		a, b Name
		k    profile.RelationKind
		want string
	}{
		{doraName, nis2Name, profile.RelTakesPrecedence, "DORA takes precedence over NIS2"},
		{cisName, csfName, profile.RelGuidanceFor, "The CIS Controls give guidance for NIST CSF 2.0"},
		{csfName, cisName, profile.RelGuidedBy, "NIST CSF 2.0 takes guidance from the CIS Controls"},
		{cisName, csfName, profile.RelBuiltOn, "The CIS Controls are built on NIST CSF 2.0"},
		{cisName, csfName, profile.RelBasisFor, "The CIS Controls are the basis for NIST CSF 2.0"},
		{cisName, csfName, profile.RelAssessedAgainst, "The CIS Controls assess conformity to NIST CSF 2.0"},
		{cisName, csfName, profile.RelAssessedBy, "The CIS Controls are assessed through NIST CSF 2.0"},
		{cisName, csfName, profile.RelGuidedBy, "The CIS Controls take guidance from NIST CSF 2.0"},
		{cisName, csfName, profile.RelExtends, "The CIS Controls extend NIST CSF 2.0"},
		{cisName, csfName, profile.RelExtendedBy, "The CIS Controls are extended by NIST CSF 2.0"},
		{cisName, csfName, profile.RelTakesPrecedence, "The CIS Controls take precedence over NIST CSF 2.0"},
		{cisName, csfName, profile.RelYieldsTo, "The CIS Controls give way to NIST CSF 2.0"},
		{cisName, csfName, profile.RelSupportsEvidence, "The CIS Controls can support evidence for NIST CSF 2.0"},
		{cisName, csfName, profile.RelEvidencedBy, "The CIS Controls can be partly evidenced with NIST CSF 2.0"},
		{cisName, csfName, profile.RelSupersedes, "The CIS Controls supersede NIST CSF 2.0"},
		{cisName, csfName, profile.RelSupersededBy, "The CIS Controls are superseded by NIST CSF 2.0"},
		{cisName, csfName, profile.RelAlternative, "The CIS Controls are an alternative to NIST CSF 2.0"},
		{actName, cisName, profile.RelSupportsEvidence, "The EU AI Act can support evidence for the CIS Controls"},
		{actName, csfName, profile.RelTakesPrecedence, "The EU AI Act takes precedence over NIST CSF 2.0"},
	}
	for _, c := range cases {
		if got := RelationHead(c.a, c.b, c.k); got != c.want {
			t.Errorf("RelationHead(%q, %q, %s) = %q, want %q", c.a.Short, c.b.Short, c.k, got, c.want)
		}
		k, g, ok := readHead(c.want, c.a.Short, c.b.Short)
		if !ok || k != c.k {
			t.Errorf("readHead(%q) = %s, %v; want %s", c.want, k, ok, c.k)
			continue
		}
		if g[0].Article != c.a.Grammar.Article || g[1].Article != c.b.Grammar.Article {
			t.Errorf("readHead(%q) read articles %q, %q", c.want, g[0].Article, g[1].Article)
		}
		if KindPhrase(c.k) != KindPhraseAfter(c.a, c.k) && g[0].Plural != c.a.Grammar.Plural {
			t.Errorf("readHead(%q) read plural %v", c.want, g[0].Plural)
		}
	}
	// The site's related-link label says a relation in its own words, with
	// the same agreement.
	if got := Clause(cisName, "is guidance for", csfName); got != "The CIS Controls are guidance for NIST CSF 2.0" {
		t.Errorf("Clause = %q", got)
	}
	// Markdown written before names had grammar still reads, bare and singular.
	k, g, ok := readHead("CIS Controls gives guidance for NIST CSF 2.0", "CIS Controls", "NIST CSF 2.0")
	if !ok || k != profile.RelGuidanceFor || g != [2]profile.Grammar{} {
		t.Errorf("old head: %s %v %v", k, g, ok)
	}
}

func TestOverlapSentenceNames(t *testing.T) {
	n := func(i int) *int { return &i }
	direct := &Overlap{Basis: "direct", A: OverlapSide{Requirements: n(153), Mapped: 118}, B: OverlapSide{Requirements: n(106), Mapped: 90}}
	hub := &Overlap{Basis: "hub", Via: "scf", ViaName: "the Secure Controls Framework (SCF)",
		A: OverlapSide{Mapped: 40, Note: "a stand-in"}, B: OverlapSide{Requirements: n(153), Mapped: 118}}
	unknown := &Overlap{Basis: "direct", A: OverlapSide{Mapped: 4}, B: OverlapSide{Mapped: 5}}
	cases := []struct {
		a, b Name
		o    *Overlap
		want string
	}{
		{cisName, csfName, direct, "A direct mapping relates 118 of the CIS Controls' 153 requirements to 90 of NIST CSF 2.0's 106 requirements."},
		{csfName, cisName, direct, "A direct mapping relates 118 of NIST CSF 2.0's 153 requirements to 90 of the CIS Controls' 106 requirements."},
		{actName, cisName, hub, "No mapping relates the two directly. Through the Secure Controls Framework (SCF), a common-controls hub, 40 of the requirements counted for the EU AI Act and 118 of the CIS Controls' 153 requirements map to shared controls. The library holds no framework file for the EU AI Act, so that total is unknown."},
		{actName, cisName, unknown, "A direct mapping relates 4 of the EU AI Act's requirements to 5 of the CIS Controls' requirements. The library holds no framework file for the EU AI Act or the CIS Controls, so neither total is known."},
	}
	for _, c := range cases {
		if got := OverlapSentence(c.a, c.b, c.o); got != c.want {
			t.Errorf("OverlapSentence:\n got %q\nwant %q", got, c.want)
		}
	}
	if got := notePrefix(actName); got != "For the EU AI Act, the figures count the requirements of " {
		t.Errorf("note prefix %q", got)
	}
}

// Every kind, in every grammar its two names may have, comes back from the
// Markdown with the grammar the page shows; the rest of the record too.
func TestRelateGrammarRoundTrip(t *testing.T) {
	base := records(t)["iso-27001-vs-soc-2"]
	grams := []profile.Grammar{{}, {Article: "the"}, {Article: "the", Plural: true}, {Plural: true}}
	for k := range kindPhrases {
		for _, ga := range grams {
			for _, gb := range grams {
				p := base
				p.Relations = []Relation{{Kind: k, Fact: "A fact.", Source: RelationSource{Title: "t", URL: "https://example.org/x"}}}
				p.Grammar = [2]profile.Grammar{ga, gb}
				if err := RoundTrip(p); err != nil {
					t.Errorf("%s %+v %+v: %v", k, ga, gb, err)
				}
				back, _ := Parse(Render(p))
				if back.Grammar[0].Article != ga.Article || back.Grammar[1].Article != gb.Article {
					t.Errorf("%s %+v %+v: articles came back as %+v", k, ga, gb, back.Grammar)
				}
			}
		}
	}
	// With no relation, the overlap sentence and a note line carry the articles.
	for _, ga := range grams {
		for _, gb := range grams {
			p := base
			p.Relations = nil
			p.Grammar = [2]profile.Grammar{ga, gb}
			o := *p.Overlap
			o.B.Note = "a stand-in"
			for _, ov := range []*Overlap{p.Overlap, &o} {
				p.Overlap = ov
				if err := RoundTrip(p); err != nil {
					t.Errorf("overlap %+v %+v: %v", ga, gb, err)
				}
				back, _ := Parse(Render(p))
				if back.Grammar[0].Article != ga.Article || back.Grammar[1].Article != gb.Article {
					t.Errorf("overlap %+v %+v: articles came back as %+v", ga, gb, back.Grammar)
				}
			}
		}
	}
}

// Markdown written before names had grammar parses clean: a bare head and
// overlap sentence read as bare, singular names.
func TestRelateOldMarkdown(t *testing.T) {
	p := records(t)["iso-27001-vs-soc-2"]
	p.Sections[0].Heading = "CIS Controls"
	p.Title = "CIS Controls vs SOC 2"
	p.Relations[0].Kind = profile.RelGuidanceFor
	md := string(Render(p))
	if !strings.Contains(md, "- **CIS Controls gives guidance for SOC 2**") {
		t.Fatalf("old form not rendered:\n%s", md)
	}
	back, fs := Parse([]byte(md))
	for _, f := range fs {
		if f.Severity == "error" {
			t.Errorf("finding on old Markdown: %v", f)
		}
	}
	if len(back.Relations) != 1 || back.Relations[0].Kind != profile.RelGuidanceFor || back.Grammar != [2]profile.Grammar{} {
		t.Errorf("old Markdown read as %+v, grammar %+v", back.Relations, back.Grammar)
	}
	p.Grammar[0] = profile.Grammar{Article: "the", Plural: true}
	md = string(Render(p))
	for _, want := range []string{"- **The CIS Controls give guidance for SOC 2**", "98 of the CIS Controls' 123 requirements"} {
		if !strings.Contains(md, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
