package web

import (
	"fmt"
	"slices"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
)

// readyOf is the bulk approval "by standard": every page of the standard
// that is in review or needs attention, has no finding at all, and whose
// two sections are approved, so that approving it publishes it, leaving
// out a page another editor has claimed (they are on it). Each at
// the revision read now; a page that changes before its turn is refused
// with a revision conflict, never approved unseen.
func (s *server) readyOf(standard, actor string) []review.BulkItem {
	all, _ := s.svc.Queue(review.Filter{Standard: standard})
	secs := s.svc.SectionsByID()
	now := s.svc.Clock()
	var out []review.BulkItem
	for _, p := range all {
		if p.Claim.Active(now) && p.Claim.By != actor {
			continue
		}
		if p.State != store.InReview && p.State != store.NeedsAttention {
			continue
		}
		if e, w := finding.Count(p.Findings); e+w > 0 {
			continue
		}
		if !s.oneAway(*p, secs) {
			continue
		}
		out = append(out, review.BulkItem{Slug: p.Slug, Revision: p.Revision})
	}
	return out
}

// knownStandard reports whether id names a standard of the profiles or of
// a section record, with an error that lists the known ones.
func (s *server) knownStandard(id string) error {
	ids := s.standards()
	if slices.Contains(ids, id) {
		return nil
	}
	return fmt.Errorf("unknown standard %q; standards: %v", id, ids)
}
