package compose

import (
	"strings"

	"github.com/versus-dev/versus/internal/page"
)

// faq chooses questions by the pair's properties: obligation, certification,
// substitution, order, overlap, issuers and testing. Every answer is one
// paragraph of sentences not used elsewhere on the page.
func (w *writer) faq() []page.QA {
	a, b := w.fa, w.fb
	var out []page.QA
	add := func(q string, sentences ...string) {
		ans := join(sentences)
		if ans == "" || len(out) >= maxFAQ {
			return
		}
		out = append(out, page.QA{Question: q, Answer: ans})
	}

	// Obligation: ask about each mandatory standard; if neither is, ask
	// about one of them.
	mand := []facts{}
	for _, f := range []facts{a, b} {
		if f.required {
			mand = append(mand, f)
		}
	}
	if len(mand) == 0 {
		mand = append(mand, []facts{a, b}[w.pick("faq.mand", 2)])
	}
	for _, f := range mand {
		// Not "Is X mandatory?": a question must not read as a claim.
		add("Do organizations have to comply with "+f.name+"?", w.mandatoryAnswer(f)...)
	}

	// Certification: ask about each certifiable standard; if neither is and
	// at least one is not a law (where the question is natural), ask once.
	var cert []facts
	for _, f := range []facts{a, b} {
		if f.certify {
			cert = append(cert, f)
		}
	}
	if len(cert) == 0 {
		var nonLaw []facts
		for _, f := range []facts{a, b} {
			if !f.law {
				nonLaw = append(nonLaw, f)
			}
		}
		if len(nonLaw) > 0 {
			cert = append(cert, nonLaw[w.pick("faq.cert", len(nonLaw))])
		}
	}
	for _, f := range cert {
		add("Can an organization be certified against "+f.name+"?", w.certAnswer(f)...)
	}

	// Substitution, in a direction set by the hash.
	x, y := a, b
	if w.pick("faq.replace", 2) == 1 {
		x, y = b, a
	}
	add("Does "+x.name+" replace "+y.name+"?", w.replaceAnswer(x, y)...)

	add("Which should an organization implement first, "+a.name+" or "+b.name+"?", w.firstAnswer()...)

	if ov := w.overlapAnswer(); len(ov) > 0 {
		add("How do "+a.name+" and "+b.name+" overlap?", ov...)
	}

	if !strings.EqualFold(w.a.Issuer, w.b.Issuer) || !strings.EqualFold(w.a.Jurisdiction, w.b.Jurisdiction) {
		add("Who issues "+a.name+" and "+b.name+", and where do they apply?", w.issuerAnswer()...)
	}

	add("How is compliance with "+a.name+" and "+b.name+" checked?",
		w.say("faq.test.a", ones(a, "For {X}: {TX}.", "How {X} is checked: {tX}.")...),
		w.say("faq.test.b", ones(b, "For {X}: {TX}.", "How {X} is checked: {tX}.")...),
	)
	return out
}

func (w *writer) mandatoryAnswer(f facts) []string {
	key := "faq.mand." + f.name
	if f.required {
		pen := ""
		// A penalties line that speaks of certification ("false
		// certification") reads as a certification claim in prose.
		if f.penalties != "" && (f.certify || !strings.Contains(strings.ToLower(f.penalties), "certif")) {
			pen = w.say(key+".pen", ones(f,
				"Failing to comply with {X} can lead to {pX}.",
				"Breaches of {X} can bring {pX}.",
			)...)
		}
		return []string{w.say(key, ones(f,
			"{X} is mandatory for {fX}.",
			"Yes, {X} applies by obligation to {fX}.",
			"Yes, {X} is binding on {fX}.",
		)...), pen}
	}
	return []string{
		w.say(key, ones(f,
			"No, {X} is voluntary: no law or contract requires it.",
			"{X} is voluntary, so adopting it is a choice rather than a legal duty.",
		)...),
		w.say(key+".who", ones(f,
			"Organizations {inX} take {X} up when it serves their goals.",
			"Uptake of {X} is strongest {inX}.",
		)...),
	}
}

func (w *writer) certAnswer(f facts) []string {
	key := "faq.cert." + f.name
	if f.certify {
		return []string{
			w.say(key, ones(f,
				"Yes, {X} is certifiable.",
				"Yes, organizations can be certified against {X}.",
			)...),
			w.say(key+".how", ones(f,
				"The assurance regime of {X}: {tX}.",
				"In practice, for {X}: {tX}.",
			)...),
		}
	}
	return []string{
		w.say(key, ones(f,
			"{X} is not certifiable, so there is no certificate to obtain.",
			"No, {X} is not certifiable.",
		)...),
		w.say(key+".how", ones(f,
			"In place of a certificate, {X} has this regime: {tX}.",
			"What {X} has instead: {tX}.",
		)...),
	}
}

func (w *writer) replaceAnswer(x, y facts) []string {
	ends := []string{
		x.name + " is not a substitute for " + y.name + ": " + x.name + " covers " + x.scope + ", while " + y.name + " covers " + y.scope + ".",
		"No, " + x.name + " and " + y.name + " answer different questions: " + x.name + " is about " + x.scope + ", and " + y.name + " about " + y.scope + ".",
	}
	out := []string{w.say("faq.replace", ends...)}
	if related(w.a, w.b) {
		out = append(out, w.say("faq.replace.rel",
			"They are commonly implemented together.",
			"Organizations often run them together.",
			"They complement each other and are often implemented together.",
		))
	} else if x.kindBare != y.kindBare {
		out = append(out, w.say("faq.replace.kind",
			"One is "+x.kind+" and the other "+y.kind+", so each keeps its own role.",
		))
	}
	return out
}

func (w *writer) firstAnswer() []string {
	a, b := w.fa, w.fb
	switch {
	case a.required != b.required:
		r, v := a, b
		if b.required {
			r, v = b, a
		}
		return []string{
			w.say("faq.first.r", ones(r,
				"Where {X} applies, it comes first, because it binds {fX}.",
				"An organization in scope of {X} should meet it first, since it is mandatory for {fX}.",
			)...),
			w.say("faq.first.v", ones(v,
				"{X} can then be adopted for {sX}.",
				"After that, {X} helps with {sX}.",
			)...),
		}
	case a.required && b.required:
		return []string{
			"The order follows exposure: meet whichever obligation carries the nearer deadline or the larger risk first.",
			w.say("faq.first.ra", ones(a, "{X} applies to {fX}.", "{X} reaches {fX}.")...),
			w.say("faq.first.rb", ones(b, "{X} applies to {fX}.", "{X} reaches {fX}.")...),
		}
	case a.certify != b.certify:
		c, o := a, b
		if b.certify {
			c, o = b, a
		}
		return []string{
			w.say("faq.first.c", ones(c,
				"If a certificate is the goal, start with {X}, which is certifiable.",
				"Organizations that need to show an audited result usually start with {X}, because it is certifiable.",
			)...),
			w.say("faq.first.o", ones(o,
				"{X} can then guide the work on {sX}.",
				"{X} is useful alongside it for {sX}.",
			)...),
		}
	}
	return []string{w.say("faq.first.need", w.fills(
		"It depends on the need: start with {A} when the priority is {sA}, and with {B} when it is {sB}.",
		"Let the priority decide: {sA} points to {A}, while {sB} points to {B}.",
	)...)}
}

func (w *writer) overlapAnswer() []string {
	var out []string
	shared := sharedIndustries(w.a.Industries, w.b.Industries)
	if len(shared) > 0 {
		out = append(out, w.say("faq.overlap.ind",
			"Both are used in "+andList(shared)+".",
			"Their users meet in "+andList(shared)+".",
		))
	}
	if w.fa.issuer == w.fb.issuer && w.fa.issuer != "its issuer" {
		out = append(out, w.say("faq.overlap.iss", "Both come from "+w.fa.issuer+".", "Both are published by "+w.fa.issuer+"."))
	}
	if related(w.a, w.b) {
		out = append(out, w.say("faq.overlap.rel", w.fills(
			"Work done for {A} often supports {B}, which is why the pair is commonly implemented together.",
			"Evidence gathered for {B} often serves {A} as well, and the pair is commonly implemented together.",
		)...))
	}
	if len(out) == 0 {
		return nil
	}
	if wordCount(join(out)) < 14 {
		// A bare "Both are used in X." is too thin an answer: add how they
		// differ in kind.
		if w.fa.kind == w.fb.kind {
			out = append(out, w.say("faq.overlap.kind", w.fills(
				"Beyond that common ground, each of {A} and {B} is {kA}.",
				"They are also alike in kind, since {A} and {B} are each {kA}.",
			)...))
		} else {
			out = append(out, w.say("faq.overlap.kind", w.fills(
				"Beyond that common ground, {A} is {kA} and {B} is {kB}.",
				"They differ in kind: {A} is {kA}, {B} is {kB}.",
			)...))
		}
	}
	return out
}

func sharedIndustries(x, y []string) []string {
	var out []string
	for _, s := range x {
		if l := strings.ToLower(strings.TrimSpace(s)); l == "all" || strings.HasPrefix(l, "all ") || strings.HasPrefix(l, "any ") {
			continue // "both are used in all sectors" says nothing
		}
		for _, t := range y {
			if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(t)) {
				out = append(out, clause(s))
			}
		}
	}
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

func (w *writer) issuerAnswer() []string {
	return []string{
		w.say("faq.iss.a", w.fa.name+" comes from "+w.fa.issuer+" and applies "+reach(w.a.Jurisdiction)+".",
			w.fa.name+" is published by "+w.fa.issuer+" and applies "+reach(w.a.Jurisdiction)+"."),
		w.say("faq.iss.b", w.fb.name+" comes from "+w.fb.issuer+" and applies "+reach(w.b.Jurisdiction)+".",
			w.fb.name+" is published by "+w.fb.issuer+" and applies "+reach(w.b.Jurisdiction)+"."),
	}
}

func reach(j string) string {
	j = strings.TrimSpace(j)
	switch strings.ToLower(j) {
	case "", "international", "global", "worldwide":
		return "internationally"
	}
	base, _, _ := strings.Cut(j, " (")
	if isAcronym(base) {
		return "in the " + j
	}
	return "in " + j
}
