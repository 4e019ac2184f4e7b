package compose

import (
	"regexp"
	"strings"
	"sync"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// noun is a standard's short name with the grammar its profile states: the
// one place prose learns whether a name takes "the" and plural verbs.
type noun struct {
	name    string // the short name: "EU AI Act"
	article string // "the", or "" for a name that reads bare ("GDPR")
	plural  bool   // "the CIS Controls are"
}

func nounOf(p *profile.Profile) noun {
	return noun{name: p.ShortName, article: p.Grammar.Article, plural: p.Grammar.Plural}
}

// form is where a name stands in a sentence.
type form int

const (
	mid        form = iota // inside a sentence: "the EU AI Act"
	start                  // opening a sentence: "The EU AI Act"
	possessive             // "the EU AI Act's", "the CIS Controls'"
	startPossessive
	bare // before a noun it qualifies: "EU AI Act compliance", "a CIS Controls assessment"
)

// render writes the name in form f.
func (n noun) render(f form) string {
	s := n.name
	if f == bare {
		return s
	}
	if f == possessive || f == startPossessive {
		s = page.Possessive(s)
	}
	if n.article == "" {
		return s
	}
	art := n.article
	if f == start || f == startPossessive {
		art = capFirst(art)
	}
	return art + " " + s
}

// verb makes v, written as after a singular subject ("is", "covers"),
// agree with the name: "are", "cover" for a plural one.
func (n noun) verb(v string) string {
	if !n.plural {
		return v
	}
	return pluralVerb(v)
}

// pronouns for the name as subject and as owner: "it", "its" or "they", "their".
func (n noun) it() string {
	if n.plural {
		return "they"
	}
	return "it"
}

func (n noun) its() string {
	if n.plural {
		return "their"
	}
	return "its"
}

// irregular holds the singular verb forms whose plural no rule gives.
var irregular = map[string]string{
	"is": "are", "has": "have", "does": "do", "was": "were", "goes": "go",
	"focuses": "focus", "isn't": "aren't", "doesn't": "don't",
}

// pluralVerb turns a third-person singular verb into its plural form:
// "applies" → "apply", "reaches" → "reach", "covers" → "cover".
func pluralVerb(v string) string {
	if p, ok := irregular[v]; ok {
		return p
	}
	switch {
	case strings.HasSuffix(v, "ies") && len(v) > 4:
		return v[:len(v)-3] + "y"
	case strings.HasSuffix(v, "sses"), strings.HasSuffix(v, "shes"), strings.HasSuffix(v, "ches"),
		strings.HasSuffix(v, "xes"), strings.HasSuffix(v, "zes"):
		return v[:len(v)-2]
	case strings.HasSuffix(v, "s") && !strings.HasSuffix(v, "ss"):
		return v[:len(v)-1]
	}
	return v
}

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
	if !n.plural || !strings.Contains(text, n.name) {
		return text
	}
	re := agreeRE(n.name)
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
