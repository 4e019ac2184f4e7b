// Package validator is the worker that judges drafts: it runs the content
// rules on each drafted record and sends it on to review, back for a
// redraft with its findings, or, after too many tries, to needs_attention.
package validator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/consume"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/metrics"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/validate"
)

// Config wires a validator.
type Config struct {
	Store       *store.Store
	Profiles    func() *profile.Set
	MaxRedrafts int // redrafts after failed validation before needs_attention
	Concurrency int
	Grace       time.Duration
	Metrics     *metrics.Pipeline
	// Verdicts holds every page's verdict, so a new verdict is checked
	// against all others without comparing every pair. Nil: Run makes one
	// and fills it from the store.
	Verdicts *validate.VerdictIndex
}

// ConsumerName is the durable consumer all validators share.
const ConsumerName = "validator"

// Run validates until ctx is done.
func Run(ctx context.Context, cfg Config) error {
	cons, err := cfg.Store.Consumer(ctx, ConsumerName, store.ValidateSubject)
	if err != nil {
		return err
	}
	if cfg.Verdicts == nil {
		cfg.Verdicts = validate.NewVerdictIndex(validate.NearDuplicateThreshold)
		for _, r := range cfg.Store.Pages() {
			if r.Pair.Verdict != "" {
				cfg.Verdicts.Put(r.Slug, r.Pair.Verdict)
			}
		}
	}
	zerolog.Ctx(ctx).Info().Int("max_redrafts", cfg.MaxRedrafts).Int("verdicts", cfg.Verdicts.Len()).Msg("validator started")
	policy := consume.Policy{MaxDeliver: cfg.Store.Settings().MaxDeliver, GiveUp: cfg.giveUp,
		Backoff: func(uint64) time.Duration { return 2 * time.Second }}
	return consume.RunJobs(ctx, cons, consume.Options{Concurrency: cfg.Concurrency, Grace: cfg.Grace}, policy, cfg.handle)
}

// handle judges one job. Its errors are the store's (transient) or an
// unknown kind (permanent).
func (cfg Config) handle(ctx context.Context, msg jetstream.Msg) error {
	ctx, j, err := jobs.Decode(ctx, msg)
	if err != nil {
		return err
	}
	return judge(ctx, cfg, j)
}

// giveUp records a validation that failed for good as needs_attention.
func (cfg Config) giveUp(ctx context.Context, msg jetstream.Msg, cause error) error {
	ctx, j, err := jobs.Decode(ctx, msg)
	if err != nil {
		return nil
	}
	f := finding.Finding{Rule: "validate.error", Severity: finding.Error, Message: cause.Error(),
		Hint: "request changes to redraft, or edit the draft"}
	_, err = cfg.Store.UpdateMeta(ctx, j.Kind, j.Key, func(m *store.Meta) error {
		if m.Inputs.Hash != j.Inputs || m.Seq != j.Seq {
			return errObsolete
		}
		ev, err := m.Move(lifecycle.NeedsAttn, "validator")
		if err != nil {
			return err
		}
		m.Findings = append(m.Findings, f)
		ev.Note, ev.Errors = cause.Error(), 1
		return nil
	})
	if err == nil || errors.Is(err, errObsolete) || errors.Is(err, store.ErrNotFound) || errors.Is(err, lifecycle.ErrIllegal) {
		return nil
	}
	return err
}

var errObsolete = errors.New("obsolete job")

// verdict is what judging a draft decided.
type verdict struct {
	from, to store.State
	meta     store.Meta
	redraft  bool
}

func judge(ctx context.Context, cfg Config, j store.Job) error {
	set := cfg.Profiles()
	var v verdict
	decide := func(m *store.Meta, content func() []finding.Finding) error {
		if m.Inputs.Hash != j.Inputs || m.Seq != j.Seq || m.Drafted != j.Seq || m.State != store.Drafting {
			return errObsolete // judged already, or overtaken by newer work
		}
		fs := m.Findings // problems found decoding the answer
		if !finding.HasError(fs) {
			fs = append(fs, content()...)
		}
		finding.Sort(fs)
		v.from = m.State
		m.Findings = fs
		t := lifecycle.Validated
		switch {
		case !finding.HasError(fs):
			m.Raw = ""
		case m.Attempt < cfg.MaxRedrafts:
			t = lifecycle.Redraft
			m.Attempt++
			m.Seq++
			v.redraft = true
		default:
			t = lifecycle.NeedsAttn
		}
		ev, err := m.Move(t, "validator")
		if err != nil {
			return err
		}
		ev.ID = fmt.Sprintf("validated.%s.%s.%d", j.Kind, j.Key, j.Seq)
		ev.Errors, ev.Warnings = finding.Count(fs)
		v.to = m.State
		return nil
	}
	var err error
	switch j.Kind {
	case store.KindSection:
		var r store.SectionRecord
		r, err = cfg.Store.UpdateSection(ctx, j.Key, func(r *store.SectionRecord) error {
			return decide(&r.Meta, func() []finding.Finding {
				p, ok := set.Get(r.Standard)
				if !ok {
					return []finding.Finding{{Rule: "pair.unknown-standard", Severity: finding.Error, Message: "no profile " + r.Standard}}
				}
				return validate.Section(r.Section, p, set)
			})
		})
		v.meta = r.Meta
	case store.KindPage:
		var r store.PageRecord
		r, err = cfg.Store.UpdatePage(ctx, j.Key, func(r *store.PageRecord) error {
			return decide(&r.Meta, func() []finding.Finding {
				a, okA := set.Get(r.Standards[0])
				b, okB := set.Get(r.Standards[1])
				if !okA || !okB {
					return []finding.Finding{{Rule: "pair.unknown-standard", Severity: finding.Error, Message: "a standard of this page has no profile"}}
				}
				// The pair part is judged with the two sections it will be
				// shown with, and its verdict against every other page's.
				fs := validate.PairInPage(r.Pair, sectionsOf(cfg.Store, a.ID, b.ID), a, b, set)
				if cfg.Verdicts != nil {
					fs = append(fs, cfg.Verdicts.Check(r.Slug, r.Pair.Verdict)...)
				}
				return fs
			})
		})
		v.meta = r.Meta
		if err == nil && cfg.Verdicts != nil && r.Pair.Verdict != "" {
			cfg.Verdicts.Put(r.Slug, r.Pair.Verdict)
		}
	default:
		return consume.Permanently(fmt.Errorf("unknown job kind %q", j.Kind))
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if errors.Is(err, errObsolete) {
		// Judged already, or overtaken: make sure what the record waits
		// for went out (a redraft job whose publish a lost answer skipped).
		return jobs.ResumeKey(ctx, cfg.Store, j.Kind, j.Key)
	}
	if err != nil {
		return err
	}
	cfg.count(string(j.Kind), v)
	if v.redraft {
		// The drafter gets the findings back from the record (Meta.Findings
		// and Raw), so the redraft fixes them rather than rolling the dice again.
		return cfg.Store.Publish(ctx, store.StageDraft, store.Job{Kind: j.Kind, Key: j.Key, Inputs: j.Inputs, Seq: v.meta.Seq, Reason: "redraft"})
	}
	return nil
}

func (cfg Config) count(kind string, v verdict) {
	m := cfg.Metrics
	if m == nil {
		return
	}
	outcome := "pass"
	if v.redraft {
		outcome = "redraft"
	} else if v.to == store.NeedsAttention {
		outcome = "needs_attention"
	}
	m.Validations.WithLabelValues(kind, outcome).Inc()
	for _, f := range v.meta.Findings {
		if f.Severity == finding.Error {
			m.ValidationFailures.WithLabelValues(f.Rule).Inc()
		}
	}
}

// sectionsOf returns the sections a page of a and b is shown with: each
// standard's approved section, or its current draft before any approval.
// A section not drafted yet is empty and its checks find nothing.
func sectionsOf(st *store.Store, a, b string) [2]page.Section {
	var out [2]page.Section
	for i, id := range [2]string{a, b} {
		r, ok := st.MirrorSection(id)
		if !ok {
			continue
		}
		if r.Approved != nil {
			out[i] = *r.Approved
		} else {
			out[i] = r.Section
		}
	}
	return out
}
