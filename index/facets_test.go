package index

import (
	"context"
	"slices"
	"testing"

	"github.com/versus-dev/versus/internal/profile"
)

// TestFacetCountsAreExact checks every facet count against an independent
// oracle: the total of the same search narrowed by that value. It runs
// again after pages are added and removed, so a table left over from an
// older snapshot would show up as a wrong count.
func TestFacetCountsAreExact(t *testing.T) {
	ix, set, pages := openOwn(t)
	ctx := context.Background()
	queries := []string{"", "risk management", "gdpr", "27001 vs soc 2", "incident reporting", "hipa"}

	check := func(stage string) {
		t.Helper()
		for _, q := range queries {
			res, err := ix.Search(ctx, Query{Text: q, Limit: 1})
			if err != nil {
				t.Fatalf("%s %q: %v", stage, q, err)
			}
			if res.Total == 0 {
				t.Fatalf("%s %q: no hits; the check would prove nothing", stage, q)
			}
			sum := 0
			for _, f := range res.Facets["standard"] {
				sum += f.Count
			}
			if sum != 2*res.Total {
				t.Errorf("%s %q: standard counts sum to %d, want 2 x %d hits", stage, q, sum, res.Total)
			}
			for _, f := range facetFields {
				listed := map[string]int{}
				for _, fc := range res.Facets[f] {
					listed[fc.Term] = fc.Count
				}
				for _, v := range facetValues(set, f) {
					nq := Query{Text: q, Limit: 1}
					if f == "standard" {
						nq.Standard = v
					} else {
						nq.Filters = map[string]string{f: v}
					}
					want, err := ix.Search(ctx, nq)
					if err != nil {
						t.Fatalf("%s %q %s=%s: %v", stage, q, f, v, err)
					}
					got, ok := listed[v]
					switch {
					case ok && got != want.Total:
						t.Errorf("%s %q: facet %s=%s counts %d, narrowed search finds %d", stage, q, f, v, got, want.Total)
					case !ok && len(listed) < maxFacetValues && want.Total > 0:
						t.Errorf("%s %q: facet %s=%s not listed, narrowed search finds %d", stage, q, f, v, want.Total)
					case !ok && len(listed) == maxFacetValues && want.Total > res.Facets[f][len(listed)-1].Count:
						t.Errorf("%s %q: facet %s=%s (%d) left out of a list ending at %d", stage, q, f, v, want.Total, res.Facets[f][len(listed)-1].Count)
					}
				}
			}
		}
	}
	check("built")

	// A new page, a replaced one and a removed one: a new snapshot with
	// more than one segment and a deleted document.
	extra := DocFromPage(pages[0], set)
	extra.Slug += "-copy"
	if err := ix.Put(ctx, extra); err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, DocFromPage(pages[1], set)); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, pages[2].Slug); err != nil {
		t.Fatal(err)
	}
	check("changed")
}

// facetValues lists every value a facet can take with these profiles.
func facetValues(set Standards, f string) []string {
	seen := map[string]bool{}
	var out []string
	n := newNames(profilesOf(set))
	for _, p := range set.All() {
		for _, v := range n.pairFacets(p.ID)[f] {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// TestSetStandards swaps the profiles under a live index: a new name is
// understood and a changed issuer is counted at once, with no rebuild.
func TestSetStandards(t *testing.T) {
	ix, set, _ := openOwn(t)
	ctx := context.Background()
	const alias, issuer = "Euro Privacy Rulebook", "Zebra Office"
	if u := ix.Understand(alias); len(u.Standards) != 0 {
		t.Fatalf("%q understood as %v before it was added", alias, u.Standards)
	}
	before, err := ix.Search(ctx, Query{Standard: "gdpr"})
	if err != nil {
		t.Fatal(err)
	}

	var ps []*profile.Profile
	for _, p := range set.All() {
		if p.ID == "gdpr" {
			c := *p
			c.Aliases = append(slices.Clone(p.Aliases), alias)
			c.Issuer = issuer
			p = &c
		}
		ps = append(ps, p)
	}
	next, err := profile.NewSet(ps...)
	if err != nil {
		t.Fatal(err)
	}
	ix.SetStandards(next)

	if u := ix.Understand(alias + " vs sox"); u.Pair != "gdpr-vs-sox" {
		t.Errorf("%q vs sox: pair %q, want gdpr-vs-sox", alias, u.Pair)
	}
	after, err := ix.Search(ctx, Query{Standard: "gdpr"})
	if err != nil {
		t.Fatal(err)
	}
	count := func(r Result, v string) int {
		for _, f := range r.Facets["issuer"] {
			if f.Term == v {
				return f.Count
			}
		}
		return 0
	}
	if got := count(after, issuer); got != after.Total || got == 0 {
		t.Errorf("issuer %q counts %d of %d pages after the swap", issuer, got, after.Total)
	}
	if count(before, issuer) != 0 {
		t.Errorf("issuer %q counted before the swap", issuer)
	}
}

// TestFacetTablePerSegment: after a write, the next search reads the pair
// postings of the new segment only, not of the whole index again.
func TestFacetTablePerSegment(t *testing.T) {
	ix, set, pages := openOwn(t)
	ctx := context.Background()
	built := func() int {
		ix.pairs.dmu.Lock()
		defer ix.pairs.dmu.Unlock()
		return ix.pairs.dict.built
	}
	if _, err := ix.Search(ctx, Query{Text: "gdpr"}); err != nil {
		t.Fatal(err)
	}
	before := built() // one per segment of the rebuilt index
	extra := DocFromPage(pages[0], set)
	extra.Slug += "-copy"
	if err := ix.Put(ctx, extra); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, Query{Text: ""})
	if err != nil {
		t.Fatal(err)
	}
	if got := built() - before; got != 1 {
		t.Errorf("%d segment tables built after one page was written, want 1 (its segment)", got)
	}
	sum := 0
	for _, f := range res.Facets["standard"] {
		sum += f.Count
	}
	if res.Total != len(pages)+1 || sum != 2*res.Total {
		t.Errorf("after the write: %d pages, standard counts sum to %d; want %d and twice that", res.Total, sum, len(pages)+1)
	}
}
