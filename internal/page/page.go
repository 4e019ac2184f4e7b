// Package page holds the comparison page record, its JSON Schema, and its
// Markdown form (render and a forgiving parse).
package page

import "github.com/versus-dev/versus/internal/profile"

// Page is one comparison page: two standards' own sections and the parts
// written for the pair. JSON names are the schema's.
type Page struct {
	Slug        string      `json:"slug"`
	Title       string      `json:"title"`     // "<short A> vs <short B>"
	Standards   [2]string   `json:"standards"` // profile ids, in page order
	Description string      `json:"description"`
	Verdict     string      `json:"verdict"`
	Sections    [2]Section  `json:"sections"`
	Differences Differences `json:"differences"`
	Relate
	FAQ []QA `json:"faq"`
}

// Relate is the How They Relate part: built from data (the relations on file
// in the profiles, the overlap figures from mapping data), never drafted.
type Relate struct {
	// Relations are the pair's typed relations, read from the first
	// standard's side, in the order the profiles hold them.
	Relations []Relation `json:"relations,omitempty"`
	// Overlap is the requirement-level overlap; nil when no mapping relates the two.
	Overlap *Overlap `json:"overlap"`
	// Independent is one sentence, true for this pair, saying the two stand
	// apart; set only when there are no relations and no overlap.
	Independent string `json:"independent,omitempty"`
	// Grammar is how each name reads in a sentence, in page order, as the
	// profiles state it: "The CIS Controls give guidance for …", "118 of
	// the EU AI Act's requirements". Zero: bare and singular.
	Grammar [2]profile.Grammar `json:"grammar,omitzero"`
}

// Relation is one relation of a pair as a page states it.
type Relation struct {
	Kind   profile.RelationKind `json:"kind"` // read "<first standard> <kind> <second>"
	Fact   string               `json:"fact"`
	Scope  string               `json:"scope"` // for whom it holds; empty: always
	Source RelationSource       `json:"source"`
}

// RelationSource is where a relation can be checked.
type RelationSource struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Empty reports whether the part holds nothing (a page written elsewhere).
func (r Relate) Empty() bool { return len(r.Relations) == 0 && r.Overlap == nil && r.Independent == "" }

// Section is a standard's own part of a page. It is drafted once per
// standard and reused on every page that names the standard.
type Section struct {
	Standard       string         `json:"standard"`  // profile id
	Heading        string         `json:"heading"`   // the profile's short name
	FullName       string         `json:"full_name"` // the bold line: the profile's full name
	Tagline        string         `json:"tagline"`
	KeyFeatures    []string       `json:"key_features"`   // exactly five
	WhatItIs       []string       `json:"what_it_is"`     // one or two paragraphs
	KeyComponents  []string       `json:"key_components"` // three to eight
	WhyUsed        []string       `json:"why_used"`       // two to six
	Implementation Implementation `json:"implementation"`
}

// Implementation is either one paragraph or two to six steps; the other is empty.
type Implementation struct {
	Paragraph string   `json:"paragraph"`
	Steps     []string `json:"steps"`
}

// Differences is the Key Differences table. The five aspects are fixed
// fields so that a strict structured-output schema can require them in order.
type Differences struct {
	Scope     Row   `json:"scope"`
	Industry  Row   `json:"industry"`
	Nature    Row   `json:"nature"`
	Testing   Row   `json:"testing"`
	Penalties Row   `json:"penalties"`
	Extra     []Row `json:"extra"` // further aspects, after the five
}

// Row is one line of the differences table. Aspect is set for Extra rows;
// for the five fixed rows it is implied by the field.
type Row struct {
	Aspect string `json:"aspect"`
	A      string `json:"a"`
	B      string `json:"b"`
}

// QA is one FAQ entry.
type QA struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Pair is the part of a page drafted per pair (as opposed to per standard).
type Pair struct {
	Description string      `json:"description"`
	Verdict     string      `json:"verdict"`
	Differences Differences `json:"differences"`
	Relate
	FAQ []QA `json:"faq"`
}

// FixedAspects are the five aspects every differences table starts with, in order.
var FixedAspects = [5]string{"Scope", "Industry", "Nature", "Testing", "Penalties"}

// Rows returns the table rows in order: the five fixed aspects, then Extra.
func (d Differences) Rows() []Row {
	rows := []Row{d.Scope, d.Industry, d.Nature, d.Testing, d.Penalties}
	for i := range rows {
		rows[i].Aspect = FixedAspects[i]
	}
	return append(rows, d.Extra...)
}

// Slug is the page slug of a pair of profile ids, in page order.
func Slug(a, b string) string { return a + "-vs-" + b }

// Compose builds a whole page from its pair part and its two standard sections.
func Compose(slug, title string, standards [2]string, pair Pair, a, b Section) Page {
	return Page{
		Slug: slug, Title: title, Standards: standards,
		Description: pair.Description, Verdict: pair.Verdict,
		Sections:    [2]Section{a, b},
		Differences: pair.Differences, Relate: pair.Relate, FAQ: pair.FAQ,
	}
}

// PairPart returns the per-pair part of a page.
func (p Page) PairPart() Pair {
	return Pair{Description: p.Description, Verdict: p.Verdict, Differences: p.Differences, Relate: p.Relate, FAQ: p.FAQ}
}
