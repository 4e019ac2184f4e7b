package lifecycle_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/lifecycle"
)

var update = flag.Bool("update", false, "rewrite testdata/diagram.mmd and the README's diagram")

// want is the transition table written out by hand, state by state: the
// table test checks every (state, transition) against it, so a change to
// lifecycle.Table must be made twice, on purpose.
var want = map[lifecycle.State]map[lifecycle.Transition]lifecycle.State{
	lifecycle.None: {lifecycle.Queue: lifecycle.Queued},
	lifecycle.Queued: {lifecycle.Queue: lifecycle.Queued, lifecycle.StartDrafting: lifecycle.Drafting,
		lifecycle.NeedsAttn: lifecycle.NeedsAttention, lifecycle.MarkStale: lifecycle.Stale},
	lifecycle.Drafting: {lifecycle.Queue: lifecycle.Queued, lifecycle.Drafted: lifecycle.Drafting,
		lifecycle.Validated: lifecycle.InReview, lifecycle.Redraft: lifecycle.Queued, lifecycle.NeedsAttn: lifecycle.NeedsAttention,
		lifecycle.HandBack: lifecycle.Queued, lifecycle.MarkStale: lifecycle.Stale},
	lifecycle.InReview: {lifecycle.Queue: lifecycle.Queued, lifecycle.Approve: lifecycle.Approved, lifecycle.Reject: lifecycle.Rejected,
		lifecycle.RequestChanges: lifecycle.ChangesRequested, lifecycle.Edit: lifecycle.InReview, lifecycle.MarkStale: lifecycle.Stale},
	lifecycle.ChangesRequested: {lifecycle.Queue: lifecycle.Queued, lifecycle.StartDrafting: lifecycle.Drafting,
		lifecycle.NeedsAttn: lifecycle.NeedsAttention, lifecycle.Reject: lifecycle.Rejected, lifecycle.MarkStale: lifecycle.Stale},
	lifecycle.Approved: {lifecycle.Queue: lifecycle.Queued, lifecycle.Reject: lifecycle.Rejected,
		lifecycle.RequestChanges: lifecycle.ChangesRequested, lifecycle.Edit: lifecycle.InReview, lifecycle.MarkStale: lifecycle.Stale},
	lifecycle.Rejected: {lifecycle.Queue: lifecycle.Queued, lifecycle.RequestChanges: lifecycle.ChangesRequested,
		lifecycle.Edit: lifecycle.InReview, lifecycle.MarkStale: lifecycle.Stale},
	lifecycle.NeedsAttention: {lifecycle.Queue: lifecycle.Queued, lifecycle.Approve: lifecycle.Approved, lifecycle.Reject: lifecycle.Rejected,
		lifecycle.RequestChanges: lifecycle.ChangesRequested, lifecycle.Edit: lifecycle.InReview,
		lifecycle.EditUnresolved: lifecycle.NeedsAttention, lifecycle.MarkStale: lifecycle.Stale},
	lifecycle.Stale: {lifecycle.Queue: lifecycle.Queued, lifecycle.Reject: lifecycle.Rejected,
		lifecycle.RequestChanges: lifecycle.ChangesRequested, lifecycle.Edit: lifecycle.InReview},
}

func TestEveryTransitionFromEveryState(t *testing.T) {
	states := append([]lifecycle.State{lifecycle.None}, lifecycle.States...)
	for _, from := range states {
		for _, tr := range lifecycle.Transitions() {
			to, ok := want[from][tr]
			t.Run(string(from)+"/"+string(tr), func(t *testing.T) {
				st := from
				gotFrom, gotTo, err := lifecycle.Apply(&st, tr)
				if !ok {
					var ie *lifecycle.IllegalError
					if !errors.As(err, &ie) || !errors.Is(err, lifecycle.ErrIllegal) || st != from || gotTo != from {
						t.Fatalf("%s from %q: got %q, %v; want an IllegalError and the state unchanged", tr, from, st, err)
					}
					if !strings.Contains(err.Error(), string(tr)) {
						t.Errorf("error %q does not name the transition", err)
					}
					return
				}
				if err != nil || st != to || gotFrom != from || gotTo != to {
					t.Fatalf("%s from %q: got %q (%q→%q), %v; want %q", tr, from, st, gotFrom, gotTo, err, to)
				}
				if tr.EventType() == "" {
					t.Errorf("%s writes no event type", tr)
				}
			})
		}
	}
	if _, err := lifecycle.Next(lifecycle.Queued, "fly"); !errors.Is(err, lifecycle.ErrIllegal) {
		t.Fatalf("unknown transition: %v", err)
	}
}

func TestNextJob(t *testing.T) {
	cases := []struct {
		st           lifecycle.State
		seq, drafted int
		want         lifecycle.Stage
	}{
		{lifecycle.Queued, 1, 0, lifecycle.StageDraft},
		{lifecycle.ChangesRequested, 3, 2, lifecycle.StageDraft},
		{lifecycle.Drafting, 2, 1, lifecycle.StageDraft},
		{lifecycle.Drafting, 2, 2, lifecycle.StageValidate},
		{lifecycle.InReview, 2, 2, lifecycle.StageNone},
		{lifecycle.Approved, 1, 1, lifecycle.StageNone},
		{lifecycle.NeedsAttention, 2, 2, lifecycle.StageNone},
		{lifecycle.Stale, 2, 1, lifecycle.StageNone},
		{lifecycle.Rejected, 1, 1, lifecycle.StageNone},
	}
	for _, c := range cases {
		if got := lifecycle.NextJob(c.st, c.seq, c.drafted); got != c.want {
			t.Errorf("NextJob(%s, %d, %d) = %q, want %q", c.st, c.seq, c.drafted, got, c.want)
		}
	}
}

func TestPublished(t *testing.T) {
	ok := lifecycle.Part{State: lifecycle.Approved, HasApproved: true}
	cases := []struct {
		name    string
		p, a, b lifecycle.Part
		want    bool
	}{
		{"all approved", ok, ok, ok, true},
		{"newer page draft in review keeps the snapshot up", lifecycle.Part{lifecycle.InReview, true}, ok, ok, true},
		{"newer section draft stale keeps the snapshot up", ok, lifecycle.Part{lifecycle.Stale, true}, ok, true},
		{"page never approved", lifecycle.Part{lifecycle.InReview, false}, ok, ok, false},
		{"section never approved", ok, ok, lifecycle.Part{lifecycle.Approved, false}, false},
		{"page rejected", lifecycle.Part{lifecycle.Rejected, true}, ok, ok, false},
		{"a section rejected", ok, lifecycle.Part{lifecycle.Rejected, true}, ok, false},
		{"b section rejected", ok, ok, lifecycle.Part{lifecycle.Rejected, true}, false},
	}
	for _, c := range cases {
		if got := lifecycle.Published(c.p, c.a, c.b); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestDiagram keeps testdata/diagram.mmd and the README's state diagram
// equal to the one drawn from the table; -update rewrites both.
func TestDiagram(t *testing.T) {
	got := lifecycle.Diagram()
	golden := filepath.Join("testdata", "diagram.mmd")
	readme := filepath.Join("..", "..", "README.md")
	const begin, end = "<!-- lifecycle diagram: generated by go test ./internal/lifecycle -update -->\n```mermaid\n", "```\n<!-- end lifecycle diagram -->"
	r, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	i, j := strings.Index(string(r), begin), strings.Index(string(r), end)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		if i < 0 || j < i {
			t.Fatalf("README.md has no %q … %q block to rewrite", begin, end)
		}
		out := string(r[:i+len(begin)]) + got + string(r[j:])
		if err := os.WriteFile(readme, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	g, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != got {
		t.Errorf("%s differs from the table; run go test ./internal/lifecycle -update", golden)
	}
	if i < 0 || j < i || string(r[i+len(begin):j]) != got {
		t.Errorf("README.md's state diagram differs from the table; run go test ./internal/lifecycle -update")
	}
}
