package compose

import (
	"regexp"
	"strings"
	"sync"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// noun is a standard's short name with the grammar its profile states;
// page.Name holds the one implementation, shared with How They Relate.
type noun struct{ page.Name }

func nounOf(p *profile.Profile) noun { return noun{page.NameOf(p)} }

// form is where a name stands in a sentence.
type form = page.NameForm

const (
	mid             = page.NameMid             // inside a sentence: "the EU AI Act"
	start           = page.NameStart           // opening a sentence: "The EU AI Act"
	possessive      = page.NamePossessive      // "the EU AI Act's", "the CIS Controls'"
	startPossessive = page.NameStartPossessive // "The EU AI Act's"
	bare            = page.NameBare            // before a noun it qualifies: "EU AI Act compliance"
)

// render writes the name in form f.
func (n noun) render(f form) string { return n.In(f) }

// verb makes v agree with the name; it and its are its pronouns.
func (n noun) verb(v string) string { return n.Verb(v) }
func (n noun) it() string           { return n.It() }
func (n noun) its() string          { return n.Its() }

// pluralVerb turns a third-person singular verb into its plural form.
func pluralVerb(v string) string { return page.PluralVerb(v) }

// singularVerbs are the verbs the composer writes right after a name (or
// after a name and its apposition, "the CIS Controls, an international
// framework, concentrate on"); agree rewrites them for a plural name. A
// verb missing here would keep its singular form, so
// TestPluralNamesAgree reads every page that names a plural standard.
var singularVerbs = map[string]bool{}

func init() {
	for _, v := range strings.Fields(`is has does was goes focuses
		adds addresses applies asks assesses binds brings builds carries comes concentrates covers
		deals defers differs ends extends fills gives guides helps leaves means meets needs offers
		proves provides reaches remains replaces requires sets stands supports takes targets uses verifies works`) {
		singularVerbs[v] = true
	}
}

// agree makes the verbs that follow a plural name in text agree with it,
// and inverted questions too ("Is the CIS Controls ...?" → "Are ...").
// Text about a singular name is returned as it is.
func (n noun) agree(text string) string {
	if !n.Grammar.Plural || !strings.Contains(text, n.Short) {
		return text
	}
	re := agreeRE(n.Short)
	text = re.after.ReplaceAllStringFunc(text, func(m string) string {
		i := strings.LastIndexByte(m, ' ')
		v := m[i+1:]
		if !singularVerbs[v] {
			return m
		}
		return m[:i+1] + pluralVerb(v)
	})
	return re.before.ReplaceAllStringFunc(text, func(m string) string {
		v, rest, _ := strings.Cut(m, " ")
		switch v {
		case "Is":
			return "Are " + rest
		case "Does":
			return "Do " + rest
		case "Has":
			return "Have " + rest
		}
		return m
	})
}

type agreeREs struct{ after, before *regexp.Regexp }

// agreeCache holds each plural name's expressions; drafters compose
// concurrently.
var agreeCache sync.Map

func agreeRE(name string) agreeREs {
	if r, ok := agreeCache.Load(name); ok {
		return r.(agreeREs)
	}
	q := regexp.QuoteMeta(name)
	r := agreeREs{
		// The name, an optional apposition between commas, then a word.
		after:  regexp.MustCompile(`\b` + q + `(?:, (?:a|an|the) [^,.;:]+,)? [a-z']+\b`),
		before: regexp.MustCompile(`\b(?:Is|Does|Has) (?:the )?` + q + `\b`),
	}
	agreeCache.Store(name, r)
	return r
}

// startCase capitalises an article the composer put at the start of a
// sentence ("the EU AI Act is ..." → "The EU AI Act is ..."). The
// composer writes no abbreviations, so a stop and a space end a sentence.
func startCase(text string) string {
	if strings.HasPrefix(text, "the ") {
		text = "The " + text[4:]
	}
	for _, sep := range []string{". the ", "? the ", "! the "} {
		text = strings.ReplaceAll(text, sep, sep[:2]+"The ")
	}
	return text
}

// markRE finds a word a template ties to one of its names: "{x:its}",
// "{A:applies}". Verbs and pronouns that do not follow the name directly
// ("… comes from ISO and applies internationally", "on its own") are
// marked so, and agree with the name whatever its number.
var markRE = regexp.MustCompile(`\{([A-Za-z]):([a-z']+)\}`)

// inflect resolves every mark of tmpl with the nouns its letters stand for;
// a mark of a letter the template does not know is left as it is.
func inflect(tmpl string, nouns map[string]noun) string {
	if !strings.Contains(tmpl, ":") {
		return tmpl
	}
	return markRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		sub := markRE.FindStringSubmatch(m)
		n, ok := nouns[sub[1]]
		if !ok {
			return m
		}
		switch sub[2] {
		case "it":
			return n.it()
		case "its":
			return n.its()
		}
		return n.verb(sub[2])
	})
}
