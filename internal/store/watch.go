package store

import (
	"sync"

	"github.com/versus-dev/versus/internal/page"
)

// Change names a record that changed (or was deleted), as the KV watch
// behind the mirrors saw it.
type Change struct {
	Kind Kind
	Key  string
}

// Watcher collects the records that changed since it was last read. It
// never blocks the mirrors and never drops a change: a burst of writes to
// one record is one entry.
type Watcher struct {
	mu      sync.Mutex
	pending map[Change]struct{}
	signal  chan struct{}
}

// Ready has a value when changes are pending.
func (w *Watcher) Ready() <-chan struct{} { return w.signal }

// Take returns and clears the pending changes.
func (w *Watcher) Take() []Change {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Change, 0, len(w.pending))
	for c := range w.pending {
		out = append(out, c)
	}
	clear(w.pending)
	return out
}

// Put marks c pending (again), as for a change that could not be handled yet.
func (w *Watcher) Put(c Change) {
	w.mu.Lock()
	w.pending[c] = struct{}{}
	w.mu.Unlock()
	select {
	case w.signal <- struct{}{}:
	default:
	}
}

// Watch starts collecting changes to every page and section record, from
// now on: read the mirrors after Watch to start from a whole picture.
// After a reconnect the mirrors replay every record, so a watcher sees a
// change lost while the connection was down.
func (s *Store) Watch() *Watcher {
	w := &Watcher{pending: map[Change]struct{}{}, signal: make(chan struct{}, 1)}
	s.watchMu.Lock()
	s.watchers = append(s.watchers, w)
	s.watchMu.Unlock()
	return w
}

// Unwatch stops w.
func (s *Store) Unwatch(w *Watcher) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	for i, x := range s.watchers {
		if x == w {
			s.watchers = append(s.watchers[:i], s.watchers[i+1:]...)
			return
		}
	}
}

func (s *Store) notify(c Change) {
	s.watchMu.Lock()
	ws := s.watchers
	s.watchMu.Unlock()
	for _, w := range ws {
		w.Put(c)
	}
}

// MirrorPage is the mirror's copy of a page record.
func (s *Store) MirrorPage(slug string) (PageRecord, bool) { return s.pages.mirrored(slug) }

// MirrorSection is the mirror's copy of a section record.
func (s *Store) MirrorSection(standard string) (SectionRecord, bool) {
	return s.sections.mirrored(standard)
}

func (b *bucket[T]) mirrored(key string) (T, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	r, ok := b.mirror[key]
	if !ok {
		var zero T
		return zero, false
	}
	return *r, true
}

// PublishedFromMirror is the page visitors see at slug, by the mirrors:
// what a search replica follows.
func (s *Store) PublishedFromMirror(slug string) (page.Page, bool) {
	p, ok := s.MirrorPage(slug)
	if !ok {
		return page.Page{}, false
	}
	a, okA := s.MirrorSection(p.Standards[0])
	b, okB := s.MirrorSection(p.Standards[1])
	if !okA || !okB {
		return page.Page{}, false
	}
	return Published(p, a, b)
}
