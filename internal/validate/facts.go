package validate

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/versus-dev/versus/internal/profile"
)

// facts checks what a field states against the profiles: edition years,
// certification, legal force and counts.
func (c *checker) facts(f *field) {
	if c.set == nil {
		return
	}
	c.editionYears(f)
	c.certifiable(f)
	c.mandatory(f)
	c.figures(f)
	c.claimsAbout(f)
}

func (c *checker) factFinding(rule string, f *field, off int, msg string) {
	c.at(rule, f, off, msg)
}

// years returns the offsets of 4-digit years (1900-2099) standing alone.
func years(s string) []int {
	var out []int
	for i := 0; i+4 <= len(s); i++ {
		if (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') && isDigit(s[i+2]) && isDigit(s[i+3]) &&
			(i == 0 || !isDigit(s[i-1])) && (i+4 == len(s) || !isDigit(s[i+4])) {
			out = append(out, i)
			i += 3
		}
	}
	return out
}

func atoi4(s string) int { n, _ := strconv.Atoi(s[:4]); return n }

// editionMatches reports whether year y is the profile's edition.
func editionMatches(p *profile.Profile, y int) bool {
	if p.Year == 0 || p.Year == y {
		return true
	}
	e, err := strconv.Atoi(strings.TrimSpace(p.Edition))
	return err == nil && e == y
}

var editionWords = []string{" edition", " version", " revision", " release", "-edition", "-version"}

// historyWords in a sentence mean an older edition is being named on purpose.
var historyWords = []string{"previous", "earlier", "older", "former", "replaced", "superseded", "prior ", "original", "first published", "withdrawn", "revised in", "updated in", "refined in"}

func (c *checker) editionYears(f *field) {
	ys := years(f.text)
	if len(ys) == 0 {
		return
	}
	ms := c.mentions(f)
	if len(ms) == 0 {
		return
	}
	for _, y := range ys {
		m, ok := yearOwner(f, ms, y)
		if !ok || m.Profile == nil || historical(f, y) || c.reported(f, y) {
			continue
		}
		yr := atoi4(f.text[y:])
		if editionMatches(m.Profile, yr) {
			continue
		}
		from, to := min(m.Offset, y), max(m.Offset+len(m.Name), y+4)
		c.factFinding(RuleEditionYear, f, y, fmt.Sprintf("%q gives %s's edition as %d, but its profile says %d",
			clip(f.text[from:to], 50), m.Profile.ShortName, yr, m.Profile.Year))
		return
	}
}

// yearOwner finds the mention a year at offset y is the edition of:
// "<name>:<year>", "<name> (<year>)", "<name>'s <year> edition",
// "the <year> edition of <name>".
func yearOwner(f *field, ms []profile.Mention, y int) (profile.Mention, bool) {
	for _, m := range ms {
		end := m.Offset + len(m.Name)
		if y >= m.Offset && y < end && y > 0 && f.text[y-1] == ':' { // the name matched includes its year
			return m, true
		}
		gap := f.text[min(end, y):y]
		if end <= y && (gap == ":" || gap == " (" || gap == "(" || gap == ": " || gap == ", ") {
			return m, true
		}
	}
	rest := f.lower[y+4:]
	isEdition := false
	for _, w := range editionWords {
		if strings.HasPrefix(rest, w) {
			isEdition = true
			break
		}
	}
	if !isEdition {
		return profile.Mention{}, false
	}
	s := f.sentenceAt(y)
	ls := f.lower[s.start:s.end]
	for _, h := range historyWords {
		if strings.Contains(ls, h) {
			return profile.Mention{}, false
		}
	}
	var best profile.Mention
	found := false
	for _, m := range ms {
		end := m.Offset + len(m.Name)
		if m.Offset < s.start || end > s.end {
			continue
		}
		if end <= y && y-end <= 40 { // "<name>'s 2019 edition", "<name> 2019 version"
			best, found = m, true
		}
		if m.Offset > y && !found { // "the 2019 edition of <name>"
			between := f.lower[y+4 : m.Offset]
			if len(between) <= 16 && strings.HasSuffix(strings.TrimSpace(between), " of") {
				return m, true
			}
		}
	}
	return best, found
}

// sentenceAt returns the sentence holding offset off.
func sentenceAt(s string, off int) span {
	for _, sp := range sentences(s) {
		if off >= sp.start && off < sp.end {
			return sp
		}
	}
	return span{0, len(s)}
}

// inQuestion reports whether offset off is in a sentence that asks rather
// than states ("Is ISO 31000 certifiable?").
func inQuestion(s string, off int) bool {
	sp := sentenceAt(s, off)
	return sp.end > sp.start && s[sp.end-1] == '?'
}

// clauseBreaks end the stretch of text a claim's subject is looked for in.
var clauseBreaks = []string{";", " while ", ", while", " whereas ", " but ", " unlike ", " compared with ", " compared to ", " versus ", " vs ", " vs. "}

// clauseStart returns where the clause holding off begins.
func clauseStart(lower string, sent span, off int) int {
	start := sent.start
	seg := lower[sent.start:off]
	for _, b := range clauseBreaks {
		if i := strings.LastIndex(seg, b); i >= 0 && sent.start+i+len(b) > start {
			start = sent.start + i + len(b)
		}
	}
	return start
}

// subjectOf decides which standard a claim at off is about: a standard
// named right before it; else a standard the clause opens with; else the
// field's own standard; else the nearest standard named before it in the
// clause. ok is false when the claim is about something unknown.
func (c *checker) subjectOf(f *field, off int) (*profile.Profile, bool) {
	sent := f.sentenceAt(off)
	ms := c.mentions(f)
	if p := parentheticalOwner(f, ms, sent, off); p != nil {
		if designationBefore(f.text, off) {
			return nil, false // "GDPR (… Article 42 certification …)": about a named part, not the standard
		}
		return p, true
	}
	if p := relativeAntecedent(f, ms, sent, off); p != nil {
		return p, true
	}
	if p := titleAppositive(f, ms, sent, off); p != nil {
		return p, true
	}
	cs := clauseStart(f.lower, sent, off)
	var nearest *profile.Profile
	for _, m := range ms {
		end := m.Offset + len(m.Name)
		if m.Offset < cs || end > off || m.Profile == nil {
			continue
		}
		if off >= end && linkingGap(f.lower[end:off]) {
			return m.Profile, true
		}
		nearest = m.Profile
	}
	if designationBefore(f.text, off) {
		return nil, false // "…ISO 9999 certification" about a standard not in the profiles
	}
	seg := f.lower[cs:off]
	trimmed := strings.TrimPrefix(strings.TrimLeft(seg, " ,("), "the ")
	lead := cs + len(seg) - len(trimmed)
	for _, m := range ms {
		if m.Profile != nil && m.Offset >= lead && m.Offset <= lead+1 && m.Offset < off {
			return m.Profile, true
		}
	}
	if f.subject != nil {
		return f.subject, true
	}
	return nearest, nearest != nil
}

// parentheticalOwner returns the standard named just before an open
// parenthesis that holds off: in "… and HIPAA (no certification; HHS
// audits)" the bracket is about HIPAA, whatever its clause began with.
func parentheticalOwner(f *field, ms []profile.Mention, sent span, off int) *profile.Profile {
	open := strings.LastIndexByte(f.lower[sent.start:off], '(')
	if open < 0 {
		return nil
	}
	open += sent.start
	if strings.IndexByte(f.lower[open:off], ')') >= 0 {
		return nil // the bracket closed before the claim
	}
	before := strings.TrimRight(f.lower[sent.start:open], " ")
	for _, m := range ms {
		if m.Profile != nil && m.Offset+len(m.Name) == sent.start+len(before) {
			return m.Profile
		}
	}
	return nil
}

// relativeMarkers open a relative clause about the name just before them:
// "…meet GDPR, which is mandatory…".
var relativeMarkers = []string{", which ", " which ", ", that ", ", a ", ", an ", " (a ", " (an "}

// relativeAntecedent returns the standard a relative clause or apposition
// holding off is about, when no other standard is named between the two.
func relativeAntecedent(f *field, ms []profile.Mention, sent span, off int) *profile.Profile {
	seg := f.lower[sent.start:off]
	best := -1
	for _, r := range relativeMarkers {
		if i := strings.LastIndex(seg, r); i > best {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	r := sent.start + best
	var ante *profile.Profile
	for _, m := range ms {
		end := m.Offset + len(m.Name)
		if m.Profile == nil {
			continue
		}
		if end > r && m.Offset < off {
			return nil // another standard inside the relative clause
		}
		if end <= r && r-end <= 2 {
			ante = m.Profile
		}
	}
	return ante
}

// titleAppositive reads "A vs B: a certifiable …, compared with …": what
// follows the colon describes A until a clause break, then B.
func titleAppositive(f *field, ms []profile.Mention, sent span, off int) *profile.Profile {
	colon := strings.IndexByte(f.lower[sent.start:off], ':')
	if colon < 0 {
		return nil
	}
	colon += sent.start
	head := f.lower[sent.start:colon]
	vs := strings.Index(head, " vs")
	if vs < 0 {
		vs = strings.Index(head, " versus ")
	}
	if vs < 0 {
		return nil
	}
	vs += sent.start
	var a, b *profile.Profile
	for _, m := range ms {
		if m.Profile == nil || m.Offset < sent.start || m.Offset >= off {
			continue
		}
		switch {
		case m.Offset < vs:
			a = m.Profile
		case m.Offset < colon:
			b = m.Profile
		default:
			return nil // a standard named after the colon: read the clause as usual
		}
	}
	if a == nil || b == nil {
		return nil
	}
	if clauseStart(f.lower, sent, off) > colon || strings.Contains(f.lower[colon:off], ", and ") {
		return b
	}
	return a
}

// linkWords may stand between a standard's name and a claim about it
// ("ISO 27001 is not certifiable", "ISO 27001 (certifiable)").
var linkWords = map[string]bool{"is": true, "isn't": true, "are": true, "not": true, "a": true, "an": true, "fully": true,
	"also": true, "itself": true, "remains": true, "being": true, "s": true, "non": true, "never": true,
	"was": true, "were": true, "been": true, "has": true, "jointly": true, "originally": true, "first": true}

func linkingGap(gap string) bool {
	gap = squeeze(gap)
	if len(gap) > 24 {
		return false
	}
	for _, w := range strings.FieldsFunc(gap, func(r rune) bool { return r == ' ' || r == '(' || r == '\'' || r == '-' || r == ',' }) {
		if !linkWords[w] {
			return false
		}
	}
	return true
}

// designationBefore reports whether the word just before off looks like a
// standard's designation ("27001", "SOC", "NIST"), which the profiles did
// not resolve.
func designationBefore(s string, off int) bool {
	i := off
	for i > 0 && (s[i-1] == ' ' || s[i-1] == '(') {
		i--
	}
	if strings.HasSuffix(s[:i], "'s") {
		i -= 2
	}
	j := i
	for j > 0 && (isAlnum(s[j-1]) || s[j-1] == '/' || s[j-1] == ':' || s[j-1] == '-') {
		j--
	}
	w := s[j:i]
	if len(w) < 2 {
		return false
	}
	upper, digit := true, false
	for k := 0; k < len(w); k++ {
		switch ch := w[k]; {
		case isDigit(ch):
			digit = true
		case ch >= 'a' && ch <= 'z':
			upper = false
		}
	}
	return digit || upper
}

// negatedBefore reports whether a negation stands within the five words
// before off, in the same comma-clause.
func negatedBefore(lower string, off int) bool {
	start := off
	words := 0
	for start > 0 && words < 8 {
		ch := lower[start-1]
		if ch == ',' || ch == ';' || ch == '.' || ch == '(' || ch == ':' {
			break
		}
		if ch == ' ' && start < off && lower[start] != ' ' {
			words++
		}
		start--
	}
	win := " " + squeeze(lower[start:off])
	for _, n := range []string{" non-", " non ", " not ", " no ", " cannot ", " can't ", " without ", " isn't ", " never ", " nor ", " neither ", " lacks ", " n't ", " rather than ", " instead of "} {
		if strings.Contains(win, n) {
			return true
		}
	}
	return strings.HasSuffix(win, "non-") || strings.HasSuffix(win, "un")
}

var certWords = []string{"certifiable", "certification", "certified"}

// certCompounds after "certification" make it a thing sold or done by
// people, not an organization's certificate against the standard.
var certCompounds = []string{" course", " program", " training", " exam", " class", " bootcamp", " badge", " credential"}

// reportedMarkers in the clause before a claim make it reported speech or
// a misconception being corrected, not the page's own claim.
var reportedMarkers = []string{"often called", "sometimes called", "commonly called", "often described as", "sometimes described as",
	"often referred to as", "sometimes referred to as", "commonly referred to as", "mistakenly", "misconception", "myth",
	"vendors sell", "vendors offer", "vendors advertise", "marketed as", "loosely called", "colloquially", "so-called",
	"people assume", "many assume", "is often mistaken", "are often mistaken", "it is a common"}

// reported reports whether the claim at off stands in reported speech.
func (c *checker) reported(f *field, off int) bool {
	sent := f.sentenceAt(off)
	seg := squeeze(f.lower[sent.start:off])
	for _, m := range reportedMarkers {
		if strings.Contains(seg, m) {
			return true
		}
	}
	return false
}

// historyMarkers in a sentence mean it tells what was, not what is:
// figures and editions in it are not claims about the current edition.
var historyMarkers = []string{"replaced", "superseded", "supersedes the", "previous edition", "previous version", "earlier edition",
	"older edition", "former", "withdrawn", "prior edition", "prior version", "predecessor", "transition period", "was retired", "until the 20",
	"was first published", "originally published", "were reduced", "was reduced", "cut annex", "from 114", "used to"}

// historical reports whether the sentence holding off speaks of the past.
func historical(f *field, off int) bool {
	sent := f.sentenceAt(off)
	ls := f.lower[sent.start:sent.end]
	for _, h := range historyMarkers {
		if strings.Contains(ls, h) {
			return true
		}
	}
	return false
}

// mentionEndingAt returns the standard named right before off (spaces apart).
func (c *checker) mentionEndingAt(f *field, off int) (profile.Mention, bool) {
	j := off
	for j > 0 && f.lower[j-1] == ' ' {
		j--
	}
	for _, m := range c.mentions(f) {
		if m.Offset+len(m.Name) == j && m.Profile != nil {
			return m, true
		}
	}
	return profile.Mention{}, false
}

// certNotAboutStandard are words before a certification word that make it
// about people or documents, not about certifying an organization against
// the standard ("individual certification", "false certification").
var certNotAboutStandard = []string{"individual", "personal", "professional", "people", "practitioner", "staff",
	"false", "executive", "officer", "ceo", "cfo", "management's", "wilful", "knowingly"}

func (c *checker) certifiable(f *field) {
	if !strings.Contains(f.lower, "certif") {
		return
	}
	for _, w := range certWords {
		for from := 0; ; {
			i := indexWord(f.lower, w, from)
			if i < 0 {
				break
			}
			from = i + len(w)
			after := f.lower[from:min(len(f.lower), from+24)]
			before := squeeze(f.lower[max(0, i-32):i])
			if w == "certified" {
				// "get SOC 2 certified": the verb stands before the name.
				if m, ok := c.mentionEndingAt(f, i); ok {
					before = squeeze(f.lower[max(0, m.Offset-32):m.Offset])
				}
			}
			switch {
			case f.inQuestion(i), c.reported(f, i):
				continue
			case w == "certification" && hasAnyPrefix(after, certCompounds):
				continue // "HIPAA certification courses": something sold, not a certificate of the standard
			case w == "certified" && !hasAnySuffix(before, []string{"be ", "been ", "get ", "become ", "becomes ", "is ", "are ", "not "}) &&
				!hasAnyPrefix(after, []string{" against", " to "}):
				continue // "Certified Public Accountants", "certified auditors"
			case w == "certification" && hasAnyPrefix(after, []string{" of ", " that "}):
				continue // certifying reports or statements
			case hasAnyPrefix(after, []string{" required", " is required", " is not required", " needed", " mandatory", " is mandatory"}):
				continue // about an obligation to certify, not about being certifiable
			}
			if lastWordIn(before, certNotAboutStandard) {
				continue
			}
			neg := negatedBefore(f.lower, i)
			if neg && strings.Contains(before, "requir") {
				continue // "does not require certification"
			}
			p, ok := c.subjectOf(f, i)
			if !ok || p == nil {
				continue
			}
			switch {
			case neg && p.Certifiable:
				c.factFinding(RuleCertifiable, f, i, fmt.Sprintf("says %s cannot be certified, but its profile says it is certifiable: %q", p.ShortName, clip(f.text[max(0, i-20):], 50)))
				return
			case !neg && !p.Certifiable:
				c.factFinding(RuleCertifiable, f, i, fmt.Sprintf("says %s can be certified, but its profile says it is not certifiable: %q", p.ShortName, clip(f.text[max(0, i-20):], 50)))
				return
			}
		}
	}
}

func hasAnySuffix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}

// lastWordIn reports whether one of the two words before the end of s is in ws.
func lastWordIn(s string, ws []string) bool {
	fs := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '(' || r == ',' })
	for k := len(fs) - 1; k >= 0 && k >= len(fs)-2; k-- {
		for _, w := range ws {
			if strings.TrimSuffix(fs[k], "s") == w || fs[k] == w {
				return true
			}
		}
	}
	return false
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// legalClaim is a phrase that says whether a standard binds anyone.
type legalClaim struct {
	text string
	kind claimKind
}

type claimKind int

const (
	claimMandatory claimKind = iota // someone must comply
	claimVoluntary                  // no one must comply
	claimLaw                        // it is law
	claimNotLaw                     // it is not law (a contract may still impose it)
)

// legalClaims: negated forms first, so "not mandatory" is one claim.
var legalClaims = []legalClaim{
	{"not legally binding", claimNotLaw}, {"not required by law", claimNotLaw}, {"not legally required", claimNotLaw},
	{"not a law", claimNotLaw}, {"not law", claimNotLaw},
	{"not mandatory", claimVoluntary}, {"non-mandatory", claimVoluntary}, {"non-binding", claimVoluntary},
	{"voluntary", claimVoluntary}, {"optional", claimVoluntary},
	{"legally binding", claimLaw}, {"required by law", claimLaw}, {"legally required", claimLaw}, {"legally mandated", claimLaw},
	{"is a law", claimLaw}, {"is law", claimLaw}, {"is the law", claimLaw},
	{"mandatory", claimMandatory}, {"compulsory", claimMandatory},
}

// partNouns after "mandatory" or "voluntary" make the word about one part
// of a standard ("mandatory clauses", "voluntary threat sharing").
var partNouns = []string{" clause", " requirement", " control", " document", " element", " section", " record", " polic",
	" procedure", " training", " review", " audit", " field", " annex", " certification", " code", " adoption of", " disclosure"}

// aboutWhole reports whether a word at [i, end) like "mandatory" speaks of
// the standard itself: "is mandatory", "mandatory for banks", "voluntary
// framework", "voluntary but …".
func aboutWhole(l string, i, end int) bool {
	before := squeeze(l[max(0, i-40):i])
	if hasAnySuffix(before, []string{"is ", "are ", "be ", "becomes ", "became ", "remains ", "not ", "non-", "legally ", "now ", "entirely ", "fully ", "purely ", "largely "}) {
		return true
	}
	after := l[end:]
	if after == "" || strings.IndexByte(",.;:)", after[0]) >= 0 {
		return true
	}
	return hasAnyPrefix(after, []string{" for ", " in ", " under ", " across ", " compliance", " standard", " regulation", " law", " framework",
		" guidance", " guideline", " rules", " obligation", " but ", " and "})
}

func (c *checker) mandatory(f *field) {
	l := f.lower
	if !strings.Contains(l, "mandat") && !strings.Contains(l, "law") && !strings.Contains(l, "legal") && !strings.Contains(l, "volunt") &&
		!strings.Contains(l, "optional") && !strings.Contains(l, "binding") && !strings.Contains(l, "compuls") {
		return
	}
	claimed := map[int]bool{} // offsets inside a claim already read ("not mandatory")
	for _, cl := range legalClaims {
		for from := 0; ; {
			i := indexWord(l, cl.text, from)
			if i < 0 {
				break
			}
			from = i + len(cl.text)
			if claimed[from] {
				continue
			}
			claimed[from] = true
			kind := cl.kind
			if (kind == claimMandatory || kind == claimVoluntary) && !strings.Contains(cl.text, " ") {
				if hasAnyPrefix(l[from:], partNouns) || !aboutWhole(l, i, from) {
					continue // "mandatory impact assessments": a part is required, not the standard
				}
			}
			if f.inQuestion(i) || c.reported(f, i) {
				continue
			}
			if !strings.HasPrefix(cl.text, "not") && !strings.HasPrefix(cl.text, "non") && negatedBefore(l, i) {
				kind = map[claimKind]claimKind{claimMandatory: claimVoluntary, claimVoluntary: claimMandatory, claimLaw: claimNotLaw, claimNotLaw: claimLaw}[kind]
			}
			p, ok := c.subjectOf(f, i)
			if !ok || p == nil {
				continue
			}
			must := p.Mandatory.Required || p.Kind == profile.KindLaw
			law := p.Kind == profile.KindLaw
			var msg string
			switch {
			case kind == claimMandatory && !must, kind == claimLaw && !must:
				msg = fmt.Sprintf("says %s is mandatory, but its profile says it is voluntary", p.ShortName)
			case kind == claimVoluntary && must:
				who := "it is required"
				if p.Mandatory.For != "" {
					who = "it is required for " + clip(p.Mandatory.For, 60)
				}
				msg = fmt.Sprintf("says %s is voluntary, but its profile says %s", p.ShortName, who)
			case kind == claimNotLaw && law:
				msg = fmt.Sprintf("says %s is not law, but its profile says it is a law", p.ShortName)
			default:
				continue
			}
			c.factFinding(RuleMandatory, f, i, fmt.Sprintf("%s: %q", msg, clip(f.text[max(0, i-20):], 50)))
			return
		}
	}
}

// countedNouns are what a stated count counts.
var countedNouns = map[string]bool{
	"controls": true, "requirements": true, "principles": true, "clauses": true, "sections": true,
	"articles": true, "domains": true, "families": true, "practices": true, "categories": true,
	"subcategories": true, "functions": true, "criteria": true, "objectives": true, "safeguards": true,
	"chapters": true, "annexes": true,
}

var numberWords = map[string]float64{
	"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}

// countStops end the words between a number and its noun.
var countStops = map[string]bool{
	"of": true, "in": true, "for": true, "and": true, "or": true, "to": true, "with": true, "from": true,
	"by": true, "per": true, "the": true, "a": true, "an": true, "across": true, "over": true, "under": true,
	"within": true, "at": true, "on": true, "into": true, "than": true, "is": true, "are": true,
}

// designationWords before a number make it a reference, not a count ("Article 32").
var designationWords = map[string]bool{
	"article": true, "clause": true, "section": true, "annex": true, "part": true, "level": true, "tier": true,
	"version": true, "chapter": true, "control": true, "requirement": true, "principle": true, "domain": true,
	"function": true, "category": true, "family": true, "criterion": true, "practice": true, "v": true,
	"edition": true, "revision": true, "rev": true, "step": true, "phase": true, "stage": true, "ig": true,
}

// token is a word of a field with its offset.
type token struct {
	text  string // lowercase
	start int
	end   int
	punct byte // punctuation right after the word, 0 if none
}

func tokenize(lower string) []token {
	var out []token
	for i := 0; i < len(lower); {
		if !isAlnum(lower[i]) && lower[i] != '~' {
			i++
			continue
		}
		j := i
		for j < len(lower) && (isAlnum(lower[j]) || lower[j] == '~' || lower[j] == '+' ||
			(lower[j] == '.' || lower[j] == ',' || lower[j] == '-' || lower[j] == '\'') && j+1 < len(lower) && isAlnum(lower[j+1])) {
			j++
		}
		t := token{text: lower[i:j], start: i, end: j}
		if j < len(lower) && lower[j] != ' ' {
			t.punct = lower[j]
		}
		out = append(out, t)
		i = j
	}
	return out
}

// countValue parses a count: "93", "~50", "100+", "1,000", "eight".
// Letters stuck to digits ("pillars8") are a typo; the digits still count.
func countValue(t string) (float64, bool) {
	if v, ok := numberWords[t]; ok {
		return v, true
	}
	k := 0
	for k < len(t) && isLetter(t[k]) {
		k++
	}
	t = strings.TrimSuffix(strings.TrimPrefix(t[k:], "~"), "+")
	if t == "" || !isDigit(t[0]) {
		return 0, false
	}
	for k := 0; k < len(t); k++ {
		if !isDigit(t[k]) && t[k] != ',' && t[k] != '.' {
			return 0, false // "800-53", "4.0.1"-like forms and ranges are not counts
		}
	}
	if strings.Count(t, ".") > 1 {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(t, ",", ""), 64)
	return v, err == nil
}

// grounded returns the numbers a field may state: its profiles' numbers,
// editions and years.
func groundedNumber(ps []*profile.Profile, v float64) bool {
	for _, p := range ps {
		if p == nil {
			continue
		}
		if float64(p.Year) == v {
			return true
		}
		for _, part := range strings.FieldsFunc(p.Edition, func(r rune) bool { return r == '.' || r == ' ' || r == '-' }) {
			if e, err := strconv.ParseFloat(part, 64); err == nil && e == v {
				return true
			}
		}
		if e, err := strconv.ParseFloat(p.Edition, 64); err == nil && e == v {
			return true
		}
		for _, n := range p.Numbers {
			if math.Abs(n.Value-v) < 1e-9 {
				return true
			}
		}
	}
	return false
}

// hasCountCandidate is a cheap test for a counted noun anywhere in s: one
// pass over its words.
func hasCountCandidate(s string) bool {
	for i := 0; i < len(s); {
		if !isLetter(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isLetter(s[j]) {
			j++
		}
		if j-i >= 5 && s[j-1] == 's' || j-i == 8 && s[i:j] == "criteria" {
			if countedNouns[s[i:j]] {
				return true
			}
		}
		i = j
	}
	return false
}

func isUpperWord(w string) bool {
	letters := 0
	for i := 0; i < len(w); i++ {
		if w[i] >= 'a' && w[i] <= 'z' {
			return false
		}
		if isLetter(w[i]) {
			letters++
		}
	}
	return letters >= 2
}

// groundedByMention accepts a count from the profile of a standard named in
// the same sentence ("ISO/IEC 27002's 93 controls").
func (c *checker) groundedByMention(f *field, off int, v float64) bool {
	s := f.sentenceAt(off)
	var ps []*profile.Profile
	for _, m := range c.mentions(f) {
		if m.Offset >= s.start && m.Offset < s.end {
			ps = append(ps, m.Profile)
		}
	}
	return groundedNumber(ps, v)
}

func groundNames(ps []*profile.Profile) string {
	var names []string
	for _, p := range ps {
		if p != nil {
			names = append(names, p.ShortName+"'s")
		}
	}
	if len(names) == 0 {
		return "the profiles"
	}
	return strings.Join(names, " or ") + " profile"
}
