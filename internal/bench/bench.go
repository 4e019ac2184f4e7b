// Package bench measures versus's pipeline: how much of an LLM rate limit it
// uses, how many tokens shared standard sections save, how drafting scales
// with drafter processes, and how fast the offline pipeline runs. Machines
// are noisy, so every figure is given as a ratio to a bound or a baseline
// measured in the same run. `versus bench` prints the table; the Go
// benchmarks in this package measure the same with `go test -bench`.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/llm"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/validate"
)

// Run is one pipeline run: a web process (with the embedded NATS server)
// and, optionally, separate drafter processes, drafting every pair of the
// profiles in Profiles from POST /api/jobs until all are in review.
type Run struct {
	Dir      string // scratch space; each run uses a fresh NATS store under it
	Profiles string // profiles folder; "" = the built-in set
	// LLM, when BaseURL is set, drafts through it; else the offline composer.
	LLM llm.Config
	// Drafters is the number of separate drafter processes; 0 drafts in the
	// web process itself (`versus up`).
	Drafters int
	// InHand is the drafting jobs in hand per drafter process (0: default).
	InHand  int
	Timeout time.Duration
}

// Outcome is what a run did.
type Outcome struct {
	Pages, Sections int
	Elapsed         time.Duration // from the jobs request until the last record is in review
}

// PagesPerMinute is pages drafted and validated per minute of the run.
func (o Outcome) PagesPerMinute() float64 { return float64(o.Pages) / o.Elapsed.Minutes() }

// Pipeline performs r.
func Pipeline(ctx context.Context, r Run) (Outcome, error) {
	if r.Timeout == 0 {
		r.Timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	st := store.DefaultSettings()
	base := app.Config{
		ProfilesDir: r.Profiles,
		LLM:         r.LLM,
		MaxRedrafts: 2,
		Drafters:    r.InHand,
		Settings:    st,
		Grace:       time.Second,
	}
	web := base
	web.DataDir = filepath.Join(r.Dir, "web")
	web.Replica = "web"
	web.Parts = app.All
	if r.Drafters > 0 {
		web.Parts.Drafter = false
		web.NATSPort = -1 // drafter processes join over TCP
	}
	w, err := Start(ctx, web)
	if err != nil {
		return Outcome{}, err
	}
	defer func() { _ = w.Stop() }()
	for i := range r.Drafters {
		d := base
		d.DataDir = filepath.Join(r.Dir, fmt.Sprintf("drafter-%d", i+1))
		d.Parts = app.Parts{Drafter: true}
		d.NATS = broker.ClientConfig{URL: w.Embedded.URL()}
		p, err := Start(ctx, d)
		if err != nil {
			return Outcome{}, err
		}
		defer func() { _ = p.Stop() }()
	}
	tok, err := os.ReadFile(filepath.Join(web.DataDir, "admin.token"))
	if err != nil {
		return Outcome{}, fmt.Errorf("admin token: %w", err)
	}
	pages := w.Profiles.Set().Len() * (w.Profiles.Set().Len() - 1) / 2
	sections := w.Profiles.Set().Len()
	start := time.Now()
	if err := enqueueAll(ctx, "http://"+w.Addr, strings.TrimSpace(string(tok)), pages); err != nil {
		return Outcome{}, err
	}
	for {
		done := 0
		for _, p := range w.Store.Pages() {
			if p.State == store.InReview {
				done++
			} else if p.State == store.NeedsAttention {
				return Outcome{}, fmt.Errorf("page %s needs attention: %v", p.Slug, p.Findings)
			}
		}
		for _, s := range w.Store.Sections() {
			if s.State == store.InReview {
				done++
			}
		}
		if done == pages+sections {
			break
		}
		select {
		case <-ctx.Done():
			return Outcome{}, fmt.Errorf("%d of %d records in review: %w", done, pages+sections, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
	return Outcome{Pages: pages, Sections: sections, Elapsed: time.Since(start)}, nil
}

func enqueueAll(ctx context.Context, base, token string, want int) error {
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/jobs", strings.NewReader(`{"all":true}`))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("POST /api/jobs: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var res struct{ Queued int }
	_ = json.Unmarshal(body, &res)
	if resp.StatusCode != http.StatusAccepted || res.Queued != want {
		return fmt.Errorf("POST /api/jobs: %d %s (want %d queued)", resp.StatusCode, body, want)
	}
	return nil
}

// --- rate limit utilisation ---

// RateConfig sets the rate limit run.
type RateConfig struct {
	Dir         string
	Standards   int           // first N shipped profiles
	Latency     time.Duration // the fake LLM's latency per call
	RPM         int           // --llm-rpm
	Concurrency int           // --llm-concurrency
}

// RateResult is pages per minute against what the limits allow.
type RateResult struct {
	RateConfig
	Outcome
	Calls int
	// Bound is the most pages per minute the limits allow over this run:
	// requests go at min(RPM, Concurrency*60/Latency) per minute after the
	// limiter's initial burst, and a page costs Calls/Pages requests.
	Bound float64
	// Utilisation is PagesPerMinute / Bound (the goal: at least 0.95).
	Utilisation float64
}

// RateLimit drafts every pair of cfg.Standards profiles through a fake LLM
// with a fixed latency and an --llm-rpm limit, and compares the pages per
// minute achieved with the bound those limits set.
func RateLimit(ctx context.Context, cfg RateConfig) (RateResult, error) {
	res := RateResult{RateConfig: cfg}
	prof := filepath.Join(cfg.Dir, "profiles")
	if _, err := WriteProfiles(prof, cfg.Standards); err != nil {
		return res, err
	}
	set, err := profile.Load(prof)
	if err != nil {
		return res, err
	}
	f, err := StartFakeLLM(NewResponder(set), cfg.Latency, 0)
	if err != nil {
		return res, err
	}
	defer f.Close()
	out, err := Pipeline(ctx, Run{Dir: cfg.Dir, Profiles: prof,
		LLM: llm.Config{BaseURL: f.URL(), Model: "bench", MaxTokens: 3000, RPM: cfg.RPM, Concurrency: cfg.Concurrency}})
	if err != nil {
		return res, err
	}
	res.Outcome = out
	res.Calls = f.Stats().Calls
	perSec := min(float64(cfg.RPM)/60, float64(cfg.Concurrency)/cfg.Latency.Seconds())
	burst := float64(max(1, cfg.RPM/60)) // the client's limiter burst: one second's worth
	// The earliest the run could end: the calls beyond the burst at the
	// bound rate, plus one call's latency.
	ideal := time.Duration(math.Max(float64(res.Calls)-burst, 0)/perSec*float64(time.Second)) + cfg.Latency
	res.Bound = float64(out.Pages) / ideal.Minutes()
	res.Utilisation = out.PagesPerMinute() / res.Bound
	return res, nil
}

// --- tokens ---

// TokenResult compares the tokens a page costs when standards' sections are
// drafted once and shared with drafting every page whole.
type TokenResult struct {
	Standards, Pages int
	Shared, Whole    int     // tokens (prompt + completion) for all pages
	Ratio            float64 // Whole / Shared (the goal: at least 3)
}

// PerPage returns the tokens per page of each way.
func (r TokenResult) PerPage() (shared, whole float64) {
	return float64(r.Shared) / float64(r.Pages), float64(r.Whole) / float64(r.Pages)
}

// Tokens counts, with the model's tokenizer (o200k_base; author.Cost), the
// prompt and completion tokens of drafting every pair of set both ways:
// prompts as sent (messages and structured-output schema), with the
// composer's drafts standing in for the model's answers.
func Tokens(set *profile.Set) (TokenResult, error) {
	res := TokenResult{Standards: set.Len()}
	for _, p := range set.All() {
		c, err := author.SectionCost(p)
		if err != nil {
			return res, err
		}
		res.Shared += c.Total()
	}
	for _, pr := range set.Pairs() {
		a, b := pr[0], pr[1]
		res.Pages++
		c, err := author.PairCost(a, b)
		if err != nil {
			return res, err
		}
		res.Shared += c.Total()
		w, err := author.WholePageCost(a, b)
		if err != nil {
			return res, err
		}
		res.Whole += w.Total()
	}
	if res.Shared == 0 {
		return res, errors.New("no tokens: empty profile set")
	}
	res.Ratio = float64(res.Whole) / float64(res.Shared)
	return res, nil
}

// --- drafter scaling ---

// ScaleConfig sets the drafter scaling runs.
type ScaleConfig struct {
	Dir         string
	Standards   int
	Latency     time.Duration
	Concurrency int     // LLM calls in flight per drafter process
	Limit       float64 // the LLM server's capacity, calls per second
	Processes   []int   // drafter process counts to try, e.g. 1, 2, 4
}

// ScaleResult is one run of the scaling series.
type ScaleResult struct {
	Processes int
	Outcome
	Calls int
	// Speedup is PagesPerMinute over the first run's (1 process); Expected
	// is what the limits predict: min(n, Limit / one process's rate), also
	// relative to the first run.
	Speedup, Expected float64
}

// Drafters runs the pipeline with each count of drafter processes against a
// fake LLM of fixed latency and capacity.
func Drafters(ctx context.Context, cfg ScaleConfig) ([]ScaleResult, error) {
	prof := filepath.Join(cfg.Dir, "profiles")
	if _, err := WriteProfiles(prof, cfg.Standards); err != nil {
		return nil, err
	}
	set, err := profile.Load(prof)
	if err != nil {
		return nil, err
	}
	one := float64(cfg.Concurrency) / cfg.Latency.Seconds()
	var out []ScaleResult
	for _, n := range cfg.Processes {
		f, err := StartFakeLLM(NewResponder(set), cfg.Latency, rate.Limit(cfg.Limit))
		if err != nil {
			return out, err
		}
		o, err := Pipeline(ctx, Run{Dir: filepath.Join(cfg.Dir, fmt.Sprintf("n%d", n)), Profiles: prof, Drafters: n,
			InHand: cfg.Concurrency,
			LLM:    llm.Config{BaseURL: f.URL(), Model: "bench", MaxTokens: 3000, Concurrency: cfg.Concurrency}})
		calls := f.Stats().Calls
		f.Close()
		if err != nil {
			return out, fmt.Errorf("%d drafters: %w", n, err)
		}
		r := ScaleResult{Processes: n, Outcome: o, Calls: calls, Expected: 1, Speedup: 1}
		if len(out) > 0 {
			// Relative to the first run, as the figures are.
			n0 := float64(out[0].Processes)
			r.Expected = math.Min(float64(n), cfg.Limit/one) / math.Min(n0, cfg.Limit/one)
			r.Speedup = o.PagesPerMinute() / out[0].PagesPerMinute()
		}
		out = append(out, r)
	}
	return out, nil
}

// --- offline ---

// OfflineResult is the offline pipeline's speed against the work alone.
type OfflineResult struct {
	Outcome
	// Baseline is pages per second composing and validating every page in
	// memory, in one goroutine: the work without the pipeline around it.
	Baseline float64
}

// PagesPerSecond of the pipeline run.
func (r OfflineResult) PagesPerSecond() float64 { return float64(r.Pages) / r.Elapsed.Seconds() }

// Offline runs `versus up` offline on the built-in profiles (or the first
// n of them) from POST /api/jobs all until every page is in review.
func Offline(ctx context.Context, dir string, n int) (OfflineResult, error) {
	var res OfflineResult
	prof := filepath.Join(dir, "profiles")
	if _, err := WriteProfiles(prof, n); err != nil {
		return res, err
	}
	set, err := profile.Load(prof)
	if err != nil {
		return res, err
	}
	start := time.Now()
	pages := 0
	for _, p := range set.All() { // each standard's section once, as the pipeline does
		_ = validate.Section(compose.Section(p), p, set)
	}
	for _, pr := range set.Pairs() {
		_ = validate.Pair(compose.Pair(pr[0], pr[1]), pr[0], pr[1], set)
		pages++
	}
	res.Baseline = float64(pages) / time.Since(start).Seconds()
	res.Outcome, err = Pipeline(ctx, Run{Dir: filepath.Join(dir, "run"), Profiles: prof})
	return res, err
}
