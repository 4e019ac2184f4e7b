package validate

import (
	"syscall"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// BenchmarkValidatePage parses and validates a typical page (the reference
// page in testdata) per iteration.
//
// Each iteration uses a fresh copy of the profile set, so the section memo
// starts cold: this is the cost of a page whose sections were never seen.
func BenchmarkValidatePage(b *testing.B) {
	set := loadTestSet(b)
	data := []byte(readPage(b, "clean.md"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	fresh := freshSets(b, set)
	for b.Loop() {
		pg, src, _ := page.ParseWithSource(data)
		if fs := Page(pg, src, fresh()); len(fs) != 0 {
			b.Fatal(fs)
		}
	}
	reportCPU(b, cpu0)
}

// freshSets returns a function that empties the section memo and hands
// out set, so that no iteration reuses what an earlier one found.
func freshSets(tb testing.TB, set *profile.Set) func() *profile.Set {
	return func() *profile.Set {
		sections.mu.Lock()
		clear(sections.m)
		sections.mu.Unlock()
		return set
	}
}

// cpuTime is the process's user+system CPU time. On a shared machine the
// wall clock per op includes waiting for a core; CPU time per op does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op and pages/cpu-s (includes GC work).
func reportCPU(b *testing.B, since time.Duration) {
	if d := cpuTime() - since; d > 0 && b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(b.N)/d.Seconds(), "pages/cpu-s")
	}
}

// BenchmarkValidatePageReal does the same with the project's profiles and a
// page composed from them.
func BenchmarkValidatePageReal(b *testing.B) {
	set := loadRealSet(b)
	a, _ := set.Get("iso-27001")
	c, _ := set.Get("gdpr")
	if a == nil || c == nil {
		b.Skip("iso-27001 or gdpr profile missing")
	}
	data := page.Render(composePage(a, c))
	b.ReportAllocs()
	fresh := freshSets(b, set)
	cpu0 := cpuTime()
	for b.Loop() {
		pg, src, _ := page.ParseWithSource(data)
		Page(pg, src, fresh())
	}
	reportCPU(b, cpu0)
}

// FuzzPage feeds arbitrary Markdown through the parser and the validator:
// validation must not panic, and every finding must name a known rule (or a
// parser rule) and say something.
func FuzzPage(f *testing.F) {
	set := loadTestSet(f)
	f.Add([]byte(readPage(f, "clean.md")))
	f.Add([]byte("# A vs B\n## Quick Verdict\n**x [y](z `q <b>\n"))
	f.Add([]byte("## ISO 27001\n- ISO/IEC 27001:1999 (2001) 12 controls mandatory\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pg, src, _ := page.ParseWithSource(data)
		for _, fd := range Page(pg, src, set) {
			if _, ok := RuleByID(fd.Rule); !ok || fd.Message == "" || fd.Line < 0 {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}
