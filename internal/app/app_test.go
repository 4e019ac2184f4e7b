package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/store"
)

// started is a running app and what a test needs to talk to it.
type started struct {
	run   *app.Running
	base  string
	token string
	stop  func()
	data  string
}

func start(t *testing.T, cfg app.Config) *started {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.ProfilesDir == "" {
		cfg.ProfilesDir = "../../profiles"
	}
	if cfg.Parts == (app.Parts{}) {
		cfg.Parts = app.All
	}
	if cfg.Settings.AckWait == 0 {
		cfg.Settings = store.DefaultSettings()
	}
	ready := make(chan *app.Running, 1)
	cfg.Ready = func(r *app.Running) { ready <- r }
	ctx, cancel := context.WithCancel(context.Background())
	log := zerolog.New(io.Discard)
	if testing.Verbose() {
		log = zerolog.New(zerolog.ConsoleWriter{Out: os.Stderr}).Level(zerolog.WarnLevel)
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(log.WithContext(ctx), cfg) }()
	s := &started{data: cfg.DataDir}
	select {
	case s.run = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("app stopped before ready: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("app not ready in 60s")
	}
	s.base = "http://" + s.run.Addr
	if cfg.Parts.Web { // a worker-only process has no accounts
		tok, err := os.ReadFile(filepath.Join(cfg.DataDir, "admin.token"))
		if err != nil {
			t.Fatalf("admin token: %v", err)
		}
		s.token = strings.TrimSpace(string(tok))
	}
	var stopped bool
	s.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("app: %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Error("app did not stop in 60s")
		}
	}
	t.Cleanup(s.stop)
	return s
}

func (s *started) call(t *testing.T, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// waitStates waits until every page and section is out of the pipeline.
func waitSettled(t *testing.T, st *store.Store, pages int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ps := st.Pages()
		settled := len(ps) == pages
		for _, p := range ps {
			if p.State == store.Queued || p.State == store.Drafting || p.State == store.Stale {
				settled = false
				break
			}
		}
		for _, r := range st.Sections() {
			if r.State == store.Queued || r.State == store.Drafting || r.State == store.Stale {
				settled = false
				break
			}
		}
		if settled {
			return
		}
		if time.Now().After(deadline) {
			counts := st.StateCounts()
			t.Fatalf("pipeline not settled after %v: %d pages, states %v", within, len(ps), counts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestOfflineRunEndToEnd(t *testing.T) {
	s := start(t, app.Config{})
	n := s.run.Profiles.Set().Len()
	pairs := n * (n - 1) / 2
	if n < 30 {
		t.Fatalf("only %d profiles", n)
	}

	// Writes need a token.
	if code, _ := s.call(t, "POST", "/api/jobs", "", map[string]any{"all": true}); code != http.StatusUnauthorized {
		t.Fatalf("jobs without token: %d, want 401", code)
	}
	code, body := s.call(t, "POST", "/api/jobs", s.token, map[string]any{"pairs": [][]string{{"ISO 27001", "no-such-standard"}}})
	if code != http.StatusBadRequest || !strings.Contains(string(body), "no-such-standard") {
		t.Fatalf("unknown standard: %d %s, want 400 naming it", code, body)
	}

	code, body = s.call(t, "POST", "/api/jobs", s.token, map[string]any{"all": true})
	if code != http.StatusAccepted {
		t.Fatalf("jobs: %d %s", code, body)
	}
	var res struct{ Queued, Skipped int }
	_ = json.Unmarshal(body, &res)
	if res.Queued != pairs || res.Skipped != 0 {
		t.Fatalf("queued %d skipped %d, want %d and 0", res.Queued, res.Skipped, pairs)
	}
	waitSettled(t, s.run.Store, pairs, 2*time.Minute)
	for _, p := range s.run.Store.Pages() {
		if p.State != store.InReview {
			t.Errorf("%s: state %s, want in_review (findings %v)", p.Slug, p.State, p.Findings)
		}
		if finding.HasError(p.Findings) {
			t.Errorf("%s: error findings %v", p.Slug, p.Findings)
		}
	}
	secs := s.run.Store.Sections()
	if len(secs) != n {
		t.Fatalf("%d sections, want one per standard (%d)", len(secs), n)
	}
	for _, r := range secs {
		if r.State != store.InReview || finding.HasError(r.Findings) {
			t.Errorf("section %s: %s %v", r.Standard, r.State, r.Findings)
		}
	}

	// The same request again costs nothing: every pair is unchanged.
	code, body = s.call(t, "POST", "/api/jobs", s.token, map[string]any{"all": true})
	_ = json.Unmarshal(body, &res)
	if code != http.StatusAccepted || res.Queued != 0 || res.Skipped != pairs {
		t.Fatalf("second enqueue: %d queued %d skipped %d", code, res.Queued, res.Skipped)
	}

	if code, body := s.call(t, "GET", "/healthz", "", nil); code != 200 {
		t.Fatalf("healthz: %d %s", code, body)
	}
	code, body = s.call(t, "GET", "/metrics", "", nil)
	if code != 200 || !strings.Contains(string(body), `versus_records{kind="page",state="in_review"} `+itoa(pairs)) {
		t.Fatalf("metrics lack the in_review page count %d", pairs)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
