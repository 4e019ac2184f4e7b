package review

import (
	"context"
	"errors"
	"fmt"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// kindOps lets one implementation of each action serve pages and sections.
type kindOps[T any] struct {
	kind   store.Kind
	update func(ctx context.Context, key string, rev uint64, fn func(*T) error) (T, error)
	meta   func(*T) *store.Meta
}

func (s *Service) pageOps() kindOps[store.PageRecord] {
	return kindOps[store.PageRecord]{store.KindPage, s.Store.UpdatePageAt, func(r *store.PageRecord) *store.Meta { return &r.Meta }}
}

func (s *Service) sectionOps() kindOps[store.SectionRecord] {
	return kindOps[store.SectionRecord]{store.KindSection, s.Store.UpdateSectionAt, func(r *store.SectionRecord) *store.Meta { return &r.Meta }}
}

// step is one action's change to a record; it returns the event to emit.
type step[T any] func(r *T, m *store.Meta) (store.Event, error)

// run applies st at revision rev and emits its event.
func run[T any](ctx context.Context, s *Service, ops kindOps[T], actor, key string, rev uint64, st step[T]) (T, error) {
	var ev store.Event
	if err := needRev(rev); err != nil {
		var zero T
		return zero, err
	}
	rec, err := ops.update(ctx, key, rev, func(r *T) error {
		m := ops.meta(r)
		from := m.State
		e, err := st(r, m)
		if err != nil {
			return err
		}
		m.UpdatedBy = actor
		e.From, e.To = from, m.State
		ev = e
		return nil
	})
	if err != nil {
		return rec, fmt.Errorf("%s %s: %w", ops.kind, key, err)
	}
	ev.Kind, ev.Key, ev.Actor = ops.kind, key, actor
	ev.Revision = ops.meta(&rec).Revision
	s.emit(ctx, ev)
	return rec, nil
}

func (s *Service) claim(actor string) claimStep {
	now := s.now()
	return claimStep{actor: actor, now: now, until: now.Add(s.claimFor())}
}

func claimStepFn[T any](c claimStep) step[T] {
	return func(_ *T, m *store.Meta) (store.Event, error) {
		prev := applyClaim(m, c)
		return store.Event{Type: EvClaimed, Note: claimNote(prev)}, nil
	}
}

func releaseStepFn[T any](actor string, now func() store.Event) step[T] {
	return func(_ *T, m *store.Meta) (store.Event, error) {
		ev := now()
		if m.Claim != nil && m.Claim.By != actor {
			ev.Note = "released " + m.Claim.By + "'s claim"
		}
		m.Claim = nil
		ev.Type = EvReleased
		return ev, nil
	}
}

func commentStepFn[T any](actor, text string, c claimStep) step[T] {
	return func(_ *T, m *store.Meta) (store.Event, error) {
		m.Comments = append(m.Comments, store.Comment{By: actor, At: c.now, Text: text})
		return store.Event{Type: EvCommented, Note: text}, nil
	}
}

func rejectStepFn[T any](note string) step[T] {
	return func(_ *T, m *store.Meta) (store.Event, error) {
		if err := allowed(m.State, rejectable, "reject"); err != nil {
			return store.Event{}, err
		}
		m.State = store.Rejected
		m.Claim = nil
		return store.Event{Type: EvRejected, Note: note}, nil
	}
}

func requestStepFn[T any](note string) step[T] {
	return func(_ *T, m *store.Meta) (store.Event, error) {
		if err := allowed(m.State, returnable, "request changes on"); err != nil {
			return store.Event{}, err
		}
		m.State = store.ChangesRequested
		m.Note = note
		m.Seq++
		m.Attempt = 0
		m.Claim = nil
		return store.Event{Type: EvChangesRequested, Note: note}, nil
	}
}

func approveStepFn[T any](note string, setApproved func(*T)) step[T] {
	return func(r *T, m *store.Meta) (store.Event, error) {
		if err := allowed(m.State, approvable, "approve"); err != nil {
			return store.Event{}, err
		}
		if finding.HasError(m.Findings) {
			return store.Event{}, &FindingsError{Findings: m.Findings}
		}
		setApproved(r)
		m.State = store.Approved
		m.Claim = nil
		e, w := finding.Count(m.Findings)
		return store.Event{Type: EvApproved, Note: note, Errors: e, Warnings: w}, nil
	}
}

// editStepFn stores edited content with its fresh findings. A record that
// needed attention returns to review once an edit leaves no error; an
// approved, stale or rejected record is back in review after an edit.
func editStepFn[T any](set func(*T), check func(*T) []finding.Finding) step[T] {
	return func(r *T, m *store.Meta) (store.Event, error) {
		if err := allowed(m.State, editable, "edit"); err != nil {
			return store.Event{}, err
		}
		set(r)
		fs := check(r)
		finding.Sort(fs)
		m.Findings = fs
		if m.State != store.NeedsAttention || !finding.HasError(fs) {
			m.State = store.InReview
		}
		m.Raw = ""
		e, w := finding.Count(fs)
		return store.Event{Type: EvEdited, Errors: e, Warnings: w}, nil
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
	return run(ctx, s, s.pageOps(), actor, slug, rev, releaseStepFn[store.PageRecord](actor, func() store.Event { return store.Event{} }))
}

// Comment adds a remark to a page.
func (s *Service) Comment(ctx context.Context, actor, slug string, rev uint64, text string) (store.PageRecord, error) {
	text, err := validComment(text)
	if err != nil {
		return store.PageRecord{}, err
	}
	return run(ctx, s, s.pageOps(), actor, slug, rev, commentStepFn[store.PageRecord](actor, text, s.claim(actor)))
}

// Edit replaces a page's pair part and validates it at once.
func (s *Service) Edit(ctx context.Context, actor, slug string, rev uint64, pair page.Pair) (store.PageRecord, error) {
	return run(ctx, s, s.pageOps(), actor, slug, rev, editStepFn(
		func(r *store.PageRecord) {
			// How They Relate is built from data, not written: an edit keeps it.
			built := r.Pair.Relate
			r.Pair = pair
			r.Pair.Relate = built
		},
		func(r *store.PageRecord) []finding.Finding { return s.checkPair(r) },
	))
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
