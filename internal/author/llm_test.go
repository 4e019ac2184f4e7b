package author

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/llm"
	"github.com/versus-dev/versus/internal/profile"
)

// recorder is a Completer that keeps the requests it is given.
type recorder struct {
	reqs   []llm.Request
	answer string
}

func (r *recorder) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	r.reqs = append(r.reqs, req)
	return llm.Response{Content: r.answer, Attempts: 1}, nil
}

func testProfile(t *testing.T) *profile.Profile {
	t.Helper()
	set, err := profile.Load("../../profiles")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := set.Get("soc-2")
	if !ok {
		t.Fatal("no soc-2 profile")
	}
	return p
}

// Each mode's request: a first draft is the prompt alone; a fix and a
// request for changes add the previous answer once as the assistant's
// turn and one user turn with the findings or the note.
func TestFeedbackRequests(t *testing.T) {
	p := testProfile(t)
	prev := `{"tagline":"SOC 2 is a certification."}`
	fs := []finding.Finding{{Rule: "facts.certifiable", Severity: finding.Error, Field: "tagline", Message: "SOC 2 is not certifiable"}}
	for _, c := range []struct {
		fb           Feedback
		turns        int
		want, refuse []string
	}{
		{Feedback{}, 0, nil, nil},
		{Feedback{Mode: Fix, Previous: prev, Findings: fs}, 2, []string{"Fix these findings:", "- error facts.certifiable at tagline: SOC 2 is not certifiable"}, []string{"editor"}},
		{Feedback{Mode: Fix, Previous: prev, Findings: fs, Note: "Shorter."}, 2, []string{"facts.certifiable", "still applies: Shorter."}, nil},
		{Feedback{Mode: Changes, Previous: prev, Note: "Say it is an attestation."}, 2, []string{"Say it is an attestation.", "Change only what the editor's note asks"}, []string{"Fix these findings", "checker"}},
	} {
		r := &recorder{answer: `{}`}
		a := &LLM{Client: r, Model: "m"}
		if _, err := a.Section(context.Background(), p, c.fb); err != nil {
			t.Fatalf("%s: %v", c.fb.Mode, err)
		}
		req := r.reqs[0]
		if req.System == "" || !strings.Contains(req.User, "short_name: SOC 2") {
			t.Errorf("%s: the original prompt is not the first turns", c.fb.Mode)
		}
		if len(req.Messages) != c.turns {
			t.Fatalf("%s: %d extra turns, want %d", c.fb.Mode, len(req.Messages), c.turns)
		}
		if c.turns == 0 {
			continue
		}
		if req.Messages[0].Role != llm.RoleAssistant || req.Messages[0].Content != prev || req.Messages[1].Role != llm.RoleUser {
			t.Errorf("%s: turns %+v, want the previous answer then the user's", c.fb.Mode, req.Messages)
		}
		if strings.Contains(req.Messages[1].Content, prev) || strings.Contains(req.User, prev) {
			t.Errorf("%s: the previous answer is sent twice", c.fb.Mode)
		}
		for _, w := range c.want {
			if !strings.Contains(req.Messages[1].Content, w) {
				t.Errorf("%s: last turn lacks %q:\n%s", c.fb.Mode, w, req.Messages[1].Content)
			}
		}
		for _, w := range c.refuse {
			if strings.Contains(req.Messages[1].Content, w) {
				t.Errorf("%s: last turn has %q:\n%s", c.fb.Mode, w, req.Messages[1].Content)
			}
		}
	}
}

// A redraft that would be blind or empty is refused, never sent.
func TestFeedbackRefusesBlindRedrafts(t *testing.T) {
	p := testProfile(t)
	fs := []finding.Finding{{Rule: "x", Severity: finding.Error, Message: "m"}}
	for fb, want := range map[*Feedback]error{
		{Mode: Fix, Previous: "{}"}:               ErrNoFindings,
		{Mode: Fix, Findings: fs}:                 ErrNoPrevious,
		{Mode: Changes, Previous: "{}"}:           ErrNoNote,
		{Mode: Changes, Note: "Shorter, please."}: ErrNoPrevious,
	} {
		r := &recorder{answer: `{}`}
		_, err := (&LLM{Client: r, Model: "m"}).Section(context.Background(), p, *fb)
		if !errors.Is(err, want) || len(r.reqs) != 0 {
			t.Errorf("%+v: %v after %d requests, want %v and none sent", *fb, err, len(r.reqs), want)
		}
	}
}

// The schema a call sends is the page schema without its descriptions:
// every property is kept, every bound too.
func TestSchemasSentAreBare(t *testing.T) {
	s := SectionSchema()
	if strings.Contains(mustJSON(t, s), `"description":"`) {
		t.Errorf("section schema still has descriptions: %s", mustJSON(t, s))
	}
	p := mustJSON(t, PairSchema())
	for _, w := range []string{`"description":{`, `"verdict"`, `"faq"`, `"minItems":3`, `"maxItems":8`} {
		if !strings.Contains(p, w) {
			t.Errorf("pair schema lacks %s: %s", w, p)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
