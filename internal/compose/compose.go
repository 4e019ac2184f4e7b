// Package compose writes comparison pages from the profiles alone, with no
// LLM: the offline composer that lets `versus up` do its whole job on a
// machine where no model is configured.
//
// Everything it writes is deterministic and grounded: a standard's own
// section is its profile's page-ready fields, and the pair part (description,
// verdict, differences, FAQ) is assembled from the two profiles' facts with
// sentence templates chosen by a hash of the pair, so pages that share a
// standard do not get near-identical verdicts.
//
// Two habits keep the text safe for the validator's grounding rules: the
// composer never writes a digit or a year of its own, and a sentence that
// makes a mandatory, voluntary or certification claim names only one standard.
package compose

import (
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// Page composes the whole page for a and b, in that order (callers sort ids).
func Page(a, b *profile.Profile) page.Page {
	sa, sb := Section(a), Section(b)
	return page.Compose(
		page.Slug(a.ID, b.ID),
		a.ShortName+" vs "+b.ShortName,
		[2]string{a.ID, b.ID},
		pairWith(a, b, sa, sb),
		sa, sb,
	)
}

// Section is the standard's own section, taken straight from its profile:
// those fields are written to be page-ready.
func Section(p *profile.Profile) page.Section {
	s := page.Section{
		Standard:      p.ID,
		Heading:       p.ShortName,
		FullName:      p.Name,
		Tagline:       p.Tagline,
		KeyFeatures:   clone(p.KeyFeatures),
		WhatItIs:      clone(p.WhatItIs),
		KeyComponents: clone(p.KeyComponents),
		WhyUsed:       clone(p.WhyUsed),
	}
	// One entry is a paragraph; several are steps (the profile's convention).
	if len(p.Implementation) == 1 {
		s.Implementation.Paragraph = p.Implementation[0]
	} else {
		s.Implementation.Steps = clone(p.Implementation)
	}
	return s
}

// Pair writes the per-pair part of the page for a and b.
func Pair(a, b *profile.Profile) page.Pair {
	return pairWith(a, b, Section(a), Section(b))
}

func pairWith(a, b *profile.Profile, sa, sb page.Section) page.Pair {
	w := newWriter(a, b)
	// Seed the sentences the sections already hold, so nothing composed
	// repeats one of them.
	for _, s := range []page.Section{sa, sb} {
		w.seen(s.Tagline)
		w.seen(s.WhatItIs...)
		w.seen(s.KeyFeatures...)
		w.seen(s.KeyComponents...)
		w.seen(s.WhyUsed...)
		w.seen(s.Implementation.Paragraph)
		w.seen(s.Implementation.Steps...)
	}
	built := Built(a, b)
	// In this order: the FAQ leaves out what the verdict has said.
	desc := w.finish(w.description())
	verdict := w.finish(w.verdict())
	faq := w.faq()
	for i := range faq {
		faq[i].Question, faq[i].Answer = w.finish(faq[i].Question), w.finish(faq[i].Answer)
	}
	return page.Pair{
		Description: desc,
		Verdict:     verdict,
		Differences: built.Differences,
		Relate:      built.Relate,
		FAQ:         faq,
	}
}

// finish applies the names' grammar to composed text: verbs agree with a
// plural name, and an article that opens a sentence takes its capital.
func (w *writer) finish(text string) string {
	return startCase(w.fb.noun.agree(w.fa.noun.agree(text)))
}

func clone(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}
