package indexer

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"

	"github.com/versus-dev/versus/index"
)

// recorder is an Index that records each Apply and how many documents had
// been made when it came.
type recorder struct {
	made  *int
	calls []applyCall
	fail  int // the call (1-based) that fails; 0 for none
}

type applyCall struct {
	puts, deletes []string
	madeBefore    int
}

func (r *recorder) Apply(_ context.Context, puts []index.Doc, deletes []string) error {
	c := applyCall{deletes: slices.Clone(deletes), madeBefore: *r.made}
	for _, d := range puts {
		c.puts = append(c.puts, d.Slug)
	}
	r.calls = append(r.calls, c)
	if len(r.calls) == r.fail {
		return errors.New("disk full")
	}
	return nil
}

func (r *recorder) Reindex(context.Context, iter.Seq[index.Doc]) error { return nil }

// TestApplyInBatches: a burst of 19,900 changed pages is made into
// documents and written applyBatch at a time, every page once, puts and
// deletes as the pages are; documents are made only as their batch is
// filled, so a burst never holds more than one batch of them.
func TestApplyInBatches(t *testing.T) {
	const n = 19_900
	var slugs []string
	for i := range n {
		slugs = append(slugs, fmt.Sprintf("p%05d", i))
	}
	made := 0
	doc := func(slug string) (index.Doc, bool) {
		made++
		return index.Doc{Slug: slug}, slug[len(slug)-1] != '7' // every tenth page is no longer published
	}
	counted := map[string]int{}
	count := func(op string, k int) { counted[op] += k }
	r := &recorder{made: &made}
	if err := applyInBatches(context.Background(), r, slugs, doc, count); err != nil {
		t.Fatal(err)
	}
	var puts, deletes []string
	for i, c := range r.calls {
		size := len(c.puts) + len(c.deletes)
		if size > applyBatch || size == 0 {
			t.Errorf("call %d: %d pages, want 1..%d", i, size, applyBatch)
		}
		if prev := len(puts) + len(deletes); c.madeBefore != prev+size {
			t.Errorf("call %d: %d documents made before it, want %d (its own batch and those before)", i, c.madeBefore, prev+size)
		}
		puts, deletes = append(puts, c.puts...), append(deletes, c.deletes...)
	}
	if want := (n + applyBatch - 1) / applyBatch; len(r.calls) != want {
		t.Errorf("%d Apply calls, want %d", len(r.calls), want)
	}
	if len(puts) != n*9/10 || len(deletes) != n/10 || counted["put"] != len(puts) || counted["delete"] != len(deletes) {
		t.Errorf("%d puts, %d deletes (counted %v), want %d and %d", len(puts), len(deletes), counted, n*9/10, n/10)
	}
	all := append(puts, deletes...)
	slices.Sort(all)
	if !slices.Equal(all, slugs) {
		t.Error("not every page written exactly once")
	}

	// A failing batch stops the burst and says so; the caller retries it all.
	made = 0
	r = &recorder{made: &made, fail: 3}
	if err := applyInBatches(context.Background(), r, slugs, doc, count); err == nil || len(r.calls) != 3 {
		t.Errorf("failing third batch: %v after %d calls", err, len(r.calls))
	}
}
