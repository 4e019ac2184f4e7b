// Package drafter is the worker that drafts records: it takes draft jobs,
// asks its author (the LLM or the offline composer) for the text, stores the
// result on the record and hands it on to validation.
package drafter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/consume"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/metrics"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// Author writes drafts.
type Author interface {
	Section(ctx context.Context, p *profile.Profile, fb author.Feedback) (author.SectionResult, error)
	Pair(ctx context.Context, a, b *profile.Profile, fb author.Feedback) (author.PairResult, error)
}

// Config wires a drafter.
type Config struct {
	Store       *store.Store
	Profiles    func() *profile.Set
	Author      Author
	Concurrency int           // jobs in hand at once (the LLM client limits calls on top)
	Grace       time.Duration // how long a stopping worker lets jobs in hand finish
	Metrics     *metrics.Pipeline
	// Transient reports errors worth waiting out (rate limits, 5xx, a
	// refused connection): the job is handed back with a delay and no
	// attempt is spent, so an outage alone never makes needs_attention.
	Transient func(error) bool
	// RetryAfter returns the wait the LLM asked for with a transient error,
	// if it asked: a job handed back is not retried sooner.
	RetryAfter func(error) (time.Duration, bool)
	// Heartbeat is how often a long draft tells JetStream it is alive.
	Heartbeat time.Duration
}

// ConsumerName is the durable consumer all drafters share.
const ConsumerName = "drafter"

// Run drafts until ctx is done.
func Run(ctx context.Context, cfg Config) error {
	cons, err := cfg.Store.Consumer(ctx, ConsumerName, store.DraftSubjects)
	if err != nil {
		return err
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = cfg.Store.Settings().AckWait / 3
	}
	if cfg.Transient == nil {
		cfg.Transient = func(error) bool { return false }
	}
	zerolog.Ctx(ctx).Info().Int("concurrency", cfg.Concurrency).Msg("drafter started")
	policy := consume.Policy{MaxDeliver: cfg.Store.Settings().MaxDeliver, GiveUp: cfg.giveUp}
	return consume.RunJobs(ctx, cons, consume.Options{Concurrency: cfg.Concurrency, Grace: cfg.Grace}, policy, cfg.handle)
}

// handle drafts one job and classes its error for the consumer.
func (cfg Config) handle(ctx context.Context, msg jetstream.Msg) error {
	ctx, j, err := jobs.Decode(ctx, msg)
	if err != nil {
		return err
	}
	err = draft(ctx, cfg, msg, j)
	var perm *permanentError
	switch {
	case err == nil, ctx.Err() != nil:
		return err
	case errors.As(err, &perm) && !cfg.Transient(err):
		return consume.Permanently(err)
	case perm != nil:
		// The LLM is unavailable: wait it out, it is not the draft's
		// fault; the record is queued again meanwhile, not drafting.
		if herr := handBack(ctx, cfg, j, err); herr != nil {
			zerolog.Ctx(ctx).Warn().Err(herr).Msg("hand the job back")
		}
		var after time.Duration
		if cfg.RetryAfter != nil {
			after, _ = cfg.RetryAfter(err)
		}
		return consume.Transiently(fmt.Errorf("LLM unavailable: %w", err), after)
	default:
		// The store is unavailable (a NATS server restarting).
		return consume.Transiently(fmt.Errorf("store unavailable: %w", err), 0)
	}
}

// giveUp records a job that failed for good as needs_attention.
func (cfg Config) giveUp(ctx context.Context, msg jetstream.Msg, cause error) error {
	ctx, j, err := jobs.Decode(ctx, msg)
	if err != nil {
		return nil // nothing to record it on
	}
	return fail(ctx, cfg, j, cause)
}

// errObsolete marks a job that newer work has overtaken.
var errObsolete = errors.New("obsolete job")

// permanentError is a failure of the draft itself (the author's answer, a
// missing profile), as opposed to the store being unreachable: only such a
// failure, and only when not transient, may end in needs_attention.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

func draft(ctx context.Context, cfg Config, msg jetstream.Msg, j store.Job) error {
	start := time.Now()
	meta, standards, err := claim(ctx, cfg.Store, j)
	if errors.Is(err, errObsolete) {
		return nil
	}
	if err != nil {
		return err
	}
	if meta.Drafted >= j.Seq {
		// Drafted before (a redelivery after a crash or a lost connection
		// between the store write and the ack): never pay for it twice, just
		// make sure its event and its validation job went out.
		// Its event went out with the write, or goes out with the next
		// write or the reconciler (store.Reconcile).
		_, err := jobs.Resume(ctx, cfg.Store, j.Kind, j.Key, meta)
		return err
	}
	fb, err := feedback(ctx, cfg.Store, j.Kind, j.Key, meta)
	if err != nil {
		return err
	}
	beat := heartbeat(ctx, msg, cfg.Heartbeat)
	defer beat.stop()
	actx := author.WithHeartbeat(ctx, beat.touch)
	set := cfg.Profiles()
	kind := string(j.Kind)
	var usage store.Usage
	var stored store.Meta
	switch j.Kind {
	case store.KindSection:
		p, ok := set.Get(j.Key)
		if !ok {
			return permanent(fmt.Errorf("no profile %q", j.Key))
		}
		res, err := cfg.Author.Section(actx, p, fb)
		usage = res.Usage
		if err != nil {
			cfg.count(kind, "error", 0, usage)
			return permanent(err)
		}
		rec, err := cfg.Store.UpdateSection(ctx, j.Key, func(r *store.SectionRecord) error {
			if err := stillOurs(r.Meta, j); err != nil {
				return err
			}
			r.Section, r.Raw, r.Findings = res.Section, res.Raw, res.Findings
			keep(&r.Meta, j, res.Answer)
			return drafted(&r.Meta, j, res.Usage)
		})
		if err != nil {
			return settled(ctx, cfg, j, err)
		}
		stored = rec.Meta
	case store.KindPage:
		// The standards as the claim read them: a page's never change.
		a, okA := set.Get(standards[0])
		b, okB := set.Get(standards[1])
		if !okA || !okB {
			return permanent(fmt.Errorf("page %s: a standard has no profile", j.Key))
		}
		res, err := cfg.Author.Pair(actx, a, b, fb)
		usage = res.Usage
		if err != nil {
			cfg.count(kind, "error", 0, usage)
			return permanent(err)
		}
		rec, err := cfg.Store.UpdatePage(ctx, j.Key, func(r *store.PageRecord) error {
			if err := stillOurs(r.Meta, j); err != nil {
				return err
			}
			r.Pair, r.Raw, r.Findings = res.Pair, res.Raw, res.Findings
			keep(&r.Meta, j, res.Answer)
			return drafted(&r.Meta, j, res.Usage)
		})
		if err != nil {
			return settled(ctx, cfg, j, err)
		}
		stored = rec.Meta
	default:
		return permanent(fmt.Errorf("unknown job kind %q", j.Kind))
	}
	outcome := "ok"
	if stored.Raw != "" {
		outcome = "undecodable"
	}
	cfg.count(kind, outcome, time.Since(start), usage)
	zerolog.Ctx(ctx).Debug().Int("tokens", usage.Total()).Dur("took", time.Since(start)).Msg("drafted")
	return cfg.Store.Publish(ctx, store.StageValidate, store.Job{Kind: j.Kind, Key: j.Key, Inputs: j.Inputs, Seq: j.Seq, Reason: j.Reason})
}

// drafted records a stored draft: the drafted transition, its usage and
// findings on the event. The event id is the job's, so a second copy (a
// redelivery racing the first) is dropped by the events stream.
func drafted(m *store.Meta, j store.Job, u store.Usage) error {
	ev, err := m.Move(lifecycle.Drafted, "drafter")
	if err != nil {
		return err
	}
	m.Drafted, m.Usage, m.Drafter = j.Seq, m.Usage.Add(u), m.Inputs.Model
	ev.ID = draftedID(j)
	ev.Usage = &u
	ev.Errors, ev.Warnings = finding.Count(m.Findings)
	return nil
}

// draftedID names the drafted event of a job's draft.
func draftedID(j store.Job) string {
	return fmt.Sprintf("drafted.%s.%s.%d.%.16s", j.Kind, j.Key, j.Seq, j.Inputs)
}

// errStored is a draft found stored already when storing it: a first try
// whose answer was lost (a leader election) had written it.
var errStored = errors.New("draft stored already")

// stillOurs reports whether the record still waits for this job's draft.
func stillOurs(m store.Meta, j store.Job) error {
	switch {
	case m.Inputs.Hash != j.Inputs || m.Seq != j.Seq:
		return errObsolete
	case m.Drafted >= j.Seq:
		return errStored
	}
	return nil
}

// settled ends a job whose draft could not be stored because the record
// moved on or holds it already: the job the record waits for is queued if
// it is not yet (its publish may have been lost with a write's answer).
func settled(ctx context.Context, cfg Config, j store.Job, err error) error {
	if errors.Is(err, errStored) || errors.Is(err, errObsolete) {
		return jobs.ResumeKey(ctx, cfg.Store, j.Kind, j.Key)
	}
	return err
}

func ignoreObsolete(err error) error {
	if errors.Is(err, errObsolete) {
		return nil
	}
	return err
}

// claim moves the record to drafting if the job is still the record's
// latest, and returns its bookkeeping and, for a page, its standards (read
// with the claim, so drafting needs no second read of the record).
func claim(ctx context.Context, s *store.Store, j store.Job) (store.Meta, [2]string, error) {
	check := func(m *store.Meta) error {
		if m.Inputs.Hash != j.Inputs || m.Seq != j.Seq {
			return errObsolete
		}
		if m.Drafted >= j.Seq || m.State == store.Drafting {
			return errUnchanged // drafted already, or a redelivery of the job in hand
		}
		_, err := m.Move(lifecycle.StartDrafting, "drafter")
		return err
	}
	var m store.Meta
	var standards [2]string
	var err error
	if j.Kind == store.KindPage {
		var r store.PageRecord
		r, err = s.UpdatePage(ctx, j.Key, func(r *store.PageRecord) error { return check(&r.Meta) })
		m, standards = r.Meta, r.Standards
	} else {
		m, err = s.UpdateMeta(ctx, j.Kind, j.Key, check)
	}
	if errors.Is(err, errUnchanged) {
		return readMeta(ctx, s, j)
	}
	if errors.Is(err, store.ErrNotFound) {
		return m, standards, errObsolete
	}
	return m, standards, err
}

// errUnchanged stops a write that would change nothing.
var errUnchanged = errors.New("unchanged")

func readMeta(ctx context.Context, s *store.Store, j store.Job) (store.Meta, [2]string, error) {
	var m store.Meta
	var standards [2]string
	var err error
	if j.Kind == store.KindSection {
		var r store.SectionRecord
		r, err = s.Section(ctx, j.Key)
		m = r.Meta
	} else {
		var r store.PageRecord
		r, err = s.Page(ctx, j.Key)
		m, standards = r.Meta, r.Standards
	}
	if errors.Is(err, store.ErrNotFound) {
		return m, standards, errObsolete
	}
	return m, standards, err
}

// handBack marks a job given back during an LLM outage: the record is
// queued again, not shown as drafting while nobody drafts it.
func handBack(ctx context.Context, cfg Config, j store.Job, cause error) error {
	_, err := cfg.Store.UpdateMeta(ctx, j.Kind, j.Key, func(m *store.Meta) error {
		if m.Inputs.Hash != j.Inputs || m.Seq != j.Seq || m.State != store.Drafting || m.Drafted >= j.Seq {
			return errObsolete
		}
		ev, err := m.Move(lifecycle.HandBack, "drafter")
		if err != nil {
			return err
		}
		ev.Note = cause.Error()
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return ignoreObsolete(err)
}

// fail records a draft that cannot succeed by retrying (the model refused
// the request, a profile is gone) as needs_attention, visibly.
func fail(ctx context.Context, cfg Config, j store.Job, cause error) error {
	f := finding.Finding{Rule: "llm.error", Severity: finding.Error, Message: cause.Error(),
		Hint: "check the LLM settings and the profile, then request changes to redraft"}
	set := func(m *store.Meta) error {
		if m.Inputs.Hash != j.Inputs || m.Seq != j.Seq {
			return errObsolete
		}
		ev, err := m.Move(lifecycle.NeedsAttn, "drafter")
		if err != nil {
			return err
		}
		m.Findings, m.Drafted = []finding.Finding{f}, j.Seq
		ev.Note, ev.Errors = cause.Error(), 1
		return nil
	}
	_, err := cfg.Store.UpdateMeta(ctx, j.Kind, j.Key, set)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, lifecycle.ErrIllegal) {
		return nil // gone, or moved on past the job
	}
	return ignoreObsolete(err)
}

func (cfg Config) count(kind, outcome string, took time.Duration, u store.Usage) {
	m := cfg.Metrics
	if m == nil {
		return
	}
	m.Drafts.WithLabelValues(kind, outcome).Inc()
	if took > 0 {
		m.DraftSeconds.WithLabelValues(kind).Observe(took.Seconds())
	}
	m.Tokens.WithLabelValues("prompt").Add(float64(u.Prompt))
	m.Tokens.WithLabelValues("completion").Add(float64(u.Completion))
	m.Tokens.WithLabelValues("cached").Add(float64(u.Cached))
}

// beater sends InProgress at most every interval while a draft runs, both
// on its own clock and when the LLM client reports progress.
type beater struct {
	msg  jetstream.Msg
	last chan struct{}
	done chan struct{}
}

func heartbeat(ctx context.Context, msg jetstream.Msg, every time.Duration) *beater {
	b := &beater{msg: msg, last: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-b.done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	return b
}

func (b *beater) touch() {
	select {
	case b.last <- struct{}{}:
		_ = b.msg.InProgress()
		<-b.last
	default:
	}
}

func (b *beater) stop() { close(b.done) }
