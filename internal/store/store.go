// Package store keeps versus's system of record in NATS JetStream: page and
// section records in KV buckets (compare-and-set on their revisions), jobs in
// a work-queue stream, and every state change on an events stream, the audit
// log. Everything else (the Bleve index, metrics) is derived from it.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"time"
	"unique"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

var (
	// ErrNotFound: no record under that key.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the record changed since the revision the write was based on.
	ErrConflict = errors.New("revision conflict")
	// ErrExists: Create found a record already there.
	ErrExists = errors.New("already exists")
)

// Store is the NATS-backed record store. It is safe for concurrent use.
type Store struct {
	nc       *nats.Conn
	js       jetstream.JetStream
	settings Settings
	pages    *bucket[PageRecord]
	sections *bucket[SectionRecord]
	jobs     jetstream.Stream
	events   jetstream.Stream
	now      func() time.Time
	status   chan nats.Status // reconnects, which restart the mirrors' watches
	// crashAfterWrite, set by tests, stops a write's event from going out,
	// as if the process died between the record write and the publish.
	crashAfterWrite func(Event) bool

	watchMu  sync.Mutex
	watchers []*Watcher

	emitted emittedSet // events known to be on the events stream
}

// Open creates (or updates) the streams and buckets and returns a Store.
// It is idempotent: every process of a deployment calls it at start.
func Open(ctx context.Context, nc *nats.Conn, st Settings) (*Store, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	s := &Store{nc: nc, js: js, settings: st, now: time.Now}
	if s.jobs, err = s.stream(ctx, jetstream.StreamConfig{
		Name:        JobsStream,
		Description: "versus jobs: drafts and validations to do",
		Subjects:    []string{jobsSubjects},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    st.Replicas,
		Duplicates:  st.Duplicates,
	}); err != nil {
		return nil, err
	}
	if s.events, err = s.stream(ctx, jetstream.StreamConfig{
		Name:        EventsStream,
		Description: "versus audit log: every state change of every page and section",
		Subjects:    []string{eventsSubjects},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    st.Replicas,
		Duplicates:  st.Duplicates,
		MaxAge:      st.EventsMaxAge,
		MaxBytes:    limit(st.EventsMaxBytes),
		Discard:     jetstream.DiscardOld,
	}); err != nil {
		return nil, err
	}
	pkv, err := s.bucket(ctx, PagesBucket, "versus pair pages", st.PagesMaxBytes)
	if err != nil {
		return nil, err
	}
	skv, err := s.bucket(ctx, SectionsBucket, "versus standard sections", st.SectionsMaxBytes)
	if err != nil {
		return nil, err
	}
	s.pages = newBucket(s, KindPage, pkv, func(r *PageRecord) *Meta { return &r.Meta })
	s.pages.slim = slimPage
	s.sections = newBucket(s, KindSection, skv, func(r *SectionRecord) *Meta { return &r.Meta })
	s.sections.slim = slimSection
	s.status = nc.StatusChanged(nats.CONNECTED)
	pagesResync, sectionsResync := make(chan struct{}, 1), make(chan struct{}, 1)
	go func() {
		for range s.status { // closed by Close
			for _, c := range []chan struct{}{pagesResync, sectionsResync} {
				select {
				case c <- struct{}{}:
				default: // one is pending already
				}
			}
		}
	}()
	if err := s.pages.startMirror(ctx, pagesResync); err != nil {
		nc.RemoveStatusListener(s.status)
		return nil, fmt.Errorf("watch pages: %w", err)
	}
	if err := s.sections.startMirror(ctx, sectionsResync); err != nil {
		nc.RemoveStatusListener(s.status)
		s.pages.stop()
		return nil, fmt.Errorf("watch sections: %w", err)
	}
	return s, nil
}

func (s *Store) stream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	return retry(ctx, "create stream "+cfg.Name, func() (jetstream.Stream, error) {
		return s.js.CreateOrUpdateStream(ctx, cfg)
	})
}

// limit is a byte limit as JetStream takes it: -1 for none.
func limit(n int64) int64 {
	if n <= 0 {
		return -1
	}
	return n
}

// bucket opens a record bucket. KV buckets discard new messages when
// full: a write past maxBytes fails instead of dropping a record.
func (s *Store) bucket(ctx context.Context, name, desc string, maxBytes int64) (jetstream.KeyValue, error) {
	cfg := jetstream.KeyValueConfig{
		Bucket:      name,
		Description: desc,
		MaxBytes:    limit(maxBytes),
		History:     s.settings.History,
		Storage:     jetstream.FileStorage,
		Replicas:    s.settings.Replicas,
	}
	return retry(ctx, "create bucket "+name, func() (jetstream.KeyValue, error) {
		return s.js.CreateOrUpdateKeyValue(ctx, cfg)
	})
}

// Close stops the store's watchers; the connection stays the caller's.
func (s *Store) Close() {
	s.nc.RemoveStatusListener(s.status)
	s.pages.stop()
	s.sections.stop()
}

// JetStream exposes the context for packages that keep their own buckets
// (accounts, sessions) beside the store's.
func (s *Store) JetStream() jetstream.JetStream { return s.js }

// Settings returns the settings the store was opened with.
func (s *Store) Settings() Settings { return s.settings }

// Ping checks that JetStream answers.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.js.AccountInfo(ctx)
	return err
}

// --- pages ---

// Page returns a page record at its latest revision.
func (s *Store) Page(ctx context.Context, slug string) (PageRecord, error) {
	return s.pages.get(ctx, slug)
}

// PageAt returns a page record as it was at revision rev (from the KV history).
func (s *Store) PageAt(ctx context.Context, slug string, rev uint64) (PageRecord, error) {
	return s.pages.getRevision(ctx, slug, rev)
}

// Pages lists page records from the in-memory mirror of the bucket, sorted
// by slug. The mirror trails writes by a moment; use Page for a read to act on.
// Mirrored records carry no raw model answers (Answers, Raw), and their
// findings only their rule and severity: Page has them whole.
func (s *Store) Pages() []PageRecord { return s.pages.list(nil) }

// PagesWhere lists, in slug order, the mirror's own records that keep
// accepts, without copying them: a list request at 19,900 pages copies
// only the page of rows it shows (a copy of every page in review was 20 MB
// of garbage per request, and a client walking the list made a gigabyte).
// The records are shared: read them, never change one. The mirror replaces
// a record on every change and never changes one in place, so a pointer
// held after the call still reads the revision it was. keep runs under
// the mirror's read lock: it must not call the store.
func (s *Store) PagesWhere(keep func(*PageRecord) bool) []*PageRecord { return s.pages.shared(keep) }

// EachPage calls fn on every page record of the mirror, in no order,
// without copying them (Pages copies all, 15 MB at 19,900 pages). fn runs
// under the mirror's read lock: it must be quick, must not keep or change
// the record, and must not call the store.
func (s *Store) EachPage(fn func(*PageRecord)) {
	s.pages.each(func(_ string, r *PageRecord) { fn(r) })
}

// CreatePage stores a new page record; ErrExists if one is there.
func (s *Store) CreatePage(ctx context.Context, r PageRecord) (PageRecord, error) {
	return s.pages.create(ctx, r.Slug, r)
}

// UpdatePage applies fn to the latest revision and writes it back with
// compare-and-set, retrying when another writer got there first. Workers use
// it; fn must be safe to call more than once.
func (s *Store) UpdatePage(ctx context.Context, slug string, fn func(*PageRecord) error) (PageRecord, error) {
	return s.pages.update(ctx, slug, 0, fn)
}

// UpdatePageAt applies fn only if the record is still at revision rev, else
// ErrConflict. Editors' writes use it: a stale write must not win.
func (s *Store) UpdatePageAt(ctx context.Context, slug string, rev uint64, fn func(*PageRecord) error) (PageRecord, error) {
	return s.pages.update(ctx, slug, rev, fn)
}

// --- sections ---

// Section returns a standard's section record at its latest revision.
func (s *Store) Section(ctx context.Context, standard string) (SectionRecord, error) {
	return s.sections.get(ctx, standard)
}

// SectionAt returns a section record at revision rev.
func (s *Store) SectionAt(ctx context.Context, standard string, rev uint64) (SectionRecord, error) {
	return s.sections.getRevision(ctx, standard, rev)
}

// Sections lists section records from the mirror, sorted by standard id.
func (s *Store) Sections() []SectionRecord { return s.sections.list(nil) }

// CreateSection stores a new section record; ErrExists if one is there.
func (s *Store) CreateSection(ctx context.Context, r SectionRecord) (SectionRecord, error) {
	return s.sections.create(ctx, r.Standard, r)
}

// UpdateSection is UpdatePage for sections.
func (s *Store) UpdateSection(ctx context.Context, standard string, fn func(*SectionRecord) error) (SectionRecord, error) {
	return s.sections.update(ctx, standard, 0, fn)
}

// UpdateSectionAt is UpdatePageAt for sections.
func (s *Store) UpdateSectionAt(ctx context.Context, standard string, rev uint64, fn func(*SectionRecord) error) (SectionRecord, error) {
	return s.sections.update(ctx, standard, rev, fn)
}

// UpdateMeta applies fn to the bookkeeping of the page or section kind/key,
// for writes that touch nothing else (a state change, a failure recorded),
// and returns the bookkeeping as written, its revision filled in.
func (s *Store) UpdateMeta(ctx context.Context, kind Kind, key string, fn func(*Meta) error) (Meta, error) {
	if kind == KindSection {
		r, err := s.UpdateSection(ctx, key, func(r *SectionRecord) error { return fn(&r.Meta) })
		return r.Meta, err
	}
	r, err := s.UpdatePage(ctx, key, func(r *PageRecord) error { return fn(&r.Meta) })
	return r.Meta, err
}

// --- jobs ---

// Stage is which worker kind a job is for.
type Stage = lifecycle.Stage

const (
	StageDraft    = lifecycle.StageDraft
	StageValidate = lifecycle.StageValidate
)

// JobSubject is the subject a job of stage for kind/key is published on.
func JobSubject(stage Stage, kind Kind, key string) string {
	return "versus.jobs." + string(stage) + "." + string(kind) + "." + key
}

// Publish queues a job. Its Nats-Msg-Id is derived from the job, so the
// same job published twice (a retry after a lost ack, two enqueues racing)
// is stored once.
func (s *Store) Publish(ctx context.Context, stage Stage, j Job) error {
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	id := fmt.Sprintf("%s.%s.%s.%s.%d", stage, j.Kind, j.Key, short(j.Inputs), j.Seq)
	if _, err := s.js.Publish(ctx, JobSubject(stage, j.Kind, j.Key), data, jetstream.WithMsgID(id)); err != nil {
		return fmt.Errorf("publish %s job %s: %w", stage, j.Key, err)
	}
	return nil
}

// Consumer creates (or updates) the durable pull consumer name over subjects.
func (s *Store) Consumer(ctx context.Context, name string, subjects ...string) (jetstream.Consumer, error) {
	cfg := jetstream.ConsumerConfig{
		Durable:       name,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       s.settings.AckWait,
		MaxDeliver:    s.settings.MaxDeliver,
		MaxAckPending: s.settings.MaxAckPending,
	}
	if len(s.settings.BackOff) > 0 {
		// The server takes BackOff[0] as the ack wait of the first delivery.
		cfg.BackOff = append([]time.Duration{s.settings.AckWait}, s.settings.BackOff...)
	}
	if len(subjects) == 1 {
		cfg.FilterSubject = subjects[0]
	} else {
		cfg.FilterSubjects = subjects
	}
	return createConsumer(ctx, s.js, JobsStream, cfg)
}

// createConsumer creates or updates a durable consumer, retrying while the
// cluster cannot answer (a node restarting, a leader election): a worker
// that starts during one waits it out instead of taking its process down.
func createConsumer(ctx context.Context, js jetstream.JetStream, stream string, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error) {
	return retry(ctx, "consumer "+cfg.Durable, func() (jetstream.Consumer, error) {
		return js.CreateOrUpdateConsumer(ctx, stream, cfg)
	})
}

// retry calls fn until it succeeds, fails for a reason other than JetStream
// being unavailable, or ctx ends. Processes of a deployment start in any
// order, often while the cluster is still electing leaders or its peers are
// still joining: that is a wait, not a failure.
func retry[T any](ctx context.Context, what string, fn func() (T, error)) (T, error) {
	wait := 100 * time.Millisecond
	for {
		v, err := fn()
		if err == nil {
			return v, nil
		}
		if !Unavailable(ctx, err) {
			return v, fmt.Errorf("%s: %w", what, err)
		}
		select {
		case <-ctx.Done():
			return v, fmt.Errorf("%s: %w (last error: %w)", what, ctx.Err(), err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// JetStream API error codes that mean "the cluster is not ready yet": its
// peers are still joining, so an R3 stream cannot be placed for a moment.
const (
	errNoSuitablePeers       jetstream.ErrorCode = 10005
	errInsufficientResources jetstream.ErrorCode = 10023
)

// Unavailable reports whether err means JetStream could not answer just
// now (no responders, a request timeout while ctx is alive, a 503 from the
// API during an election) rather than that the request was wrong.
func Unavailable(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	if errors.Is(err, nats.ErrNoResponders) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, jetstream.ErrNoStreamResponse) ||
		errors.Is(err, jetstream.ErrServerShutdown) || errors.Is(err, nats.ErrConnectionReconnecting) {
		return true
	}
	var ae *apiError
	if errors.As(err, &ae) && ae.Code == 503 {
		return true
	}
	var je jetstream.JetStreamError
	if errors.As(err, &je) {
		if ae := je.APIError(); ae != nil && (ae.Code == 503 || ae.ErrorCode == errNoSuitablePeers || ae.ErrorCode == errInsufficientResources) {
			return true
		}
	}
	return false
}

// EventConsumer creates (or resumes) a durable consumer of the events
// stream. A new one starts at new events: its owner first catches up from
// the KV, which holds the current state, then follows the changes.
func (s *Store) EventConsumer(ctx context.Context, name string) (jetstream.Consumer, error) {
	return createConsumer(ctx, s.js, EventsStream, jetstream.ConsumerConfig{
		Durable:           name,
		AckPolicy:         jetstream.AckExplicitPolicy,
		AckWait:           s.settings.AckWait,
		MaxDeliver:        -1,
		MaxAckPending:     s.settings.MaxAckPending,
		DeliverPolicy:     jetstream.DeliverNewPolicy,
		FilterSubject:     eventsSubjects,
		InactiveThreshold: s.settings.IdleReplica,
	})
}

// QueueDepth is the number of jobs waiting in the jobs stream.
func (s *Store) QueueDepth(ctx context.Context) (uint64, error) {
	info, err := s.jobs.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.Msgs, nil
}

// --- events ---

// EventSubject is where events of kind/key are published.
func EventSubject(kind Kind, key string) string {
	return "versus.events." + string(kind) + "." + key
}

// Emit appends an event to the audit log. An event without an ID gets one;
// a retried Emit with the same ID is stored once.
func (s *Store) Emit(ctx context.Context, ev Event) error {
	if ev.ID == "" {
		ev.ID = nuid.Next()
	}
	if ev.Time.IsZero() {
		ev.Time = s.now().UTC()
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	if _, err := s.js.Publish(ctx, EventSubject(ev.Kind, ev.Key), data, jetstream.WithMsgID(ev.ID)); err != nil {
		return fmt.Errorf("emit %s %s: %w", ev.Type, ev.Key, err)
	}
	return nil
}

// History returns the events of one record, oldest first.
func (s *Store) History(ctx context.Context, kind Kind, key string) ([]Event, error) {
	subj := EventSubject(kind, key)
	c, err := s.js.OrderedConsumer(ctx, EventsStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{subj},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", key, err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", key, err)
	}
	n := int(info.NumPending)
	out := make([]Event, 0, n)
	for len(out) < n {
		batch, err := c.Fetch(n-len(out), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return nil, fmt.Errorf("history %s: %w", key, err)
		}
		got := 0
		for m := range batch.Messages() {
			got++
			var ev Event
			if json.Unmarshal(m.Data(), &ev) == nil {
				out = append(out, ev)
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return nil, fmt.Errorf("history %s: %w", key, err)
		}
		if got == 0 {
			// Fewer than the consumer said were there: a leader change
			// under the read. A partial history is an error, never an
			// answer (the read is worth retrying, as a timeout is).
			return nil, fmt.Errorf("history %s: read %d of %d events: %w", key, len(out), n, nats.ErrTimeout)
		}
	}
	return out, nil
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

// --- a typed bucket with an in-memory mirror ---

// The mirrors hold every record in memory, so they keep what lists,
// filters, publishing and the index read, and drop what only the drafter
// reads (and reads from the stream leader, never from a mirror): the
// model's raw answers. With an LLM those are several times the page.
// The strings many records repeat (states, hashes of the inputs, actors)
// are held once.
func slimMeta(m *Meta) {
	m.Answers, m.Raw = nil, ""
	internAll(m.Inputs.Profiles)
	m.Inputs.Prompt = intern(m.Inputs.Prompt)
	m.Inputs.Model = intern(m.Inputs.Model)
	m.Drafter = intern(m.Drafter)
	m.UpdatedBy = intern(m.UpdatedBy)
	if e := m.Event; e != nil {
		e.Type, e.Actor = intern(e.Type), intern(e.Actor)
		e.From, e.To = State(intern(string(e.From))), State(intern(string(e.To)))
	}
}

// slimPage shares the approved pair with the draft when they are the same
// (every page approved and not edited since), so an approved page is held
// once, not twice. Its findings keep their rule and severity, what lists,
// filters, counts and the dashboard read: the messages and hints (1.7 KB
// of a page with six findings) are shown only on the page itself, which
// reads the record (Page). The text a page shares with the other pages of
// its standards is held once: a standard's cells of the differences table
// are the same on all its pages (199 at 200 standards), and so are the
// aspects, the relations' facts and sources and the overlap's names.
func slimPage(r *PageRecord) {
	internAll(r.Standards[:])
	internPair(&r.Pair)
	if r.Approved != nil {
		if reflect.DeepEqual(*r.Approved, r.Pair) {
			r.Approved = &r.Pair
		} else {
			internPair(r.Approved)
		}
	}
	if len(r.Findings) > 0 {
		fs := make([]finding.Finding, len(r.Findings))
		for i, f := range r.Findings {
			fs[i] = finding.Finding{Rule: intern(f.Rule), Severity: finding.Severity(intern(string(f.Severity)))}
		}
		r.Findings = fs
	}
}

func internPair(p *page.Pair) {
	d := &p.Differences
	for _, row := range []*page.Row{&d.Scope, &d.Industry, &d.Nature, &d.Testing, &d.Penalties} {
		internRow(row)
	}
	for i := range d.Extra {
		internRow(&d.Extra[i])
	}
	for i := range p.Relations {
		rel := &p.Relations[i]
		rel.Kind = profile.RelationKind(intern(string(rel.Kind)))
		rel.Fact, rel.Scope = intern(rel.Fact), intern(rel.Scope)
		rel.Source.Title, rel.Source.URL = intern(rel.Source.Title), intern(rel.Source.URL)
	}
	if o := p.Overlap; o != nil {
		o.Basis, o.Via, o.ViaName, o.Source = intern(o.Basis), intern(o.Via), intern(o.ViaName), intern(o.Source)
		for _, side := range []*page.OverlapSide{&o.A, &o.B} {
			side.Framework, side.Note = intern(side.Framework), intern(side.Note)
		}
	}
	for i := range p.Grammar {
		p.Grammar[i].Article = intern(p.Grammar[i].Article)
	}
}

func internRow(r *page.Row) { r.Aspect, r.A, r.B = intern(r.Aspect), intern(r.A), intern(r.B) }

func internAll(ss []string) {
	for i, s := range ss {
		ss[i] = intern(s)
	}
}

// intern returns the one copy of s the process holds while any record
// refers to it (unique drops a string no record holds any more, so the
// copies stay bounded by the records).
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

// slimSection does the same for a section.
func slimSection(r *SectionRecord) {
	if r.Approved != nil && reflect.DeepEqual(*r.Approved, r.Section) {
		r.Approved = &r.Section
	}
}

type bucket[T any] struct {
	s    *Store
	kind Kind
	nc   *nats.Conn // for reads from the stream leader; see get.go
	kv   jetstream.KeyValue
	meta func(*T) *Meta
	// slim, when set, trims a record before the mirror keeps it.
	slim func(*T)

	mu     sync.RWMutex
	mirror map[string]*T // records are replaced, never changed in place
	cancel context.CancelFunc
	done   chan struct{}
}

func newBucket[T any](s *Store, kind Kind, kv jetstream.KeyValue, meta func(*T) *Meta) *bucket[T] {
	return &bucket[T]{s: s, kind: kind, nc: s.nc, kv: kv, meta: meta, mirror: map[string]*T{}}
}

func (b *bucket[T]) decode(e jetstream.KeyValueEntry) (T, error) {
	return b.decodeValue(e.Key(), e.Value(), e.Revision())
}

func (b *bucket[T]) decodeValue(key string, data []byte, rev uint64) (T, error) {
	var r T
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("decode %s: %w", key, err)
	}
	b.meta(&r).Revision = rev
	return r, nil
}

// get reads a record at its latest revision, from the stream leader.
func (b *bucket[T]) get(ctx context.Context, key string) (T, error) {
	data, rev, err := leaderGet(ctx, b.nc, b.kv.Bucket(), key)
	if err != nil {
		var zero T
		return zero, err
	}
	return b.decodeValue(key, data, rev)
}

func (b *bucket[T]) getRevision(ctx context.Context, key string, rev uint64) (T, error) {
	e, err := b.kv.GetRevision(ctx, key, rev)
	if err != nil {
		var zero T
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return zero, fmt.Errorf("%s@%d: %w", key, rev, ErrNotFound)
		}
		return zero, fmt.Errorf("get %s@%d: %w", key, rev, err)
	}
	return b.decode(e)
}

func (b *bucket[T]) create(ctx context.Context, key string, r T) (T, error) {
	ev := b.stamp(key, b.meta(&r))
	data, err := json.Marshal(r)
	if err != nil {
		return r, err
	}
	rev, err := b.kv.Create(ctx, key, data)
	if err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return r, fmt.Errorf("%s: %w", key, ErrExists)
		}
		return r, fmt.Errorf("create %s: %w", key, err)
	}
	b.meta(&r).Revision = rev
	b.s.written(ctx, ev, rev)
	return r, nil
}

// stamp readies the event of a write (its id, kind, key and time) and
// returns it, or nil for a write without one.
func (b *bucket[T]) stamp(key string, m *Meta) *Event {
	ev := m.Event
	if ev == nil {
		return nil
	}
	if ev.ID == "" {
		ev.ID = nuid.Next()
	}
	if ev.Time.IsZero() {
		ev.Time = b.s.now().UTC()
	}
	ev.Kind, ev.Key, ev.Revision = b.kind, key, 0
	return ev
}

// update is read, modify, compare-and-set. With rev == 0 it retries on
// conflict (the caller's fn is re-applied to the newer record); with rev > 0
// a record that moved past rev is a conflict for the caller to show.
func (b *bucket[T]) update(ctx context.Context, key string, rev uint64, fn func(*T) error) (T, error) {
	for attempt := 0; ; attempt++ {
		r, err := b.get(ctx, key)
		if err != nil {
			return r, err
		}
		m := b.meta(&r)
		if rev != 0 && m.Revision != rev {
			return r, fmt.Errorf("%s: at revision %d, not %d: %w", key, m.Revision, rev, ErrConflict)
		}
		base := m.Revision
		// The event of the revision read must be out before this write
		// makes the next one: the history keeps the order of the writes.
		if prev := m.Event; prev != nil {
			if err := b.s.ensureEmitted(ctx, *prev, base); err != nil {
				return r, err
			}
		}
		m.Event = nil // each write carries its own event, or none
		if err := fn(&r); err != nil {
			return r, err
		}
		m = b.meta(&r)
		ev := b.stamp(key, m)
		m.Revision = 0
		m.Updated = time.Now().UTC()
		data, err := json.Marshal(r)
		if err != nil {
			return r, err
		}
		nrev, err := b.kv.Update(ctx, key, data, base)
		if err == nil {
			m.Revision = nrev
			b.s.written(ctx, ev, nrev)
			return r, nil
		}
		if !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !errors.Is(err, jetstream.ErrKeyExists) {
			return r, fmt.Errorf("update %s: %w", key, err)
		}
		if rev != 0 || attempt >= 50 {
			return r, fmt.Errorf("%s: changed meanwhile: %w", key, ErrConflict)
		}
	}
}

// list copies the records keep accepts (all, when keep is nil), by key.
func (b *bucket[T]) list(keep func(*T) bool) []T {
	// The records kept are counted before they are copied, so the copy is
	// made once at its size rather than grown (and copied again) by append.
	kept := b.shared(keep)
	var out []T
	if len(kept) > 0 || keep == nil {
		out = make([]T, len(kept))
	}
	for i, r := range kept {
		out[i] = *r
	}
	return out
}

// shared lists the mirror's records that keep accepts, by key, uncopied.
func (b *bucket[T]) shared(keep func(*T) bool) []*T {
	b.mu.RLock()
	defer b.mu.RUnlock()
	keys := make([]string, 0, len(b.mirror))
	for k := range b.mirror {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kept := make([]*T, 0, len(keys))
	for _, k := range keys {
		if r := b.mirror[k]; keep == nil || keep(r) {
			kept = append(kept, r)
		}
	}
	return kept
}

// startMirror loads the bucket and keeps the mirror current. It returns once
// the initial values are in, so a List right after Open sees every record.
//
// A send on resync (the connection came back, perhaps to a restarted server
// that lost the watch's consumer) starts a fresh watch: the client would
// only notice the lost consumer after several missed heartbeats, and until
// then the mirror, and everything read from it, would stand still.
func (b *bucket[T]) startMirror(ctx context.Context, resync <-chan struct{}) error {
	wctx, cancel := context.WithCancel(context.Background())
	w, err := b.kv.WatchAll(wctx)
	if err != nil {
		cancel()
		return err
	}
	b.cancel = cancel
	b.done = make(chan struct{})
	ready := make(chan struct{})
	go b.follow(wctx, w, ready, resync)
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		cancel()
		return ctx.Err()
	}
}

func (b *bucket[T]) follow(ctx context.Context, w jetstream.KeyWatcher, ready chan struct{}, resync <-chan struct{}) {
	defer close(b.done)
	defer func() {
		if w != nil {
			_ = w.Stop()
		}
	}()
	var updates <-chan jetstream.KeyValueEntry = w.Updates()
	var retry <-chan time.Time // set while a new watch could not be started
	rewatch := func() {
		if w != nil {
			_ = w.Stop()
			w, updates = nil, nil
		}
		nw, err := b.kv.WatchAll(ctx)
		if err != nil {
			retry = time.After(500 * time.Millisecond) // JetStream may still be recovering
			return
		}
		w, updates, retry = nw, nw.Updates(), nil
	}
	first := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-resync:
			rewatch()
		case <-retry:
			rewatch()
		case e, ok := <-updates:
			if !ok {
				rewatch() // the watch ended under us
				continue
			}
			if e == nil { // the end of the initial values
				if first {
					first = false
					close(ready)
				}
				continue
			}
			b.apply(e)
		}
	}
}

func (b *bucket[T]) apply(e jetstream.KeyValueEntry) {
	defer b.s.notify(Change{Kind: b.kind, Key: e.Key()})
	if e.Operation() != jetstream.KeyValuePut {
		b.mu.Lock()
		delete(b.mirror, e.Key())
		b.mu.Unlock()
		b.s.emitted.forget(b.kind, e.Key())
		return
	}
	r, err := b.decode(e)
	if err != nil {
		return
	}
	slimMeta(b.meta(&r))
	if b.slim != nil {
		b.slim(&r)
	}
	b.mu.Lock()
	if old, ok := b.mirror[e.Key()]; ok && b.meta(old).Revision > e.Revision() {
		b.mu.Unlock()
		return
	}
	b.mirror[e.Key()] = &r
	b.mu.Unlock()
}

func (b *bucket[T]) stop() {
	if b.cancel != nil {
		b.cancel()
		<-b.done
	}
}

// PageRevisions returns the stored revisions of a page, oldest first (as many
// as the bucket's History keeps).
func (s *Store) PageRevisions(ctx context.Context, slug string) ([]PageRecord, error) {
	return s.pages.revisions(ctx, slug)
}

// SectionRevisions returns the stored revisions of a section, oldest first.
func (s *Store) SectionRevisions(ctx context.Context, standard string) ([]SectionRecord, error) {
	return s.sections.revisions(ctx, standard)
}

func (b *bucket[T]) revisions(ctx context.Context, key string) ([]T, error) {
	es, err := b.kv.History(ctx, key)
	if err != nil {
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return nil, fmt.Errorf("%s: %w", key, ErrNotFound)
		}
		return nil, fmt.Errorf("history %s: %w", key, err)
	}
	out := make([]T, 0, len(es))
	for _, e := range es {
		if e.Operation() != jetstream.KeyValuePut {
			continue
		}
		r, err := b.decode(e)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// StateCounts counts records by kind and state, from the mirrors. It
// counts in place: a metrics scrape copies no record.
func (s *Store) StateCounts() map[string]map[string]int {
	out := map[string]map[string]int{string(KindPage): {}, string(KindSection): {}}
	for _, st := range States {
		out[string(KindPage)][string(st)] = 0
		out[string(KindSection)][string(st)] = 0
	}
	s.pages.each(func(_ string, r *PageRecord) { out[string(KindPage)][string(r.State)]++ })
	s.sections.each(func(_ string, r *SectionRecord) { out[string(KindSection)][string(r.State)]++ })
	return out
}

// each calls fn on every mirrored record, in no order, under the mirror's
// read lock: fn must be quick, must not keep r or change it, and must not
// call the store. Lists copy every record (768 bytes each, 15 MB at
// 19,900 pages); each copies none.
func (b *bucket[T]) each(fn func(key string, r *T)) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for k, r := range b.mirror {
		fn(k, r)
	}
}

// QueueDepthNow is QueueDepth with a background context, for collectors.
func (s *Store) QueueDepthNow() (uint64, error) { return s.QueueDepth(context.Background()) }

// PublishedPage returns the page visitors see at slug, if it is published.
func (s *Store) PublishedPage(ctx context.Context, slug string) (page.Page, bool, error) {
	p, err := s.Page(ctx, slug)
	if errors.Is(err, ErrNotFound) {
		return page.Page{}, false, nil
	}
	if err != nil {
		return page.Page{}, false, err
	}
	a, errA := s.Section(ctx, p.Standards[0])
	b, errB := s.Section(ctx, p.Standards[1])
	if errA != nil || errB != nil {
		return page.Page{}, false, nil
	}
	pg, ok := Published(p, a, b)
	return pg, ok, nil
}

// PublishedPages lists every published page, from the mirrors.
func (s *Store) PublishedPages() []page.Page {
	secs := map[string]SectionRecord{}
	for _, r := range s.Sections() {
		secs[r.Standard] = r
	}
	var out []page.Page
	for _, p := range s.Pages() {
		if pg, ok := Published(p, secs[p.Standards[0]], secs[p.Standards[1]]); ok {
			out = append(out, pg)
		}
	}
	return out
}
