// Package workertest sets up what a worker's unit test needs: a store on
// the in-process NATS server, the real profiles and records enqueued by
// the real planner, and a way to wait for records and read their history.
package workertest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// Env is a store with the project's profiles.
type Env struct {
	T        *testing.T
	Store    *store.Store
	Profiles *profile.Set
	Planner  *jobs.Planner
}

// Settings redeliver fast and give up after maxDeliver deliveries.
func Settings(maxDeliver int) store.Settings {
	st := store.DefaultSettings()
	st.AckWait = time.Second
	st.BackOff = nil
	st.MaxDeliver = maxDeliver
	return st
}

// New opens a store with st on a fresh server.
func New(t *testing.T, st store.Settings) *Env {
	t.Helper()
	_, nc := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := store.Open(ctx, nc, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	set, err := profile.Load(filepath.Join("..", "..", "profiles"))
	if err != nil {
		t.Fatal(err)
	}
	return &Env{T: t, Store: s, Profiles: set,
		Planner: &jobs.Planner{Store: s, Profiles: func() *profile.Set { return set }, Drafter: author.Offline{}}}
}

// Enqueue queues the pages of pairs (and their sections) as the API would.
func (e *Env) Enqueue(pairs ...jobs.Pair) {
	e.T.Helper()
	prs, err := jobs.Resolve(e.Profiles, pairs)
	if err != nil {
		e.T.Fatal(err)
	}
	if _, err := e.Planner.Enqueue(context.Background(), prs, "test"); err != nil {
		e.T.Fatal(err)
	}
}

// Meta reads a record's bookkeeping from the stream leader.
func (e *Env) Meta(kind store.Kind, key string) store.Meta {
	e.T.Helper()
	ctx := context.Background()
	if kind == store.KindSection {
		r, err := e.Store.Section(ctx, key)
		if err != nil {
			e.T.Fatal(err)
		}
		return r.Meta
	}
	r, err := e.Store.Page(ctx, key)
	if err != nil {
		e.T.Fatal(err)
	}
	return r.Meta
}

// Wait waits until cond holds of the record.
func (e *Env) Wait(kind store.Kind, key, what string, cond func(store.Meta) bool) {
	e.T.Helper()
	natstest.Eventually(e.T, 30*time.Second, key+" "+what, func() bool { return cond(e.Meta(kind, key)) })
}

// Types is a record's history as event types.
func (e *Env) Types(kind store.Kind, key string) []string {
	e.T.Helper()
	h, err := e.Store.History(context.Background(), kind, key)
	if err != nil {
		e.T.Fatal(err)
	}
	out := make([]string, len(h))
	for i, ev := range h {
		out[i] = ev.Type
	}
	return out
}

// Whole asserts a record's history ends in its state at its revision.
func (e *Env) Whole(kind store.Kind, key string) {
	e.T.Helper()
	h, err := e.Store.History(context.Background(), kind, key)
	if err != nil {
		e.T.Fatal(err)
	}
	m := e.Meta(kind, key)
	if len(h) == 0 {
		e.T.Fatalf("%s: no history", key)
	}
	if last := h[len(h)-1]; last.To != m.State || last.Revision != m.Revision {
		e.T.Fatalf("%s: history %v ends at %s rev %d; the record is %s rev %d", key, e.Types(kind, key), last.To, last.Revision, m.State, m.Revision)
	}
}
