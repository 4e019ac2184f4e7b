package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// A run is one enqueue request, answered at once and carried out in the
// background. Its plan (the records to queue) is written to the runs
// bucket before the answer goes out, in chunks, and the run's meta record
// says how many chunks are done; a process that stops mid-run finishes it
// at its next start. Every step is idempotent (a record whose inputs are
// unchanged is skipped, and a job's Nats-Msg-Id drops a second publish), so
// redoing the chunk a stop interrupted doubles nothing.

// RunsBucket holds runs: "<id>" is a run's meta, "<id>.<n>" its n-th chunk.
const RunsBucket = "versus_runs"

// Bounds of the runs bucket: a run of 19,900 pages is about 2 MB of plan;
// runs are kept a month, and the bucket never holds more than 1 GiB (a
// bucket refuses writes when full, so this is far above any month's use:
// 500 runs of every pair of 200 standards).
const (
	runTTL       = 30 * 24 * time.Hour
	runsMaxBytes = 256 << 20
	// RunChunk is the number of records in one chunk of a plan: small
	// enough that a chunk is far below the 1 MB message limit and a
	// restart redoes little, large enough that progress writes are rare.
	RunChunk = 100
)

// Run is a run's meta record.
type Run struct {
	ID       string    `json:"id"`
	Actor    string    `json:"actor"`
	Created  time.Time `json:"created"`
	Queued   int       `json:"queued"`   // pages to queue, counted at the start
	Skipped  int       `json:"skipped"`  // pages whose inputs are unchanged
	Sections int       `json:"sections"` // standard sections in the plan
	Items    int       `json:"items"`    // records in the plan: sections then pages
	Chunks   int       `json:"chunks"`
	Done     int       `json:"done"` // chunks carried out
	Finished time.Time `json:"finished,omitzero"`
	Error    string    `json:"error,omitempty"` // why the run stopped for good
}

// Enqueued is the number of plan records written and their jobs published.
func (r Run) Enqueued() int { return min(r.Done*RunChunk, r.Items) }

// PlanItem is one record of a run's plan, with what it stood at when the
// run began (so progress counts this run's drafts and tokens only).
type PlanItem struct {
	Kind   store.Kind `json:"k"`
	Key    string     `json:"key"`
	A      string     `json:"a,omitempty"` // a page's standards
	B      string     `json:"b,omitempty"`
	Seq    int        `json:"seq"` // the record's Seq before the run (0: new)
	Prompt int        `json:"p,omitempty"`
	Compl  int        `json:"c,omitempty"`
}

// Runs starts, carries out and reports runs.
type Runs struct {
	Planner *Planner
	// Price, when set, turns a run's tokens into money in its progress.
	Price  *Price
	kv     jetstream.KeyValue
	work   chan string
	mu     sync.Mutex
	active map[string]bool
}

// OpenRuns opens (or creates) the runs bucket.
func OpenRuns(ctx context.Context, p *Planner) (*Runs, error) {
	st := p.Store.Settings()
	kv, err := p.Store.JetStream().CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: RunsBucket, Description: "enqueue runs: plan and progress",
		History: 1, TTL: runTTL, MaxBytes: runsMaxBytes, Storage: jetstream.FileStorage, Replicas: max(st.Replicas, 1),
	})
	if err != nil {
		return nil, fmt.Errorf("runs bucket: %w", err)
	}
	return &Runs{Planner: p, kv: kv, work: make(chan string, 1024), active: map[string]bool{}}, nil
}

// ErrNoRun: no run has that id.
var ErrNoRun = errors.New("no such run")

// Start plans a run of pairs, stores the plan and hands it to the
// background. It returns as soon as the plan is stored: the counts come
// from comparing input hashes with the records held in memory.
func (r *Runs) Start(ctx context.Context, pairs [][2]*profile.Profile, actor string) (Run, error) {
	p := r.Planner
	pages := map[string]store.PageRecord{}
	for _, rec := range p.Store.Pages() {
		pages[rec.Slug] = rec
	}
	secs := map[string]store.SectionRecord{}
	for _, rec := range p.Store.Sections() {
		secs[rec.Standard] = rec
	}
	run := Run{ID: newRunID(), Actor: actor, Created: time.Now().UTC()}
	var plan []PlanItem
	standards := map[string]bool{}
	for _, pr := range pairs {
		standards[pr[0].ID], standards[pr[1].ID] = true, true
	}
	ids := make([]string, 0, len(standards))
	for id := range standards {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s := secs[id]
		plan = append(plan, PlanItem{Kind: store.KindSection, Key: id, Seq: s.Seq, Prompt: s.Usage.Prompt, Compl: s.Usage.Completion})
	}
	run.Sections = len(ids)
	for _, pr := range pairs {
		slug := page.Slug(pr[0].ID, pr[1].ID)
		rec, ok := pages[slug]
		if ok && rec.Inputs.Hash == p.PageInputs(pr[0], pr[1]).Hash {
			run.Skipped++
			continue
		}
		run.Queued++
		plan = append(plan, PlanItem{Kind: store.KindPage, Key: slug, A: pr[0].ID, B: pr[1].ID, Seq: rec.Seq, Prompt: rec.Usage.Prompt, Compl: rec.Usage.Completion})
	}
	run.Items = len(plan)
	run.Chunks = (len(plan) + RunChunk - 1) / RunChunk
	for n := 0; n < run.Chunks; n++ {
		data, err := json.Marshal(plan[n*RunChunk : min((n+1)*RunChunk, len(plan))])
		if err != nil {
			return run, err
		}
		if _, err := r.kv.Put(ctx, chunkKey(run.ID, n), data); err != nil {
			return run, fmt.Errorf("store the run's plan: %w", err)
		}
	}
	if run.Queued == 0 {
		// Nothing to draft; the sections are still ensured (a new pair's
		// standard may lack its section), but no one waits on it.
		zerolog.Ctx(ctx).Debug().Str("run", run.ID).Msg("run queues no page")
	}
	if err := r.put(ctx, run); err != nil {
		return run, err
	}
	zerolog.Ctx(ctx).Info().Str("run", run.ID).Int("queued", run.Queued).Int("skipped", run.Skipped).Str("actor", actor).Msg("run accepted")
	r.submit(run.ID)
	return run, nil
}

func chunkKey(id string, n int) string { return fmt.Sprintf("%s.%d", id, n) }

func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102t150405") + "-" + hex.EncodeToString(b[:])
}

func (r *Runs) submit(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active[id] {
		return
	}
	r.active[id] = true
	select {
	case r.work <- id:
	default:
		// A full backlog: the run is stored and is taken up at the next
		// start, or when Run drains the queue and looks again.
		delete(r.active, id)
	}
}

func (r *Runs) put(ctx context.Context, run Run) error {
	data, err := json.Marshal(run)
	if err != nil {
		return err
	}
	if _, err := r.kv.Put(ctx, run.ID, data); err != nil {
		return fmt.Errorf("store run %s: %w", run.ID, err)
	}
	return nil
}

// Get reads a run's meta.
func (r *Runs) Get(ctx context.Context, id string) (Run, error) {
	var run Run
	if id == "" || strings.ContainsAny(id, ".*> ") {
		return run, ErrNoRun
	}
	e, err := r.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return run, ErrNoRun
	}
	if err != nil {
		return run, err
	}
	return run, json.Unmarshal(e.Value(), &run)
}

// Plan reads a run's whole plan.
func (r *Runs) Plan(ctx context.Context, run Run) ([]PlanItem, error) {
	var out []PlanItem
	for n := 0; n < run.Chunks; n++ {
		items, err := r.chunk(ctx, run.ID, n)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

func (r *Runs) chunk(ctx context.Context, id string, n int) ([]PlanItem, error) {
	e, err := r.kv.Get(ctx, chunkKey(id, n))
	if err != nil {
		return nil, fmt.Errorf("run %s chunk %d: %w", id, n, err)
	}
	var items []PlanItem
	if err := json.Unmarshal(e.Value(), &items); err != nil {
		return nil, fmt.Errorf("run %s chunk %d: %w", id, n, err)
	}
	return items, nil
}

// Unfinished lists the runs not carried out to the end, oldest first.
func (r *Runs) Unfinished(ctx context.Context) ([]Run, error) {
	lister, err := r.kv.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	var out []Run
	for k := range lister.Keys() {
		if strings.Contains(k, ".") {
			continue // a chunk
		}
		run, err := r.Get(ctx, k)
		if err != nil {
			return nil, err
		}
		if run.Finished.IsZero() {
			out = append(out, run)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// Run carries out runs until ctx ends: first those a previous process left
// unfinished, then each new one in turn.
func (r *Runs) Run(ctx context.Context) error {
	log := zerolog.Ctx(ctx)
	left, err := r.Unfinished(ctx)
	if err != nil {
		return fmt.Errorf("unfinished runs: %w", err)
	}
	for _, run := range left {
		log.Info().Str("run", run.ID).Int("done", run.Enqueued()).Int("of", run.Items).Msg("finishing a run a stop interrupted")
		r.submit(run.ID)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case id := <-r.work:
			err := r.carryOut(ctx, id)
			r.mu.Lock()
			delete(r.active, id)
			r.mu.Unlock()
			if err != nil && ctx.Err() == nil {
				// The run stays unfinished and is tried again shortly (and
				// at the next start); done chunks are not redone.
				log.Error().Err(err).Str("run", id).Msg("run stopped; trying again in 5s")
				go func() {
					select {
					case <-ctx.Done():
					case <-time.After(5 * time.Second):
						r.submit(id)
					}
				}()
			}
		}
	}
}

// carryOut queues the records of a run's chunks not yet done.
func (r *Runs) carryOut(ctx context.Context, id string) error {
	run, err := r.Get(ctx, id)
	if err != nil {
		return err
	}
	set := r.Planner.Profiles()
	for n := run.Done; n < run.Chunks; n++ {
		items, err := r.chunk(ctx, id, n)
		if err != nil {
			return err
		}
		if err := r.queueItems(ctx, set, items, run.Actor); err != nil {
			return err
		}
		run.Done = n + 1
		if run.Done == run.Chunks {
			run.Finished = time.Now().UTC()
		}
		if err := r.put(ctx, run); err != nil {
			return err
		}
	}
	if run.Chunks == 0 && run.Finished.IsZero() {
		run.Finished = time.Now().UTC()
		return r.put(ctx, run)
	}
	zerolog.Ctx(ctx).Info().Str("run", id).Int("records", run.Items).Msg("run enqueued")
	return nil
}

// queueItems queues one chunk, a few records at a time. A standard gone
// from the profiles since the plan was made is passed over.
func (r *Runs) queueItems(ctx context.Context, set *profile.Set, items []PlanItem, actor string) error {
	// Sections first, as Enqueue does: a page's drafter reads them.
	var errs []error
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	do := func(fn func() error) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	for _, it := range items {
		if it.Kind != store.KindSection {
			continue
		}
		pr, ok := set.Get(it.Key)
		if !ok {
			continue
		}
		do(func() error { _, err := r.Planner.ensureSection(ctx, pr, actor); return err })
	}
	wg.Wait()
	for _, it := range items {
		if it.Kind != store.KindPage {
			continue
		}
		a, okA := set.Get(it.A)
		b, okB := set.Get(it.B)
		if !okA || !okB {
			continue
		}
		do(func() error { _, err := r.Planner.ensurePage(ctx, a, b, actor); return err })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Progress is what a run has come to, counted over its pages (and, for
// tokens, its sections) from the records as they stand.
type Progress struct {
	Run            string      `json:"run"`
	Created        time.Time   `json:"created"`
	Queued         int         `json:"queued"`   // pages the run queues
	Skipped        int         `json:"skipped"`  // pages unchanged, not queued
	Enqueued       int         `json:"enqueued"` // plan records written so far (sections and pages)
	Planned        int         `json:"planned"`  // plan records in all
	EnqueueDone    bool        `json:"enqueue_done"`
	Waiting        int         `json:"waiting"`   // pages not yet drafted by this run
	Drafted        int         `json:"drafted"`   // pages this run has drafted (validated or not)
	Validated      int         `json:"validated"` // pages whose draft of this run passed validation
	InReview       int         `json:"in_review"`
	NeedsAttention int         `json:"needs_attention"`
	Approved       int         `json:"approved"`
	Done           bool        `json:"done"` // every page drafted and judged (in review, needs attention or beyond)
	Tokens         store.Usage `json:"usage"`
	TotalTokens    int         `json:"tokens"`
	Cost           *float64    `json:"cost"` // money at the configured prices; null when none are configured
	Error          string      `json:"error,omitempty"`
}

// Progress reports a run from its plan and the records held in memory.
func (r *Runs) Progress(ctx context.Context, id string) (Progress, error) {
	run, err := r.Get(ctx, id)
	if err != nil {
		return Progress{}, err
	}
	plan, err := r.Plan(ctx, run)
	if err != nil {
		return Progress{}, err
	}
	pr := Progress{Run: run.ID, Created: run.Created, Queued: run.Queued, Skipped: run.Skipped,
		Enqueued: run.Enqueued(), Planned: run.Items, EnqueueDone: !run.Finished.IsZero(), Error: run.Error}
	pages := map[string]store.PageRecord{}
	for _, rec := range r.Planner.Store.Pages() {
		pages[rec.Slug] = rec
	}
	secs := map[string]store.SectionRecord{}
	for _, rec := range r.Planner.Store.Sections() {
		secs[rec.Standard] = rec
	}
	used := func(u store.Usage, it PlanItem) {
		pr.Tokens.Prompt += max(u.Prompt-it.Prompt, 0)
		pr.Tokens.Completion += max(u.Completion-it.Compl, 0)
	}
	for _, it := range plan {
		if it.Kind == store.KindSection {
			if s, ok := secs[it.Key]; ok && s.Seq > it.Seq {
				used(s.Usage, it)
			}
			continue
		}
		rec, ok := pages[it.Key]
		if ok && pr.EnqueueDone && rec.Seq <= it.Seq {
			// Written in full, yet the record was not queued: its inputs
			// proved unchanged when read (the count at the start read a
			// trailing copy). Nothing to wait for.
			pr.Queued--
			pr.Skipped++
			continue
		}
		if !ok || rec.Seq <= it.Seq || rec.Drafted <= it.Seq {
			pr.Waiting++ // not yet queued by this run, or its draft not yet stored
			continue
		}
		used(rec.Usage, it)
		pr.Drafted++
		switch rec.State {
		case store.InReview:
			pr.Validated++
			pr.InReview++
		case store.Approved, store.Rejected, store.ChangesRequested:
			pr.Validated++
			if rec.State == store.Approved {
				pr.Approved++
			}
		case store.NeedsAttention:
			pr.NeedsAttention++
		}
		// Otherwise a draft is stored and its validation (or a redraft) is pending.
	}
	pr.TotalTokens = pr.Tokens.Total()
	pr.Done = pr.EnqueueDone && pr.Waiting == 0 && pr.Validated+pr.NeedsAttention == pr.Drafted
	if p := r.Price; p != nil && (p.Input > 0 || p.Output > 0) {
		c := (float64(pr.Tokens.Prompt)*p.Input + float64(pr.Tokens.Completion)*p.Output) / 1e6
		pr.Cost = &c
	}
	return pr, nil
}

// Price is what the model charges, in money per million tokens.
type Price struct {
	Input  float64 `json:"input"`
	Output float64 `json:"output"`
}
