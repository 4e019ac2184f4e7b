// Package index is site search over approved comparison pages: a Bleve
// index (scorch, BM25) behind an alias, so that a full rebuild can be
// swapped in while queries keep being answered.
package index

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/profile"
)

// currentFile names the physical index in use, so reopening picks it up.
const currentFile = "CURRENT"

// batchSize bounds the documents indexed per Bleve batch during a rebuild.
const batchSize = 256

// ErrClosed is returned by an Index used after Close.
var ErrClosed = errors.New("index closed")

// Index is the search index. It is safe for concurrent use; queries are
// answered throughout a Reindex.
type Index struct {
	dir   string
	alias bleve.IndexAlias
	names atomic.Pointer[names] // swapped by SetStandards
	pairs pairTables            // for facet counts; see facets.go
	cache resultCache           // recent answers; see cache.go
	// gen counts the writes, so that the cache serves no answer from
	// before one.
	gen atomic.Uint64

	// wmu orders writers: Put and Delete wait for a running Reindex, so no
	// write lands in an index about to be thrown away.
	wmu sync.Mutex

	mu      sync.Mutex // guards cur, curName, closed
	cur     bleve.Index
	curName string
	closed  bool
	stale   bool
}

// Open opens the index under dir, creating it when absent. set gives the
// standards' names, used to understand queries.
func Open(dir string, set Standards) (*Index, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	ix := &Index{dir: dir}
	ix.cache.max = DefaultCacheSize
	ix.storeNames(set)
	name, err := os.ReadFile(filepath.Join(dir, currentFile))
	switch {
	case err == nil && strings.TrimSpace(string(name)) != "":
		ix.curName = strings.TrimSpace(string(name))
		ix.cur, err = bleve.OpenUsing(filepath.Join(dir, ix.curName), safeConfig)
		if err != nil {
			// The index is derived: start empty and let the caller rebuild.
			if ix.cur, ix.curName, _, err = ix.build(context.Background(), func(func(Doc) bool) {}); err != nil {
				return nil, fmt.Errorf("open index %s: %w", dir, err)
			}
			if err := ix.writeCurrent(ix.curName); err != nil {
				ix.cur.Close()
				return nil, err
			}
			ix.stale = true
			break
		}
		v, err := ix.cur.GetInternal([]byte("mapping_version"))
		if err != nil {
			ix.cur.Close()
			return nil, fmt.Errorf("open index %s: read version: %w", dir, err)
		}
		ix.stale = string(v) != mappingVersion
	case err == nil || errors.Is(err, os.ErrNotExist):
		ix.cur, ix.curName, _, err = ix.build(context.Background(), func(func(Doc) bool) {})
		if err != nil {
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		if err := ix.writeCurrent(ix.curName); err != nil {
			ix.cur.Close()
			return nil, err
		}
	default:
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	ix.alias = bleve.NewIndexAlias(ix.cur)
	ix.removeLeftovers()
	return ix, nil
}

// SetCacheSize sets how many recent answers are kept (DefaultCacheSize
// unless set); 0 turns the cache off.
func (ix *Index) SetCacheSize(n int) { ix.cache.setSize(n) }

// SetStandards replaces the profiles the index reads queries and counts
// facets with, as when the server reloads them: a new alias is understood
// at once. The pages' own text changes when they are indexed again.
func (ix *Index) SetStandards(set Standards) { ix.storeNames(set) }

// storeNames reads the profiles, their cards included, before any query
// needs them: analyzing 200 cards is 20 ms a visitor need not wait for.
func (ix *Index) storeNames(set Standards) {
	n := newNames(profilesOf(set))
	n.cardsOnce.Do(n.readCards)
	ix.names.Store(n)
}

func profilesOf(set Standards) []*profile.Profile {
	if set == nil {
		return nil
	}
	return set.All()
}

// Stale reports whether the index should be rebuilt with Reindex: it was
// built by an older mapping, or could not be opened and was started empty.
func (ix *Index) Stale() bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.stale
}

// safeConfig makes every write durable before it returns; the bulk build
// of Reindex runs without that and waits once for persistence at the end.
var safeConfig = map[string]any{"unsafe_batch": false}

// create makes a fresh physical index in a new timestamped folder, built
// for bulk loading: batches return before they reach the disk.
func (ix *Index) create() (bleve.Index, string, error) {
	m, err := newMapping()
	if err != nil {
		return nil, "", err
	}
	base := "ix-" + time.Now().UTC().Format("20060102T150405.000000000")
	name := base
	for i := 1; ; i++ {
		if _, err := os.Stat(filepath.Join(ix.dir, name)); errors.Is(err, os.ErrNotExist) {
			break
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
	path := filepath.Join(ix.dir, name)
	b, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, map[string]any{"unsafe_batch": true})
	if err != nil {
		return nil, "", fmt.Errorf("create index %s: %w", path, err)
	}
	return b, name, nil
}

// build fills a new physical index with docs and returns it reopened for
// durable writes.
func (ix *Index) build(ctx context.Context, docs iter.Seq[Doc]) (bleve.Index, string, int, error) {
	b, name, err := ix.create()
	if err != nil {
		return nil, "", 0, err
	}
	path := filepath.Join(ix.dir, name)
	fail := func(err error) (bleve.Index, string, int, error) {
		b.Close()
		os.RemoveAll(path)
		return nil, "", 0, err
	}
	n, err := fill(ctx, b, docs)
	if err != nil {
		return fail(err)
	}
	// The version goes in last, with a callback for when everything before
	// it is on disk.
	last := b.NewBatch()
	last.SetInternal([]byte("mapping_version"), []byte(mappingVersion))
	persisted := make(chan error, 1)
	last.SetPersistedCallback(func(err error) {
		select {
		case persisted <- err:
		default:
		}
	})
	if err := b.Batch(last); err != nil {
		return fail(err)
	}
	select {
	case err := <-persisted:
		if err != nil {
			return fail(fmt.Errorf("persist %s: %w", path, err))
		}
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	// One segment answers faster than the dozens a bulk load leaves.
	if adv, err := b.Advanced(); err == nil {
		if sc, ok := adv.(*scorch.Scorch); ok && n > 0 {
			if err := sc.ForceMerge(ctx, nil); err != nil {
				return fail(fmt.Errorf("merge %s: %w", path, err))
			}
		}
	}
	if err := b.Close(); err != nil {
		os.RemoveAll(path)
		return nil, "", 0, fmt.Errorf("close %s: %w", path, err)
	}
	b, err = bleve.OpenUsing(path, safeConfig)
	if err != nil {
		os.RemoveAll(path)
		return nil, "", 0, fmt.Errorf("reopen %s: %w", path, err)
	}
	return b, name, n, nil
}

// writeCurrent records the index in use, atomically.
func (ix *Index) writeCurrent(name string) error {
	tmp := filepath.Join(ix.dir, currentFile+".tmp")
	if err := os.WriteFile(tmp, []byte(name+"\n"), 0o644); err != nil {
		return fmt.Errorf("record current index: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(ix.dir, currentFile)); err != nil {
		return fmt.Errorf("record current index: %w", err)
	}
	return nil
}

// removeLeftovers deletes indexes a crashed Reindex left behind.
func (ix *Index) removeLeftovers() {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "ix-") && e.Name() != ix.curName {
			os.RemoveAll(filepath.Join(ix.dir, e.Name()))
		}
	}
}

// Put adds or replaces a page.
func (ix *Index) Put(ctx context.Context, d Doc) error {
	if d.Slug == "" {
		return errors.New("index put: empty slug")
	}
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	defer ix.gen.Add(1)
	if err := ix.alias.Index(d.Slug, d.fields()); err != nil {
		return fmt.Errorf("index put %s: %w", d.Slug, err)
	}
	zerolog.Ctx(ctx).Debug().Str("slug", d.Slug).Msg("indexed page")
	return nil
}

// Apply adds or replaces puts and removes deletes in one Bleve batch
// (batchSize at most per batch). Every batch is a new segment and a new
// snapshot, which the next search pays for (the new segment's facet table,
// and answers no longer cached) and the merger works off: a burst of
// changes written page by page kept searches slow for as long as it lasted.
func (ix *Index) Apply(ctx context.Context, puts []Doc, deletes []string) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	defer ix.gen.Add(1)
	batch := ix.alias.NewBatch()
	if batch == nil { // closed, or being swapped by a failed Reindex
		return fmt.Errorf("index batch: %w", bleve.ErrorIndexClosed)
	}
	flush := func() error {
		if batch.Size() == 0 {
			return nil
		}
		if err := ix.alias.Batch(batch); err != nil {
			return fmt.Errorf("index batch: %w", err)
		}
		batch.Reset()
		return nil
	}
	for _, slug := range deletes {
		batch.Delete(slug)
		if batch.Size() >= batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	for _, d := range puts {
		if d.Slug == "" {
			return errors.New("index put: empty slug")
		}
		if err := batch.Index(d.Slug, d.fields()); err != nil {
			return fmt.Errorf("index put %s: %w", d.Slug, err)
		}
		if batch.Size() >= batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	zerolog.Ctx(ctx).Debug().Int("put", len(puts)).Int("deleted", len(deletes)).Msg("indexed pages")
	return nil
}

// Delete removes a page; deleting an absent page is not an error.
func (ix *Index) Delete(ctx context.Context, slug string) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	defer ix.gen.Add(1)
	if err := ix.alias.Delete(slug); err != nil {
		return fmt.Errorf("index delete %s: %w", slug, err)
	}
	zerolog.Ctx(ctx).Debug().Str("slug", slug).Msg("removed page from index")
	return nil
}

// FacetTableBuilds is how many facet tables searches have built: one per
// index snapshot searched (each batch written or merge makes a snapshot).
func (ix *Index) FacetTableBuilds() int64 { return ix.pairs.builds.Load() }

// Count returns the number of pages indexed.
func (ix *Index) Count() (int, error) {
	n, err := ix.alias.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index count: %w", err)
	}
	return int(n), nil
}

// Reindex builds a new index from docs and swaps it in. Queries keep being
// answered from the old index until the swap; writes wait for it. When ctx
// ends or indexing fails the new index is thrown away and the old one stays.
func (ix *Index) Reindex(ctx context.Context, docs iter.Seq[Doc]) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	log := zerolog.Ctx(ctx)
	start := time.Now()
	next, name, n, err := ix.build(ctx, docs)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	discard := func() {
		next.Close()
		os.RemoveAll(filepath.Join(ix.dir, name))
	}
	ix.mu.Lock()
	if ix.closed {
		ix.mu.Unlock()
		discard()
		return fmt.Errorf("reindex: %w", ErrClosed)
	}
	if err := ix.writeCurrent(name); err != nil {
		ix.mu.Unlock()
		discard()
		return fmt.Errorf("reindex: %w", err)
	}
	old, oldName := ix.cur, ix.curName
	// Swap waits for running searches on old to finish (the alias holds a
	// read lock for each), so closing old afterwards cannot cut one short.
	ix.alias.Swap([]bleve.Index{next}, []bleve.Index{old})
	ix.gen.Add(1)
	ix.cur, ix.curName, ix.stale = next, name, false
	ix.mu.Unlock()

	if err := old.Close(); err != nil {
		log.Warn().Err(err).Str("index", oldName).Msg("close replaced index")
	}
	if err := os.RemoveAll(filepath.Join(ix.dir, oldName)); err != nil {
		log.Warn().Err(err).Str("index", oldName).Msg("remove replaced index")
	}
	log.Info().Int("docs", n).Dur("took", time.Since(start)).Str("index", name).Msg("reindexed")
	return nil
}

func fill(ctx context.Context, b bleve.Index, docs iter.Seq[Doc]) (int, error) {
	batch := b.NewBatch()
	n := 0
	var err error
	for d := range docs {
		if err = ctx.Err(); err != nil {
			break
		}
		if d.Slug == "" {
			continue
		}
		if err = batch.Index(d.Slug, d.fields()); err != nil {
			err = fmt.Errorf("%s: %w", d.Slug, err)
			break
		}
		n++
		if batch.Size() >= batchSize {
			if err = b.Batch(batch); err != nil {
				break
			}
			batch.Reset()
		}
	}
	if err != nil {
		return n, err
	}
	if batch.Size() > 0 {
		if err := b.Batch(batch); err != nil {
			return n, err
		}
	}
	return n, nil
}

// Close closes the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	ix.cache.setSize(0)
	ix.alias.Close()
	if err := ix.cur.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}
