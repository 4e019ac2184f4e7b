package compose

import (
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"regexp"
	"strings"
	"testing"
)

// The one helper that writes a standard's name: article, number, place in
// the sentence and possessive come from the profile's grammar, never from
// the string ("Cyber Essentials" is singular and bare).
func TestNounRender(t *testing.T) {
	act := mkNoun("EU AI Act", "the", false)
	cis := mkNoun("CIS Controls", "the", true)
	ce := mkNoun("Cyber Essentials", "", false)
	gdpr := mkNoun("GDPR", "", false)
	cases := []struct {
		n    noun
		f    form
		want string
	}{
		{act, mid, "the EU AI Act"},
		{act, start, "The EU AI Act"},
		{act, possessive, "the EU AI Act's"},
		{act, startPossessive, "The EU AI Act's"},
		{act, bare, "EU AI Act"},
		{cis, mid, "the CIS Controls"},
		{cis, start, "The CIS Controls"},
		{cis, possessive, "the CIS Controls'"},
		{cis, bare, "CIS Controls"},
		{ce, mid, "Cyber Essentials"},
		{ce, start, "Cyber Essentials"},
		{ce, possessive, "Cyber Essentials'"},
		{gdpr, mid, "GDPR"},
		{gdpr, start, "GDPR"},
		{gdpr, possessive, "GDPR's"},
		{mkNoun("SOX", "", false), possessive, "SOX's"},
	}
	for _, c := range cases {
		if got := c.n.render(c.f); got != c.want {
			t.Errorf("%q in form %d = %q, want %q", c.n.Short, c.f, got, c.want)
		}
	}
}

func TestNounAgreement(t *testing.T) {
	cis := mkNoun("CIS Controls", "the", true)
	ce := mkNoun("Cyber Essentials", "", false)
	cases := []struct {
		n          noun
		verb, want string
		it, its    string
	}{
		{cis, "is", "are", "they", "their"},
		{cis, "has", "have", "they", "their"},
		{cis, "applies", "apply", "they", "their"},
		{cis, "reaches", "reach", "they", "their"},
		{cis, "addresses", "address", "they", "their"},
		{cis, "covers", "cover", "they", "their"},
		{cis, "focuses", "focus", "they", "their"},
		{cis, "does", "do", "they", "their"},
		{cis, "uses", "use", "they", "their"},
		{ce, "is", "is", "it", "its"},
		{ce, "covers", "covers", "it", "its"},
	}
	for _, c := range cases {
		if got := c.n.verb(c.verb); got != c.want {
			t.Errorf("%s %s: got %q, want %q", c.n.Short, c.verb, got, c.want)
		}
		if c.n.it() != c.it || c.n.its() != c.its {
			t.Errorf("%s: pronouns %q %q, want %q %q", c.n.Short, c.n.it(), c.n.its(), c.it, c.its)
		}
	}
	for _, v := range []string{"is", "has", "does", "applies", "reaches", "builds", "gives", "offers", "comes", "verifies"} {
		if singularVerbs[v] == false {
			t.Errorf("%q is not among the verbs agree rewrites", v)
		}
	}
}

// agree rewrites a verb after a plural name (directly, or after its
// apposition), and an inverted question; it leaves a singular name, a
// noun after the name and another subject's verb alone.
func TestAgree(t *testing.T) {
	cis := mkNoun("CIS Controls", "the", true)
	ce := mkNoun("Cyber Essentials", "", false)
	cases := []struct {
		n        noun
		in, want string
	}{
		{cis, "the CIS Controls is an international framework.", "the CIS Controls are an international framework."},
		{cis, "the CIS Controls, an international framework, concentrates on safeguards.", "the CIS Controls, an international framework, concentrate on safeguards."},
		{cis, "Neither GDPR nor the CIS Controls builds on the other.", "Neither GDPR nor the CIS Controls build on the other."},
		{cis, "Is the CIS Controls a legal requirement?", "Are the CIS Controls a legal requirement?"},
		{cis, "Does the CIS Controls apply to us?", "Do the CIS Controls apply to us?"},
		{cis, "Is there a CIS Controls certification?", "Is there a CIS Controls certification?"},
		{cis, "CIS Controls assessments check safeguards.", "CIS Controls assessments check safeguards."},
		{cis, "GDPR covers data; the CIS Controls covers safeguards, and GDPR is a law.", "GDPR covers data; the CIS Controls cover safeguards, and GDPR is a law."},
		{ce, "Cyber Essentials is a UK scheme.", "Cyber Essentials is a UK scheme."},
	}
	for _, c := range cases {
		if got := c.n.agree(c.in); got != c.want {
			t.Errorf("agree(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// Marks tie a later verb or pronoun to its name; startCase capitalises an
// article that opens a sentence, and nothing else.
func TestInflectAndStartCase(t *testing.T) {
	nouns := map[string]noun{"A": mkNoun("CIS Controls", "the", true), "B": mkNoun("GDPR", "", false)}
	got := inflect("{A} comes from CIS and {A:applies} internationally; {B:it} {B:applies} in the EU, on {A:its} own terms, {C:is}.", nouns)
	want := "{A} comes from CIS and apply internationally; it applies in the EU, on their own terms, {C:is}."
	if got != want {
		t.Errorf("inflect:\n got %q\nwant %q", got, want)
	}
	for in, want := range map[string]string{
		"the EU AI Act is a law. the CRA is too? the end": "The EU AI Act is a law. The CRA is too? The end",
		"GDPR binds the organizations within its scope.":  "GDPR binds the organizations within its scope.",
		"Yes: the EU AI Act applies.":                     "Yes: the EU AI Act applies.",
	} {
		if got := startCase(in); got != want {
			t.Errorf("startCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every composed sentence of the real pages follows the names' grammar: a
// name that takes "the" has it (or stands before a noun it qualifies, or
// in a title's "vs"), and no plural name is followed by a singular verb
// (read with a list of its own, not agree's).
func TestPluralNamesAgree(t *testing.T) {
	attributive := regexp.MustCompile(`^ (vs|or [A-Z]|certification|compliance|assessments?|report|programme)\b`)
	singular := regexp.MustCompile(`^(, (a|an|the) [^,.;:]+,)? (is|has|does|was|covers|applies|gives|offers|comes|reaches|binds|builds|extends|concentrates|addresses|takes|sets|remains|carries|provides|helps|supports|proves|ends|leads)\b`)
	var articled, plural int
	for _, pr := range pagePairs(realProfiles(t)) {
		pg := Page(pr[0], pr[1])
		for _, p := range pr {
			n := nounOf(p)
			if n.Grammar.Article == "" && !n.Grammar.Plural {
				continue
			}
			for _, txt := range composedTexts(pg) {
				for _, m := range regexp.MustCompile(regexp.QuoteMeta(n.Short)).FindAllStringIndex(txt, -1) {
					before, after := txt[:m[0]], txt[m[1]:]
					if n.Grammar.Article != "" {
						articled++
						ok := strings.HasSuffix(before, "the ") || strings.HasSuffix(before, "The ") ||
							strings.HasSuffix(before, "a ") || strings.HasSuffix(before, "an ") ||
							attributive.MatchString(after) || strings.HasSuffix(before, " vs ") || before == ""
						if !ok {
							t.Errorf("%s: %q without its article: …%s…", pg.Slug, n.Short, txt[max(0, m[0]-40):min(len(txt), m[1]+30)])
						}
						if strings.HasSuffix(strings.ToLower(before), "the the ") {
							t.Errorf("%s: %q with a doubled article", pg.Slug, n.Short)
						}
					}
					if n.Grammar.Plural {
						plural++
						if singular.MatchString(after) {
							t.Errorf("%s: plural %q with a singular verb: …%s…", pg.Slug, n.Short, txt[m[0]:min(len(txt), m[1]+40)])
						}
					}
				}
			}
		}
	}
	if articled == 0 || plural == 0 {
		t.Fatalf("read %d names with an article and %d plural ones: the real profiles should have both", articled, plural)
	}
	t.Logf("%d names with an article and %d plural names read", articled, plural)
}

func mkNoun(name, article string, plural bool) noun {
	return noun{page.Name{Short: name, Grammar: profile.Grammar{Article: article, Plural: plural}}}
}
