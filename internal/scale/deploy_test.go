package scale_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/bench"
	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/clustertest"
	"github.com/versus-dev/versus/internal/llm"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// standards is the subset the tests draft: 6 standards, 15 pages.
var standards = []string{"gdpr", "hipaa", "iso-27001", "nist-csf", "soc-2", "sox"}

const (
	nSections = 6
	nPages    = 15
)

// settings are the cluster settings of deploy/ with a short AckWait, so a
// dead worker's job comes back in seconds rather than half a minute.
func settings() store.Settings {
	st := store.DefaultSettings()
	st.Replicas = 3
	st.AckWait = 2 * time.Second
	st.BackOff = nil
	return st
}

// deployment is a 3-node cluster, a fake LLM and versus processes joined to
// the cluster as `versus up` and `versus worker KIND --nats n1,n2,n3` would.
type deployment struct {
	t        *testing.T
	cluster  *clustertest.Cluster
	llm      *llmtest.Server
	resp     *bench.Responder
	profiles string
	grace    time.Duration
	web      *bench.Proc
	webDir   string
	webToken string
	procs    map[string]*bench.Proc
}

// topology says how many processes of each kind to start.
type topology struct {
	drafters, validators, indexers int
	latency                        time.Duration
	grace                          time.Duration // a stopping worker's grace; default 5s
}

func deploy(t *testing.T, top topology, opts ...llmtest.Option) *deployment {
	t.Helper()
	d := &deployment{t: t, procs: map[string]*bench.Proc{}, grace: top.grace}
	if d.grace == 0 {
		d.grace = 5 * time.Second
	}
	d.profiles = t.TempDir()
	if err := bench.WriteProfileIDs(d.profiles, standards); err != nil {
		t.Fatal(err)
	}
	set, err := profile.Load(d.profiles)
	if err != nil {
		t.Fatalf("profiles: %v", err)
	}
	d.resp = bench.NewResponder(set)
	opts = append([]llmtest.Option{
		llmtest.WithResponder(func(r llmtest.Request) string { return d.resp.Answer(r.SchemaName, user(r)) }),
		llmtest.WithLatency(top.latency),
	}, opts...)
	d.llm = llmtest.NewServer(t, opts...)
	d.cluster = clustertest.Start(t, 3)

	d.webDir = t.TempDir()
	d.web = d.start("web", app.Parts{Web: true}, d.webDir)
	tok, err := os.ReadFile(filepath.Join(d.webDir, "admin.token"))
	if err != nil {
		t.Fatalf("admin token: %v", err)
	}
	d.webToken = strings.TrimSpace(string(tok))
	for i := range top.drafters {
		name := fmt.Sprintf("drafter-%d", i+1)
		d.procs[name] = d.start(name, app.Parts{Drafter: true}, t.TempDir())
	}
	for i := range top.validators {
		name := fmt.Sprintf("validator-%d", i+1)
		d.procs[name] = d.start(name, app.Parts{Validator: true}, t.TempDir())
	}
	for i := range top.indexers {
		name := fmt.Sprintf("indexer-%d", i+1)
		d.procs[name] = d.start(name, app.Parts{Indexer: true}, t.TempDir())
	}
	return d
}

// user is the first user message of a request: the one naming the standards.
func user(r llmtest.Request) string {
	for _, m := range r.Messages {
		if m.Role == "user" {
			return m.Content
		}
	}
	return ""
}

// start runs one process. A drafter's model name is its process name, so
// the fake LLM can tell which process sent a request (the model is not part
// of a job's identity on the worker side: the web process plans the jobs).
func (d *deployment) start(name string, parts app.Parts, dir string) *bench.Proc {
	d.t.Helper()
	model := "test"
	if parts.Drafter {
		model = name
	}
	log := zerolog.New(io.Discard)
	if testing.Verbose() {
		log = zerolog.New(zerolog.ConsoleWriter{Out: os.Stderr}).Level(zerolog.WarnLevel).With().Str("proc", name).Logger()
	}
	cfg := app.Config{
		DataDir:     dir,
		Addr:        "127.0.0.1:0", // workers serve /healthz and /metrics for probes
		NATS:        broker.ClientConfig{URL: d.cluster.URLs()},
		ProfilesDir: d.profiles,
		LLM: llm.Config{BaseURL: d.llm.URL(), Model: model, Temperature: 0.3, MaxTokens: 3000,
			Timeout: 5 * time.Second, MaxRetries: 1},
		MaxRedrafts: 2,
		Replica:     name,
		Settings:    settings(),
		Parts:       parts,
		Grace:       d.grace,
	}
	p, err := bench.Start(log.WithContext(context.Background()), cfg)
	if err != nil {
		d.t.Fatalf("%s: %v", name, err)
	}
	d.t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			d.t.Errorf("%s: %v", name, err)
		}
	})
	return p
}

// enqueueAll asks the web process to draft every pair, as an editor would.
func (d *deployment) enqueueAll() {
	d.t.Helper()
	req, _ := http.NewRequest("POST", "http://"+d.web.Addr+"/api/jobs", bytes.NewReader([]byte(`{"all":true}`)))
	req.Header.Set("Authorization", "Bearer "+d.webToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatalf("POST /api/jobs: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var res struct{ Queued int }
	_ = json.Unmarshal(body, &res)
	if resp.StatusCode != http.StatusAccepted || res.Queued != nPages {
		d.t.Fatalf("POST /api/jobs: %d %s, want 202 with %d queued", resp.StatusCode, body, nPages)
	}
}

// waitAllInReview waits until every page and section is in review.
func (d *deployment) waitAllInReview(within time.Duration) {
	d.t.Helper()
	st := d.web.Store
	deadline := time.Now().Add(within)
	for {
		n := 0
		for _, p := range st.Pages() {
			if p.State == store.InReview {
				n++
			}
		}
		for _, r := range st.Sections() {
			if r.State == store.InReview {
				n++
			}
		}
		if n == nPages+nSections {
			return
		}
		if time.Now().After(deadline) {
			// What each straggler went through, for the next reader of a failure.
			for _, p := range st.Pages() {
				if p.State != store.InReview {
					d.t.Logf("page %s: %s seq %d drafted %d attempt %d; events %v", p.Slug, p.State, p.Seq, p.Drafted, p.Attempt, eventTypes(d.history(store.KindPage, p.Slug)))
				}
			}
			for _, r := range st.Sections() {
				if r.State != store.InReview {
					d.t.Logf("section %s: %s seq %d drafted %d attempt %d; events %v", r.Standard, r.State, r.Seq, r.Drafted, r.Attempt, eventTypes(d.history(store.KindSection, r.Standard)))
				}
			}
			d.t.Fatalf("after %v: %d of %d records in review; states %v", within, n, nPages+nSections, st.StateCounts())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func eventTypes(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

// history is a record's audit log, read through the cluster.
func (d *deployment) history(kind store.Kind, key string) []store.Event {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for {
		evs, err := d.web.Store.History(ctx, kind, key)
		if err == nil {
			return evs
		}
		// A node that just came back may not answer JetStream requests yet.
		if !store.Unavailable(ctx, err) {
			d.t.Fatalf("history %s %s: %v", kind, key, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// wholeHistory is a record's audit log once it ends in the record's state
// at its revision. The log is written just after the record, so a reader
// can briefly see a record ahead of it (a writer retrying its event
// through an election); whole within seconds is the contract.
func (d *deployment) wholeHistory(kind store.Kind, key string) []store.Event {
	d.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		evs := d.history(kind, key)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var m store.Meta
		var err error
		if kind == store.KindSection {
			var r store.SectionRecord
			r, err = d.web.Store.Section(ctx, key)
			m = r.Meta
		} else {
			var r store.PageRecord
			r, err = d.web.Store.Page(ctx, key)
			m = r.Meta
		}
		cancel()
		if err == nil && len(evs) > 0 && evs[len(evs)-1].To == m.State && evs[len(evs)-1].Revision == m.Revision {
			return evs
		}
		if time.Now().After(deadline) {
			d.t.Errorf("%s %s: history %v does not end in its state %s at revision %d (read: %v)", kind, key, eventTypes(evs), m.State, m.Revision, err)
			return evs
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// records lists every record's kind and key.
func (d *deployment) records() [][2]string {
	var out [][2]string
	for _, r := range d.web.Store.Sections() {
		out = append(out, [2]string{string(store.KindSection), r.Standard})
	}
	for _, p := range d.web.Store.Pages() {
		out = append(out, [2]string{string(store.KindPage), p.Slug})
	}
	return out
}

// checkOnce asserts every record was drafted exactly once (one "drafted"
// event: no job done twice, none lost), passed validation, and never needed
// attention. It returns the drafted events' count per key.
func (d *deployment) checkOnce() {
	d.t.Helper()
	recs := d.records()
	if len(recs) != nPages+nSections {
		d.t.Fatalf("%d records, want %d", len(recs), nPages+nSections)
	}
	for _, r := range recs {
		evs := d.wholeHistory(store.Kind(r[0]), r[1])
		count := map[string]int{}
		for _, e := range evs {
			count[e.Type]++
		}
		if count["drafted"] != 1 {
			d.t.Errorf("%s %s: %d drafted events, want 1 (events %v)", r[0], r[1], count["drafted"], count)
		}
		if count["validated"] != 1 {
			d.t.Errorf("%s %s: %d validated events, want 1 (events %v)", r[0], r[1], count["validated"], count)
		}
		if count["needs_attention"] != 0 {
			d.t.Errorf("%s %s: needed attention (events %v)", r[0], r[1], count)
		}
	}
}

// calls counts the fake LLM's requests per record key.
func (d *deployment) calls() map[string]int {
	out := map[string]int{}
	for _, r := range d.llm.Requests() {
		out[d.resp.Key(r.SchemaName, user(r))]++
	}
	return out
}

// approve approves the record at path (/api/pages/… or /api/sections/…)
// at its current revision, through the web process as an editor would.
func (d *deployment) approve(path string) {
	d.t.Helper()
	call := func(method, path string, body []byte) (int, []byte) {
		req, _ := http.NewRequest(method, "http://"+d.web.Addr+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+d.webToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			d.t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body := call("GET", path, nil)
	var rec struct{ Revision uint64 }
	if err := json.Unmarshal(body, &rec); code != http.StatusOK || err != nil {
		d.t.Fatalf("GET %s: %d %s", path, code, body)
	}
	if code, body := call("POST", path+"/approve", []byte(fmt.Sprintf(`{"revision":%d}`, rec.Revision))); code != http.StatusOK {
		d.t.Fatalf("approve %s: %d %s", path, code, body)
	}
}
