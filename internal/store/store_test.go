package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	_, nc := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := store.Open(ctx, nc, store.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestPageCompareAndSet(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	rec, err := s.CreatePage(ctx, store.PageRecord{Slug: "a-vs-b", Title: "A vs B", Meta: store.Meta{State: store.Queued}})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Revision == 0 {
		t.Fatal("create returned no revision")
	}
	if _, err := s.CreatePage(ctx, store.PageRecord{Slug: "a-vs-b"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second create: got %v, want ErrExists", err)
	}
	upd, err := s.UpdatePageAt(ctx, "a-vs-b", rec.Revision, func(r *store.PageRecord) error {
		r.State = store.InReview
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Revision <= rec.Revision || upd.State != store.InReview {
		t.Fatalf("update: rev %d state %s", upd.Revision, upd.State)
	}
	// A write based on the old revision must lose.
	_, err = s.UpdatePageAt(ctx, "a-vs-b", rec.Revision, func(r *store.PageRecord) error {
		r.State = store.Approved
		return nil
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale write: got %v, want ErrConflict", err)
	}
	got, err := s.Page(ctx, "a-vs-b")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.InReview {
		t.Fatalf("stale write won: state %s", got.State)
	}
	old, err := s.PageAt(ctx, "a-vs-b", rec.Revision)
	if err != nil || old.State != store.Queued {
		t.Fatalf("history revision: %v %s", err, old.State)
	}
	if _, err := s.Page(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing: got %v", err)
	}
}

func TestConcurrentUpdatesAllApply(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.CreatePage(ctx, store.PageRecord{Slug: "x-vs-y"}); err != nil {
		t.Fatal(err)
	}
	const n = 20
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := s.UpdatePage(ctx, "x-vs-y", func(r *store.PageRecord) error {
				r.Usage.Calls++
				return nil
			})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.Page(ctx, "x-vs-y")
	if got.Usage.Calls != n {
		t.Fatalf("lost updates: %d of %d applied", got.Usage.Calls, n)
	}
	natstest.Eventually(t, 5*time.Second, "mirror to catch up", func() bool {
		ps := s.Pages()
		return len(ps) == 1 && ps[0].Usage.Calls == n && ps[0].Revision == got.Revision
	})
}

func TestPublishDeduplicates(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	j := store.Job{Kind: store.KindPage, Key: "a-vs-b", Inputs: "abcdef0123456789ff", Seq: 1, Reason: "new"}
	for range 3 {
		if err := s.Publish(ctx, store.StageDraft, j); err != nil {
			t.Fatal(err)
		}
	}
	j.Seq = 2
	if err := s.Publish(ctx, store.StageDraft, j); err != nil {
		t.Fatal(err)
	}
	depth, err := s.QueueDepth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if depth != 2 {
		t.Fatalf("queue depth %d, want 2 (same job three times is one)", depth)
	}
}

func TestHistoryInOrder(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for _, typ := range []string{"queued", "drafted", "approved"} {
		if err := s.Emit(ctx, store.Event{Kind: store.KindPage, Key: "a-vs-b", Type: typ, Actor: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Emit(ctx, store.Event{Kind: store.KindPage, Key: "other", Type: "queued"}); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, store.KindPage, "a-vs-b")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 || h[0].Type != "queued" || h[2].Type != "approved" {
		t.Fatalf("history = %+v", h)
	}
	none, err := s.History(ctx, store.KindSection, "missing")
	if err != nil || len(none) != 0 {
		t.Fatalf("empty history: %v %v", none, err)
	}
}

func TestRevisions(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.CreateSection(ctx, store.SectionRecord{Standard: "sox", Meta: store.Meta{State: store.Queued}}); err != nil {
		t.Fatal(err)
	}
	for _, st := range []store.State{store.Drafting, store.InReview} {
		if _, err := s.UpdateSection(ctx, "sox", func(r *store.SectionRecord) error { r.State = st; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	revs, err := s.SectionRevisions(ctx, "sox")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 || revs[0].State != store.Queued || revs[2].State != store.InReview || revs[0].Revision >= revs[2].Revision {
		t.Fatalf("revisions = %+v", revs)
	}
}

// EachPage and StateCounts see what Pages lists, without copying it; a
// later write replaces the mirrored record rather than changing the one a
// caller was handed.
func TestEachPageAndStateCounts(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for _, slug := range []string{"a-vs-b", "a-vs-c", "b-vs-c"} {
		if _, err := s.CreatePage(ctx, store.PageRecord{Slug: slug, Meta: store.Meta{State: store.Queued}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UpdatePage(ctx, "b-vs-c", func(r *store.PageRecord) error { r.State = store.InReview; return nil }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for p, _ := s.MirrorPage("b-vs-c"); p.State != store.InReview; p, _ = s.MirrorPage("b-vs-c") {
		if time.Now().After(deadline) {
			t.Fatal("the mirror never saw the update")
		}
		time.Sleep(10 * time.Millisecond)
	}
	held, _ := s.MirrorPage("a-vs-b")
	seen := map[string]store.State{}
	s.EachPage(func(p *store.PageRecord) { seen[p.Slug] = p.State })
	if len(seen) != 3 || seen["b-vs-c"] != store.InReview || seen["a-vs-b"] != store.Queued {
		t.Errorf("EachPage saw %v", seen)
	}
	if c := s.StateCounts()[string(store.KindPage)]; c[string(store.Queued)] != 2 || c[string(store.InReview)] != 1 || c[string(store.Approved)] != 0 {
		t.Errorf("StateCounts pages = %v", c)
	}
	if _, err := s.UpdatePage(ctx, "a-vs-b", func(r *store.PageRecord) error { r.State = store.InReview; return nil }); err != nil {
		t.Fatal(err)
	}
	if held.State != store.Queued {
		t.Errorf("a record handed out changed under its holder: %s", held.State)
	}
}

// The mirror keeps a page's findings' rule and severity, what lists and
// counts read; Page reads them whole.
func TestMirrorKeepsFindingRuleAndSeverity(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	f := finding.Finding{Rule: "repetition.sentence", Severity: finding.Warning, Section: "Key Differences",
		Field: "differences.scope.b", Message: "this sentence appears earlier", Hint: "say it once"}
	if _, err := s.CreatePage(ctx, store.PageRecord{Slug: "a-vs-b", Meta: store.Meta{State: store.InReview, Findings: []finding.Finding{f}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	m, ok := s.MirrorPage("a-vs-b")
	for ; !ok; m, ok = s.MirrorPage("a-vs-b") {
		if time.Now().After(deadline) {
			t.Fatal("the mirror never saw the page")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if want := (finding.Finding{Rule: f.Rule, Severity: f.Severity}); len(m.Findings) != 1 || m.Findings[0] != want {
		t.Errorf("mirrored findings %+v, want %+v", m.Findings, want)
	}
	rec, err := s.Page(ctx, "a-vs-b")
	if err != nil || len(rec.Findings) != 1 || rec.Findings[0] != f {
		t.Errorf("Page findings %+v, %v; want %+v", rec.Findings, err, f)
	}
}

// The mirror holds text its pages share once: a standard's cells of the
// differences table, the aspects, the relations and the overlap's names,
// the inputs' profile hashes. Two pages decoded apart end up pointing at
// one copy, and each still reads whole.
func TestMirrorHoldsSharedTextOnce(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	mk := func(slug, b string) store.PageRecord {
		// Built anew each time, so equal text is never one copy by accident.
		cell := strings.Repeat("Privacy rights of California residents ", 3)
		return store.PageRecord{Slug: slug, Standards: [2]string{"ccpa", b}, Pair: page.Pair{
			Description: slug + " compared",
			Differences: page.Differences{Scope: page.Row{Aspect: "Scope", A: cell + "", B: "scope of " + b},
				Extra: []page.Row{{Aspect: "Issuer" + "", A: "State of California" + strings.Repeat(" ", 1), B: "the issuer of " + b}}},
			Relate: page.Relate{Relations: []page.Relation{{Kind: "implements", Fact: "a fact " + strings.Repeat("x", 40),
				Source: page.RelationSource{Title: "a source", URL: "https://example.org/" + strings.Repeat("s", 20)}}}},
		}, Meta: store.Meta{State: store.InReview, Inputs: store.Inputs{Profiles: []string{strings.Repeat("ab", 32), b}}}}
	}
	for _, b := range []string{"gdpr", "hipaa"} {
		if _, err := s.CreatePage(ctx, mk("ccpa-vs-"+b, b)); err != nil {
			t.Fatal(err)
		}
	}
	var p, q store.PageRecord
	natstest.Eventually(t, 5*time.Second, "the mirror to hold both pages", func() bool {
		var okP, okQ bool
		p, okP = s.MirrorPage("ccpa-vs-gdpr")
		q, okQ = s.MirrorPage("ccpa-vs-hipaa")
		return okP && okQ
	})
	same := func(what, a, b string) {
		t.Helper()
		if a != b {
			t.Fatalf("%s: %q and %q differ", what, a, b)
		}
		if unsafe.StringData(a) != unsafe.StringData(b) {
			t.Errorf("%s is held twice", what)
		}
	}
	same("a differences cell", p.Pair.Differences.Scope.A, q.Pair.Differences.Scope.A)
	same("an extra row's aspect", p.Pair.Differences.Extra[0].Aspect, q.Pair.Differences.Extra[0].Aspect)
	same("an extra row's cell", p.Pair.Differences.Extra[0].A, q.Pair.Differences.Extra[0].A)
	same("a relation's fact", p.Pair.Relations[0].Fact, q.Pair.Relations[0].Fact)
	same("a relation's source", p.Pair.Relations[0].Source.URL, q.Pair.Relations[0].Source.URL)
	same("a standard", p.Standards[0], q.Standards[0])
	same("a profile hash", p.Inputs.Profiles[0], q.Inputs.Profiles[0])
	if want := mk("ccpa-vs-gdpr", "gdpr"); p.Pair.Differences.Scope.B != want.Pair.Differences.Scope.B || p.Pair.Description != want.Pair.Description {
		t.Errorf("mirrored pair %+v, want %+v", p.Pair, want.Pair)
	}
}

// PagesWhere lists the pages keep accepts, in slug order, as Pages lists
// them; keep sees every page. The records are shared, not copied, so a
// change must replace a mirrored record, never change it in place: a
// pointer held from before still reads its revision.
func TestPagesWhere(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for _, slug := range []string{"c-vs-d", "a-vs-b", "b-vs-c", "a-vs-c"} {
		st := store.Queued
		if strings.HasPrefix(slug, "a-") || slug == "c-vs-d" {
			st = store.InReview
		}
		if _, err := s.CreatePage(ctx, store.PageRecord{Slug: slug, Meta: store.Meta{State: st}}); err != nil {
			t.Fatal(err)
		}
	}
	natstest.Eventually(t, 5*time.Second, "the mirror to hold the pages", func() bool { return len(s.Pages()) == 4 })
	seen := 0
	got := s.PagesWhere(func(p *store.PageRecord) bool { seen++; return p.State == store.InReview })
	var slugs []string
	for _, p := range got {
		slugs = append(slugs, p.Slug)
	}
	if strings.Join(slugs, " ") != "a-vs-b a-vs-c c-vs-d" || seen != 4 {
		t.Errorf("PagesWhere = %v after seeing %d pages; want a-vs-b a-vs-c c-vs-d after 4", slugs, seen)
	}
	if none := s.PagesWhere(func(*store.PageRecord) bool { return false }); len(none) != 0 {
		t.Errorf("PagesWhere kept %d pages of none", len(none))
	}
	held := got[0]
	before := held.Revision
	if _, err := s.UpdatePage(ctx, "a-vs-b", func(r *store.PageRecord) error { r.Title = "changed"; return nil }); err != nil {
		t.Fatal(err)
	}
	natstest.Eventually(t, 5*time.Second, "the mirror to take the change", func() bool {
		p, _ := s.MirrorPage("a-vs-b")
		return p.Title == "changed"
	})
	if held.Revision != before || held.Title == "changed" {
		t.Errorf("a record held from PagesWhere changed in place: revision %d → %d, title %q", before, held.Revision, held.Title)
	}
	if now := s.PagesWhere(func(p *store.PageRecord) bool { return p.Slug == "a-vs-b" }); len(now) != 1 || now[0].Title != "changed" {
		t.Errorf("PagesWhere after the change = %+v", now)
	}
}
