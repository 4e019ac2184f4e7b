package validate

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
)

func TestCorpus(t *testing.T) {
	base := "ISO 27001 is a certifiable standard for running an information security management system, while ISO 31000 offers general guidance for handling every kind of organizational risk across the business."
	c := NewCorpus()
	c.Add("a-vs-b", base)
	// a near copy: two standards swapped for others, one word changed
	c.Add("c-vs-d", strings.Replace(strings.Replace(base, "ISO 27001", "SOC 2", 1), "every kind", "each kind", 1))
	c.Add("e-vs-f", "GDPR is a European law on personal data, while HIPAA is a United States law protecting health information held by covered entities and their business associates.")
	c.Add("g-vs-h", "")
	c.Add("a-vs-b", base) // adding again replaces
	if c.Len() != 4 {
		t.Fatalf("Len = %d, want 4", c.Len())
	}
	got := c.NearDuplicates(0.5)
	if len(got) != 2 || len(got["a-vs-b"]) != 1 || len(got["c-vs-d"]) != 1 {
		t.Fatalf("near duplicates = %v, want a-vs-b and c-vs-d paired", got)
	}
	f := got["a-vs-b"][0]
	if f.Rule != RuleNearDuplicate || f.Severity != finding.Warning || f.Section != "Quick Verdict" || !strings.Contains(f.Message, "c-vs-d") {
		t.Fatalf("finding = %+v", f)
	}
	t.Log(f.String())
	if got := c.NearDuplicates(0.95); len(got) != 0 {
		t.Fatalf("at 0.95 the edited copy still counts: %v", got)
	}
}

// TestCorpusRecall: across many unrelated verdicts, every planted near copy
// is found and nothing else is.
func TestCorpusRecall(t *testing.T) {
	c, planted := syntheticCorpus(2000, 40)
	got := c.NearDuplicates(0.7)
	for a, b := range planted {
		if !mentions(got[a], b) || !mentions(got[b], a) {
			t.Errorf("planted pair %s / %s not found", a, b)
		}
	}
	for slug := range got {
		if _, ok := planted[slug]; ok {
			continue
		}
		if !isPlantedCopy(planted, slug) {
			t.Errorf("false positive for %s: %v", slug, got[slug])
		}
	}
}

func mentions(fs []finding.Finding, slug string) bool {
	for _, f := range fs {
		if strings.Contains(f.Message, slug+" ") {
			return true
		}
	}
	return false
}

func isPlantedCopy(planted map[string]string, slug string) bool {
	for _, b := range planted {
		if b == slug {
			return true
		}
	}
	return false
}

// syntheticCorpus makes n verdicts of 50 words drawn from a 3,000-word
// vocabulary, and plants copies of the first `copies` with 3 words changed.
func syntheticCorpus(n, copies int) (*Corpus, map[string]string) {
	rng := rand.New(rand.NewSource(1))
	vocab := make([]string, 3000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%d", i)
	}
	texts := make([][]string, n)
	c := NewCorpus()
	for i := range texts {
		ws := make([]string, 50)
		for j := range ws {
			ws[j] = vocab[rng.Intn(len(vocab))]
		}
		texts[i] = ws
		c.Add(fmt.Sprintf("page-%d", i), strings.Join(ws, " "))
	}
	planted := map[string]string{}
	for i := 0; i < copies; i++ {
		ws := append([]string(nil), texts[i]...)
		for k := 0; k < 2; k++ {
			ws[rng.Intn(len(ws))] = vocab[rng.Intn(len(vocab))]
		}
		slug := fmt.Sprintf("copy-%d", i)
		c.Add(slug, strings.Join(ws, " "))
		planted[fmt.Sprintf("page-%d", i)] = slug
	}
	return c, planted
}

func benchmarkCorpus(b *testing.B, n int) {
	c, _ := syntheticCorpus(n, n/100)
	cpu0 := cpuTime()
	for b.Loop() {
		c.NearDuplicates(0.7)
	}
	if d := cpuTime() - cpu0; b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkCorpus1k and BenchmarkCorpus10k time the near-duplicate search
// alone; their ratio shows how the work grows with the number of pages.
func BenchmarkCorpus1k(b *testing.B)  { benchmarkCorpus(b, 1000) }
func BenchmarkCorpus10k(b *testing.B) { benchmarkCorpus(b, 10000) }

// BenchmarkCorpusAdd times signing one verdict.
func BenchmarkCorpusAdd(b *testing.B) {
	c := NewCorpus()
	v := strings.Repeat("ISO 27001 certifies security programmes while ISO 31000 guides risk decisions ", 5)
	for b.Loop() {
		c.Add("x", v)
	}
}
