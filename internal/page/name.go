package page

import (
	"strings"

	"github.com/versus-dev/versus/internal/profile"
)

// Name is a standard's short name with the grammar its profile states: the
// one place prose learns whether a name takes "the" and plural verbs. The
// offline composer writes its sentences with it, and How They Relate its
// relation heads and overlap sentence.
type Name struct {
	Short   string          // the short name: "EU AI Act"
	Grammar profile.Grammar // its article ("the" or none) and number
}

// NameOf is p's short name with its grammar.
func NameOf(p *profile.Profile) Name { return Name{Short: p.ShortName, Grammar: p.Grammar} }

// NameForm is where a name stands in a sentence.
type NameForm int

const (
	NameMid             NameForm = iota // inside a sentence: "the EU AI Act"
	NameStart                           // opening a sentence: "The EU AI Act"
	NamePossessive                      // "the EU AI Act's", "the CIS Controls'"
	NameStartPossessive                 // "The EU AI Act's"
	NameBare                            // before a noun it qualifies: "EU AI Act compliance", "a CIS Controls assessment"
)

// In writes the name in form f.
func (n Name) In(f NameForm) string {
	s := n.Short
	if f == NameBare {
		return s
	}
	if f == NamePossessive || f == NameStartPossessive {
		s = Possessive(s)
	}
	art := n.Grammar.Article
	if art == "" {
		return s
	}
	if f == NameStart || f == NameStartPossessive {
		art = strings.ToUpper(art[:1]) + art[1:]
	}
	return art + " " + s
}

// Verb makes v, written as after a singular subject ("is", "covers"),
// agree with the name: "are", "cover" for a plural one.
func (n Name) Verb(v string) string {
	if !n.Grammar.Plural {
		return v
	}
	return PluralVerb(v)
}

// It is the pronoun for the name as subject: "it" or "they".
func (n Name) It() string {
	if n.Grammar.Plural {
		return "they"
	}
	return "it"
}

// Its is the pronoun for the name as owner: "its" or "their".
func (n Name) Its() string {
	if n.Grammar.Plural {
		return "their"
	}
	return "its"
}

// irregular holds the singular verb forms whose plural no rule gives.
var irregular = map[string]string{
	"is": "are", "has": "have", "does": "do", "was": "were", "goes": "go",
	"focuses": "focus", "isn't": "aren't", "doesn't": "don't",
}

// PluralVerb turns a third-person singular verb into its plural form:
// "applies" → "apply", "reaches" → "reach", "covers" → "cover". A word
// that is no such form ("can", "extend") comes back as it is.
func PluralVerb(v string) string {
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
