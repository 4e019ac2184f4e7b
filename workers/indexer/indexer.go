// Package indexer is the worker that keeps a search replica's Bleve index
// in step with the published pages. Each replica runs its own, following
// the page and section records through the store's KV watch.
package indexer

import (
	"context"
	"iter"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/metrics"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// Index is the part of the search index the worker writes.
type Index interface {
	// Apply writes a batch of changes at once: one Bleve batch, one new
	// snapshot, for up to a few hundred pages.
	Apply(ctx context.Context, puts []index.Doc, deletes []string) error
	Reindex(ctx context.Context, docs iter.Seq[index.Doc]) error
}

// Config wires an indexer.
type Config struct {
	Store    *store.Store
	Profiles func() *profile.Set
	Index    Index
	// Replica names this search replica; its consumer is "indexer-<Replica>".
	Replica string
	Metrics *metrics.Pipeline
}

// Docs yields the index documents of every published page.
func Docs(s *store.Store, set *profile.Set) iter.Seq[index.Doc] {
	return func(yield func(index.Doc) bool) {
		for _, pg := range s.PublishedPages() {
			if !yield(index.DocFromPage(pg, set)) {
				return
			}
		}
	}
}

// Run catches up from the KV and then follows the records' changes until
// ctx is done. It follows state, not events: every change to a page or a
// section record (the KV watch behind the store's mirrors) makes it
// recompute what is published for the pages concerned, so no lost or
// reordered event can leave the index wrong.
func Run(ctx context.Context, cfg Config) error {
	log := zerolog.Ctx(ctx)
	// Watch before catching up, so no change falls between the two.
	w := cfg.Store.Watch()
	defer cfg.Store.Unwatch(w)
	if err := cfg.Index.Reindex(ctx, Docs(cfg.Store, cfg.Profiles())); err != nil {
		return err
	}
	log.Info().Str("replica", cfg.Replica).Msg("indexer caught up")
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.Ready():
		}
		failed := false
		changes := w.Take()
		if err := apply(ctx, cfg, changes); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.Error().Err(err).Int("changes", len(changes)).Msg("index update")
			for _, c := range changes {
				w.Put(c) // again after a pause
			}
			failed = true
		}
		if failed {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
		}
	}
}

// apply recomputes the pages the changes may have changed and writes them
// to the index, a batch of pages at a time. Recomputing from the records makes it
// idempotent and order-proof.
func apply(ctx context.Context, cfg Config, changes []store.Change) error {
	slugs := map[string]bool{}
	standards := map[string]bool{}
	for _, c := range changes {
		switch c.Kind {
		case store.KindPage:
			slugs[c.Key] = true
		case store.KindSection:
			standards[c.Key] = true
		}
	}
	if len(standards) > 0 { // one pass over the pages for all the sections changed
		cfg.Store.EachPage(func(p *store.PageRecord) {
			if standards[p.Standards[0]] || standards[p.Standards[1]] {
				slugs[p.Slug] = true
			}
		})
	}
	if len(slugs) == 0 {
		return nil
	}
	set := cfg.Profiles()
	list := make([]string, 0, len(slugs))
	for slug := range slugs {
		list = append(list, slug)
	}
	slices.Sort(list)
	return applyInBatches(ctx, cfg.Index, list, func(slug string) (index.Doc, bool) {
		pg, ok := cfg.Store.PublishedFromMirror(slug)
		if !ok {
			return index.Doc{}, false
		}
		return index.DocFromPage(pg, set), true
	}, cfg.count)
}

// applyBatch is how many pages are turned into documents and written at a
// time. An approve-all brings 19,900 pages in one burst at 200 standards:
// their documents (7 KB of text each) and Bleve's analysis of them are held
// for one batch at a time, not for the whole burst.
const applyBatch = 256

// applyInBatches writes the pages named by slugs, applyBatch at a time: doc
// makes a page's document, or reports that it is no longer published.
func applyInBatches(ctx context.Context, ix Index, slugs []string, doc func(string) (index.Doc, bool), count func(string, int)) error {
	puts := make([]index.Doc, 0, min(len(slugs), applyBatch))
	var deletes []string
	flush := func() error {
		if len(puts)+len(deletes) == 0 {
			return nil
		}
		if err := ix.Apply(ctx, puts, deletes); err != nil {
			return err
		}
		count("put", len(puts))
		count("delete", len(deletes))
		clear(puts) // let the documents go
		puts, deletes = puts[:0], deletes[:0]
		return nil
	}
	for _, slug := range slugs {
		if d, ok := doc(slug); ok {
			puts = append(puts, d)
		} else {
			deletes = append(deletes, slug)
		}
		if len(puts)+len(deletes) >= applyBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func (cfg Config) count(op string, n int) {
	if cfg.Metrics != nil && n > 0 {
		cfg.Metrics.Indexed.WithLabelValues(op).Add(float64(n))
	}
}
