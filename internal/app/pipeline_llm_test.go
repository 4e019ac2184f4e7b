package app_test

import (
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

var small = []string{"gdpr", "hipaa", "iso-27001", "soc-2"} // 4 standards, 6 pairs

// The LLM path end to end: every pair of the subset drafted through an
// OpenAI-compatible server into review, sections drafted once per standard,
// tokens recorded per record, the model settings sent.
func TestLLMRunEndToEnd(t *testing.T) {
	dir := subset(t, small...)
	f := newFake(t, dir)
	s := start(t, app.Config{ProfilesDir: dir, LLM: llmConfig(f), MaxRedrafts: 2, Settings: fastSettings()})
	if !strings.Contains(s.run.Author, "test") {
		t.Fatalf("author %q, want the LLM", s.run.Author)
	}
	s.enqueueAll(t)
	waitSettled(t, s.run.Store, 6, 30*time.Second)
	allIn(t, s.run.Store, store.InReview)

	reqs := f.byKey()
	if len(reqs["?"]) > 0 {
		t.Fatalf("%d requests about no known record", len(reqs["?"]))
	}
	sections := 0
	for _, r := range f.Requests() {
		if r.SchemaName == "section_draft" {
			sections++
		}
		if r.Temperature == nil || math.Abs(*r.Temperature-0.3) > 1e-6 {
			t.Errorf("request %d: temperature %v, want 0.3", r.N, r.Temperature)
		}
		if r.MaxTokens == nil || *r.MaxTokens != 3000 {
			t.Errorf("request %d: max_tokens %v, want 3000", r.N, r.MaxTokens)
		}
		if r.Model != "test" || r.ResponseFormat != "json_schema" || !r.Strict {
			t.Errorf("request %d: model %q format %q strict %v", r.N, r.Model, r.ResponseFormat, r.Strict)
		}
	}
	if sections != 4 {
		t.Errorf("%d section requests, want one per standard (4)", sections)
	}
	if n := f.Count(); n != 4+6 {
		t.Errorf("%d requests, want 10 (4 sections, 6 pairs)", n)
	}

	// Tokens: what the server counted for the one call of each record.
	check := func(key string, m store.Meta) {
		t.Helper()
		rs := reqs[key]
		if len(rs) != 1 {
			t.Errorf("%s: %d requests, want 1", key, len(rs))
			return
		}
		wantPrompt := rs[0].PromptTokens()
		if m.Usage.Calls != 1 || m.Usage.Prompt != wantPrompt || m.Usage.Completion <= 0 {
			t.Errorf("%s: usage %+v, want 1 call, %d prompt tokens and some completion", key, m.Usage, wantPrompt)
		}
		if m.Drafter != "test t=0.3 max=3000" {
			t.Errorf("%s: drafter %q", key, m.Drafter)
		}
	}
	for _, p := range s.run.Store.Pages() {
		check(p.Slug, p.Meta)
		evs := events(t, s.run.Store, store.KindPage, p.Slug)
		if n := countEvents(evs, "drafted"); n != 1 {
			t.Errorf("%s: %d drafted events, want 1", p.Slug, n)
		}
		for _, e := range evs {
			if e.Type == "drafted" && (e.Usage == nil || e.Usage.Prompt != p.Usage.Prompt) {
				t.Errorf("%s: drafted event usage %v, record %+v", p.Slug, e.Usage, p.Usage)
			}
		}
	}
	for _, r := range s.run.Store.Sections() {
		check(r.Standard, r.Meta)
		if r.Section.Heading == "" || len(r.Section.KeyFeatures) != 5 {
			t.Errorf("section %s not filled in from the answer: %+v", r.Standard, r.Section)
		}
	}
}

// Rate limits, server errors and a hung call are retried by the client; a
// 429's Retry-After is honoured; every record still ends in review.
func TestLLMTransientErrorsRetried(t *testing.T) {
	dir := subset(t, small...)
	f := newFake(t, dir)
	// The first request for each of three records fails once, each its way.
	faults := map[string]llmtest.Reply{
		"gdpr":                      llmtest.RateLimited(time.Second),
		"iso-27001":                 llmtest.ServerError(http.StatusServiceUnavailable),
		page.Slug("hipaa", "soc-2"): llmtest.Hang(),
	}
	seen := map[string]bool{}
	var mu sync.Mutex
	f.SetHandler(func(req llmtest.Request, _ int) llmtest.Reply {
		mu.Lock()
		defer mu.Unlock()
		k := f.key(req)
		if r, ok := faults[k]; ok && !seen[k] {
			seen[k] = true
			return r
		}
		return llmtest.Reply{}
	})
	cfg := llmConfig(f)
	cfg.Timeout = 2 * time.Second
	s := start(t, app.Config{ProfilesDir: dir, LLM: cfg, MaxRedrafts: 2, Settings: fastSettings()})
	s.enqueueAll(t)
	waitSettled(t, s.run.Store, 6, 30*time.Second)
	allIn(t, s.run.Store, store.InReview)

	reqs := f.byKey()
	for k := range faults {
		if len(reqs[k]) != 2 {
			t.Errorf("%s: %d requests, want the failed one and its retry", k, len(reqs[k]))
		}
	}
	if rs := reqs["gdpr"]; len(rs) == 2 {
		if gap := rs[1].Time.Sub(rs[0].Time); gap < time.Second {
			t.Errorf("retry after a 429 with Retry-After: 1 came %v later, want at least 1s", gap)
		}
	}
	if rs := reqs[page.Slug("hipaa", "soc-2")]; len(rs) == 2 {
		if gap := rs[1].Time.Sub(rs[0].Time); gap < cfg.Timeout {
			t.Errorf("retry of a hung call came %v later, before the %v attempt timeout", gap, cfg.Timeout)
		}
	}
	// The retries are the client's own: each record took one job, one
	// drafted event, and its usage counts both attempts.
	for k := range faults {
		kind := store.KindSection
		if strings.Contains(k, "-vs-") {
			kind = store.KindPage
		}
		evs := events(t, s.run.Store, kind, k)
		if n := countEvents(evs, "drafted"); n != 1 {
			t.Errorf("%s: %d drafted events, want 1", k, n)
		}
		var m store.Meta
		if kind == store.KindPage {
			p, _ := s.run.Store.Page(t.Context(), k)
			m = p.Meta
		} else {
			r, _ := s.run.Store.Section(t.Context(), k)
			m = r.Meta
		}
		if m.Usage.Calls != 2 {
			t.Errorf("%s: usage calls %d, want 2 (the failure and the retry)", k, m.Usage.Calls)
		}
		if finding.HasError(m.Findings) {
			t.Errorf("%s: findings %v", k, m.Findings)
		}
	}
}

// When the client does not wait a 429 out itself (no retries left), the job
// handed back still waits for the Retry-After before the next call.
func TestLLMRetryAfterHonouredByJob(t *testing.T) {
	dir := subset(t, "gdpr", "hipaa")
	f := newFake(t, dir)
	scripted(f, map[string][]llmtest.Reply{"gdpr": {llmtest.RateLimited(3 * time.Second)}})
	cfg := llmConfig(f)
	cfg.MaxRetries = -1 // the first failure ends the call
	s := start(t, app.Config{ProfilesDir: dir, LLM: cfg, MaxRedrafts: 2, Settings: fastSettings()})
	s.enqueueAll(t)
	waitSettled(t, s.run.Store, 1, 30*time.Second)
	allIn(t, s.run.Store, store.InReview)
	rs := f.byKey()["gdpr"]
	if len(rs) != 2 {
		t.Fatalf("%d calls for gdpr, want the rate-limited one and one more", len(rs))
	}
	if gap := rs[1].Time.Sub(rs[0].Time); gap < 3*time.Second {
		t.Errorf("the job came back %v after a 429 with Retry-After: 3", gap)
	}
	_, m := meta(t, s.run.Store, "gdpr")
	if m.Attempt != 0 || len(m.Findings) != 0 {
		t.Errorf("a rate limit spent an attempt: attempt %d findings %v", m.Attempt, m.Findings)
	}
}
