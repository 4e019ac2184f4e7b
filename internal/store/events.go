package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Every write that changes a record carries its event (Meta.Event), and
// the event goes out after the write. A process can die between the two;
// then the event is emitted by whichever comes first of the next write of
// the record (ensureEmitted, before it writes) and the reconciler a
// restarted process runs (Reconcile). Both look at the last event on the
// record's subject, so an event is emitted once whatever the dedup window.

// emitWait bounds how long a writer keeps trying to emit its write's
// event while JetStream cannot answer (a stream leader lost, an election):
// long enough for an election, so the event is rarely left to others.
const emitWait = 20 * time.Second

// emittedSet remembers, per record, the id of the last event of it that
// this process knows is on the events stream: one it published and
// JetStream acknowledged, or one it found there. A write based on a
// revision whose event is known out need not ask the stream again, and
// the periodic reconciler need not read such a record back: each saves a
// round trip to the stream leader per state change. It is only a shortcut:
// a record not in it is checked on the stream as before.
type emittedSet struct {
	mu sync.Mutex
	m  map[string]string // kind/key -> event id
}

func emittedKey(kind Kind, key string) string { return string(kind) + "/" + key }

func (e *emittedSet) put(kind Kind, key, id string) {
	e.mu.Lock()
	if e.m == nil {
		e.m = map[string]string{}
	}
	e.m[emittedKey(kind, key)] = id
	e.mu.Unlock()
}

func (e *emittedSet) has(kind Kind, key, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return id != "" && e.m[emittedKey(kind, key)] == id
}

func (e *emittedSet) forget(kind Kind, key string) {
	e.mu.Lock()
	delete(e.m, emittedKey(kind, key))
	e.mu.Unlock()
}

// written emits a write's event, retrying while JetStream is unavailable.
// A failure after that is only logged, the write having happened: the
// next write of the record or the reconciler emits it.
func (s *Store) written(ctx context.Context, ev *Event, rev uint64) {
	if ev == nil {
		return
	}
	ev.Revision = rev
	if s.crashAfterWrite != nil && s.crashAfterWrite(*ev) {
		return
	}
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), emitWait)
	defer cancel()
	if _, err := retry(ectx, "emit", func() (struct{}, error) { return struct{}{}, s.Emit(ectx, *ev) }); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("key", ev.Key).Str("event", ev.Type).Msg("event not emitted yet; the next write or the reconciler will")
		return
	}
	s.emitted.put(ev.Kind, ev.Key, ev.ID)
}

// ensureEmitted emits ev, the event of the record's revision rev, unless
// it is already the last event on the record's subject.
func (s *Store) ensureEmitted(ctx context.Context, ev Event, rev uint64) error {
	if s.emitted.has(ev.Kind, ev.Key, ev.ID) {
		return nil // this process saw it accepted
	}
	last, ok, err := s.lastEvent(ctx, ev.Kind, ev.Key)
	if err != nil {
		return err
	}
	if !ok || last.ID != ev.ID {
		ev.Revision = rev
		if err := s.Emit(ctx, ev); err != nil {
			return err
		}
	}
	s.emitted.put(ev.Kind, ev.Key, ev.ID)
	return nil
}

// lastEvent is the last event on the subject of kind/key, read from the
// events stream's leader.
func (s *Store) lastEvent(ctx context.Context, kind Kind, key string) (Event, bool, error) {
	var ev Event
	if !validKey(key) {
		return ev, false, nil
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, leaderGetTimeout)
		defer cancel()
	}
	req, err := json.Marshal(map[string]string{"last_by_subj": EventSubject(kind, key)})
	if err != nil {
		return ev, false, err
	}
	msg, err := s.nc.RequestWithContext(ctx, "$JS.API.STREAM.MSG.GET."+EventsStream, req)
	if err != nil {
		return ev, false, fmt.Errorf("last event of %s: %w", key, err)
	}
	data, _, err := decodeMsgGet(msg.Data)
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, errGone):
		return ev, false, nil
	case err != nil:
		return ev, false, fmt.Errorf("last event of %s: %w", key, err)
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return ev, false, fmt.Errorf("last event of %s: %w", key, err)
	}
	return ev, true, nil
}

// Reconcile emits every record's last event that is not on the events
// stream: a process that died between a write and its event leaves one.
// Every process runs it at start, before its workers. It returns how many
// it emitted.
//
// A record whose mirrored last event this process knows is out (it
// emitted it, or found it there before) is not read back: at start none
// is known and every record is checked on the stream leader; the periodic
// runs check only what other processes wrote, or what failed to go out.
// A mirror trailing a write is caught up by the next run.
func (s *Store) Reconcile(ctx context.Context) (int, error) {
	n := 0
	check := func(kind Kind, key string, read func() (Meta, error)) error {
		m, err := read() // from the leader: the mirror may trail a write
		if errors.Is(err, ErrNotFound) || err == nil && m.Event == nil {
			return nil
		}
		if err != nil {
			return err
		}
		if s.emitted.has(kind, key, m.Event.ID) {
			return nil
		}
		last, ok, err := s.lastEvent(ctx, kind, key)
		if err != nil {
			return err
		}
		if ok && last.ID == m.Event.ID {
			s.emitted.put(kind, key, last.ID)
			return nil
		}
		// A write may have landed since the read, its writer emitting its
		// own event: re-read, and leave a record that moved to that writer.
		again, err := read()
		if err != nil || again.Revision != m.Revision {
			return err
		}
		n++
		ev := *m.Event
		ev.Revision = m.Revision
		if err := s.Emit(ctx, ev); err != nil {
			return err
		}
		s.emitted.put(kind, key, ev.ID)
		return nil
	}
	for _, key := range s.sections.unconfirmed(&s.emitted) {
		if err := check(KindSection, key, func() (Meta, error) { x, err := s.Section(ctx, key); return x.Meta, err }); err != nil {
			return n, fmt.Errorf("reconcile section %s: %w", key, err)
		}
	}
	for _, key := range s.pages.unconfirmed(&s.emitted) {
		if err := check(KindPage, key, func() (Meta, error) { x, err := s.Page(ctx, key); return x.Meta, err }); err != nil {
			return n, fmt.Errorf("reconcile page %s: %w", key, err)
		}
	}
	return n, nil
}

// unconfirmed are the keys, sorted, of mirrored records that carry an
// event not known to be on the events stream.
func (b *bucket[T]) unconfirmed(e *emittedSet) []string {
	var keys []string
	b.mu.RLock()
	for k, r := range b.mirror {
		if ev := b.meta(r).Event; ev != nil && !e.has(b.kind, k, ev.ID) {
			keys = append(keys, k)
		}
	}
	b.mu.RUnlock()
	sort.Strings(keys)
	return keys
}

// ReconcileEvery runs Reconcile every interval until ctx ends, for a
// writer that failed to emit and was never followed by another write.
func (s *Store) ReconcileEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.Reconcile(ctx); err != nil && ctx.Err() == nil {
				zerolog.Ctx(ctx).Warn().Err(err).Msg("reconcile events")
			} else if n > 0 {
				zerolog.Ctx(ctx).Info().Int("emitted", n).Msg("reconciled missing events")
			}
		}
	}
}
