// Package consume runs a JetStream pull consumer with bounded concurrency
// and a graceful stop: it pulls only as many jobs as it has free hands, so a
// stopping worker holds nothing it has not started.
package consume

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// Handler acts on one message and must ack, nak or term it. Its context is
// cancelled when the grace period after a stop runs out; the handler should
// then Nak so another worker takes the job at once.
type Handler func(ctx context.Context, msg jetstream.Msg)

// Options tune Run.
type Options struct {
	Concurrency int           // jobs in hand at once; default 1
	Grace       time.Duration // how long in-hand jobs may finish after stop; default 30s
	MaxWait     time.Duration // how long one pull waits for jobs; default 2s
}

// Run pulls and handles messages until ctx is done, then waits for the jobs
// in hand (up to Grace) and returns.
func Run(ctx context.Context, cons jetstream.Consumer, opts Options, h Handler) error {
	if opts.Concurrency < 1 {
		opts.Concurrency = 1
	}
	if opts.Grace <= 0 {
		opts.Grace = 30 * time.Second
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 2 * time.Second
	}
	log := zerolog.Ctx(ctx)
	// Handlers run on a context that outlives ctx by the grace period.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()
	slots := make(chan struct{}, opts.Concurrency)
	var wg sync.WaitGroup
	for ctx.Err() == nil {
		// Take one free hand (blocking), then any others that are free.
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		n := 1
	more:
		for n < opts.Concurrency {
			select {
			case slots <- struct{}{}:
				n++
			default:
				break more
			}
		}
		batch, err := cons.Fetch(n, jetstream.FetchMaxWait(opts.MaxWait))
		if err != nil {
			for range n {
				<-slots
			}
			if ctx.Err() != nil {
				break
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				log.Warn().Err(err).Msg("fetch jobs")
			}
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
			}
			continue
		}
		got := 0
		for msg := range batch.Messages() {
			got++
			if ctx.Err() != nil {
				// Stopping: hand back what we have not started.
				_ = msg.Nak()
				<-slots
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				h(hctx, msg)
			}()
		}
		for range n - got {
			<-slots
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(opts.Grace):
		log.Warn().Dur("grace", opts.Grace).Msg("jobs in hand did not finish in time; handing them back")
		hcancel()
		<-done
	}
	return nil
}
