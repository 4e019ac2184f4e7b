package indexer_test

import (
	"context"
	"testing"
	"time"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/workertest"
	"github.com/versus-dev/versus/workers/drafter"
	"github.com/versus-dev/versus/workers/indexer"
	"github.com/versus-dev/versus/workers/validator"
)

// TestIndexerFollowsState: the indexer reads no event (the events stream
// has no consumer), so none lost or reordered can mislead it: approving a page and its sections still indexes it, rejecting a
// section takes it out, and approving the section again puts it back.
func TestIndexerFollowsState(t *testing.T) {
	e := workertest.New(t, workertest.Settings(5))
	e.Enqueue(jobs.Pair{"gdpr", "sox"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	set := func() *profile.Set { return e.Profiles }
	go drafter.Run(ctx, drafter.Config{Store: e.Store, Profiles: set, Author: author.Offline{}, Concurrency: 2})
	go validator.Run(ctx, validator.Config{Store: e.Store, Profiles: set, MaxRedrafts: 1, Concurrency: 2})
	inReview := func(m store.Meta) bool { return m.State == store.InReview }
	e.Wait(store.KindPage, "gdpr-vs-sox", "in review", inReview)
	e.Wait(store.KindSection, "gdpr", "in review", inReview)
	e.Wait(store.KindSection, "sox", "in review", inReview)

	ix, err := index.Open(t.TempDir(), e.Profiles)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	go indexer.Run(ctx, indexer.Config{Store: e.Store, Profiles: set, Index: ix, Replica: "test"})

	count := func() int {
		n, err := ix.Count()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	sectionMove := func(id string, tr lifecycle.Transition) {
		t.Helper()
		if _, err := e.Store.UpdateSection(ctx, id, func(r *store.SectionRecord) error {
			if _, err := r.Move(tr, "ed"); err != nil {
				return err
			}
			if tr == lifecycle.Approve {
				sec := r.Section
				r.Approved = &sec
			}
			return nil
		}); err != nil {
			t.Fatalf("%s %s: %v", tr, id, err)
		}
	}
	if _, err := e.Store.UpdatePage(ctx, "gdpr-vs-sox", func(r *store.PageRecord) error {
		if _, err := r.Move(lifecycle.Approve, "ed"); err != nil {
			return err
		}
		p := r.Pair
		r.Approved = &p
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sectionMove("gdpr", lifecycle.Approve)
	if count() != 0 {
		t.Fatal("indexed with one section still in review")
	}
	sectionMove("sox", lifecycle.Approve)
	natstest.Eventually(t, 10*time.Second, "the page indexed", func() bool { return count() == 1 })
	sectionMove("sox", lifecycle.Reject)
	natstest.Eventually(t, 10*time.Second, "the page out of the index after its section's reject", func() bool { return count() == 0 })
	sectionMove("sox", lifecycle.Edit)
	sectionMove("sox", lifecycle.Approve)
	natstest.Eventually(t, 10*time.Second, "the page back after the section's re-approval", func() bool { return count() == 1 })
	es, err := e.Store.JetStream().Stream(ctx, store.EventsStream)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := es.Info(ctx); err != nil || info.State.Consumers != 0 {
		t.Fatalf("events stream: %v, %d consumers; the indexer must follow the records, not the events", err, info.State.Consumers)
	}
	res, err := ix.Search(ctx, index.Query{Text: "gdpr sox"})
	if err != nil || res.Total != 1 || res.Hits[0].Slug != "gdpr-vs-sox" {
		t.Fatalf("search: %+v, %v", res, err)
	}
}
