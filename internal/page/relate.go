package page

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/profile"
)

// SectionRelate is the heading of the How They Relate part.
const SectionRelate = "How They Relate"

// RuleRelation is reported when a How They Relate line cannot be read.
const RuleRelation = "structure.relation-format"

// kindPhrases say a relation kind between the two names: "<A> <phrase> <B>".
// The Markdown form carries the kind by this phrase, so each is distinct.
var kindPhrases = map[profile.RelationKind]string{
	profile.RelBuiltOn:          "is built on",
	profile.RelBasisFor:         "is the basis for",
	profile.RelAssessedAgainst:  "assesses conformity to",
	profile.RelAssessedBy:       "is assessed through",
	profile.RelGuidanceFor:      "gives guidance for",
	profile.RelGuidedBy:         "takes guidance from",
	profile.RelExtends:          "extends",
	profile.RelExtendedBy:       "is extended by",
	profile.RelTakesPrecedence:  "takes precedence over",
	profile.RelYieldsTo:         "gives way to",
	profile.RelSupportsEvidence: "can support evidence for",
	profile.RelEvidencedBy:      "can be partly evidenced with",
	profile.RelSupersedes:       "supersedes",
	profile.RelSupersededBy:     "is superseded by",
	profile.RelAlternative:      "is an alternative to",
}

// KindPhrase is how a page says kind between two names ("is built on"),
// after a singular name.
func KindPhrase(k profile.RelationKind) string {
	if p, ok := kindPhrases[k]; ok {
		return p
	}
	return "relates to"
}

// KindPhraseAfter is KindPhrase agreeing with subject a: "give guidance
// for" after "the CIS Controls".
func KindPhraseAfter(a Name, k profile.RelationKind) string { return agreePhrase(a, KindPhrase(k)) }

// agreePhrase makes the verb that opens phrase agree with subject a.
func agreePhrase(a Name, phrase string) string {
	v, rest, _ := strings.Cut(phrase, " ")
	if rest == "" {
		return a.Verb(v)
	}
	return a.Verb(v) + " " + rest
}

// RelationHead is the bold lead of a relation's line: "DORA takes
// precedence over NIS2", "The CIS Controls give guidance for NIST CSF 2.0".
func RelationHead(a, b Name, k profile.RelationKind) string { return Clause(a, KindPhrase(k), b) }

// Clause says "<a> <phrase> <b>" as a sentence's start: a with its article
// capitalised, phrase (written for a singular subject, "is built on")
// agreeing with it, b with its article.
func Clause(a Name, phrase string, b Name) string {
	return a.In(NameStart) + " " + agreePhrase(a, phrase) + " " + b.In(NameMid)
}

// Names are the page's two standards as prose names them: the sections'
// headings with the grammar How They Relate carries.
func (p Page) Names() [2]Name {
	return [2]Name{
		{Short: p.Sections[0].Heading, Grammar: p.Grammar[0]},
		{Short: p.Sections[1].Heading, Grammar: p.Grammar[1]},
	}
}

// renderRelate writes the How They Relate part's body: one line per
// relation, then the overlap sentence, table and mapping line, or the
// independence sentence when there is nothing else.
func renderRelate(b *bytes.Buffer, p Page) {
	names := p.Names()
	a, c := names[0].Short, names[1].Short
	for _, r := range p.Relations {
		b.WriteString("- **" + norm(RelationHead(names[0], names[1], r.Kind)) + "**")
		if s := norm(r.Scope); s != "" {
			b.WriteString(" (for " + s + ")")
		}
		b.WriteString(". " + norm(r.Fact))
		if u := norm(r.Source.URL); u != "" {
			b.WriteString(" Source: [" + norm(r.Source.Title) + "](" + u + ")")
		}
		b.WriteByte('\n')
	}
	if len(p.Relations) > 0 {
		b.WriteByte('\n')
	}
	if o := p.Overlap; o != nil {
		para(b, OverlapSentence(names[0], names[1], o))
		b.WriteByte('\n')
		for _, l := range noteLines(names[0], names[1], o) {
			para(b, l)
			b.WriteByte('\n')
		}
		b.WriteString("| Figure | " + cell(a) + " | " + cell(c) + " |\n")
		b.WriteString("|---|---|---|\n")
		b.WriteString("| Framework | " + cell(o.A.Framework) + " | " + cell(o.B.Framework) + " |\n")
		b.WriteString("| Requirements | " + count(o.A.Requirements) + " | " + count(o.B.Requirements) + " |\n")
		b.WriteString("| Mapped | " + strconv.Itoa(o.A.Mapped) + " | " + strconv.Itoa(o.B.Mapped) + " |\n")
		b.WriteByte('\n')
		b.WriteString(mappingLine(o) + "\n\n")
	}
	if len(p.Relations) == 0 && p.Overlap == nil {
		if t := norm(p.Independent); t != "" {
			para(b, t)
			b.WriteByte('\n')
		}
	}
}

func count(n *int) string {
	if n == nil {
		return "unknown"
	}
	return strconv.Itoa(*n)
}

// mappingLine says what the figures rest on, in a form Parse reads back.
func mappingLine(o *Overlap) string {
	basis := "direct"
	if o.Basis == "hub" || o.Via != "" {
		basis = "through " + norm(o.Via)
		if n := norm(o.ViaName); n != "" {
			basis = "through " + n + ", " + norm(o.Via)
		}
	}
	r := o.Relationships
	return fmt.Sprintf("Mapping: %s; source %s. Relationships: %d equal, %d subset, %d superset, %d intersect.",
		basis, norm(o.Source), r.Equal, r.Subset, r.Superset, r.Intersect)
}

// Possessive is name's possessive as a page writes it: "ISO 27001's", and
// "CIS Controls'" for a name ending in a lower-case s (an upper-case S ends
// an acronym, which takes 's).
func Possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

// hubName is how prose names the hub: its name, or its id when the record
// carries none.
func hubName(o *Overlap) string {
	if n := norm(o.ViaName); n != "" {
		return n
	}
	return norm(o.Via)
}

// OverlapSentence says in words how much of each side the mapping covers.
// It names both sides (with their nameArticles) and never opens with a name.
func OverlapSentence(a, b Name, o *Overlap) string {
	side := func(n Name, s OverlapSide) string {
		switch {
		case s.Note != "" && s.Requirements == nil:
			return fmt.Sprintf("%d of the requirements counted for %s", s.Mapped, n.In(NameMid))
		case s.Note != "":
			return fmt.Sprintf("%d of the %d requirements counted for %s", s.Mapped, *s.Requirements, n.In(NameMid))
		case s.Requirements == nil:
			return fmt.Sprintf("%d of %s requirements", s.Mapped, n.In(NamePossessive))
		}
		return fmt.Sprintf("%d of %s %d requirements", s.Mapped, n.In(NamePossessive), *s.Requirements)
	}
	var unknown []string
	for _, s := range []struct {
		name Name
		side OverlapSide
	}{{a, o.A}, {b, o.B}} {
		if s.side.Requirements == nil {
			unknown = append(unknown, s.name.In(NameMid))
		}
	}
	var out string
	if o.Basis == "hub" || o.Via != "" {
		out = fmt.Sprintf("No mapping relates the two directly. Through %s, a common-controls hub, %s and %s map to shared controls.", hubName(o), side(a, o.A), side(b, o.B))
	} else {
		out = fmt.Sprintf("A direct mapping relates %s to %s.", side(a, o.A), side(b, o.B))
	}
	switch len(unknown) {
	case 1:
		out += " The library holds no framework file for " + unknown[0] + ", so that total is unknown."
	case 2:
		out += " The library holds no framework file for " + unknown[0] + " or " + unknown[1] + ", so neither total is known."
	}
	return out
}

// noteLines say, for each side whose framework is not simply the standard,
// what the figures count: "For HIPAA, the figures count the requirements of
// NIST SP 800-66 Rev. 2, …". Parse reads them back into the sides' notes.
func noteLines(a, b Name, o *Overlap) []string {
	var out []string
	for _, s := range []struct {
		name Name
		note string
	}{{a, o.A.Note}, {b, o.B.Note}} {
		if n := norm(s.note); n != "" {
			out = append(out, notePrefix(s.name)+strings.TrimRight(n, ".")+".")
		}
	}
	return out
}

func notePrefix(n Name) string {
	return "For " + n.In(NameMid) + ", the figures count the requirements of "
}

// relate reads the How They Relate part back. Derived sentences (the overlap
// sentence) are recomputed on render and skipped here.
func (ps *parser) relate(b *block) {
	const sec = SectionRelate
	ps.at("relations", b.h)
	for _, s := range b.subs {
		ps.add(RuleUnknownSection, finding.Warning, sec, "", ps.lines[s.h].num,
			fmt.Sprintf("%q is not a part of How They Relate", clip(ps.lines[s.h].text, 60)), "")
	}
	a, c := ps.p.Sections[0].Heading, ps.p.Sections[1].Heading
	// The names' grammar is read from the forms the part writes them in: a
	// relation head shows both nameArticles and the first name's number, the
	// overlap sentence and note lines the nameArticles. Markdown written before
	// names had grammar (or elsewhere) reads them bare and singular.
	var g [2]profile.Grammar
	known := [2]bool{} // an article was read for this side
	its := ps.items(b.pre)
	var rows []item
	var paras []item
	for _, it := range its {
		switch it.kind {
		case lBullet:
			r, rg, ok := parseRelation(it.text, a, c)
			if ok && !known[0] {
				g, known = rg, [2]bool{true, true}
			}
			if !ok {
				ps.add(RuleRelation, finding.Error, sec, "relations", ps.lines[it.i].num,
					fmt.Sprintf("cannot read %q as a relation", clip(it.text, 60)),
					"write '- **<A> <kind> <B>** (for <scope>). <fact> Source: [<title>](<url>)'")
				continue
			}
			ps.p.Relations = append(ps.p.Relations, r)
		case lTable:
			rows = append(rows, it)
		default:
			paras = append(paras, it)
		}
	}
	var o *Overlap
	if len(rows) > 0 {
		o = &Overlap{}
		for _, r := range rows {
			cells := splitRow(r.text)
			if len(cells) != 3 || isDelimiter(cells) {
				continue
			}
			x, y := unescapeCell(cells[1]), unescapeCell(cells[2])
			switch normName(cells[0]) {
			case "framework":
				o.A.Framework, o.B.Framework = x, y
			case "requirements":
				o.A.Requirements, o.B.Requirements = countOf(x), countOf(y)
			case "mapped":
				o.A.Mapped, _ = strconv.Atoi(x)
				o.B.Mapped, _ = strconv.Atoi(y)
			}
		}
	}
	var derived []string
	for _, it := range paras {
		v := it.value(unescapeLine)
		if o != nil {
			if n, art, ok := cutNotePrefix(v, a); ok {
				o.A.Note = strings.TrimSuffix(n, ".")
				if !known[0] {
					g[0].Article, known[0] = art, true
				}
				continue
			}
			if n, art, ok := cutNotePrefix(v, c); ok {
				o.B.Note = strings.TrimSuffix(n, ".")
				if !known[1] {
					g[1].Article, known[1] = art, true
				}
				continue
			}
		}
		if o != nil && strings.HasPrefix(v, "Mapping: ") {
			if !parseMappingLine(v, o) {
				ps.add(RuleRelation, finding.Error, sec, "overlap", ps.lines[it.i].num,
					fmt.Sprintf("cannot read the mapping line %q", clip(v, 60)), "write 'Mapping: direct; source <ref>. Relationships: N equal, N subset, N superset, N intersect.'")
			}
			continue
		}
		if o != nil || len(ps.p.Relations) > 0 {
			derived = append(derived, v) // the overlap sentence, derived from the figures
			continue
		}
		if ps.p.Independent == "" {
			ps.p.Independent = v
		} else {
			ps.p.Independent += " " + v
		}
	}
	ps.p.Overlap = o
	if o != nil && (!known[0] || !known[1]) {
		g = overlapGrammar(derived, a, c, o, g, known)
	}
	ps.p.Grammar = g
}

// nameArticles are the nameArticles a name may take, bare first.
var nameArticles = []string{"", "the"}

// cutNotePrefix cuts a note line's lead for name, with or without its
// article, and says which it had.
func cutNotePrefix(v, name string) (rest, article string, ok bool) {
	for _, art := range nameArticles {
		if rest, ok := strings.CutPrefix(v, notePrefix(Name{Short: name, Grammar: profile.Grammar{Article: art}})); ok {
			return rest, art, true
		}
	}
	return "", "", false
}

// overlapGrammar reads the nameArticles the overlap sentence gives the names
// not already read elsewhere: the one of derived that is the sentence
// rendered with some choice of them.
func overlapGrammar(derived []string, a, c string, o *Overlap, g [2]profile.Grammar, known [2]bool) [2]profile.Grammar {
	choices := func(i int) []string {
		if known[i] {
			return []string{g[i].Article}
		}
		return nameArticles
	}
	for _, v := range derived {
		for _, x := range choices(0) {
			for _, y := range choices(1) {
				ga, gc := g[0], g[1]
				ga.Article, gc.Article = x, y
				if norm(OverlapSentence(Name{a, ga}, Name{c, gc}, o)) == v {
					return [2]profile.Grammar{ga, gc}
				}
			}
		}
	}
	return g
}

// grammars are the ways a relation head may write its first name, bare
// and singular first, so Markdown without grammar reads as it did.
var grammars = []profile.Grammar{{}, {Plural: true}, {Article: "the"}, {Article: "the", Plural: true}}

func countOf(s string) *int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil
	}
	return &n
}

func parseMappingLine(v string, o *Overlap) bool {
	rest := strings.TrimPrefix(v, "Mapping: ")
	i := strings.Index(rest, "; source ")
	j := strings.LastIndex(rest, ". Relationships: ")
	if i < 0 || j < i {
		return false
	}
	basis := rest[:i]
	o.Source = rest[i+len("; source ") : j]
	if basis == "direct" {
		o.Basis = "direct"
	} else if via, ok := strings.CutPrefix(basis, "through "); ok {
		o.Basis, o.Via = "hub", via
		if i := strings.LastIndex(via, ", "); i >= 0 {
			o.ViaName, o.Via = via[:i], via[i+2:]
		}
	} else {
		return false
	}
	var r Relationships
	n, err := fmt.Sscanf(rest[j+len(". Relationships: "):], "%d equal, %d subset, %d superset, %d intersect.", &r.Equal, &r.Subset, &r.Superset, &r.Intersect)
	if err != nil || n != 4 {
		return false
	}
	o.Relationships = r
	return true
}

// parseRelation reads "**<A> <phrase> <B>** (for <scope>). <fact> Source:
// [<title>](<url>)", in every form RelationHead writes; g is the grammar
// the head shows (both nameArticles, the first name's number).
func parseRelation(t, a, b string) (r Relation, g [2]profile.Grammar, ok bool) {
	if !strings.HasPrefix(t, "**") {
		return r, g, false
	}
	end := strings.Index(t[2:], "**")
	if end < 0 {
		return r, g, false
	}
	head, rest := t[2:2+end], t[2+end+2:]
	var found bool
	r.Kind, g, found = readHead(head, a, b)
	if !found {
		return r, g, false
	}
	if s, ok := strings.CutPrefix(rest, " (for "); ok {
		i := strings.Index(s, "). ")
		if i < 0 {
			return r, g, false
		}
		r.Scope, rest = s[:i], s[i+1:]
	}
	rest, ok = strings.CutPrefix(rest, ". ")
	if !ok {
		return r, g, false
	}
	if i := strings.LastIndex(rest, " Source: ["); i >= 0 && strings.HasSuffix(rest, ")") {
		link := rest[i+len(" Source: ["):]
		if j := strings.LastIndex(link, "]("); j >= 0 {
			r.Source = RelationSource{Title: link[:j], URL: link[j+2 : len(link)-1]}
			rest = rest[:i]
		}
	}
	r.Fact = norm(rest)
	return r, g, r.Fact != ""
}

// readHead finds the kind and grammar whose head, as RelationHead writes
// it, is head.
func readHead(head, a, b string) (profile.RelationKind, [2]profile.Grammar, bool) {
	for _, ga := range grammars {
		for _, art := range nameArticles {
			x, y := Name{a, ga}, Name{b, profile.Grammar{Article: art}}
			for k := range kindPhrases {
				if norm(RelationHead(x, y, k)) == head {
					return k, [2]profile.Grammar{ga, y.Grammar}, true
				}
			}
		}
	}
	return "", [2]profile.Grammar{}, false
}
