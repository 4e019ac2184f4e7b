package bench_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/bench"
	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/validate"
	"github.com/versus-dev/versus/profiles"
	"github.com/versus-dev/versus/prompts"
)

func builtin(t testing.TB) *profile.Set {
	t.Helper()
	set, err := profile.LoadFS(profiles.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// The fake model's answers are drafts the pipeline accepts: a benchmark
// that redrafted would measure the validator, not the limits.
func TestResponderAnswersValidDrafts(t *testing.T) {
	set := builtin(t)
	r := bench.NewResponder(set)
	for i, pr := range set.Pairs() {
		if i%37 != 0 { // a spread of pairs keeps it quick
			continue
		}
		a, b := pr[0], pr[1]
		_, user, err := prompts.Pair().Render(prompts.NewPairData(a, b))
		if err != nil {
			t.Fatal(err)
		}
		if k := r.Key("pair_draft", user); k != page.Slug(a.ID, b.ID) {
			t.Fatalf("key %q, want %q", k, page.Slug(a.ID, b.ID))
		}
		draft, fs := page.DecodePairDraft([]byte(r.Answer("pair_draft", user)))
		got := draft.ToPair(compose.Built(a, b))
		fs = append(fs, validate.Pair(got, a, b, set)...)
		if finding.HasError(fs) {
			t.Errorf("%s: %v", page.Slug(a.ID, b.ID), fs)
		}
	}
	p := set.All()[0]
	_, user, _ := prompts.Section().Render(prompts.SectionData{Profile: p})
	if k := r.Key("section_draft", user); k != p.ID {
		t.Fatalf("section key %q, want %q", k, p.ID)
	}
	d, fs := page.DecodeSectionDraft([]byte(r.Answer("section_draft", user)))
	fs = append(fs, validate.Section(d.ToSection(p.ID, p.ShortName, p.Name), p, set)...)
	if finding.HasError(fs) {
		t.Errorf("section %s: %v", p.ID, fs)
	}
}

// Shared sections cost fewer tokens than whole pages, and the saving grows
// with the number of standards (each section is amortised over N-1 pages).
func TestTokensSharedSectionsSave(t *testing.T) {
	dir := t.TempDir()
	var prev float64
	for _, n := range []int{4, 12, 32} {
		sub := fmt.Sprintf("%s/%d", dir, n)
		if _, err := bench.WriteProfiles(sub, n); err != nil {
			t.Fatal(err)
		}
		set, err := profile.Load(sub)
		if err != nil {
			t.Fatal(err)
		}
		res, err := bench.Tokens(set)
		if err != nil {
			t.Fatal(err)
		}
		if res.Pages != n*(n-1)/2 || res.Shared >= res.Whole {
			t.Fatalf("%d standards: %+v", n, res)
		}
		if res.Ratio <= prev {
			t.Errorf("%d standards: ratio %.2f, not above %.2f with fewer standards", n, res.Ratio, prev)
		}
		prev = res.Ratio
		t.Logf("%d standards: %.2fx fewer tokens per page", n, res.Ratio)
	}
	// The goal was 3x at 30+ standards, measured at four bytes a token and
	// without the schemas. Counted with the model's tokenizer, schemas
	// included, and with the pair prompt carrying testing, penalties,
	// nature and the relation facts, it is about 2.55x: the goal is not met
	// (README). This floor catches a fatter pair prompt or answer.
	if prev < 2.5 {
		t.Errorf("32 standards: %.4fx fewer tokens per page, want at least 2.5x (measured 2.55x)", prev)
	}
}

func TestMarkdownReport(t *testing.T) {
	rep := bench.Report{
		Rate:   &bench.RateResult{RateConfig: bench.RateConfig{Standards: 3, Latency: 50 * time.Millisecond, RPM: 600, Concurrency: 4}, Outcome: bench.Outcome{Pages: 3, Elapsed: time.Second}, Calls: 6, Bound: 200, Utilisation: 0.9},
		Tokens: []bench.TokenResult{{Standards: 3, Pages: 3, Shared: 300, Whole: 600, Ratio: 2}},
	}
	md := rep.Markdown()
	for _, want := range []string{"| rate limit utilisation |", "**0.90**", "**2.00x fewer**", "|---|"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// go test -bench . ./internal/bench/ measures what `versus bench` does.

func BenchmarkRateLimitUtilisation(b *testing.B) {
	cfg := bench.SuiteConfigs(testing.Short()).Rate
	for b.Loop() {
		cfg.Dir = b.TempDir()
		r, err := bench.RateLimit(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.Utilisation, "utilisation")
		b.ReportMetric(r.PagesPerMinute(), "pages/min")
	}
}

func BenchmarkTokensPerPage(b *testing.B) {
	set := builtin(b)
	for b.Loop() {
		r, err := bench.Tokens(set)
		if err != nil {
			b.Fatal(err)
		}
		s, w := r.PerPage()
		b.ReportMetric(s, "tokens/page-shared")
		b.ReportMetric(w, "tokens/page-whole")
		b.ReportMetric(r.Ratio, "x-fewer")
	}
}

func BenchmarkDrafters(b *testing.B) {
	cfg := bench.SuiteConfigs(testing.Short()).Scale
	var base float64
	for _, n := range cfg.Processes {
		b.Run(fmt.Sprintf("processes=%d", n), func(b *testing.B) {
			c := cfg
			c.Processes = []int{n}
			for b.Loop() {
				c.Dir = b.TempDir()
				rs, err := bench.Drafters(context.Background(), c)
				if err != nil {
					b.Fatal(err)
				}
				ppm := rs[0].PagesPerMinute()
				if n == 1 {
					base = ppm
				}
				b.ReportMetric(ppm, "pages/min")
				if base > 0 {
					b.ReportMetric(ppm/base, "x-vs-1")
				}
			}
		})
	}
}

func BenchmarkOfflineUp(b *testing.B) {
	for b.Loop() {
		r, err := bench.Offline(context.Background(), b.TempDir(), 0)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.PagesPerSecond(), "pages/s")
		b.ReportMetric(r.PagesPerSecond()/r.Baseline, "x-of-baseline")
	}
}
