// Package jobs turns pairs of standards into drafting jobs. It decides what
// needs drafting: a record whose inputs (profiles, prompt, model) are
// unchanged is never drafted again, and one whose inputs changed is stale and
// redrafted.
package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// Versioner tells the drafter's part of the inputs: its prompt template
// hash and model identity for each kind of record.
type Versioner interface {
	Versions(kind store.Kind) (prompt, model string)
}

// Planner enqueues jobs against the store.
type Planner struct {
	Store    *store.Store
	Profiles func() *profile.Set // the current profiles; they may be reloaded
	Drafter  Versioner
}

// UnknownError names the standards a request asked for that no profile has.
type UnknownError struct{ Names []string }

func (e *UnknownError) Error() string {
	return "unknown standard: " + strings.Join(e.Names, ", ")
}

// Result counts what Enqueue did.
type Result struct {
	Queued  int      `json:"queued"`
	Skipped int      `json:"skipped"`
	Slugs   []string `json:"slugs,omitempty"`
}

// Pair is a request for one page, by any names of its two standards.
type Pair [2]string

// Resolve turns names into ordered id pairs (lower id first, so "sox vs
// gdpr" and "gdpr vs sox" are one page), naming every unknown standard.
func Resolve(set *profile.Set, pairs []Pair) ([][2]*profile.Profile, error) {
	var unknown []string
	seen := map[string]bool{}
	out := make([][2]*profile.Profile, 0, len(pairs))
	for _, pr := range pairs {
		a, okA := set.Resolve(pr[0])
		b, okB := set.Resolve(pr[1])
		if !okA {
			unknown = append(unknown, pr[0])
		}
		if !okB {
			unknown = append(unknown, pr[1])
		}
		if !okA || !okB {
			continue
		}
		if a.ID == b.ID {
			return nil, fmt.Errorf("a page compares two different standards; %q and %q are both %s", pr[0], pr[1], a.ShortName)
		}
		if b.ID < a.ID {
			a, b = b, a
		}
		if seen[a.ID+"|"+b.ID] {
			continue
		}
		seen[a.ID+"|"+b.ID] = true
		out = append(out, [2]*profile.Profile{a, b})
	}
	if len(unknown) > 0 {
		return nil, &UnknownError{Names: unknown}
	}
	return out, nil
}

// AllPairs is every pair of the current profiles.
func (p *Planner) AllPairs() [][2]*profile.Profile {
	var out [][2]*profile.Profile
	for _, pr := range p.Profiles().Pairs() {
		out = append(out, [2]*profile.Profile{pr[0], pr[1]})
	}
	return out
}

// Enqueue queues a draft for every pair whose inputs changed since its last
// draft (or that was never drafted), and for each standard section those
// pages use.
func (p *Planner) Enqueue(ctx context.Context, pairs [][2]*profile.Profile, actor string) (Result, error) {
	var res Result
	standards := map[string]*profile.Profile{}
	for _, pr := range pairs {
		standards[pr[0].ID] = pr[0]
		standards[pr[1].ID] = pr[1]
	}
	ids := make([]string, 0, len(standards))
	for id := range standards {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, err := p.ensureSection(ctx, standards[id], actor); err != nil {
			return res, err
		}
	}
	for _, pr := range pairs {
		queued, err := p.ensurePage(ctx, pr[0], pr[1], actor)
		if err != nil {
			return res, err
		}
		if queued {
			res.Queued++
			res.Slugs = append(res.Slugs, page.Slug(pr[0].ID, pr[1].ID))
		} else {
			res.Skipped++
		}
	}
	zerolog.Ctx(ctx).Info().Int("queued", res.Queued).Int("skipped", res.Skipped).Str("actor", actor).Msg("enqueued")
	return res, nil
}

// SectionInputs are the inputs of a standard's own section.
func (p *Planner) SectionInputs(pr *profile.Profile) store.Inputs {
	prompt, model := p.Drafter.Versions(store.KindSection)
	return inputs([]string{pr.Hash}, prompt, model)
}

// PageInputs are the inputs of a pair page's own part.
func (p *Planner) PageInputs(a, b *profile.Profile) store.Inputs {
	prompt, model := p.Drafter.Versions(store.KindPage)
	return inputs([]string{a.Hash, b.Hash}, prompt, model)
}

func inputs(profiles []string, prompt, model string) store.Inputs {
	h := sha256.New()
	for _, s := range profiles {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write([]byte(prompt))
	h.Write([]byte{0})
	h.Write([]byte(model))
	return store.Inputs{Hash: hex.EncodeToString(h.Sum(nil)), Profiles: profiles, Prompt: prompt, Model: model}
}

func (p *Planner) ensureSection(ctx context.Context, pr *profile.Profile, actor string) (bool, error) {
	in := p.SectionInputs(pr)
	rec, err := p.Store.Section(ctx, pr.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		r := store.SectionRecord{Standard: pr.ID, Meta: store.Meta{Inputs: in}}
		if err := queue(&r.Meta, in, actor, "new"); err != nil {
			return false, err
		}
		rec, err = p.Store.CreateSection(ctx, r)
		if errors.Is(err, store.ErrExists) {
			return p.ensureSection(ctx, pr, actor) // lost a race with another enqueue
		}
		if err != nil {
			return false, err
		}
		return true, p.publish(ctx, store.KindSection, pr.ID, rec.Meta, "new")
	case err != nil:
		return false, err
	case rec.Inputs.Hash == in.Hash:
		// Unchanged: nothing to queue, but make sure what the record waits
		// for is on its way. A publish lost to a leader election after the
		// record was written is sent again here (the job id deduplicates).
		_, err := Resume(ctx, p.Store, store.KindSection, pr.ID, rec.Meta)
		return false, err
	}
	return p.requeueSection(ctx, pr, in, actor, "stale")
}

func (p *Planner) requeueSection(ctx context.Context, pr *profile.Profile, in store.Inputs, actor, reason string) (bool, error) {
	rec, err := p.Store.UpdateSection(ctx, pr.ID, func(r *store.SectionRecord) error {
		return queue(&r.Meta, in, actor, reason)
	})
	if err != nil {
		return false, err
	}
	return true, p.publish(ctx, store.KindSection, pr.ID, rec.Meta, reason)
}

// queue moves a record to queued for a fresh draft from inputs in.
func queue(m *store.Meta, in store.Inputs, actor, reason string) error {
	ev, err := m.Move(lifecycle.Queue, actor)
	if err != nil {
		return err
	}
	ev.Note = reason
	m.Inputs, m.Seq, m.Attempt, m.Note, m.Raw = in, m.Seq+1, 0, "", ""
	return nil
}

func (p *Planner) ensurePage(ctx context.Context, a, b *profile.Profile, actor string) (bool, error) {
	slug := page.Slug(a.ID, b.ID)
	in := p.PageInputs(a, b)
	rec, err := p.Store.Page(ctx, slug)
	switch {
	case errors.Is(err, store.ErrNotFound):
		r := store.PageRecord{Slug: slug, Title: a.ShortName + " vs " + b.ShortName, Standards: [2]string{a.ID, b.ID}}
		if err := queue(&r.Meta, in, actor, "new"); err != nil {
			return false, err
		}
		rec, err = p.Store.CreatePage(ctx, r)
		if errors.Is(err, store.ErrExists) {
			return p.ensurePage(ctx, a, b, actor)
		}
		if err != nil {
			return false, err
		}
		return true, p.publish(ctx, store.KindPage, slug, rec.Meta, "new")
	case err != nil:
		return false, err
	case rec.Inputs.Hash == in.Hash:
		_, err := Resume(ctx, p.Store, store.KindPage, slug, rec.Meta) // as for sections
		return false, err
	}
	rec, err = p.Store.UpdatePage(ctx, slug, func(r *store.PageRecord) error {
		r.Title = a.ShortName + " vs " + b.ShortName
		return queue(&r.Meta, in, actor, "stale")
	})
	if err != nil {
		return false, err
	}
	return true, p.publish(ctx, store.KindPage, slug, rec.Meta, "stale")
}

// publish queues the draft job of a record just queued. The job's
// Nats-Msg-Id makes a repeat of this (after a crash, by Sweep) harmless.
func (p *Planner) publish(ctx context.Context, kind store.Kind, key string, m store.Meta, reason string) error {
	return p.Store.Publish(ctx, store.StageDraft, store.Job{Kind: kind, Key: key, Inputs: m.Inputs.Hash, Seq: m.Seq, Reason: reason})
}

// MarkStale finds every record drafted from inputs that no longer hold (a
// profile, the prompt or the model changed), marks it stale, and queues its
// redraft. Records of standards that are gone are marked stale and left.
func (p *Planner) MarkStale(ctx context.Context, actor string) (int, error) {
	set := p.Profiles()
	n := 0
	for _, rec := range p.Store.Sections() {
		pr, ok := set.Get(rec.Standard)
		if ok && rec.Inputs.Hash == p.SectionInputs(pr).Hash {
			continue
		}
		if err := p.stale(ctx, store.KindSection, rec.Standard, actor); err != nil {
			return n, err
		}
		n++
		if ok {
			if _, err := p.requeueSection(ctx, pr, p.SectionInputs(pr), actor, "stale"); err != nil {
				return n, err
			}
		}
	}
	for _, rec := range p.Store.Pages() {
		a, okA := set.Get(rec.Standards[0])
		b, okB := set.Get(rec.Standards[1])
		if okA && okB && rec.Inputs.Hash == p.PageInputs(a, b).Hash {
			continue
		}
		if err := p.stale(ctx, store.KindPage, rec.Slug, actor); err != nil {
			return n, err
		}
		n++
		if okA && okB {
			if _, err := p.ensurePage(ctx, a, b, actor); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (p *Planner) stale(ctx context.Context, kind store.Kind, key string, actor string) error {
	_, err := p.Store.UpdateMeta(ctx, kind, key, func(m *store.Meta) error {
		if m.State == store.Stale {
			m.Event = nil
			return errAlready
		}
		ev, err := m.Move(lifecycle.MarkStale, actor)
		if err != nil {
			return err
		}
		ev.Note = "inputs changed"
		return nil
	})
	if errors.Is(err, errAlready) {
		return nil
	}
	return err
}

// errAlready stops a write that would change nothing.
var errAlready = errors.New("already so")

// Sweep republishes the job each unfinished record implies. Jobs are
// deduplicated by id and workers skip work already stored, so this is safe
// to run at every start: it recovers jobs lost between a record write and
// its publish.
func (p *Planner) Sweep(ctx context.Context) (int, error) {
	n := 0
	for _, r := range p.Store.Sections() {
		if ok, err := Resume(ctx, p.Store, store.KindSection, r.Standard, r.Meta); err != nil {
			return n, err
		} else if ok {
			n++
		}
	}
	for _, r := range p.Store.Pages() {
		if ok, err := Resume(ctx, p.Store, store.KindPage, r.Slug, r.Meta); err != nil {
			return n, err
		} else if ok {
			n++
		}
	}
	return n, nil
}

// Resume publishes the job a record's state implies (lifecycle.NextJob):
// a draft when its latest sequence is not drafted yet, a validation when it
// is drafted but not yet judged. It reports whether it published.
func Resume(ctx context.Context, s *store.Store, kind store.Kind, key string, m store.Meta) (bool, error) {
	stage := lifecycle.NextJob(m.State, m.Seq, m.Drafted)
	if stage == lifecycle.StageNone {
		return false, nil
	}
	j := store.Job{Kind: kind, Key: key, Inputs: m.Inputs.Hash, Seq: m.Seq, Reason: "resume"}
	return true, s.Publish(ctx, stage, j)
}

// ResumeKey is Resume for a record read now from the store: a worker that
// finds its job overtaken calls it, so the job the record is waiting for
// goes out even if the write that made it lost its answer (and its
// publish) in a leader election. A record gone is nothing to resume.
func ResumeKey(ctx context.Context, s *store.Store, kind store.Kind, key string) error {
	var m store.Meta
	var err error
	if kind == store.KindSection {
		var r store.SectionRecord
		r, err = s.Section(ctx, key)
		m = r.Meta
	} else {
		var r store.PageRecord
		r, err = s.Page(ctx, key)
		m = r.Meta
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = Resume(ctx, s, kind, key, m)
	return err
}
