package consume_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/versus-dev/versus/internal/consume"
	"github.com/versus-dev/versus/internal/natstest"
)

const maxDeliver = 4

// setup is a work-queue stream with one durable consumer, as the workers use.
func setup(t *testing.T) (jetstream.JetStream, jetstream.Stream, jetstream.Consumer) {
	t.Helper()
	_, nc := natstest.Start(t)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "JOBS", Subjects: []string{"jobs.>"}, Retention: jetstream.WorkQueuePolicy})
	if err != nil {
		t.Fatal(err)
	}
	cons, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "w", AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: 5 * time.Second, MaxDeliver: maxDeliver})
	if err != nil {
		t.Fatal(err)
	}
	return js, st, cons
}

// TestSettle runs one job per kind of outcome through RunJobs and checks
// what became of each: how often it ran, whether it was given up and why,
// and that the work queue is empty at the end (every job acked).
func TestSettle(t *testing.T) {
	js, st, cons := setup(t)
	ctx := context.Background()
	var mu sync.Mutex
	runs := map[string]int{}
	gaveUp := map[string]string{}
	handlers := map[string]func(n int) error{
		"ok":        func(int) error { return nil },
		"obsolete":  func(int) error { return consume.ObsoleteJob(errors.New("overtaken")) },
		"permanent": func(int) error { return consume.Permanently(errors.New("model refused")) },
		"panics":    func(int) error { panic("nil map") },
		"flaky": func(n int) error { // fails twice, then succeeds
			if n < 3 {
				return consume.Transiently(errors.New("llm 503"), 0)
			}
			return nil
		},
		"down":     func(int) error { return consume.Transiently(errors.New("llm 503"), 0) },
		"unmarked": func(int) error { return errors.New("store timeout") },
	}
	for name := range handlers {
		if _, err := js.Publish(ctx, "jobs."+name, []byte(name)); err != nil {
			t.Fatal(err)
		}
	}
	policy := consume.Policy{
		MaxDeliver: maxDeliver,
		Backoff:    func(uint64) time.Duration { return 10 * time.Millisecond },
		GiveUp: func(_ context.Context, msg jetstream.Msg, err error) error {
			mu.Lock()
			defer mu.Unlock()
			gaveUp[string(msg.Data())] = err.Error()
			return nil
		},
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- consume.RunJobs(rctx, cons, consume.Options{Concurrency: 3, MaxWait: 100 * time.Millisecond}, policy,
			func(_ context.Context, msg jetstream.Msg) error {
				name := string(msg.Data())
				mu.Lock()
				runs[name]++
				n := runs[name]
				mu.Unlock()
				return handlers[name](n)
			})
	}()
	natstest.Eventually(t, 20*time.Second, "the work queue to empty", func() bool {
		info, err := st.Info(ctx)
		return err == nil && info.State.Msgs == 0
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]struct {
		runs   int
		reason string // "" for not given up
	}{
		"ok":        {1, ""},
		"obsolete":  {1, ""},
		"permanent": {1, "model refused"},
		"panics":    {1, "panicked: nil map"},
		"flaky":     {3, ""},
		"down":      {maxDeliver, "gave up after 4 deliveries: llm 503"},
		"unmarked":  {maxDeliver, "store timeout"},
	}
	for name, w := range want {
		if runs[name] != w.runs {
			t.Errorf("%s ran %d times, want %d", name, runs[name], w.runs)
		}
		got, ok := gaveUp[name]
		if (w.reason == "") == ok || ok && !strings.Contains(got, w.reason) {
			t.Errorf("%s: given up %v with %q, want %q", name, ok, got, w.reason)
		}
	}
}

// TestGiveUpFailureRetries: when recording the failure fails (the store is
// down), the job comes back rather than being dropped unrecorded.
func TestGiveUpFailureRetries(t *testing.T) {
	js, st, cons := setup(t)
	ctx := context.Background()
	if _, err := js.Publish(ctx, "jobs.x", []byte("x")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	tries := 0
	policy := consume.Policy{MaxDeliver: -1, GiveUp: func(context.Context, jetstream.Msg, error) error {
		mu.Lock()
		defer mu.Unlock()
		tries++
		if tries == 1 {
			return errors.New("store unavailable")
		}
		return nil
	}}
	// Settle's own backoff after a failed give-up is a second or so.
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go consume.RunJobs(rctx, cons, consume.Options{MaxWait: 100 * time.Millisecond}, policy,
		func(context.Context, jetstream.Msg) error { return consume.Permanently(errors.New("bad")) })
	natstest.Eventually(t, 10*time.Second, "the job to be recorded and acked", func() bool {
		info, err := st.Info(ctx)
		return err == nil && info.State.Msgs == 0
	})
	mu.Lock()
	defer mu.Unlock()
	if tries != 2 {
		t.Fatalf("give-up tried %d times, want 2", tries)
	}
}

func TestBackoff(t *testing.T) {
	for n := uint64(1); n <= 10; n++ {
		d := consume.Backoff(n)
		ceil := min(time.Second<<min(n-1, 6), time.Minute)
		if d < ceil/2 || d > ceil {
			t.Errorf("Backoff(%d) = %v, want within [%v, %v]", n, d, ceil/2, ceil)
		}
	}
}
