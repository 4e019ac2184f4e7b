package app

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/versus-dev/versus/internal/site"
	"github.com/versus-dev/versus/internal/store"
)

// published adapts the store to the site: visitors see published pages
// only, each with when it was last reviewed.
type published struct {
	st *store.Store
	// approvals caches approvedAt by kind, key and record revision: a
	// record whose approval lies in its history (a newer draft in review,
	// or stale after a profile change) is read back once, not per request.
	approvals *sync.Map
}

func newPublished(st *store.Store) published { return published{st: st, approvals: &sync.Map{}} }

type approvalKey struct {
	kind store.Kind
	key  string
	rev  uint64
}

func (p published) PublishedPage(ctx context.Context, slug string) (site.Published, bool, error) {
	rec, err := p.st.Page(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return site.Published{}, false, nil
	}
	if err != nil {
		return site.Published{}, false, err
	}
	a, errA := p.st.Section(ctx, rec.Standards[0])
	b, errB := p.st.Section(ctx, rec.Standards[1])
	if errA != nil || errB != nil {
		return site.Published{}, false, nil
	}
	pg, ok := store.Published(rec, a, b)
	if !ok {
		return site.Published{}, false, nil
	}
	return site.Published{Page: pg, Reviewed: p.reviewed(ctx, rec, a, b)}, true, nil
}

func (p published) PublishedPages(ctx context.Context) ([]site.Published, error) {
	secs := map[string]store.SectionRecord{}
	for _, r := range p.st.Sections() {
		secs[r.Standard] = r
	}
	var out []site.Published
	for _, rec := range p.st.Pages() {
		a, b := secs[rec.Standards[0]], secs[rec.Standards[1]]
		if pg, ok := store.Published(rec, a, b); ok {
			out = append(out, site.Published{Page: pg, Reviewed: p.reviewed(ctx, rec, a, b)})
		}
	}
	return out, nil
}

// reviewed is the latest approval among the page and its two sections: the
// time the page visitors see became what it is. A record whose newer draft
// is in review has its approval in an older revision.
func (p published) reviewed(ctx context.Context, rec store.PageRecord, a, b store.SectionRecord) time.Time {
	t := p.approvedAt(ctx, store.KindPage, rec.Slug, rec.Meta, func() []store.Meta {
		revs, _ := p.st.PageRevisions(ctx, rec.Slug)
		out := make([]store.Meta, len(revs))
		for i, r := range revs {
			out[i] = r.Meta
		}
		return out
	})
	for _, s := range []store.SectionRecord{a, b} {
		st := p.approvedAt(ctx, store.KindSection, s.Standard, s.Meta, func() []store.Meta {
			revs, _ := p.st.SectionRevisions(ctx, s.Standard)
			out := make([]store.Meta, len(revs))
			for i, r := range revs {
				out[i] = r.Meta
			}
			return out
		})
		if st.After(t) {
			t = st
		}
	}
	return t
}

// approvedAt is when m was last approved: now if it is approved, else the
// newest approved revision in its KV history, else (a record that changed
// more often since than the bucket keeps) its last approval in the audit
// log. Found times are cached by revision.
func (p published) approvedAt(ctx context.Context, kind store.Kind, key string, m store.Meta, history func() []store.Meta) time.Time {
	if m.State == store.Approved {
		return m.Updated
	}
	k := approvalKey{kind, key, m.Revision}
	if v, ok := p.approvals.Load(k); ok {
		return v.(time.Time)
	}
	t := approvedIn(history())
	if t.IsZero() {
		evs, err := p.st.History(ctx, kind, key)
		if err != nil {
			return t // not cached: the next request asks again
		}
		for _, ev := range evs {
			if ev.To == store.Approved && ev.Time.After(t) {
				t = ev.Time
			}
		}
	}
	p.approvals.Store(k, t)
	return t
}

func approvedIn(history []store.Meta) time.Time {
	var t time.Time
	for _, h := range history {
		if h.State == store.Approved && h.Updated.After(t) {
			t = h.Updated
		}
	}
	return t
}

// mountSite adds the public pages (browse, comparisons, standards, sitemap,
// robots), search and the public API.
func mountSite(mux *http.ServeMux, cfg Config, run *Running) {
	site.New(run.Index, run.Profiles.Set, newPublished(run.Store),
		site.WithPublicURL(cfg.PublicURL), site.WithSitemapLimit(cfg.SitemapLimit)).Register(mux)
}
