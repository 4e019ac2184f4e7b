package review_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
)

func TestDiff(t *testing.T) {
	old := page.Pair{Verdict: "A", FAQ: []page.QA{{Question: "q1?", Answer: "a1"}, {Question: "q2?", Answer: "a2"}}}
	cases := []struct {
		name string
		new  page.Pair
		want []review.Change
	}{
		{"same", old, []review.Change{}},
		{"verdict", page.Pair{Verdict: "B", FAQ: old.FAQ}, []review.Change{{"verdict", "A", "B"}}},
		{"faq removed", page.Pair{Verdict: "A", FAQ: old.FAQ[:1]}, []review.Change{{"faq[1].answer", "a2", ""}, {"faq[1].question", "q2?", ""}}},
		{"cell added", page.Pair{Verdict: "A", FAQ: old.FAQ, Differences: page.Differences{Scope: page.Row{A: "x"}}}, []review.Change{{"differences.scope.a", "", "x"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := review.Diff(old, c.new)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
	// Paths order numerically: faq[2] before faq[10].
	var many page.Pair
	for i := 0; i < 11; i++ {
		many.FAQ = append(many.FAQ, page.QA{Question: "q"})
	}
	ch := review.Diff(page.Pair{}, many)
	if ch[2].Path != "faq[2].question" || ch[10].Path != "faq[10].question" {
		t.Fatalf("order: %v %v", ch[2].Path, ch[10].Path)
	}
	if d := review.Diff(nil, (*page.Pair)(nil)); len(d) != 0 {
		t.Fatalf("nil diff: %v", d)
	}
}

func TestCostOf(t *testing.T) {
	u1, u2 := store.Usage{Calls: 1, Prompt: 100, Completion: 50}, store.Usage{Calls: 2, Prompt: 10, Completion: 5}
	c := review.CostOf([]store.Event{
		{Type: "queued"}, {Type: "drafted", Usage: &u1}, {Type: "approved"}, {Type: "drafted", Usage: &u2}, {Type: "drafted"},
	})
	if len(c.Drafts) != 2 || c.Total.Total() != 165 || c.Total.Calls != 3 {
		t.Fatalf("cost: %+v", c)
	}
}

func newService(t *testing.T) *review.Service {
	t.Helper()
	_, nc := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := store.Open(ctx, nc, store.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return &review.Service{Store: st}
}

func TestStateRules(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	errF := []finding.Finding{{Rule: "x", Severity: finding.Error, Message: "m"}}
	mk := func(slug string, st store.State, fs []finding.Finding) store.PageRecord {
		r, err := s.Store.CreatePage(ctx, store.PageRecord{Slug: slug, Title: slug, Standards: [2]string{"a", "b"}, Meta: store.Meta{State: st, Findings: fs}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cases := []struct {
		name  string
		state store.State
		fs    []finding.Finding
		act   func(r store.PageRecord) error
		want  error
	}{
		{"approve queued", store.Queued, nil, func(r store.PageRecord) error { _, err := s.Approve(ctx, "ed", r.Slug, r.Revision, ""); return err }, review.ErrState},
		{"approve drafting", store.Drafting, nil, func(r store.PageRecord) error { _, err := s.Approve(ctx, "ed", r.Slug, r.Revision, ""); return err }, review.ErrState},
		{"approve stale", store.Stale, nil, func(r store.PageRecord) error { _, err := s.Approve(ctx, "ed", r.Slug, r.Revision, ""); return err }, review.ErrState},
		{"approve with errors", store.InReview, errF, func(r store.PageRecord) error {
			_, err := s.Approve(ctx, "ed", r.Slug, r.Revision, "")
			var fe *review.FindingsError
			if errors.As(err, &fe) {
				return nil
			}
			return errors.New("not a FindingsError")
		}, nil},
		{"request changes twice", store.ChangesRequested, nil, func(r store.PageRecord) error {
			_, err := s.RequestChanges(ctx, "ed", r.Slug, r.Revision, "again")
			return err
		}, review.ErrState},
		{"reject rejected", store.Rejected, nil, func(r store.PageRecord) error { _, err := s.Reject(ctx, "ed", r.Slug, r.Revision, ""); return err }, review.ErrState},
		{"approve needs attention without errors", store.NeedsAttention, nil, func(r store.PageRecord) error {
			_, err := s.Approve(ctx, "ed", r.Slug, r.Revision, "")
			return err
		}, nil},
		{"stale revision", store.InReview, nil, func(r store.PageRecord) error { _, err := s.Reject(ctx, "ed", r.Slug, r.Revision+1, ""); return err }, store.ErrConflict},
		{"zero revision", store.InReview, nil, func(r store.PageRecord) error { _, err := s.Claim(ctx, "ed", r.Slug, 0); return err }, review.ErrInvalid},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mk("p"+string(rune('a'+i)), c.state, c.fs)
			err := c.act(r)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestPublished(t *testing.T) {
	p := page.Pair{}
	sec := page.Section{}
	ok := store.PageRecord{Approved: &p, Meta: store.Meta{State: store.Approved}}
	a := store.SectionRecord{Approved: &sec, Meta: store.Meta{State: store.Approved}}
	published := func(p store.PageRecord, a, b store.SectionRecord) bool { _, ok := store.Published(p, a, b); return ok }
	if !published(ok, a, a) {
		t.Fatal("all approved is published")
	}
	b := a
	b.State = store.InReview // a newer draft in review keeps the approved snapshot up
	if !published(ok, a, b) {
		t.Fatal("a newer section draft in review took the page down")
	}
	b.State = store.Rejected // a rejected section takes its pages down
	if published(ok, a, b) || published(store.PageRecord{Meta: store.Meta{State: store.Approved}}, a, a) {
		t.Fatal("published without everything approved")
	}
}
