package bench

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// Renamed copies load as a clean set of distinct standards.
func TestWriteScaledProfiles(t *testing.T) {
	for _, n := range []int{10, 32, 70} {
		dir := t.TempDir()
		if err := WriteScaledProfiles(dir, n); err != nil {
			t.Fatal(err)
		}
		set, err := profile.Load(dir)
		if err != nil {
			t.Fatalf("%d standards: %v", n, err)
		}
		if set.Len() != n {
			t.Errorf("%d standards: the set has %d", n, set.Len())
		}
		if n > 32 {
			p, ok := set.Get("gdpr-c2")
			if !ok || p.ShortName != "GDPR C2" || len(p.Aliases) != 0 {
				t.Errorf("copy of gdpr: %+v", p)
			}
		}
	}
}

// versusBinary builds the versus command, which the scale bench runs as
// its server.
func versusBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "versus")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/versus-dev/versus/cmd/versus").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// A small scale run measures every figure, of a server running in its own
// process.
func TestScaleSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole product")
	}
	prefix := filepath.Join(t.TempDir(), "heap")
	fs, err := Scale(context.Background(), t.TempDir(), []int{6}, ScaleOptions{Binary: versusBinary(t), HeapProfiles: prefix}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	f := fs[0]
	if f.Pages != 15 || f.EnqueueAnswer <= 0 || f.Settle <= 0 || f.QueueKB <= 0 || f.ListKB <= 0 || f.SearchP99 <= 0 ||
		f.PeakRSS == 0 || f.HeapInUse == 0 || f.HeapInReview == 0 || f.StoreBytes["KV_"+store.PagesBucket] == 0 {
		t.Errorf("figures: %+v", f)
	}
	// Each query's round trip holds its server time, so every quantile does.
	if f.SearchRTTP50 < f.SearchP50 || f.SearchRTTP99 < f.SearchP99 {
		t.Errorf("search: server %s / %s, round trip %s / %s", f.SearchP50, f.SearchP99, f.SearchRTTP50, f.SearchRTTP99)
	}
	// The mix repeats, so the result cache answers some (at 6 standards,
	// after the warm-up, all); the searched ones are timed apart.
	if f.SearchCacheHits == 0 || f.SearchCacheHits > 400 || (f.SearchCacheHits < 400) != (f.SearchUncachedP99 > 0) {
		t.Errorf("search: %d of 400 from the cache, searched p99 %s", f.SearchCacheHits, f.SearchUncachedP99)
	}
	var phases []string
	for _, p := range f.PhaseRSS {
		phases = append(phases, p.Phase)
		if p.Peak == 0 && p.Phase != "stop" {
			t.Errorf("phase %s: no resident memory sampled", p.Phase)
		}
	}
	if got, want := strings.Join(phases, ","), "start,settle,lists,approve,index,search,stop"; got != want {
		t.Errorf("phases %s, want %s", got, want)
	}
	// The server's peak is its own: the sampled phases never exceed it.
	if top := f.PeakPhase(); top.Peak > f.PeakRSS || top.Peak == 0 {
		t.Errorf("peak phase %+v, VmHWM %d", top, f.PeakRSS)
	}
	for _, ph := range []string{"review", "approved", "indexed", "searched"} {
		if st, err := os.Stat(prefix + ".6." + ph + ".pb.gz"); err != nil || st.Size() == 0 {
			t.Errorf("heap profile %s: %v", ph, err)
		}
	}
	md := ScaleMarkdown(fs)
	for _, want := range []string{"| 6 | 15 |", "resident memory at 6 standards", "store at 6 standards"} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
}

func TestServerTiming(t *testing.T) {
	for _, tt := range []struct {
		h    string
		want time.Duration
		ok   bool
	}{
		{"search;dur=1.250", 1250 * time.Microsecond, true},
		{"db;dur=3, search;desc=\"x\";dur=0.5", 500 * time.Microsecond, true},
		{"db;dur=3", 0, false},
		{"search", 0, false},
		{"search;dur=abc", 0, false},
		{"search;dur=-1", 0, false},
		{"", 0, false},
	} {
		got, ok := serverTiming(tt.h, "search")
		if got != tt.want || ok != tt.ok {
			t.Errorf("serverTiming(%q) = %s, %v; want %s, %v", tt.h, got, ok, tt.want, tt.ok)
		}
	}
}

func TestStatusField(t *testing.T) {
	status := "Name:\tversus\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n"
	if v, ok := statusField(status, "VmHWM"); !ok || v != 200<<20 {
		t.Errorf("VmHWM = %d, %v", v, ok)
	}
	if v, ok := statusField(status, "VmRSS"); !ok || v != 100<<20 {
		t.Errorf("VmRSS = %d, %v", v, ok)
	}
	if _, ok := statusField(status, "VmSwap"); ok {
		t.Error("a missing field was found")
	}
}

func TestRecordCounts(t *testing.T) {
	metrics := `# HELP versus_records Pages and sections by state.
# TYPE versus_records gauge
versus_records{kind="page",state="in_review"} 19873
versus_records{kind="page",state="needs_attention"} 27
versus_records{kind="section",state="in_review"} 200
versus_records{kind="section",state="approved"} 0
versus_queue_depth 0
`
	got := recordCounts([]byte(metrics))
	if got["page"]["in_review"] != 19873 || got["page"]["needs_attention"] != 27 || got["section"]["in_review"] != 200 || len(got["section"]) != 2 {
		t.Errorf("recordCounts = %v", got)
	}
}

func TestParseHeapStats(t *testing.T) {
	text := "heap profile: 1: 2 [3: 4] @ heap/1048576\n# runtime.MemStats\n# Alloc = 5\n# HeapInuse = 123456\n# GCCPUFraction = 0.2076\n"
	inuse, gc, err := parseHeapStats([]byte(text))
	if err != nil || inuse != 123456 || gc != 0.2076 {
		t.Errorf("parseHeapStats = %d, %g, %v", inuse, gc, err)
	}
	if _, _, err := parseHeapStats([]byte("# Alloc = 5\n")); err == nil {
		t.Error("no HeapInuse line: no error")
	}
}
