package scale_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/bench"
	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/clustertest"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

// Several workers of each kind on a 3-node cluster draft every pair: each
// record is drafted once and validated once, by whichever worker took it,
// and every search replica follows the events on its own consumer.
func TestClusterManyWorkers(t *testing.T) {
	d := deploy(t, topology{drafters: 3, validators: 2, indexers: 2, latency: 50 * time.Millisecond})
	d.enqueueAll()
	d.waitAllInReview(45 * time.Second)
	d.checkOnce()
	for key, n := range d.calls() {
		if n != 1 {
			t.Errorf("%q: %d LLM calls, want 1", key, n)
		}
	}
	// The work was shared: more than one drafter called the LLM.
	by := map[string]int{}
	for _, r := range d.llm.Requests() {
		by[r.Model]++
	}
	if len(by) < 2 {
		t.Errorf("calls by drafter %v: the work was not shared", by)
	}
	// Every replica (the web process's and each indexer's) follows the
	// records on its own: approving a page and its sections publishes it
	// in each index.
	pg := d.web.Store.Pages()[0]
	d.approve("/api/pages/" + pg.Slug)
	d.approve("/api/sections/" + pg.Standards[0])
	d.approve("/api/sections/" + pg.Standards[1])
	for _, p := range []*bench.Proc{d.web, d.procs["indexer-1"], d.procs["indexer-2"]} {
		natstest.Eventually(t, 20*time.Second, "the approved page in every replica's index", func() bool {
			n, err := p.Index.Count()
			return err == nil && n == 1
		})
	}
	// Workers answer the probes deploy/ points at them.
	for name, p := range d.procs {
		resp, err := http.Get("http://" + p.Addr + "/healthz")
		if err != nil {
			t.Fatalf("%s /healthz: %v", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s /healthz: %d", name, resp.StatusCode)
		}
	}
	// Every stream and bucket is replicated on all three nodes.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	js := d.web.Store.JetStream()
	for _, name := range []string{store.JobsStream, store.EventsStream, "KV_" + store.PagesBucket, "KV_" + store.SectionsBucket, "KV_" + auth.Bucket} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		if info.Config.Replicas != 3 || info.Cluster == nil || len(info.Cluster.Replicas) != 2 {
			t.Errorf("stream %s: replicas %d, cluster %+v; want 3 (a leader and two followers)", name, info.Config.Replicas, info.Cluster)
		}
	}
}

// The node leading the jobs stream goes down mid-run and comes back later:
// the other two elect a new leader, workers reconnect, and the run completes
// with nothing lost and nothing done twice.
func TestClusterStreamLeaderLost(t *testing.T) {
	d := deploy(t, topology{drafters: 2, validators: 2, latency: 150 * time.Millisecond})
	d.enqueueAll()
	if !d.llm.WaitCount(5, 20*time.Second) {
		t.Fatal("drafting did not start")
	}
	leader := d.cluster.WaitStreamLeader(t, store.JobsStream, nil, 10*time.Second)
	leader.Shutdown()
	t.Logf("stopped %s, the leader of %s, after %d LLM calls", leader.Name, store.JobsStream, d.llm.Count())
	next := d.cluster.WaitStreamLeader(t, store.JobsStream, leader, 20*time.Second)
	// Work goes on with two nodes before the third is back.
	before := d.llm.Count()
	if !d.llm.WaitCount(before+3, 20*time.Second) {
		t.Fatalf("no progress with %s down (new leader %s)", leader.Name, next.Name)
	}
	leader.Restart(t)
	d.waitAllInReview(45 * time.Second)
	d.cluster.WaitCurrent(t, store.JobsStream, 20*time.Second)
	d.checkOnce()
}

// A drafter stops while the LLM holds its request: the job goes back to the
// queue and another drafter finishes it, once.
func TestClusterWorkerKilledMidJob(t *testing.T) {
	var (
		mu     sync.Mutex
		target string // the first pair drafted: held until its client leaves
		held   = make(chan string, 1)
	)
	var d *deployment
	hold := func(r llmtest.Request, _ int) llmtest.Reply {
		if r.SchemaName != "pair_draft" {
			return llmtest.Reply{}
		}
		key := d.resp.Key(r.SchemaName, user(r))
		mu.Lock()
		defer mu.Unlock()
		if target == "" {
			target = key
			held <- r.Model
			return llmtest.Hang()
		}
		return llmtest.Reply{}
	}
	d = deploy(t, topology{drafters: 2, validators: 1, latency: 50 * time.Millisecond, grace: 200 * time.Millisecond},
		llmtest.WithHandler(hold))
	d.enqueueAll()
	var victim string
	select {
	case victim = <-held:
	case <-time.After(20 * time.Second):
		t.Fatal("no pair was drafted")
	}
	p := d.procs[victim]
	if p == nil {
		t.Fatalf("the held request came from %q, not a drafter", victim)
	}
	if err := p.Stop(); err != nil {
		t.Fatalf("stop %s: %v", victim, err)
	}
	d.waitAllInReview(45 * time.Second)
	d.checkOnce()
	mu.Lock()
	key := target
	mu.Unlock()
	var models []string
	for _, r := range d.llm.Requests() {
		if d.resp.Key(r.SchemaName, user(r)) == key {
			models = append(models, r.Model)
		}
	}
	if len(models) != 2 || models[0] != victim || models[1] == victim {
		t.Fatalf("%s was drafted by %v; want the stopped %s, then another drafter", key, models, victim)
	}
}

// The LLM fails hard for a while (5xx on every call, then connections
// refused): jobs are handed back with growing delays, nothing needs
// attention because of the outage alone, and the run completes once the LLM
// is back.
func TestClusterLLMOutage(t *testing.T) {
	d := deploy(t, topology{drafters: 2, validators: 1, latency: 50 * time.Millisecond})
	var (
		fmu    sync.Mutex
		failed = map[string]int{} // 5xx answers per record
	)
	// The LLM is failing when the work is queued, so every job meets it.
	outage := time.Now()
	d.llm.SetHandler(func(r llmtest.Request, _ int) llmtest.Reply {
		fmu.Lock()
		failed[d.resp.Key(r.SchemaName, user(r))]++
		fmu.Unlock()
		return llmtest.ServerError(http.StatusServiceUnavailable)
	})
	d.enqueueAll()
	// The outage lasts until the drafters have met it several times over,
	// both ways: so jobs really went back and came round again.
	natstest.Eventually(t, 30*time.Second, "5xx answers for most records, some twice", func() bool {
		fmu.Lock()
		defer fmu.Unlock()
		twice := 0
		for _, n := range failed {
			if n >= 4 {
				twice++
			}
		}
		return len(failed) >= 10 && twice >= 2
	})
	d.llm.Down()
	natstest.Eventually(t, 20*time.Second, "connections refused", func() bool { return d.llm.Refused() >= 2 })
	d.llm.SetHandler(nil)
	d.llm.Up()
	// Jobs handed back during the outage wait out their delays, which grow
	// with each delivery up to a minute: the deadline allows for the longest.
	t.Logf("LLM back after %v", time.Since(outage).Round(time.Millisecond))
	d.waitAllInReview(2 * time.Minute)
	d.checkOnce() // no needs_attention, each drafted once
	fmu.Lock()
	defer fmu.Unlock()
	t.Logf("5xx for %d records, %d connections refused, %d calls in all", len(failed), d.llm.Refused(), d.llm.Count())
	// Each failing call was retried once by the client, then the job handed
	// back: a record met by the outage was called more than twice in all.
	for key, n := range failed {
		if n >= 2 && d.calls()[key] <= n {
			t.Errorf("%s: %d calls for %d failures: no successful call after the outage", key, d.calls()[key], n)
		}
	}
}

// `versus up --replicas 3` sets only Settings.Replicas; the other settings
// take their defaults and the replicas must survive that.
func TestReplicasGivenAlone(t *testing.T) {
	c := clustertest.Start(t, 3)
	dir := t.TempDir()
	if err := bench.WriteProfileIDs(dir, standards[:2]); err != nil {
		t.Fatal(err)
	}
	p, err := bench.Start(context.Background(), app.Config{
		DataDir: t.TempDir(), NATS: broker.ClientConfig{URL: c.URLs()}, ProfilesDir: dir,
		Settings: store.Settings{Replicas: 3}, Parts: app.Parts{Validator: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if got := p.Store.Settings(); got.Replicas != 3 || got.AckWait == 0 {
		t.Fatalf("settings %+v: want replicas 3 and the default ack wait", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := p.Store.JetStream().Stream(ctx, store.JobsStream)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := s.Info(ctx); err != nil || info.Config.Replicas != 3 {
		t.Fatalf("jobs stream: %v, replicas %d; want 3", err, info.Config.Replicas)
	}
}
