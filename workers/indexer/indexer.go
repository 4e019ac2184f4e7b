// Package indexer is the worker that keeps a search replica's Bleve index
// in step with the published pages. Each replica runs its own, following
// the page and section records through the store's KV watch.
package indexer

import (
	"context"
	"iter"
	"time"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/metrics"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// Index is the part of the search index the worker writes.
type Index interface {
	Put(ctx context.Context, d index.Doc) error
	Delete(ctx context.Context, slug string) error
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
		for _, c := range w.Take() {
			if err := apply(ctx, cfg, c); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				log.Error().Err(err).Str("key", c.Key).Msg("index update")
				w.Put(c) // again after a pause
				failed = true
			}
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

// apply recomputes the pages a change may have changed. Recomputing from
// the records makes it idempotent and order-proof.
func apply(ctx context.Context, cfg Config, c store.Change) error {
	switch c.Kind {
	case store.KindPage:
		return refresh(ctx, cfg, c.Key)
	case store.KindSection:
		for _, p := range cfg.Store.Pages() {
			if p.Standards[0] == c.Key || p.Standards[1] == c.Key {
				if err := refresh(ctx, cfg, p.Slug); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func refresh(ctx context.Context, cfg Config, slug string) error {
	pg, ok := cfg.Store.PublishedFromMirror(slug)
	if !ok {
		cfg.count("delete")
		return cfg.Index.Delete(ctx, slug)
	}
	cfg.count("put")
	return cfg.Index.Put(ctx, index.DocFromPage(pg, cfg.Profiles()))
}

func (cfg Config) count(op string) {
	if cfg.Metrics != nil {
		cfg.Metrics.Indexed.WithLabelValues(op).Inc()
	}
}
