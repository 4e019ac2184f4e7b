package review

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// Filter narrows the queue.
type Filter struct {
	State    store.State // "" for every state
	Standard string      // a standard id the page names; "" for any
	Query    string      // case-insensitive substring of the title or slug
	SortAge  bool        // oldest update first (else by slug)
}

// Queue lists the pages matching f, and the count per state of the pages
// matching f's other criteria (for the tabs).
//
// The records are the store's mirror's own (see Store.PagesWhere): read
// them, never change one; copy the ones a caller keeps or shows.
func (s *Service) Queue(f Filter) ([]*store.PageRecord, map[store.State]int) {
	counts := map[store.State]int{}
	for _, st := range store.States {
		counts[st] = 0
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	out := s.Store.PagesWhere(func(p *store.PageRecord) bool {
		if f.Standard != "" && p.Standards[0] != f.Standard && p.Standards[1] != f.Standard {
			return false
		}
		if q != "" && !strings.Contains(strings.ToLower(p.Title), q) && !strings.Contains(p.Slug, q) {
			return false
		}
		counts[p.State]++
		return f.State == "" || p.State == f.State
	})
	if f.SortAge {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Updated.Before(out[j].Updated) })
	}
	return out, counts
}

// SectionQueue lists sections, optionally in one state, with the counts per state.
func (s *Service) SectionQueue(state store.State) ([]store.SectionRecord, map[store.State]int) {
	counts := map[store.State]int{}
	for _, st := range store.States {
		counts[st] = 0
	}
	var out []store.SectionRecord
	for _, r := range s.Store.Sections() {
		counts[r.State]++
		if state == "" || r.State == state {
			out = append(out, r)
		}
	}
	return out, counts
}

// PageView is everything the review page of one pair page shows.
type PageView struct {
	Record     store.PageRecord
	Sections   [2]store.SectionRecord
	HasSection [2]bool
	Page       page.Page // composed with the sections' current drafts
	History    []store.Event
	Cost       Cost
	Diffs      Diffs
	Published  bool
}

// ErrorCount counts the errors and warnings of a record.
func ErrorCount(fs []finding.Finding) (int, int) { return finding.Count(fs) }

func (s *Service) sectionOr(ctx context.Context, std string) (store.SectionRecord, bool, error) {
	r, err := s.Store.Section(ctx, std)
	if errors.Is(err, store.ErrNotFound) {
		sec := page.Section{Standard: std}
		if p := s.profile(std); p != nil {
			sec.Heading, sec.FullName = p.ShortName, p.Name
		}
		return store.SectionRecord{Standard: std, Section: sec}, false, nil
	}
	return r, err == nil, err
}

// Page gathers a page's view.
func (s *Service) Page(ctx context.Context, slug string) (PageView, error) {
	var v PageView
	rec, err := s.Store.Page(ctx, slug)
	if err != nil {
		return v, err
	}
	v.Record = rec
	for i, std := range rec.Standards {
		if v.Sections[i], v.HasSection[i], err = s.sectionOr(ctx, std); err != nil {
			return v, err
		}
	}
	v.Page = page.Compose(rec.Slug, rec.Title, rec.Standards, rec.Pair, v.Sections[0].Section, v.Sections[1].Section)
	_, v.Published = store.Published(rec, v.Sections[0], v.Sections[1])
	if v.History, err = s.Store.History(ctx, store.KindPage, slug); err != nil {
		return v, err
	}
	v.Cost = CostOf(v.History)
	if v.Diffs, err = s.PageDiffs(ctx, rec); err != nil {
		return v, err
	}
	return v, nil
}

// PublishedPage returns the page as site visitors see it: the approved pair
// part with both approved sections; ErrNotFound-wrapped ErrNotPublished
// when it is not published.
func (s *Service) PublishedPage(ctx context.Context, slug string) (store.PageRecord, page.Page, error) {
	rec, err := s.Store.Page(ctx, slug)
	if err != nil {
		return rec, page.Page{}, err
	}
	var secs [2]store.SectionRecord
	for i, std := range rec.Standards {
		if secs[i], _, err = s.sectionOr(ctx, std); err != nil {
			return rec, page.Page{}, err
		}
	}
	pg, ok := store.Published(rec, secs[0], secs[1])
	if !ok {
		return rec, page.Page{}, fmt.Errorf("%s: %w", slug, ErrNotPublished)
	}
	return rec, pg, nil
}

// ErrNotPublished: the page exists but site visitors may not see it.
var ErrNotPublished = errors.New("not published")

// IsPublished reports whether a page from the queue is published, reading
// its sections from the store's mirror.
func (s *Service) IsPublished(p store.PageRecord, sections map[string]store.SectionRecord) bool {
	_, ok := store.Published(p, sections[p.Standards[0]], sections[p.Standards[1]])
	return ok
}

// SectionsByID returns the mirror's sections keyed by standard.
func (s *Service) SectionsByID() map[string]store.SectionRecord {
	m := map[string]store.SectionRecord{}
	for _, r := range s.Store.Sections() {
		m[r.Standard] = r
	}
	return m
}

// SectionView is everything the review page of one standard's section shows.
type SectionView struct {
	Record  store.SectionRecord
	History []store.Event
	Cost    Cost
	Diffs   Diffs
	Impact  Impact
	Pages   []string // every page naming the standard
}

// Section gathers a section's view.
func (s *Service) Section(ctx context.Context, std string) (SectionView, error) {
	var v SectionView
	rec, err := s.Store.Section(ctx, std)
	if err != nil {
		return v, err
	}
	v.Record = rec
	if v.History, err = s.Store.History(ctx, store.KindSection, std); err != nil {
		return v, err
	}
	v.Cost = CostOf(v.History)
	if v.Diffs, err = s.SectionDiffs(ctx, rec); err != nil {
		return v, err
	}
	if v.Impact, err = s.SectionImpact(ctx, std); err != nil {
		return v, err
	}
	v.Pages = append(append([]string{}, v.Impact.Unblocked...), v.Impact.Waiting...)
	sort.Strings(v.Pages)
	return v, nil
}
