package validate

import (
	"fmt"
	"strings"

	"github.com/versus-dev/versus/internal/profile"
)

// claimsAbout checks what a field says about a standard's obligations,
// issuer and jurisdiction, and how two standards relate.
func (c *checker) claimsAbout(f *field) {
	c.requiredTo(f)
	c.issuer(f)
	c.jurisdiction(f)
	c.relations(f)
}

// requiredVerbs follow "required to", "must" and the like when an
// obligation to take up a standard is stated: "is required to implement
// ISO 27701", "must comply with GDPR".
var requiredVerbs = map[string]bool{"implement": true, "adopt": true, "comply": true, "follow": true, "meet": true, "achieve": true,
	"obtain": true, "get": true, "certify": true, "conform": true, "apply": true, "use": true, "be": true}

// obligationAt returns where, in words ws from k, an obligation phrase
// ends and the standard's name should start, or -1.
func obligationAt(ws []word, k int) (start, nameAt int) {
	w := ws[k].text
	next := func(i int) string {
		if i < len(ws) {
			return ws[i].text
		}
		return ""
	}
	j := -1
	switch {
	case w == "must":
		j = k + 1
	case (w == "required" || w == "obliged" || w == "obligated" || w == "mandated" || w == "have" || w == "has" || w == "need" || w == "needs") && next(k+1) == "to":
		j = k + 2
	}
	if j < 0 || !requiredVerbs[next(j)] {
		return -1, -1
	}
	v := next(j)
	j++
	switch {
	case v == "comply" && next(j) == "with", v == "conform" && next(j) == "to":
		j++
	case v == "be" || v == "get":
		if next(j) == "certified" && (next(j+1) == "against" || next(j+1) == "to") {
			j += 2
		} else if v == "be" {
			return -1, -1
		}
	case v == "certify" && (next(j) == "against" || next(j) == "to"):
		j++
	}
	if next(j) == "the" || next(j) == "a" || next(j) == "an" {
		j++
	}
	if j >= len(ws) {
		return -1, -1
	}
	return ws[k].start, ws[j].start
}

// conditionMarkers make an obligation hang on something else (a contract,
// a customer, a wish to be certified), which the profile does not rule on.
var conditionMarkers = []string{" if ", " when ", "contract", "customer", "client", "to get certified", "to become certified",
	"to achieve certification", "to be certified", "in order to", "to earn", "to obtain certification", "unless", "who want",
	"that want", "that choose", "who choose", "seeking", "pursuing", "certification audit", "certified", "certification",
	"selected", "chosen", "voluntarily", "auditor", "assessor"}

func (c *checker) requiredTo(f *field) {
	if f.gates()&gRequired == 0 {
		return
	}
	ws := f.words()
	for k := range ws {
		from, nameAt := obligationAt(ws, k)
		if from < 0 {
			continue
		}
		loc := [2]int{from, nameAt}
		m, ok := c.mentionAt(f, nameAt)
		if !ok {
			continue
		}
		p := m.Profile
		if p.Mandatory.Required || p.Kind == profile.KindLaw {
			continue
		}
		if negatedBefore(f.lower, loc[0]+1) || f.inQuestion(loc[0]) || c.reported(f, loc[0]) {
			continue
		}
		sent := f.sentenceAt(loc[0])
		ls := f.lower[sent.start:sent.end]
		if hasAny(ls, conditionMarkers) || strings.Contains(f.lower[max(sent.start, loc[0]-12):loc[0]], " not") {
			continue
		}
		c.at(RuleMandatory, f, loc[0], fmt.Sprintf("says organizations must take up %s, but its profile says it is voluntary: %q", p.ShortName, clip(f.text[loc[0]:], 50)))
		return
	}
}

func hasAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// mentionAt returns the standard named starting at off.
func (c *checker) mentionAt(f *field, off int) (profile.Mention, bool) {
	for _, m := range c.mentions(f) {
		if m.Offset == off && m.Profile != nil {
			return m, true
		}
	}
	return profile.Mention{}, false
}

// bodies are the issuing bodies the profiles name, each with the ways a
// writer names it. An issuer claim is checked only when it names one.
var bodies = map[string][]string{
	"iso":        {"iso", "international organization for standardization", "international organisation for standardisation"},
	"iec":        {"iec", "international electrotechnical commission"},
	"nist":       {"nist", "national institute of standards and technology"},
	"aicpa":      {"aicpa", "american institute of certified public accountants", "american institute of cpas"},
	"pcissc":     {"pci ssc", "pci security standards council", "payment card industry security standards council"},
	"eu":         {"european union", "eu", "european parliament", "european commission", "council of the european union"},
	"hhs":        {"hhs", "department of health and human services", "office for civil rights", "ocr"},
	"congress":   {"congress"},
	"dod":        {"dod", "department of defense", "department of defence"},
	"gsa":        {"gsa", "general services administration"},
	"sec":        {"sec", "securities and exchange commission"},
	"isaca":      {"isaca"},
	"cis":        {"center for internet security", "cis"},
	"ncsc":       {"ncsc", "national cyber security centre", "uk government"},
	"enx":        {"enx", "vda", "german association of the automotive industry"},
	"acsc":       {"acsc", "australian cyber security centre", "australian signals directorate", "asd"},
	"axelos":     {"axelos", "peoplecert"},
	"california": {"california", "cppa"},
	"isa":        {"isa", "international society of automation"},
	"cisa":       {"cisa"},
	"ftc":        {"ftc", "federal trade commission"},
}

// startsWithBody reports whether s opens with a body's name.
func startsWithBody(s string) bool {
	for _, names := range bodies {
		for _, n := range names {
			if strings.HasPrefix(s, n) && (len(s) == len(n) || !isAlnum(s[len(n)])) {
				return true
			}
		}
	}
	return false
}

func bodiesIn(s string) map[string]bool {
	out := map[string]bool{}
	for k, names := range bodies {
		for _, n := range names {
			if indexWord(s, n, 0) >= 0 {
				out[k] = true
				break
			}
		}
	}
	return out
}

// issuerVerbs before "by" say who issues a standard: "published by ISO".
var issuerVerbs = map[string]bool{"published": true, "issued": true, "developed": true, "maintained": true, "created": true,
	"released": true, "written": true, "produced": true, "owned": true, "managed": true, "administered": true, "authored": true,
	"drafted": true, "governed": true, "enacted": true, "passed": true, "adopted": true}

// issuerClaims returns, per "<verb> (jointly) by (the)", the offsets of
// the verb and of the body named after it.
func issuerClaims(ws []word) [][2]int {
	var out [][2]int
	for k := 1; k+1 < len(ws); k++ {
		if ws[k].text != "by" {
			continue
		}
		v := k - 1
		if ws[v].text == "jointly" && v > 0 {
			v--
		}
		if !issuerVerbs[ws[v].text] {
			continue
		}
		j := k + 1
		if ws[j].text == "the" && j+1 < len(ws) {
			j++
		}
		out = append(out, [2]int{ws[v].start, ws[j].start})
	}
	return out
}

// issuer checks "<standard> is published by <body>" against the profile's issuer.
func (c *checker) issuer(f *field) {
	if f.gates()&gIssuer == 0 {
		return
	}
	for _, loc := range issuerClaims(f.words()) {
		// the body named: up to the end of the clause
		end := loc[1]
		for end < len(f.lower) && strings.IndexByte(",.;:()", f.lower[end]) < 0 && end-loc[1] < 80 {
			end++
		}
		// only a body named first counts: "adopted by organizations in the EU" names none
		claimed := bodiesIn(f.lower[loc[1]:end])
		if len(claimed) == 0 || !startsWithBody(f.lower[loc[1]:end]) {
			continue
		}
		p, ok := c.subjectOf(f, loc[0])
		if !ok || p == nil || f.inQuestion(loc[0]) || c.reported(f, loc[0]) || negatedBefore(f.lower, loc[0]) {
			continue
		}
		own := bodiesIn(lowerASCII(p.Issuer))
		hit := false
		for k := range claimed {
			if own[k] {
				hit = true
			}
		}
		if !hit {
			c.at(RuleIssuer, f, loc[0], fmt.Sprintf("names %q as %s's issuer, but its profile says %s", clip(f.text[loc[1]:end], 50), p.ShortName, clip(p.Issuer, 80)))
			return
		}
	}
}

// jurisdictions are the places a writer may say a standard belongs to,
// each with the words that name it.
var jurisdictions = []struct {
	key   string
	words []string
}{
	{"us", []string{"us", "u.s.", "united states", "american", "federal", "u.s"}},
	{"eu", []string{"eu", "european", "european union", "eea"}},
	{"uk", []string{"uk", "british", "united kingdom", "english"}},
	{"australia", []string{"australian", "australia"}},
	{"california", []string{"california", "californian"}},
	{"germany", []string{"german", "germany"}},
	{"international", []string{"international", "global", "worldwide"}},
}

// instruments follow a jurisdiction word in a claim about where a standard
// belongs: "a US law", "an EU regulation".
var instruments = []string{"law", "regulation", "directive", "statute", "act", "scheme", "rule", "legislation", "federal law", "federal regulation", "government standard", "standard", "framework"}

// jurClaim is "a US law", "an EU regulation", "the European framework".
type jurClaim struct {
	start, end int
	key        string
	instrument string
}

// jurPhrases maps each place word sequence (as split words) to its key.
var jurPhrases = func() map[string]string {
	m := map[string]string{}
	for _, j := range jurisdictions {
		for _, w := range j.words {
			var parts []string
			for _, p := range splitWords(w) {
				parts = append(parts, p.text)
			}
			m[strings.Join(parts, " ")] = j.key
		}
	}
	return m
}()

var jurModifiers = map[string]bool{"federal": true, "national": true, "state": true, "privacy": true, "cybersecurity": true,
	"security": true, "government": true, "health": true, "data": true, "consumer": true, "protection": true}

var jurInstruments = map[string]string{"law": "law", "laws": "law", "regulation": "regulation", "regulations": "regulation",
	"directive": "directive", "statute": "statute", "act": "act", "scheme": "scheme", "rule": "rule", "legislation": "legislation",
	"standard": "standard", "standards": "standard", "framework": "framework", "frameworks": "framework"}

// jurClaims finds "a|an|the <place> (<modifiers>) <instrument>" in f.
func jurClaims(f *field) []jurClaim {
	ws := f.words()
	adj := func(i int) bool { // words i and i+1 stand next to each other
		g := f.lower[ws[i].end:ws[i+1].start]
		return g == " " || g == "." || g == ". "
	}
	var out []jurClaim
	for k := 0; k+2 < len(ws); k++ {
		if t := ws[k].text; t != "a" && t != "an" && t != "the" || !adj(k) {
			continue
		}
		key, j := "", -1
		if k+2 < len(ws) && adj(k+1) {
			if v, ok := jurPhrases[ws[k+1].text+" "+ws[k+2].text]; ok {
				key, j = v, k+3
			}
		}
		if key == "" {
			if v, ok := jurPhrases[ws[k+1].text]; ok {
				key, j = v, k+2
			}
		}
		if key == "" {
			continue
		}
		for n := 0; n < 2 && j < len(ws) && adj(j-1) && jurModifiers[ws[j].text]; n++ {
			j++
		}
		if j >= len(ws) || !adj(j-1) {
			continue
		}
		if in, ok := jurInstruments[ws[j].text]; ok {
			out = append(out, jurClaim{ws[k].start, ws[j].end, key, in})
		}
	}
	return out
}

func jurKey(w string) string {
	for _, j := range jurisdictions {
		for _, x := range j.words {
			if x == w {
				return j.key
			}
		}
	}
	return ""
}

func (c *checker) jurisdiction(f *field) {
	if f.gates()&gJur == 0 {
		return
	}
	for _, jc := range jurClaims(f) {
		m := [2]int{jc.start, jc.end}
		key := jc.key
		if key == "international" {
			continue // "a global standard for privacy" is praise more often than a claim of origin
		}
		// whose: "HIPAA is a US law", "GDPR, an EU regulation", "US laws such as HIPAA"
		var p *profile.Profile
		rest := f.lower[m[1]:]
		for _, pre := range []string{" such as ", " like ", ", such as ", " including "} {
			if strings.HasPrefix(rest, pre) {
				if mm, ok := c.mentionAt(f, m[1]+len(pre)); ok {
					p = mm.Profile
				}
			}
		}
		if p == nil {
			if mm, ok := c.linkedBefore(f, m[0]); ok {
				p = mm.Profile
			}
		}
		if p == nil || f.inQuestion(m[0]) || c.reported(f, m[0]) || negatedBefore(f.lower, m[0]+1) {
			continue
		}
		own := lowerASCII(p.Jurisdiction)
		ok := false
		for _, j := range jurisdictions {
			if j.key != key {
				continue
			}
			for _, w := range j.words {
				if indexWord(own, w, 0) >= 0 {
					ok = true
				}
			}
		}
		if key == "us" && strings.Contains(own, "us") || key == "california" && strings.Contains(own, "california") {
			ok = ok || indexWord(own, "us", 0) >= 0 && key == "us"
		}
		if !ok {
			c.at(RuleJurisdiction, f, m[0], fmt.Sprintf("calls %s %q, but its profile gives its jurisdiction as %s", p.ShortName, clip(f.text[m[0]:m[1]], 40), p.Jurisdiction))
			return
		}
	}
}

// linkedBefore returns the standard a claim at off is predicated of:
// "<name> is a …", "<name>, a …", "<name> (an …".
func (c *checker) linkedBefore(f *field, off int) (profile.Mention, bool) {
	sent := f.sentenceAt(off)
	for _, m := range c.mentions(f) {
		end := m.Offset + len(m.Name)
		if m.Profile == nil || m.Offset < sent.start || end > off {
			continue
		}
		gap := squeeze(f.lower[end:off])
		g := strings.TrimSpace(gap)
		if g == "is" || g == "was" || g == "," || g == "(" || g == "remains" || g == "is also" || g == "is still" || g == ", which is" || g == "which is" {
			return m, true
		}
	}
	return profile.Mention{}, false
}
