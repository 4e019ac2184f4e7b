package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/versus-dev/versus/internal/clustertest"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

// TestReadSeesTheLastWrite: on a 3-node cluster, a record written through
// one server is read at once through another, as a validator reads the
// draft a drafter has just stored. The read must see the write: a replica
// that lags would make the validator take its job for obsolete and drop it.
func TestReadSeesTheLastWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test skipped in -short mode")
	}
	c := clustertest.Start(t, 3)
	c.WaitJetStream(t, 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st := store.DefaultSettings()
	st.Replicas = 3
	var stores []*store.Store
	for _, n := range c.Nodes() {
		nc, err := nats.Connect(n.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		s, err := store.Open(ctx, nc, st)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		stores = append(stores, s)
	}
	const rounds = 300
	for i := range rounds {
		w, r := stores[i%3], stores[(i+1)%3]
		slug := fmt.Sprintf("p%d-vs-q", i%7)
		var rev uint64
		if i < 7 {
			rec, err := w.CreatePage(ctx, store.PageRecord{Slug: slug, Meta: store.Meta{State: store.Queued}})
			if err != nil {
				t.Fatal(err)
			}
			rev = rec.Revision
		} else {
			rec, err := w.UpdatePage(ctx, slug, func(p *store.PageRecord) error { p.Seq++; return nil })
			if err != nil {
				t.Fatal(err)
			}
			rev = rec.Revision
		}
		got, err := r.Page(ctx, slug)
		if err != nil {
			t.Fatalf("round %d: read %s: %v", i, slug, err)
		}
		if got.Revision < rev {
			t.Fatalf("round %d: read revision %d of %s right after writing %d elsewhere", i, got.Revision, slug, rev)
		}
	}
}

// TestReadsGoToTheLeader: the reads that decisions follow are the stream
// leader's message gets, never direct gets a lagging replica may answer.
func TestReadsGoToTheLeader(t *testing.T) {
	srv, nc := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := store.Open(ctx, nc, store.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if _, err := s.CreatePage(ctx, store.PageRecord{Slug: "a-vs-b", Meta: store.Meta{State: store.Queued}}); err != nil {
		t.Fatal(err)
	}
	// A second connection sees every request to the JetStream API.
	spy, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer spy.Close()
	var mu sync.Mutex
	seen := map[string]int{}
	sub, err := spy.Subscribe("$JS.API.>", func(m *nats.Msg) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.HasPrefix(m.Subject, "$JS.API.DIRECT.GET.KV_"+store.PagesBucket):
			seen["direct"]++
		case m.Subject == "$JS.API.STREAM.MSG.GET.KV_"+store.PagesBucket:
			seen["leader"]++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := spy.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Page(ctx, "a-vs-b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdatePage(ctx, "a-vs-b", func(p *store.PageRecord) error { p.State = store.Drafting; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Page(ctx, "no-such-page"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing page: %v, want ErrNotFound", err)
	}
	if err := spy.Flush(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		leader, direct := seen["leader"], seen["direct"]
		mu.Unlock()
		if direct > 0 {
			t.Fatalf("%d direct gets: a lagging replica could answer them", direct)
		}
		if leader >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d leader gets seen, want 3 (two reads and the update's)", leader)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
