package compose

import (
	"regexp"
	"strings"

	"github.com/versus-dev/versus/internal/overlap"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// faq chooses the questions people ask about this pair: first what the
// relation on file raises ("Does DORA replace NIS2 for financial
// entities?", "Is a SOC 2 report enough for HIPAA?"), then what the two
// standards' obligations, certification and issuers raise. Every answer
// carries facts of both standards or of their relation, so no two pages
// share an answer sentence; a claim about being binding or certifiable sits
// in a clause that names its own standard.
func (w *writer) faq() []page.QA {
	var out []page.QA
	asked := map[string]bool{}
	add := func(key string, qs []string, sentences ...string) {
		ans := join(sentences)
		if ans == "" || len(out) >= maxFAQ || asked[key] || wordCount(ans) < 12 {
			return
		}
		q := qs[w.pick("q."+key, len(qs))]
		asked[key] = true
		out = append(out, page.QA{Question: q, Answer: ans})
	}

	for i, r := range w.rels {
		if i == 2 {
			break
		}
		w.relationFAQ(r, add)
	}

	a, b := w.fa, w.fb
	// Obligation: who must comply, asked once per page.
	switch {
	case a.required && b.required:
		add("oblig", w.fills("Who has to comply with {A}, and who with {B}?", "Does {A} or {B} apply to my organization?", "Who is bound by {A} and who by {B}?"),
			w.say("faq.oblig", w.fills(
				"{A} applies to {fA}; {B} applies to {fB}.",
				"Each sets its own reach: {A} binds {fA}, while {B} binds {fB}.",
			)...))
	case a.required || b.required:
		f := a
		if b.required {
			f = b
		}
		add("oblig", w.obligationQs(f), w.obligationAnswer(f, w.other(f))...)
	}
	if !a.required && !b.required && len(w.rels) == 0 {
		f := []facts{a, b}[w.pick("faq.vol", 2)]
		add("vol", w.fills("Is anyone required to follow "+f.name+"?", "Do we have to adopt "+f.name+"?", "Is "+f.name+" a legal requirement?"),
			w.voluntaryAnswer(f, w.other(f))...)
	}

	// Certification: a certifiable standard, else one that is not a law.
	cert := w.certSubject()
	if cert != nil {
		qs := w.certQs(*cert)
		// A "how does it work" question gets an answer that starts with how.
		how := strings.HasPrefix(qs[w.pick("q.cert", len(qs))], "How ")
		add("cert", qs, w.certAnswer(*cert, w.other(*cert), how)...)
	}

	// The rest in an order set by the pair, so pages differ in what they ask.
	rest := []func(){
		func() {
			if len(w.rels) == 0 && !a.required && !b.required {
				add("first", w.fills("Which should an organization implement first, {A} or {B}?", "Should we start with {A} or {B}?", "Where should an organization start, {A} or {B}?"), w.firstAnswer()...)
			}
		},
		func() {
			if a.issuerShort != b.issuerShort || reach(w.a.Jurisdiction) != reach(w.b.Jurisdiction) {
				add("issuer", w.fills("Who is behind {A} and {B}, and where do they apply?", w.whoIssues(), "Where do {A} and {B} apply?"), w.issuerAnswer())
			}
		},
		func() {
			if w.saidTesting {
				return
			}
			add("test", w.fills("How is compliance with {A} and {B} checked?", "How are {A} and {B} audited or assessed?", "Who checks compliance with {A} and {B}?"),
				w.say("faq.test", w.testAnswer()...))
		},
		func() {
			if a.law || b.law || a.required || b.required {
				add("penalty", w.fills("What happens if an organization fails to comply with {A} or {B}?", "What are the penalties under {A} and {B}?", "What does non-compliance cost under {A} and {B}?"),
					w.say("faq.pen",
						capFirst(penaltyClause(a.noun, w.a.Penalties))+"; "+penaltyClause(b.noun, w.b.Penalties)+".",
						capFirst(penaltyClause(b.noun, w.b.Penalties))+"; "+penaltyClause(a.noun, w.a.Penalties)+".",
					))
			}
		},
		func() {
			if len(w.rels) == 0 && !a.required && !b.required {
				add("together", w.fills("Can {A} and {B} be used together?", "Can an organization follow both {A} and {B}?"),
					w.say("faq.together", w.fills(
						"Yes: nothing in {A} rules out {B}, since {A} covers {oA} and {B} covers {oB}.",
						"They combine without conflict: {A} brings {oA}, {B} brings {oB}.",
					)...))
			}
		},
		func() {
			if len(w.rels) == 0 && a.kindBare == b.kindBare {
				x, y := a, b
				if w.pick("faq.replace", 2) == 1 {
					x, y = b, a
				}
				qs := []string{"Does " + x.name + " replace " + y.name + "?", "Is " + x.name + " a substitute for " + y.name + "?"}
				if x.law && y.law {
					qs = []string{"Is " + x.name + " the same as " + y.name + "?", "Is " + x.name + " just " + page.Possessive(y.name) + " equivalent?"}
				}
				add("replace", qs,
					w.say("faq.replace", "No, "+x.name+" and "+y.name+" are separate: "+x.name+" covers "+x.topic+", "+y.name+" covers "+y.topic+", and neither builds on or replaces the other."))
			}
		},
		func() { add("overlap", w.overlapQs(), w.overlapAnswer()...) },
	}
	start := w.pick("faq.order", len(rest))
	for i := range rest {
		rest[(start+i)%len(rest)]()
	}
	// Three questions at least: the testing one always fits.
	return out
}

func (w *writer) other(f facts) facts {
	if f.name == w.fa.name {
		return w.fb
	}
	return w.fa
}

// relationFAQ asks what a relation raises, in the words people search with.
func (w *writer) relationFAQ(r rel, add func(string, []string, ...string)) {
	k := string(r.kind)
	switch r.kind {
	case profile.RelBuiltOn:
		add(k, r.fills("Is {x} based on {y}?", "Does {x} build on {y}?"),
			w.say("faq.rel.built", r.fills(
				"Yes, {x} is built on {y}{forScope}, so much of {x:its} substance comes from {y}.",
				"Yes, {y} is the basis of {x}{forScope}, and much of what {y} sets out reappears in {x}.",
			)...),
			w.say("faq.rel.built.test", builtTest(r)...))
		if r.y.kindBare != "guidance standard" {
			add(k+".2", r.fills("Does meeting {y} mean meeting {x}?", "If we comply with {y}, do we comply with {x}?"),
				w.say("faq.rel.built.2", r.fills(
					"Not automatically: meeting {y} gives a head start on {x}, but {x} has {x:its} own check ({tx}).",
					"No, not by itself: {x} builds on {y} yet {x:is} checked on {x:its} own terms ({tx}).",
				)...))
		}
	case profile.RelAssessedAgainst:
		add(k, r.fills("Does {x} replace {y}?", "Is {x} the same as {y}?", "What is the difference between {x} and {y}?"),
			w.say("faq.rel.assess", r.fills(
				"No, {x} does not replace {y}: {x0} assessments check conformity to {y}{forScope}, so {y} sets the requirements and {x} verifies them.",
				"They are two sides of one obligation: {y} sets the requirements, and {x0} assessments check conformity to them{forScope}.",
			)...),
			w.say("faq.rel.assess.test", r.fills("The {x0} assessment works like this: {tx}.", "Across {x:its} levels, {x} uses {tx}.")...))
		w.saidTesting = true // the answer above sets out the regime
		if r.x.required {
			add(k+".2", r.fills("Is meeting {y} enough without {x}?", "Do we still need {x} if we already meet {y}?"),
				w.say("faq.rel.assess.2", r.fills(
					"Meeting {y} is the substance of {anx} assessment{forScope}, but where a contract calls for {x}, the assessment itself is still owed by {wx}.",
				)...))
		}
	case profile.RelGuidanceFor:
		add(k, r.fills("Do you need {x} to implement {y}?", "Is {x} required to meet {y}?", "How does {x} help with {y}?"),
			w.say("faq.rel.guide", r.fills(
				"{y} does not require {x}; {x} is guidance that helps meet {y:it}{forScope}, and what is checked is {y} ({ty}).",
				"Not strictly: {x} gives guidance for implementing {y}{forScope}, while {y} is checked on {y:its} own terms ({ty}).",
			)...))
		if r.y.certify && !r.x.certify {
			add(k+".cert", r.fills("Can an organization be certified against {x}?", "Is there {anx} certificate?"),
				w.say("faq.rel.guide.cert", r.fills(
					"Organizations are certified against {y}, not {x}; {x} is guidance for meeting {y}'s requirements on {oy}.",
				)...))
		}
	case profile.RelExtends:
		add(k, r.fills("How does {x} build on {y}?", "Is {x} an extension of {y}?"),
			w.say("faq.rel.ext", r.fills(
				"{x} extends {y}{forScope}: {x:it} {x:adds} {ox} to what {y} covers, {oy}.",
			)...))
		// One audit of one management system: said only of two ISO-style
		// management system standards, the only ones that share that structure.
		if r.x.certify && r.y.certify && r.x.kindBare == kindNoun(profile.KindManagementSystem) && r.y.kindBare == r.x.kindBare {
			add(k+".2", r.fills("Can {x} and {y} be audited together?", "Can one audit cover {x} and {y}?"),
				w.say("faq.rel.ext.2", r.fills(
					"Yes. {x} and {y} share the structure of ISO management system standards, so an organization can run one management system and have both audited together.",
				)...))
		}
	case profile.RelTakesPrecedence:
		qs := r.fills("Does {x} replace {y}{forScope}?", "Which applies{forScope}, {x} or {y}?")
		if r.scope != "" {
			qs = append(qs, r.fill("Do {scope} have to comply with both {x} and {y}?"))
		}
		add(k, qs,
			w.say("faq.rel.prec", r.fills(
				"{x} is the act to follow{forScope}: {y} defers to {x:it} wherever {x} sets equivalent rules, so the same duties are not owed twice.",
				"{x} comes first{forScope}: {y} gives way wherever {x} sets equivalent rules, so the same duties are not owed twice.",
			)...),
			w.say("faq.rel.prec.2", r.fills(
				"{y} is not set aside altogether: {y:it} still {y:governs} whatever {x} leaves uncovered, and {y:it} {y:binds} {wy} beyond {x}'s reach.",
			)...))
	case profile.RelSupportsEvidence:
		var qs []string
		switch {
		case r.x.certify:
			qs = r.fills("Does {x0} certification prove {y0} compliance?", "Is {x0} certification enough for {y}?")
		case r.x.report:
			qs = r.fills("Is {anx} report enough for {y}?", "Does {anx} report prove {y0} compliance?")
		default:
			qs = r.fills("Is {x} enough to comply with {y}?", "Does following {x} prove {y0} compliance?")
		}
		add(k, qs,
			w.say("faq.rel.evid", r.fills(
				"Not on its own: {x} can support evidence for {y}{forScope}, but {x:it} {x:does} not prove compliance with {y}.",
				"No, not by itself: {x} supports evidence for {y}{forScope} yet {x:proves} no compliance with {y:it}.",
			)...),
			w.say("faq.rel.evid.how", r.fills("{y} is judged on {y:its} own terms ({ey}).", "What counts for {y} is {y:its} own regime ({ey}).")...))
		add(k+".2", r.fills("How can {x} help with {y}?", "Can {x} help with {y0} compliance?"),
			w.say("faq.rel.evid.2", r.fills(
				"Records and controls kept for {x} can serve as evidence toward {y}{forScope}; whatever {x} leaves out still has to be met against {y} itself.",
			)...))
	case profile.RelSupersedes:
		add(k, r.fills("Does {x} replace {y}?", "Is {y} still valid now that {x} exists?"),
			w.say("faq.rel.sup", r.fills("Yes, {x} replaces {y}{forScope}; new work should follow {x}, which covers {sx}.")...))
	case profile.RelAlternative:
		add(k, r.fills("Which is better, {x} or {y}?", "Should we choose {x} or {y}?"),
			w.say("faq.rel.alt", r.fills(
				"Neither is better in general: they are alternative routes to a similar goal, and what differs is where each ends, {x} in {rx} and {y} in {ry}.",
			)...))
		add(k+".2", r.fills("Do we need both {x} and {y}?", "Should an organization pursue both {x} and {y}?"),
			w.say("faq.rel.alt.2", r.fills(
				"Not necessarily, since either can answer the same need; organizations whose customers ask for both can run one set of controls and show it against {x} and {y} in turn.",
			)...))
	}
}

// builtTest says how the derived standard is checked, when it has a
// check of its own to speak of.
func builtTest(r rel) []string {
	if !checked(r.x) {
		return nil
	}
	return r.fills("{x} is still checked in {x:its} own way ({tx}), while {y} has {y:its} own regime ({ty}).")
}

func (w *writer) obligationQs(f facts) []string {
	return []string{"Who has to comply with " + f.name + "?", "Does " + f.name + " apply to my organization?", "Who must meet " + f.name + "?"}
}

// obligationAnswer says whom a binding standard reaches, against the other.
func (w *writer) obligationAnswer(f, o facts) []string {
	how := "applies to"
	if f.kindBare == kindNoun(profile.KindContractualStandard) && !strings.Contains(f.forWhom, "contract") {
		how = "is imposed by contract on"
	}
	var contrast string
	if o.required {
		contrast = o.name + " reaches " + o.forWhom
	} else if w.saidUptake {
		contrast = "no law requires " + o.name + ", which organizations adopt by choice for " + o.topic
	} else {
		contrast = o.name + " is taken up by choice " + o.usedIn
	}
	return []string{w.say("faq.oblig."+f.name,
		f.name+" "+how+" "+f.forWhom+"; "+contrast+".",
		capFirst(f.who)+" must meet "+f.name+"; "+contrast+".",
	)}
}

// voluntaryAnswer says no law imposes a voluntary standard, against the other.
func (w *writer) voluntaryAnswer(f, o facts) []string {
	return []string{
		w.say("faq.vol."+f.name, "No law requires "+f.name+"; organizations take "+f.noun.it()+" up by choice "+f.usedIn+", much as "+o.name+" is taken up "+o.industries+"."),
		w.say("faq.vol.contract."+f.name, "A customer or contract can still ask for "+f.name+"; "+f.noun.its()+" subject, "+f.topic+", differs from that of "+o.name+", "+o.topic+"."),
	}
}

// certSubject is the standard a certification question is about.
func (w *writer) certSubject() *facts {
	var c []facts
	for _, f := range []facts{w.fa, w.fb} {
		if f.certify {
			c = append(c, f)
		}
	}
	if len(c) == 0 {
		for _, f := range []facts{w.fa, w.fb} {
			if !f.law {
				c = append(c, f)
			}
		}
	}
	if len(c) == 0 {
		return nil
	}
	f := c[w.pick("faq.cert", len(c))]
	return &f
}

func (w *writer) certQs(f facts) []string {
	switch {
	case f.law:
		return []string{"Is there " + withArticle(f.bare+" certification") + "?", "Can an organization be certified under " + f.name + "?"}
	case f.certify:
		return []string{"Can an organization be certified against " + f.name + "?", "How does " + f.bare + " certification work?", "Can we get certified against " + f.name + "?"}
	}
	return []string{"Is there " + withArticle(f.bare+" certification") + "?", "Can an organization be certified against " + f.name + "?"}
}

// certAnswer says whether and how f is certified, against the other standard.
func (w *writer) certAnswer(f, o facts, how bool) []string {
	steps := f.testing // a "how does it work" answer gives every step
	if w.saidTesting {
		// The page has already set out both regimes in full: name only
		// the part that bears on certification.
		f.testing, o.testing = certPart(f), certPart(o)
	}
	// The answer sets out both regimes: the testing question would only
	// repeat them.
	if f.testing != "" && o.testing != "" {
		w.saidTesting = true
	}
	// A sentence that says "no certificate" need not say it again in brackets.
	o.testing = noCertSaid(o.testing)
	if !f.certify {
		f.testing = noCertSaid(f.testing)
	}
	var contrast string
	switch {
	case o.law:
		contrast = o.name + " is a law, enforced rather than certified" + paren(enforcement(o, o.testing))
	case o.certify:
		contrast = o.name + " has " + o.noun.its() + " own certification" + paren(o.testing)
	case o.report:
		contrast = o.name + " ends in an examiner's report" + paren(o.testing)
	default:
		contrast = o.name + " offers no certificate" + paren(o.testing)
	}
	switch {
	case f.law && f.certify:
		return []string{w.say("faq.cert."+f.name,
			f.name+" provides for certification schemes, but a certificate does not replace compliance with it"+paren(f.testing)+"; "+contrast+".")}
	case f.certify && how && steps != "":
		return []string{w.say("faq.cert."+f.name,
			capFirst(f.bare)+" certification runs this way: "+steps+"; "+contrast+".",
			"For "+f.bare+" certification, "+stepsLead(steps)+steps+"; "+contrast+".",
		)}
	case f.certify:
		return []string{w.say("faq.cert."+f.name,
			"Yes, "+f.name+" has a certification route"+paren(f.testing)+"; "+contrast+".",
			"Yes: "+f.bare+" certification is available"+paren(f.testing)+"; "+contrast+".",
		)}
	case f.report:
		return []string{w.say("faq.cert."+f.name,
			f.name+" gives a report rather than a certificate"+paren(f.testing)+"; "+contrast+".")}
	}
	return []string{w.say("faq.cert."+f.name,
		"No, "+f.name+" offers no certificate of "+f.noun.its()+" own"+paren(f.testing)+"; "+contrast+".")}
}

func (w *writer) firstAnswer() []string {
	a, b := w.fa, w.fb
	switch {
	case a.required != b.required:
		r, v := a, b
		if b.required {
			r, v = b, a
		}
		return []string{w.say("faq.first", ones2(r, v,
			"Where {R} applies, {R:it} {R:comes} first, because {R:it} {R:binds} {fR}; {V} can follow by choice.",
			"An organization within reach of {R}, that is {fR}, meets {R:it} first and adds {V} as the need arises.",
		)...)}
	case a.required && b.required:
		return []string{w.say("faq.first", w.fills(
			"Both are obligations where they apply, so the question is which reaches the organization: {A} applies to {fA}, and {B} to {fB}.",
			"Order follows reach rather than rank: {A} binds {fA}, {B} binds {fB}, and an organization in both groups meets both.",
		)...)}
	case a.certify != b.certify:
		c, o := a, b
		if b.certify {
			c, o = b, a
		}
		// They answer different needs, so the advice is the subject, not
		// the certificate: "start with the certifiable one" would be wrong
		// for a pair such as COBIT and IEC 62443.
		return []string{w.say("faq.first",
			"Start with the one whose subject is the need: "+c.name+" covers "+c.scope+", and "+c.noun.it()+" "+c.noun.verb("leads")+" to a certificate"+paren(c.testing)+"; "+o.name+" covers "+o.scope+".",
			"Let the need set the order: "+o.name+" is for "+o.scope+"; "+c.name+" is for "+c.scope+", and "+c.noun.it()+" "+c.noun.verb("ends")+" in a certificate"+paren(c.testing)+".")}
	}
	return []string{w.say("faq.first", w.fills(
		"It depends on the need: start with {A} when the priority is {oA}, and with {B} when it is {oB}.",
		"Let the priority decide: {A} if it is {oA}, {B} if it is {oB}.",
	)...)}
}

func (w *writer) overlapQs() []string {
	return w.fills("How do {A} and {B} overlap?", "How much do {A} and {B} have in common?", "Where do {A} and {B} meet?")
}

func (w *writer) overlapAnswer() []string {
	if o := w.overlap; o != nil {
		// Name each side as the figures count it: a stand-in by its own
		// name (HIPAA through NIST's guide to the Security Rule). Names only:
		// the figures, ids and editions are in How They Relate.
		side := func(f facts, s page.OverlapSide) string {
			if n := overlap.Name(s.Framework); n != "" {
				return n + " (counted for " + f.name + ")"
			}
			return page.Possessive(f.name) + " requirements"
		}
		sa, sb := side(w.fa, o.A), side(w.fb, o.B)
		both := sa + " and " + sb
		if overlap.Name(o.A.Framework) == "" && overlap.Name(o.B.Framework) == "" {
			both = page.Possessive(w.fa.name) + " and " + page.Possessive(w.fb.name) + " requirements"
		}
		caveat := func() string {
			return w.say("faq.overlap.caveat",
				"A shared control shows where the work is alike, not that meeting one satisfies the other.",
				"Meeting a requirement on one side does not by itself meet the one it maps to on the other.",
			)
		}
		if w.saidOverlap && overlap.Name(o.A.Framework) == "" && overlap.Name(o.B.Framework) == "" {
			// The verdict said how they are linked: say what the figures count.
			both := page.Possessive(w.fa.name) + " and " + page.Possessive(w.fb.name) + " requirements"
			ans := "Requirement by requirement, through a direct mapping: How They Relate counts, side by side, how many of " + both + " it covers."
			if o.Basis == "hub" || o.Via != "" {
				ans = "At the controls they share through " + overlap.Name(o.Via) + ": How They Relate counts, side by side, how many of " + both + " reach one."
			}
			return []string{w.say("faq.overlap.said", ans) + " " + caveat()}
		}
		if o.Basis == "hub" || o.Via != "" {
			hub := overlap.Name(o.Via)
			if hub == "" {
				hub = "a common-controls hub"
			}
			return []string{w.say("faq.overlap.hub",
				"No mapping links "+w.fa.name+" and "+w.fb.name+" directly, but "+both+" both map to "+hub+"; How They Relate counts, for each side, how many reach a shared control.",
				"Only indirectly: "+both+" each map to "+hub+", a common-controls hub, and How They Relate counts how many on each side meet at a shared control.",
			) + " " + w.say("faq.overlap.caveat",
				"A shared control shows where the work is alike, not that meeting one satisfies the other.",
				"Meeting a requirement on one side does not by itself meet the one it maps to on the other.",
			)}
		}
		if overlap.Name(o.A.Framework) == "" {
			sb = strings.TrimSuffix(sb, " requirements") // "ISO 27001's requirements to SOC 2's"
		}
		return []string{w.say("faq.overlap.map",
			"A direct requirement-level mapping links "+sa+" to "+sb+"; How They Relate counts how many on each side it covers.",
			"They are mapped requirement by requirement: "+sa+" are linked directly to "+sb+", and How They Relate gives the counts for each side.",
		) + " " + w.say("faq.overlap.caveat",
			"A mapped pair shows where the work is alike, not that meeting one satisfies the other.",
			"Meeting a requirement on one side does not by itself meet the one it maps to on the other.",
		)}
	}
	shared := sharedIndustries(w.a.Industries, w.b.Industries)
	if len(shared) == 0 {
		return nil
	}
	// Said only where nothing else links the two: no mapping (this branch)
	// and no relation on file.
	onlyUsers := "Their users meet in " + andList(shared) + ", yet {A} is about {oA} and {B} about {oB}."
	if len(w.rels) == 0 {
		onlyUsers = "Only in who uses them: both are found in " + andList(shared) + "; beyond that, {A} is {kA} and {B} {kB}, with no requirement-level mapping between them."
	}
	return []string{w.say("faq.overlap.ind", w.fills(
		"Their users meet in "+andList(shared)+", but the subjects differ: {A} covers {oA}, {B} covers {oB}.",
		onlyUsers,
	)...)}
}

func sharedIndustries(x, y []string) []string {
	var out []string
	for _, s := range x {
		if l := strings.ToLower(strings.TrimSpace(s)); l == "all" || strings.HasPrefix(l, "all ") || strings.HasPrefix(l, "any ") {
			continue // "both are used in all sectors" says nothing
		}
		for _, t := range y {
			if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(t)) {
				out = append(out, sectorNoun(clause(s)))
			}
		}
	}
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// whoIssues asks who is behind the two, in words that fit a law too.
func (w *writer) whoIssues() string {
	if w.fa.law || w.fb.law {
		return w.fill("Who issued {A} and {B}?")
	}
	return w.fill("Who publishes {A} and {B}?")
}

func (w *writer) issuerAnswer() string {
	return w.say("faq.iss", w.fills(
		"{A} [comes from|is issued by] {isA} and {A:applies} {jA}; {B} [comes from|is issued by] {isB} and {B:applies} {jB}.",
		"{IsA} {pubsA} {A}, [which|and {A:it}] {A:applies} {jA}; {B} [comes from|is the work of] {isB} and {B:applies} {jB}.",
	)...)
}

func reach(j string) string {
	j = strings.TrimSpace(j)
	// "US (used internationally)": where it comes from, then beyond;
	// "US (California)": the place in the parenthesis.
	if b, note, ok := strings.Cut(j, " ("); ok && isAcronym(b) {
		// "EU (EEA), with reach beyond it": the area the note names, then the rest.
		if inner, rest, ok := strings.Cut(note, ")"); ok && isAcronym(inner) && !strings.Contains(inner, " ") {
			return "in the " + b + " and the " + inner + rest
		}
	}
	if b, note, ok := strings.Cut(j, " ("); ok && !strings.Contains(note, ",") {
		note = strings.TrimSuffix(note, ")")
		switch {
		case note == "used internationally":
			return reach(b) + " and beyond"
		case isAcronym(b) && !isAcronym(note) && !strings.Contains(note, " "):
			return "in " + note
		}
	}
	base, _, _ := strings.Cut(j, " (")
	base, _, _ = strings.Cut(base, ",")
	switch strings.ToLower(strings.TrimSpace(base)) {
	case "", "international", "global", "worldwide":
		return "internationally"
	}
	if isAcronym(base) {
		return "in the " + j
	}
	return "in " + j
}

// certPart is the part of a testing line that bears on certification:
// the one naming it, else the first that is not a "no ...".
func certPart(f facts) string {
	parts := strings.FieldsFunc(strings.ReplaceAll(clause(f.testingRaw), "; ", ", "), func(r rune) bool { return r == ',' })
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	for _, p := range parts {
		if strings.Contains(p, "certif") && !strings.HasPrefix(p, "no ") {
			return p
		}
	}
	for _, p := range parts {
		if !strings.HasPrefix(p, "no ") {
			return p
		}
	}
	return ""
}

// noCertSaid drops from a testing list the parts that say there is no
// certification, for a sentence that has just said so: "(self-assessment,
// with no certification scheme)" after "offers no certificate" repeats it.
func noCertSaid(t string) string {
	t = strings.TrimPrefix(t, "no certification, but ")
	for _, p := range []string{", with no certification scheme", ", with no organizational certification", ", with no certification"} {
		t = strings.Replace(t, p, "", 1)
	}
	return t
}

// paren is " (s)", or nothing for an empty s.
func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// stepsLead introduces a testing line as steps only when it has several.
func stepsLead(steps string) string {
	if strings.Contains(steps, ", ") {
		return "the steps are: "
	}
	return "the route is "
}

// enforcement is the part of a law's testing line that says how it is
// enforced: a law is "enforced rather than certified (supervisory authority
// investigations)", never "(Article 42 certification covers ...)".
func enforcement(f facts, testing string) string {
	// The parts that name who enforces ("market surveillance by national
	// authorities"), not what a product undergoes ("conformity assessment").
	var enforced []string
	for _, p := range strings.Split(clause(f.testingRaw), "; ") {
		p = strings.TrimSpace(p)
		if i := strings.Index(p, ", plus "); i > 0 {
			p = p[i+len(", plus "):] // "conformity assessment …, plus market surveillance"
		}
		if strings.HasPrefix(p, "no ") || strings.Contains(p, "certif") {
			continue
		}
		if enforcerRE.MatchString(p) {
			enforced = append(enforced, clause(p))
		}
	}
	if len(enforced) > 0 {
		return strings.Join(enforced, ", and ")
	}
	if !strings.Contains(testing, "certif") {
		return testing
	}
	for _, p := range strings.Split(strings.ReplaceAll(clause(f.testingRaw), "; ", ", "), ", ") {
		if p = strings.TrimSpace(p); p != "" && !strings.Contains(p, "certif") && !strings.HasPrefix(p, "no ") {
			return p
		}
	}
	return ""
}

// testAnswer sets the two testing regimes side by side, or says they are
// one and the same when the profiles give the same line.
func (w *writer) testAnswer() []string {
	if w.fa.testing == w.fb.testing {
		return w.fills(
			"The same way for both: {A} and {B} each go through {tA}.",
			"Alike: {tA}, for {A} as for {B}.",
		)
	}
	return w.fills(
		"Checks differ for {A} ({tA}) and {B} ({tB}).",
		"Each has its own regime: {A} ({tA}) and {B} ({tB}).",
	)
}

// enforcerRE marks a testing part that says who enforces a law.
var enforcerRE = regexp.MustCompile(`(?i)\b(supervis\w*|surveillance|investigations?|enforce\w*|authorit\w*|regulators?|audits?|auditors?|reviews?)\b`)
