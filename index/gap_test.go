package index

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestSearchAdmitsGap: a pair query whose page is not in the index says so
// and offers each standard's own pages, instead of the best unrelated hit;
// once the page is there, the page is the answer again.
func TestSearchAdmitsGap(t *testing.T) {
	ix, set, pages := openOwn(t)
	ctx := context.Background()
	var missing string
	for _, p := range pages {
		if (p.Standards == [2]string{"iso-27001", "soc-2"}) || (p.Standards == [2]string{"soc-2", "iso-27001"}) {
			missing = p.Slug
		}
	}
	if missing == "" {
		t.Skip("the profiles have no ISO 27001 / SOC 2 pair")
	}
	if err := ix.Delete(ctx, missing); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"27001 vs soc 2", "difference between SOC 2 and ISO/IEC 27001", "iso27001 versus soc2"} {
		res, err := ix.Search(ctx, Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Gap == nil {
			t.Fatalf("%q: no gap; hits %v", q, res.Hits)
		}
		if res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("%q: %d hits alongside the gap, want none", q, len(res.Hits))
		}
		got := []string{res.Gap.Standards[0], res.Gap.Standards[1]}
		slices.Sort(got)
		if !slices.Equal(got, []string{"iso-27001", "soc-2"}) {
			t.Errorf("%q: gap standards %v", q, res.Gap.Standards)
		}
		if res.Gap.Message == "" {
			t.Errorf("%q: gap without a message", q)
		}
		for i, id := range res.Gap.Standards {
			if len(res.Gap.Pages[i]) == 0 {
				t.Errorf("%q: no pages offered for %s", q, id)
			}
			for _, s := range res.Gap.Pages[i] {
				if s.Slug == missing {
					t.Errorf("%q: offers the missing page", q)
				}
				p, ok := set.Get(id)
				if !ok || !containsFold(s.Title, p.ShortName) {
					t.Errorf("%q: page %q offered for %s does not name it", q, s.Title, id)
				}
			}
		}
	}
	// A pair that is there: no gap, the page first.
	res, err := ix.Search(ctx, Query{Text: "gdpr vs iso 27701"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Gap != nil || len(res.Hits) == 0 {
		t.Fatalf("published pair: gap %v, %d hits", res.Gap, len(res.Hits))
	}
	// One standard alone is never a gap.
	if res, err := ix.Search(ctx, Query{Text: "soc 2"}); err != nil || res.Gap != nil || res.Total == 0 {
		t.Fatalf("one standard: %v gap %v total %d", err, res.Gap, res.Total)
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
