package app_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/llm/tokens"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/store"
)

// The token figures of /api/usage are the tokenizer's count of what was
// sent and received, call by call, even from a server that reports no
// usage at all (the client then counts them itself).
func TestUsageIsTheTokenizersCount(t *testing.T) {
	dir := subset(t, small...)
	f := newFake(t, dir, llmtest.WithoutUsage())
	s := start(t, app.Config{ProfilesDir: dir, LLM: llmConfig(f), MaxRedrafts: 2, Settings: fastSettings()})
	s.enqueueAll(t)
	waitSettled(t, s.run.Store, 6, 30*time.Second)
	allIn(t, s.run.Store, store.InReview)

	var wantPrompt, wantCompletion int
	perKey := map[string]int{}
	for k, rs := range f.byKey() {
		for _, r := range rs {
			p, c := r.PromptTokens(), tokens.Count(r.Answer)
			wantPrompt += p
			wantCompletion += c
			perKey[k] += p + c
		}
	}
	code, body := s.call(t, "GET", "/api/usage", s.token, nil)
	if code != 200 {
		t.Fatalf("usage: %d %s", code, body)
	}
	var u struct {
		Pages, Sections struct {
			Records int
			Usage   store.Usage
		}
		Total int `json:"total_tokens"`
	}
	if err := json.Unmarshal(body, &u); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	prompt := u.Pages.Usage.Prompt + u.Sections.Usage.Prompt
	completion := u.Pages.Usage.Completion + u.Sections.Usage.Completion
	if prompt != wantPrompt || completion != wantCompletion || u.Total != wantPrompt+wantCompletion {
		t.Errorf("/api/usage: %d prompt + %d completion = %d tokens; the tokenizer counts %d + %d sent and received",
			prompt, completion, u.Total, wantPrompt, wantCompletion)
	}
	for _, p := range s.run.Store.Pages() {
		if p.Usage.Total() != perKey[p.Slug] {
			t.Errorf("%s: %d tokens on the record, %d sent and received", p.Slug, p.Usage.Total(), perKey[p.Slug])
		}
	}
	for _, r := range s.run.Store.Sections() {
		if r.Usage.Total() != perKey[r.Standard] {
			t.Errorf("section %s: %d tokens on the record, %d sent and received", r.Standard, r.Usage.Total(), perKey[r.Standard])
		}
	}
	t.Logf("4 standards, 6 pages: %d prompt + %d completion tokens (o200k_base)", wantPrompt, wantCompletion)
}
