package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/llm/tokens"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// Responder answers a drafting prompt the way a good model would: with the
// offline composer's (valid, grounded) draft of the standards the prompt is
// about. Benchmarks and scale tests use it so that every page passes
// validation and the LLM's cost is its latency alone.
type Responder struct {
	set   *profile.Set
	slugs map[string][2]*profile.Profile
}

// NewResponder answers prompts about the standards of set.
func NewResponder(set *profile.Set) *Responder {
	r := &Responder{set: set, slugs: map[string][2]*profile.Profile{}}
	for _, pr := range set.Pairs() {
		r.slugs[page.Slug(pr[0].ID, pr[1].ID)] = pr
	}
	return r
}

// shortNameLine is how the prompts' facts name a standard.
// (the section prompt's facts, and the pair prompt's "Standard A: X, …" lines).
var shortNameLine = regexp.MustCompile(`(?m)^(?:- short_name: (.+)|Standard [AB]: ([^,\n]+)(?:,.*)?)$`)

// Key names the record a prompt drafts: the standard id for a section
// ("section_draft" schema), the page slug for a pair ("pair_draft"); "" when the
// prompt names no known standard.
func (r *Responder) Key(schema, user string) string {
	var ids []string
	for _, m := range shortNameLine.FindAllStringSubmatch(user, -1) {
		if p, ok := r.set.Resolve(strings.TrimSpace(m[1] + m[2])); ok {
			ids = append(ids, p.ID)
		}
	}
	switch {
	case schema == "section_draft" && len(ids) >= 1:
		return ids[0]
	case schema == "pair_draft" && len(ids) >= 2:
		return page.Slug(ids[0], ids[1])
	}
	return ""
}

// Answer is the JSON content of the model's answer.
func (r *Responder) Answer(schema, user string) string {
	k := r.Key(schema, user)
	var v any
	switch schema {
	case "section_draft":
		p, ok := r.set.Get(k)
		if !ok {
			return `{"error":"unknown standard"}`
		}
		v = sectionDraft(p)
	default:
		pr, ok := r.slugs[k]
		if !ok {
			return `{"error":"unknown pair"}`
		}
		v = pairDraft(pr[0], pr[1])
	}
	data, _ := json.Marshal(v)
	return string(data)
}

// sectionDraft is the composer's section as the model's JSON (nil slices
// become [] so the strict schema holds).
func sectionDraft(p *profile.Profile) page.SectionDraft {
	d := compose.Section(p).Draft()
	if d.Implementation.Steps == nil {
		d.Implementation.Steps = []string{}
	}
	return d
}

// pairDraft is the composer's pair part as the model drafts it: without the
// differences table, which the pipeline builds from the profiles.
func pairDraft(a, b *profile.Profile) page.PairDraft { return compose.Pair(a, b).Draft() }

// wholePair is the whole pair part, table included: what a model drafting
// every page whole must write.
func wholePair(a, b *profile.Profile) page.Pair {
	pr := compose.Pair(a, b)
	if pr.Differences.Extra == nil {
		pr.Differences.Extra = []page.Row{}
	}
	return pr
}

// FakeLLM is an OpenAI-compatible chat completions server for benchmarks:
// a fixed latency per call and, optionally, a server-side throughput limit
// (calls beyond it wait their turn, as at a saturated provider). Unlike
// internal/llmtest it needs no *testing.T, so `versus bench` can run it.
type FakeLLM struct {
	Latency time.Duration
	// Limit is the most calls per second the server starts; 0 none.
	Limit rate.Limit

	resp    *Responder
	lim     *rate.Limiter
	srv     *http.Server
	ln      net.Listener
	mu      sync.Mutex
	calls   int
	prompt  int
	compl   int
	first   time.Time
	last    time.Time
	maxBusy int
	busy    int
}

// StartFakeLLM serves on a loopback port until Close.
func StartFakeLLM(resp *Responder, latency time.Duration, limit rate.Limit) (*FakeLLM, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fake llm: %w", err)
	}
	f := &FakeLLM{Latency: latency, Limit: limit, resp: resp, ln: ln}
	if limit > 0 {
		f.lim = rate.NewLimiter(limit, 1)
	}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// URL is the base URL to configure the client with.
func (f *FakeLLM) URL() string { return "http://" + f.ln.Addr().String() + "/v1" }

// Close stops the server.
func (f *FakeLLM) Close() { _ = f.srv.Close() }

// Stats is what the server saw.
type Stats struct {
	Calls            int
	PromptTokens     int
	CompletionTokens int
	MaxInFlight      int
	First, Last      time.Time // first call's arrival, last call's answer
}

// Stats returns the counts so far.
func (f *FakeLLM) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Stats{f.calls, f.prompt, f.compl, f.maxBusy, f.first, f.last}
}

func (f *FakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
		ResponseFormat *struct {
			JSONSchema *struct {
				Name   string          `json:"name"`
				Schema json.RawMessage `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, `{"error":{"message":"bad json","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	if f.calls == 0 {
		f.first = time.Now()
	}
	f.calls++
	f.busy++
	f.maxBusy = max(f.maxBusy, f.busy)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.busy--
		f.last = time.Now()
		f.mu.Unlock()
	}()
	if f.lim != nil {
		if err := f.lim.Wait(r.Context()); err != nil {
			return
		}
	}
	select {
	case <-time.After(f.Latency):
	case <-r.Context().Done():
		return
	}
	var schema, user string
	var sch []byte
	msgs := make([]tokens.Message, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = tokens.Message{Role: m.Role, Content: m.Content}
		if m.Role == "user" && user == "" {
			user = m.Content
		}
	}
	if rf := req.ResponseFormat; rf != nil && rf.JSONSchema != nil {
		schema, sch = rf.JSONSchema.Name, rf.JSONSchema.Schema
	}
	content := f.resp.Answer(schema, user)
	// Counted as a provider counts them: the tokenizer over what came in.
	pt, ct := tokens.Prompt(msgs, sch), tokens.Count(content)
	f.mu.Lock()
	f.prompt += pt
	f.compl += ct
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-bench", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]any{"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct},
	})
}
