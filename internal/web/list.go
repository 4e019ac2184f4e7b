package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
)

// listQuery is what a page list (the API's and the queue's) asks for:
// server-side filters, an order and a page.
type listQuery struct {
	paging
	State    store.State
	Standard string
	Query    string
	Findings string // "", "errors", "warnings" (errors or warnings), "clean"
	Claimed  string // "", "yes", "no"
	Reason   string // "", or why a page needs attention (attentionReason): only such pages
	Sort     string // "slug" (default), "age" (oldest first), "priority" (what needs a person first)
	// Open, with State "", keeps what a person acts on: in review and
	// needing attention (the queue's first tab).
	Open bool
}

var (
	findingsFilters = []string{"errors", "warnings", "clean"}
	claimedFilters  = []string{"yes", "no"}
	sortOrders      = []string{"slug", "age", "priority"}
)

func oneOf(name, v string, allowed []string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s is one of %s, got %q", name, strings.Join(allowed, ", "), v)
}

func (s *server) parseListQuery(q url.Values, def int) (listQuery, error) {
	st, err := parseStateValue(q.Get("state"))
	if err != nil {
		return listQuery{}, err
	}
	lq := listQuery{State: st, Standard: q.Get("standard"), Query: q.Get("q"), Findings: q.Get("findings"), Claimed: q.Get("claimed"), Sort: q.Get("sort"), Reason: q.Get("reason")}
	if lq.paging, err = parsePaging(q, def); err != nil {
		return lq, err
	}
	for _, c := range []struct {
		name, v string
		ok      []string
	}{{"findings", lq.Findings, findingsFilters}, {"claimed", lq.Claimed, claimedFilters}, {"sort", lq.Sort, sortOrders}} {
		if err := oneOf(c.name, c.v, c.ok); err != nil {
			return lq, err
		}
	}
	if lq.Reason != "" {
		if lq.State != "" && lq.State != store.NeedsAttention {
			return lq, fmt.Errorf("reason picks pages needing attention; it does not go with state=%s (leave state out or use state=needs_attention)", lq.State)
		}
		if err := checkReason(lq.Reason, s.svc.Store.Pages()); err != nil {
			return lq, err
		}
	}
	return lq, nil
}

func parseStateValue(v string) (store.State, error) {
	st := store.State(v)
	if st != "" && !st.Valid() {
		return "", fmt.Errorf("unknown state %q; states: %s", st, statesList())
	}
	return st, nil
}

// listResult is one page of a filtered, ordered page list.
type listResult struct {
	rows        []store.PageRecord
	total       int                 // rows matching every filter
	next        string              // cursor of the next page, "" at the end
	start       int                 // position of the first row shown among all matching
	counts      map[store.State]int // per state, matching the other filters
	perStandard map[string]int      // per standard, matching every filter
	perReason   map[string]int      // per reason, matching every filter but the reason
}

// listPages filters, orders and pages the pages.
func (s *server) listPages(lq listQuery, secs map[string]store.SectionRecord) listResult {
	all, counts := s.svc.Queue(review.Filter{State: lq.State, Standard: lq.Standard, Query: lq.Query})
	now := s.svc.Clock()
	// Queue's answer is this request's own slice of the mirror's records:
	// filter it in place, and copy only the rows of the page shown.
	rows := all[:0]
	res := listResult{counts: counts, perStandard: map[string]int{}, perReason: map[string]int{}}
	for _, p := range all {
		if lq.Open && p.State != store.InReview && p.State != store.NeedsAttention {
			continue
		}
		e, wn := finding.Count(p.Findings)
		switch lq.Findings {
		case "errors":
			if e == 0 {
				continue
			}
		case "warnings":
			if e+wn == 0 {
				continue
			}
		case "clean":
			if e+wn > 0 {
				continue
			}
		}
		claimed := p.Claim.Active(now)
		if (lq.Claimed == "yes" && !claimed) || (lq.Claimed == "no" && claimed) {
			continue
		}
		reason := reasonOf(*p)
		if reason != "" {
			res.perReason[reason]++
		}
		if lq.Reason != "" && reason != lq.Reason {
			continue
		}
		rows = append(rows, p)
		res.perStandard[p.Standards[0]]++
		res.perStandard[p.Standards[1]]++
	}
	res.total = len(rows)
	key := s.sortKey(lq.Sort, secs)
	shown, next, start := pageAt(rows, func(p *store.PageRecord) string { return key(*p) }, lq.paging)
	res.rows = make([]store.PageRecord, len(shown))
	for i, p := range shown {
		res.rows[i] = *p
	}
	res.next, res.start = next, start
	return res
}

// sortKey is the order of a list: every key ends in the slug, so keys are
// unique and a cursor names one place.
func (s *server) sortKey(order string, secs map[string]store.SectionRecord) func(store.PageRecord) string {
	switch order {
	case "age":
		return func(p store.PageRecord) string {
			return fmt.Sprintf("%020d|%s", p.Updated.UnixNano(), p.Slug)
		}
	case "priority":
		return func(p store.PageRecord) string { return fmt.Sprintf("%d|%s", s.priority(p, secs), p.Slug) }
	}
	return func(p store.PageRecord) string { return p.Slug }
}

// priority ranks what needs a person first: a page needing attention, then
// one with errors, then a clean page one approval away from going live,
// then the rest of review, then everything else.
func (s *server) priority(p store.PageRecord, secs map[string]store.SectionRecord) int {
	e, _ := finding.Count(p.Findings)
	reviewable := p.State == store.InReview || p.State == store.NeedsAttention
	switch {
	case p.State == store.NeedsAttention:
		return 0
	case e > 0 && reviewable:
		return 1
	case reviewable && s.oneAway(p, secs):
		return 2
	case reviewable:
		return 3
	case p.State == store.Stale || p.State == store.ChangesRequested:
		return 4
	}
	return 5
}

// awaitMirror waits, briefly, until the store's in-memory copy holds page
// slug at rev or later: lists are read from that copy, and a list shown
// right after an action must show the action. A copy that does not catch
// up in time is shown as it is (the next load is right).
func (s *server) awaitMirror(ctx context.Context, slug string, rev uint64) {
	deadline := time.Now().Add(2 * time.Second)
	for {
		if p, ok := s.svc.Store.MirrorPage(slug); ok && p.Revision >= rev {
			return
		}
		if time.Now().After(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}
