package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/profile"
)

// A dry run prints the calls, tokens and money of the run from the
// profiles, counted with the tokenizer, and never calls the server.
func TestEnqueueDryRun(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	set, err := profile.Load(testProfiles)
	if err != nil {
		t.Fatal(err)
	}
	secs, prs, err := author.RunCost(set.Pairs())
	if err != nil {
		t.Fatal(err)
	}
	tot := secs.Add(prs)
	price := author.Price{Input: 0.15, Output: 0.6}

	cmd := newEnqueueCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--all", "--dry-run", "--server", srv.URL, "--profiles", testProfiles, "--price-input", "0.15", "--price-output", "0.6"})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"dry run: nothing enqueued",
		fmt.Sprintf("%d page(s), %d standard section(s)", len(set.Pairs()), set.Len()),
		fmt.Sprintf("cost: %.4f", tot.Money(price)),
		"o200k_base",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, got)
		}
	}
	row := regexp.MustCompile(fmt.Sprintf(`(?m)^\s*all\s+%d\s+%d\s+%d\s+%d\s*$`, tot.Calls, tot.Prompt, tot.Completion, tot.Total()))
	if !row.MatchString(got) {
		t.Errorf("dry run output lacks the totals %+v:\n%s", tot, got)
	}
	if tot.Calls != set.Len()+len(set.Pairs()) || tot.Prompt == 0 || tot.Completion == 0 {
		t.Errorf("cost %+v: want one call per standard and per page, and tokens", tot)
	}
	if calls.Load() != 0 {
		t.Errorf("the dry run called the server %d times", calls.Load())
	}

	cmd = newEnqueueCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"--dry-run", "--profiles", testProfiles, "no-such-standard:gdpr"})
	err = cmd.Execute()
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "no-such-standard") {
		t.Errorf("unknown standard: %v, want exit 2 naming it", err)
	}
}

// enqueue shows the run's progress (GET /api/runs/{id}) as its bar and
// stops when the run is done; it never lists every page.
func TestEnqueueFollowsTheRun(t *testing.T) {
	var polls atomic.Int32
	var other atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "POST" && r.URL.Path == "/api/jobs":
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprint(w, `{"queued":3,"skipped":1,"run":"r1"}`)
		case r.Method == "GET" && r.URL.Path == "/api/runs/r1":
			n := int(polls.Add(1))
			drafted := min(n, 3)
			fmt.Fprintf(w, `{"queued":3,"enqueued":4,"planned":4,"enqueue_done":true,"drafted":%d,"validated":%d,"needs_attention":%d,"done":%t,"tokens":%d,"cost":0.5}`,
				drafted, max(drafted-1, 0), min(drafted, 1), drafted == 3, 1000*drafted)
		default:
			other.Add(1)
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cmd := newEnqueueCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--all", "--server", srv.URL, "--token", "t"})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{"queued 3, skipped 1", "run r1", "3/3 drafted, 2 validated", "1 need attention", "3000 tokens", "cost 0.5000", "1 page(s) need attention"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if polls.Load() != 3 || other.Load() != 0 {
		t.Errorf("polled the run %d times (want 3), other requests %d", polls.Load(), other.Load())
	}
}
