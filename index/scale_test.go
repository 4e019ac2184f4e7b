//go:build linux

package index_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/bench"
	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/profile"
)

// The search of `versus bench scale`, without the product around it: every
// pair's page of N standards (the shipped profiles plus renamed copies, as
// bench.WriteScaledProfiles makes them), composed offline and written the
// way the indexer writes an approve-all (Apply, in bursts), then the same
// query mix as the scale bench's searchTimes.
//
//	go test -run ^$ -bench SearchScale -benchtime 400x ./index
//	go test -run ^$ -bench 'SearchScale/standards=200' -benchtime 400x -cpuprofile /tmp/cpu ./index
//
// Building 19,900 pages takes a minute or two of CPU. VERSUS_SCALE_INDEX=dir
// keeps each built index under dir (dir/s32, dir/s200) and reuses it on the
// next run while its mapping is current.

// scaleIndex opens, building it first where needed, the index of every
// pair of n standards, and says how long the build took (0 when reused).
func scaleIndex(b *testing.B, n int) (ix *index.Index, set *profile.Set, dir string, build, buildCPU time.Duration) {
	b.Helper()
	root := os.Getenv("VERSUS_SCALE_INDEX")
	if root == "" {
		root = b.TempDir()
	}
	base := filepath.Join(root, fmt.Sprintf("s%d", n))
	prof := filepath.Join(base, "profiles")
	dir = filepath.Join(base, "index")
	if _, err := os.Stat(filepath.Join(prof, ".done")); err != nil {
		os.RemoveAll(base)
		if err := bench.WriteScaledProfiles(prof, n); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(prof, ".done"), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	set, err := profile.Load(prof)
	if err != nil {
		b.Fatal(err)
	}
	if got := len(set.All()); got != n {
		b.Fatalf("%d profiles, want %d", got, n)
	}
	_, built := os.Stat(filepath.Join(dir, ".done"))
	ix, err = index.Open(dir, set)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	if built == nil && !ix.Stale() {
		return ix, set, dir, 0, 0
	}
	if err := ix.Reindex(context.Background(), func(func(index.Doc) bool) {}); err != nil {
		b.Fatal(err)
	}
	os.Remove(filepath.Join(dir, ".done"))
	// As an approve-all reaches the indexer: bursts of changes, each one
	// Apply (the burst size is what the KV watch had ready; 1,000 is typical).
	start, cpu0 := time.Now(), cpuTime()
	const burst = 1000
	var docs []index.Doc
	ctx := context.Background()
	for _, pr := range set.Pairs() {
		docs = append(docs, index.DocFromPage(compose.Page(pr[0], pr[1]), set))
		if len(docs) == burst {
			if err := ix.Apply(ctx, docs, nil); err != nil {
				b.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	if err := ix.Apply(ctx, docs, nil); err != nil {
		b.Fatal(err)
	}
	build, buildCPU = time.Since(start), cpuTime()-cpu0
	if c, err := ix.Count(); err != nil || c != n*(n-1)/2 {
		b.Fatalf("%d pages indexed (%v), want %d", c, err, n*(n-1)/2)
	}
	if err := os.WriteFile(filepath.Join(dir, ".done"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return ix, set, dir, build, buildCPU
}

// scaleQueries is searchTimes' mix: a pair, one standard's short name, a topic.
func scaleQueries(set *profile.Set, count int) []string {
	all := set.All()
	topics := []string{"incident reporting", "penalties", "certification audit", "personal data", "risk assessment"}
	qs := make([]string, count)
	for i := range qs {
		a, b := all[i%len(all)], all[(i*7+3)%len(all)]
		switch i % 3 {
		case 0:
			qs[i] = a.ShortName + " vs " + b.ShortName
		case 1:
			qs[i] = a.ShortName
		default:
			qs[i] = topics[i%len(topics)]
		}
	}
	return qs
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU is the CPU time the calling thread has used
// (CLOCK_THREAD_CPUTIME_ID): a query's own work, without the time it
// waited for a core on a busy machine.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

// BenchmarkSearchScale runs the scale bench's queries over every pair of 32
// and of 200 standards, one at a time, with the result cache off and on.
// Besides ns/op it reports p50 and p99 (wall clock), CPU time per query,
// the index's size on disk and, when it was built in this run, how long
// indexing took.
func BenchmarkSearchScale(b *testing.B) {
	for _, n := range []int{32, 200} {
		b.Run("standards="+strconv.Itoa(n), func(b *testing.B) {
			if n > 32 && testing.Short() {
				b.Skip("19,900 pages: not in -short")
			}
			ix, set, dir, build, buildCPU := scaleIndex(b, n)
			qs := scaleQueries(set, 450)
			// Uncached is what each query costs; cached is what the mix
			// costs when answers to repeated queries are kept.
			for _, size := range []int{0, index.DefaultCacheSize} {
				name := "cache=off"
				if size > 0 {
					name = "cache=on"
				}
				b.Run(name, func(b *testing.B) {
					searchMix(b, ix, qs, func() { ix.SetCacheSize(size) })
					b.ReportMetric(float64(diskSize(b, dir))/(1<<20), "disk-MiB")
					if build > 0 {
						// Composing the pages included, as in the product.
						b.ReportMetric(build.Seconds(), "build-s")
						b.ReportMetric(buildCPU.Seconds(), "build-cpu-s")
					}
				})
			}
		})
	}
}

// searchMix runs the 400 measured queries of qs in turn after the 50 that
// warm the caches, and reports p50 and p99 (wall clock) and the process's
// CPU time per query (GC included: less noisy on a shared machine). Each
// round of 400 starts from an emptied result cache (reset), as the scale
// bench's first pass does. It also reports the p50 and p99 of each query's
// own CPU time (its thread's, GC assists included), which a busy machine
// does not stretch as it stretches wall time.
func searchMix(b *testing.B, ix *index.Index, qs []string, reset func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ctx := context.Background()
	warm := func() {
		reset()
		for _, q := range qs[:50] {
			if _, err := ix.Search(ctx, index.Query{Text: q}); err != nil {
				b.Fatal(err)
			}
		}
	}
	warm()
	durs := make([]time.Duration, 0, b.N)
	cpus := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	var cpu time.Duration
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i > 0 && i%400 == 0 {
			b.StopTimer()
			cpu += cpuTime() - cpu0
			warm()
			cpu0 = cpuTime()
			b.StartTimer()
		}
		q := qs[50+i%400]
		t0, c0 := time.Now(), threadCPU()
		res, err := ix.Search(ctx, index.Query{Text: q})
		durs, cpus = append(durs, time.Since(t0)), append(cpus, threadCPU()-c0)
		if err != nil {
			b.Fatalf("%q: %v", q, err)
		}
		if len(res.Hits) == 0 && res.Gap == nil {
			b.Fatalf("%q: no hits", q)
		}
	}
	b.StopTimer()
	cpu += cpuTime() - cpu0
	slices.Sort(durs)
	slices.Sort(cpus)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(durs[len(durs)/2]), "p50-ms")
	b.ReportMetric(ms(durs[len(durs)*99/100]), "p99-ms")
	b.ReportMetric(ms(cpus[len(cpus)/2]), "cpu-p50-ms")
	b.ReportMetric(ms(cpus[len(cpus)*99/100]), "cpu-p99-ms")
	b.ReportMetric(ms(cpu/time.Duration(len(durs))), "cpu-ms/op")
}

func diskSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if fi, err := d.Info(); err == nil {
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
