package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

// The limits of settings.go reach the streams and buckets: records refuse
// writes when full (discard new), the audit log ages out (discard old).
func TestSettingsAppliedToStreams(t *testing.T) {
	_, nc := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st := store.DefaultSettings()
	s, err := store.Open(ctx, nc, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	js := s.JetStream()
	tests := []struct {
		stream   string
		maxBytes int64
		maxAge   time.Duration
		perKey   int64
		discard  jetstream.DiscardPolicy
	}{
		{"KV_" + store.PagesBucket, st.PagesMaxBytes, 0, int64(st.History), jetstream.DiscardNew},
		{"KV_" + store.SectionsBucket, st.SectionsMaxBytes, 0, int64(st.History), jetstream.DiscardNew},
		{store.EventsStream, st.EventsMaxBytes, st.EventsMaxAge, -1, jetstream.DiscardOld},
	}
	for _, tt := range tests {
		t.Run(tt.stream, func(t *testing.T) {
			if tt.maxBytes <= 0 {
				t.Fatalf("the default settings leave %s unbounded", tt.stream)
			}
			str, err := js.Stream(ctx, tt.stream)
			if err != nil {
				t.Fatal(err)
			}
			info, err := str.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			c := info.Config
			if c.MaxBytes != tt.maxBytes || c.MaxAge != tt.maxAge || c.Discard != tt.discard || c.MaxMsgsPerSubject != tt.perKey {
				t.Errorf("config: max bytes %d, max age %s, discard %s, per key %d; want %d, %s, %s, %d",
					c.MaxBytes, c.MaxAge, c.Discard, c.MaxMsgsPerSubject, tt.maxBytes, tt.maxAge, tt.discard, tt.perKey)
			}
		})
	}
}

// A full record bucket refuses the write with an error; the records it
// holds stay whole.
func TestFullBucketRefusesWrites(t *testing.T) {
	_, nc := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st := store.DefaultSettings()
	st.PagesMaxBytes = 4 << 10
	s, err := store.Open(ctx, nc, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	var kept []string
	var refused error
	for i := 0; i < 100 && refused == nil; i++ {
		slug := "p" + string(rune('a'+i%26)) + "-vs-" + string(rune('a'+i/26))
		_, err := s.CreatePage(ctx, store.PageRecord{Slug: slug, Title: "a title long enough to fill the bucket quickly, a title long enough", Meta: store.Meta{State: store.Queued}})
		if err != nil {
			refused = err
			break
		}
		kept = append(kept, slug)
	}
	if refused == nil {
		t.Fatal("100 records fit in a 4 KiB bucket: the limit is not applied")
	}
	if len(kept) == 0 {
		t.Fatalf("the first write was refused: %v", refused)
	}
	for _, slug := range kept {
		if _, err := s.Page(ctx, slug); err != nil {
			t.Errorf("%s, written before the bucket was full, is gone: %v", slug, err)
		}
	}
}

// The mirror keeps what lists read and drops the model's raw answers; a
// read of the record still has them.
func TestMirrorDropsRawAnswers(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	ans := store.Answer{Seq: 1, Text: "the model's whole answer"}
	if _, err := s.CreatePage(ctx, store.PageRecord{Slug: "a-vs-b", Title: "A vs B",
		Meta: store.Meta{State: store.InReview, Raw: "undecodable", Answers: []store.Answer{ans}}}); err != nil {
		t.Fatal(err)
	}
	var m store.PageRecord
	natstest.Eventually(t, 5*time.Second, "the mirror holds the page", func() bool {
		var ok bool
		m, ok = s.MirrorPage("a-vs-b")
		return ok
	})
	if m.Title != "A vs B" || m.State != store.InReview {
		t.Errorf("mirror lost list fields: %+v", m)
	}
	if len(m.Answers) != 0 || m.Raw != "" {
		t.Errorf("mirror keeps raw answers: %d answers, raw %q", len(m.Answers), m.Raw)
	}
	full, err := s.Page(ctx, "a-vs-b")
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Answers) != 1 || full.Answers[0].Text != ans.Text || full.Raw != "undecodable" {
		t.Errorf("the record itself lost its answers: %+v, raw %q", full.Answers, full.Raw)
	}
}
