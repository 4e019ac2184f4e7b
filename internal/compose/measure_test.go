package compose

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// realSet loads the real profiles through the profile package, with their
// relations checked, or skips.
func realSet(t *testing.T) *profile.Set {
	t.Helper()
	set, err := profile.Load(filepath.Join("..", "..", "profiles"))
	if err != nil {
		t.Skipf("real profiles: %v", err)
	}
	return set
}

// placeholders replaces every name of the two standards (short name, full
// name, id, aliases; longest first) with one mark, so sentences that differ
// only by the names compare equal.
func placeholders(text string, a, b *profile.Profile) string {
	var names []string
	for _, p := range []*profile.Profile{a, b} {
		names = append(names, profile.Names(p)...)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		// With its article, if it has one: "the EU AI Act" and "GDPR" are
		// one slot, or a page would count as new a sentence that differs only
		// by the name's grammar.
		text = regexp.MustCompile(`(?i)(\bthe )?`+regexp.QuoteMeta(n)).ReplaceAllString(text, "◊")
	}
	return text
}

// TestPerPairWriting measures the composer's pages the way the issue did:
// after the names are replaced, how many verdict and FAQ-answer sentences
// appear word for word on another page, and how many distinct questions the
// site asks. Goals: at most 25% shared, at least 40 questions.
func TestPerPairWriting(t *testing.T) {
	set := realSet(t)
	pages := map[string]map[string]bool{} // normalized sentence → pages it is on
	perPage := map[string][]string{}
	questions := map[string]bool{}
	total := 0
	for _, pr := range set.Pairs() {
		a, b := pr[0], pr[1]
		pg := Page(a, b)
		texts := []string{pg.Verdict}
		for _, qa := range pg.FAQ {
			texts = append(texts, qa.Answer)
			questions[placeholders(qa.Question, a, b)] = true
		}
		for _, txt := range texts {
			for _, s := range sentences(placeholders(txt, a, b)) {
				k := normSentence(s)
				if pages[k] == nil {
					pages[k] = map[string]bool{}
				}
				pages[k][pg.Slug] = true
				perPage[pg.Slug] = append(perPage[pg.Slug], k)
				total++
			}
		}
	}
	shared := 0
	var worst []string
	for _, ks := range perPage {
		for _, k := range ks {
			if len(pages[k]) > 1 {
				shared++
			}
		}
	}
	for k, ps := range pages {
		if len(ps) > 3 {
			worst = append(worst, fmt.Sprintf("%3d pages: %s", len(ps), k))
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(worst)))
	ratio := float64(shared) / float64(total)
	t.Logf("%d pages, %d verdict and FAQ-answer sentences, %.1f%% appear on another page after name swapping; %d distinct questions", len(perPage), total, 100*ratio, len(questions))
	if ratio > 0.25 {
		t.Errorf("%.1f%% of per-pair sentences appear word for word on another page, want at most 25%%; most shared:\n%s", 100*ratio, strings.Join(worst[:min(15, len(worst))], "\n"))
	}
	if len(questions) < 40 {
		t.Errorf("the site asks %d distinct questions (names replaced), want at least 40", len(questions))
	}
}

// relationClaims are the phrases the composer uses to state a relation
// between the two names, each with the kind it asserts, read "X <phrase> Y".
var relationClaims = []struct {
	re   string
	kind profile.RelationKind
}{
	{`{X} (is|are) built on {Y}`, profile.RelBuiltOn},
	{`{X} builds? on {Y}`, profile.RelBuiltOn},
	{`{Y} is the basis (on which|of) {X}`, profile.RelBuiltOn},
	{`{X} assessments check conformity to {Y}`, profile.RelAssessedAgainst},
	{`Conformity to {Y} is what {X} assess(es)?`, profile.RelAssessedAgainst},
	{`{X} ((is|are) guidance for implementing|gives? guidance for (meeting|implementing)) {Y}`, profile.RelGuidanceFor},
	{`{X} extends? {Y}`, profile.RelExtends},
	{`{X} takes? precedence over {Y}`, profile.RelTakesPrecedence},
	{`{X} (can )?supports? evidence for {Y}`, profile.RelSupportsEvidence},
	{`Work done for {X} can help evidence {Y}`, profile.RelSupportsEvidence},
	{`{X} replaces? {Y}`, profile.RelSupersedes},
	{`{X} and {Y} are alternative routes`, profile.RelAlternative},
}

// TestRelationClaimsFollowFile checks every composed page against the
// relations on file: its How They Relate part is exactly the Set's
// relations; every relation its verdict or FAQ states is on file in that
// direction; a related pair says its first relation in the verdict; and a
// pair with neither relations nor overlap carries the independence sentence
// and claims no relation.
func TestRelationClaimsFollowFile(t *testing.T) {
	set := realSet(t)
	related := 0
	for _, pr := range set.Pairs() {
		a, b := pr[0], pr[1]
		pg := Page(a, b)
		onFile := set.Relations(a.ID, b.ID)
		if len(pg.Relations) != len(onFile) {
			t.Errorf("%s: %d relations on the page, %d on file", pg.Slug, len(pg.Relations), len(onFile))
			continue
		}
		for i, r := range onFile {
			got := pg.Relations[i]
			if got.Kind != r.Kind || got.Fact != r.Fact || got.Scope != r.Scope || got.Source.URL != r.Source.URL {
				t.Errorf("%s: relation %d is %+v, on file %+v", pg.Slug, i, got, r)
			}
		}
		holds := func(x, y *profile.Profile, k profile.RelationKind) bool {
			for _, r := range set.Relations(x.ID, y.ID) {
				if r.Kind == k {
					return true
				}
			}
			return k == profile.RelAlternative && holdsAlt(set, x, y)
		}
		texts := []string{pg.Description, pg.Verdict}
		for _, qa := range pg.FAQ {
			texts = append(texts, qa.Answer)
		}
		claimed := 0
		for _, txt := range texts {
			for _, c := range relationClaims {
				for _, xy := range [][2]*profile.Profile{{a, b}, {b, a}} {
					re := regexp.MustCompile(strings.NewReplacer("{X}", regexp.QuoteMeta(xy[0].ShortName), "{Y}", "(?:[Tt]he )?"+regexp.QuoteMeta(xy[1].ShortName)).Replace(c.re))
					for _, m := range re.FindAllStringIndex(txt, -1) {
						if negated(txt[:m[0]]) {
							continue
						}
						claimed++
						if !holds(xy[0], xy[1], c.kind) {
							t.Errorf("%s: claims %s %s %s, which is not on file: %q", pg.Slug, xy[0].ID, c.kind, xy[1].ID, txt[m[0]:min(len(txt), m[1]+40)])
						}
					}
				}
			}
		}
		switch {
		case len(onFile) > 0:
			related++
			if claimed == 0 {
				t.Errorf("%s: a related pair whose verdict and FAQ state no relation:\n%s", pg.Slug, pg.Verdict)
			}
			if pg.Independent != "" {
				t.Errorf("%s: related, yet says the two are independent", pg.Slug)
			}
		case pg.Overlap == nil:
			if pg.Independent == "" || !strings.Contains(pg.Independent, a.ShortName) || !strings.Contains(pg.Independent, b.ShortName) {
				t.Errorf("%s: no relation and no overlap, but no independence sentence naming both: %q", pg.Slug, pg.Independent)
			}
		}
	}
	if related < 20 {
		t.Errorf("%d related pairs, want the 22 on file", related)
	}
}

func holdsAlt(set *profile.Set, x, y *profile.Profile) bool {
	for _, r := range set.Relations(y.ID, x.ID) {
		if r.Kind == profile.RelAlternative {
			return true
		}
	}
	return false
}

// negated reports whether the words just before a match deny it ("No, X
// does not replace…" is matched by "X replaces" only in the positive).
func negated(before string) bool {
	l := strings.ToLower(before)
	if i := strings.LastIndexAny(l, ".;:"); i >= 0 {
		l = l[i+1:]
	}
	return strings.Contains(l, "neither") || strings.Contains(l, " not ") || strings.HasSuffix(strings.TrimSpace(l), "no")
}

var _ = page.SectionRelate
