package review

import (
	"context"
	"errors"
	"sort"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/validate"
)

// set is the current profile set: the live one when the server reloads
// profiles, so edits are checked against the facts of today.
func (s *Service) set() *profile.Set {
	if s.CurrentProfiles != nil {
		return s.CurrentProfiles()
	}
	return s.Profiles
}

func (s *Service) profile(id string) *profile.Profile {
	set := s.set()
	if set == nil {
		return nil
	}
	p, _ := set.Get(id)
	return p
}

func (s *Service) checkPair(r *store.PageRecord) []finding.Finding {
	return validate.Pair(r.Pair, s.profile(r.Standards[0]), s.profile(r.Standards[1]), s.set())
}

func (s *Service) checkSection(r *store.SectionRecord) []finding.Finding {
	return validate.Section(r.Section, s.profile(r.Standard), s.set())
}

// ClaimSection takes a lease on a standard's section.
func (s *Service) ClaimSection(ctx context.Context, actor, std string, rev uint64) (store.SectionRecord, error) {
	return run(ctx, s, s.sectionOps(), actor, std, rev, claimStepFn[store.SectionRecord](s.claim(actor)))
}

// ReleaseSection gives up the lease on a section.
func (s *Service) ReleaseSection(ctx context.Context, actor, std string, rev uint64) (store.SectionRecord, error) {
	return run(ctx, s, s.sectionOps(), actor, std, rev, releaseStepFn[store.SectionRecord]())
}

// CommentSection adds a remark to a section.
func (s *Service) CommentSection(ctx context.Context, actor, std string, rev uint64, text string) (store.SectionRecord, error) {
	text, err := validComment(text)
	if err != nil {
		return store.SectionRecord{}, err
	}
	return run(ctx, s, s.sectionOps(), actor, std, rev, commentStepFn[store.SectionRecord](text, s.claim(actor)))
}

// EditSection replaces a section's content and validates it at once. The
// standard id and heading are the record's, whatever the form said.
func (s *Service) EditSection(ctx context.Context, actor, std string, rev uint64, sec page.Section) (store.SectionRecord, error) {
	return run(ctx, s, s.sectionOps(), actor, std, rev, editStepFn(
		func(r *store.SectionRecord) {
			sec.Standard = r.Standard
			r.Section = sec
		},
		func(r *store.SectionRecord) []finding.Finding { return s.checkSection(r) },
		func(r *store.SectionRecord) bool {
			sec.Standard = r.Standard
			return sameJSON(r.Section, sec)
		},
	))
}

// RejectSection rejects a section.
func (s *Service) RejectSection(ctx context.Context, actor, std string, rev uint64, note string) (store.SectionRecord, error) {
	return run(ctx, s, s.sectionOps(), actor, std, rev, rejectStepFn[store.SectionRecord](trimNote(note)))
}

// RequestSectionChanges sends a section back to be redrafted with note.
func (s *Service) RequestSectionChanges(ctx context.Context, actor, std string, rev uint64, note string) (store.SectionRecord, error) {
	note = trimNote(note)
	if note == "" {
		return store.SectionRecord{}, refuse(ErrInvalid, "say what to change: the note goes to the redraft")
	}
	rec, err := run(ctx, s, s.sectionOps(), actor, std, rev, requestStepFn[store.SectionRecord](note))
	if err != nil {
		return rec, err
	}
	return rec, s.publishRedraft(ctx, store.KindSection, std, rec.Meta)
}

// SectionApproval is what approving a section did.
type SectionApproval struct {
	Record store.SectionRecord
	Impact
}

// Impact is what a section's approval means for the pages naming it.
type Impact struct {
	// Unblocked: approved pages whose other section is approved too, so
	// this section's approval publishes (or published) them.
	Unblocked []string `json:"unblocked"`
	// Waiting: pages naming the standard that stay unpublished, because
	// the page or its other section is not approved.
	Waiting []string `json:"waiting"`
}

// ApproveSection approves a section at rev and says which pages it publishes.
func (s *Service) ApproveSection(ctx context.Context, actor, std string, rev uint64, note string) (SectionApproval, error) {
	rec, err := run(ctx, s, s.sectionOps(), actor, std, rev, approveStepFn(trimNote(note), func(r *store.SectionRecord) {
		sec := cloneSection(r.Section)
		r.Approved = &sec
	}))
	if err != nil {
		return SectionApproval{Record: rec}, err
	}
	// The approval stands whatever the count: a failure to count is
	// logged, never reported as a failed approval.
	imp, err := s.SectionImpact(ctx, std)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("standard", std).Msg("count the pages a section approval publishes")
		imp = Impact{Unblocked: []string{}, Waiting: []string{}}
	}
	return SectionApproval{Record: rec, Impact: imp}, nil
}

// SectionImpact lists the pages naming std that approving it would publish
// (page approved, other section approved) and those that would still wait.
func (s *Service) SectionImpact(ctx context.Context, std string) (Impact, error) {
	imp := Impact{Unblocked: []string{}, Waiting: []string{}}
	cache := map[string]store.SectionRecord{}
	sectionState := func(id string) (store.SectionRecord, error) {
		if r, ok := cache[id]; ok {
			return r, nil
		}
		r, err := s.Store.Section(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return r, err
		}
		cache[id] = r
		return r, nil
	}
	type pair struct{ slug, other string }
	var mine []pair // the standard's pages, without copying every record
	s.Store.EachPage(func(p *store.PageRecord) {
		switch std {
		case p.Standards[0]:
			mine = append(mine, pair{p.Slug, p.Standards[1]})
		case p.Standards[1]:
			mine = append(mine, pair{p.Slug, p.Standards[0]})
		}
	})
	sort.Slice(mine, func(i, j int) bool { return mine[i].slug < mine[j].slug })
	for _, p := range mine {
		other := p.other
		// The mirror may trail; read the page itself before counting it.
		cur, err := s.Store.Page(ctx, p.slug)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return imp, err
		}
		o, err := sectionState(other)
		if err != nil {
			return imp, err
		}
		self := lifecycle.Part{State: store.Approved, HasApproved: true} // as if approved
		if lifecycle.Published(lifecycle.Part{State: cur.State, HasApproved: cur.Approved != nil}, self, lifecycle.Part{State: o.State, HasApproved: o.Approved != nil}) {
			imp.Unblocked = append(imp.Unblocked, cur.Slug)
		} else {
			imp.Waiting = append(imp.Waiting, cur.Slug)
		}
	}
	return imp, nil
}
