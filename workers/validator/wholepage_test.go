package validator_test

import (
	"context"
	"slices"
	"testing"

	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/workertest"
	"github.com/versus-dev/versus/workers/drafter"
	"github.com/versus-dev/versus/workers/validator"
)

// copycat writes every page's verdict as GDPR's tagline followed by one
// fixed sentence: a verdict that restates a section on its page, and the
// same verdict on every page.
type copycat struct{ author.Offline }

func (c copycat) Pair(ctx context.Context, x, y *profile.Profile, fb author.Feedback) (author.PairResult, error) {
	r, err := c.Offline.Pair(ctx, x, y, fb)
	if err != nil {
		return r, err
	}
	g := x
	if y.ID == "gdpr" {
		g = y
	}
	r.Pair.Verdict = g.Tagline + " Choose by who you are, where you operate and what your customers and regulators expect of you, then build the evidence once and reuse it wherever the two ask for the same thing."
	return r, nil
}

// TestWholePageChecks: the pipeline judges a pair part with the sections it
// is shown with and its verdict against every other page's, as `versus
// validate` does with whole pages.
func TestWholePageChecks(t *testing.T) {
	e := workertest.New(t, workertest.Settings(5))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	set := func() *profile.Set { return e.Profiles }
	done := make(chan error, 2)
	go func() {
		done <- drafter.Run(ctx, drafter.Config{Store: e.Store, Profiles: set, Author: copycat{}, Concurrency: 1})
	}()
	go func() {
		done <- validator.Run(ctx, validator.Config{Store: e.Store, Profiles: set, MaxRedrafts: 1, Concurrency: 1})
	}()
	inReview := func(m store.Meta) bool { return m.State == store.InReview }
	rules := func(m store.Meta) []string {
		var out []string
		for _, f := range m.Findings {
			if f.Severity == finding.Warning {
				out = append(out, f.Rule)
			}
		}
		return out
	}

	e.Enqueue(jobs.Pair{"gdpr", "sox"})
	e.Wait(store.KindSection, "gdpr", "in review", inReview)
	e.Wait(store.KindPage, "gdpr-vs-sox", "in review", inReview)
	first := rules(e.Meta(store.KindPage, "gdpr-vs-sox"))
	if !slices.Contains(first, "repetition.sentence") {
		t.Errorf("gdpr-vs-sox warnings %v: the verdict restating GDPR's tagline went unnoticed", first)
	}
	if slices.Contains(first, "repetition.near-duplicate-verdict") {
		t.Errorf("gdpr-vs-sox warnings %v: the only verdict cannot be a near copy of another", first)
	}

	e.Enqueue(jobs.Pair{"gdpr", "hipaa"})
	e.Wait(store.KindPage, "gdpr-vs-hipaa", "in review", inReview)
	if second := rules(e.Meta(store.KindPage, "gdpr-vs-hipaa")); !slices.Contains(second, "repetition.near-duplicate-verdict") {
		t.Errorf("gdpr-vs-hipaa warnings %v: a verdict copying gdpr-vs-sox's went unnoticed", second)
	}
	cancel()
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
