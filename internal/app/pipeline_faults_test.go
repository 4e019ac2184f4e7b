package app_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// scripted makes the fake answer the first len(replies) requests about a
// record with the given replies, in order, and normally after that.
func scripted(f *fake, faults map[string][]llmtest.Reply) {
	var mu sync.Mutex
	n := map[string]int{}
	f.SetHandler(func(req llmtest.Request, _ int) llmtest.Reply {
		mu.Lock()
		defer mu.Unlock()
		k := f.key(req)
		i := n[k]
		n[k]++
		if rs := faults[k]; i < len(rs) {
			return rs[i]
		}
		return llmtest.Reply{}
	})
}

func meta(t *testing.T, st *store.Store, key string) (store.Kind, store.Meta) {
	t.Helper()
	if strings.Contains(key, "-vs-") {
		p, err := st.Page(t.Context(), key)
		if err != nil {
			t.Fatalf("page %s: %v", key, err)
		}
		return store.KindPage, p.Meta
	}
	r, err := st.Section(t.Context(), key)
	if err != nil {
		t.Fatalf("section %s: %v", key, err)
	}
	return store.KindSection, r.Meta
}

// Broken answers (cut off at the token limit, not JSON, off the schema) are
// findings, not errors: the record is redrafted with them, and the redraft
// request carries the previous answer and what was wrong with it.
func TestLLMBadAnswersRedrafted(t *testing.T) {
	dir := subset(t, small...)
	f := newFake(t, dir)
	cases := map[string]struct {
		bad  llmtest.Reply
		rule string // the finding the redraft must be told about
	}{
		"hipaa":                         {llmtest.Truncated(`{"tagline": "The US law that`), "llm.truncated"},
		page.Slug("gdpr", "hipaa"):      {llmtest.OK("Sure! Here is the comparison you asked for."), page.RuleJSONSyntax},
		page.Slug("iso-27001", "soc-2"): {llmtest.OK(`{"description": 42, "verdict": "short"}`), page.RuleSchema},
	}
	faults := map[string][]llmtest.Reply{}
	for k, c := range cases {
		faults[k] = []llmtest.Reply{c.bad}
	}
	scripted(f, faults)
	s := start(t, app.Config{ProfilesDir: dir, LLM: llmConfig(f), MaxRedrafts: 2, Settings: fastSettings()})
	s.enqueueAll(t)
	waitSettled(t, s.run.Store, 6, 30*time.Second)
	allIn(t, s.run.Store, store.InReview)

	reqs := f.byKey()
	for k, c := range cases {
		rs := reqs[k]
		if len(rs) != 2 {
			t.Errorf("%s: %d requests, want the bad answer's and the redraft's", k, len(rs))
			continue
		}
		// The redraft continues the conversation: the previous answer as the
		// assistant's turn, then the findings to fix.
		msgs := rs[1].Messages
		if len(msgs) < 4 {
			t.Errorf("%s: redraft has %d messages, want system, user, assistant, user", k, len(msgs))
			continue
		}
		prev, fix := msgs[len(msgs)-2], msgs[len(msgs)-1]
		if prev.Role != "assistant" || prev.Content != c.bad.Content {
			t.Errorf("%s: redraft's previous answer %s %q, want the bad answer %q", k, prev.Role, prev.Content, c.bad.Content)
		}
		if fix.Role != "user" || !strings.Contains(fix.Content, c.rule) {
			t.Errorf("%s: redraft's last message does not name finding %s:\n%s", k, c.rule, fix.Content)
		}
		kind, m := meta(t, s.run.Store, k)
		if m.Attempt != 1 || m.Raw != "" || m.Usage.Calls != 2 {
			t.Errorf("%s: attempt %d raw %q calls %d, want 1, none, 2", k, m.Attempt, m.Raw, m.Usage.Calls)
		}
		evs := events(t, s.run.Store, kind, k)
		if countEvents(evs, "redraft") != 1 || countEvents(evs, "drafted") != 2 || countEvents(evs, "validated") != 1 {
			t.Errorf("%s: events %v, want drafted, redraft, drafted, validated", k, types(evs))
		}
	}
	// Records with good first answers were drafted once.
	for k, rs := range reqs {
		if _, bad := cases[k]; !bad && len(rs) != 1 {
			t.Errorf("%s: %d requests, want 1", k, len(rs))
		}
	}
}

// A record whose answers keep failing ends in needs_attention after
// MaxRedrafts redrafts, with its last answer and findings kept for a person,
// while everything else goes on.
func TestLLMNeedsAttentionAfterLimit(t *testing.T) {
	dir := subset(t, small...)
	f := newFake(t, dir)
	bad := []llmtest.Reply{llmtest.OK("not json, first"), llmtest.OK("not json, second"), llmtest.OK("not json, third")}
	scripted(f, map[string][]llmtest.Reply{"gdpr": bad})
	s := start(t, app.Config{ProfilesDir: dir, LLM: llmConfig(f), MaxRedrafts: 2, Settings: fastSettings()})
	s.enqueueAll(t)
	waitSettled(t, s.run.Store, 6, 30*time.Second)

	r, err := s.run.Store.Section(t.Context(), "gdpr")
	if err != nil {
		t.Fatal(err)
	}
	if r.State != store.NeedsAttention {
		t.Fatalf("gdpr section: %s, want needs_attention", r.State)
	}
	if r.Raw != "not json, third" {
		t.Errorf("raw %q, want the last answer", r.Raw)
	}
	if !finding.HasError(r.Findings) || r.Findings[0].Rule != page.RuleJSONSyntax {
		t.Errorf("findings %v, want the JSON syntax error", r.Findings)
	}
	if r.Attempt != 2 || r.Usage.Calls != 3 {
		t.Errorf("attempt %d calls %d, want 2 redrafts after the first, 3 calls", r.Attempt, r.Usage.Calls)
	}
	evs := events(t, s.run.Store, store.KindSection, "gdpr")
	if countEvents(evs, "drafted") != 3 || countEvents(evs, "redraft") != 2 || countEvents(evs, "needs_attention") != 1 {
		t.Errorf("events %v, want 3 drafted, 2 redraft, 1 needs_attention", types(evs))
	}

	// Nothing else suffered, nothing is left queued, and no fourth call came.
	for _, p := range s.run.Store.Pages() {
		if p.State != store.InReview {
			t.Errorf("page %s: %s", p.Slug, p.State)
		}
	}
	for _, sec := range s.run.Store.Sections() {
		if sec.Standard != "gdpr" && sec.State != store.InReview {
			t.Errorf("section %s: %s", sec.Standard, sec.State)
		}
	}
	waitQueueEmpty(t, s.run.Store)
	if n := len(f.byKey()["gdpr"]); n != 3 {
		t.Errorf("%d calls for gdpr, want 3", n)
	}
	if code, body := s.call(t, "GET", "/healthz", "", nil); code != 200 {
		t.Errorf("healthz: %d %s", code, body)
	}
}

func types(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

// waitQueueEmpty waits until the jobs stream holds nothing: every job acked.
func waitQueueEmpty(t *testing.T, st *store.Store) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		n, err := st.QueueDepth(t.Context())
		if err == nil && n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs stream still holds %d jobs (%v)", n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A drafter stopped while its LLM call is in flight hands the job back; a
// second process takes it and the record is drafted exactly once.
func TestWorkerStoppedMidDraft(t *testing.T) {
	dir := subset(t, "gdpr", "hipaa") // one page, two sections
	srv, _ := natstest.Start(t)
	f := newFake(t, dir)
	f.SetHandler(func(_ llmtest.Request, n int) llmtest.Reply {
		if n == 1 {
			return llmtest.Hang() // until the caller gives up
		}
		return llmtest.Reply{}
	})
	cfg := llmConfig(f)
	cfg.Timeout = time.Minute // the hang must outlast the stop, not time out
	nats := broker.ClientConfig{URL: srv.URL()}

	a := start(t, app.Config{ProfilesDir: dir, NATS: nats, LLM: cfg, Parts: app.Parts{Drafter: true},
		Drafters: 1, Grace: 300 * time.Millisecond, Settings: fastSettings()})
	res, err := a.run.Planner.Enqueue(t.Context(), a.run.Planner.AllPairs(), "test")
	if err != nil || res.Queued != 1 {
		t.Fatalf("enqueue: %+v %v", res, err)
	}
	natstest.Eventually(t, 10*time.Second, "the first LLM call in flight", func() bool { return f.InFlight() == 1 })
	hung := f.key(f.Requests()[0])
	a.stop()
	// The stopped process gave up its call (the server notices a moment later).
	natstest.Eventually(t, 2*time.Second, "the hung call abandoned", func() bool { return f.InFlight() == 0 })
	if n := f.Count(); n != 1 {
		t.Fatalf("the stopped process made %d calls, want only the hung one", n)
	}

	b := start(t, app.Config{ProfilesDir: dir, NATS: nats, LLM: cfg, MaxRedrafts: 2, Settings: fastSettings()})
	waitSettled(t, b.run.Store, 1, 30*time.Second)
	allIn(t, b.run.Store, store.InReview)
	waitQueueEmpty(t, b.run.Store)

	answered := map[string]int{}
	for _, r := range f.Requests()[1:] {
		answered[f.key(r)]++
	}
	for _, k := range []string{"gdpr", "hipaa", page.Slug("gdpr", "hipaa")} {
		if answered[k] != 1 {
			t.Errorf("%s: %d answered calls, want 1", k, answered[k])
		}
		kind, m := meta(t, b.run.Store, k)
		if n := countEvents(events(t, b.run.Store, kind, k), "drafted"); n != 1 {
			t.Errorf("%s: %d drafted events, want 1", k, n)
		}
		if m.Drafted != 1 || m.Seq != 1 {
			t.Errorf("%s: drafted %d seq %d, want 1 and 1", k, m.Drafted, m.Seq)
		}
	}
	if _, m := meta(t, b.run.Store, hung); m.Usage.Calls != 1 {
		t.Errorf("%s: usage calls %d, want the one answered call", hung, m.Usage.Calls)
	}
}

// The NATS server going down mid-run and coming back on the same storage
// loses nothing: every page is drafted once and reaches review.
func TestNATSRestartMidRun(t *testing.T) {
	dir := subset(t, "gdpr", "hipaa", "iso-27001", "soc-2", "nist-csf") // 10 pages
	natsDir := t.TempDir()
	ctx := context.Background()
	var cur *broker.Embedded
	t.Cleanup(func() {
		if cur != nil {
			cur.Shutdown()
		}
	})
	cur, err := broker.StartEmbedded(ctx, broker.EmbeddedConfig{Dir: natsDir, Port: -1})
	if err != nil {
		t.Fatal(err)
	}
	port := cur.Server().Addr().(*net.TCPAddr).Port
	f := newFake(t, dir, llmtest.WithLatency(150*time.Millisecond))
	s := start(t, app.Config{ProfilesDir: dir, NATS: broker.ClientConfig{URL: cur.URL()}, LLM: llmConfig(f),
		Drafters: 2, MaxRedrafts: 2, Settings: fastSettings()})
	s.enqueueAll(t)

	inReview := func() int {
		n := 0
		for _, p := range s.run.Store.Pages() {
			if p.State == store.InReview {
				n++
			}
		}
		return n
	}
	natstest.Eventually(t, 20*time.Second, "two pages in review and a draft in flight", func() bool {
		return inReview() >= 2 && f.InFlight() > 0
	})
	if n := inReview(); n >= 10 {
		t.Fatalf("all %d pages done before the restart; slow the fake down", n)
	}
	inFlight := f.InFlight()
	cur.Shutdown()
	natstest.Eventually(t, 10*time.Second, "the app to notice", func() bool { return !s.run.Conn.IsConnected() })
	// Let the calls in flight answer while the store is away: their drafts
	// cannot be stored, and must not be lost or turn into failures.
	natstest.Eventually(t, 10*time.Second, "calls in flight to end", func() bool { return f.InFlight() == 0 })
	// An outage longer than JetStream's request timeout (5s), so those
	// writes fail rather than wait for the server to come back.
	time.Sleep(6 * time.Second)
	cur, err = broker.StartEmbedded(ctx, broker.EmbeddedConfig{Dir: natsDir, Port: port})
	if err != nil {
		t.Fatalf("restart nats on port %d: %v", port, err)
	}
	t.Logf("restarted after %d LLM calls, %d of them in flight at the stop", f.Count(), inFlight)
	// The records themselves first: every page drafted and in review.
	slugs := make([]string, 0, 10)
	for _, pr := range f.set.Pairs() {
		slugs = append(slugs, page.Slug(pr[0].ID, pr[1].ID))
	}
	natstest.Eventually(t, 30*time.Second, "every page in review", func() bool {
		for _, slug := range slugs {
			if rec, err := s.run.Store.Page(ctx, slug); err != nil || rec.State != store.InReview {
				return false
			}
		}
		return true
	})
	// Then the mirror the review queue and the indexer read: it must not
	// stand still after the restart.
	waitSettled(t, s.run.Store, 10, 3*time.Second)
	allIn(t, s.run.Store, store.InReview)
	if n := len(s.run.Store.Pages()); n != 10 {
		t.Errorf("%d pages, want 10", n)
	}
	// The audit log lost nothing either: one drafted event per draft, and
	// no failure recorded for an outage of the store.
	for _, slug := range slugs {
		evs := events(t, s.run.Store, store.KindPage, slug)
		if countEvents(evs, "drafted") != 1 || countEvents(evs, "needs_attention") != 0 || countEvents(evs, "validated") != 1 {
			t.Errorf("%s: events %v, want one drafted and one validated", slug, types(evs))
		}
	}
	waitQueueEmpty(t, s.run.Store)
	s.stop() // before the server goes
}

// An LLM that refuses every connection for a while only delays the jobs:
// they are handed back with a growing delay, no redraft attempt is spent,
// nothing turns needs_attention, and the run completes when it returns.
func TestLLMOutageOnlyDelays(t *testing.T) {
	dir := subset(t, "gdpr", "hipaa", "soc-2") // 3 pages, 3 sections
	f := newFake(t, dir)
	f.Down()
	cfg := llmConfig(f)
	cfg.MaxRetries = 1
	s := start(t, app.Config{ProfilesDir: dir, LLM: cfg, MaxRedrafts: 2, Settings: fastSettings()})
	began := time.Now()
	s.enqueueAll(t)

	healthy := func() {
		t.Helper()
		for _, p := range s.run.Store.Pages() {
			if p.State == store.NeedsAttention || p.Attempt != 0 || len(p.Findings) > 0 {
				t.Fatalf("page %s during the outage: %s attempt %d findings %v", p.Slug, p.State, p.Attempt, p.Findings)
			}
		}
		for _, r := range s.run.Store.Sections() {
			if r.State == store.NeedsAttention || r.Attempt != 0 || len(r.Findings) > 0 {
				t.Fatalf("section %s during the outage: %s attempt %d findings %v", r.Standard, r.State, r.Attempt, r.Findings)
			}
		}
	}
	// Every record's job tried on two deliveries (two calls each).
	natstest.Eventually(t, 25*time.Second, "24 refused calls", func() bool {
		healthy()
		return f.Refused() >= 24
	})
	// Handing back with a delay is what keeps this from being a spin: with
	// no delay the 24 refusals would come within milliseconds.
	if took := time.Since(began); took < 500*time.Millisecond {
		t.Errorf("24 refused calls in %v: jobs are not backing off", took)
	}
	if f.Count() != 0 {
		t.Fatalf("%d calls answered while down", f.Count())
	}
	healthy()
	f.Up()

	waitSettled(t, s.run.Store, 3, 30*time.Second)
	allIn(t, s.run.Store, store.InReview)
	for _, k := range []string{"gdpr", "hipaa", "soc-2"} {
		kind, m := meta(t, s.run.Store, k)
		evs := events(t, s.run.Store, kind, k)
		if m.Attempt != 0 || countEvents(evs, "needs_attention") != 0 || countEvents(evs, "drafted") != 1 {
			t.Errorf("%s: attempt %d events %v", k, m.Attempt, types(evs))
		}
	}
}
