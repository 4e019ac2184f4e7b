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
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// --- scale: the whole product at N standards ---

// ScaleFigures are one scale run's measurements, of a server (`versus up`)
// running in a process of its own.
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
	IndexWait        time.Duration // from the last approval until search finds every page
	// SearchP50/P99 are the server's own time for a search (its
	// Server-Timing header), over every page approved; SearchRTTP50/P99
	// are the same queries' HTTP round trips as the bench saw them.
	SearchP50, SearchP99       time.Duration
	SearchRTTP50, SearchRTTP99 time.Duration
	// SearchAgainP50/P99 are the same queries run again at once (server
	// time): the first pass pays for what indexing left behind (segment
	// merges, a facet table per new snapshot), the second shows the
	// settled index.
	SearchAgainP50, SearchAgainP99 time.Duration
	// SearchUncachedP50/P99 are the first pass's server times over the
	// queries the server's result cache did not answer (SearchCacheHits
	// of the 400 it did): what a search itself costs.
	SearchUncachedP50, SearchUncachedP99 time.Duration
	SearchCacheHits                      int
	// PeakRSS is the server process's peak resident memory (VmHWM, or a
	// sample above it: the kernel updates VmHWM lazily), and
	// PhaseRSS the largest resident set sampled (every 100 ms) in each
	// phase of the run, in order.
	PeakRSS  uint64
	PhaseRSS []PhaseRSS
	// HeapInUse is the server's Go heap in use after a forced GC at the
	// end of the run (everything approved and indexed): its live memory,
	// without garbage or memory the runtime has not handed back.
	HeapInUse uint64
	// GCCPU is the share of the server's CPU its garbage collector took,
	// from the start to the end of the run (GCCPUFraction): high under a
	// memory limit close to the live heap.
	GCCPU float64
	// HeapInReview is the same, once every record settled in review
	// (before approving): what holding 19,900 pages in review costs.
	HeapInReview uint64
	// StoreBytes are the bytes held by each stream and bucket at the end
	// (the figures the settings' limits are sized from).
	StoreBytes map[string]uint64
}

// PeakPhase is the phase in which the server's resident set was largest.
func (f ScaleFigures) PeakPhase() PhaseRSS {
	var top PhaseRSS
	for _, p := range f.PhaseRSS {
		if p.Peak > top.Peak {
			top = p
		}
	}
	return top
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

// ScaleOptions say how the scale bench runs the server.
type ScaleOptions struct {
	// Binary is the versus executable run as the server (`versus up`).
	Binary string
	// Env is added to the server's environment (GOMEMLIMIT=…, GOGC=…).
	Env []string
	// MemoryLimit, when set, is the server's --memory-limit.
	MemoryLimit string
	// HeapProfiles, when set, is a path prefix: the server's heap profile
	// (live objects after a GC, and every allocation since the start) is
	// written at the end of each phase, PREFIX.<standards>.<phase>.pb.gz.
	HeapProfiles string
	// CPUProfile, when set, is a path prefix: the server's CPU profile of
	// the first 30 s of settling, PREFIX.<standards>.settle.pb.gz.
	CPUProfile string
}

// Scale runs the offline pipeline at each of sizes standards (in order,
// smallest first) and measures what an operator and an editor wait for.
// Each size runs `versus up` (opts.Binary) in a process of its own on a
// fresh data folder, and talks to it over HTTP only, as a client would.
func Scale(ctx context.Context, dir string, sizes []int, opts ScaleOptions, log io.Writer) ([]ScaleFigures, error) {
	var out []ScaleFigures
	for _, n := range sizes {
		fmt.Fprintf(log, "scale: %d standards…\n", n)
		f, err := scaleRun(ctx, filepath.Join(dir, fmt.Sprintf("s%d", n)), n, opts, log)
		if err != nil {
			return out, fmt.Errorf("%d standards: %w", n, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func scaleRun(ctx context.Context, dir string, n int, opts ScaleOptions, log io.Writer) (f ScaleFigures, err error) {
	f = ScaleFigures{Standards: n, Pages: n * (n - 1) / 2}
	prof := filepath.Join(dir, "profiles")
	if err := WriteScaledProfiles(prof, n); err != nil {
		return f, err
	}
	set, err := profile.Load(prof)
	if err != nil {
		return f, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	data := filepath.Join(dir, "data")
	var args []string
	if opts.MemoryLimit != "" {
		args = append(args, "--memory-limit", opts.MemoryLimit)
	}
	srv, err := startServer(ctx, opts.Binary, data, prof, filepath.Join(dir, "server.log"), opts.Env, args...)
	if err != nil {
		return f, err
	}
	defer func() {
		if serr := srv.stop(); serr != nil && err == nil {
			err = serr
		}
	}()
	tok, err := os.ReadFile(filepath.Join(data, "admin.token"))
	if err != nil {
		return f, err
	}
	c := &apiClient{base: srv.Base, token: strings.TrimSpace(string(tok))}
	phase := func(name string) error {
		srv.rss.enter(name)
		fmt.Fprintf(log, "scale: %d standards: %s\n", n, name)
		return nil
	}
	profileHeap := func(name string) error {
		if opts.HeapProfiles == "" {
			return nil
		}
		return c.save(ctx, srv.Pprof+"/heap?gc=1", fmt.Sprintf("%s.%d.%s.pb.gz", opts.HeapProfiles, n, name))
	}

	// Enqueue everything, and wait until every record is judged.
	_ = phase("settle")
	start := time.Now()
	if opts.CPUProfile != "" {
		go func() {
			path := fmt.Sprintf("%s.%d.settle.pb.gz", opts.CPUProfile, n)
			if err := c.save(ctx, srv.Pprof+"/profile?seconds=30", path); err != nil {
				fmt.Fprintf(log, "scale: cpu profile: %v\n", err)
			}
		}()
	}
	var acc struct{ Queued int }
	if err := c.json(ctx, "POST", "/api/jobs", `{"all":true}`, http.StatusAccepted, &acc); err != nil {
		return f, err
	}
	f.EnqueueAnswer = time.Since(start)
	if acc.Queued != f.Pages {
		return f, fmt.Errorf("queued %d, want %d", acc.Queued, f.Pages)
	}
	if f.Attention, err = c.settle(ctx, f.Pages, n); err != nil {
		return f, err
	}
	f.Settle = time.Since(start)
	if f.HeapInReview, _, err = c.heapStats(ctx, srv.Pprof); err != nil {
		return f, err
	}
	if err := profileHeap("review"); err != nil {
		return f, err
	}

	// What an editor opens first.
	_ = phase("lists")
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
	_ = phase("approve")
	t0 = time.Now()
	if err := c.approveAll(ctx); err != nil {
		return f, err
	}
	f.ApproveTime = time.Since(t0)
	if err := profileHeap("approved"); err != nil {
		return f, err
	}
	_ = phase("index")
	t0 = time.Now()
	want := f.Pages - f.Attention
	for {
		var res struct{ Total int }
		if err := c.json(ctx, "GET", "/api/search?q=&limit=1", "", http.StatusOK, &res); err != nil {
			return f, err
		}
		if res.Total >= want {
			break
		}
		select {
		case <-ctx.Done():
			return f, fmt.Errorf("index: %d of %d pages: %w", res.Total, want, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
	f.IndexWait = time.Since(t0)
	if err := profileHeap("indexed"); err != nil {
		return f, err
	}

	_ = phase("search")
	first, err := c.searchTimes(ctx, set)
	if err != nil {
		return f, err
	}
	again, err := c.searchTimes(ctx, set)
	if err != nil {
		return f, err
	}
	f.SearchP50, f.SearchP99 = first.server.p50, first.server.p99
	f.SearchRTTP50, f.SearchRTTP99 = first.rtt.p50, first.rtt.p99
	f.SearchAgainP50, f.SearchAgainP99 = again.server.p50, again.server.p99
	f.SearchUncachedP50, f.SearchUncachedP99, f.SearchCacheHits = first.uncached.p50, first.uncached.p99, first.hits
	if f.HeapInUse, f.GCCPU, err = c.heapStats(ctx, srv.Pprof); err != nil {
		return f, err
	}
	if err := profileHeap("searched"); err != nil {
		return f, err
	}
	_ = phase("stop")
	f.PeakRSS, _ = procStatus(srv.cmd.Process.Pid, "VmHWM")
	f.PhaseRSS = srv.rss.Peaks()
	// The kernel updates the high-water mark lazily: a sample may top it.
	f.PeakRSS = max(f.PeakRSS, f.PeakPhase().Peak)
	if err := srv.stop(); err != nil {
		return f, err
	}
	f.StoreBytes, err = storeBytes(ctx, data)
	return f, err
}

// settle polls the server's metrics (versus_records, counted in place
// from its mirrors) until every page and section is judged (in review or
// needing attention), and returns the pages needing attention. It polls
// twice a second: the settle time is good to half a second.
func (c *apiClient) settle(ctx context.Context, pages, sections int) (int, error) {
	judged := func(m map[string]int) int { return m[string(store.InReview)] + m[string(store.NeedsAttention)] }
	for {
		body, err := c.get(ctx, "/metrics")
		if err != nil {
			return 0, err
		}
		counts := recordCounts(body)
		p, s := counts[string(store.KindPage)], counts[string(store.KindSection)]
		if judged(p) == pages && judged(s) == sections {
			return p[string(store.NeedsAttention)], nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("settle: %d of %d pages and %d of %d sections judged: %w",
				judged(p), pages, judged(s), sections, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// recordLine is one versus_records sample of the Prometheus text format.
var recordLine = regexp.MustCompile(`(?m)^versus_records\{kind="([a-z_]+)",state="([a-z_]+)"\} ([0-9.e+]+)$`)

// recordCounts reads the records by kind and state from a metrics page.
func recordCounts(metrics []byte) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, m := range recordLine.FindAllSubmatch(metrics, -1) {
		n, err := strconv.ParseFloat(string(m[3]), 64)
		if err != nil {
			continue
		}
		if out[string(m[1])] == nil {
			out[string(m[1])] = map[string]int{}
		}
		out[string(m[1])][string(m[2])] = int(n)
	}
	return out
}

// approveAll approves every section in review, then every page in review
// without errors, 500 to a bulk approval, as an editor's script would.
func (c *apiClient) approveAll(ctx context.Context) error {
	type item struct {
		Slug     string `json:"slug,omitempty"`
		Standard string `json:"standard,omitempty"`
		Revision uint64 `json:"revision"`
		Errors   int    `json:"errors"`
	}
	list := func(path, field string) ([]item, error) {
		var all []item
		cursor := ""
		for {
			var res map[string]json.RawMessage
			if err := c.json(ctx, "GET", path+"&cursor="+url.QueryEscape(cursor), "", http.StatusOK, &res); err != nil {
				return nil, err
			}
			var rows []item
			if err := json.Unmarshal(res[field], &rows); err != nil {
				return nil, fmt.Errorf("GET %s: %w", path, err)
			}
			all = append(all, rows...)
			if err := json.Unmarshal(res["next"], &cursor); err != nil || cursor == "" {
				return all, nil
			}
		}
	}
	secs, err := list("/api/sections?state=in_review&limit=500", "sections")
	if err != nil {
		return err
	}
	for _, s := range secs {
		if err := c.json(ctx, "POST", "/api/sections/"+s.Standard+"/approve", fmt.Sprintf(`{"revision":%d}`, s.Revision), http.StatusOK, nil); err != nil {
			return err
		}
	}
	pages, err := list("/api/pages?state=in_review&limit=500", "pages")
	if err != nil {
		return err
	}
	type approval struct {
		Slug     string `json:"slug"`
		Revision uint64 `json:"revision"`
	}
	var batch []approval
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		b, _ := json.Marshal(map[string]any{"pages": batch})
		batch = batch[:0]
		var res struct{ Refused int }
		if err := c.json(ctx, "POST", "/api/pages/bulk-approve", string(b), http.StatusOK, &res); err != nil {
			return err
		}
		if res.Refused > 0 {
			return fmt.Errorf("bulk approve: %d refused", res.Refused)
		}
		return nil
	}
	for _, p := range pages {
		if p.Errors > 0 {
			continue
		}
		batch = append(batch, approval{p.Slug, p.Revision})
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// quantiles are the median and the 99th percentile of some durations.
type quantiles struct{ p50, p99 time.Duration }

func quantilesOf(ds []time.Duration) quantiles {
	slices.Sort(ds)
	return quantiles{ds[len(ds)/2], ds[len(ds)*99/100]}
}

// searchPass is one pass of the search mix.
type searchPass struct {
	server, rtt quantiles
	uncached    quantiles // server time of the answers not from the cache
	hits        int       // answers the result cache gave
}

// searchTimes runs 400 timed queries of the kinds visitors type (a pair,
// one standard, a topic) through GET /api/search, after 50 that warm the
// caches: the server's own time (Server-Timing) and the round trip, and
// the server's time over the queries its result cache did not answer
// (the mix repeats its five topics, which the cache then answers).
func (c *apiClient) searchTimes(ctx context.Context, set *profile.Set) (searchPass, error) {
	var out searchPass
	all := set.All()
	topics := []string{"incident reporting", "penalties", "certification audit", "personal data", "risk assessment"}
	var srv, rtt, miss []time.Duration
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
		resp, err := c.send(ctx, "GET", "/api/search?q="+url.QueryEscape(q), "")
		if err != nil {
			return out, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(t0)
		if err != nil {
			return out, err
		}
		if resp.StatusCode != http.StatusOK {
			return out, fmt.Errorf("search %q: %d", q, resp.StatusCode)
		}
		d, ok := serverTiming(resp.Header.Get("Server-Timing"), "search")
		if !ok {
			return out, fmt.Errorf("search %q: no Server-Timing search;dur= in the answer", q)
		}
		if i < 50 {
			continue
		}
		srv, rtt = append(srv, d), append(rtt, took)
		if strings.Contains(resp.Header.Get("Server-Timing"), "cache;desc=hit") {
			out.hits++
		} else {
			miss = append(miss, d)
		}
	}
	out.server, out.rtt = quantilesOf(srv), quantilesOf(rtt)
	if len(miss) > 0 {
		out.uncached = quantilesOf(miss)
	}
	return out, nil
}

// serverTiming reads the duration of metric name from a Server-Timing
// header ("search;dur=1.234, db;dur=5"), given in milliseconds.
func serverTiming(h, name string) (time.Duration, bool) {
	for _, m := range strings.Split(h, ",") {
		parts := strings.Split(strings.TrimSpace(m), ";")
		if strings.TrimSpace(parts[0]) != name {
			continue
		}
		for _, p := range parts[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "dur="); ok {
				ms, err := strconv.ParseFloat(v, 64)
				if err != nil || ms < 0 {
					return 0, false
				}
				return time.Duration(ms * float64(time.Millisecond)), true
			}
		}
	}
	return 0, false
}

// heapStats reads the server's Go heap in use after a forced GC and the
// share of its CPU the collector has taken, from its heap profile's text
// form ("# HeapInuse = N", "# GCCPUFraction = F").
func (c *apiClient) heapStats(ctx context.Context, pprofBase string) (uint64, float64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", pprofBase+"/heap?gc=1&debug=1", nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	return parseHeapStats(b)
}

var (
	heapInuseLine = regexp.MustCompile(`(?m)^# HeapInuse = (\d+)$`)
	gcCPULine     = regexp.MustCompile(`(?m)^# GCCPUFraction = ([0-9.eE+-]+)$`)
)

func parseHeapStats(b []byte) (uint64, float64, error) {
	m := heapInuseLine.FindSubmatch(b)
	if m == nil {
		return 0, 0, fmt.Errorf("heap profile: no HeapInuse line (%d bytes)", len(b))
	}
	inuse, err := strconv.ParseUint(string(m[1]), 10, 64)
	if err != nil {
		return 0, 0, err
	}
	var gc float64
	if m := gcCPULine.FindSubmatch(b); m != nil {
		gc, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	return inuse, gc, nil
}

// save writes what GET url answers to path.
func (c *apiClient) save(ctx context.Context, u, path string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// storeBytes opens the stopped server's data folder with an embedded NATS
// server of this process and reads how many bytes each stream and bucket
// holds (the figures the settings' limits are sized from).
func storeBytes(ctx context.Context, data string) (map[string]uint64, error) {
	emb, err := broker.StartEmbedded(ctx, broker.EmbeddedConfig{Dir: data})
	if err != nil {
		return nil, err
	}
	defer emb.Shutdown()
	nc, err := emb.Connect("bench")
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	out := map[string]uint64{}
	for _, name := range []string{store.JobsStream, store.EventsStream, "KV_" + store.PagesBucket, "KV_" + store.SectionsBucket, "KV_" + jobs.RunsBucket} {
		st, err := js.Stream(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", name, err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", name, err)
		}
		out[name] = info.State.Bytes
	}
	return out, nil
}

// apiClient calls a versus server with the admin token.
type apiClient struct{ base, token string }

// send makes a request with the token; the caller closes the body.
func (c *apiClient) send(ctx context.Context, method, path, body string) (*http.Response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return resp, nil
}

func (c *apiClient) do(ctx context.Context, method, path, body string) (int, []byte, error) {
	resp, err := c.send(ctx, method, path, body)
	if err != nil {
		return 0, nil, err
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

// ScaleMarkdown is the scale runs as the README's table, with each run's
// resident memory by phase, its search passes and its store below.
func ScaleMarkdown(fs []ScaleFigures) string {
	var b strings.Builder
	b.WriteString("| standards | pages | enqueue answer | settled (offline) | needs attention | `GET /api/pages?limit=100` | review queue page | approve all | index caught up | search p50 / p99 (server) | search p50 / p99 (HTTP) | server peak RSS (phase) | heap in use (in review / approved) |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range fs {
		top := f.PeakPhase()
		fmt.Fprintf(&b, "| %d | %d | %s | %s | %d | %.0f KB in %s | %.0f KB in %s | %s | %s | %s / %s | %s / %s | %d MiB (%s) | %d / %d MiB |\n",
			f.Standards, f.Pages, f.EnqueueAnswer.Round(time.Millisecond), f.Settle.Round(100*time.Millisecond), f.Attention,
			f.ListKB, f.ListTime.Round(time.Millisecond), f.QueueKB, f.QueueTime.Round(time.Millisecond),
			f.ApproveTime.Round(100*time.Millisecond), f.IndexWait.Round(100*time.Millisecond),
			f.SearchP50.Round(10*time.Microsecond), f.SearchP99.Round(10*time.Microsecond),
			f.SearchRTTP50.Round(10*time.Microsecond), f.SearchRTTP99.Round(10*time.Microsecond),
			f.PeakRSS>>20, top.Phase, f.HeapInReview>>20, f.HeapInUse>>20)
	}
	for _, f := range fs {
		fmt.Fprintf(&b, "\nresident memory at %d standards, largest per phase:", f.Standards)
		for _, p := range f.PhaseRSS {
			if p.Phase != "stop" {
				fmt.Fprintf(&b, " %s %d MiB;", p.Phase, p.Peak>>20)
			}
		}
		fmt.Fprintf(&b, "\ngarbage collection at %d standards: %.0f%% of the server's CPU", f.Standards, f.GCCPU*100)
		fmt.Fprintf(&b, "\nsearch at %d standards (server time): first pass p50/p99 %s / %s, of which %d of 400 answered by the result cache; the %d searched %s / %s; again at once %s / %s\n",
			f.Standards, f.SearchP50.Round(10*time.Microsecond), f.SearchP99.Round(10*time.Microsecond),
			f.SearchCacheHits, 400-f.SearchCacheHits,
			f.SearchUncachedP50.Round(10*time.Microsecond), f.SearchUncachedP99.Round(10*time.Microsecond),
			f.SearchAgainP50.Round(10*time.Microsecond), f.SearchAgainP99.Round(10*time.Microsecond))
		names := make([]string, 0, len(f.StoreBytes))
		for k := range f.StoreBytes {
			names = append(names, k)
		}
		slices.Sort(names)
		fmt.Fprintf(&b, "store at %d standards:", f.Standards)
		for _, k := range names {
			fmt.Fprintf(&b, " %s %.1f MiB;", k, float64(f.StoreBytes[k])/(1<<20))
		}
		b.WriteString("\n")
	}
	return b.String()
}
