package page

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/versus-dev/versus/internal/profile"
)

// RoundTrip checks that p survives its Markdown form: Parse(Render(p))
// gives p back (up to whitespace folding, nil versus empty lists and the
// implied names of the five fixed table rows) and rendering again gives the
// same bytes. The error names the first fields that differ.
func RoundTrip(p Page) error {
	md := Render(p)
	got, fs := Parse(md)
	want := Canonical(p)
	if diff := diffPages(want, Canonical(got)); diff != "" {
		return fmt.Errorf("page %q: Parse(Render(p)) differs from p:\n%s", p.Slug, diff)
	}
	if md2 := Render(got); !bytes.Equal(md, md2) {
		return fmt.Errorf("page %q: Render(Parse(Render(p))) differs from Render(p) at line %d", p.Slug, firstDiffLine(md, md2))
	}
	_ = fs // a record may be invalid and still round-trip; findings are the validator's business
	return nil
}

// Canonical is p as its Markdown form can carry it: every string with its
// whitespace folded, lists non-nil, fixed table rows named.
func Canonical(p Page) Page {
	q := p
	q.Slug, q.Title, q.Description, q.Verdict = norm(p.Slug), norm(p.Title), norm(p.Description), norm(p.Verdict)
	q.Standards = [2]string{norm(p.Standards[0]), norm(p.Standards[1])}
	for i, s := range p.Sections {
		s.Heading, s.FullName, s.Tagline = norm(s.Heading), norm(s.FullName), norm(s.Tagline)
		s.KeyFeatures = normList(s.KeyFeatures)
		s.WhatItIs = nonEmpty(normList(s.WhatItIs)) // an empty paragraph is not written
		s.KeyComponents = normList(s.KeyComponents)
		s.WhyUsed = normList(s.WhyUsed)
		s.Implementation.Paragraph = norm(s.Implementation.Paragraph)
		s.Implementation.Steps = normList(s.Implementation.Steps)
		q.Sections[i] = s
	}
	rows := p.Differences.Rows()
	for i := range rows {
		rows[i] = Row{Aspect: norm(rows[i].Aspect), A: norm(rows[i].A), B: norm(rows[i].B)}
	}
	q.Differences = Differences{Scope: rows[0], Industry: rows[1], Nature: rows[2], Testing: rows[3], Penalties: rows[4]}
	q.Differences.Extra = append([]Row{}, rows[5:]...)
	q.Relations = nil
	for _, r := range p.Relations {
		q.Relations = append(q.Relations, Relation{Kind: profile.RelationKind(norm(string(r.Kind))), Fact: norm(r.Fact), Scope: norm(r.Scope),
			Source: RelationSource{Title: norm(r.Source.Title), URL: norm(r.Source.URL)}})
	}
	if p.Overlap != nil {
		o := *p.Overlap
		o.Basis = "direct"
		if p.Overlap.Basis == "hub" || p.Overlap.Via != "" {
			o.Basis = "hub"
		}
		o.Via, o.Source = norm(o.Via), norm(o.Source)
		o.ViaName = ""
		if o.Basis == "hub" {
			o.ViaName = norm(p.Overlap.ViaName) // said only with a hub
		}
		o.A.Framework, o.B.Framework = norm(o.A.Framework), norm(o.B.Framework)
		o.A.Note, o.B.Note = noteCanon(o.A.Note), noteCanon(o.B.Note)
		q.Overlap = &o
	}
	q.Grammar = shownGrammar(p)
	q.Independent = ""
	if len(p.Relations) == 0 && p.Overlap == nil {
		q.Independent = norm(p.Independent) // written only when there is nothing else
	}
	q.FAQ = []QA{}
	for _, qa := range p.FAQ {
		q.FAQ = append(q.FAQ, QA{Question: norm(qa.Question), Answer: norm(qa.Answer)})
	}
	return nonNil(q)
}

// shownGrammar is the part of p's grammar its Markdown shows: the articles
// wherever How They Relate names the two (a relation head, the overlap
// sentence), the first name's number only in a relation head whose verb
// it changes ("give" for "gives"; "can support" is both).
func shownGrammar(p Page) [2]profile.Grammar {
	g := p.Grammar
	if len(p.Relations) == 0 && p.Overlap == nil {
		return [2]profile.Grammar{}
	}
	plural := false
	for _, r := range p.Relations {
		k := profile.RelationKind(norm(string(r.Kind)))
		if KindPhrase(k) != KindPhraseAfter(Name{Grammar: profile.Grammar{Plural: true}}, k) {
			plural = true
		}
	}
	g[0].Plural = g[0].Plural && plural
	g[1].Plural = false
	return g
}

// noteCanon is a stand-in note as its line gives it back: one space, no
// final stop.
func noteCanon(s string) string { return strings.TrimRight(norm(s), ".") }

func normList(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = norm(s)
	}
	return out
}

// diffPages lists differing leaf fields by their JSON paths.
func diffPages(a, b Page) string {
	var x, y any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &x)
	_ = json.Unmarshal(jb, &y)
	var out []string
	diffValue("", x, y, &out)
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("... and %d more", len(out)-10))
	}
	return strings.Join(out, "\n")
}

func diffValue(path string, a, b any, out *[]string) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(av))
		for k := range av {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			diffValue(joinPath(path, k), av[k], bv[k], out)
		}
		return
	case []any:
		bv, _ := b.([]any)
		for i := 0; i < max(len(av), len(bv)); i++ {
			var ai, bi any
			if i < len(av) {
				ai = av[i]
			}
			if i < len(bv) {
				bi = bv[i]
			}
			diffValue(fmt.Sprintf("%s[%d]", path, i), ai, bi, out)
		}
		return
	}
	if fmt.Sprint(a) != fmt.Sprint(b) {
		*out = append(*out, fmt.Sprintf("  %s: want %q, got %q", path, fmt.Sprint(a), fmt.Sprint(b)))
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) && i < len(lb); i++ {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

func nonEmpty(l []string) []string {
	out := l[:0]
	for _, s := range l {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
