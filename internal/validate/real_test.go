package validate

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// loadRealSet loads the project's profiles, skipping when they are absent.
func loadRealSet(t testing.TB) *profile.Set {
	t.Helper()
	dir := filepath.Join("..", "..", "profiles")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no profiles folder at %s", dir)
	}
	set, err := profile.Load(dir)
	if err != nil {
		t.Skipf("the project's profiles do not load (yet): %v", err)
	}
	return set
}

// sectionOf builds a standard's section from its profile, the way the
// drafter's offline composer does: the profile's prose is the section.
func sectionOf(p *profile.Profile) page.Section {
	s := page.Section{
		Standard: p.ID, Heading: p.ShortName, FullName: p.Name, Tagline: p.Tagline,
		KeyFeatures: p.KeyFeatures, WhatItIs: p.WhatItIs, KeyComponents: p.KeyComponents, WhyUsed: p.WhyUsed,
	}
	if len(p.Implementation) == 1 {
		s.Implementation.Paragraph = p.Implementation[0]
	} else {
		s.Implementation.Steps = p.Implementation
	}
	return s
}

// composePage builds a plausible page for a pair from the profiles, with a
// neutral pair part written here.
func composePage(a, b *profile.Profile) page.Page {
	pair := page.Pair{
		Description: fmt.Sprintf("Compare %s with %s: scope, industry, nature, testing and penalties side by side.", a.ShortName, b.ShortName),
		Verdict: fmt.Sprintf("%s and %s answer different questions for an organization. The first covers %s; the second covers %s. Teams usually look at both when they plan their compliance work and decide where to spend effort first.",
			a.ShortName, b.ShortName, strings.ToLower(a.Scope[:1])+a.Scope[1:], strings.ToLower(b.Scope[:1])+b.Scope[1:]),
		Differences: page.Differences{
			Scope:     page.Row{A: a.Scope, B: b.Scope},
			Industry:  page.Row{A: strings.Join(a.Industries, ", "), B: strings.Join(b.Industries, ", ")},
			Nature:    page.Row{A: a.Nature, B: b.Nature},
			Testing:   page.Row{A: a.Testing, B: b.Testing},
			Penalties: page.Row{A: a.Penalties, B: b.Penalties},
		},
		FAQ: []page.QA{
			{Question: fmt.Sprintf("What is the main difference between %s and %s?", a.ShortName, b.ShortName),
				Answer: fmt.Sprintf("They have different scopes. The first is about %s, and the second is about %s.", strings.ToLower(a.Scope[:1])+a.Scope[1:], strings.ToLower(b.Scope[:1])+b.Scope[1:])},
			{Question: fmt.Sprintf("Can one programme cover both %s and %s?", a.ShortName, b.ShortName),
				Answer: "Often in part: shared governance, risk assessment and evidence can serve both, while each keeps the obligations that are its own."},
			{Question: "Where should an organization start?",
				Answer: "Start with whichever applies to you by law or contract, then use the other to fill the gaps it leaves in your programme."},
		},
	}
	return page.Compose(page.Slug(a.ID, b.ID), a.ShortName+" vs "+b.ShortName, [2]string{a.ID, b.ID}, pair, sectionOf(a), sectionOf(b))
}

// TestRealProfilesCleanPages renders a page for every pair of the project's
// profiles from the profiles' own text, parses it back, and expects no
// error: the rules must not reject what the profiles themselves say.
func TestRealProfilesCleanPages(t *testing.T) {
	set := loadRealSet(t)
	counts := map[string]int{}
	examples := map[string]string{}
	profileIssues := map[string]bool{}
	pairs := set.Pairs()
	for _, pr := range pairs {
		pg := composePage(pr[0], pr[1])
		parsed, src, pfs := page.ParseWithSource(page.Render(pg))
		for _, f := range Merge(pfs, Page(parsed, src, set)) {
			if f.Severity != finding.Error {
				continue
			}
			if f.Rule == RuleUnknownNumber && strings.HasPrefix(f.Field, "sections[") {
				// The section text is the profile's own prose: a count it does not
				// list in `numbers` is a defect of the profile, reported once here.
				if !profileIssues[f.Message] {
					profileIssues[f.Message] = true
					t.Logf("profile data issue: %s", f)
				}
				continue
			}
			counts[f.Rule]++
			if _, ok := examples[f.Rule]; !ok {
				examples[f.Rule] = pg.Slug + ": " + f.String()
			}
		}
	}
	var rules []string
	for r := range counts {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		t.Errorf("%d errors %s, e.g. %s", counts[r], r, examples[r])
	}
	t.Logf("%d pages from %d profiles checked", len(pairs), set.Len())
}
