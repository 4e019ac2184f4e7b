package app_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/llmtest"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// Every redraft continues the first conversation and shows the model what
// it wrote, once: a redraft for content findings holds the original
// prompt, the previous answer as the assistant's turn and the findings; a
// request for changes holds the original prompt, the answer the editor saw
// and the editor's note, and asks for nothing else.
func TestRedraftRequestsShowThePreviousAnswer(t *testing.T) {
	dir := subset(t, small...)
	f := newFake(t, dir)
	pairKey := page.Slug("gdpr", "hipaa")
	// Valid JSON whose content the validator refuses: the model's answer is
	// decoded, so before this change the redraft did not carry it.
	badPair := editJSON(t, f.answerFor("pair_draft", pairKey), func(m map[string]any) {
		m["verdict"] = "As an AI language model, I cannot give legal advice. " + m["verdict"].(string)
	})
	badSection := editJSON(t, f.answerFor("section_draft", "iso-27001"), func(m map[string]any) {
		w := m["what_it_is"].([]any)
		w[0] = w[0].(string) + " ISO 27001 is mandatory for every company that handles personal data."
	})
	scripted(f, map[string][]llmtest.Reply{pairKey: {llmtest.OK(badPair)}, "iso-27001": {llmtest.OK(badSection)}})
	s := start(t, app.Config{ProfilesDir: dir, LLM: llmConfig(f), MaxRedrafts: 2, Settings: fastSettings()})
	s.enqueueAll(t)
	waitSettled(t, s.run.Store, 6, 30*time.Second)
	allIn(t, s.run.Store, store.InReview)

	reqs := f.byKey()
	for key, bad := range map[string]string{pairKey: badPair, "iso-27001": badSection} {
		rs := reqs[key]
		if len(rs) != 2 {
			t.Fatalf("%s: %d requests, want the first draft and one redraft", key, len(rs))
		}
		first, redraft := rs[0], rs[1]
		assertContinues(t, key, first, redraft, bad)
		fix := redraft.Messages[3].Content
		if !strings.Contains(fix, "Fix these findings:\n- error ") {
			t.Errorf("%s: the redraft lists no finding:\n%s", key, fix)
		}
		_, m := meta(t, s.run.Store, key)
		if len(m.Answers) != 2 || m.Answers[0].Text != bad || m.Answers[1].Seq <= m.Answers[0].Seq {
			t.Errorf("%s: answers kept %+v, want the bad answer then the redraft's", key, m.Answers)
		}
	}
	// The findings the redraft was told are those the validator gave.
	pairFix := reqs[pairKey][1].Messages[3].Content
	if !strings.Contains(pairFix, "meta.") || !strings.Contains(pairFix, "verdict") {
		t.Errorf("pair redraft does not name the leaked-text finding at the verdict:\n%s", pairFix)
	}
	secFix := reqs["iso-27001"][1].Messages[3].Content
	if !strings.Contains(secFix, "facts.") {
		t.Errorf("section redraft does not name the mandatory-claim finding:\n%s", secFix)
	}

	// Requests for changes, on a page and on a section.
	note := "Say in the verdict which of the two an auditor certifies; keep the rest."
	for _, c := range []struct {
		kind store.Kind
		key  string
		path string
	}{
		{store.KindPage, page.Slug("iso-27001", "soc-2"), "/api/pages/"},
		{store.KindSection, "soc-2", "/api/sections/"},
	} {
		_, m := meta(t, s.run.Store, c.key)
		seen := m.Answers[len(m.Answers)-1].Text
		before := len(f.byKey()[c.key])
		code, body := s.call(t, "POST", c.path+c.key+"/request-changes", s.token, map[string]any{"revision": m.Revision, "note": note})
		if code != 200 {
			t.Fatalf("%s: request-changes: %d %s", c.key, code, body)
		}
		natstest.CheckFor(t, 30*time.Second, func() error {
			_, m := meta(t, s.run.Store, c.key)
			if m.State != store.InReview || len(f.byKey()[c.key]) == before {
				return fmt.Errorf("%s: %s after %d requests", c.key, m.State, len(f.byKey()[c.key]))
			}
			return nil
		})
		rs := f.byKey()[c.key]
		if len(rs) != before+1 {
			t.Fatalf("%s: %d requests after the note, want %d", c.key, len(rs), before+1)
		}
		req := rs[len(rs)-1]
		assertContinues(t, c.key, rs[0], req, seen)
		last := req.Messages[3].Content
		if !strings.Contains(last, note) || !strings.Contains(last, "Change only what the editor's note asks") {
			t.Errorf("%s: the request for changes lacks the note or the instruction:\n%s", c.key, last)
		}
		if strings.Contains(last, "Fix these findings") || strings.Contains(last, "checker") {
			t.Errorf("%s: the request for changes speaks of a checker:\n%s", c.key, last)
		}
	}
}

// An editor who edited a draft and then asks for changes is asking about
// the edited text: that is the assistant's turn, not the model's answer.
func TestRequestChangesAfterAnEditShowsTheEdit(t *testing.T) {
	dir := subset(t, small...)
	f := newFake(t, dir)
	s := start(t, app.Config{ProfilesDir: dir, LLM: llmConfig(f), MaxRedrafts: 2, Settings: fastSettings()})
	s.enqueueAll(t)
	waitSettled(t, s.run.Store, 6, 30*time.Second)
	key := page.Slug("gdpr", "soc-2")
	rec, err := s.run.Store.Page(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	edited := rec.Pair
	edited.Description = "GDPR vs SOC 2: a binding EU privacy law set against a voluntary attestation report for service organizations."
	code, body := s.call(t, "POST", "/api/pages/"+key+"/edit", s.token, map[string]any{"revision": rec.Revision, "pair": edited})
	if code != 200 {
		t.Fatalf("edit: %d %s", code, body)
	}
	rec, err = s.run.Store.Page(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(rec.Pair.Draft())
	before := len(f.byKey()[key])
	note := "Name the fines in the verdict."
	if code, body := s.call(t, "POST", "/api/pages/"+key+"/request-changes", s.token, map[string]any{"revision": rec.Revision, "note": note}); code != 200 {
		t.Fatalf("request-changes: %d %s", code, body)
	}
	natstest.CheckFor(t, 30*time.Second, func() error {
		if n := len(f.byKey()[key]); n == before {
			return fmt.Errorf("%s: no redraft request yet", key)
		}
		return nil
	})
	rs := f.byKey()[key]
	req := rs[len(rs)-1]
	assertContinues(t, key, rs[0], req, string(want))
	if !strings.Contains(req.Messages[2].Content, edited.Description) {
		t.Errorf("the assistant's turn is not the edited draft:\n%s", req.Messages[2].Content)
	}
}

// assertContinues checks that redraft is the first request's conversation
// with prev once as the assistant's turn and one user turn after it.
func assertContinues(t *testing.T, key string, first, redraft llmtest.Request, prev string) {
	t.Helper()
	msgs := redraft.Messages
	if len(msgs) != 4 {
		t.Fatalf("%s: redraft has %d messages, want system, user, assistant, user", key, len(msgs))
	}
	for i, role := range []string{"system", "user", "assistant", "user"} {
		if msgs[i].Role != role {
			t.Errorf("%s: message %d is %s, want %s", key, i, msgs[i].Role, role)
		}
	}
	if msgs[0] != first.Messages[0] || msgs[1] != first.Messages[1] {
		t.Errorf("%s: the redraft does not repeat the original prompt", key)
	}
	if msgs[2].Content != prev {
		t.Errorf("%s: assistant turn %q, want the previous answer %q", key, clip(msgs[2].Content), clip(prev))
	}
	if n := strings.Count(redraft.Text(), prev); n != 1 {
		t.Errorf("%s: the previous answer is in the redraft %d times, want once", key, n)
	}
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// answerFor is the fake's good answer for the record key.
func (f *fake) answerFor(schema, key string) string {
	for _, p := range f.set.All() {
		if schema == "section_draft" && p.ID == key {
			return f.resp.Answer(schema, "- short_name: "+p.ShortName)
		}
	}
	for _, pr := range f.set.Pairs() {
		if page.Slug(pr[0].ID, pr[1].ID) == key {
			return f.resp.Answer(schema, "Standard A: "+pr[0].ShortName+", x\nStandard B: "+pr[1].ShortName+", y")
		}
	}
	return ""
}

func editJSON(t *testing.T, doc string, edit func(map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("%v: %s", err, doc)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
