package compose

import (
	"strings"

	"github.com/versus-dev/versus/internal/overlap"
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
	// maxAssureWords bounds the verdict's sentence on how each is checked.
	maxAssureWords = 38
)

// one fills a single-standard template: {X} and friends stand for f.
func one(f facts, tmpl string) string {
	return f.rep.Replace(inflect(tmpl, map[string]noun{"X": f.noun}))
}

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
	var cands []string
	if len(w.rels) > 0 {
		r := w.rels[0]
		for _, c := range r.fills(relDescriptions[r.kind]...) {
			cands = append(cands, w.fill(c)) // "vs" keeps the page's order
		}
	}
	cands = append(cands, w.fills(
		"{A0} vs {B0}: what each covers, who adopts it, how it is checked and what non-compliance costs.",
		"Compare {A} and {B} on scope, industries, testing and penalties to see which applies to your organization.",
		"How {A} and {B} differ in scope, industry focus, testing and penalties, and where they meet.",
		"A side-by-side comparison of {A} and {B}: scope, industries, nature, testing and penalties.",
		"{A} and {B} compared: scope, sectors, assurance and the cost of non-compliance.",
	)...)
	start := 0
	if len(w.rels) == 0 {
		start = w.pick("description", len(cands))
	}
	for i := range cands {
		c := w.possessives(cands[(start+i)%len(cands)])
		// The description is one sentence: a scope with a stop would split it.
		if n := len(c); n >= minDescription && n <= maxDescription && len(sentences(c)) == 1 {
			w.seen(c)
			return c
		}
	}
	// Very long or very short names: fall back to a form that fits.
	c := w.fill("{A0} vs {B0}: key differences.")
	for _, pad := range []string{"{A0} vs {B0}: key differences in scope, industry, testing and penalties."} {
		if p := w.fill(pad); len(p) <= maxDescription {
			c = p
		}
	}
	w.seen(c)
	return c
}

// relDescriptions lead a related pair's description with its relation.
var relDescriptions = map[profile.RelationKind][]string{
	profile.RelBuiltOn:          {"{A0} vs {B0}: how {x} is built on {y}, and where scope, testing and penalties part ways.", "{A} and {B} compared: {x} builds on {y}; see what it adds and how each is checked."},
	profile.RelAssessedAgainst:  {"{A0} vs {B0}: how {x0} assessments check {y}, and what each of the two requires.", "{A} and {B} compared: what {x} assesses, what {y} requires and how they differ."},
	profile.RelGuidanceFor:      {"{A0} vs {B0}: how {x} guides the implementation of {y}, and which one is audited.", "{A} and {B} compared: guidance and requirements, side by side."},
	profile.RelExtends:          {"{A0} vs {B0}: how {x} extends {y}, and what each covers and certifies.", "{A} and {B} compared: what {x} adds to {y}, and how each is audited."},
	profile.RelTakesPrecedence:  {"{A0} vs {B0}: why {x} takes precedence over {y}{forScope}, and how the two differ.", "{A} and {B} compared: which applies{forScope}, and how scope and penalties differ."},
	profile.RelSupportsEvidence: {"{A0} vs {B0}: how far {x} helps evidence {y}, and why it proves no compliance alone.", "{A} and {B} compared: what {x} can evidence for {y}, and what it cannot."},
	profile.RelSupersedes:       {"{A0} vs {B0}: how {x} replaces {y}, and what changed between them."},
	profile.RelAlternative:      {"{A0} vs {B0}: two routes to a similar goal, compared on scope, assurance and cost.", "{A0} or {B0}? Scope, assurance, audiences and cost of two alternative routes."},
}

// verdict is one paragraph: what each standard is for, how the two relate
// (from the relations on file), who takes up which, and what follows for
// the reader. Every sentence carries facts of both standards or of their
// relation, so no two pages share a verdict sentence; a sentence that says
// whether a standard is binding or certifiable names that standard alone
// (or holds each claim in its own clause).
func (w *writer) verdict() string {
	identity := ""
	if w.fa.kind == w.fb.kind {
		// Two of a kind: say it once ("both EU laws"), then each subject.
		kinds := plural(w.fa)
		identity = w.say("v.identity.same", w.fills(
			"{A} and {B} are both "+kinds+": {A} [covers|deals with] {sA}, and {B} [covers|deals with] {sB}.",
			"Both {A} and {B} are "+kinds+"; {A} [covers|addresses] {sA}, [while|whereas] {B} [covers|addresses] {sB}.",
		)...)
	}
	if identity == "" {
		identity = w.say("v.identity", w.fills(
			"{A} is {kA} [covering|on|concerned with|dealing with] {sA}, [whereas|while] {B} is {kB} [covering|on|about|centred on] {sB}.",
			"[Put simply|In short|At heart|In essence], {A} is {kA} that [targets|addresses|deals with] {sA}, and {B} is {kB} that [targets|addresses|takes on] {sB}.",
			"{A} is {kA} on {sA}; {B}, {kB}, [covers|addresses|deals with] {sB}.",
			"{B} is {kB} [covering|about|on] {sB}, [whereas|while] {A} is {kA} [covering|about|on] {sA}.",
			"[As|Being] {kA}, {A} [covers|addresses|is built around] {sA}; {B} is {kB} [on|covering] {sB}.",
			"[Scope sets them apart|The scopes differ|Their scopes part ways]: {A}, {kA}, is about {sA}, and {B}, {kB}, is about {sB}.",
			"{B}, {kB}, [is written for|concentrates on|is scoped to] {sB}, [but|whereas|while] {A}, {kA}, [is written for|concentrates on|is scoped to] {sA}.",
		)...)
	}
	parts := []string{identity}
	var up string
	for i, r := range w.rels {
		if i == 2 {
			break
		}
		parts = append(parts, w.say("v.rel."+string(r.kind), r.fills(relVerdicts[r.kind]...)...))
	}
	if len(w.rels) == 0 || w.rels[0].kind != profile.RelAlternative {
		up = w.uptake() // an alternative's closing names the audiences
		parts = append(parts, up)
	}
	var assure string
	if len(w.rels) == 0 || w.rels[0].kind == profile.RelAlternative {
		// Two long regimes in brackets would end the verdict on a list:
		// the FAQ sets them out instead.
		if a := w.assurance(); a != "" && wordCount(a) <= maxAssureWords {
			assure = a
			parts = append(parts, a)
		}
	}
	var ov string
	if len(w.rels) == 0 {
		ov = w.overlapVerdict() // with no relation on file, the mapping is what links them
		parts = append(parts, ov)
		w.saidOverlap = ov != ""
	}
	parts = append(parts, w.closing())

	text := parts[0]
	kept := map[string]bool{}
	for _, e := range parts[1:] {
		if e == "" {
			continue
		}
		if t := text + " " + e; wordCount(t) <= maxVerdict {
			text = t
			kept[e] = true
		}
	}
	w.saidOverlap = w.saidOverlap && kept[ov]
	w.saidUptake = up != "" && kept[up]
	w.saidTesting = assure != "" && kept[assure]
	if wordCount(text) < minVerdict {
		text += " " + w.say("v.pad", w.fills(
			"The table below sets {A} against {B} on scope, industry, nature, testing and penalties.",
			"Below, {A} and {B} are compared aspect by aspect, from scope to penalties.",
		)...)
	}
	return strings.TrimSpace(text)
}

// overlapVerdict says, for a pair with mapping data and no relation on file,
// how the mapping links them, naming hubs and stand-ins as How They Relate
// does; "" when no mapping relates them.
func (w *writer) overlapVerdict() string {
	o := w.overlap
	if o == nil {
		return ""
	}
	name := func(f facts, s page.OverlapSide) string {
		if n := overlap.Name(s.Framework); n != "" {
			return n + " (for " + f.name + ")"
		}
		return f.name
	}
	a, b := name(w.fa, o.A), name(w.fb, o.B)
	if o.Basis == "hub" || o.Via != "" {
		hub := overlap.Name(o.Via)
		if hub == "" {
			return ""
		}
		return w.say("v.overlap", "No mapping joins "+a+" and "+b+" directly; their requirements meet only through "+hub+", a common-controls hub.",
			"Their requirements meet only indirectly, through "+hub+", to which both "+a+" and "+b+" are mapped.")
	}
	first := "A direct requirement-level mapping links " + a + " and " + b + ", so work done for one can be traced to the other."
	if a != w.fa.name || b != w.fb.name {
		return w.say("v.overlap", first) // a stand-in's name is long: one plain shape
	}
	return w.say("v.overlap", first,
		"The requirements of "+a+" and "+b+" are mapped to each other directly, which shows where the two ask for similar work.")
}

// plural is f's kind for two standards: "EU laws", "international
// management system standards".
func plural(f facts) string {
	k := strings.TrimPrefix(strings.TrimPrefix(f.kind, "an "), "a ")
	return k + "s"
}

// relVerdicts say a relation in the verdict, one kind each. They state only
// what the kind means, so they hold for every pair that has it.
var relVerdicts = map[profile.RelationKind][]string{
	profile.RelBuiltOn: {
		"{x} is built on {y}{forScope}, so the two share much of their substance.",
		"{y} is the basis on which {x} is built{forScope}, and much of what {y} sets out reappears in {x}.",
		"{x} builds on {y}{forScope}: [much of {x:its} substance comes from|{x:its} core is taken from] {y}.",
	},
	profile.RelAssessedAgainst: {
		"{x0} assessments check conformity to {y}{forScope}, so {y} is what an organization implements and {x} is how that is verified.",
		"Conformity to {y} is what {x} assesses{forScope}: {y} sets the requirements, {x} the way they are checked.",
	},
	profile.RelGuidanceFor: {
		"{x} {x:is} guidance for implementing {y}{forScope}; {x:it} {x:supports} {y} rather than replacing {y:it}.",
		"{x} {x:gives} guidance for meeting {y}{forScope}: {y} sets what is to be achieved, {x} one way of achieving it.",
	},
	profile.RelExtends: {
		"{x} extends {y}{forScope}, adding {ox} to what {y} covers.",
		"{x} builds on {y}{forScope}: an organization can add {x:it} to an existing {y0} programme.",
	},
	profile.RelTakesPrecedence: {
		"Where both reach the same organization, {x} takes precedence over {y}{forScope}: on matters both regulate, {x}'s rules apply instead of {y}'s.",
		"{x} takes precedence over {y}{forScope}, so where the two overlap, {x}'s rules are the ones that apply.",
	},
	profile.RelSupportsEvidence: {
		"{x} can support evidence for {y}{forScope}, but {x:it} {x:does} not prove compliance with {y} on {x:its} own.",
		"Work done for {x} can help evidence {y}{forScope}, though it is not proof of {y0} compliance.",
		"{x} can help show {y0} compliance{forScope}, but {y} is judged on {y:its} own requirements.",
	},
	profile.RelSupersedes: {
		"{x} replaces {y}{forScope}.",
	},
	profile.RelAlternative: {
		"{x} and {y} are alternative routes to a similar goal, and one does not rule out the other.",
		"{x} and {y} offer different routes to a similar end; an organization can follow either, or both.",
	},
}

// uptake says who takes up which, with each standard's obligation in its own
// clause, so a binding claim and a voluntary one are never read together.
func (w *writer) uptake() string {
	a, b := w.fa, w.fb
	switch {
	case a.required && b.required:
		return w.say("v.uptake", w.fills(
			"{A} [applies to|binds|reaches] {wA}; {B} [applies to|binds|reaches] {wB}.",
			"[Those bound by {A} are|{A} reaches] {wA}, while [those bound by {B} are|{B} reaches] {wB}.",
		)...)
	case a.required != b.required:
		r, v := a, b
		if b.required {
			r, v = b, a
		}
		if restates(r.who, r.scope) {
			// The identity sentence has just named that audience.
			return w.say("v.uptake", ones2(r, v,
				"{R} binds the organizations within {R:its} scope, while {V} is taken up by choice {uV}.",
				"{V} is taken up by choice {uV}, whereas {R} binds every organization within {R:its} scope.",
			)...)
		}
		return w.say("v.uptake", ones2(r, v,
			"{R} [applies to|binds|reaches] {wR}, while {V} is taken up by choice {uV}.",
			"{V} is taken up by choice {uV}, whereas {R} [applies to|binds|reaches] {wR}.",
		)...)
	}
	if a.industries == b.industries {
		return w.say("v.uptake", w.fills(
			"Neither is imposed by law, and both are taken up {inA}.",
			"No law imposes either; organizations take up both {inA}.",
		)...)
	}
	return w.say("v.uptake", w.fills(
		"Neither is imposed by law: [organizations take up|adopters choose] {A} {uA}, and {B} {inB}.",
		"[Uptake|Adoption] follows need rather than law: {A} [is most common|is found] {inA}, and {B} {inB}.",
		"[No law imposes either|Neither is a legal duty]; {A} [is taken up|is used] {uA}, and {B} {uB}.",
	)...)
}

// assurance contrasts how each is checked; both testing lines make it the pair's own.
func (w *writer) assurance() string {
	if w.fa.testing == w.fb.testing {
		// "Assurance differs between ISO 22301 (x) and ISO 42001 (x)" is false.
		return w.say("v.assure", w.fills(
			"{A} and {B} are checked in the same way ({tA}).",
			"Assurance works alike for {A} and {B}: {tA}.",
		)...)
	}
	if w.fa.law && w.fb.law {
		return w.say("v.assure", w.fills(
			"Compliance is checked differently under {A} ({eA}) and {B} ({eB}).",
			"The two are policed in different ways: {A} ({eA}) and {B} ({eB}).",
		)...)
	}
	return w.say("v.assure", w.fills(
		"Assurance differs between {A} ({eA}) and {B} ({eB}).",
		"The two are checked in different ways: {A} ({eA}) and {B} ({eB}).",
	)...)
}

// closing is the advice that follows from the relation, or for pairs
// without one, from the two standards' obligations.
func (w *writer) closing() string {
	if len(w.rels) > 0 {
		r := w.rels[0]
		cands := relClosings[r.kind]
		if r.kind == profile.RelBuiltOn && !checked(r.x) {
			cands = cands[:1] // it has no way of checking of its own to add
		}
		return w.say("v.close", r.fills(cands...)...)
	}
	a, b := w.fa, w.fb
	switch {
	case a.required != b.required:
		r, v := a, b
		if b.required {
			r, v = b, a
		}
		return w.say("v.close", ones2(r, v,
			// The uptake sentence has named {R}'s audience: not again.
			"{R} is a duty for those {R:it} {R:reaches} {jR}; taking up {V} is a separate decision about {oV}.",
			"Compliance with {R} is owed by those {R:it} {R:reaches} {jR}, while {V} is a separate choice, made for {oV}.",
		)...)
	case a.required && b.required:
		return w.say("v.close", w.fills(
			"An organization within reach of both must meet each, since neither stands in for the other: {A} on {oA}, {B} on {oB}.",
			"Meeting {A} on {oA} does not discharge {B} on {oB}, nor the reverse.",
		)...)
	}
	return w.say("v.close", w.fills(
		"[The choice follows the need|Which comes first depends on the need]: {A} where the priority is {oA}, {B} where it is {oB}.",
		"Pick by need: {A} for {oA}, {B} for {oB}.",
	)...)
}

// relClosings give the advice each kind implies.
var relClosings = map[profile.RelationKind][]string{
	profile.RelBuiltOn: {
		"An organization that already follows {y} has a head start on {x}.",
		"Work done for {y} carries over to {x}, which adds its own way of checking it.",
	},
	profile.RelAssessedAgainst: {
		"Preparing for {x} means implementing {y}, in the revision the assessment names.",
		"To pass {x}, implement {y} in the version the assessment names and keep the evidence.",
	},
	profile.RelGuidanceFor: {
		"Organizations working toward {y} use {x} to decide how to meet {y:it}.",
		"Read {x} as the how-to and {y} as the what.",
	},
	profile.RelExtends: {
		"An organization with {y} in place can add {x} without starting over.",
		"Those already running {y} can extend {y:it} with {x} rather than build a second programme.",
	},
	profile.RelTakesPrecedence: {
		"{Scope} therefore start from {x}; {y}'s rules reach them only where {x} has no equivalent.",
		"For {scope}, {x} is the text to follow; {y} fills in only where {x} is silent.",
	},
	profile.RelSupportsEvidence: {
		"Use {x} to gather evidence, and check {y}'s own requirements separately.",
		"Treat {x} as supporting evidence for {y}, not as a verdict on {y:it}.",
	},
	profile.RelSupersedes: {
		"New work should follow {x}.",
	},
	profile.RelAlternative: {
		"The choice usually follows the audience: {x} is the usual reference {jx}, {y} {jy}.",
		"Let the audience decide, since {x} is the more common reference {jx} and {y} {jy}.",
	},
}

// checked reports whether f has an assessment of its own: a certificate,
// an examiner's report, or an obligation someone enforces.
func checked(f facts) bool { return f.certify || f.report || f.required }

// ones2 fills a template about a binding standard {R} and a voluntary one {V}.
func ones2(r, v facts, tmpls ...string) []string {
	rep := strings.NewReplacer("{oV}", v.topic, "{R}", r.name, "{jR}", r.place, "{fR}", r.forWhom, "{wR}", r.who, "{V}", v.name, "{inV}", v.industries, "{uV}", v.usedIn, "{sV}", v.scope)
	out := make([]string, len(tmpls))
	for i, t := range tmpls {
		out[i] = rep.Replace(inflect(t, map[string]noun{"R": r.noun, "V": v.noun}))
	}
	return out
}

// Table is the differences table of a and b. Every cell is one standard's
// own profile fact, so the table is built, never drafted: the LLM author
// uses it too, and a standard reads the same on every page.
func Table(a, b *profile.Profile) page.Differences { return differences(a, b) }

func differences(a, b *profile.Profile) page.Differences {
	// A row whose two cells say the same thing says it once: the second
	// cell points at the first, naming the aspect so that two shared rows
	// do not read as one sentence twice. Short labels ("International",
	// "Certifiable") are scanned rather than read, so they stay as they are.
	row := func(aspect, x, y string) page.Row {
		r := page.Row{Aspect: aspect, A: cell(x), B: cell(y)}
		if r.A == r.B && r.A != "Not specified" && len(strings.Fields(r.A)) >= sharedMinWords {
			r.B = sameAs(aspect, a)
		}
		return r
	}
	issuer := row("Issuer", a.Issuer, b.Issuer)
	if issuer.A == issuer.B && issuer.A != "Not specified" {
		// The same body twice, however short its name.
		issuer.B = sameAs("Issuer", a)
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

// sameAs is the second cell of a row both standards share: "Same issuer
// as the Cyber Resilience Act".
func sameAs(aspect string, a *profile.Profile) string {
	what := map[string]string{
		"Scope": "Same scope as", "Industry": "Same industries as", "Nature": "Same kind of standard as",
		"Testing": "Assessed the same way as", "Penalties": "Same penalties as",
		"Issuer": "Same issuer as", "Jurisdiction": "Same jurisdiction as",
	}[aspect]
	if what == "" {
		what = "Same as"
	}
	return what + " " + nounOf(a).render(mid)
}

// sharedMinWords is the length from which a cell shared by both standards
// is said once.
const sharedMinWords = 4

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
