package compose

import (
	"strings"

	"github.com/versus-dev/versus/internal/overlap"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// Built is the part of a pair's page built from data rather than written:
// the differences table and How They Relate. The LLM author completes its
// draft with it (page.PairDraft.ToPair), so both authors state the same
// facts the same way.
func Built(a, b *profile.Profile) page.Pair {
	return page.Pair{Differences: differences(a, b), Relate: Relate(a, b)}
}

// Relate is How They Relate for a and b, in page order: the relations on
// file (held by both profiles, so the two profiles alone carry them), the
// overlap figures, and, when there are neither, one sentence saying the two
// stand apart in words true for this pair.
func Relate(a, b *profile.Profile) page.Relate {
	r := page.Relate{Overlap: overlap.For(a, b), Grammar: [2]profile.Grammar{a.Grammar, b.Grammar}}
	for _, x := range profile.Between(a, b) {
		r.Relations = append(r.Relations, page.Relation{
			Kind: x.Kind, Fact: x.Fact, Scope: x.Scope,
			Source: page.RelationSource{Title: x.Source.Title, URL: x.Source.URL},
		})
	}
	if len(r.Relations) == 0 && r.Overlap == nil {
		w := newWriter(a, b)
		r.Independent = w.finish(w.independent())
	}
	return r
}

// independent says the two stand apart, naming what actually separates
// them: kind, issuer, jurisdiction, or (when those match) subject.
func (w *writer) independent() string {
	a, b := w.fa, w.fb
	var diffs []string
	if a.kindBare != b.kindBare {
		diffs = append(diffs, w.fill("{A} is {kA}, {B} {kB}"))
	}
	if a.issuerShort != b.issuerShort {
		diffs = append(diffs, w.say("rel.ind.iss",
			"they come from different bodies, "+a.issuerShort+" and "+b.issuerShort,
			issuedBy(a, b)))
	} else {
		diffs = append(diffs, "although both come from "+a.issuerShort+", each has its own subject: "+a.topic+" for "+a.name+", "+b.topic+" for "+b.name)
	}
	if ja, jb := a.place, b.place; ja != jb && len(diffs) < 2 {
		diffs = append(diffs, a.name+" applies "+ja+" and "+b.name+" "+jb)
	}
	diff := strings.Join(diffs, "; ")
	return w.say("rel.independent", w.fills(
		"{A} and {B} are independent of each other: "+diff+". Neither builds on, extends or replaces the other.",
		"No formal link joins {A} and {B}: neither is derived from or replaces the other. "+capFirst(diff)+".",
		"Between {A} and {B} there is no formal link: neither builds on, extends or replaces the other. "+capFirst(diff)+".",
		"{A} and {B} stand apart: "+diff+". Neither is derived from the other, and neither replaces it.",
	)...)
}

// issuedBy says who made each: "the EU AI Act was adopted by …, and PCI
// DSS is published by …", one verb when both were made alike.
func issuedBy(a, b facts) string {
	made := func(f facts) string {
		aux := "is"
		if f.law {
			aux = "was" // a law was enacted once; a standard is kept published
		}
		return f.name + " " + f.noun.verb(aux) + " " + f.issued + " by " + f.issuerShort
	}
	if a.issued == b.issued && a.law == b.law {
		return made(a) + " and " + b.name + " by " + b.issuerShort
	}
	return made(a) + ", and " + made(b)
}

// issuerShort is the body an issuer line names first, for prose: the part
// before any parenthesis, clause or note ("United States Congress; enforced
// by the SEC" → "the United States Congress").
func issuerShort(issuer string) string {
	s := strings.TrimSpace(issuer)
	if i := strings.IndexAny(s, ";"); i > 0 {
		s = s[:i]
	}
	if i := strings.Index(s, ", "); i > 0 {
		s = s[:i]
	}
	if s == "" {
		return "its issuer"
	}
	return issuerRef(s)
}
