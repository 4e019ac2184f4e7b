package llmtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/llm/tokens"
	"github.com/versus-dev/versus/internal/llmtest"
)

func post(t *testing.T, url, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestRecordsRequests(t *testing.T) {
	srv := llmtest.NewServer(t)
	post(t, srv.URL()+"/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	post(t, srv.URL()+"/chat/completions", `{"model":"m","temperature":0,"max_tokens":7,
		"response_format":{"type":"json_schema","json_schema":{"name":"x","strict":true,"schema":{"type":"object"}}},
		"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"parts"}]}]}`)
	post(t, strings.TrimSuffix(srv.URL(), "/v1")+"/chat/completions", `{"model":"m","messages":[]}`)

	reqs := srv.Requests()
	if len(reqs) != 3 || srv.Count() != 3 || len(srv.Times()) != 3 {
		t.Fatalf("recorded %d requests", len(reqs))
	}
	a, b := reqs[0], reqs[1]
	if a.Temperature != nil || a.Has("temperature") {
		t.Errorf("absent temperature recorded as %v", *a.Temperature)
	}
	if b.Temperature == nil || *b.Temperature != 0 || !b.Has("temperature") {
		t.Errorf("temperature 0 not recorded")
	}
	if *b.MaxTokens != 7 || b.ResponseFormat != "json_schema" || b.SchemaName != "x" || !b.Strict ||
		string(b.Schema) != `{"type":"object"}` {
		t.Errorf("request 2 = %+v", b)
	}
	if b.Messages[1].Content != "parts" || b.Text() != "s\nparts" {
		t.Errorf("messages = %+v", b.Messages)
	}
	if a.N != 1 || b.N != 2 || !b.Time.After(a.Time) && !b.Time.Equal(a.Time) {
		t.Errorf("order: %d %d", a.N, b.N)
	}
}

func TestResponseShape(t *testing.T) {
	srv := llmtest.NewServer(t,
		llmtest.WithResponder(func(r llmtest.Request) string { return `{"echo":` + jsonString(r.Messages[0].Content) + `}` }))
	resp, body := post(t, srv.URL()+"/chat/completions", `{"model":"mm","messages":[{"role":"user","content":"abcdefgh"}]}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var out struct {
		Model   string
		Choices []struct {
			Message      struct{ Role, Content string }
			FinishReason string `json:"finish_reason"`
		}
		Usage struct {
			PromptTokens        int `json:"prompt_tokens"`
			CompletionTokens    int `json:"completion_tokens"`
			TotalTokens         int `json:"total_tokens"`
			PromptTokensDetails struct {
				CachedTokens *int `json:"cached_tokens"`
			} `json:"prompt_tokens_details"`
		}
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	c := out.Choices[0]
	if out.Model != "mm" || c.Message.Role != "assistant" || c.Message.Content != `{"echo":"abcdefgh"}` || c.FinishReason != "stop" {
		t.Errorf("response = %s", body)
	}
	u := out.Usage
	// The tokenizer's counts, as a provider reports them.
	wantPrompt := tokens.Prompt([]tokens.Message{{Role: "user", Content: "abcdefgh"}}, nil)
	if u.PromptTokens != wantPrompt || u.CompletionTokens != tokens.Count(c.Message.Content) || u.TotalTokens != u.PromptTokens+u.CompletionTokens || u.PromptTokensDetails.CachedTokens == nil {
		t.Errorf("usage = %+v", u)
	}
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestScriptThenHandlerThenDefault(t *testing.T) {
	srv := llmtest.NewServer(t,
		llmtest.WithScript(llmtest.RateLimited(1500*time.Millisecond), llmtest.Truncated(`{"a"`)),
		llmtest.WithHandler(func(r llmtest.Request, n int) llmtest.Reply {
			if n == 3 {
				return llmtest.ServerError(503)
			}
			return llmtest.Reply{} // default responder
		}))
	body := `{"model":"m","messages":[]}`
	r1, _ := post(t, srv.URL()+"/chat/completions", body)
	_, b2 := post(t, srv.URL()+"/chat/completions", body)
	r3, _ := post(t, srv.URL()+"/chat/completions", body)
	r4, b4 := post(t, srv.URL()+"/chat/completions", body)
	if r1.StatusCode != 429 || r1.Header.Get("Retry-After") != "2" {
		t.Errorf("1: %d Retry-After %q", r1.StatusCode, r1.Header.Get("Retry-After"))
	}
	if !strings.Contains(b2, `"finish_reason":"length"`) {
		t.Errorf("2: %s", b2)
	}
	if r3.StatusCode != 503 || r4.StatusCode != 200 || !strings.Contains(b4, `{\"ok\":true}`) {
		t.Errorf("3: %d, 4: %d %s", r3.StatusCode, r4.StatusCode, b4)
	}
}

func TestRejectsAndAuth(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithRejectJSONSchema(), llmtest.WithAPIKey("k123"))
	req, _ := http.NewRequest("POST", srv.URL()+"/chat/completions",
		strings.NewReader(`{"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{}}}}`))
	req.Header.Set("Authorization", "Bearer k123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("json_schema: status %d, want 400", resp.StatusCode)
	}
	r, _ := post(t, srv.URL()+"/chat/completions", `{"model":"m","messages":[]}`)
	if r.StatusCode != 401 {
		t.Errorf("no key: status %d, want 401", r.StatusCode)
	}
	r, _ = post(t, srv.URL()+"/chat/completions", `{not json`)
	if r.StatusCode != 401 && r.StatusCode != 400 {
		t.Errorf("bad body: status %d", r.StatusCode)
	}
	r, _ = post(t, srv.URL()+"/models", `{}`)
	if r.StatusCode != 404 {
		t.Errorf("other path: status %d", r.StatusCode)
	}
}

func TestDownUp(t *testing.T) {
	srv := llmtest.NewServer(t)
	body := `{"model":"m","messages":[]}`
	post(t, srv.URL()+"/chat/completions", body) // leaves a keep-alive connection
	srv.Down()
	for range 2 {
		if _, err := http.Post(srv.URL()+"/chat/completions", "application/json", strings.NewReader(body)); err == nil {
			t.Fatal("request succeeded while down")
		}
	}
	if srv.Refused() == 0 || srv.Count() != 1 {
		t.Errorf("refused %d, count %d", srv.Refused(), srv.Count())
	}
	srv.Up()
	if r, _ := post(t, srv.URL()+"/chat/completions", body); r.StatusCode != 200 {
		t.Errorf("after Up: %d", r.StatusCode)
	}
}

func TestHangEndsWithClient(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.Hang()))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL()+"/chat/completions", strings.NewReader(`{"model":"m","messages":[]}`))
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("hanging request answered")
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.InFlight() != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if srv.InFlight() != 0 || srv.MaxInFlight() != 1 {
		t.Errorf("in flight %d, max %d", srv.InFlight(), srv.MaxInFlight())
	}
}

func TestCloseReleasesHang(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.Hang()))
	go http.Post(srv.URL()+"/chat/completions", "application/json", strings.NewReader(`{"model":"m","messages":[]}`)) //nolint:errcheck
	if !srv.WaitCount(1, 5*time.Second) {
		t.Fatal("request never arrived")
	}
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
}
