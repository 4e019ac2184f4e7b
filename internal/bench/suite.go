package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/profiles"
)

// Options choose the suite's sizes.
type Options struct {
	Quick bool   // smaller runs: about a minute in all instead of two or three
	Dir   string // scratch space; "" = a temp dir, removed after
	Only  []string
}

// Configs are the runs a suite performs.
type Configs struct {
	Rate           RateConfig
	Scale          ScaleConfig
	OfflineProfile int // standards for the offline run; 0 = all
}

// SuiteConfigs are the sizes `versus bench` uses.
func SuiteConfigs(quick bool) Configs {
	c := Configs{
		Rate:  RateConfig{Standards: 24, Latency: 50 * time.Millisecond, RPM: 600, Concurrency: 4},
		Scale: ScaleConfig{Standards: 16, Latency: 200 * time.Millisecond, Concurrency: 2, Limit: 25, Processes: []int{1, 2, 4}},
	}
	if quick {
		c.Rate.Standards = 12
		c.Scale.Standards = 10
		c.OfflineProfile = 16
	}
	return c
}

// Report is a suite's results.
type Report struct {
	Rate     *RateResult
	Tokens   []TokenResult
	Scale    []ScaleResult
	ScaleCfg ScaleConfig
	Offline  *OfflineResult
	Took     time.Duration
}

// Suite runs the measurements (those in opts.Only, or all), telling
// progress on w.
func Suite(ctx context.Context, opts Options, w io.Writer) (Report, error) {
	start := time.Now()
	var rep Report
	dir := opts.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "versus-bench-")
		if err != nil {
			return rep, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	want := func(name string) bool {
		if len(opts.Only) == 0 {
			return true
		}
		for _, o := range opts.Only {
			if strings.EqualFold(strings.TrimSpace(o), name) {
				return true
			}
		}
		return false
	}
	cfg := SuiteConfigs(opts.Quick)
	if want("tokens") {
		fmt.Fprintln(w, "tokens: shared sections vs whole pages…")
		all, err := profile.LoadFS(profiles.FS, ".")
		if err != nil {
			return rep, err
		}
		for _, n := range []int{10, 20, all.Len()} {
			sub := filepath.Join(dir, fmt.Sprintf("tokens-%d", n))
			if _, err := WriteProfiles(sub, n); err != nil {
				return rep, err
			}
			set, err := profile.Load(sub)
			if err != nil {
				return rep, err
			}
			t, err := Tokens(set)
			if err != nil {
				return rep, err
			}
			rep.Tokens = append(rep.Tokens, t)
		}
	}
	if want("rate") {
		c := cfg.Rate
		c.Dir = filepath.Join(dir, "rate")
		fmt.Fprintf(w, "rate: %d standards at %d rpm, %v a call…\n", c.Standards, c.RPM, c.Latency)
		r, err := RateLimit(ctx, c)
		if err != nil {
			return rep, fmt.Errorf("rate limit run: %w", err)
		}
		rep.Rate = &r
	}
	if want("drafters") {
		c := cfg.Scale
		c.Dir = filepath.Join(dir, "drafters")
		fmt.Fprintf(w, "drafters: %v processes, %d standards…\n", c.Processes, c.Standards)
		r, err := Drafters(ctx, c)
		if err != nil {
			return rep, fmt.Errorf("drafter scaling: %w", err)
		}
		rep.Scale, rep.ScaleCfg = r, c
	}
	if want("offline") {
		fmt.Fprintln(w, "offline: up, all pairs…")
		r, err := Offline(ctx, filepath.Join(dir, "offline"), cfg.OfflineProfile)
		if err != nil {
			return rep, fmt.Errorf("offline run: %w", err)
		}
		rep.Offline = &r
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// Markdown is the report as the README's tables.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `versus bench` on %d CPUs (%s/%s) in %s. Figures are ratios to a bound or a baseline measured in the same run.\n\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, r.Took.Round(time.Second))
	b.WriteString("| measure | setting | measured | bound or baseline | ratio | goal |\n|---|---|---|---|---|---|\n")
	if x := r.Rate; x != nil {
		fmt.Fprintf(&b, "| rate limit utilisation | %d standards (%d pages, %d calls), fake LLM %v/call, --llm-rpm %d, --llm-concurrency %d | %.0f pages/min | %.0f pages/min | **%.2f** | ≥ 0.95 |\n",
			x.Standards, x.Pages, x.Calls, x.Latency, x.RPM, x.Concurrency, x.PagesPerMinute(), x.Bound, x.Utilisation)
	}
	for _, t := range r.Tokens {
		s, w := t.PerPage()
		fmt.Fprintf(&b, "| tokens per page (o200k_base, schemas included) | %d standards, %d pages | %.0f shared sections | %.0f whole page | **%.2fx fewer** | ≥ 3x at 30+ |\n",
			t.Standards, t.Pages, s, w, t.Ratio)
	}
	for _, s := range r.Scale {
		fmt.Fprintf(&b, "| drafter scaling | %d drafter process(es) × %d calls, LLM %v/call, capacity %.0f calls/s; %d pages | %.0f pages/min | %.2fx expected | **%.2fx** vs 1 | tracks expected |\n",
			s.Processes, r.ScaleCfg.Concurrency, r.ScaleCfg.Latency, r.ScaleCfg.Limit, s.Pages, s.PagesPerMinute(), s.Expected, s.Speedup)
	}
	if o := r.Offline; o != nil {
		fmt.Fprintf(&b, "| offline `up` | %d pages, %d sections, POST /api/jobs all → all in review | %.0f pages/s (%v) | %.0f pages/s compose + validate alone | **%.2f** | — |\n",
			o.Pages, o.Sections, o.PagesPerSecond(), o.Elapsed.Round(10*time.Millisecond), o.Baseline, o.PagesPerSecond()/o.Baseline)
	}
	return b.String()
}
