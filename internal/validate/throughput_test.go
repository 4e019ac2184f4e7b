package validate

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// writePages writes n pages composed from the project's profiles into dir:
// every pair, in turn, with its verdict's sentences in one of their six
// orders, so that the pair parts differ while each standard's section is
// the same on all its pages, as the pipeline composes them.
func writePages(tb testing.TB, set *profile.Set, dir string, n int) []string {
	tb.Helper()
	pairs := set.Pairs()
	orders := [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	var files []string
	for i := 0; i < n; i++ {
		pr := pairs[i%len(pairs)]
		pg := composePage(pr[0], pr[1])
		if v := i / len(pairs); v > 0 {
			ss := sentences(pg.Verdict)
			o := orders[v%len(orders)]
			var parts []string
			for _, k := range o {
				if k < len(ss) {
					parts = append(parts, pg.Verdict[ss[k].start:ss[k].end])
				}
			}
			pg.Verdict = strings.Join(parts, " ")
		}
		name := filepath.Join(dir, fmt.Sprintf("%04d-%s.md", i, pg.Slug))
		if err := os.WriteFile(name, page.Render(pg), 0o644); err != nil {
			tb.Fatal(err)
		}
		files = append(files, name)
	}
	return files
}

// validateFiles does what `versus validate PAGE...` does after loading the
// profiles: read every file, parse and validate it, check the verdicts
// against each other, and print every finding.
func validateFiles(w io.Writer, set *profile.Set, files []string) (errs int) {
	type result struct {
		fs     []finding.Finding
		lineOf func(string) int
	}
	results := make([]result, len(files))
	corpus := NewCorpus()
	for i, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			panic(err)
		}
		pg, src, pfs := page.ParseWithSource(data)
		results[i] = result{Merge(pfs, Page(pg, src, set)), func(p string) int { return SourceLine(src, p) }}
		corpus.Add(name, pg.Verdict)
	}
	dups := corpus.NearDuplicates(NearDuplicateThreshold)
	for i, r := range results {
		for _, f := range dups[files[i]] {
			f.Line = r.lineOf(f.Field)
			r.fs = append(r.fs, f)
		}
		for j := range r.fs {
			r.fs[j].File = files[i]
		}
		finding.Sort(r.fs)
		for _, f := range r.fs {
			fmt.Fprintln(w, f.String())
			if f.Severity == finding.Error {
				errs++
			}
		}
	}
	return errs
}

// BenchmarkValidate3000 is `versus validate` on 3,000 pages on one core,
// reading the files included (profile loading aside, done once per call).
// Its baseline in the same run is reading and parsing the same files, so
// the ratio ("x-parse") holds on a loaded machine where pages/s do not.
func BenchmarkValidate3000(b *testing.B) {
	set := loadRealSet(b)
	files := writePages(b, set, b.TempDir(), 3000)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))

	parse := func() time.Duration {
		t0 := cpuTime()
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				b.Fatal(err)
			}
			page.ParseWithSource(data)
		}
		return cpuTime() - t0
	}
	var parseCPU, valCPU time.Duration
	for b.Loop() {
		parseCPU += parse()
		fresh, err := profile.NewSet(set.All()...) // one call, one set: the section memo starts cold
		if err != nil {
			b.Fatal(err)
		}
		t0 := cpuTime()
		validateFiles(io.Discard, fresh, files)
		valCPU += cpuTime() - t0
	}
	pps := float64(len(files)*b.N) / valCPU.Seconds()
	b.ReportMetric(pps, "pages/cpu-s")
	b.ReportMetric(float64(len(files)*b.N)/parseCPU.Seconds(), "parse-pages/cpu-s")
	b.ReportMetric(valCPU.Seconds()/parseCPU.Seconds(), "x-parse")
}

// TestWritePages writes the benchmark's 3,000 pages to $VERSUS_PAGES_DIR,
// to time the real command on them:
//
//	VERSUS_PAGES_DIR=/tmp/pages go test -run TestWritePages ./internal/validate
//	time GOMAXPROCS=1 versus validate --profiles profiles /tmp/pages/*.md > /dev/null
func TestWritePages(t *testing.T) {
	dir := os.Getenv("VERSUS_PAGES_DIR")
	if dir == "" {
		t.Skip("set VERSUS_PAGES_DIR to write the pages")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pages in %s", len(writePages(t, loadRealSet(t), dir, 3000)), dir)
}
