package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// --- scale: the whole product at N standards ---

// ScaleFigures are one scale run's measurements.
type ScaleFigures struct {
	Standards, Pages int
	EnqueueAnswer    time.Duration // POST /api/jobs {"all":true} until its 202
	Settle           time.Duration // from the request until every record is in review
	Attention        int           // pages that settled needing attention
	ListKB           float64       // GET /api/pages?limit=100 as an editor
	ListTime         time.Duration
	QueueKB          float64 // the signed-in review queue
	QueueTime        time.Duration
	ApproveTime      time.Duration // approving every page and section over the API
	SearchP50        time.Duration // in process, over every page approved
	SearchP99        time.Duration
	// SearchAgainP50/P99 are the same queries run again at once: the
	// first pass pays for what indexing left behind (segment merges, a
	// facet table per new snapshot), the second shows the settled index.
	SearchAgainP50, SearchAgainP99 time.Duration
	TableBuilds                    int64  // facet tables built during the first pass
	PeakRSS                        uint64 // the process's peak resident memory (VmHWM) after the run, bytes
	// HeapInUse is the Go heap in use after a forced GC at the end of the
	// run: the server's live memory, without the bench client's garbage
	// or memory the runtime has not yet handed back.
	HeapInUse uint64
	// HeapInReview is the same, measured once every record settled in
	// review (before approving): what holding 19,900 pages in review costs.
	HeapInReview uint64
	// StoreBytes are the bytes held by each stream and bucket at the end
	// (the figures the settings' limits are sized from).
	StoreBytes map[string]uint64
}

// WriteScaledProfiles writes n profiles into dir: the shipped ones, then
// renamed copies of them (id "gdpr-c2", short name "GDPR C2", no aliases,
// relations or related ids), so every pair is a page of real content.
func WriteScaledProfiles(dir string, n int) error {
	ids, err := WriteProfiles(dir, 0)
	if err != nil {
		return err
	}
	slices.Sort(ids)
	for k := 2; len(ids)*(k-1) < n; k++ {
		for i, id := range ids {
			if len(ids)*(k-1)+i >= n {
				break
			}
			data, err := os.ReadFile(filepath.Join(dir, id+".yaml"))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-c%d.yaml", id, k)), renameProfile(data, k), 0o644); err != nil {
				return err
			}
		}
	}
	if n < len(ids) {
		for _, id := range ids[n:] {
			if err := os.Remove(filepath.Join(dir, id+".yaml")); err != nil {
				return err
			}
		}
		return WriteProfileIDs(dir, ids[:n]) // drop related ids that left
	}
	return nil
}

var (
	idLine    = regexp.MustCompile(`(?m)^id: (.+)$`)
	nameLine  = regexp.MustCompile(`(?m)^name: (.+)$`)
	shortLine = regexp.MustCompile(`(?m)^short_name: (.+)$`)
	aliases   = regexp.MustCompile(`(?m)^aliases:\n(?:  - .*\n)*`)
)

// renameProfile makes copy k of a profile's YAML.
func renameProfile(data []byte, k int) []byte {
	suffix := fmt.Sprintf("-c%d", k)
	data = idLine.ReplaceAll(data, []byte("id: ${1}"+suffix))
	data = nameLine.ReplaceAllFunc(data, func(l []byte) []byte {
		v := strings.Trim(strings.TrimPrefix(string(l), "name: "), `"`)
		return []byte(fmt.Sprintf("name: %q", fmt.Sprintf("%s (copy %d)", v, k)))
	})
	data = shortLine.ReplaceAllFunc(data, func(l []byte) []byte {
		v := strings.Trim(strings.TrimPrefix(string(l), "short_name: "), `"`)
		return []byte(fmt.Sprintf("short_name: %q", fmt.Sprintf("%s C%d", v, k)))
	})
	data = aliases.ReplaceAll(data, []byte("aliases: []\n"))
	data = relatedLine.ReplaceAll(data, []byte("related: []"))
	return profile.DropRelations(data, func(string) bool { return false })
}

// Scale runs the offline pipeline at each of sizes standards (in order,
// smallest first, so each peak memory figure belongs to its run) and
// measures what an operator and an editor wait for.
func Scale(ctx context.Context, dir string, sizes []int, log io.Writer) ([]ScaleFigures, error) {
	var out []ScaleFigures
	for _, n := range sizes {
		fmt.Fprintf(log, "scale: %d standards…\n", n)
		f, err := scaleRun(ctx, filepath.Join(dir, fmt.Sprintf("s%d", n)), n)
		if err != nil {
			return out, fmt.Errorf("%d standards: %w", n, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func scaleRun(ctx context.Context, dir string, n int) (ScaleFigures, error) {
	f := ScaleFigures{Standards: n, Pages: n * (n - 1) / 2}
	prof := filepath.Join(dir, "profiles")
	if err := WriteScaledProfiles(prof, n); err != nil {
		return f, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	p, err := Start(ctx, app.Config{DataDir: filepath.Join(dir, "data"), ProfilesDir: prof, Parts: app.All,
		Settings: store.DefaultSettings(), Grace: time.Second, MaxRedrafts: 2})
	if err != nil {
		return f, err
	}
	defer func() { _ = p.Stop() }()
	tok, err := os.ReadFile(filepath.Join(dir, "data", "admin.token"))
	if err != nil {
		return f, err
	}
	c := &apiClient{base: "http://" + p.Addr, token: strings.TrimSpace(string(tok))}

	start := time.Now()
	var acc struct{ Queued int }
	if err := c.json(ctx, "POST", "/api/jobs", `{"all":true}`, http.StatusAccepted, &acc); err != nil {
		return f, err
	}
	f.EnqueueAnswer = time.Since(start)
	if acc.Queued != f.Pages {
		return f, fmt.Errorf("queued %d, want %d", acc.Queued, f.Pages)
	}
	for {
		done, attention := 0, 0
		for _, r := range p.Store.Pages() {
			switch r.State {
			case store.InReview:
				done++
			case store.NeedsAttention:
				done++
				attention++
			}
		}
		for _, r := range p.Store.Sections() {
			if r.State == store.InReview || r.State == store.NeedsAttention {
				done++
			}
		}
		if done == f.Pages+n {
			f.Attention = attention
			break
		}
		select {
		case <-ctx.Done():
			return f, fmt.Errorf("settle: %d of %d records: %w", done, f.Pages+n, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	f.Settle = time.Since(start)
	f.HeapInReview = heapInUse()
	if path := os.Getenv("VERSUS_BENCH_HEAPPROFILE"); path != "" {
		if err := writeHeapProfile(fmt.Sprintf("%s.review.%d", path, n)); err != nil {
			return f, err
		}
	}

	t0 := time.Now()
	body, err := c.get(ctx, "/api/pages?limit=100")
	if err != nil {
		return f, err
	}
	f.ListTime, f.ListKB = time.Since(t0), float64(len(body))/1024
	if f.QueueKB, f.QueueTime, err = c.queue(ctx); err != nil {
		return f, err
	}

	// Approve everything, sections first, so every page is published and indexed.
	t0 = time.Now()
	for _, r := range p.Store.Sections() {
		if r.State != store.InReview {
			continue
		}
		if err := c.json(ctx, "POST", "/api/sections/"+r.Standard+"/approve", fmt.Sprintf(`{"revision":%d}`, r.Revision), http.StatusOK, nil); err != nil {
			return f, err
		}
	}
	var batch []map[string]any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		b, _ := json.Marshal(map[string]any{"pages": batch})
		batch = batch[:0]
		return c.json(ctx, "POST", "/api/pages/bulk-approve", string(b), http.StatusOK, nil)
	}
	for _, r := range p.Store.Pages() {
		if r.State != store.InReview || hasError(r) {
			continue
		}
		batch = append(batch, map[string]any{"slug": r.Slug, "revision": r.Revision})
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return f, err
			}
		}
	}
	if err := flush(); err != nil {
		return f, err
	}
	f.ApproveTime = time.Since(t0)
	want := f.Pages - f.Attention
	for {
		got, _ := p.Index.Count()
		if got >= want {
			break
		}
		select {
		case <-ctx.Done():
			return f, fmt.Errorf("index: %d of %d pages: %w", got, want, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	builds := p.Index.FacetTableBuilds()
	f.SearchP50, f.SearchP99, err = searchTimes(ctx, p.Index, p.Profiles.Set())
	if err != nil {
		return f, err
	}
	f.TableBuilds = p.Index.FacetTableBuilds() - builds
	f.SearchAgainP50, f.SearchAgainP99, err = searchTimes(ctx, p.Index, p.Profiles.Set())
	if err != nil {
		return f, err
	}
	f.PeakRSS = peakRSS()
	f.HeapInUse = heapInUse()
	if path := os.Getenv("VERSUS_BENCH_HEAPPROFILE"); path != "" {
		if err := writeHeapProfile(fmt.Sprintf("%s.%d", path, n)); err != nil {
			return f, err
		}
	}
	f.StoreBytes = map[string]uint64{}
	for _, name := range []string{store.JobsStream, store.EventsStream, "KV_" + store.PagesBucket, "KV_" + store.SectionsBucket, "KV_versus_runs"} {
		st, err := p.Store.JetStream().Stream(ctx, name)
		if err != nil {
			return f, fmt.Errorf("stream %s: %w", name, err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			return f, fmt.Errorf("stream %s: %w", name, err)
		}
		f.StoreBytes[name] = info.State.Bytes
	}
	return f, nil
}

// heapInUse is the Go heap in use after a forced GC.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// writeHeapProfile writes the heap profile (live objects after a GC) to path.
func writeHeapProfile(path string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(out, 0); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func hasError(r store.PageRecord) bool {
	for _, x := range r.Findings {
		if x.Severity == finding.Error {
			return true
		}
	}
	return false
}

// searchTimes runs 400 timed queries of the kinds visitors type (a pair, one
// standard, a topic) against the index in process.
func searchTimes(ctx context.Context, ix *index.Index, set *profile.Set) (p50, p99 time.Duration, err error) {
	all := set.All()
	topics := []string{"incident reporting", "penalties", "certification audit", "personal data", "risk assessment"}
	var ds []time.Duration
	for i := range 450 {
		a, b := all[i%len(all)], all[(i*7+3)%len(all)]
		var q string
		switch i % 3 {
		case 0:
			q = a.ShortName + " vs " + b.ShortName
		case 1:
			q = a.ShortName
		default:
			q = topics[i%len(topics)]
		}
		t0 := time.Now()
		if _, err := ix.Search(ctx, index.Query{Text: q}); err != nil {
			return 0, 0, fmt.Errorf("search %q: %w", q, err)
		}
		if i >= 50 { // the first 50 warm the caches and are not counted
			ds = append(ds, time.Since(t0))
		}
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)*99/100], nil
}

// peakRSS is this process's peak resident set (VmHWM), 0 where unknown.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// apiClient calls a versus server with the admin token.
type apiClient struct{ base, token string }

func (c *apiClient) do(ctx context.Context, method, path, body string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (c *apiClient) json(ctx context.Context, method, path, body string, want int, out any) error {
	code, b, err := c.do(ctx, method, path, body)
	if err != nil {
		return err
	}
	if code != want {
		return fmt.Errorf("%s %s: %d %.300s", method, path, code, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (c *apiClient) get(ctx context.Context, path string) ([]byte, error) {
	code, b, err := c.do(ctx, "GET", path, "")
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("GET %s: %d %.300s", path, code, b)
	}
	return b, err
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// queue signs in through the form with the admin token and times the
// review queue's first page.
func (c *apiClient) queue(ctx context.Context) (float64, time.Duration, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	get := func(path string) ([]byte, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		return io.ReadAll(resp.Body)
	}
	login, err := get("/login")
	if err != nil {
		return 0, 0, err
	}
	m := csrfField.FindSubmatch(login)
	if m == nil {
		return 0, 0, fmt.Errorf("sign-in form has no csrf field")
	}
	form := url.Values{"csrf": {string(m[1])}, "name": {"admin"}, "token": {c.token}, "next": {"/review"}}
	req, _ := http.NewRequestWithContext(ctx, "POST", c.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return 0, 0, err
	}
	resp.Body.Close()
	t0 := time.Now()
	page, err := get("/review")
	took := time.Since(t0)
	if err != nil {
		return 0, 0, err
	}
	if !bytes.Contains(page, []byte(`id="queue"`)) {
		return 0, 0, fmt.Errorf("the queue did not show after signing in (%d bytes)", len(page))
	}
	return float64(len(page)) / 1024, took, nil
}

// ScaleMarkdown is the scale runs as the README's table.
func ScaleMarkdown(fs []ScaleFigures) string {
	var b strings.Builder
	b.WriteString("| standards | pages | enqueue answer | settled (offline) | needs attention | `GET /api/pages?limit=100` | review queue page | approve all | search p50 / p99 (in process) | peak RSS | heap in use (in review / approved) |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range fs {
		fmt.Fprintf(&b, "| %d | %d | %s | %s | %d | %.0f KB in %s | %.0f KB in %s | %s | %s / %s | %d MiB | %d / %d MiB |\n",
			f.Standards, f.Pages, f.EnqueueAnswer.Round(time.Millisecond), f.Settle.Round(100*time.Millisecond), f.Attention,
			f.ListKB, f.ListTime.Round(time.Millisecond), f.QueueKB, f.QueueTime.Round(time.Millisecond),
			f.ApproveTime.Round(100*time.Millisecond), f.SearchP50.Round(10*time.Microsecond), f.SearchP99.Round(10*time.Microsecond), f.PeakRSS>>20, f.HeapInReview>>20, f.HeapInUse>>20)
	}
	for _, f := range fs {
		names := make([]string, 0, len(f.StoreBytes))
		for k := range f.StoreBytes {
			names = append(names, k)
		}
		slices.Sort(names)
		fmt.Fprintf(&b, "\nsearch at %d standards: first pass p50/p99 %s / %s with %d facet tables built; again at once %s / %s\n",
			f.Standards, f.SearchP50.Round(10*time.Microsecond), f.SearchP99.Round(10*time.Microsecond), f.TableBuilds,
			f.SearchAgainP50.Round(10*time.Microsecond), f.SearchAgainP99.Round(10*time.Microsecond))
		fmt.Fprintf(&b, "store at %d standards:", f.Standards)
		for _, k := range names {
			fmt.Fprintf(&b, " %s %.1f MiB;", k, float64(f.StoreBytes[k])/(1<<20))
		}
		b.WriteString("\n")
	}
	return b.String()
}
