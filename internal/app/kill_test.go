package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/llm"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

// TestMain lets this test binary be the `versus up` process a test kills:
// with VERSUS_CHILD_DATA set it runs the app until signalled.
func TestMain(m *testing.M) {
	if dir := os.Getenv("VERSUS_CHILD_DATA"); dir != "" {
		port, _ := strconv.Atoi(os.Getenv("VERSUS_CHILD_NATS_PORT"))
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		err := app.Run(zerolog.New(io.Discard).WithContext(ctx), app.Config{
			DataDir: dir, Addr: os.Getenv("VERSUS_CHILD_ADDR"), NATSPort: port,
			ProfilesDir: filepath.Join("..", "..", "profiles"), Parts: app.All,
			LLM: llm.Config{BaseURL: os.Getenv("VERSUS_CHILD_LLM"), Model: "test", Temperature: 0.3, MaxTokens: 3000,
				Timeout: 5 * time.Second, MaxRetries: 2, Concurrency: 8},
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestKilledMidRunHistoryWhole SIGKILLs `versus up` while it drafts every
// pair, starts it again over the same data, and checks that every record's
// history is whole: it ends in the record's state at its revision, and no
// event is there twice.
func TestKilledMidRunHistoryWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline twice")
	}
	dir := t.TempDir()
	httpPort, natsPort := freePort(t), freePort(t)
	// A model that takes its time, so the kill lands mid-run.
	f := newFake(t, filepath.Join("..", "..", "profiles"), llmtest.WithLatency(20*time.Millisecond))
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	spawn := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "VERSUS_CHILD_DATA="+dir, "VERSUS_CHILD_LLM="+f.URL(),
			fmt.Sprintf("VERSUS_CHILD_ADDR=127.0.0.1:%d", httpPort), fmt.Sprintf("VERSUS_CHILD_NATS_PORT=%d", natsPort))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		natstest.Eventually(t, 60*time.Second, "versus up to serve", func() bool {
			resp, err := http.Get(base + "/healthz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
		return cmd
	}
	child := spawn()
	t.Cleanup(func() {
		if child.ProcessState == nil {
			_ = child.Process.Signal(syscall.SIGTERM)
			_ = child.Wait()
		}
	})
	tok, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(tok))
	call := func(method, path string, body string) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	// count is the number of pages in state, from the queue's counts.
	count := func(state string) int {
		code, body := call("GET", "/api/pages?state="+state, "")
		var res struct{ Counts map[string]int }
		if code != http.StatusOK || json.Unmarshal(body, &res) != nil {
			return -1
		}
		return res.Counts[state]
	}
	code, body := call("POST", "/api/jobs", `{"all":true}`)
	var queued struct{ Queued int }
	if err := json.Unmarshal(body, &queued); code != http.StatusAccepted || err != nil || queued.Queued < 100 {
		t.Fatalf("jobs: %d %s", code, body)
	}
	// Kill it mid-run: some pages through, most not.
	natstest.Eventually(t, 2*time.Minute, "the first pages in review", func() bool { return count("in_review") >= 20 })
	was := count("in_review")
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	t.Logf("killed with about %d of %d pages in review", was, queued.Queued)

	child = spawn()
	natstest.Eventually(t, 4*time.Minute, "every page out of the pipeline", func() bool {
		return count("in_review")+count("needs_attention") == queued.Queued
	})

	nc, err := nats.Connect(fmt.Sprintf("nats://127.0.0.1:%d", natsPort))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := store.Open(ctx, nc, store.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	check := func(kind store.Kind, key string, m store.Meta) {
		h, err := st.History(ctx, kind, key)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, ev := range h {
			if seen[ev.ID] {
				t.Errorf("%s %s: event %s (%s) twice", kind, key, ev.ID, ev.Type)
			}
			seen[ev.ID] = true
		}
		if len(h) == 0 || h[len(h)-1].To != m.State || h[len(h)-1].Revision != m.Revision {
			types := make([]string, len(h))
			for i, ev := range h {
				types[i] = ev.Type
			}
			t.Errorf("%s %s: history %v does not end in its state %s at revision %d", kind, key, types, m.State, m.Revision)
		}
	}
	for _, r := range st.Sections() {
		check(store.KindSection, r.Standard, r.Meta)
	}
	for _, p := range st.Pages() {
		check(store.KindPage, p.Slug, p.Meta)
	}
}
