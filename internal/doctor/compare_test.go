package doctor

import "testing"

// TestCompareCounts: a stream that lost messages with nothing written since
// is damage; one whose messages leave by design (acked work, an age limit)
// is not, while a lost sequence is damage everywhere.
func TestCompareCounts(t *testing.T) {
	for _, c := range []struct {
		name     string
		was, now StreamMark
		problem  bool
	}{
		{"records lost", StreamMark{LastSeq: 10, Messages: 10}, StreamMark{LastSeq: 10, Messages: 7}, true},
		{"nothing changed", StreamMark{LastSeq: 10, Messages: 10}, StreamMark{LastSeq: 10, Messages: 10}, false},
		{"work done", StreamMark{LastSeq: 10, Messages: 10, WorkQueue: true}, StreamMark{LastSeq: 10, Messages: 2, WorkQueue: true}, false},
		{"runs expired", StreamMark{LastSeq: 10, Messages: 10, Ages: true}, StreamMark{LastSeq: 10, Messages: 3, Ages: true}, false},
		{"aging stream cut short", StreamMark{LastSeq: 10, Messages: 10, Ages: true}, StreamMark{LastSeq: 6, Messages: 6, Ages: true}, true},
	} {
		was := Manifest{Streams: map[string]StreamMark{"KV_versus_runs": c.was}}
		now := Manifest{Streams: map[string]StreamMark{"KV_versus_runs": c.now}}
		if got := len(Compare(was, now)) > 0; got != c.problem {
			t.Errorf("%s: problem %v, want %v (%v)", c.name, got, c.problem, Compare(was, now))
		}
	}
}
