package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func sides(slug string) (string, string) {
	a, b, _ := strings.Cut(slug, "-vs-")
	return a, b
}

func naming(slug, id string) bool {
	a, b := sides(slug)
	return a == id || b == id
}

// TestRelevance is the fixed table of visitor queries: each names the page
// (or the standard whose page) that must come first.
func TestRelevance(t *testing.T) {
	ix, _, _ := openFull(t)
	ctx := context.Background()
	tests := []struct {
		q        string
		wantSlug string // exact first hit
		wantStd  string // first hit must name this standard
	}{
		{q: "27001 vs soc 2", wantSlug: "iso-27001-vs-soc-2"},
		{q: "soc 2 vs 27001", wantSlug: "iso-27001-vs-soc-2"},
		{q: "ISO 27001 versus SOC2", wantSlug: "iso-27001-vs-soc-2"},
		{q: "difference between nis2 and dora", wantSlug: "dora-vs-nis2"},
		{q: "What is the difference between NIS 2 and DORA?", wantSlug: "dora-vs-nis2"},
		{q: "pci or soc 2", wantSlug: "pci-dss-vs-soc-2"},
		{q: "gdpr and hipaa", wantSlug: "gdpr-vs-hipaa"},
		{q: "hipaa vs health insurance portability and accountability act", wantStd: "hipaa"},
		{q: "sox vs iso 27001", wantSlug: "iso-27001-vs-sox"},
		{q: "gdpr", wantStd: "gdpr"},
		{q: "GDPR", wantStd: "gdpr"},
		{q: "sarbanes oxley", wantStd: "sox"},
		{q: "Sarbanes-Oxley", wantStd: "sox"},
		{q: "iso 2700l", wantStd: "iso-27001"},
		{q: "hipa", wantStd: "hipaa"},
		{q: "hippa", wantStd: "hipaa"},
		{q: "privacy certification", wantStd: "iso-27701"},
		{q: "digital operational resilience", wantStd: "dora"},
		{q: "nist csf vs iso 27001", wantSlug: "iso-27001-vs-nist-csf"},
		{q: "iso 27001 and iso 27002", wantSlug: "iso-27001-vs-iso-27002"},
		{q: "ISO/IEC 27001:2022 vs NIS 2", wantSlug: "iso-27001-vs-nis2"},
		{q: "soc 2", wantStd: "soc-2"},
		{q: "cmmc 2.0", wantStd: "cmmc"},
		{q: "nist csf 2", wantStd: "nist-csf"},
		{q: "2", wantStd: ""}, // a lone digit still searches
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := ix.Search(ctx, Query{Text: tt.q, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Fatalf("no hits")
			}
			first := res.Hits[0].Slug
			var top []string
			for _, h := range res.Hits {
				top = append(top, fmt.Sprintf("%s(%.2f)", h.Slug, h.Score))
			}
			if tt.wantSlug != "" && first != tt.wantSlug {
				t.Errorf("first hit %s, want %s; top: %v", first, tt.wantSlug, top)
			}
			if tt.wantStd != "" && !naming(first, tt.wantStd) {
				t.Errorf("first hit %s does not name %s; top: %v", first, tt.wantStd, top)
			}
		})
	}
}

func TestUnderstand(t *testing.T) {
	ix, _, _ := openFull(t)
	for q, want := range map[string]string{
		"pci or soc 2":            "pci-dss-vs-soc-2",
		"27001 vs soc 2":          "iso-27001-vs-soc-2",
		"soc 2 vs 27001":          "iso-27001-vs-soc-2",
		"gdpr":                    "",
		"compare hipaa with gdpr": "gdpr-vs-hipaa",
		"nis2 nis2":               "",
		"privacy certification":   "",
	} {
		if got := ix.Understand(q).Pair; got != want {
			t.Errorf("Understand(%q).Pair = %q, want %q", q, got, want)
		}
	}
	if got := ix.Understand("sarbanes oxley").Standards; len(got) != 1 || got[0] != "sox" {
		t.Errorf("sarbanes oxley resolves to %v, want [sox]", got)
	}
}

func TestFragmentsAreEscapedHTML(t *testing.T) {
	set := loadProfiles(t)
	ix, err := Open(t.TempDir(), set)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	d := Doc{Slug: "a-vs-b", Title: "A vs B", Standards: []string{"a", "b"},
		Verdict: `Use <script>alert(1)</script> & keep the zebra audit in mind.`}
	if err := ix.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, Query{Text: "zebra"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits[0].Fragments) == 0 {
		t.Fatalf("want one hit with a fragment, got %+v", res)
	}
	fr := strings.Join(res.Hits[0].Fragments, " ")
	if !strings.Contains(fr, "<mark>zebra</mark>") {
		t.Errorf("fragment %q does not mark the match", fr)
	}
	if strings.Contains(fr, "<script>") || !strings.Contains(fr, "&lt;script&gt;") || !strings.Contains(fr, "&amp;") {
		t.Errorf("fragment %q is not escaped", fr)
	}
}

func TestFacetsAndFilter(t *testing.T) {
	ix, set, _ := openFull(t)
	ctx := context.Background()
	n := set.Len()
	res, err := ix.Search(ctx, Query{Text: "gdpr", Standard: "gdpr", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != n-1 {
		t.Errorf("gdpr filter: total %d, want %d (one page per other standard)", res.Total, n-1)
	}
	for _, h := range res.Hits {
		if !naming(h.Slug, "gdpr") {
			t.Errorf("filtered hit %s does not name gdpr", h.Slug)
		}
	}
	var gdprCount int
	for _, f := range res.Facets["standard"] {
		if f.Term == "gdpr" {
			gdprCount = f.Count
		}
	}
	if gdprCount != n-1 {
		t.Errorf("standard facet gdpr = %d, want %d; facets %v", gdprCount, n-1, res.Facets["standard"])
	}
	for _, f := range facetFields {
		if _, ok := res.Facets[f]; !ok {
			t.Errorf("facet %s missing", f)
		}
	}
	var eu bool
	for _, f := range res.Facets["jurisdiction"] {
		eu = eu || f.Term == "EU"
	}
	if !eu {
		t.Errorf("jurisdiction facet lacks EU: %v", res.Facets["jurisdiction"])
	}

	// Other facets filter too.
	res, err = ix.Search(ctx, Query{Standard: "gdpr", Filters: map[string]string{"kind": "management-system"}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range set.All() {
		if p.Kind == "management-system" {
			want++
		}
	}
	if res.Total != want || want == 0 {
		t.Errorf("gdpr pages with a management system: %d, want %d", res.Total, want)
	}
	if _, err := ix.Search(ctx, Query{Filters: map[string]string{"colour": "red"}}); err == nil {
		t.Error("unknown filter accepted")
	}

	// An empty text with a standard lists that standard's pages.
	res, err = ix.Search(ctx, Query{Standard: "sox", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != n-1 {
		t.Errorf("browse sox: total %d, want %d", res.Total, n-1)
	}
}

func TestPagination(t *testing.T) {
	ix, _, _ := openFull(t)
	ctx := context.Background()
	all, err := ix.Search(ctx, Query{Text: "security", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total < 6 {
		t.Fatalf("want at least 6 hits for the test, got %d", all.Total)
	}
	var paged []string
	for off := 0; off < min(all.Total, 100); off += 4 {
		res, err := ix.Search(ctx, Query{Text: "security", Limit: 4, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != all.Total {
			t.Errorf("offset %d: total %d, want %d", off, res.Total, all.Total)
		}
		if len(res.Hits) > 4 {
			t.Errorf("offset %d: %d hits, limit 4", off, len(res.Hits))
		}
		for _, h := range res.Hits {
			paged = append(paged, h.Slug)
		}
	}
	if len(paged) != len(all.Hits) {
		t.Fatalf("paged %d hits, want %d", len(paged), len(all.Hits))
	}
	for i := range paged {
		if paged[i] != all.Hits[i].Slug {
			t.Fatalf("hit %d: paged %s, one page %s", i, paged[i], all.Hits[i].Slug)
		}
	}
	res, err := ix.Search(ctx, Query{Text: "security", Limit: 4, Offset: all.Total + 10})
	if err != nil || len(res.Hits) != 0 {
		t.Errorf("past the end: %d hits, err %v", len(res.Hits), err)
	}
	res, err = ix.Search(ctx, Query{Text: "security", Limit: 1000})
	if err != nil || len(res.Hits) > MaxLimit {
		t.Errorf("limit not capped: %d hits, err %v", len(res.Hits), err)
	}
}

func TestSuggest(t *testing.T) {
	ix, _, _ := openFull(t)
	ctx := context.Background()
	for _, tt := range []struct{ prefix, std string }{
		{"hipa", "hipaa"}, {"sarb", "sox"}, {"iso 2770", "iso-27701"}, {"DOR", "dora"},
	} {
		got, err := ix.Suggest(ctx, tt.prefix, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || len(got) > 5 {
			t.Fatalf("%q: %d suggestions", tt.prefix, len(got))
		}
		if !naming(got[0].Slug, tt.std) || got[0].Title == "" {
			t.Errorf("%q: first suggestion %+v, want a %s page", tt.prefix, got[0], tt.std)
		}
	}
	got, err := ix.Suggest(ctx, "qqqzzz", 5)
	if err != nil || len(got) != 0 {
		t.Errorf("nonsense prefix: %v %v", got, err)
	}
}

func TestPutDeleteCountAndReopen(t *testing.T) {
	set := loadProfiles(t)
	dir := t.TempDir()
	ctx := context.Background()
	ix, err := Open(dir, set)
	if err != nil {
		t.Fatal(err)
	}
	pages := allPages(set)[:5]
	for _, p := range pages {
		if err := ix.Put(ctx, DocFromPage(p, set)); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := ix.Count(); n != 5 {
		t.Fatalf("count %d, want 5", n)
	}
	if err := ix.Delete(ctx, pages[0].Slug); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 4 {
		t.Fatalf("count after delete %d, want 4", n)
	}
	// Rebuild, then reopen: the rebuilt index is the one found.
	if err := ix.Reindex(ctx, docsOf(allPages(set)[:7], set)); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, DocFromPage(pages[0], set)); err == nil {
		t.Error("put after close succeeded")
	}
	ix, err = Open(dir, set)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != 7 {
		t.Fatalf("count after reopen %d, want 7", n)
	}
	if ix.Stale() {
		t.Error("fresh index reported stale")
	}
}

func TestReindexCancelledKeepsOld(t *testing.T) {
	set := loadProfiles(t)
	ix, err := Open(t.TempDir(), set)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := ix.Reindex(ctx, docsOf(allPages(set)[:3], set)); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err = ix.Reindex(cctx, docsOf(allPages(set), set))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled reindex: err %v", err)
	}
	if n, _ := ix.Count(); n != 3 {
		t.Errorf("count %d after cancelled reindex, want the old 3", n)
	}
}

// TestReindexWhileSearching swaps in fresh indexes while searchers run: no
// search may fail or miss a page known to be in both indexes.
func TestReindexWhileSearching(t *testing.T) {
	ix, set, pages := openOwn(t)
	ctx := context.Background()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	searches := 0
	queries := []string{"27001 vs soc 2", "gdpr", "hipa", "privacy certification"}
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := queries[(g+i)%len(queries)]
				res, err := ix.Search(ctx, Query{Text: q, Limit: 3})
				mu.Lock()
				searches++
				if err != nil {
					failures = append(failures, q+": "+err.Error())
				} else if len(res.Hits) == 0 {
					failures = append(failures, q+": no hits")
				}
				mu.Unlock()
			}
		}()
	}
	// Two swaps, bounded by a deadline generous enough for a loaded machine.
	deadline := time.Now().Add(90 * time.Second)
	swaps := 0
	for swaps < 2 && time.Now().Before(deadline) {
		if err := ix.Reindex(ctx, docsOf(pages, set)); err != nil {
			t.Fatal(err)
		}
		swaps++
	}
	close(stop)
	wg.Wait()
	if swaps < 2 {
		t.Fatalf("only %d reindexes before the deadline", swaps)
	}
	if searches == 0 {
		t.Fatal("no searches ran")
	}
	if len(failures) > 0 {
		t.Fatalf("%d of %d searches failed during reindex, first: %s", len(failures), searches, failures[0])
	}
	if n, _ := ix.Count(); n != len(pages) {
		t.Errorf("count %d, want %d", n, len(pages))
	}
}

// TestStaleMapping: an index built by an older mapping says so, and a
// Reindex clears it.
func TestStaleMapping(t *testing.T) {
	set := loadProfiles(t)
	dir := t.TempDir()
	ctx := context.Background()
	ix, err := Open(dir, set)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.cur.SetInternal([]byte("mapping_version"), []byte("0")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = Open(dir, set)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !ix.Stale() {
		t.Fatal("old mapping not reported stale")
	}
	if err := ix.Reindex(ctx, docsOf(allPages(set)[:2], set)); err != nil {
		t.Fatal(err)
	}
	if ix.Stale() {
		t.Error("still stale after reindex")
	}
}

// TestOpenBrokenIndexStartsEmpty: the index is derived, so a broken one is
// replaced by an empty one marked stale rather than failing the server.
func TestOpenBrokenIndexStartsEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, currentFile), []byte("ix-missing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir, loadProfiles(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != 0 || !ix.Stale() {
		t.Errorf("count %d stale %v, want 0 and stale", n, ix.Stale())
	}
}

// Apply writes a burst in batches: puts beyond one batch, deletes of
// present and absent pages, and an error (not a panic) once closed.
func TestApplyBatches(t *testing.T) {
	set := loadProfiles(t)
	ctx := context.Background()
	ix, err := Open(t.TempDir(), set)
	if err != nil {
		t.Fatal(err)
	}
	pages := allPages(set)
	if len(pages) <= batchSize {
		t.Fatalf("%d pages: the test needs more than one batch", len(pages))
	}
	var docs []Doc
	for _, p := range pages {
		docs = append(docs, DocFromPage(p, set))
	}
	if err := ix.Apply(ctx, docs, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != len(pages) {
		t.Fatalf("count %d, want %d", n, len(pages))
	}
	if err := ix.Apply(ctx, docs[:1], []string{pages[1].Slug, pages[2].Slug, "no-such-vs-page"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != len(pages)-2 {
		t.Fatalf("count after deleting 2: %d, want %d", n, len(pages)-2)
	}
	res, err := ix.Search(ctx, Query{Text: pages[1].Slug})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.Slug == pages[1].Slug {
			t.Errorf("deleted page %s still found", h.Slug)
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(ctx, docs[:1], nil); err == nil {
		t.Error("apply after close succeeded")
	}
}

// TestCacheForgetsOnWrite: a cached answer is not served once the index or
// the profiles changed, and a caller changing its answer does not change
// the cache's.
func TestCacheForgetsOnWrite(t *testing.T) {
	set := loadProfiles(t)
	ix, err := Open(t.TempDir(), set)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	search := func() Result {
		t.Helper()
		res, err := ix.Search(ctx, Query{Text: "zebra"})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := search(); res.Total != 0 {
		t.Fatalf("empty index: %d hits", res.Total)
	}
	d := Doc{Slug: "a-vs-b", Title: "A vs B", Standards: []string{"a", "b"}, Verdict: "The zebra audit."}
	steps := []struct {
		name  string
		write func() error
		want  int
	}{
		{"put", func() error { return ix.Put(ctx, d) }, 1},
		{"delete", func() error { return ix.Delete(ctx, d.Slug) }, 0},
		{"apply", func() error { return ix.Apply(ctx, []Doc{d}, nil) }, 1},
		{"reindex", func() error { return ix.Reindex(ctx, docsOf(nil, set)) }, 0},
	}
	for _, s := range steps {
		search() // cached before the write
		if err := s.write(); err != nil {
			t.Fatal(err)
		}
		if res := search(); res.Total != s.want {
			t.Errorf("after %s: %d hits, want %d", s.name, res.Total, s.want)
		}
	}
	if err := ix.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	res := search()
	res.Hits[0].Slug = "changed"
	if again := search(); again.Hits[0].Slug != d.Slug {
		t.Errorf("a caller's change reached the cache: %q", again.Hits[0].Slug)
	}
	// New profiles: "gdpr" finds the page of standard gdpr (whose text does
	// not say it) only while the profiles name gdpr.
	g := Doc{Slug: "b-vs-gdpr", Title: "B vs G", Standards: []string{"b", "gdpr"}, Verdict: "Nothing."}
	if err := ix.Put(ctx, g); err != nil {
		t.Fatal(err)
	}
	total := func() int {
		res, err := ix.Search(ctx, Query{Text: "gdpr"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if got := total(); got != 1 {
		t.Fatalf("gdpr: %d hits, want 1", got)
	}
	ix.SetStandards(nil)
	if got := total(); got != 0 {
		t.Errorf("gdpr with no profiles: %d hits, want 0", got)
	}
}
