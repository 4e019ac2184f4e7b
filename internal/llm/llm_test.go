package llm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/llm"
	"github.com/versus-dev/versus/internal/llm/tokens"
	"github.com/versus-dev/versus/internal/llmtest"
)

var testSchema = map[string]any{
	"type":                 "object",
	"properties":           map[string]any{"verdict": map[string]any{"type": "string"}},
	"required":             []string{"verdict"},
	"additionalProperties": false,
}

func testRequest() llm.Request {
	return llm.Request{
		Name:   "pair verdict",
		Schema: testSchema,
		System: "You write comparison pages.",
		User:   "Compare A and B.",
	}
}

// newClient makes a client for srv with fast backoff; mod adjusts the config.
func newClient(t testing.TB, srv *llmtest.Server, mod func(*llm.Config), opts ...llm.Option) *llm.Client {
	t.Helper()
	cfg := llm.Config{BaseURL: srv.URL(), APIKey: "sk-test-key-123456", Model: "test-model", Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	opts = append([]llm.Option{llm.WithBackoff(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := llm.New(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCompleteSuccess(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.Reply{
		Status:  http.StatusOK,
		Content: `{"verdict":"A"}`,
		Usage:   &llmtest.Usage{Prompt: 120, Completion: 30, Cached: 64},
	}))
	reg := prometheus.NewRegistry()
	m := llm.NewMetrics(reg)
	c := newClient(t, srv, func(cfg *llm.Config) { cfg.MaxTokens = 500 }, llm.WithMetrics(m))

	req := testRequest()
	req.Messages = []llm.Message{
		{Role: llm.RoleAssistant, Content: `{"verdict":""}`},
		{Role: llm.RoleUser, Content: "verdict is empty"},
	}
	resp, err := c.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := llm.Usage{Prompt: 120, Completion: 30, Cached: 64, Total: 150}
	if resp.Usage != want || resp.Content != `{"verdict":"A"}` || resp.Attempts != 1 ||
		resp.Model != "test-model" || resp.FinishReason != "stop" || resp.Truncated {
		t.Fatalf("response = %+v", resp)
	}

	got := srv.Requests()
	if len(got) != 1 {
		t.Fatalf("server saw %d requests", len(got))
	}
	r := got[0]
	if r.Model != "test-model" || r.ResponseFormat != "json_schema" || !r.Strict || r.SchemaName != "pair_verdict" {
		t.Errorf("request = model %q format %q strict %v name %q", r.Model, r.ResponseFormat, r.Strict, r.SchemaName)
	}
	var schema map[string]any
	if err := json.Unmarshal(r.Schema, &schema); err != nil || schema["additionalProperties"] != false {
		t.Errorf("schema sent = %s (%v)", r.Schema, err)
	}
	roles := []string{}
	for _, m := range r.Messages {
		roles = append(roles, m.Role)
	}
	if strings.Join(roles, ",") != "system,user,assistant,user" || r.Messages[3].Content != "verdict is empty" {
		t.Errorf("messages = %+v", r.Messages)
	}
	if r.MaxTokens == nil || *r.MaxTokens != 500 || r.MaxCompletionTokens != nil {
		t.Errorf("compatible server should get max_tokens=500, raw %s", r.Raw)
	}
	if r.Header.Get("Authorization") != "Bearer sk-test-key-123456" {
		t.Errorf("authorization header not sent")
	}

	if v := metricValue(t, reg, "versus_llm_tokens_total", "cached"); v != 64 {
		t.Errorf("cached tokens metric = %v", v)
	}
	if v := metricValue(t, reg, "versus_llm_calls_total", "ok"); v != 1 {
		t.Errorf("ok calls metric = %v", v)
	}
	if v := metricValue(t, reg, "versus_llm_request_duration_seconds", ""); v != 1 {
		t.Errorf("latency histogram count = %v", v)
	}
	// Registering again with the same registry reuses the collectors.
	if m2 := llm.NewMetrics(reg); m2.Calls != m.Calls {
		t.Errorf("second NewMetrics did not reuse the registered collectors")
	}
}

// metricValue sums the counter (or histogram sample count) name over the
// series whose label values include label ("" for all).
func metricValue(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := label == ""
			for _, lp := range m.GetLabel() {
				match = match || lp.GetValue() == label
			}
			if !match {
				continue
			}
			sum += m.GetCounter().GetValue() + float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}

func TestRetryAfterHonoured(t *testing.T) {
	tests := []struct {
		name  string
		reply llmtest.Reply
		min   time.Duration
	}{
		{"seconds", llmtest.RateLimited(time.Second), time.Second},
		{"milliseconds header", llmtest.Reply{
			Status: http.StatusTooManyRequests,
			Header: http.Header{"Retry-After-Ms": {"300"}},
			Body:   `{"error":{"message":"slow down","type":"requests"}}`,
		}, 300 * time.Millisecond},
		{"503 with Retry-After", llmtest.Reply{
			Status: http.StatusServiceUnavailable,
			Header: http.Header{"Retry-After": {"1"}},
			Body:   `{"error":{"message":"overloaded","type":"server_error"}}`,
		}, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.WithScript(tt.reply))
			reg := prometheus.NewRegistry()
			m := llm.NewMetrics(reg)
			c := newClient(t, srv, nil, llm.WithMetrics(m))
			resp, err := c.Complete(context.Background(), testRequest())
			if err != nil {
				t.Fatal(err)
			}
			if resp.Attempts != 2 {
				t.Errorf("attempts = %d, want 2", resp.Attempts)
			}
			times := srv.Times()
			if len(times) != 2 {
				t.Fatalf("server saw %d requests, want 2", len(times))
			}
			if gap := times[1].Sub(times[0]); gap < tt.min {
				t.Errorf("retry came %v after the refusal, Retry-After asked for %v", gap, tt.min)
			}
			if metricValue(t, reg, "versus_llm_retries_total", "") == 0 {
				t.Errorf("retry not counted in metrics")
			}
		})
	}
}

func TestRetryAfterTooLongReturnsTransient(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.RateLimited(10*time.Minute)))
	c := newClient(t, srv, nil, llm.WithMaxRetryAfter(time.Minute))
	_, err := c.Complete(context.Background(), testRequest())
	if !llm.IsTransient(err) {
		t.Fatalf("err = %v, want transient", err)
	}
	if d, ok := llm.RetryAfter(err); !ok || d != 10*time.Minute {
		t.Errorf("RetryAfter = %v %v, want 10m", d, ok)
	}
	if srv.Count() != 1 {
		t.Errorf("server saw %d requests, want 1 (no waiting out a 10m Retry-After)", srv.Count())
	}
}

func TestServerErrorsRetried(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithScript(
		llmtest.ServerError(500), llmtest.ServerError(503),
		llmtest.RawBody(502, "<html>bad gateway</html>"), llmtest.Drop(),
	))
	c := newClient(t, srv, nil)
	resp, err := c.Complete(context.Background(), testRequest())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 5 || srv.Count() != 5 {
		t.Errorf("attempts = %d, server count = %d, want 5", resp.Attempts, srv.Count())
	}
}

func TestServerErrorForever(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithHandler(func(llmtest.Request, int) llmtest.Reply {
		return llmtest.ServerError(http.StatusServiceUnavailable)
	}))
	c := newClient(t, srv, func(cfg *llm.Config) { cfg.MaxRetries = 2 })
	resp, err := c.Complete(context.Background(), testRequest())
	if err == nil {
		t.Fatal("no error")
	}
	if !llm.IsTransient(err) {
		t.Errorf("IsTransient(%v) = false", err)
	}
	if llm.StatusCode(err) != 503 {
		t.Errorf("StatusCode = %d", llm.StatusCode(err))
	}
	if srv.Count() != 3 || resp.Attempts != 3 {
		t.Errorf("server count %d, attempts %d, want 3 (1 + MaxRetries)", srv.Count(), resp.Attempts)
	}
}

func TestNonRetryable(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.Reply{
				Status: status, Body: `{"error":{"message":"no","type":"invalid_request_error"}}`,
			}))
			c := newClient(t, srv, nil)
			_, err := c.Complete(context.Background(), testRequest())
			if err == nil || llm.IsTransient(err) || llm.StatusCode(err) != status {
				t.Errorf("err = %v, transient %v", err, llm.IsTransient(err))
			}
			if srv.Count() != 1 {
				t.Errorf("server saw %d requests, want 1", srv.Count())
			}
		})
	}
}

func TestAttemptTimeout(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.Hang()))
	c := newClient(t, srv, func(cfg *llm.Config) { cfg.Timeout = 200 * time.Millisecond })
	resp, err := c.Complete(context.Background(), testRequest())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 {
		t.Errorf("attempts = %d, want 2", resp.Attempts)
	}

	t.Run("always hangs", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.WithHandler(func(llmtest.Request, int) llmtest.Reply { return llmtest.Hang() }))
		c := newClient(t, srv, func(cfg *llm.Config) { cfg.Timeout = 100 * time.Millisecond; cfg.MaxRetries = 1 })
		_, err := c.Complete(context.Background(), testRequest())
		if !llm.IsTransient(err) || srv.Count() != 2 {
			t.Errorf("err = %v (transient %v), server count %d", err, llm.IsTransient(err), srv.Count())
		}
	})
}

func TestContextCanceledIsNotTransient(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithHandler(func(llmtest.Request, int) llmtest.Reply { return llmtest.Hang() }))
	c := newClient(t, srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		srv.WaitCount(1, 5*time.Second)
		cancel()
	}()
	_, err := c.Complete(ctx, testRequest())
	if !errors.Is(err, context.Canceled) || llm.IsTransient(err) {
		t.Errorf("err = %v, transient %v", err, llm.IsTransient(err))
	}
}

func TestTruncated(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.Truncated(`{"verdict":"A is`)))
	c := newClient(t, srv, nil)
	resp, err := c.Complete(context.Background(), testRequest())
	if !errors.Is(err, llm.ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
	if !resp.Truncated || resp.Content != `{"verdict":"A is` || resp.FinishReason != "length" {
		t.Errorf("response = %+v", resp)
	}
	if llm.IsTransient(err) || srv.Count() != 1 {
		t.Errorf("truncation must not be retried: transient %v, count %d", llm.IsTransient(err), srv.Count())
	}
}

func TestEmptyContent(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.Empty()))
	c := newClient(t, srv, nil)
	_, err := c.Complete(context.Background(), testRequest())
	if !errors.Is(err, llm.ErrEmptyContent) {
		t.Fatalf("err = %v, want ErrEmptyContent", err)
	}
}

func TestBrokenContentIsReturned(t *testing.T) {
	// Validation is the caller's job: non-JSON and schema-breaking answers
	// come back as they are.
	for _, content := range []string{"Sure! Here is the page you asked for.", `{"unexpected":true}`} {
		srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.OK(content)))
		c := newClient(t, srv, nil)
		resp, err := c.Complete(context.Background(), testRequest())
		if err != nil || resp.Content != content {
			t.Errorf("content %q: got %q, %v", content, resp.Content, err)
		}
	}
}

func TestJSONSchemaFallback(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithRejectJSONSchema())
	c := newClient(t, srv, nil)
	resp, err := c.Complete(context.Background(), testRequest())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 || !c.SchemaFallback() {
		t.Errorf("attempts %d, fallback %v", resp.Attempts, c.SchemaFallback())
	}
	if _, err := c.Complete(context.Background(), testRequest()); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	formats := []string{}
	for _, r := range reqs {
		formats = append(formats, r.ResponseFormat)
	}
	if strings.Join(formats, ",") != "json_schema,json_object,json_object" {
		t.Fatalf("formats = %v: fallback not remembered", formats)
	}
	sys := reqs[1].Messages[0]
	if sys.Role != "system" || !strings.Contains(sys.Content, `"additionalProperties":false`) ||
		!strings.HasPrefix(sys.Content, "You write comparison pages.") {
		t.Errorf("json_object system prompt lacks the schema: %q", sys.Content)
	}

	t.Run("forced json_schema does not fall back", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.WithRejectJSONSchema())
		c := newClient(t, srv, func(cfg *llm.Config) { cfg.StructuredOutputs = llm.ModeJSONSchema })
		_, err := c.Complete(context.Background(), testRequest())
		if err == nil || llm.IsTransient(err) || srv.Count() != 1 || c.SchemaFallback() {
			t.Errorf("err %v, count %d", err, srv.Count())
		}
	})
	t.Run("invalid schema is not a refusal", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.WithScript(llmtest.Reply{Status: 400,
			Body: `{"error":{"message":"Invalid schema for response_format 'x': 'additionalProperties' is required","type":"invalid_request_error"}}`}))
		c := newClient(t, srv, nil)
		_, err := c.Complete(context.Background(), testRequest())
		if err == nil || srv.Count() != 1 || c.SchemaFallback() {
			t.Errorf("err %v, count %d, fallback %v", err, srv.Count(), c.SchemaFallback())
		}
	})
	t.Run("json_object mode", func(t *testing.T) {
		srv := llmtest.NewServer(t)
		c := newClient(t, srv, func(cfg *llm.Config) { cfg.StructuredOutputs = llm.ModeJSONObject })
		if _, err := c.Complete(context.Background(), testRequest()); err != nil {
			t.Fatal(err)
		}
		if f := srv.Requests()[0].ResponseFormat; f != "json_object" {
			t.Errorf("format = %q", f)
		}
	})
	t.Run("no schema sends no response_format", func(t *testing.T) {
		srv := llmtest.NewServer(t)
		c := newClient(t, srv, nil)
		req := testRequest()
		req.Schema = nil
		if _, err := c.Complete(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		if srv.Requests()[0].Has("response_format") {
			t.Errorf("response_format sent: %s", srv.Requests()[0].Raw)
		}
	})
}

func TestTemperature(t *testing.T) {
	tests := []struct {
		name string
		temp float32
		want *float64 // nil: absent
	}{
		{"zero is sent", 0, ptr(0.0)},
		{"positive", 0.5, ptr(0.5)},
		{"negative omits", -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewServer(t)
			c := newClient(t, srv, func(cfg *llm.Config) { cfg.Temperature = tt.temp })
			if _, err := c.Complete(context.Background(), testRequest()); err != nil {
				t.Fatal(err)
			}
			r := srv.Requests()[0]
			switch {
			case tt.want == nil && r.Has("temperature"):
				t.Errorf("temperature sent: %s", r.Raw)
			case tt.want != nil && (r.Temperature == nil || *r.Temperature != *tt.want):
				t.Errorf("server received temperature %v, want %v; raw %s", r.Temperature, *tt.want, r.Raw)
			}
			// The patched body must still be the whole request.
			if r.Model != "test-model" || len(r.Messages) != 2 || r.ResponseFormat != "json_schema" {
				t.Errorf("body damaged by patching: %s", r.Raw)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestMaxTokensField(t *testing.T) {
	srv := llmtest.NewServer(t)
	c := newClient(t, srv, func(cfg *llm.Config) { cfg.MaxTokens = 100; cfg.Model = "o3-mini"; cfg.Temperature = -1 })
	if _, err := c.Complete(context.Background(), testRequest()); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if r.MaxCompletionTokens == nil || *r.MaxCompletionTokens != 100 || r.MaxTokens != nil {
		t.Errorf("reasoning model should get max_completion_tokens only: %s", r.Raw)
	}
}

func TestAzure(t *testing.T) {
	srv := llmtest.NewServer(t)
	base := strings.TrimSuffix(srv.URL(), "/v1")
	c := newClient(t, srv, func(cfg *llm.Config) {
		cfg.BaseURL, cfg.Azure, cfg.Model, cfg.APIVersion = base, true, "gpt-4o.deploy", "2024-10-21"
		cfg.MaxTokens = 50
	})
	if _, err := c.Complete(context.Background(), testRequest()); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if r.Path != "/openai/deployments/gpt-4o.deploy/chat/completions" {
		t.Errorf("path = %q", r.Path)
	}
	if r.Header.Get("api-key") != "sk-test-key-123456" || r.Header.Get("Authorization") != "" {
		t.Errorf("Azure auth header wrong")
	}
	if r.MaxCompletionTokens == nil || *r.MaxCompletionTokens != 50 {
		t.Errorf("recent Azure API should get max_completion_tokens: %s", r.Raw)
	}
}

func TestServerDown(t *testing.T) {
	srv := llmtest.NewServer(t)
	c := newClient(t, srv, func(cfg *llm.Config) { cfg.MaxRetries = 1 })
	srv.Down()
	_, err := c.Complete(context.Background(), testRequest())
	if err == nil || !llm.IsTransient(err) {
		t.Fatalf("while down: err = %v, transient %v", err, llm.IsTransient(err))
	}
	if srv.Refused() == 0 || srv.Count() != 0 {
		t.Errorf("refused %d, count %d", srv.Refused(), srv.Count())
	}
	srv.Up()
	if _, err := c.Complete(context.Background(), testRequest()); err != nil {
		t.Fatalf("after Up: %v", err)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithLatency(30*time.Millisecond))
	c := newClient(t, srv, func(cfg *llm.Config) { cfg.Concurrency = 3 })
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for range 12 {
		wg.Go(func() {
			_, err := c.Complete(context.Background(), testRequest())
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if m := srv.MaxInFlight(); m != 3 {
		t.Errorf("max in flight = %d, want 3", m)
	}
}

func TestRPMLimit(t *testing.T) {
	srv := llmtest.NewServer(t)
	// 600 RPM = one every 100ms, with no burst beyond one.
	c := newClient(t, srv, func(cfg *llm.Config) { cfg.RPM = 600; cfg.Concurrency = 6 }, llm.WithRPMBurst(1))
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if _, err := c.Complete(context.Background(), testRequest()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	times := srv.Times()
	if len(times) != 6 {
		t.Fatalf("server saw %d requests", len(times))
	}
	// Six requests at 10/s with burst 1 span at least 5 intervals.
	if span := times[5].Sub(times[0]); span < 480*time.Millisecond {
		t.Errorf("6 requests took %v, faster than 600 RPM allows", span)
	}
}

func TestTPMLimit(t *testing.T) {
	srv := llmtest.NewServer(t)
	// 6000 TPM = 100 tokens/s, burst 6000. Each call reserves about 3000
	// (MaxTokens), so the third call must wait about 30s unless the estimate
	// is wrong; with a 2s deadline it fails while waiting for the limit.
	c := newClient(t, srv, func(cfg *llm.Config) { cfg.TPM = 6000; cfg.MaxTokens = 2900; cfg.MaxRetries = -1 })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for i := range 2 {
		if _, err := c.Complete(ctx, testRequest()); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	_, err := c.Complete(ctx, testRequest())
	if err == nil {
		t.Fatal("third call went through; TPM not enforced")
	}
	if srv.Count() != 2 {
		t.Errorf("server saw %d requests, want 2", srv.Count())
	}
}

func TestHeartbeat(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithLatency(300*time.Millisecond))
	c := newClient(t, srv, nil, llm.WithHeartbeatInterval(20*time.Millisecond))
	var beats atomic.Int64
	req := testRequest()
	req.Heartbeat = func() { beats.Add(1) }
	if _, err := c.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	n := beats.Load()
	if n < 3 {
		t.Errorf("heartbeat called %d times during a 300ms call at 20ms interval", n)
	}
}

func TestAPIKeyNeverLogged(t *testing.T) {
	const key = "sk-very-secret-key-0123456789"
	// A server that echoes the Authorization header in its errors, which
	// then travel into log lines and error strings.
	srv := llmtest.NewServer(t, llmtest.WithHandler(func(r llmtest.Request, n int) llmtest.Reply {
		msg := "upstream failed for " + r.Header.Get("Authorization")
		if n == 1 {
			return llmtest.Reply{Status: 500, Body: `{"error":{"message":"` + msg + `","type":"server_error"}}`}
		}
		return llmtest.Reply{Status: 401, Body: `{"error":{"message":"` + msg + `","type":"invalid_request_error"}}`}
	}))
	var buf bytes.Buffer
	logger := zerolog.New(&buf).Level(zerolog.DebugLevel)
	ctx := logger.WithContext(context.Background())
	c := newClient(t, srv, func(cfg *llm.Config) { cfg.APIKey = key })
	_, err := c.Complete(ctx, testRequest())
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(srv.Requests()[0].Header.Get("Authorization"), key) {
		t.Fatal("key was not sent, test proves nothing")
	}
	if !strings.Contains(buf.String(), "retrying") {
		t.Fatalf("no retry logged: %s", buf.String())
	}
	if strings.Contains(buf.String(), key) {
		t.Errorf("log contains the API key: %s", buf.String())
	}
	if strings.Contains(err.Error(), key) {
		t.Errorf("error contains the API key: %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []llm.Config{
		{},
		{Model: "m", StructuredOutputs: "xml"},
		{Model: "m", Azure: true},
		{Model: "m", BaseURL: "not a url"},
	} {
		if _, err := llm.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func TestUsageSum(t *testing.T) {
	got := llm.SumUsage(llm.Usage{Prompt: 1, Completion: 2, Cached: 3, Total: 3}, llm.Usage{Prompt: 10, Completion: 20, Cached: 0, Total: 30})
	if got != (llm.Usage{Prompt: 11, Completion: 22, Cached: 3, Total: 33}) {
		t.Errorf("sum = %+v", got)
	}
}

func BenchmarkComplete(b *testing.B) {
	srv := llmtest.NewServer(b)
	c := newClient(b, srv, func(cfg *llm.Config) { cfg.Concurrency = 8 })
	req := testRequest()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Complete(context.Background(), req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// A server that reports no usage: the client counts what it sent and what
// came back with the tokenizer, and its count is the server's own count of
// the same request (both o200k_base over the messages and the schema).
func TestUsageCountedWhenServerReportsNone(t *testing.T) {
	for _, mode := range []string{llm.ModeJSONSchema, llm.ModeJSONObject} {
		srv := llmtest.NewServer(t, llmtest.WithoutUsage(), llmtest.WithScript(llmtest.OK(`{"verdict":"ISO 27001 is certifiable; GDPR is a law."}`)))
		c := newClient(t, srv, func(cfg *llm.Config) { cfg.StructuredOutputs = mode })
		req := testRequest()
		req.Messages = []llm.Message{{Role: llm.RoleAssistant, Content: `{"verdict":""}`}, {Role: llm.RoleUser, Content: "verdict is empty"}}
		resp, err := c.Complete(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		got := srv.Requests()[0]
		want := llm.Usage{Prompt: got.PromptTokens(), Completion: tokens.Count(got.Answer), Counted: true}
		want.Total = want.Prompt + want.Completion
		if resp.Usage != want || want.Completion == 0 {
			t.Errorf("%s: usage %+v, want the tokenizer's count of the request and answer %+v", mode, resp.Usage, want)
		}
		if !resp.Usage.Counted {
			t.Errorf("%s: counted usage not marked", mode)
		}
	}
}
