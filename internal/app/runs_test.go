package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

// jobsAccepted is the 202 answer of POST /api/jobs.
type jobsAccepted struct {
	Queued  int    `json:"queued"`
	Skipped int    `json:"skipped"`
	Run     string `json:"run"`
}

func postAll(t *testing.T, s *started) (jobsAccepted, time.Duration) {
	t.Helper()
	t0 := time.Now()
	code, body := s.call(t, "POST", "/api/jobs", s.token, map[string]any{"all": true})
	took := time.Since(t0)
	var res jobsAccepted
	if code != http.StatusAccepted || json.Unmarshal(body, &res) != nil || res.Run == "" {
		t.Fatalf("jobs: %d %s", code, body)
	}
	return res, took
}

func progress(t *testing.T, s *started, id string) jobs.Progress {
	t.Helper()
	code, body := s.call(t, "GET", "/api/runs/"+id, s.token, nil)
	var pr jobs.Progress
	if code != http.StatusOK || json.Unmarshal(body, &pr) != nil {
		t.Fatalf("run %s: %d %s", id, code, body)
	}
	return pr
}

// perSubject counts the messages of a stream per subject under filter.
func perSubject(t *testing.T, js jetstream.JetStream, stream, filter string) map[string]uint64 {
	t.Helper()
	st, err := js.Stream(t.Context(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(t.Context(), jetstream.WithSubjectFilter(filter))
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Subjects
}

// A process stopped in the middle of a large enqueue finishes it at its
// next start: every record is written once, with one queued event and one
// draft job each, and none is missing.
func TestEnqueueRestartLosesAndDoublesNothing(t *testing.T) {
	data := t.TempDir()
	web := app.Parts{Web: true} // no drafters: the jobs stay in the stream to be counted
	a := start(t, app.Config{DataDir: data, Parts: web})
	res, took := postAll(t, a)
	t.Logf("POST /api/jobs {all} answered in %v: %+v", took, res)
	if res.Queued != 496 || res.Skipped != 0 {
		t.Fatalf("queued %d skipped %d, want 496 and 0", res.Queued, res.Skipped)
	}
	// Stop as soon as the first chunk is written, with most still to do.
	var seen jobs.Run
	natstest.Eventually(t, 30*time.Second, "the first chunk written", func() bool {
		r, err := a.run.Runs.Get(context.Background(), res.Run)
		seen = r
		return err == nil && r.Done >= 1
	})
	a.stop()
	if seen.Done >= seen.Chunks {
		t.Fatalf("the run was finished before the stop (%d of %d chunks); the test needs a larger set", seen.Done, seen.Chunks)
	}
	t.Logf("stopped at %d of %d chunks", seen.Done, seen.Chunks)

	restarted := time.Now()
	b := start(t, app.Config{DataDir: data, Parts: web})
	natstest.Eventually(t, 60*time.Second, "the run finished after the restart", func() bool {
		return progress(t, b, res.Run).EnqueueDone
	})
	run, err := b.run.Runs.Get(t.Context(), res.Run)
	if err != nil {
		t.Fatal(err)
	}
	if run.Finished.Before(restarted) {
		t.Errorf("the run finished at %v, before the restart at %v", run.Finished, restarted)
	}
	pr := progress(t, b, res.Run)
	if pr.Queued != 496 || pr.Waiting != 496 || pr.Drafted != 0 || pr.Enqueued != 496+32 {
		t.Errorf("progress after the restart: %+v", pr)
	}
	natstest.Eventually(t, 10*time.Second, "mirror holds every record", func() bool {
		return len(b.run.Store.Pages()) == 496 && len(b.run.Store.Sections()) == 32
	})
	for _, p := range b.run.Store.Pages() {
		if p.State != store.Queued || p.Seq != 1 {
			t.Errorf("page %s: %s seq %d, want queued seq 1", p.Slug, p.State, p.Seq)
		}
	}
	js := b.run.Store.JetStream()
	jobsPer := perSubject(t, js, store.JobsStream, "versus.jobs.draft.>")
	eventsPer := perSubject(t, js, store.EventsStream, "versus.events.>")
	if len(jobsPer) != 496+32 {
		t.Errorf("%d records have draft jobs, want %d", len(jobsPer), 496+32)
	}
	for _, p := range b.run.Store.Pages() {
		if n := jobsPer[store.JobSubject(store.StageDraft, store.KindPage, p.Slug)]; n != 1 {
			t.Errorf("page %s: %d draft jobs, want 1", p.Slug, n)
		}
		if n := eventsPer[store.EventSubject(store.KindPage, p.Slug)]; n != 1 {
			t.Errorf("page %s: %d events, want its one queued event", p.Slug, n)
		}
	}
	for _, r := range b.run.Store.Sections() {
		if n := jobsPer[store.JobSubject(store.StageDraft, store.KindSection, r.Standard)]; n != 1 {
			t.Errorf("section %s: %d draft jobs, want 1", r.Standard, n)
		}
	}
	// The run's pages are paged, not inlined.
	code, body := b.call(t, "GET", "/api/runs/"+res.Run+"/pages?limit=100", b.token, nil)
	var pg struct {
		Pages []struct{ Slug, State string }
		Total int
		Next  string
	}
	if code != 200 || json.Unmarshal(body, &pg) != nil || len(pg.Pages) != 100 || pg.Total != 496 || pg.Next == "" {
		t.Errorf("run pages: %d %.300s", code, body)
	}
	// A second request finds nothing changed.
	again, _ := postAll(t, b)
	if again.Queued != 0 || again.Skipped != 496 {
		t.Errorf("second enqueue: %+v, want 0 queued and 496 skipped", again)
	}
}

// With the whole pipeline, a run's progress goes to done: every page
// drafted, validated and in review, as the record states say.
func TestRunProgressToReview(t *testing.T) {
	dir := subset(t, "gdpr", "iso-27001", "iso-27701", "soc-2")
	s := start(t, app.Config{ProfilesDir: dir, Price: jobs.Price{Input: 0.15, Output: 0.6}})
	res, took := postAll(t, s)
	if res.Queued != 6 {
		t.Fatalf("queued %d, want 6", res.Queued)
	}
	t.Logf("answered in %v", took)
	var pr jobs.Progress
	natstest.Eventually(t, 60*time.Second, "the run done", func() bool {
		pr = progress(t, s, res.Run)
		return pr.Done
	})
	if pr.Drafted != 6 || pr.Validated+pr.NeedsAttention != 6 || pr.InReview != pr.Validated || pr.Waiting != 0 {
		t.Errorf("progress: %+v", pr)
	}
	if pr.Cost == nil {
		t.Errorf("a price is configured, yet the cost is null: %+v", pr)
	}
	if code, _ := s.call(t, "GET", "/api/runs/nope", s.token, nil); code != http.StatusNotFound {
		t.Errorf("unknown run: %d", code)
	}
	if code, _ := s.call(t, "GET", "/api/runs/"+res.Run, "", nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous run: %d", code)
	}
}

// Through an LLM, a run counts the tokens its drafts spent and prices them;
// a second run over changed nothing spends nothing.
func TestRunTokensAndCost(t *testing.T) {
	dir := subset(t, "gdpr", "iso-27001", "soc-2")
	f := newFake(t, dir)
	price := jobs.Price{Input: 0.15, Output: 0.6}
	s := start(t, app.Config{ProfilesDir: dir, LLM: llmConfig(f), MaxRedrafts: 2, Settings: fastSettings(), Price: price})
	res, _ := postAll(t, s)
	var pr jobs.Progress
	natstest.Eventually(t, 60*time.Second, "the run done", func() bool {
		pr = progress(t, s, res.Run)
		return pr.Done
	})
	var want store.Usage
	for _, p := range s.run.Store.Pages() {
		want = want.Add(p.Usage)
	}
	for _, r := range s.run.Store.Sections() {
		want = want.Add(r.Usage)
	}
	if want.Total() == 0 || pr.TotalTokens != want.Total() || pr.Tokens.Prompt != want.Prompt || pr.Tokens.Completion != want.Completion {
		t.Errorf("run tokens %+v (%d), records spent %+v", pr.Tokens, pr.TotalTokens, want)
	}
	cost := (float64(want.Prompt)*price.Input + float64(want.Completion)*price.Output) / 1e6
	if pr.Cost == nil || *pr.Cost < cost*0.999 || *pr.Cost > cost*1.001 {
		t.Errorf("cost %v, want %v", pr.Cost, cost)
	}
	again, _ := postAll(t, s)
	natstest.Eventually(t, 10*time.Second, "the second run written", func() bool { return progress(t, s, again.Run).EnqueueDone })
	if p2 := progress(t, s, again.Run); again.Queued != 0 || p2.TotalTokens != 0 || !p2.Done {
		t.Errorf("second run: %+v %+v", again, p2)
	}
}
