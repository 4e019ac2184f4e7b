package drafter_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/workertest"
	"github.com/versus-dev/versus/workers/drafter"
)

var errOutage = errors.New("llm: 503 service unavailable")

// scripted is the offline composer with failures scripted per record key:
// fail(n) for the n-th call (from 1) returns the error to give, or nil.
type scripted struct {
	author.Offline
	mu    sync.Mutex
	calls map[string]int
	fail  map[string]func(n int) error
}

func (s *scripted) check(key string) error {
	s.mu.Lock()
	s.calls[key]++
	n, f := s.calls[key], s.fail[key]
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	return f(n)
}

func (s *scripted) Section(ctx context.Context, p *profile.Profile, fb author.Feedback) (author.SectionResult, error) {
	if err := s.check(p.ID); err != nil {
		return author.SectionResult{}, err
	}
	return s.Offline.Section(ctx, p, fb)
}

func (s *scripted) Pair(ctx context.Context, a, b *profile.Profile, fb author.Feedback) (author.PairResult, error) {
	if err := s.check(a.ID + "-vs-" + b.ID); err != nil {
		return author.PairResult{}, err
	}
	return s.Offline.Pair(ctx, a, b, fb)
}

// TestDrafter drafts five records, each meeting something else: a clean
// draft, an LLM outage (handed back, queued meanwhile, then drafted), a
// refusal (needs_attention with the reason), a panic (needs_attention, the
// worker goes on), and an outage that never ends (needs_attention after
// MaxDeliver deliveries, never a crash loop).
func TestDrafter(t *testing.T) {
	const maxDeliver = 3
	e := workertest.New(t, workertest.Settings(maxDeliver))
	e.Enqueue(jobs.Pair{"gdpr", "sox"}, jobs.Pair{"gdpr", "hipaa"})
	a := &scripted{calls: map[string]int{}, fail: map[string]func(int) error{
		"gdpr-vs-sox": func(n int) error { // out twice, then back
			if n <= 2 {
				return errOutage
			}
			return nil
		},
		"hipaa":         func(int) error { return errors.New("model refused: content policy") },
		"sox":           func(int) error { panic("nil pointer in the composer") },
		"gdpr-vs-hipaa": func(int) error { return errOutage },
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- drafter.Run(ctx, drafter.Config{Store: e.Store, Profiles: func() *profile.Set { return e.Profiles },
			Author: a, Concurrency: 4, Transient: func(err error) bool { return errors.Is(err, errOutage) }})
	}()
	drafted := func(m store.Meta) bool { return m.State == store.Drafting && m.Drafted == m.Seq }
	attention := func(m store.Meta) bool { return m.State == store.NeedsAttention }
	e.Wait(store.KindSection, "gdpr", "drafted", drafted)
	e.Wait(store.KindPage, "gdpr-vs-sox", "drafted after the outage", drafted)
	e.Wait(store.KindSection, "hipaa", "needs attention after a refusal", attention)
	e.Wait(store.KindSection, "sox", "needs attention after a panic", attention)
	e.Wait(store.KindPage, "gdpr-vs-hipaa", "needs attention after the outage outlasted MaxDeliver", attention)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	if got := e.Types(store.KindSection, "gdpr"); !slices.Equal(got, []string{"queued", "drafting", "drafted"}) {
		t.Errorf("gdpr section history %v", got)
	}
	got := e.Types(store.KindPage, "gdpr-vs-sox")
	want := []string{"queued", "drafting", "handed_back", "drafting", "handed_back", "drafting", "drafted"}
	if !slices.Equal(got, want) {
		t.Errorf("gdpr-vs-sox history %v, want %v", got, want)
	}
	for key, reason := range map[string]string{"hipaa": "content policy", "sox": "panicked"} {
		m := e.Meta(store.KindSection, key)
		if len(m.Findings) != 1 || !strings.Contains(m.Findings[0].Message, reason) {
			t.Errorf("%s findings %v, want one naming %q", key, m.Findings, reason)
		}
		if a.calls[key] != 1 {
			t.Errorf("%s: %d author calls, want 1 (a permanent failure is not retried)", key, a.calls[key])
		}
	}
	if n := a.calls["gdpr-vs-hipaa"]; n != maxDeliver {
		t.Errorf("gdpr-vs-hipaa: %d calls, want %d (one per delivery)", n, maxDeliver)
	}
	m := e.Meta(store.KindPage, "gdpr-vs-hipaa")
	if len(m.Findings) != 1 || !strings.Contains(m.Findings[0].Message, "gave up after 3 deliveries") {
		t.Errorf("gdpr-vs-hipaa findings %v", m.Findings)
	}
	for _, r := range [][2]string{{"section", "gdpr"}, {"section", "hipaa"}, {"section", "sox"}, {"page", "gdpr-vs-sox"}, {"page", "gdpr-vs-hipaa"}} {
		e.Whole(store.Kind(r[0]), r[1])
	}
	// The drafted records' validations were queued; nothing else is left.
	if n, err := e.Store.QueueDepth(context.Background()); err != nil || n != 2 {
		t.Errorf("queue depth %d, %v: want the 2 validation jobs", n, err)
	}
}

// TestHandedBackIsNotDrafting: during an LLM outage a handed-back job's
// record shows as queued, not drafting (issue 13, point 8).
func TestHandedBackIsNotDrafting(t *testing.T) {
	e := workertest.New(t, workertest.Settings(50))
	e.Enqueue(jobs.Pair{"gdpr", "sox"})
	out := make(chan struct{})
	a := &scripted{calls: map[string]int{}, fail: map[string]func(int) error{}}
	for _, k := range []string{"gdpr", "sox", "gdpr-vs-sox"} {
		a.fail[k] = func(int) error {
			select {
			case <-out:
				return nil
			default:
				return errOutage
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go drafter.Run(ctx, drafter.Config{Store: e.Store, Profiles: func() *profile.Set { return e.Profiles },
		Author: a, Concurrency: 4, Transient: func(err error) bool { return errors.Is(err, errOutage) }})
	e.Wait(store.KindPage, "gdpr-vs-sox", "handed back", func(m store.Meta) bool {
		return slices.Contains(e.Types(store.KindPage, "gdpr-vs-sox"), "handed_back")
	})
	h, err := e.Store.History(context.Background(), store.KindPage, "gdpr-vs-sox")
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range h {
		if ev.Type == "handed_back" && (ev.From != store.Drafting || ev.To != store.Queued || !strings.Contains(ev.Note, "503")) {
			t.Fatalf("handed back %s → %s (%q), want drafting → queued with the reason", ev.From, ev.To, ev.Note)
		}
	}
	e.Whole(store.KindPage, "gdpr-vs-sox")
	close(out)
	e.Wait(store.KindPage, "gdpr-vs-sox", "drafted after the outage", func(m store.Meta) bool { return m.Drafted == m.Seq })
}
