package review

import (
	"context"
	"errors"
	"fmt"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// kindOps lets one implementation of each action (and of the diffs) serve
// pages and sections: the kind's records and where its content is.
type kindOps[T any] struct {
	store.Records[T]
	content  func(*T) any // the drafted content
	approved func(*T) any // the approved snapshot, nil when none
}

func (s *Service) pageOps() kindOps[store.PageRecord] {
	return kindOps[store.PageRecord]{store.PageRecords(s.Store),
		func(r *store.PageRecord) any { return r.Pair },
		func(r *store.PageRecord) any { return r.Approved }}
}

func (s *Service) sectionOps() kindOps[store.SectionRecord] {
	return kindOps[store.SectionRecord]{store.SectionRecords(s.Store),
		func(r *store.SectionRecord) any { return r.Section },
		func(r *store.SectionRecord) any { return r.Approved }}
}

// step is one action's change to a record: it moves the record by a
// lifecycle transition (Meta.Move) or logs a change of no state (Meta.Log),
// which makes the event the write carries.
type step[T any] func(r *T, m *store.Meta, actor string) error

// run applies st at revision rev; the store emits the write's event.
func run[T any](ctx context.Context, s *Service, ops kindOps[T], actor, key string, rev uint64, st step[T]) (T, error) {
	if err := needRev(rev); err != nil {
		var zero T
		return zero, err
	}
	now := s.now()
	rec, err := ops.Update(ctx, key, rev, func(r *T) error {
		m := ops.Meta(r)
		if err := st(r, m, actor); err != nil {
			return err
		}
		m.UpdatedBy = actor
		if m.Event != nil {
			m.Event.Time = now
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return rec, nil
	}
	if err != nil {
		var ie *lifecycle.IllegalError
		if errors.As(err, &ie) {
			err = refuse(ErrState, "%s", ie.Error())
		}
		return rec, fmt.Errorf("%s %s: %w", ops.Kind(), key, err)
	}
	return rec, nil
}

func (s *Service) claim(actor string) claimStep {
	now := s.now()
	return claimStep{actor: actor, now: now, until: now.Add(s.claimFor())}
}

func claimStepFn[T any](c claimStep) step[T] {
	return func(_ *T, m *store.Meta, actor string) error {
		prev := applyClaim(m, c)
		m.Log(EvClaimed, actor).Note = claimNote(prev)
		return nil
	}
}

func releaseStepFn[T any]() step[T] {
	return func(_ *T, m *store.Meta, actor string) error {
		note := ""
		if m.Claim != nil && m.Claim.By != actor {
			note = "released " + m.Claim.By + "'s claim"
		}
		m.Claim = nil
		m.Log(EvReleased, actor).Note = note
		return nil
	}
}

func commentStepFn[T any](text string, c claimStep) step[T] {
	return func(_ *T, m *store.Meta, actor string) error {
		m.Comments = append(m.Comments, store.Comment{By: actor, At: c.now, Text: text})
		m.Log(EvCommented, actor).Note = text
		return nil
	}
}

func rejectStepFn[T any](note string) step[T] {
	return func(_ *T, m *store.Meta, actor string) error {
		ev, err := m.Move(lifecycle.Reject, actor)
		if err != nil {
			return err
		}
		m.Claim = nil
		ev.Note = note
		return nil
	}
}

func requestStepFn[T any](note string) step[T] {
	return func(_ *T, m *store.Meta, actor string) error {
		ev, err := m.Move(lifecycle.RequestChanges, actor)
		if err != nil {
			return err
		}
		m.Note = note
		m.Seq++
		m.Attempt = 0
		m.Claim = nil
		ev.Note = note
		return nil
	}
}

func approveStepFn[T any](note string, setApproved func(*T)) step[T] {
	return func(r *T, m *store.Meta, actor string) error {
		if !lifecycle.Allowed(m.State, lifecycle.Approve) {
			_, err := m.Move(lifecycle.Approve, actor)
			return err
		}
		if finding.HasError(m.Findings) {
			return &FindingsError{Findings: m.Findings}
		}
		ev, err := m.Move(lifecycle.Approve, actor)
		if err != nil {
			return err
		}
		setApproved(r)
		m.Claim = nil
		ev.Note = note
		ev.Errors, ev.Warnings = finding.Count(m.Findings)
		return nil
	}
}

// editStepFn stores edited content with its fresh findings. A record that
// needed attention returns to review once an edit leaves no error; an
// approved, stale or rejected record is back in review after an edit.
func editStepFn[T any](set func(*T), check func(*T) []finding.Finding, same func(*T) bool) step[T] {
	return func(r *T, m *store.Meta, actor string) error {
		if !lifecycle.Allowed(m.State, lifecycle.Edit) {
			_, err := m.Move(lifecycle.Edit, actor)
			return err
		}
		if same(r) {
			return errUnchanged // a save that changes nothing writes nothing
		}
		set(r)
		fs := check(r)
		finding.Sort(fs)
		m.Findings = fs
		t := lifecycle.Edit
		if m.State == store.NeedsAttention && finding.HasError(fs) {
			t = lifecycle.EditUnresolved
		}
		ev, err := m.Move(t, actor)
		if err != nil {
			return err
		}
		m.Raw = ""
		ev.Errors, ev.Warnings = finding.Count(fs)
		return nil
	}
}

func validComment(text string) (string, error) {
	text = trimNote(text)
	if text == "" {
		return "", refuse(ErrInvalid, "a comment needs text")
	}
	return text, nil
}

// --- pages ---

// Claim takes a lease on a page for actor; another editor may take it over,
// and the event says so.
func (s *Service) Claim(ctx context.Context, actor, slug string, rev uint64) (store.PageRecord, error) {
	return run(ctx, s, s.pageOps(), actor, slug, rev, claimStepFn[store.PageRecord](s.claim(actor)))
}

// Release gives up the lease on a page.
func (s *Service) Release(ctx context.Context, actor, slug string, rev uint64) (store.PageRecord, error) {
	return run(ctx, s, s.pageOps(), actor, slug, rev, releaseStepFn[store.PageRecord]())
}

// Comment adds a remark to a page.
func (s *Service) Comment(ctx context.Context, actor, slug string, rev uint64, text string) (store.PageRecord, error) {
	text, err := validComment(text)
	if err != nil {
		return store.PageRecord{}, err
	}
	return run(ctx, s, s.pageOps(), actor, slug, rev, commentStepFn[store.PageRecord](text, s.claim(actor)))
}

// Edit replaces a page's pair part and validates it at once. An edit that
// changes nothing writes nothing: the record keeps its revision and state.
func (s *Service) Edit(ctx context.Context, actor, slug string, rev uint64, pair page.Pair) (store.PageRecord, error) {
	return run(ctx, s, s.pageOps(), actor, slug, rev, editStepFn(
		func(r *store.PageRecord) {
			// How They Relate is built from data, not written: an edit keeps it.
			built := r.Pair.Relate
			r.Pair = pair
			r.Pair.Relate = built
		},
		func(r *store.PageRecord) []finding.Finding { return s.checkPair(r) },
		func(r *store.PageRecord) bool {
			// The form does not carry How They Relate, so compare with it kept.
			edited := pair
			edited.Relate = r.Pair.Relate
			return sameJSON(r.Pair, edited)
		},
	))
}

// errUnchanged stops a write that would change nothing.
var errUnchanged = errors.New("unchanged")

// sameJSON reports whether a and b are the same content (nil and empty
// lists alike), as stored.
func sameJSON(a, b any) bool {
	return len(Diff(a, b)) == 0
}

// Approve approves a page at rev; a page with errors is refused with a
// *FindingsError.
func (s *Service) Approve(ctx context.Context, actor, slug string, rev uint64, note string) (store.PageRecord, error) {
	return run(ctx, s, s.pageOps(), actor, slug, rev, approveStepFn(trimNote(note), func(r *store.PageRecord) {
		p := clonePair(r.Pair)
		r.Approved = &p
	}))
}

// Reject rejects a page.
func (s *Service) Reject(ctx context.Context, actor, slug string, rev uint64, note string) (store.PageRecord, error) {
	return run(ctx, s, s.pageOps(), actor, slug, rev, rejectStepFn[store.PageRecord](trimNote(note)))
}

// RequestChanges sends a page back to be redrafted with note.
func (s *Service) RequestChanges(ctx context.Context, actor, slug string, rev uint64, note string) (store.PageRecord, error) {
	note = trimNote(note)
	if note == "" {
		return store.PageRecord{}, refuse(ErrInvalid, "say what to change: the note goes to the redraft")
	}
	rec, err := run(ctx, s, s.pageOps(), actor, slug, rev, requestStepFn[store.PageRecord](note))
	if err != nil {
		return rec, err
	}
	return rec, s.publishRedraft(ctx, store.KindPage, slug, rec.Meta)
}

func (s *Service) publishRedraft(ctx context.Context, kind store.Kind, key string, m store.Meta) error {
	j := store.Job{Kind: kind, Key: key, Inputs: m.Inputs.Hash, Seq: m.Seq, Reason: "changes_requested"}
	if err := s.Store.Publish(ctx, store.StageDraft, j); err != nil {
		return fmt.Errorf("%s %s: changes requested but the redraft was not queued: %w", kind, key, err)
	}
	return nil
}

// BulkItem names a page and the revision the editor saw.
type BulkItem struct {
	Slug     string `json:"slug"`
	Revision uint64 `json:"revision"`
}

// BulkResult says what became of one page of a bulk approval.
type BulkResult struct {
	Slug     string `json:"slug"`
	OK       bool   `json:"ok"`
	Reason   string `json:"reason,omitempty"`
	Revision uint64 `json:"revision,omitempty"`
}

// BulkApprove approves each of the selected pages that is at its revision
// and has no error; every other one is refused with its reason. One
// refusal does not stop the rest.
func (s *Service) BulkApprove(ctx context.Context, actor string, items []BulkItem, note string) []BulkResult {
	out := make([]BulkResult, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		if seen[it.Slug] {
			out = append(out, BulkResult{Slug: it.Slug, Reason: "listed twice"})
			continue
		}
		seen[it.Slug] = true
		rec, err := s.Approve(ctx, actor, it.Slug, it.Revision, note)
		if err != nil {
			out = append(out, BulkResult{Slug: it.Slug, Reason: Reason(err), Revision: rec.Revision})
			continue
		}
		out = append(out, BulkResult{Slug: it.Slug, OK: true, Revision: rec.Revision})
	}
	return out
}

// Reason is a one-line explanation of an action's error for an editor.
func Reason(err error) string {
	var fe *FindingsError
	var rf *refusal
	switch {
	case err == nil:
		return ""
	case errors.As(err, &fe):
		return fe.Error()
	case errors.As(err, &rf):
		return rf.msg
	case errors.Is(err, store.ErrConflict):
		return "changed since you loaded it (revision conflict)"
	case errors.Is(err, store.ErrNotFound):
		return "no such record"
	}
	return "internal error"
}

func clonePair(p page.Pair) page.Pair {
	p.FAQ = append([]page.QA(nil), p.FAQ...)
	p.Differences.Extra = append([]page.Row(nil), p.Differences.Extra...)
	return p
}

func cloneSection(s page.Section) page.Section {
	s.KeyFeatures = append([]string(nil), s.KeyFeatures...)
	s.WhatItIs = append([]string(nil), s.WhatItIs...)
	s.KeyComponents = append([]string(nil), s.KeyComponents...)
	s.WhyUsed = append([]string(nil), s.WhyUsed...)
	s.Implementation.Steps = append([]string(nil), s.Implementation.Steps...)
	return s
}
