// Package llmtest is an OpenAI-compatible chat completions server for tests.
//
// It speaks POST /v1/chat/completions (and /chat/completions) well enough for
// go-openai and the internal/llm client, records every request it receives,
// and can be told to be slow, rate-limit, fail, hang, truncate, return broken
// JSON, refuse json_schema response formats, or drop connections.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/llm/tokens"
)

// Message is one chat message as received.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is one chat completion request as the server received it.
type Request struct {
	N      int       // 1-based arrival order
	Time   time.Time // arrival time
	Path   string
	Header http.Header
	Raw    json.RawMessage // the body exactly as sent

	Model               string
	Temperature         *float64 // nil when the field was absent
	MaxTokens           *int     // max_tokens; nil when absent
	MaxCompletionTokens *int     // max_completion_tokens; nil when absent
	ResponseFormat      string   // "", "text", "json_object" or "json_schema"
	SchemaName          string
	Schema              json.RawMessage
	Strict              bool
	Messages            []Message

	// Answer is the assistant content the server answered with; set once
	// it answered (Requests returns copies made after).
	Answer string
}

// PromptTokens is the tokenizer's count (o200k_base) of the request as
// received: its messages in the chat format and its schema.
func (r Request) PromptTokens() int {
	msgs := make([]tokens.Message, len(r.Messages))
	for i, m := range r.Messages {
		msgs[i] = tokens.Message{Role: m.Role, Content: m.Content}
	}
	return tokens.Prompt(msgs, r.Schema)
}

// Has reports whether the raw body had the top-level field name, so tests
// can tell an absent field from a zero one.
func (r Request) Has(name string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(r.Raw, &m) != nil {
		return false
	}
	_, ok := m[name]
	return ok
}

// Text returns all message contents joined by newlines.
func (r Request) Text() string {
	var b strings.Builder
	for i, m := range r.Messages {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(m.Content)
	}
	return b.String()
}

// Handler decides the reply to the n-th request (1-based). Returning the zero
// Reply hands the request to the default responder.
type Handler func(req Request, n int) Reply

// Option configures a Server.
type Option func(*Server)

// WithLatency delays every answer by d (interrupted if the client goes away).
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithScript queues replies used in order, one per request, before the
// handler and the default responder are consulted.
func WithScript(r ...Reply) Option { return func(s *Server) { s.script = append(s.script, r...) } }

// WithHandler sets the per-request hook.
func WithHandler(h Handler) Option { return func(s *Server) { s.handler = h } }

// WithResponder sets the default responder: the content of a normal answer.
// Pipeline tests use it to return valid JSON built from the prompt.
func WithResponder(f func(req Request) string) Option { return func(s *Server) { s.responder = f } }

// WithRejectJSONSchema makes the server refuse every json_schema response
// format with 400, as servers without structured outputs do.
func WithRejectJSONSchema() Option { return func(s *Server) { s.rejectSchema = true } }

// WithoutUsage makes the server leave usage out of its answers, as some
// compatible servers do; the client must count the tokens itself.
func WithoutUsage() Option { return func(s *Server) { s.noUsage = true } }

// WithAPIKey makes the server require "Authorization: Bearer key" (or the
// Azure "api-key" header) and answer 401 otherwise.
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// Server is a fake OpenAI-compatible server. It is safe for concurrent use.
type Server struct {
	ts   *httptest.Server
	ln   *toggleListener
	done chan struct{}

	latency      time.Duration
	handler      Handler
	responder    func(Request) string
	rejectSchema bool
	noUsage      bool
	apiKey       string

	mu          sync.Mutex
	script      []Reply
	requests    []Request
	inFlight    int
	maxInFlight int
	refused     atomic.Int64
	closeOnce   sync.Once
}

// NewServer starts a server and closes it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{done: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("llmtest: listen: %v", err)
	}
	s.ln = &toggleListener{Listener: inner, refused: &s.refused}
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.ts.Listener = s.ln
	s.ts.Start()
	t.Cleanup(s.Close)
	return s
}

// URL is the base URL to give a client, ending in /v1.
func (s *Server) URL() string { return s.ts.URL + "/v1" }

// Close stops the server, releasing hanging requests first.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.Close()
	})
}

// SetHandler replaces the per-request hook.
func (s *Server) SetHandler(h Handler) {
	s.mu.Lock()
	s.handler = h
	s.mu.Unlock()
}

// Script appends replies to the script.
func (s *Server) Script(r ...Reply) {
	s.mu.Lock()
	s.script = append(s.script, r...)
	s.mu.Unlock()
}

// Down makes the server hard-fail: open connections are closed and new ones
// are accepted and closed at once, so clients see network errors.
func (s *Server) Down() {
	s.ln.down.Store(true)
	s.ts.CloseClientConnections()
}

// Up undoes Down.
func (s *Server) Up() { s.ln.down.Store(false) }

// Refused counts connections and requests dropped while Down.
func (s *Server) Refused() int { return int(s.refused.Load()) }

// Requests returns a copy of every request recorded so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count is the number of chat completion requests received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Times returns the arrival times of all requests, for measuring rates.
func (s *Server) Times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := make([]time.Time, len(s.requests))
	for i, r := range s.requests {
		ts[i] = r.Time
	}
	return ts
}

// InFlight is the number of requests being answered now.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// MaxInFlight is the largest number of requests answered at once so far.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// WaitCount waits until at least n requests arrived or d passed, and reports
// whether they did.
func (s *Server) WaitCount(n int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if s.Count() >= n {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return s.Count() >= n
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.ln.down.Load() {
		s.refused.Add(1)
		hijackClose(w)
		return
	}
	if r.Method != http.MethodPost || !isChatPath(r.URL.Path) {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	req, perr := parseRequest(body)
	req.Path = r.URL.Path
	req.Header = r.Header.Clone()
	req.Raw = json.RawMessage(body)

	s.mu.Lock()
	req.N = len(s.requests) + 1
	req.Time = time.Now()
	s.requests = append(s.requests, req)
	s.inFlight++
	if s.inFlight > s.maxInFlight {
		s.maxInFlight = s.inFlight
	}
	var reply Reply
	scripted := false
	if len(s.script) > 0 {
		reply, s.script = s.script[0], s.script[1:]
		scripted = true
	}
	handler, latency := s.handler, s.latency
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	switch {
	case perr != nil:
		reply = Reply{Status: http.StatusBadRequest, Body: errorBody("invalid JSON body: "+perr.Error(), "invalid_request_error", nil)}
	case s.apiKey != "" && !s.authorized(r):
		reply = Reply{Status: http.StatusUnauthorized, Body: errorBody("Incorrect API key provided.", "invalid_request_error", "invalid_api_key")}
	case s.rejectSchema && req.ResponseFormat == "json_schema":
		reply = RejectJSONSchema()
	case !scripted && handler != nil:
		reply = handler(req, req.N)
	}
	if reply.isZero() {
		reply = OK(s.respond(req))
	}

	if !s.wait(r, latency+reply.Delay) {
		return
	}
	switch {
	case reply.Hang:
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return
	case reply.Drop:
		hijackClose(w)
		return
	}
	s.write(w, req, reply)
}

func (s *Server) authorized(r *http.Request) bool {
	return r.Header.Get("Authorization") == "Bearer "+s.apiKey || r.Header.Get("api-key") == s.apiKey
}

func (s *Server) respond(req Request) string {
	if s.responder != nil {
		return s.responder(req)
	}
	return `{"ok":true}`
}

// wait sleeps d unless the client leaves or the server closes first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

func (s *Server) write(w http.ResponseWriter, req Request, reply Reply) {
	for k, vs := range reply.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	if reply.Body != "" {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply.Body)
		return
	}
	finish := reply.FinishReason
	if finish == "" {
		finish = "stop"
	}
	s.mu.Lock()
	if req.N-1 < len(s.requests) {
		s.requests[req.N-1].Answer = reply.Content
	}
	s.mu.Unlock()
	// Usage as a provider counts it: the tokenizer's count of what came in
	// and of the answer.
	u := Usage{Prompt: req.PromptTokens(), Completion: tokens.Count(reply.Content)}
	if reply.Usage != nil {
		u = *reply.Usage
	}
	model := req.Model
	if model == "" {
		model = "fake"
	}
	resp := map[string]any{
		"id":      fmt.Sprintf("chatcmpl-fake-%d", req.N),
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   model,
		"choices": []map[string]any{{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": reply.Content},
			"finish_reason": finish,
		}},
	}
	if !s.noUsage {
		resp["usage"] = map[string]any{
			"prompt_tokens":         u.Prompt,
			"completion_tokens":     u.Completion,
			"total_tokens":          u.Prompt + u.Completion,
			"prompt_tokens_details": map[string]any{"cached_tokens": u.Cached},
		}
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(resp)
}

func isChatPath(p string) bool {
	return p == "/v1/chat/completions" || p == "/chat/completions" ||
		// Azure: /openai/deployments/{name}/chat/completions
		(strings.HasPrefix(p, "/openai/deployments/") && strings.HasSuffix(p, "/chat/completions"))
}

func hijackClose(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			_ = c.Close()
			return
		}
	}
	// Not hijackable (HTTP/2): a bare 502 is the closest hard failure.
	w.WriteHeader(http.StatusBadGateway)
}

// parseRequest decodes the fields tests assert on; the raw body is kept too.
func parseRequest(body []byte) (Request, error) {
	var wire struct {
		Model               string            `json:"model"`
		Temperature         *float64          `json:"temperature"`
		MaxTokens           *int              `json:"max_tokens"`
		MaxCompletionTokens *int              `json:"max_completion_tokens"`
		Messages            []json.RawMessage `json:"messages"`
		ResponseFormat      *struct {
			Type       string `json:"type"`
			JSONSchema *struct {
				Name   string          `json:"name"`
				Schema json.RawMessage `json:"schema"`
				Strict bool            `json:"strict"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return Request{}, err
	}
	req := Request{
		Model:               wire.Model,
		Temperature:         wire.Temperature,
		MaxTokens:           wire.MaxTokens,
		MaxCompletionTokens: wire.MaxCompletionTokens,
	}
	for _, raw := range wire.Messages {
		var m struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return Request{}, fmt.Errorf("message: %w", err)
		}
		req.Messages = append(req.Messages, Message{Role: m.Role, Content: contentText(m.Content)})
	}
	if rf := wire.ResponseFormat; rf != nil {
		req.ResponseFormat = rf.Type
		if rf.JSONSchema != nil {
			req.SchemaName = rf.JSONSchema.Name
			req.Schema = rf.JSONSchema.Schema
			req.Strict = rf.JSONSchema.Strict
		}
	}
	return req, nil
}

// contentText accepts both a string content and the array-of-parts form.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.Text)
		}
		return b.String()
	}
	return ""
}

// toggleListener accepts and immediately closes connections while down, so a
// client gets a reset instead of a response.
type toggleListener struct {
	net.Listener
	down    atomic.Bool
	refused *atomic.Int64
}

func (l *toggleListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if !l.down.Load() {
			return c, nil
		}
		l.refused.Add(1)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // RST rather than FIN: closest to "refused"
		}
		_ = c.Close()
	}
}
