package compose

import (
	"hash/fnv"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/versus-dev/versus/internal/overlap"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// writer composes the sentences of one page. It remembers every sentence
// already on the page so that no sentence is written twice.
type writer struct {
	a, b *profile.Profile
	rels []rel // the pair's relations on file, in their active reading
	// overlap is the pair's requirement-level overlap, nil when no mapping relates them.
	overlap *page.Overlap
	// saidTesting: the verdict already set the two testing regimes side by
	// side, so the FAQ does not repeat them.
	saidTesting bool
	// saidOverlap: the verdict already said how the mapping links the two,
	// so the FAQ's overlap answer says what the figures count instead.
	saidOverlap bool
	// saidUptake: the verdict said who takes up each, so the FAQ does not
	// name a voluntary standard's industries a second time.
	saidUptake bool
	fa         facts
	fb         facts
	used       map[string]bool
	rep        *strings.Replacer // fills pair templates; built once
}

func newWriter(a, b *profile.Profile) *writer {
	w := &writer{a: a, b: b, used: map[string]bool{}}
	w.fa = factsOf(a, w.pick("industries.a", 1<<16))
	w.fb = factsOf(b, w.pick("industries.b", 1<<16))
	w.rels = relsOf(a, b, w.fa, w.fb)
	w.overlap = overlap.For(a, b)
	return w
}

// pick returns a choice in [0,n) that depends only on the pair and key, so a
// page is reproducible while different pairs take different templates.
func (w *writer) pick(key string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(w.a.ID))
	h.Write([]byte{0})
	h.Write([]byte(w.b.ID))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return int(mix(h.Sum64()) % uint64(n))
}

// mix is the splitmix64 finalizer. FNV's low bits depend only on the low
// bits of its input, so "mod 2" choices of different pairs would move in
// step without it.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// say returns the first variant, starting at the hashed one, that does not
// repeat a sentence already on the page, and records it. If every variant
// repeats, it returns "" and the caller leaves the sentence out.
func (w *writer) say(key string, variants ...string) string {
	start := w.pick(key, len(variants))
	for i := range variants {
		v := w.possessives(w.alternate(key, variants[(start+i)%len(variants)]))
		if v == "" || w.repeats(v) {
			continue
		}
		w.seen(v)
		return v
	}
	return ""
}

// possessives writes the pair's names ending in s as people do ("CIS
// Controls'", not "CIS Controls's"): templates say "{A}'s" for every name.
func (w *writer) possessives(s string) string {
	for _, n := range []string{w.fa.name, w.fb.name} {
		if p := page.Possessive(n); p != n+"'s" {
			s = strings.ReplaceAll(s, n+"'s", p)
		}
	}
	return s
}

// alternate resolves every "[x|y|z]" group of a template to one option,
// each group by its own hash. Independent choices per phrase make it
// unlikely that two pages share all the template words of a sentence, which
// is what keeps verdicts of pages that share a standard apart.
func (w *writer) alternate(key, tmpl string) string {
	if !strings.Contains(tmpl, "|") {
		return tmpl
	}
	var b strings.Builder
	n := 0
	for {
		i := strings.IndexByte(tmpl, '[')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], ']')
		if j < 0 {
			break
		}
		group := tmpl[i+1 : i+j]
		if !strings.Contains(group, "|") {
			b.WriteString(tmpl[:i+j+1])
			tmpl = tmpl[i+j+1:]
			continue
		}
		opts := strings.Split(group, "|")
		b.WriteString(tmpl[:i])
		b.WriteString(opts[w.pick(key+"#"+strconv.Itoa(n), len(opts))])
		n++
		tmpl = tmpl[i+j+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

func (w *writer) repeats(text string) bool {
	for _, s := range sentences(text) {
		if w.used[normSentence(s)] {
			return true
		}
	}
	return false
}

func (w *writer) seen(texts ...string) {
	for _, t := range texts {
		for _, s := range sentences(t) {
			w.used[normSentence(s)] = true
		}
	}
}

// sentences splits text into sentences at ".", "?" or "!" followed by a space
// or the end. It is deliberately plain: the composer writes no abbreviations.
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '.' && c != '?' && c != '!' {
			continue
		}
		if i+1 < len(text) && text[i+1] != ' ' && text[i+1] != '\n' {
			continue
		}
		if s := strings.TrimSpace(text[start : i+1]); s != "" {
			out = append(out, s)
		}
		start = i + 1
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

func normSentence(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.TrimRight(s, ".?! ")), " "))
}

// facts are one profile's fields in the shapes sentences need.
type facts struct {
	noun     noun
	name     string // the short name as it stands inside a sentence: "the EU AI Act"
	bare     string // the short name before a noun it qualifies: "EU AI Act compliance"
	kind     string // "an international management system standard"
	kindBare string // "management system standard"
	issuer   string
	// issuerShort is the issuing body alone, without notes on enforcement.
	issuerShort string
	// issued is how the body made it, for "… by the AICPA": a law is
	// "adopted" (EU) or "enacted", a standard "published"; publishes is the
	// same in the active voice, agreeing with the body ("ISO and IEC publish").
	issued, publishes string
	scope             string // lower-cased first word, no final stop
	// topic is the scope's head, for a sentence that names it a second
	// time: "information security management", not "… for organizations
	// of any size or sector" again.
	topic      string
	industries string // "in technology, energy and healthcare" or "across all sectors"
	shared     []string
	forWhom    string
	// who is forWhom without its examples and conditions, for the verdict
	// ("US covered entities and their business associates").
	who        string
	nature     string
	testing    string
	testingRaw string            // as in the profile, less the final stop
	rep        *strings.Replacer // fills single-standard templates
	penalties  string
	required   bool
	certify    bool
	law        bool
	// report: assurance ends in an examiner\'s report, not a certificate (SOC 2).
	report bool
	// usedIn is industries with "mostly" where it reads well ("mostly in banking").
	usedIn string
	// reach is where it applies, for prose ("in the US", "internationally").
	reach string
	// place is where it binds, as narrow as the profile says ("in California").
	place string
}

// factsOf shapes p's facts for sentences. seed picks which of the
// standard's industries a page names, so pages sharing a standard differ.
func factsOf(p *profile.Profile, seed int) facts {
	n := nounOf(p)
	f := facts{
		noun:       n,
		name:       n.render(mid),
		bare:       n.render(bare),
		kindBare:   kindNoun(p.Kind),
		issuer:     strings.TrimSpace(p.Issuer),
		scope:      clause(p.Scope),
		industries: industriesPhrase(p.Industries, seed),
		forWhom:    clause(p.Mandatory.For),
		nature:     clause(p.Nature),
		testing:    listed(clause(p.Testing)),
		testingRaw: strings.TrimRight(strings.TrimSpace(p.Testing), ". "),
		penalties:  inline(clause(p.Penalties)),
		required:   p.Mandatory.Required || p.Kind == profile.KindLaw, // as the validator reads legal force
		certify:    p.Certifiable,
		law:        p.Kind == profile.KindLaw,
	}
	if t := strings.ToLower(p.Testing); !f.law && !f.certify && (strings.Contains(t, "examination") || strings.Contains(t, "attestation")) {
		f.report = true
	}
	if f.forWhom == "" {
		f.forWhom = "the organizations in its scope"
	}
	if p.Kind == profile.KindGuideline {
		// "a guidance standard on implementing ...", not "on guidance on".
		f.scope = strings.TrimPrefix(f.scope, "guidance on ")
	}
	f.topic = topicOf(f.scope)
	f.who = shortWho(f.forWhom)
	if f.issuer == "" {
		f.issuer = "its issuer"
	} else {
		f.issuer = issuerRef(f.issuer)
	}
	f.issuerShort = issuerShort(p.Issuer)
	switch {
	case f.law && strings.Contains(p.Issuer, "European"):
		f.issued, f.publishes = "adopted", "adopted"
	case f.law:
		f.issued, f.publishes = "enacted", "enacted"
	case twoBodies(f.issuerShort):
		f.issued, f.publishes = "published", "publish"
	default:
		f.issued, f.publishes = "published", "publishes"
	}
	f.reach = reachShort(p.Jurisdiction)
	f.place = f.reach
	if r := reach(p.Jurisdiction); !strings.ContainsAny(r, "(,") && !strings.HasSuffix(r, " and beyond") {
		f.place = r // "in California", where reach says "in the US"
	}
	f.usedIn = f.industries
	if strings.HasPrefix(f.industries, "in ") {
		f.usedIn = "mostly " + f.industries
	}
	adj := jurisdictionAdj(p.Jurisdiction)
	if adj != "" {
		f.kind = withArticle(adj + " " + f.kindBare)
	} else {
		f.kind = withArticle(f.kindBare)
	}
	f.rep = strings.NewReplacer(
		"{X}", f.name, "{X0}", f.bare, "{kX}", f.kind, "{iX}", f.issuer, "{sX}", f.scope, "{TX}", f.testingRaw,
		"{inX}", f.industries, "{fX}", f.forWhom, "{tX}", f.testing,
		"{pX}", f.penalties, "{nX}", f.nature,
	)
	return f
}

// bodyWords mark an issuer named as a body ("European Union", "PCI Security
// Standards Council"), which takes "the" inside a sentence; acronyms such as
// "ISO/IEC" or "AICPA" do not.
var bodyWords = map[string]bool{
	"union": true, "council": true, "congress": true, "commission": true, "institute": true,
	"board": true, "agency": true, "parliament": true, "association": true, "department": true,
	"authority": true, "office": true, "organization": true, "organisation": true,
	"foundation": true, "alliance": true, "forum": true, "bank": true, "committee": true,
	"bureau": true, "administration": true, "government": true, "group": true, "center": true,
	"centre": true, "society": true, "consortium": true, "federation": true, "ministry": true,
	"secretariat": true, "centers": true, "services": true, "state": true, "states": true,
	"parliament's": true, "congress's": true, "legislature": true, "assembly": true,
}

func issuerRef(issuer string) string {
	// A parenthetical ("(joint technical committee ...)") is for the table,
	// not for prose, unless it is the body's acronym and the full name
	// would read as a claim ("... of Certified Public Accountants (AICPA)").
	if i := strings.Index(issuer, " ("); i > 0 {
		inner := strings.TrimSuffix(issuer[i+2:], ")")
		issuer = strings.TrimSpace(issuer[:i])
		if strings.Contains(strings.ToLower(issuer), "certif") && isAcronym(inner) && !strings.Contains(inner, " ") {
			if body(issuer) {
				return "the " + inner // "the AICPA", as the institute is "the" one
			}
			return inner
		}
	}
	if strings.HasPrefix(issuer, "The ") || strings.HasPrefix(issuer, "the ") {
		return "the " + issuer[4:]
	}
	if body(issuer) {
		// Two bodies, each with its article: "the European Parliament
		// and the Council of the European Union".
		return "the " + strings.Replace(issuer, " and Council ", " and the Council ", 1)
	}
	return issuer
}

// twoBodies reports whether an issuer names two bodies ("ISO and IEC",
// "… and the Council …"), not one whose name has an "and" in it ("the
// National Institute of Standards and Technology").
func twoBodies(issuer string) bool {
	_, after, ok := strings.Cut(issuer, " and ")
	if !ok {
		return false
	}
	next, _, _ := strings.Cut(after, " ")
	return next == "the" || isAcronym(next)
}

// body reports whether an issuer is named as a body, which takes "the".
func body(issuer string) bool {
	for _, w := range strings.Fields(issuer) {
		if bodyWords[strings.ToLower(strings.Trim(w, "(),"))] {
			return true
		}
	}
	return false
}

func kindNoun(k profile.Kind) string {
	switch k {
	case profile.KindLaw:
		return "law"
	case profile.KindManagementSystem:
		return "management system standard"
	case profile.KindGuideline:
		return "guidance standard"
	case profile.KindFramework:
		return "framework"
	case profile.KindTechnicalStandard:
		return "series of technical standards"
	case profile.KindContractualStandard:
		return "contractual standard"
	}
	return "standard"
}

func jurisdictionAdj(j string) string {
	// "US (California)": the narrower place, "a California law".
	if b, note, ok := strings.Cut(j, " ("); ok && isAcronym(b) {
		if n := strings.TrimSuffix(note, ")"); n != note && !strings.ContainsAny(n, " ,") && !isAcronym(n) {
			j = n
		}
	}
	if i := strings.IndexAny(j, "(,;"); i > 0 {
		j = j[:i] // "US (used internationally)", "EU, with reach beyond it": the table keeps the note
	}
	j = strings.TrimSpace(j)
	switch strings.ToLower(j) {
	case "":
		return ""
	case "international", "global", "worldwide":
		return strings.ToLower(j)
	}
	if adj, ok := countryAdj[j]; ok {
		return adj
	}
	return j
}

// countryAdj gives the adjective of a country a jurisdiction names, so a
// kind reads "an Australian framework", not "an Australia framework".
var countryAdj = map[string]string{"Australia": "Australian", "Germany": "German", "Canada": "Canadian", "Singapore": "Singaporean", "Japan": "Japanese", "India": "Indian"}

// withArticle puts "a" or "an" before a phrase by how its first word sounds.
func withArticle(phrase string) string {
	first, _, _ := strings.Cut(phrase, " ")
	if first == "" {
		return phrase
	}
	if isAcronym(first) {
		if spokenAsWord[strings.TrimRight(first, "0123456789")] {
			return "a " + phrase // "a SOC 2 report", "a NIST guide"
		}
		if strings.ContainsRune("AEFHILMNORSX", rune(first[0])) {
			return "an " + phrase
		}
		return "a " + phrase
	}
	l := strings.ToLower(first)
	for _, p := range []string{"eu", "uni", "use", "usu", "one", "ur"} {
		if strings.HasPrefix(l, p) {
			return "a " + phrase
		}
	}
	if strings.ContainsRune("aeiou", rune(l[0])) {
		return "an " + phrase
	}
	return "a " + phrase
}

// spokenAsWord are acronyms said as a word, not letter by letter, whose
// first letter would otherwise take "an".
var spokenAsWord = map[string]bool{"SOC": true, "SOX": true, "NIST": true, "NIS": true, "FISMA": true}

func isAcronym(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 0
}

// properStarts are first words that stay capitalised inside a sentence.
var properStarts = map[string]bool{
	"European": true, "Internet": true, "American": true, "British": true,
	"Australian": true, "Canadian": true, "United": true, "Union": true,
}

// clause makes a profile's one-line field fit inside a sentence: trimmed,
// without its final stop, and with an ordinary first word lower-cased.
// Acronyms, names and words with digits keep their case.
func clause(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, ". ")
	if s == "" {
		return ""
	}
	first, rest, hasRest := strings.Cut(s, " ")
	if !plainCapitalised(first) || properStarts[first] {
		return s
	}
	r, n := utf8.DecodeRuneInString(first)
	first = string(unicode.ToLower(r)) + first[n:]
	if hasRest {
		return first + " " + rest
	}
	return first
}

// plainCapitalised reports whether w is an initial capital followed only by
// lower-case letters (and maybe punctuation), i.e. an ordinary word.
func plainCapitalised(w string) bool {
	for i, r := range w {
		switch {
		case i == 0:
			if !unicode.IsUpper(r) {
				return false
			}
		case unicode.IsUpper(r), unicode.IsDigit(r):
			return false
		}
	}
	return w != ""
}

// industriesPhrase names at most two of a standard's industries, starting
// at seed, as a prepositional phrase.
func industriesPhrase(ind []string, seed int) string {
	var named []string
	all := false
	for _, s := range ind {
		c := clause(s)
		if c == "" {
			continue
		}
		l := strings.ToLower(c)
		if strings.HasPrefix(l, "all ") || strings.HasPrefix(l, "any ") || l == "all" || l == "cross-industry" || l == "cross-sector" {
			all = true
			continue
		}
		named = append(named, sectorNoun(c))
	}
	if len(named) > 2 {
		start := seed % len(named)
		named = []string{named[start], named[(start+1)%len(named)]}
	}
	switch {
	case len(named) == 0:
		return "across all sectors"
	case all:
		return "across all sectors, notably " + andList(named)
	}
	return "in " + andList(named)
}

// sectorNoun gives a sector named as one body its article, as it reads in
// a sentence: "in the public sector", "the defense industrial base".
func sectorNoun(s string) string {
	l := strings.ToLower(s)
	for _, end := range []string{" sector", " base", " government"} {
		if strings.HasSuffix(l, end) && !strings.HasPrefix(l, "the ") {
			return "the " + s
		}
	}
	return s
}

func andList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	last := " and "
	for _, it := range items {
		if strings.Contains(it, " and ") {
			last = " as well as " // "fintech as well as SaaS and cloud providers"
		}
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

// fill replaces {A}, {B} and the other placeholders of a template with the
// pair's facts.
func (w *writer) fill(tmpl string) string {
	if w.rep == nil {
		w.rep = w.replacer()
	}
	return w.rep.Replace(inflect(tmpl, map[string]noun{"A": w.fa.noun, "B": w.fb.noun}))
}

func (w *writer) replacer() *strings.Replacer {
	a, b := w.fa, w.fb
	return strings.NewReplacer(
		"{A}", a.name, "{B}", b.name, "{A0}", a.bare, "{B0}", b.bare,
		"{kA}", a.kind, "{kB}", b.kind,
		"{iA}", a.issuer, "{iB}", b.issuer, "{IA}", capFirst(a.issuer),
		"{sA}", a.scope, "{sB}", b.scope, "{oA}", a.topic, "{oB}", b.topic,
		"{inA}", a.industries, "{inB}", b.industries,
		"{tA}", a.testing, "{tB}", b.testing, "{eA}", checks(a), "{eB}", checks(b),
		"{pA}", a.penalties, "{pB}", b.penalties,
		"{nA}", a.nature, "{nB}", b.nature,
		"{fA}", a.forWhom, "{fB}", b.forWhom, "{wA}", a.who, "{wB}", b.who, "{uA}", a.usedIn, "{uB}", b.usedIn,
		"{jA}", reach(w.a.Jurisdiction), "{jB}", reach(w.b.Jurisdiction),
		"{isA}", a.issuerShort, "{isB}", b.issuerShort, "{IsA}", capFirst(a.issuerShort), "{IsB}", capFirst(b.issuerShort),
		"{pubA}", a.issued, "{pubB}", b.issued, "{pubsA}", a.publishes, "{pubsB}", b.publishes,
	)
}

// capFirst upper-cases the first letter of a sentence.
func capFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func wordCount(s string) int { return len(strings.Fields(s)) }

// listed makes a testing line's clauses ("verified self-assessment; Cyber
// Essentials Plus adds an independent technical audit") one list that sits
// inside a sentence and its parentheses, in the profile's order, joined by
// "with", "but" or "and" so neither a semicolon nor a comma splice parts them.
func listed(s string) string {
	parts := strings.Split(s, "; ")
	out := parts[0]
	for i, p := range parts[1:] {
		switch {
		case strings.HasPrefix(p, "no "):
			out += ", with " + p // "self-assessment, with no certification scheme"
		case strings.HasPrefix(parts[i], "no "):
			out += ", but " + p // "no certification, but HHS investigations ..."
		case len(parts) == 2 && unicode.IsLower([]rune(p)[0]):
			out += ", with " + p // "assessment by ..., with labels valid 3 years"
		case i == len(parts)-2:
			out += ", and " + p
		default:
			out += ", " + p
		}
	}
	return out
}

// inline makes a profile line with its own clauses ("no fines; without
// authorization, …") fit inside a sentence that uses ';' to part the two
// standards.
func inline(s string) string { return strings.ReplaceAll(s, "; ", ", ") }

// reachShort is reach without the table's notes: "in the US", not "in the
// US (used internationally)".
func reachShort(j string) string {
	base, _, _ := strings.Cut(strings.TrimSpace(j), " (")
	base, _, _ = strings.Cut(base, ",")
	return reach(base)
}

// topicOf is a scope line's head: the words before its first qualifier
// ("for organizations of any size", "by organizations established in the
// EU", "used by US federal agencies"), when at least two words remain.
func topicOf(scope string) string {
	cut := len(scope)
	for _, q := range []string{" for ", " by ", " in ", " at ", " over ", " with ", " used ", " across ", " through ", " relevant to ", " against ", " and the ", " and their "} {
		for i := 0; i < len(scope); {
			j := strings.Index(scope[i:], q)
			if j < 0 {
				break
			}
			if j += i; len(strings.Fields(scope[:j])) >= 2 {
				cut = min(cut, j)
				break
			}
			i = j + len(q)
		}
	}
	return scope[:cut]
}

// shortWho keeps the core of a mandatory-for line, for a verdict that names
// both standards' audiences in one sentence: it drops parentheses ("(health
// plans, …)"), examples ("such as banks, insurers and investment firms") and
// trailing conditions (", when the contract specifies …", ", as transposed
// …", ", under FISMA"). The FAQ keeps the whole line.
func shortWho(s string) string {
	for {
		i := strings.Index(s, " (")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], ")")
		if j < 0 {
			break
		}
		s = s[:i] + s[i+j+1:]
	}
	if i := strings.Index(s, " such as "); i >= 0 {
		if j := strings.Index(s[i:], ", and "); j >= 0 {
			s = s[:i] + " and " + s[i+j+len(", and "):]
		}
	}
	if i := strings.Index(s, ", wherever "); i >= 0 {
		if j := strings.Index(s[i+2:], ", "); j >= 0 {
			s = s[:i] + s[i+2+j+1:]
		}
	}
	for _, c := range []string{", when ", ", as transposed ", ", through ", ", under ", ", if "} {
		if i := strings.Index(s, c); i > 0 {
			s = s[:i]
		}
	}
	return strings.TrimSpace(s)
}

// penaltyClause turns a profile's penalties line, written for a table cell
// ("No legal penalties; nonconformities can lead to loss of certification"),
// into a clause with a verb that names its standard ("ISO 9001 carries no
// legal penalties, but nonconformities can lead to loss of certification").
// Its words are the profile's; only the joins are the composer's.
func penaltyClause(n noun, line string) string {
	name := n.render(mid)
	parts := strings.Split(strings.TrimRight(strings.TrimSpace(line), ". "), "; ")
	lead := strings.TrimSpace(parts[0])
	ll := strings.ToLower(lead)
	var s string
	negative := false
	switch {
	case ll == "none" || ll == "none directly":
		negative = true
		s = name + " carries no penalties"
		if ll == "none directly" {
			s = name + " carries no direct penalties"
		}
	case strings.HasPrefix(ll, "no "):
		negative = true
		s = name + " carries " + clause(lead)
	case strings.HasPrefix(ll, "up to "):
		s = "non-compliance with " + name + " can bring penalties of " + clause(lead)
	default:
		s = "non-compliance with " + name + " can bring " + clause(lead)
	}
	for _, p := range parts[1:] {
		p = clause(p)
		switch {
		case strings.HasPrefix(p, "voluntary"):
			s += ", since " + n.it() + " " + n.verb("is") + " " + p
		case strings.HasPrefix(p, "it is "):
			s += ", since " + p
		case isClause(p) && negative:
			s += ", but " + p
		case isClause(p):
			s += ", and " + p
		default:
			s += ", as well as " + p
		}
	}
	return s
}

// isClause reports whether a penalties part has its own verb ("suppliers
// can lose business") rather than being one more penalty ("breach damages").
func isClause(p string) bool {
	for _, v := range []string{" can ", " may ", " is ", " are ", " risk ", " risks ", " report ", " face ", " faces "} {
		if strings.Contains(" "+p+" ", v) {
			return true
		}
	}
	return false
}

// restates reports whether an audience line mostly repeats the scope line
// (GDPR's "organizations established in the EU ..." in both), so a verdict
// that has given the scope need not spell the audience out again.
func restates(who, scope string) bool {
	in := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(scope)) {
		in[strings.Trim(w, ",;()")] = true
	}
	long, shared := 0, 0
	for _, w := range strings.Fields(strings.ToLower(who)) {
		if w = strings.Trim(w, ",;()"); len(w) > 3 {
			long++
			if in[w] {
				shared++
			}
		}
	}
	return long >= 4 && shared*3 >= long*2
}
