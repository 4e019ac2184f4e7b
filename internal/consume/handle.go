package consume

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// Class is what a handler's error means for its job.
type Class int

const (
	// Transient: not the job's fault (the LLM or the store unavailable);
	// the job is handed back with a growing delay, up to MaxDeliver times.
	Transient Class = iota
	// Permanent: the job cannot succeed by retrying; it is given up
	// (the worker records why: needs_attention) and terminated.
	Permanent
	// Obsolete: newer work overtook the job; it is acknowledged and dropped.
	Obsolete
)

func (c Class) String() string {
	return [...]string{"transient", "permanent", "obsolete"}[c]
}

type classed struct {
	class Class
	after time.Duration // the least wait before a retry, for Transient
	err   error
}

func (e *classed) Error() string { return e.err.Error() }
func (e *classed) Unwrap() error { return e.err }

// Permanently marks err as a failure retrying cannot mend.
func Permanently(err error) error { return &classed{class: Permanent, err: err} }

// Transiently marks err as worth waiting out; after, when positive, is the
// least wait before the retry (a Retry-After the LLM asked for).
func Transiently(err error, after time.Duration) error {
	return &classed{class: Transient, after: after, err: err}
}

// ObsoleteJob marks a job newer work overtook.
func ObsoleteJob(err error) error { return &classed{class: Obsolete, err: err} }

// ClassOf is err's class: an unmarked error is Transient (a store call
// that failed is the commonest error, and never the job's fault).
func ClassOf(err error) (Class, time.Duration) {
	var c *classed
	if errors.As(err, &c) {
		return c.class, c.after
	}
	return Transient, 0
}

// Backoff is the wait before the n-th redelivery of a job (n from 1):
// doubling from a second, with jitter, up to a minute.
func Backoff(n uint64) time.Duration {
	if n < 1 {
		n = 1
	}
	d := time.Second << min(n-1, 6)
	if d > time.Minute {
		d = time.Minute
	}
	return d/2 + rand.N(d/2+1)
}

// Job handles one message and says how it went; the consumer acks, naks
// or terms it by the error's class.
type Job func(ctx context.Context, msg jetstream.Msg) error

// GiveUp records that a job failed for good (a permanent error, or
// MaxDeliver transient ones): a worker marks its record needs_attention
// with err as the reason. An error from it hands the job back to try again.
type GiveUp func(ctx context.Context, msg jetstream.Msg, err error) error

// Policy is how RunJobs settles messages.
type Policy struct {
	// MaxDeliver bounds deliveries of a job failing transiently: at the
	// last one the job is given up rather than handed back. <= 0: unbounded.
	MaxDeliver int
	GiveUp     GiveUp
	// Backoff gives the delay of a retry; the package's Backoff when nil.
	Backoff func(n uint64) time.Duration
}

// RunJobs is Run with handlers that return errors: decoding, ack/nak/term,
// panic recovery and the retry policy live here, not in each worker.
func RunJobs(ctx context.Context, cons jetstream.Consumer, opts Options, p Policy, h Job) error {
	return Run(ctx, cons, opts, func(ctx context.Context, msg jetstream.Msg) {
		Settle(ctx, msg, p, h)
	})
}

// Settle runs h on msg and acks, naks or terms it.
func Settle(ctx context.Context, msg jetstream.Msg, p Policy, h Job) {
	log := zerolog.Ctx(ctx).With().Str("subject", msg.Subject()).Logger()
	err := safely(ctx, msg, h)
	if err == nil {
		_ = msg.Ack()
		return
	}
	if ctx.Err() != nil {
		// Stopping: hand the job back so another worker takes it at once.
		_ = msg.Nak()
		return
	}
	class, after := ClassOf(err)
	var n uint64 = 1
	if md, merr := msg.Metadata(); merr == nil {
		n = md.NumDelivered
	}
	switch {
	case class == Obsolete:
		_ = msg.Ack()
		return
	case class == Transient && (p.MaxDeliver <= 0 || n < uint64(p.MaxDeliver)):
		backoff := p.Backoff
		if backoff == nil {
			backoff = Backoff
		}
		delay := max(backoff(n), after)
		log.Warn().Err(err).Uint64("delivery", n).Dur("retry_in", delay).Msg("job handed back")
		_ = msg.NakWithDelay(delay)
		return
	case class == Transient:
		err = fmt.Errorf("gave up after %d deliveries: %w", n, err)
	}
	log.Error().Err(err).Msg("job failed for good")
	if p.GiveUp == nil {
		_ = msg.Term()
		return
	}
	if gerr := p.GiveUp(ctx, msg, err); gerr != nil {
		log.Error().Err(gerr).Msg("record the failure")
		_ = msg.NakWithDelay(Backoff(n))
		return
	}
	// Recorded: the job is done with, and leaves the work queue.
	_ = msg.Ack()
}

// safely runs h, turning a panic into a permanent error: a job that
// panics is a bug that would take down every worker that took it.
func safely(ctx context.Context, msg jetstream.Msg, h Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			zerolog.Ctx(ctx).Error().Str("stack", string(debug.Stack())).Msgf("job panicked: %v", r)
			err = Permanently(fmt.Errorf("the worker panicked: %v", r))
		}
	}()
	return h(ctx, msg)
}
