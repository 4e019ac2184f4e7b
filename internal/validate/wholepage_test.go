package validate

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
)

// pairPath reports whether a record path is in the per-pair part.
func pairPath(p string) bool {
	return p == "description" || p == "verdict" || strings.HasPrefix(p, "differences") || p == "faq" || strings.HasPrefix(p, "faq[")
}

func ruleFields(fs []finding.Finding, keep func(string) bool) []string {
	var out []string
	for _, f := range fs {
		if keep(f.Field) {
			out = append(out, f.Rule+" "+f.Field)
		}
	}
	sort.Strings(out)
	return out
}

// TestPairInPage: the pipeline's check of a pair part with its two
// sections finds what `versus validate` finds in the pair part of the
// assembled page, for the clean page and for every rule case.
func TestPairInPage(t *testing.T) {
	set := loadTestSet(t)
	clean := readPage(t, "clean.md")
	cases := append(append([]ruleCase{{name: "clean"}}, ruleCases...), loadPageCases(t)...)
	compared := 0
	for _, tc := range cases {
		text := clean
		if tc.fail != nil {
			text = applyEdits(t, clean, tc.fail)
		}
		pg, _, _ := page.ParseWithSource([]byte(text))
		if tc.mut != nil {
			tc.mut(&pg)
		}
		a, aok := set.Get(pg.Standards[0])
		b, bok := set.Get(pg.Standards[1])
		if !aok || !bok || a == b {
			continue // cases about which standards the page compares are the page's alone
		}
		want := ruleFields(Page(pg, nil, set), pairPath)
		got := ruleFields(PairInPage(pg.PairPart(), pg.Sections, a, b, set), func(string) bool { return true })
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: PairInPage finds\n  %v\nwhere Page finds in the pair part\n  %v", tc.name, got, want)
		}
		compared++
	}
	if compared < 50 {
		t.Fatalf("only %d cases compared", compared)
	}

	// The verdict copying a section's tagline, word for word and nearly.
	pg, _, _ := page.ParseWithSource([]byte(clean))
	a, _ := set.Get("iso-27001")
	b, _ := set.Get("iso-31000")
	for _, v := range []string{
		pg.Verdict + " " + pg.Sections[1].Tagline,
		pg.Verdict + " ISO 31000 is international guidance that helps any organization manage risk in a consistent way.",
	} {
		pr := pg.PairPart()
		pr.Verdict = v
		fs := PairInPage(pr, pg.Sections, a, b, set)
		if !hasRule(fs, RuleRepeatedSentence) {
			logFindings(t, fs)
			t.Errorf("a verdict restating ISO 31000's tagline passes: %q", v)
		}
	}
	if fs := PairInPage(pg.PairPart(), pg.Sections, a, b, set); len(fs) != 0 {
		logFindings(t, fs)
		t.Error("the clean page's pair part has findings")
	}
}

// TestVerdictIndex: checked one at a time against the stored verdicts, a
// verdict draws the same near-copy findings Corpus finds in a batch.
func TestVerdictIndex(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	vocab := make([]string, 3000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%d", i)
	}
	texts := map[string]string{}
	var order []string
	for i := 0; i < 1500; i++ {
		ws := make([]string, 50)
		for j := range ws {
			ws[j] = vocab[rng.Intn(len(vocab))]
		}
		slug := fmt.Sprintf("page-%d", i)
		texts[slug] = strings.Join(ws, " ")
		order = append(order, slug)
		if i < 30 { // a near copy with two words changed
			ws = append([]string(nil), ws...)
			ws[rng.Intn(50)], ws[rng.Intn(50)] = "x1", "x2"
			cs := fmt.Sprintf("copy-%d", i)
			texts[cs] = strings.Join(ws, " ")
			order = append(order, cs)
		}
	}
	corpus := NewCorpus()
	idx := NewVerdictIndex(NearDuplicateThreshold)
	for _, s := range order {
		corpus.Add(s, texts[s])
		idx.Put(s, texts[s])
	}
	batch := corpus.NearDuplicates(NearDuplicateThreshold)
	for _, s := range order {
		got, want := idx.Check(s, texts[s]), batch[s]
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: index finds %v, batch %v", s, got, want)
		}
	}
	if len(batch) != 60 {
		t.Errorf("batch finds %d pages with near copies, want 60", len(batch))
	}
	// A new draft is checked before it is stored, and a page's own stored
	// verdict never counts against it.
	if fs := idx.Check("new-page", texts["page-3"]); len(fs) != 2 {
		t.Errorf("a draft copying page-3 draws %d findings, want 2 (page-3 and copy-3): %v", len(fs), fs)
	}
	idx.Put("page-3", "a verdict rewritten from scratch for this pair alone")
	if fs := idx.Check("copy-3", texts["copy-3"]); len(fs) != 0 {
		t.Errorf("a replaced verdict still counts: %v", fs)
	}
	idx.Remove("page-4")
	if fs := idx.Check("copy-4", texts["copy-4"]); len(fs) != 0 || idx.Len() != len(order)-1 {
		t.Errorf("a removed verdict still counts: %v (len %d)", fs, idx.Len())
	}
}

// BenchmarkVerdictIndexCheck times checking one verdict against 10,000
// stored ones.
func BenchmarkVerdictIndexCheck(b *testing.B) {
	rng := rand.New(rand.NewSource(3))
	idx := NewVerdictIndex(NearDuplicateThreshold)
	word := func() string { return fmt.Sprintf("w%d", rng.Intn(3000)) }
	text := func() string {
		ws := make([]string, 50)
		for j := range ws {
			ws[j] = word()
		}
		return strings.Join(ws, " ")
	}
	for i := 0; i < 10000; i++ {
		idx.Put(fmt.Sprintf("page-%d", i), text())
	}
	v := text()
	for b.Loop() {
		idx.Check("new", v)
	}
}
