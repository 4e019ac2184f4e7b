// Package indexer is the worker that keeps a search replica's Bleve index
// in step with the published pages. Each replica runs its own, with its own
// durable consumer of the events stream: a page or section event makes it
// recompute what is published for the pages concerned.
package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/consume"
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

// Run catches up from the KV and then follows the events until ctx is done.
func Run(ctx context.Context, cfg Config) error {
	log := zerolog.Ctx(ctx)
	// Subscribe before catching up, so no change falls between the two.
	cons, err := cfg.Store.EventConsumer(ctx, "indexer-"+cfg.Replica)
	if err != nil {
		return err
	}
	if err := cfg.Index.Reindex(ctx, Docs(cfg.Store, cfg.Profiles())); err != nil {
		return err
	}
	log.Info().Str("replica", cfg.Replica).Msg("indexer caught up")
	return consume.Run(ctx, cons, consume.Options{Concurrency: 1, Grace: 10 * time.Second}, func(ctx context.Context, msg jetstream.Msg) {
		var ev store.Event
		if err := json.Unmarshal(msg.Data(), &ev); err != nil {
			_ = msg.Term()
			return
		}
		if err := apply(ctx, cfg, ev); err != nil {
			log.Error().Err(err).Str("key", ev.Key).Msg("index update")
			_ = msg.NakWithDelay(time.Second)
			return
		}
		_ = msg.Ack()
	})
}

// apply recomputes the pages an event may have changed. Recomputing from
// the records (not trusting the event) makes it idempotent and order-proof.
func apply(ctx context.Context, cfg Config, ev store.Event) error {
	switch ev.Kind {
	case store.KindPage:
		return refresh(ctx, cfg, ev.Key)
	case store.KindSection:
		for _, p := range cfg.Store.Pages() {
			if p.Standards[0] == ev.Key || p.Standards[1] == ev.Key {
				if err := refresh(ctx, cfg, p.Slug); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func refresh(ctx context.Context, cfg Config, slug string) error {
	pg, ok, err := cfg.Store.PublishedPage(ctx, slug)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
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
