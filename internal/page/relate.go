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

// KindPhrase is how a page says kind between two names ("is built on").
func KindPhrase(k profile.RelationKind) string {
	if p, ok := kindPhrases[k]; ok {
		return p
	}
	return "relates to"
}

// RelationHead is the bold lead of a relation's line: "DORA takes precedence over NIS2".
func RelationHead(a, b string, k profile.RelationKind) string {
	return a + " " + KindPhrase(k) + " " + b
}

// renderRelate writes the How They Relate part's body: one line per
// relation, then the overlap sentence, table and mapping line, or the
// independence sentence when there is nothing else.
func renderRelate(b *bytes.Buffer, p Page) {
	a, c := p.Sections[0].Heading, p.Sections[1].Heading
	for _, r := range p.Relations {
		b.WriteString("- **" + norm(RelationHead(a, c, r.Kind)) + "**")
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
		para(b, OverlapSentence(a, c, o))
		b.WriteByte('\n')
		for _, l := range noteLines(a, c, o) {
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
func OverlapSentence(a, b string, o *Overlap) string {
	side := func(name string, s OverlapSide) string {
		switch {
		case s.Note != "" && s.Requirements == nil:
			return fmt.Sprintf("%d of the requirements counted for %s", s.Mapped, name)
		case s.Note != "":
			return fmt.Sprintf("%d of the %d requirements counted for %s", s.Mapped, *s.Requirements, name)
		case s.Requirements == nil:
			return fmt.Sprintf("%d of %s requirements", s.Mapped, Possessive(name))
		}
		return fmt.Sprintf("%d of %s %d requirements", s.Mapped, Possessive(name), *s.Requirements)
	}
	var unknown []string
	for _, s := range []struct {
		name string
		side OverlapSide
	}{{a, o.A}, {b, o.B}} {
		if s.side.Requirements == nil {
			unknown = append(unknown, s.name)
		}
	}
	var out string
	if o.Basis == "hub" || o.Via != "" {
		out = fmt.Sprintf("No mapping relates the two directly. Through %s, a common-controls hub, %s and %s map to shared controls.", hubName(o), side(a, o.A), side(b, o.B))
	} else {
		out = fmt.Sprintf("A direct mapping relates %s to %s.", side(a, o.A), side(b, o.B))
	}
	if len(unknown) > 0 {
		out += " The library holds no framework file for " + strings.Join(unknown, " or ") + ", so its total is unknown."
	}
	return out
}

// noteLines say, for each side whose framework is not simply the standard,
// what the figures count: "For HIPAA, the figures count the requirements of
// NIST SP 800-66 Rev. 2, …". Parse reads them back into the sides' notes.
func noteLines(a, b string, o *Overlap) []string {
	var out []string
	for _, s := range []struct {
		name string
		note string
	}{{a, o.A.Note}, {b, o.B.Note}} {
		if n := norm(s.note); n != "" {
			out = append(out, notePrefix(s.name)+strings.TrimRight(n, ".")+".")
		}
	}
	return out
}

func notePrefix(name string) string {
	return "For " + name + ", the figures count the requirements of "
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
	its := ps.items(b.pre)
	var rows []item
	var paras []item
	for _, it := range its {
		switch it.kind {
		case lBullet:
			r, ok := parseRelation(it.text, a, c)
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
	for _, it := range paras {
		v := it.value(unescapeLine)
		if o != nil {
			if n, ok := strings.CutPrefix(v, notePrefix(a)); ok {
				o.A.Note = strings.TrimSuffix(n, ".")
				continue
			}
			if n, ok := strings.CutPrefix(v, notePrefix(c)); ok {
				o.B.Note = strings.TrimSuffix(n, ".")
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
			continue // the overlap sentence, derived from the figures
		}
		if ps.p.Independent == "" {
			ps.p.Independent = v
		} else {
			ps.p.Independent += " " + v
		}
	}
	ps.p.Overlap = o
}

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

// parseRelation reads "**<A> <phrase> <B>** (for <scope>). <fact> Source: [<title>](<url>)".
func parseRelation(t, a, b string) (Relation, bool) {
	var r Relation
	if !strings.HasPrefix(t, "**") {
		return r, false
	}
	end := strings.Index(t[2:], "**")
	if end < 0 {
		return r, false
	}
	head, rest := t[2:2+end], t[2+end+2:]
	found := false
	for k := range kindPhrases {
		if norm(RelationHead(a, b, k)) == head {
			r.Kind, found = k, true
			break
		}
	}
	if !found {
		return r, false
	}
	if s, ok := strings.CutPrefix(rest, " (for "); ok {
		i := strings.Index(s, "). ")
		if i < 0 {
			return r, false
		}
		r.Scope, rest = s[:i], s[i+1:]
	}
	rest, ok := strings.CutPrefix(rest, ". ")
	if !ok {
		return r, false
	}
	if i := strings.LastIndex(rest, " Source: ["); i >= 0 && strings.HasSuffix(rest, ")") {
		link := rest[i+len(" Source: ["):]
		if j := strings.LastIndex(link, "]("); j >= 0 {
			r.Source = RelationSource{Title: link[:j], URL: link[j+2 : len(link)-1]}
			rest = rest[:i]
		}
	}
	r.Fact = norm(rest)
	return r, r.Fact != ""
}
