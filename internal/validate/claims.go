package validate

import (
	"fmt"
	"regexp"
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

// requiredRe finds an obligation placed on someone to take up a standard:
// "is required to implement ISO 27701", "must comply with GDPR".
var requiredRe = regexp.MustCompile(`\b(?:(?:is|are|be) (?:legally )?(?:required|obliged|obligated|mandated) to|must|have to|has to|need to|needs to) (?:implement|adopt|comply with|follow|meet|achieve|obtain|get|be certified against|certify against|certify to|conform to|apply|use) (?:the |an? )?`)

// conditionMarkers make an obligation hang on something else (a contract,
// a customer, a wish to be certified), which the profile does not rule on.
var conditionMarkers = []string{" if ", " when ", "contract", "customer", "client", "to get certified", "to become certified",
	"to achieve certification", "to be certified", "in order to", "to earn", "to obtain certification", "unless", "who want",
	"that want", "that choose", "who choose", "seeking", "pursuing", "certification audit"}

func (c *checker) requiredTo(f *field) {
	if !strings.Contains(f.lower, "requir") && !strings.Contains(f.lower, "must") && !strings.Contains(f.lower, " to ") {
		return
	}
	for _, loc := range requiredRe.FindAllStringIndex(f.lower, -1) {
		m, ok := c.mentionAt(f, loc[1])
		if !ok {
			continue
		}
		p := m.Profile
		if p.Mandatory.Required || p.Kind == profile.KindLaw {
			continue
		}
		if negatedBefore(f.lower, loc[0]+1) || inQuestion(f.text, loc[0]) || c.reported(f, loc[0]) {
			continue
		}
		sent := sentenceAt(f.text, loc[0])
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

var issuerRe = regexp.MustCompile(`\b(?:published|issued|developed|maintained|created|released|written|produced|owned|managed|administered|authored|drafted|governed) (?:jointly )?by (?:the )?`)

// issuer checks "<standard> is published by <body>" against the profile's issuer.
func (c *checker) issuer(f *field) {
	if !strings.Contains(f.lower, " by ") {
		return
	}
	for _, loc := range issuerRe.FindAllStringIndex(f.lower, -1) {
		// the body named: up to the end of the clause
		end := loc[1]
		for end < len(f.lower) && strings.IndexByte(",.;:()", f.lower[end]) < 0 && end-loc[1] < 80 {
			end++
		}
		claimed := bodiesIn(f.lower[loc[1]:end])
		if len(claimed) == 0 {
			continue
		}
		p, ok := c.subjectOf(f, loc[0])
		if !ok || p == nil || inQuestion(f.text, loc[0]) || c.reported(f, loc[0]) || negatedBefore(f.lower, loc[0]) {
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

var jurRe = func() *regexp.Regexp {
	var ws []string
	for _, j := range jurisdictions {
		for _, w := range j.words {
			ws = append(ws, regexp.QuoteMeta(w))
		}
	}
	return regexp.MustCompile(`\b(?:a|an|the) (` + strings.Join(ws, "|") + `) (?:(?:federal|national|state|privacy|data protection|cybersecurity|security|government|data privacy|consumer privacy|health) )?(` + strings.Join(instruments, "|") + `)s?\b`)
}()

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
	for _, m := range jurRe.FindAllStringSubmatchIndex(f.lower, -1) {
		key := jurKey(f.lower[m[2]:m[3]])
		instr := f.lower[m[4]:m[5]]
		if key == "" || key == "international" && (instr == "law" || instr == "regulation") {
			continue
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
		if p == nil || inQuestion(f.text, m[0]) || c.reported(f, m[0]) || negatedBefore(f.lower, m[0]+1) {
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
	sent := sentenceAt(f.text, off)
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
