package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/webhook"
	"github.com/versus-dev/versus/internal/webhook/webhooktest"
)

// source is what a test publishes.
type source struct {
	mu    sync.Mutex
	pages map[string]webhook.Page
}

func (s *source) PublishedVersions(context.Context) ([]webhook.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []webhook.Page
	for _, p := range s.pages {
		out = append(out, p)
	}
	return out, nil
}

func (s *source) set(slug, version string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if version == "" {
		delete(s.pages, slug)
		return
	}
	s.pages[slug] = webhook.Page{Slug: slug, Title: slug, Standards: [2]string{"a", "b"}, URL: "https://example.com/compare/" + slug, Version: version, Reviewed: time.Now()}
}

// receiver records signed deliveries; it fails the first attempt of the
// events it is told to.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	got    []webhook.Event // accepted, in order
	tries  map[string]int  // attempts per event id
	failID func(webhook.Event) bool
	bad    int // deliveries whose signature did not verify
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if !webhook.Verify(rc.secret, body, r.Header.Get(webhook.HeaderSignature)) {
		rc.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var ev webhook.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if ev.Standards != [2]string{"a", "b"} || ev.URL == "" {
		rc.t.Errorf("event %+v lacks its standards or URL", ev)
	}
	if r.Header.Get(webhook.HeaderDelivery) != ev.ID || r.Header.Get(webhook.HeaderEvent) != ev.Type {
		rc.t.Errorf("headers %v for event %+v", r.Header, ev)
	}
	rc.tries[ev.ID]++
	if rc.tries[ev.ID] == 1 && rc.failID != nil && rc.failID(ev) {
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	rc.got = append(rc.got, ev)
}

func (rc *receiver) events() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, e := range rc.got {
		out = append(out, e.Type+" "+e.Slug)
	}
	return out
}

// TestWebhooks: a receiver gets each publish, update and unpublish once,
// signed; a delivery it fails comes again after the backoff; a receiver
// with the wrong secret sees signatures it cannot verify; the log records
// every attempt.
func TestWebhooks(t *testing.T) {
	_, nc := natstest.Start(t)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "s3cret"
	rc := &receiver{t: t, secret: secret, tries: map[string]int{},
		failID: func(ev webhook.Event) bool { return ev.Type == webhook.Updated }}
	good := httptest.NewServer(rc)
	defer good.Close()
	wrong := &receiver{t: t, secret: "another", tries: map[string]int{}}
	other := httptest.NewServer(wrong)
	defer other.Close()

	src := &source{pages: map[string]webhook.Page{}}
	ctx, cancel := context.WithCancel(zerolog.Nop().WithContext(context.Background()))
	defer cancel()
	h, err := webhook.New(ctx, js, src, webhook.Config{
		URLs: []string{good.URL, other.URL}, Secret: secret,
		MaxAttempts: 3, Backoff: []time.Duration{300 * time.Millisecond}, Interval: time.Hour, Settle: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()

	src.set("a-vs-b", "v1")
	src.set("c-vs-d", "v1")
	h.Nudge()
	natstest.CheckFor(t, 10*time.Second, func() error {
		got := rc.events()
		slices.Sort(got)
		if !slices.Equal(got, []string{"page.published a-vs-b", "page.published c-vs-d"}) {
			return fmt.Errorf("receiver got %q", got)
		}
		return nil
	})
	// A check with nothing changed tells nothing.
	if evs, err := h.Check(ctx); err != nil || len(evs) != 0 {
		t.Fatalf("unchanged check: %v %v", evs, err)
	}
	start := time.Now()
	src.set("a-vs-b", "v2") // the receiver fails its first try of an update
	h.Nudge()
	natstest.CheckFor(t, 10*time.Second, func() error {
		got := rc.events()
		if len(got) < 3 || got[2] != "page.updated a-vs-b" {
			return fmt.Errorf("receiver got %q, want the update third", got)
		}
		return nil
	})
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("the retry came after %v, before the backoff", took)
	}
	src.set("c-vs-d", "")
	h.Nudge()
	natstest.CheckFor(t, 10*time.Second, func() error {
		got := rc.events()
		if len(got) != 4 || got[3] != "page.unpublished c-vs-d" {
			return fmt.Errorf("receiver got %q, want the unpublish fourth", got)
		}
		return nil
	})
	// Back as it was: a new event, not one the stream took for a duplicate.
	src.set("c-vs-d", "v1")
	h.Nudge()
	natstest.CheckFor(t, 10*time.Second, func() error {
		got := rc.events()
		if len(got) != 5 || got[4] != "page.published c-vs-d" {
			return fmt.Errorf("receiver got %q, want the publish again fifth", got)
		}
		return nil
	})

	// Everything settled: nothing is pending, and each event came once
	// (the update twice: failed, then accepted).
	cons, err := js.Consumer(ctx, webhook.Stream, "webhook-delivery")
	if err != nil {
		t.Fatal(err)
	}
	natstest.CheckFor(t, 10*time.Second, func() error {
		info, err := cons.Info(ctx)
		if err != nil {
			return err
		}
		if info.NumPending != 0 || info.NumAckPending != 0 {
			return fmt.Errorf("pending %d, ack pending %d", info.NumPending, info.NumAckPending)
		}
		return nil
	})
	rc.mu.Lock()
	for _, ev := range rc.got {
		n := rc.tries[ev.ID]
		if (ev.Type == webhook.Updated && n != 2) || (ev.Type != webhook.Updated && n != 1) {
			t.Errorf("%s %s: %d deliveries", ev.Type, ev.Slug, n)
		}
	}
	if rc.bad != 0 {
		t.Errorf("%d deliveries with a bad signature at the right receiver", rc.bad)
	}
	rc.mu.Unlock()
	if got := rc.events(); len(got) != 5 {
		t.Errorf("receiver got %q, want 5 events", got)
	}
	// The receiver with the wrong secret refused every delivery (3 tries each).
	natstest.CheckFor(t, 10*time.Second, func() error {
		wrong.mu.Lock()
		defer wrong.mu.Unlock()
		if wrong.bad != 5*3 || len(wrong.got) != 0 {
			return fmt.Errorf("wrong secret: %d refused, %d accepted; want 15 and 0", wrong.bad, len(wrong.got))
		}
		return nil
	})

	// The log holds every attempt, newest first, with outcomes.
	rec := httptest.NewRecorder()
	natstest.CheckFor(t, 5*time.Second, func() error {
		rec = httptest.NewRecorder()
		h.LogHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/webhooks/deliveries?limit=1000", nil))
		var res struct {
			Deliveries []webhook.Attempt `json:"deliveries"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			return err
		}
		count := map[string]int{}
		for _, a := range res.Deliveries {
			count[a.Outcome]++
		}
		// right receiver: 5 delivered + 1 retrying; wrong: 5×(2 retrying + 1 failed)
		if count["delivered"] != 5 || count["retrying"] != 1+10 || count["failed"] != 5 {
			return fmt.Errorf("log outcomes %v", count)
		}
		if !res.Deliveries[0].Time.After(res.Deliveries[len(res.Deliveries)-1].Time) {
			return fmt.Errorf("log not newest first")
		}
		return nil
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestSignature: Verify accepts the signature of the same body and secret only.
func TestSignature(t *testing.T) {
	body := []byte(`{"id":"1"}`)
	sig := webhook.Sign("k", body)
	for _, tc := range []struct {
		secret, header string
		body           []byte
		want           bool
	}{
		{"k", sig, body, true},
		{"k2", sig, body, false},
		{"k", sig, []byte(`{"id":"2"}`), false},
		{"k", "", body, false},
		{"k", "sha256=00", body, false},
	} {
		if got := webhook.Verify(tc.secret, tc.body, tc.header); got != tc.want {
			t.Errorf("Verify(%q, %s, %q) = %v", tc.secret, tc.body, tc.header, got)
		}
	}
}

// TestConfigErrors: URLs without a secret, or not HTTP, are refused.
func TestConfigErrors(t *testing.T) {
	_, nc := natstest.Start(t)
	js, _ := jetstream.New(nc)
	for _, cfg := range []webhook.Config{
		{URLs: []string{"https://example.com/hook"}},
		{URLs: []string{"ftp://example.com"}, Secret: "x"},
	} {
		if _, err := webhook.New(context.Background(), js, &source{}, cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

// TestTwoTrackers: two processes that see the same change at once queue it
// under the same id, so the receiver is told once.
func TestTwoTrackers(t *testing.T) {
	_, nc := natstest.Start(t)
	js, _ := jetstream.New(nc)
	const secret = "k"
	rc := &receiver{t: t, secret: secret, tries: map[string]int{}}
	recv := httptest.NewServer(rc)
	defer recv.Close()
	src := &source{pages: map[string]webhook.Page{}}
	ctx, cancel := context.WithCancel(zerolog.Nop().WithContext(context.Background()))
	defer cancel()
	cfg := webhook.Config{URLs: []string{recv.URL}, Secret: secret, Interval: time.Hour, Settle: 10 * time.Millisecond}
	var hs []*webhook.Hooks
	for range 2 {
		h, err := webhook.New(ctx, js, src, cfg)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	for i := range 20 {
		src.set(fmt.Sprintf("p%02d-vs-q", i), "v1")
	}
	var wg sync.WaitGroup
	for _, h := range hs {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = h.Check(ctx) }()
	}
	wg.Wait()
	for _, h := range hs {
		go func() { _ = h.Run(ctx) }()
	}
	natstest.CheckFor(t, 10*time.Second, func() error {
		if n := len(rc.events()); n != 20 {
			return fmt.Errorf("%d events, want 20", n)
		}
		return nil
	})
	cons, _ := js.Consumer(ctx, webhook.Stream, "webhook-delivery")
	natstest.CheckFor(t, 10*time.Second, func() error {
		info, err := cons.Info(ctx)
		if err != nil || info.NumPending != 0 || info.NumAckPending != 0 {
			return fmt.Errorf("consumer %v %+v", err, info)
		}
		return nil
	})
	if n := len(rc.events()); n != 20 {
		t.Errorf("%d deliveries, want each of the 20 once", n)
	}
}

// TestRedact: the delivery log and the server log show where a delivery
// went, never the secret a receiver URL carries in its path or query.
func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://hooks.example.com/services/T00/B00/s3cr3t", "https://hooks.example.com/…"},
		{"https://cdn.example.com/purge?token=s3cr3t", "https://cdn.example.com/…"},
		{"http://127.0.0.1:8081/", "http://127.0.0.1:8081"},
		{"http://127.0.0.1:8081", "http://127.0.0.1:8081"},
		{"::not a url", "(unreadable URL)"},
	} {
		if got := webhook.Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestRunWaitsForDeliveryInHand: when its context ends, Run returns only
// after the delivery in hand has ended, never leaving it running behind a
// server that has shut its store.
func TestRunWaitsForDeliveryInHand(t *testing.T) {
	_, nc := natstest.Start(t)
	js, _ := jetstream.New(nc)
	tr := webhooktest.NewHolding()
	src := &source{pages: map[string]webhook.Page{}}
	ctx, cancel := context.WithCancel(zerolog.Nop().WithContext(context.Background()))
	defer cancel()
	h, err := webhook.New(ctx, js, src, webhook.Config{URLs: []string{"http://receiver.test/hook"}, Secret: "k",
		Interval: time.Hour, Settle: 10 * time.Millisecond, Client: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		err      error
		returned bool // whether the delivery had ended when Run returned
	}
	done := make(chan result, 1)
	go func() {
		err := h.Run(ctx)
		done <- result{err, tr.Returned.Load()}
	}()
	src.set("a-vs-b", "v1")
	h.Nudge()
	select {
	case <-tr.Entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery started in 10s")
	}
	cancel()
	// Run, told to stop, must still be waiting for the held delivery. A Run
	// that does not wait returns at once; half a second is ample for it.
	select {
	case r := <-done:
		t.Fatalf("Run returned (%v) while a delivery was in hand (ended: %v)", r.err, r.returned)
	case <-time.After(500 * time.Millisecond):
	}
	tr.Release()
	select {
	case r := <-done:
		if r.err != nil || !r.returned {
			t.Errorf("Run returned %v; the delivery had ended: %v", r.err, r.returned)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return in 10s after the delivery ended")
	}
}
