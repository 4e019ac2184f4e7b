package app_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/llm"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// subset copies the named profiles into a temp dir: a small set keeps a
// pipeline test fast where the full set is not the point.
func subset(t *testing.T, ids ...string) string {
	t.Helper()
	dir := t.TempDir()
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	for _, id := range ids {
		data, err := os.ReadFile(filepath.Join("../../profiles", id+".yaml"))
		if err != nil {
			t.Fatalf("profile %s: %v", id, err)
		}
		// Related ids must name profiles of the set: keep those in the subset.
		data = relatedLine.ReplaceAllFunc(data, func(line []byte) []byte {
			var keep []string
			for _, r := range strings.Split(string(relatedLine.FindSubmatch(line)[1]), ",") {
				if r = strings.TrimSpace(r); in[r] {
					keep = append(keep, r)
				}
			}
			return []byte("related: [" + strings.Join(keep, ", ") + "]")
		})
		if err := os.WriteFile(filepath.Join(dir, id+".yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
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
	set *profile.Set
}

func newFake(t *testing.T, profilesDir string, opts ...llmtest.Option) *fake {
	t.Helper()
	set, err := profile.Load(profilesDir)
	if err != nil {
		t.Fatalf("load profiles: %v", err)
	}
	f := &fake{set: set}
	opts = append([]llmtest.Option{llmtest.WithResponder(f.answer)}, opts...)
	f.Server = llmtest.NewServer(t, opts...)
	return f
}

var relatedLine = regexp.MustCompile(`(?m)^related: \[(.*)\]$`)

var shortNameLine = regexp.MustCompile(`(?m)^- short_name: (.+)$`)

// key names the record a request drafts: the standard id of a section, the
// slug of a pair. It reads the short names the prompt's facts list.
func (f *fake) key(req llmtest.Request) string {
	var user string
	for _, m := range req.Messages {
		if m.Role == "user" {
			user = m.Content
			break
		}
	}
	var ids []string
	for _, m := range shortNameLine.FindAllStringSubmatch(user, -1) {
		if p, ok := f.set.Resolve(strings.TrimSpace(m[1])); ok {
			ids = append(ids, p.ID)
		}
	}
	switch {
	case req.SchemaName == "section_draft" && len(ids) >= 1:
		return ids[0]
	case req.SchemaName == "pair" && len(ids) >= 2:
		return page.Slug(ids[0], ids[1])
	}
	return "?"
}

// answer is the composer's draft as the model's JSON answer.
func (f *fake) answer(req llmtest.Request) string {
	k := f.key(req)
	var v any
	if req.SchemaName == "section_draft" {
		p, ok := f.set.Get(k)
		if !ok {
			return `{"error":"unknown standard"}`
		}
		d := compose.Section(p).Draft()
		if d.Implementation.Steps == nil {
			d.Implementation.Steps = []string{}
		}
		v = d
	} else {
		a, b, ok := f.pair(k)
		if !ok {
			return `{"error":"unknown pair"}`
		}
		pr := compose.Pair(a, b)
		if pr.Differences.Extra == nil {
			pr.Differences.Extra = []page.Row{}
		}
		v = pr
	}
	data, _ := json.Marshal(v)
	return string(data)
}

func (f *fake) pair(slug string) (*profile.Profile, *profile.Profile, bool) {
	for _, pr := range f.set.Pairs() {
		if page.Slug(pr[0].ID, pr[1].ID) == slug {
			return pr[0], pr[1], true
		}
	}
	return nil, nil, false
}

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
