package profile

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/versus-dev/versus/internal/finding"
)

// bounds are word counts a prose field must respect. Errors match the page
// format's own limits (the profile text goes into pages verbatim); warnings
// are house style.
type bounds struct {
	min, max int
	sev      finding.Severity
}

var (
	taglineWords   = bounds{8, 25, finding.Error}
	cellWords      = bounds{4, 20, finding.Error}
	paragraphWords = bounds{40, 110, finding.Error}
	featureWords   = bounds{2, 14, finding.Warning}
	bulletWords    = bounds{3, 40, finding.Warning}
	implParaWords  = bounds{30, 130, finding.Warning}
)

// prose is one prose field of a profile with its JSON pointer.
type prose struct {
	ptr, text string
}

func proseFields(p *Profile) []prose {
	out := []prose{{"/tagline", p.Tagline}}
	list := func(name string, xs []string) {
		for i, x := range xs {
			out = append(out, prose{fmt.Sprintf("/%s/%d", name, i), x})
		}
	}
	list("key_features", p.KeyFeatures)
	list("what_it_is", p.WhatItIs)
	list("key_components", p.KeyComponents)
	list("why_used", p.WhyUsed)
	list("implementation", p.Implementation)
	out = append(out, prose{"/scope", p.Scope}, prose{"/nature", p.Nature}, prose{"/testing", p.Testing}, prose{"/penalties", p.Penalties})
	return out
}

// fileChecks are the rules about one file that the schema cannot express.
func (l *locator) fileChecks(p *Profile, base string) {
	if p.ID != "" && p.ID != base {
		l.add(l.line("/id"), "profile.id-filename", "id", finding.Error,
			fmt.Sprintf("id %q does not match the file name %q", p.ID, base+".yaml"), fmt.Sprintf("rename the file to %s.yaml or set id: %s", p.ID, base))
	}
	words := func(ptr, text string, b bounds, what string) {
		if strings.TrimSpace(text) == "" {
			return // reported by the schema
		}
		n := len(strings.Fields(text))
		if n < b.min || n > b.max {
			l.add(l.line(ptr), "profile.length", fieldOf(ptr), b.sev,
				fmt.Sprintf("%s has %d words, want %d to %d", what, n, b.min, b.max), "")
		}
	}
	words("/tagline", p.Tagline, taglineWords, "tagline")
	for _, c := range []struct{ ptr, text string }{{"/scope", p.Scope}, {"/nature", p.Nature}, {"/testing", p.Testing}, {"/penalties", p.Penalties}} {
		words(c.ptr, c.text, cellWords, c.ptr[1:]+" (a table cell)")
	}
	for i, x := range p.WhatItIs {
		words(fmt.Sprintf("/what_it_is/%d", i), x, paragraphWords, "paragraph")
	}
	for i, x := range p.KeyFeatures {
		words(fmt.Sprintf("/key_features/%d", i), x, featureWords, "key feature")
	}
	for i, x := range p.KeyComponents {
		words(fmt.Sprintf("/key_components/%d", i), x, bulletWords, "bullet")
	}
	for i, x := range p.WhyUsed {
		words(fmt.Sprintf("/why_used/%d", i), x, bulletWords, "bullet")
	}
	if len(p.Implementation) == 1 {
		words("/implementation/0", p.Implementation[0], implParaWords, "implementation paragraph")
	} else {
		for i, x := range p.Implementation {
			words(fmt.Sprintf("/implementation/%d", i), x, bulletWords, "step")
		}
	}

	if p.Mandatory.Required && strings.TrimSpace(p.Mandatory.For) == "" {
		l.add(l.line("/mandatory/for"), "profile.mandatory-for", "mandatory.for", finding.Error,
			"mandatory.required is true but mandatory.for does not say who must comply", "name who must comply")
	}
	if !p.Mandatory.Required && strings.TrimSpace(p.Mandatory.For) != "" {
		l.add(l.line("/mandatory/for"), "profile.mandatory-for", "mandatory.for", finding.Error,
			"mandatory.for is set but mandatory.required is false", "leave `for` empty for a voluntary standard")
	}
	if p.Kind == KindManagementSystem && !p.Certifiable {
		l.add(l.line("/certifiable"), "profile.kind-consistency", "certifiable", finding.Error,
			"a management-system standard is certifiable by definition", "set certifiable: true or change kind")
	}
	if p.Kind == KindLaw && !p.Mandatory.Required {
		l.add(l.line("/mandatory/required"), "profile.kind-consistency", "mandatory.required", finding.Error,
			"a law is mandatory for someone", "set mandatory.required: true and say for whom")
	}
	if sn := strings.ToLower(strings.TrimSpace(p.ShortName)); p.Grammar.Article != "" && strings.HasPrefix(sn, p.Grammar.Article+" ") {
		// Prose would say "the The ...": the name carries the article already.
		l.add(l.line("/grammar/article"), "profile.grammar", "grammar.article", finding.Error,
			fmt.Sprintf("short_name %q already starts with %q", p.ShortName, p.Grammar.Article), "drop the article from short_name or from grammar")
	}
	if p.Year > 0 && p.Edition != "" {
		years := yearRE.FindAllString(p.Edition, -1)
		ok := len(years) == 0
		for _, y := range years {
			if y == strconv.Itoa(p.Year) {
				ok = true
			}
		}
		if !ok {
			l.add(l.line("/year"), "profile.edition-year", "year", finding.Warning,
				fmt.Sprintf("year %d is not among the years in edition %q", p.Year, p.Edition), "")
		}
	}
	for _, pr := range proseFields(p) {
		l.claimChecks(p, pr)
	}
}

var (
	yearRE       = regexp.MustCompile(`\b(19|20)\d\d\b`)
	certClaimRE  = regexp.MustCompile(`(?i)\b(certifiable|certified (against|to|under)|certification (audits?|bod(y|ies)|schemes?)|(achiev|obtain|earn|gain|get|seek|pursu)\w* (a |an |the )?certific\w*|(be|become|is|are|get|gets|being) certified)\b`)
	mandClaimRE  = regexp.MustCompile(`(?i)\b(mandatory|legally required|required by law|obligatory)\b`)
	negationRE   = regexp.MustCompile(`(?i)\b(not|no|non|cannot|never|without|rather than|instead of|individuals?|people|professionals?|practitioners?)\b|n't\b`)
	sentenceSepR = regexp.MustCompile(`[.;!?]\s`)
)

// claimChecks warns when prose seems to claim what the structured facts deny:
// certification of a non-certifiable standard, or a voluntary one being
// mandatory. A sentence with a negation (or about people's credentials) is
// taken to be saying the opposite, so the check errs towards silence.
func (l *locator) claimChecks(p *Profile, pr prose) {
	for _, sentence := range sentenceSepR.Split(pr.text, -1) {
		if !p.Certifiable && certClaimRE.MatchString(sentence) && !negationRE.MatchString(sentence) {
			l.add(l.line(pr.ptr), "profile.certifiable-claim", fieldOf(pr.ptr), finding.Warning,
				"text speaks of certification but the profile says certifiable: false", "say it is not certifiable, or fix `certifiable`")
		}
		if !p.Mandatory.Required && mandClaimRE.MatchString(sentence) && !negationRE.MatchString(sentence) {
			l.add(l.line(pr.ptr), "profile.mandatory-claim", fieldOf(pr.ptr), finding.Warning,
				"text calls the standard mandatory but the profile says it is voluntary", "fix the text or `mandatory`")
		}
	}
}

// crossCheck runs the rules that need every file: unique ids, names that
// belong to one standard only, related ids that exist, and numbers in prose.
func crossCheck(files []loaded) []finding.Finding {
	var out []finding.Finding
	byID := map[string]loaded{}
	dupID := map[*Profile]bool{}
	for _, f := range files {
		if f.p.ID == "" {
			continue
		}
		if first, dup := byID[f.p.ID]; dup {
			dupID[f.p] = true
			out = append(out, finding.Finding{File: f.p.File, Line: f.loc.line("/id"), Field: "id", Rule: "profile.duplicate-id", Severity: finding.Error,
				Message: fmt.Sprintf("id %q is already used by %s", f.p.ID, first.p.File), Hint: "give each standard its own id"})
			continue
		}
		byID[f.p.ID] = f
	}

	type owner struct {
		f    loaded
		name string
	}
	byKey := map[string]owner{}
	var indexed []*Profile
	for _, f := range files {
		if dupID[f.p] {
			continue
		}
		for _, n := range namesWithPtr(f.p) {
			if strings.TrimSpace(n.text) == "" {
				continue // a missing name is reported by the schema
			}
			k := Normalize(n.text)
			if k == "" {
				out = append(out, finding.Finding{File: f.p.File, Line: f.loc.line(n.ptr), Field: fieldOf(n.ptr), Rule: "profile.empty-name", Severity: finding.Error,
					Message: fmt.Sprintf("name %q has no letters or digits", n.text), Hint: "remove it"})
				continue
			}
			if o, taken := byKey[k]; taken && o.f.p != f.p {
				out = append(out, finding.Finding{File: f.p.File, Line: f.loc.line(n.ptr), Field: fieldOf(n.ptr), Rule: "profile.alias-conflict", Severity: finding.Error,
					Message: fmt.Sprintf("name %q of %s is the same name as %q of %s (%s)", n.text, f.p.ID, o.name, o.f.p.ID, o.f.p.File),
					Hint:    "a name may belong to one standard only; remove or change one of them"})
				continue
			}
			if _, taken := byKey[k]; !taken {
				byKey[k] = owner{f, n.text}
			}
		}
		indexed = append(indexed, f.p)
	}

	for _, f := range files {
		for i, r := range f.p.Related {
			ptr := fmt.Sprintf("/related/%d", i)
			switch _, ok := byID[r]; {
			case r == f.p.ID:
				out = append(out, finding.Finding{File: f.p.File, Line: f.loc.line(ptr), Field: fieldOf(ptr), Rule: "profile.related-self", Severity: finding.Error,
					Message: "a standard cannot be related to itself", Hint: "remove it"})
			case !ok:
				out = append(out, finding.Finding{File: f.p.File, Line: f.loc.line(ptr), Field: fieldOf(ptr), Rule: "profile.related-unknown", Severity: finding.Error,
					Message: fmt.Sprintf("related id %q is not a profile", r), Hint: "use the id of a file in this folder"})
			}
		}
	}

	out = append(out, relationChecks(files, byID)...)

	// The mention index for the number check; it is built without the
	// conflicting names, so it cannot fail on them.
	ms := mentionIndex(indexed)
	for _, f := range files {
		out = append(out, numberChecks(ms, f)...)
	}
	return out
}

type namedPtr struct{ ptr, text string }

func namesWithPtr(p *Profile) []namedPtr {
	out := []namedPtr{{"/short_name", p.ShortName}, {"/name", p.Name}, {"/id", p.ID}}
	for i, a := range p.Aliases {
		out = append(out, namedPtr{fmt.Sprintf("/aliases/%d", i), a})
	}
	return out
}

// mentionIndex builds a Set only for finding mentions: first owner of a name wins.
func mentionIndex(ps []*Profile) *Set {
	s := &Set{byKey: map[string]*Profile{}, prefixes: map[string]struct{}{}, byID: map[string]*Profile{}}
	for _, p := range ps {
		for _, n := range Names(p) {
			k := Normalize(n)
			if k == "" {
				continue
			}
			if _, taken := s.byKey[k]; taken {
				continue
			}
			s.byKey[k] = p
			for i := 1; i <= len(k); i++ {
				s.prefixes[k[:i]] = struct{}{}
			}
		}
	}
	return s
}

// numberChecks warns about numbers in prose that the profile does not list:
// every figure a page may repeat must be grounded in `numbers` (or be the
// edition or year), or the validator cannot tell a true count from a made-up one.
func numberChecks(ms *Set, f loaded) []finding.Finding {
	p := f.p
	allowed := []float64{float64(p.Year)}
	for _, n := range p.Numbers {
		allowed = append(allowed, n.Value)
	}
	for _, s := range append([]string{p.Edition}, Names(p)...) {
		for _, m := range anyNumberRE.FindAllString(s, -1) {
			if v, err := strconv.ParseFloat(m, 64); err == nil {
				allowed = append(allowed, v)
			}
		}
	}
	var out []finding.Finding
	for _, pr := range proseFields(p) {
		for _, h := range proseNumbers(ms, pr.text) {
			if listed(allowed, h.values...) {
				continue
			}
			out = append(out, finding.Finding{File: p.File, Line: f.loc.line(pr.ptr), Field: fieldOf(pr.ptr), Rule: "profile.number-unlisted", Severity: finding.Warning,
				Message: fmt.Sprintf("number %s is not in `numbers` nor the edition or year", h.raw),
				Hint:    fmt.Sprintf("add {value: %s, counts: ...} to numbers, or remove it", strconv.FormatFloat(h.values[len(h.values)-1], 'f', -1, 64))})
		}
	}
	return out
}

var anyNumberRE = regexp.MustCompile(`\d+(?:\.\d+)?`)

func listed(allowed []float64, vs ...float64) bool {
	for _, v := range vs {
		for _, a := range allowed {
			if math.Abs(a-v) <= 1e-9*math.Max(1, math.Abs(a)) {
				return true
			}
		}
	}
	return false
}

// numberHit is a number in prose: as written, and the values it may stand for
// ("20 million" is 20 or 20000000).
type numberHit struct {
	raw    string
	offset int
	values []float64
}

// refWords precede numbers that name a part rather than count something
// ("Article 32", "Section 404", "Level 2").
var refWords = map[string]bool{
	"article": true, "articles": true, "art": true, "section": true, "sections": true, "clause": true, "clauses": true,
	"chapter": true, "chapters": true, "title": true, "titles": true, "part": true, "parts": true, "annex": true,
	"rev": true, "revision": true, "version": true, "v": true, "level": true, "levels": true, "type": true,
	"tier": true, "ig": true, "no": true, "number": true, "principle": true, "requirement": true, "requirements": true,
}

var multipliers = map[string]float64{"thousand": 1e3, "million": 1e6, "billion": 1e9}

// proseNumbers finds the numbers in text that state a quantity, skipping those
// inside a standard's name ("ISO 27001", "NIST SP 800-53" with its year),
// glued to letters ("SL4", "3PAO") or naming a part ("Article 32").
func proseNumbers(ms *Set, text string) []numberHit {
	var masks [][2]int
	for _, m := range ms.FindMentions(text) {
		end := m.Offset + len(m.Name)
		// A year right after a name is that name's edition ("ISO/IEC 27001:2022").
		if loc := trailingYearRE.FindStringIndex(text[end:]); loc != nil && loc[0] == 0 {
			end += loc[1]
		}
		masks = append(masks, [2]int{m.Offset, end})
	}
	masked := func(i int) bool {
		for _, m := range masks {
			if i >= m[0] && i < m[1] {
				return true
			}
		}
		return false
	}
	var out []numberHit
	for _, loc := range proseNumberRE.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[1]
		if masked(start) {
			continue
		}
		if start > 0 && strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-/:§#", rune(text[start-1])) {
			continue
		}
		if end < len(text) && isASCIILetter(text[end]) {
			continue
		}
		if refWords[strings.ToLower(prevWord(text, start))] {
			continue
		}
		raw := text[start:end]
		v, err := strconv.ParseFloat(strings.ReplaceAll(raw, ",", ""), 64)
		if err != nil {
			continue
		}
		vals := []float64{v}
		if mul, ok := multipliers[strings.ToLower(nextWord(text, end))]; ok {
			vals = append(vals, v*mul)
		}
		out = append(out, numberHit{raw: raw, offset: start, values: vals})
	}
	return out
}

var (
	proseNumberRE  = regexp.MustCompile(`\d+(?:,\d{3})*(?:\.\d+)?`)
	trailingYearRE = regexp.MustCompile(`^[:\- ](19|20)\d\d\b`)
)

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func prevWord(text string, i int) string {
	j := i
	for j > 0 && (text[j-1] == ' ' || text[j-1] == '.') {
		j--
	}
	k := j
	for k > 0 && isASCIILetter(text[k-1]) {
		k--
	}
	return text[k:j]
}

func nextWord(text string, i int) string {
	j := i
	for j < len(text) && text[j] == ' ' {
		j++
	}
	k := j
	for k < len(text) && isASCIILetter(text[k]) {
		k++
	}
	return text[j:k]
}
