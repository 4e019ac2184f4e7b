package index

import (
	"context"
	"fmt"
	"io/fs"
	"iter"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var benchQueries = []string{
	"27001 vs soc 2", "gdpr", "sarbanes oxley", "iso 2700l", "privacy certification",
	"hipa", "difference between nis2 and dora", "pci or soc 2", "incident reporting",
	"risk management", "certification audit", "personal data",
}

// synthDocs makes n documents by varying the composed pages: new slugs and
// a few words swapped in, so the index is not n copies of the same terms.
func synthDocs(tb testing.TB, n int) iter.Seq[Doc] {
	set := loadProfiles(tb)
	pages := allPages(set)
	base := make([]Doc, len(pages))
	for i, p := range pages {
		base[i] = DocFromPage(p, set)
	}
	words := strings.Fields(base[0].Sections + " " + base[len(base)-1].Sections)
	return func(yield func(Doc) bool) {
		r := rand.New(rand.NewPCG(1, 2))
		for i := range n {
			d := base[i%len(base)]
			if i >= len(base) {
				d.Slug = fmt.Sprintf("%s-%d", d.Slug, i)
				d.Title = fmt.Sprintf("%s (%d)", d.Title, i)
				extra := make([]string, 12)
				for j := range extra {
					extra[j] = words[r.IntN(len(words))]
				}
				d.Verdict += " " + strings.Join(extra, " ")
			}
			if !yield(d) {
				return
			}
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{500, 10_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			set := loadProfiles(b)
			before := heapInUse()
			ix, err := Open(dir, set)
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			ix.SetCacheSize(0) // every query answered, not remembered
			ctx := context.Background()
			start := time.Now()
			if err := ix.Reindex(ctx, synthDocs(b, n)); err != nil {
				b.Fatal(err)
			}
			rate := float64(n) / time.Since(start).Seconds()
			heap := heapInUse() - before
			durs := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				q := benchQueries[i%len(benchQueries)]
				start := time.Now()
				res, err := ix.Search(ctx, Query{Text: q, Limit: 10})
				durs = append(durs, time.Since(start))
				if err != nil || len(res.Hits) == 0 {
					b.Fatalf("%q: %d hits, %v", q, len(res.Hits), err)
				}
			}
			b.StopTimer()
			reportPercentiles(b, durs)
			// Reported after the loop: ResetTimer drops earlier metrics.
			b.ReportMetric(rate, "index-docs/s")
			b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(dirSize(b, dir))/(1<<20), "disk-MiB")
		})
	}
}

// heapInUse is the heap in use after a collection; the index's segments
// are memory-mapped files and not part of it.
func heapInUse() int64 {
	// Twice: what sync.Pools hold survives one collection.
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// synthIndex is an index of n synthetic pages, closed when b ends.
func synthIndex(b *testing.B, n int) *Index {
	b.Helper()
	ix, err := Open(b.TempDir(), loadProfiles(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	ix.SetCacheSize(0) // every query answered, not remembered
	if err := ix.Reindex(context.Background(), synthDocs(b, n)); err != nil {
		b.Fatal(err)
	}
	return ix
}

func reportPercentiles(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	at := func(p float64) float64 {
		return float64(durs[min(len(durs)-1, int(p*float64(len(durs))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkSearchParallel is throughput: every CPU searching at once, the
// twelve queries in turn, at 10,000 pages.
func BenchmarkSearchParallel(b *testing.B) {
	ix := synthIndex(b, 10_000)
	ctx := context.Background()
	var next atomic.Int64
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			q := benchQueries[int(next.Add(1))%len(benchQueries)]
			if _, err := ix.Search(ctx, Query{Text: q, Limit: 10}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "queries/s")
}

// BenchmarkQueries times each visitor query alone at 10,000 pages.
func BenchmarkQueries(b *testing.B) {
	ix := synthIndex(b, 10_000)
	ctx := context.Background()
	for _, q := range benchQueries {
		b.Run(q, func(b *testing.B) {
			var total int
			for b.Loop() {
				res, err := ix.Search(ctx, Query{Text: q, Limit: 10})
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "hits")
		})
	}
}

func BenchmarkSuggest(b *testing.B) {
	ix := synthIndex(b, 10_000)
	ctx := context.Background()
	prefixes := []string{"h", "hip", "iso 27", "sarb", "gd", "nis"}
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := ix.Suggest(ctx, prefixes[i%len(prefixes)], 8); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, durs)
}

// BenchmarkIndexing measures a full rebuild: docs/s and the heap it leaves.
func BenchmarkIndexing(b *testing.B) {
	const n = 2_000
	set := loadProfiles(b)
	var docs []Doc
	for d := range synthDocs(b, n) {
		docs = append(docs, d)
	}
	var total time.Duration
	var heap int64
	for b.Loop() {
		// The documents to index are the benchmark's, not the index's.
		before := heapInUse()
		ix, err := Open(b.TempDir(), set)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		err = ix.Reindex(context.Background(), func(yield func(Doc) bool) {
			for _, d := range docs {
				if !yield(d) {
					return
				}
			}
		})
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		heap = heapInUse() - before
		ix.Close()
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "docs/s")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
}
