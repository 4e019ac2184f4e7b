package compose

import (
	"slices"
	"strings"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// Bounds the composed pair part keeps (the page format's).
const (
	minDescription = page.DescMinChars
	maxDescription = page.DescMaxChars
	minVerdict     = page.VerdictMinWords
	maxVerdict     = page.VerdictMaxWords
	minFAQ         = page.FAQMin
	maxFAQ         = 5 // as many as the LLM is asked for: focused questions, fewer tokens
)

// one fills a single-standard template: {X} and friends stand for f.
func one(f facts, tmpl string) string { return f.rep.Replace(tmpl) }

func ones(f facts, tmpls ...string) []string {
	out := make([]string, len(tmpls))
	for i, t := range tmpls {
		out[i] = one(f, t)
	}
	return out
}

func (w *writer) fills(tmpls ...string) []string {
	out := make([]string, len(tmpls))
	for i, t := range tmpls {
		out[i] = w.fill(t)
	}
	return out
}

func (w *writer) description() string {
	cands := w.fills(
		"{A} vs {B}: what each covers, who adopts it, how it is checked and what non-compliance costs.",
		"Compare {A} and {B} on scope, industries, testing and penalties to see which one your organization needs.",
		"How {A} and {B} differ in scope, industry focus, testing and penalties, and where they meet.",
		"A side-by-side comparison of {A} and {B}: scope, industries, nature, testing and penalties.",
		"{A} and {B} compared: scope, sectors, assurance and the cost of non-compliance.",
	)
	start := w.pick("description", len(cands))
	for i := range cands {
		c := cands[(start+i)%len(cands)]
		if n := len(c); n >= minDescription && n <= maxDescription {
			w.seen(c)
			return c
		}
	}
	// Very long or very short names: fall back to a form that fits.
	c := w.fill("{A} vs {B}: key differences.")
	for _, pad := range []string{"{A} vs {B}: key differences in scope, industry, testing and penalties."} {
		if p := w.fill(pad); len(p) <= maxDescription {
			c = p
		}
	}
	w.seen(c)
	return c
}

// verdict is one paragraph: what each standard is for and who adopts which.
// The identity sentence carries both scopes; each standard then gets its own
// adoption sentence (so that a mandatory or certification claim never shares
// a sentence with the other standard's name); related pairs and pairs with an
// obvious order get one more sentence.
func (w *writer) verdict() string {
	core := []string{w.say("v.identity", w.fills(
		"{A} is {kA} [covering|on|concerned with|dealing with] {sA}, [whereas|while] {B} is {kB} [covering|on|about|centred on] {sB}.",
		"[Put simply|In short|At heart|In essence], {A} [targets|addresses|deals with] {sA} as {kA}, and {B} [targets|addresses|takes on] {sB} as {kB}.",
		"[Issued by|Published by|Coming from] {iA}, {A} is {kA} on {sA}; {B}, {kB}, [covers|addresses|deals with] {sB}.",
		"[The subject of|The focus of|The ground covered by] {A} is {sA}, while {B}, {kB}, [takes on|covers|addresses] {sB}; {A} itself is {kA}.",
		"{B} is {kB} [covering|about|on] {sB}, [whereas|while] {A} is {kA} [covering|about|on] {sA}.",
		"[As|Being] {kA}, {A} [covers|addresses|is built around] {sA}; {B} [is|stands as] {kB} [for|on|covering] {sB}.",
		"[Scope sets them apart|The scopes differ|Their scopes part ways]: {sA} for {A}, {kA}, and {sB} for {B}, {kB}.",
		"{B}, {kB}, [is written for|concentrates on|is scoped to] {sB}, [but|whereas|while] {A}, {kA}, [is written for|concentrates on|is scoped to] {sA}.",
	)...)}
	adoptA, adoptB := w.adoption("v.adopt.a", w.fa), w.adoption("v.adopt.b", w.fb)
	if w.pick("v.order", 2) == 0 {
		core = append(core, adoptA, adoptB)
	} else {
		core = append(core, adoptB, adoptA)
	}
	var extra []string
	if related(w.a, w.b) {
		extra = append(extra, w.say("v.related", w.fills(
			"{A} and {B} are [commonly|often|frequently] [implemented together|run side by side|paired in one programme].",
			"[Many organizations|Many teams|Organizations often] [implement|run|pair] {B} [alongside|together with|next to] {A}.",
		)...))
	}
	extra = append(extra, w.closing())

	text := join(core)
	for _, e := range extra {
		if e == "" {
			continue
		}
		if t := text + " " + e; wordCount(t) <= maxVerdict {
			text = t
		}
	}
	if wordCount(text) > maxVerdict {
		// Long scope lines: fall back to the shortest identity form.
		core[0] = w.say("v.identity.short", w.fill("{A} is {kA}; {B} is {kB}."))
		text = join(core)
	}
	if wordCount(text) < minVerdict {
		text += " " + w.say("v.pad", w.fills(
			"The table below sets {A} against {B} on scope, industry, nature, testing and penalties.",
			"Below, {A} and {B} are compared aspect by aspect.",
		)...)
	}
	return strings.TrimSpace(text)
}

func join(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// adoption says who uses one standard, with its mandatory and certification
// status. It names only that standard.
func (w *writer) adoption(key string, f facts) string {
	var cert string
	switch {
	case f.certify:
		cert = "[, and it is certifiable|, and organizations can be certified against it|, and certification against it is available]"
	case !f.law:
		cert = "[, though it is not certifiable|, and it is not certifiable|, with no certification on offer]"
	}
	if f.required {
		binds := "[binds|applies by obligation to|is compulsory for]"
		if f.law {
			binds = "[legally binds|applies by law to|is compulsory for]"
		} else if f.kindBare == kindNoun(profile.KindContractualStandard) {
			binds = "[is imposed by contract on|binds, by contract,|is contractually required of]"
		}
		return w.say(key, ones(f,
			"{X} is mandatory for {fX}"+cert+".",
			"[Those bound by|Organizations subject to|Entities within the reach of] {X} [are|include] {fX}"+cert+".",
			"Compliance with {X} is [required of|expected of|owed by] {fX}"+cert+".",
			"{X} "+binds+" {fX}"+cert+".",
		)...)
	}
	return w.say(key, ones(f,
		"{X} [is voluntary|carries no legal obligation|is taken up by choice]"+cert+"; [it is adopted mainly|its users sit mainly|uptake is highest|it is most used|adopters are found mostly] {inX}.",
		"[Organizations|Adopters|Users] [take up|adopt|choose] {X} [by choice|voluntarily|of their own accord] {inX}"+cert+".",
		"[Adoption of|Uptake of|Use of] {X} is voluntary"+cert+"; [most users are|adopters are mainly|it is most common] {inX}.",
		"[No law requires|No regulator demands|Nothing obliges anyone to adopt] {X}"+cert+"; [its adopters sit|it is mostly found|take-up concentrates] {inX}.",
	)...)
}

// closing gives an order of adoption where the facts imply one.
func (w *writer) closing() string {
	a, b := w.fa, w.fb
	switch {
	case a.required && !b.required:
		return w.say("v.close", w.fills(
			"[Start with|Begin with|Put first] {A} where it applies, then [add|layer on|bring in] {B}.",
			"Where {A} applies it [comes first|takes priority|leads], and {B} can [follow|come after|be added later].",
		)...)
	case b.required && !a.required:
		return w.say("v.close", w.fills(
			"[Start with|Begin with|Put first] {B} where it applies, then [add|layer on|bring in] {A}.",
			"Where {B} applies it [comes first|takes priority|leads], and {A} can [follow|come after|be added later].",
		)...)
	case !a.required && !b.required && a.certify != b.certify:
		c, o := a, b
		if b.certify {
			c, o = b, a
		}
		return w.say("v.close", "Organizations wanting outside assurance lean to "+c.name+", while "+o.name+" informs how the work is done.",
			"Pick "+c.name+" when an external audit is the goal and "+o.name+" when guidance is enough.",
			"For a result auditors can confirm, "+c.name+" is the route; "+o.name+" serves as guidance.")
	case a.required && b.required:
		return w.say("v.close", "Where both apply, each has to be met on its own terms.",
			"Organizations within reach of both have to satisfy each separately.",
			"An organization caught by both answers to each in its own right.")
	}
	return ""
}

func related(a, b *profile.Profile) bool {
	return slices.Contains(a.Related, b.ID) || slices.Contains(b.Related, a.ID)
}

// Table is the differences table of a and b. Every cell is one standard's
// own profile fact, so the table is built, never drafted: the LLM author
// uses it too, and a standard reads the same on every page.
func Table(a, b *profile.Profile) page.Differences { return differences(a, b) }

func differences(a, b *profile.Profile) page.Differences {
	row := func(aspect, x, y string) page.Row {
		return page.Row{Aspect: aspect, A: cell(x), B: cell(y)}
	}
	issuer := row("Issuer", a.Issuer, b.Issuer)
	if issuer.A == issuer.B && issuer.A != "Not specified" {
		// The same body twice reads as a repeated sentence.
		issuer.B = "Same as " + a.ShortName
	}
	return page.Differences{
		// The schema wants each fixed row named too.
		Scope:     row(page.FixedAspects[0], a.Scope, b.Scope),
		Industry:  row(page.FixedAspects[1], strings.Join(a.Industries, ", "), strings.Join(b.Industries, ", ")),
		Nature:    row(page.FixedAspects[2], a.Nature, b.Nature),
		Testing:   row(page.FixedAspects[3], a.Testing, b.Testing),
		Penalties: row(page.FixedAspects[4], a.Penalties, b.Penalties),
		Extra: []page.Row{
			issuer,
			row("Jurisdiction", a.Jurisdiction, b.Jurisdiction),
			row("Certification", certCell(a), certCell(b)),
			row("Obligation", obligationCell(a), obligationCell(b)),
		},
	}
}

func cell(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "Not specified"
	}
	return s
}

func certCell(p *profile.Profile) string {
	if p.Certifiable {
		return "Certifiable"
	}
	return "Not certifiable"
}

func obligationCell(p *profile.Profile) string {
	if !p.Mandatory.Required {
		return "Voluntary"
	}
	if f := clause(p.Mandatory.For); f != "" {
		return "Mandatory for " + f
	}
	return "Mandatory"
}
