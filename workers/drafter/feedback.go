package drafter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// feedback says what the author is asked for. A record sent back by the
// validator (Attempt > 0) is a Fix: its last answer and its findings. One
// sent back by an editor (a note, no attempt yet) is Changes: the note and
// the answer as the editor last saw it. Anything else is drafted fresh.
func feedback(ctx context.Context, s *store.Store, kind store.Kind, key string, meta store.Meta) (author.Feedback, error) {
	var fb author.Feedback
	switch {
	case meta.Attempt > 0:
		fb = author.Feedback{Mode: author.Fix, Findings: meta.Findings, Note: meta.Note}
	case meta.Note != "":
		fb = author.Feedback{Mode: author.Changes, Note: meta.Note}
	default:
		return fb, nil
	}
	current, err := currentDraft(ctx, s, kind, key)
	if err != nil {
		return fb, err
	}
	last, ok := meta.LastAnswer()
	switch {
	case !ok && meta.Raw != "":
		// A record drafted before every answer was kept, whose last
		// answer could not be decoded: that answer is the one to fix.
		fb.Previous = meta.Raw
	case !ok:
		// A record drafted before every answer was kept: its content is
		// what the model last wrote, or what an editor made of it.
		fb.Previous = current
	case fb.Mode == author.Changes && !sameDraft(kind, last.Text, current):
		// An editor edited the draft after the model wrote it: the note
		// is about the edited text.
		fb.Previous = current
	default:
		fb.Previous = last.Text
	}
	return fb, nil
}

// currentDraft is the record's content as the model's JSON answer would
// hold it; "" when the record holds no draft yet.
func currentDraft(ctx context.Context, s *store.Store, kind store.Kind, key string) (string, error) {
	var v any
	switch kind {
	case store.KindSection:
		r, err := s.Section(ctx, key)
		if err != nil {
			return "", err
		}
		if r.Section.Tagline == "" && len(r.Section.KeyFeatures) == 0 {
			return "", nil
		}
		d := r.Section.Draft()
		if d.Implementation.Steps == nil {
			d.Implementation.Steps = []string{}
		}
		v = d
	case store.KindPage:
		r, err := s.Page(ctx, key)
		if err != nil {
			return "", err
		}
		if r.Pair.Verdict == "" && len(r.Pair.FAQ) == 0 {
			return "", nil
		}
		v = r.Pair.Draft()
	default:
		return "", fmt.Errorf("unknown kind %q", kind)
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// sameDraft reports whether the answer decodes to the current draft, so an
// unedited draft is shown to the model as it wrote it.
func sameDraft(kind store.Kind, answer, current string) bool {
	var v any
	switch kind {
	case store.KindSection:
		d, fs := page.DecodeSectionDraft([]byte(answer))
		if len(fs) > 0 {
			return false
		}
		if d.Implementation.Steps == nil {
			d.Implementation.Steps = []string{}
		}
		v = d
	default:
		d, fs := page.DecodePairDraft([]byte(answer))
		if len(fs) > 0 {
			return false
		}
		v = d
	}
	b, err := json.Marshal(v)
	return err == nil && bytes.Equal(b, []byte(current))
}

// keep adds an author's answer to the record's answers.
func keep(m *store.Meta, j store.Job, answer string) {
	if answer == "" {
		return
	}
	m.Answers = store.KeepAnswer(m.Answers, store.Answer{Seq: j.Seq, Attempt: m.Attempt, At: time.Now().UTC(), Text: answer})
}
