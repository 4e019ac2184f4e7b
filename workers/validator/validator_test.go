package validator_test

import (
	"context"
	"slices"
	"testing"

	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/workertest"
	"github.com/versus-dev/versus/workers/drafter"
	"github.com/versus-dev/versus/workers/validator"
)

// blank drafts an empty pair part for one page, whatever it is told: a
// draft that never passes.
type blank struct {
	author.Offline
	slug string
}

func (b blank) Pair(ctx context.Context, x, y *profile.Profile, fb author.Feedback) (author.PairResult, error) {
	if x.ID+"-vs-"+y.ID == b.slug {
		return author.PairResult{}, nil
	}
	return b.Offline.Pair(ctx, x, y, fb)
}

// TestValidator judges real drafts: good ones go to review, a bad one is
// redrafted MaxRedrafts times and then needs attention; every history is
// whole.
func TestValidator(t *testing.T) {
	e := workertest.New(t, workertest.Settings(5))
	e.Enqueue(jobs.Pair{"gdpr", "sox"}, jobs.Pair{"gdpr", "hipaa"})
	ctx, cancel := context.WithCancel(context.Background())
	set := func() *profile.Set { return e.Profiles }
	done := make(chan error, 2)
	go func() {
		done <- drafter.Run(ctx, drafter.Config{Store: e.Store, Profiles: set, Author: blank{slug: "gdpr-vs-hipaa"}, Concurrency: 2})
	}()
	go func() {
		done <- validator.Run(ctx, validator.Config{Store: e.Store, Profiles: set, MaxRedrafts: 1, Concurrency: 2})
	}()
	inReview := func(m store.Meta) bool { return m.State == store.InReview }
	for _, k := range []string{"gdpr", "sox", "hipaa"} {
		e.Wait(store.KindSection, k, "in review", inReview)
	}
	e.Wait(store.KindPage, "gdpr-vs-sox", "in review", inReview)
	e.Wait(store.KindPage, "gdpr-vs-hipaa", "needs attention", func(m store.Meta) bool { return m.State == store.NeedsAttention })
	cancel()
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if got := e.Types(store.KindPage, "gdpr-vs-sox"); !slices.Equal(got, []string{"queued", "drafting", "drafted", "validated"}) {
		t.Errorf("gdpr-vs-sox history %v", got)
	}
	want := []string{"queued", "drafting", "drafted", "redraft", "drafting", "drafted", "needs_attention"}
	if got := e.Types(store.KindPage, "gdpr-vs-hipaa"); !slices.Equal(got, want) {
		t.Errorf("gdpr-vs-hipaa history %v, want %v", got, want)
	}
	if m := e.Meta(store.KindPage, "gdpr-vs-hipaa"); m.Attempt != 1 || len(m.Findings) == 0 {
		t.Errorf("gdpr-vs-hipaa: attempt %d, %d findings; want 1 and the findings kept", m.Attempt, len(m.Findings))
	}
	for _, r := range [][2]string{{"section", "gdpr"}, {"section", "hipaa"}, {"section", "sox"}, {"page", "gdpr-vs-sox"}, {"page", "gdpr-vs-hipaa"}} {
		e.Whole(store.Kind(r[0]), r[1])
	}
	if n, err := e.Store.QueueDepth(context.Background()); err != nil || n != 0 {
		t.Errorf("queue depth %d, %v; want every job done", n, err)
	}
}
