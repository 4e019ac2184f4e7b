package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/bench"
	"github.com/versus-dev/versus/internal/llm"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// subset writes the named profiles into a temp dir: a small set keeps a
// pipeline test fast where the full set is not the point.
func subset(t *testing.T, ids ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := bench.WriteProfileIDs(dir, ids); err != nil {
		t.Fatal(err)
	}
	return dir
}

// fastSettings make redelivery quick: a dead worker's job comes back in 2s.
func fastSettings() store.Settings {
	st := store.DefaultSettings()
	st.AckWait = 2 * time.Second
	st.BackOff = nil
	return st
}

// fake is an OpenAI-compatible server that answers every request with the
// offline composer's (valid) draft of the standards the prompt is about.
type fake struct {
	*llmtest.Server
	set  *profile.Set
	resp *bench.Responder
}

func newFake(t *testing.T, profilesDir string, opts ...llmtest.Option) *fake {
	t.Helper()
	set, err := profile.Load(profilesDir)
	if err != nil {
		t.Fatalf("load profiles: %v", err)
	}
	f := &fake{set: set, resp: bench.NewResponder(set)}
	opts = append([]llmtest.Option{llmtest.WithResponder(f.answer)}, opts...)
	f.Server = llmtest.NewServer(t, opts...)
	return f
}

// user is a request's first user message: the prompt with the facts.
func user(req llmtest.Request) string {
	for _, m := range req.Messages {
		if m.Role == "user" {
			return m.Content
		}
	}
	return ""
}

// key names the record a request drafts: the standard id of a section, the
// slug of a pair; "?" when the prompt names none.
func (f *fake) key(req llmtest.Request) string {
	if k := f.resp.Key(req.SchemaName, user(req)); k != "" {
		return k
	}
	return "?"
}

// answer is the composer's draft as the model's JSON answer.
func (f *fake) answer(req llmtest.Request) string { return f.resp.Answer(req.SchemaName, user(req)) }

// byKey groups the recorded requests by the record they draft.
func (f *fake) byKey() map[string][]llmtest.Request {
	out := map[string][]llmtest.Request{}
	for _, r := range f.Requests() {
		k := f.key(r)
		out[k] = append(out[k], r)
	}
	return out
}

// llmConfig points the app at the fake with short timeouts.
func llmConfig(f *fake) llm.Config {
	return llm.Config{BaseURL: f.URL(), Model: "test", Temperature: 0.3, MaxTokens: 3000,
		Timeout: 3 * time.Second, MaxRetries: 2}
}

// events returns a record's audit log.
func events(t *testing.T, st *store.Store, kind store.Kind, key string) []store.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	evs, err := st.History(ctx, kind, key)
	if err != nil {
		t.Fatalf("history %s %s: %v", kind, key, err)
	}
	return evs
}

// countEvents counts a record's events of type typ.
func countEvents(evs []store.Event, typ string) int {
	n := 0
	for _, e := range evs {
		if e.Type == typ {
			n++
		}
	}
	return n
}

// enqueueAll asks the app to draft every pair and checks it was accepted.
func (s *started) enqueueAll(t *testing.T) {
	t.Helper()
	code, body := s.call(t, "POST", "/api/jobs", s.token, map[string]any{"all": true})
	if code != 202 {
		t.Fatalf("jobs: %d %s", code, body)
	}
}

// allIn asserts every page and section is in state want.
func allIn(t *testing.T, st *store.Store, want store.State) {
	t.Helper()
	for _, p := range st.Pages() {
		if p.State != want {
			t.Errorf("page %s: %s, want %s (findings %v)", p.Slug, p.State, want, p.Findings)
		}
	}
	for _, r := range st.Sections() {
		if r.State != want {
			t.Errorf("section %s: %s, want %s (findings %v)", r.Standard, r.State, want, r.Findings)
		}
	}
}
