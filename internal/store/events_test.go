package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

func move(t lifecycle.Transition) func(*store.PageRecord) error {
	return func(r *store.PageRecord) error { _, err := r.Move(t, "test"); return err }
}

func types(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type + ">" + string(e.To)
	}
	return out
}

// checkWhole asserts a record's history is one event per write, in order,
// ending in the record's state.
func checkWhole(t *testing.T, s *store.Store, slug string, want ...string) {
	t.Helper()
	h, err := s.History(context.Background(), store.KindPage, slug)
	if err != nil {
		t.Fatal(err)
	}
	got := types(h)
	if len(got) != len(want) {
		t.Fatalf("%s history %v, want %v", slug, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s history %v, want %v", slug, got, want)
		}
	}
	rec, err := s.Page(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	if last := h[len(h)-1]; last.To != rec.State || last.Revision != rec.Revision {
		t.Fatalf("%s: history ends at %s rev %d, record is %s rev %d", slug, last.To, last.Revision, rec.State, rec.Revision)
	}
}

// TestCrashBetweenWriteAndEvent stops a process between the record write
// and the event publish, then restarts it: the reconciler emits what is
// missing, once, and a second run emits nothing.
func TestCrashBetweenWriteAndEvent(t *testing.T) {
	ctx := context.Background()
	_, nc := natstest.Start(t)
	open := func() *store.Store {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		s, err := store.Open(c, nc, store.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	crashed := open()
	store.CrashAfterWrite(crashed, func(ev store.Event) bool { return ev.Type == "drafting" })
	r := store.PageRecord{Slug: "a-vs-b", Standards: [2]string{"a", "b"}}
	if _, err := r.Move(lifecycle.Queue, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := crashed.CreatePage(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := crashed.UpdatePage(ctx, "a-vs-b", move(lifecycle.StartDrafting)); err != nil {
		t.Fatal(err)
	}
	h, _ := crashed.History(ctx, store.KindPage, "a-vs-b")
	if len(h) != 1 {
		t.Fatalf("before the restart: %v, want only the queued event (the crash lost drafting)", types(h))
	}

	restarted := open()
	waitMirror(t, restarted, "a-vs-b")
	n, err := restarted.Reconcile(ctx)
	if err != nil || n != 1 {
		t.Fatalf("reconcile: %d, %v; want 1 emitted", n, err)
	}
	checkWhole(t, restarted, "a-vs-b", "queued>queued", "drafting>drafting")
	if n, err := restarted.Reconcile(ctx); err != nil || n != 0 {
		t.Fatalf("second reconcile: %d, %v; want nothing to do", n, err)
	}
	checkWhole(t, restarted, "a-vs-b", "queued>queued", "drafting>drafting")
}

// TestNextWriterEmitsTheLostEvent: a crash between write and event, then
// another process moves the record on before any restart: the lost event
// goes out first, so the history keeps the order of the writes.
func TestNextWriterEmitsTheLostEvent(t *testing.T) {
	ctx := context.Background()
	_, nc := natstest.Start(t)
	a, b := twoProcesses(t, nc)
	store.CrashAfterWrite(a, func(ev store.Event) bool { return ev.Type == "drafted" })
	r := store.PageRecord{Slug: "c-vs-d", Standards: [2]string{"c", "d"}}
	if _, err := r.Move(lifecycle.Queue, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreatePage(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, tr := range []lifecycle.Transition{lifecycle.StartDrafting, lifecycle.Drafted} {
		if _, err := a.UpdatePage(ctx, "c-vs-d", move(tr)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.UpdatePage(ctx, "c-vs-d", move(lifecycle.Validated)); err != nil {
		t.Fatal(err)
	}
	checkWhole(t, b, "c-vs-d", "queued>queued", "drafting>drafting", "drafted>drafting", "validated>in_review")
	// An illegal move is an error and writes nothing.
	before, _ := b.Page(ctx, "c-vs-d")
	if _, err := b.UpdatePage(ctx, "c-vs-d", move(lifecycle.StartDrafting)); err == nil {
		t.Fatal("start drafting a record in review: no error")
	}
	after, _ := b.Page(ctx, "c-vs-d")
	if after.Revision != before.Revision {
		t.Fatalf("an illegal transition wrote revision %d", after.Revision)
	}
}

func waitMirror(t *testing.T, s *store.Store, slug string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, p := range s.Pages() {
			if p.Slug == slug {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never reached the mirror", slug)
}

// TestKnownEventsAreNotReadBack: a process that saw a record's event
// accepted does not ask the events stream for it again, neither before its
// next write of the record nor when it reconciles; a record another
// process wrote is checked once, then known. Each skipped read was a round
// trip to the stream leader per state change.
func TestKnownEventsAreNotReadBack(t *testing.T) {
	ctx := context.Background()
	_, nc := natstest.Start(t)
	var reads atomic.Int64
	spy, err := nc.Subscribe("$JS.API.STREAM.MSG.GET."+store.EventsStream, func(*nats.Msg) { reads.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	defer spy.Unsubscribe()
	counted := func() int64 {
		t.Helper()
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
		return reads.Swap(0)
	}
	a, b := twoProcesses(t, nc)
	r := store.PageRecord{Slug: "e-vs-f", Standards: [2]string{"e", "f"}}
	if _, err := r.Move(lifecycle.Queue, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreatePage(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, tr := range []lifecycle.Transition{lifecycle.StartDrafting, lifecycle.Drafted} {
		if _, err := a.UpdatePage(ctx, "e-vs-f", move(tr)); err != nil {
			t.Fatal(err)
		}
	}
	if n := counted(); n != 0 {
		t.Errorf("writes after writes of the same process read the last event %d times, want 0", n)
	}
	if _, err := b.UpdatePage(ctx, "e-vs-f", move(lifecycle.Validated)); err != nil {
		t.Fatal(err)
	}
	if n := counted(); n != 1 {
		t.Errorf("a write after another process's read the last event %d times, want 1", n)
	}
	checkWhole(t, b, "e-vs-f", "queued>queued", "drafting>drafting", "drafted>drafting", "validated>in_review")
	// a's mirror catches up with b's write, whose event a has not seen.
	deadline := time.Now().Add(5 * time.Second)
	for m, _ := a.MirrorPage("e-vs-f"); m.State != store.InReview; m, _ = a.MirrorPage("e-vs-f") {
		if time.Now().After(deadline) {
			t.Fatal("a's mirror never saw b's write")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i, want := range []int64{1, 0} {
		if n, err := a.Reconcile(ctx); err != nil || n != 0 {
			t.Fatalf("reconcile %d: %d, %v; want nothing emitted", i, n, err)
		}
		if n := counted(); n != want {
			t.Errorf("reconcile %d read %d last events, want %d", i, n, want)
		}
	}
}

// twoProcesses opens the store twice on nc, as two processes would; both
// close when t ends.
func twoProcesses(t *testing.T, nc *nats.Conn) (a, b *store.Store) {
	t.Helper()
	for _, s := range []**store.Store{&a, &b} {
		st, err := store.Open(context.Background(), nc, store.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		*s = st
	}
	return a, b
}
