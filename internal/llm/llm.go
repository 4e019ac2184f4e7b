// Package llm is the client the drafters use to ask a language model for a
// JSON document. It wraps go-openai and works against the OpenAI API, Azure
// OpenAI, and any OpenAI-compatible server (vLLM, llama.cpp, Ollama) given by
// base URL.
//
// One Client is meant to be shared by every drafter of a process: its
// concurrency, requests-per-minute and tokens-per-minute limits are the
// process's budget with the provider. It retries 429, 5xx, timeouts and
// network errors with exponential backoff (full jitter), honouring
// Retry-After; what it gives up on, IsTransient tells apart from errors a
// retry cannot fix, so a queue worker can Nak with a delay during an outage.
//
// Environment: the package reads none. cmd should take the key from
// OPENAI_API_KEY (and, for Azure, AZURE_OPENAI_API_KEY / AZURE_OPENAI_ENDPOINT
// if it supports them) and pass it in Config.APIKey. The key is never logged
// and is scrubbed from error messages.
package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/time/rate"

	"github.com/versus-dev/versus/internal/llm/tokens"
)

// Structured output modes for Config.StructuredOutputs.
const (
	// ModeAuto asks for a strict json_schema and, the first time a server
	// refuses it, falls back to json_object for the rest of the client's life.
	ModeAuto = "auto"
	// ModeJSONSchema always asks for a strict json_schema; a refusal is an error.
	ModeJSONSchema = "json_schema"
	// ModeJSONObject asks for json_object and puts the schema in the system prompt.
	ModeJSONObject = "json_object"
)

// Message roles.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultTimeout     = 2 * time.Minute
	DefaultConcurrency = 4
	DefaultMaxRetries  = 4
)

// Config says which model to call and within which limits.
type Config struct {
	// BaseURL of the API, including the /v1 of compatible servers
	// ("http://127.0.0.1:8000/v1"); empty means the OpenAI API. For Azure,
	// the resource endpoint ("https://NAME.openai.azure.com").
	BaseURL string
	APIKey  string
	// Model name; for Azure, the deployment name.
	Model string
	// Temperature is sent as given, including 0 (which go-openai would
	// otherwise drop, leaving the server default of 1). A negative value
	// leaves the field out, for reasoning models that refuse it.
	Temperature float32
	// MaxTokens bounds the completion; 0 leaves it to the server. Sent as
	// max_completion_tokens to OpenAI (and to reasoning models anywhere) and
	// as max_tokens to other servers, which mostly know only that.
	MaxTokens int
	// Timeout bounds one attempt; 0 means DefaultTimeout.
	Timeout time.Duration
	// Concurrency is the number of requests in flight at once; 0 means
	// DefaultConcurrency.
	Concurrency int
	// RPM and TPM are requests and tokens per minute; 0 means unlimited.
	RPM int
	TPM int
	// MaxRetries after the first attempt; 0 means DefaultMaxRetries, negative none.
	MaxRetries int
	// Azure selects Azure OpenAI; APIVersion overrides its api-version.
	Azure      bool
	APIVersion string
	// StructuredOutputs is ModeAuto (the default when empty), ModeJSONSchema
	// or ModeJSONObject.
	StructuredOutputs string
}

// Message is one extra chat turn, e.g. the previous answer (assistant) and
// the findings against it (user) for a redraft.
type Message struct {
	Role    string
	Content string
}

// Request is one call for a JSON document.
type Request struct {
	// Name names the schema (letters, digits, _ and -; others are replaced).
	Name string
	// Schema is the JSON Schema of the answer; nil asks for plain text.
	Schema map[string]any
	System string
	User   string
	// Messages follow System and User.
	Messages []Message
	// Heartbeat, if set, is called every few seconds while the call is in
	// progress (including backoff waits), so a queue worker can tell the
	// server it is still working on the message.
	Heartbeat func()
}

// Usage counts tokens.
type Usage struct {
	Prompt     int `json:"prompt"`
	Completion int `json:"completion"`
	Cached     int `json:"cached"`
	Total      int `json:"total"`
	// Counted is set when the server reported no usage and the client
	// counted the request and the answer with the tokenizer (o200k_base).
	Counted bool `json:"counted,omitempty"`
}

// Add returns the sum of u and o.
func (u Usage) Add(o Usage) Usage {
	return Usage{
		Prompt:     u.Prompt + o.Prompt,
		Completion: u.Completion + o.Completion,
		Cached:     u.Cached + o.Cached,
		Total:      u.Total + o.Total,
		Counted:    u.Counted || o.Counted,
	}
}

// SumUsage adds up usages.
func SumUsage(us ...Usage) Usage {
	var t Usage
	for _, u := range us {
		t = t.Add(u)
	}
	return t
}

// Response is the model's answer. Validating Content is the caller's job.
type Response struct {
	Content      string
	FinishReason string
	Usage        Usage
	// Attempts made, including the failed ones and a json_schema fallback.
	Attempts int
	Model    string
	// Truncated is set when the model stopped at the token limit; Complete
	// then also returns ErrTruncated.
	Truncated bool
}

// Option configures a Client beyond its Config.
type Option func(*Client)

// WithMetrics records calls, retries, tokens and latency in m.
func WithMetrics(m *Metrics) Option { return func(c *Client) { c.metrics = m } }

// WithHTTPClient uses hc (its Transport is wrapped, not replaced).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.httpClient = hc } }

// WithBackoff sets the first backoff step and the cap of the exponential
// backoff (defaults 1s and 60s).
func WithBackoff(base, max time.Duration) Option {
	return func(c *Client) { c.backoffBase, c.backoffMax = base, max }
}

// WithMaxRetryAfter sets the longest Retry-After the client waits out itself
// (default 2m); a longer one ends the call with a transient error whose
// RetryAfter the caller can use to reschedule the work.
func WithMaxRetryAfter(d time.Duration) Option { return func(c *Client) { c.maxRetryAfter = d } }

// WithRPMBurst sets how many requests may start at once before the RPM rate
// applies (default: one second's worth, at least 1).
func WithRPMBurst(n int) Option { return func(c *Client) { c.rpmBurst = n } }

// WithHeartbeatInterval sets how often Request.Heartbeat is called (default 5s).
func WithHeartbeatInterval(d time.Duration) Option { return func(c *Client) { c.heartbeatEvery = d } }

// Client calls the model. It is safe for concurrent use and meant to be shared.
type Client struct {
	cfg        Config
	oa         *openai.Client
	httpClient *http.Client
	metrics    *Metrics

	sem      chan struct{}
	rpm      *rate.Limiter
	rpmBurst int
	tpm      *rate.Limiter

	backoffBase, backoffMax time.Duration
	maxRetryAfter           time.Duration
	heartbeatEvery          time.Duration
	maxCompletionTokens     bool

	// noJSONSchema remembers that the server refused json_schema once.
	noJSONSchema atomic.Bool
}

// New makes a Client. It does not contact the server.
func New(cfg Config, opts ...Option) (*Client, error) {
	switch cfg.StructuredOutputs {
	case "":
		cfg.StructuredOutputs = ModeAuto
	case ModeAuto, ModeJSONSchema, ModeJSONObject:
	default:
		return nil, fmt.Errorf("llm: unknown structured outputs mode %q (want auto, json_schema or json_object)", cfg.StructuredOutputs)
	}
	if cfg.Model == "" {
		return nil, errors.New("llm: no model")
	}
	if cfg.Azure && cfg.BaseURL == "" {
		return nil, errors.New("llm: Azure needs a base URL (the resource endpoint)")
	}
	if cfg.BaseURL != "" {
		if u, err := url.Parse(cfg.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("llm: bad base URL %q", cfg.BaseURL)
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}

	c := &Client{
		cfg:            cfg,
		sem:            make(chan struct{}, cfg.Concurrency),
		backoffBase:    time.Second,
		backoffMax:     time.Minute,
		maxRetryAfter:  2 * time.Minute,
		heartbeatEvery: 5 * time.Second,
	}
	for _, o := range opts {
		o(c)
	}
	if c.backoffBase <= 0 {
		c.backoffBase = time.Millisecond
	}
	if c.backoffMax < c.backoffBase {
		c.backoffMax = c.backoffBase
	}
	if c.heartbeatEvery <= 0 {
		c.heartbeatEvery = 5 * time.Second
	}
	if cfg.RPM > 0 {
		burst := c.rpmBurst
		if burst <= 0 {
			burst = max(1, cfg.RPM/60)
		}
		c.rpm = rate.NewLimiter(rate.Limit(float64(cfg.RPM)/60), burst)
	}
	if cfg.TPM > 0 {
		// A minute's worth may go at once, as providers count per minute.
		c.tpm = rate.NewLimiter(rate.Limit(float64(cfg.TPM)/60), cfg.TPM)
	}

	hc := c.httpClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = cfg.Concurrency
		hc = &http.Client{Transport: tr}
	} else {
		cp := *hc
		hc = &cp
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &patchTransport{base: base}
	c.httpClient = hc

	var oc openai.ClientConfig
	if cfg.Azure {
		oc = openai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
		if cfg.APIVersion != "" {
			oc.APIVersion = cfg.APIVersion
		}
		// Config.Model is the deployment name as is.
		oc.AzureModelMapperFunc = func(m string) string { return m }
	} else {
		oc = openai.DefaultConfig(cfg.APIKey)
		if cfg.BaseURL != "" {
			oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
		}
	}
	oc.HTTPClient = hc
	c.oa = openai.NewClientWithConfig(oc)
	c.maxCompletionTokens = usesMaxCompletionTokens(cfg, oc.APIVersion)
	return c, nil
}

// usesMaxCompletionTokens says whether the bound goes in max_completion_tokens
// (OpenAI, recent Azure, reasoning models everywhere) or in the older
// max_tokens that compatible servers understand.
func usesMaxCompletionTokens(cfg Config, apiVersion string) bool {
	m := strings.ToLower(cfg.Model)
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	if cfg.Azure {
		return apiVersion >= "2024-09-01"
	}
	if cfg.BaseURL == "" {
		return true
	}
	u, err := url.Parse(cfg.BaseURL)
	return err == nil && strings.EqualFold(u.Hostname(), "api.openai.com")
}

// SchemaFallback reports whether the client has fallen back to json_object
// because the server refused json_schema.
func (c *Client) SchemaFallback() bool { return c.noJSONSchema.Load() }

// Model is the configured model name.
func (c *Client) Model() string { return c.cfg.Model }

// Complete sends req and returns the model's answer. On ErrTruncated the
// response is returned too.
func (c *Client) Complete(ctx context.Context, req Request) (Response, error) {
	name := schemaName(req.Name)
	start := time.Now()
	log := zerolog.Ctx(ctx).With().Str("llm_model", c.cfg.Model).Str("llm_schema", name).Logger()
	if req.Heartbeat != nil {
		defer c.heartbeat(req.Heartbeat)()
	}

	var schema json.RawMessage
	if req.Schema != nil {
		b, err := json.Marshal(req.Schema)
		if err != nil {
			c.metrics.call(outcomeError)
			return Response{}, c.fail(name, 0, fmt.Errorf("marshal schema: %w", err), false, 0)
		}
		schema = b
	}
	estimate := c.estimate(c.build(req, name, schema, c.mode(schema)))

	var resp Response
	retries := 0
	for {
		resp.Attempts++
		mode := c.mode(schema)
		or := c.build(req, name, schema, mode)
		out, hdr, err := c.attempt(ctx, or, estimate)
		if err == nil {
			resp, err = c.finish(name, resp, or, out, estimate)
			log.Debug().Int("attempt", resp.Attempts).Str("finish_reason", resp.FinishReason).
				Int("prompt_tokens", resp.Usage.Prompt).Int("completion_tokens", resp.Usage.Completion).
				Dur("elapsed", time.Since(start)).Msg("llm: answered")
			return resp, err
		}
		if ctx.Err() != nil {
			c.metrics.call(outcomeCanceled)
			return resp, c.fail(name, resp.Attempts, fmt.Errorf("%w (last error: %w)", ctx.Err(), err), false, 0)
		}
		if mode == ModeJSONSchema && c.cfg.StructuredOutputs == ModeAuto && refusesJSONSchema(err) {
			c.noJSONSchema.Store(true)
			c.metrics.retry("schema_fallback")
			log.Warn().Int("status", statusCode(err)).Int("attempt", resp.Attempts).
				Str("error", redact(err.Error(), c.cfg.APIKey)).
				Msg("llm: server refused json_schema response format; using json_object from now on")
			continue
		}
		transient := isTransient(err)
		retryAfter, hasRetryAfter := retryAfterHeader(hdr, time.Now())
		if !transient {
			c.metrics.call(outcomeError)
			return resp, c.fail(name, resp.Attempts, err, false, 0)
		}
		if retries >= c.cfg.MaxRetries || (hasRetryAfter && retryAfter > c.maxRetryAfter) {
			c.metrics.call(outcomeTransient)
			return resp, c.fail(name, resp.Attempts, err, true, retryAfter)
		}
		wait := c.backoff(retries)
		if hasRetryAfter && retryAfter > wait {
			wait = retryAfter
		}
		retries++
		c.metrics.retry(retryReason(err))
		log.Warn().Int("status", statusCode(err)).Int("attempt", resp.Attempts).Dur("wait", wait).
			Str("error", redact(err.Error(), c.cfg.APIKey)).Msg("llm: retrying")
		if err := sleep(ctx, wait); err != nil {
			c.metrics.call(outcomeCanceled)
			return resp, c.fail(name, resp.Attempts, err, false, 0)
		}
	}
}

func (c *Client) fail(name string, attempts int, err error, transient bool, retryAfter time.Duration) error {
	return &callError{
		name: name, attempts: attempts, status: statusCode(err),
		transient: transient, retryAfter: retryAfter, err: err, key: c.cfg.APIKey,
	}
}

// finish turns a completion into a Response, flagging truncation and emptiness.
func (c *Client) finish(name string, resp Response, or openai.ChatCompletionRequest, out openai.ChatCompletionResponse, estimate int) (Response, error) {
	resp.Model = out.Model
	resp.Usage = Usage{
		Prompt:     out.Usage.PromptTokens,
		Completion: out.Usage.CompletionTokens,
		Total:      out.Usage.TotalTokens,
	}
	if d := out.Usage.PromptTokensDetails; d != nil {
		resp.Usage.Cached = d.CachedTokens
	}
	if resp.Usage.Prompt == 0 && resp.Usage.Completion == 0 {
		// The server reported no usage (some compatible servers do not):
		// count what was sent and what came back with the tokenizer.
		resp.Usage = Usage{Prompt: PromptTokens(or), Counted: true}
		if len(out.Choices) > 0 {
			resp.Usage.Completion = tokens.Count(out.Choices[0].Message.Content)
		}
		resp.Usage.Total = resp.Usage.Prompt + resp.Usage.Completion
	}
	if resp.Usage.Total == 0 {
		resp.Usage.Total = resp.Usage.Prompt + resp.Usage.Completion
	}
	c.metrics.tokens(resp.Usage)
	if c.tpm != nil && resp.Usage.Total > estimate {
		// Under-estimated: take the rest now, as debt later callers wait out.
		c.tpm.ReserveN(time.Now(), min(resp.Usage.Total-estimate, c.tpm.Burst()))
	}
	if len(out.Choices) == 0 {
		c.metrics.call(outcomeEmpty)
		return resp, c.fail(name, resp.Attempts, fmt.Errorf("%w: no choices", ErrEmptyContent), false, 0)
	}
	ch := out.Choices[0]
	resp.Content = ch.Message.Content
	resp.FinishReason = string(ch.FinishReason)
	if ch.FinishReason == openai.FinishReasonLength {
		resp.Truncated = true
		c.metrics.call(outcomeTruncated)
		return resp, c.fail(name, resp.Attempts,
			fmt.Errorf("%w after %d completion tokens (max %d)", ErrTruncated, resp.Usage.Completion, c.cfg.MaxTokens), false, 0)
	}
	if strings.TrimSpace(resp.Content) == "" {
		c.metrics.call(outcomeEmpty)
		if ch.Message.Refusal != "" {
			return resp, c.fail(name, resp.Attempts, fmt.Errorf("%w: %s", ErrRefused, ch.Message.Refusal), false, 0)
		}
		return resp, c.fail(name, resp.Attempts, fmt.Errorf("%w (finish reason %q)", ErrEmptyContent, resp.FinishReason), false, 0)
	}
	c.metrics.call(outcomeOK)
	return resp, nil
}

func (c *Client) mode(schema json.RawMessage) string {
	switch {
	case schema == nil:
		return ""
	case c.cfg.StructuredOutputs == ModeAuto && c.noJSONSchema.Load():
		return ModeJSONObject
	case c.cfg.StructuredOutputs == ModeAuto:
		return ModeJSONSchema
	default:
		return c.cfg.StructuredOutputs
	}
}

// build makes the go-openai request for one attempt in the given mode.
func (c *Client) build(req Request, name string, schema json.RawMessage, mode string) openai.ChatCompletionRequest {
	system := req.System
	if mode == ModeJSONObject {
		// json_object only promises some JSON object; the schema has to be
		// in the prompt (which must also mention JSON for OpenAI to accept it).
		if system != "" {
			system += "\n\n"
		}
		system += "Answer with one JSON object, and nothing else, that validates against this JSON Schema:\n" + string(schema)
	}
	msgs := make([]openai.ChatCompletionMessage, 0, len(req.Messages)+2)
	if system != "" {
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: system})
	}
	if req.User != "" {
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: req.User})
	}
	for _, m := range req.Messages {
		msgs = append(msgs, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	or := openai.ChatCompletionRequest{Model: c.cfg.Model, Messages: msgs}
	if c.cfg.Temperature > 0 {
		or.Temperature = c.cfg.Temperature
	}
	if c.cfg.MaxTokens > 0 {
		if c.maxCompletionTokens {
			or.MaxCompletionTokens = c.cfg.MaxTokens
		} else {
			or.MaxTokens = c.cfg.MaxTokens
		}
	}
	switch mode {
	case ModeJSONSchema:
		or.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: name, Schema: schema, Strict: true,
			},
		}
	case ModeJSONObject:
		or.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return or
}

// attempt makes one HTTP call within the shared limits. hdr holds the
// response headers (also of error responses), for Retry-After.
func (c *Client) attempt(ctx context.Context, or openai.ChatCompletionRequest, estimate int) (openai.ChatCompletionResponse, http.Header, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return openai.ChatCompletionResponse{}, nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	if c.rpm != nil {
		if err := c.rpm.Wait(ctx); err != nil {
			return openai.ChatCompletionResponse{}, nil, fmt.Errorf("%w: %w", errLocalLimit, err)
		}
	}
	if c.tpm != nil {
		if err := c.tpm.WaitN(ctx, min(estimate, c.tpm.Burst())); err != nil {
			return openai.ChatCompletionResponse{}, nil, fmt.Errorf("%w: %w", errLocalLimit, err)
		}
	}

	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	if c.cfg.Temperature == 0 {
		// go-openai drops a zero temperature (omitempty); put it back.
		actx = context.WithValue(actx, patchKey{}, bodyPatch{"temperature": 0})
	}
	start := time.Now()
	out, err := c.oa.CreateChatCompletion(actx, or)
	c.metrics.observe(time.Since(start))
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w after %s: %w", errAttemptTimeout, c.cfg.Timeout, err)
	}
	return out, out.Header(), err
}

// estimate is the tokens a call may use, as providers count them for rate
// limits: the prompt as sent plus the completion budget (max_tokens).
func (c *Client) estimate(or openai.ChatCompletionRequest) int {
	completion := c.cfg.MaxTokens
	if completion <= 0 {
		completion = 1024
	}
	return PromptTokens(or) + completion
}

// PromptTokens counts the prompt tokens of a request as sent: its messages
// and, for a json_schema request, its schema.
func PromptTokens(or openai.ChatCompletionRequest) int {
	msgs := make([]tokens.Message, len(or.Messages))
	for i, m := range or.Messages {
		msgs[i] = tokens.Message{Role: m.Role, Content: m.Content}
	}
	var schema []byte
	if rf := or.ResponseFormat; rf != nil && rf.JSONSchema != nil && rf.JSONSchema.Schema != nil {
		schema, _ = json.Marshal(rf.JSONSchema.Schema)
	}
	return tokens.Prompt(msgs, schema)
}

// backoff is the full-jitter wait before retry number n (0-based).
func (c *Client) backoff(n int) time.Duration {
	d := c.backoffMax
	if n < 30 {
		d = min(c.backoffBase<<n, c.backoffMax)
	}
	return rand.N(d) + 1
}

// heartbeat calls f every interval until the returned stop is called; stop
// waits so f is never called after Complete returns.
func (c *Client) heartbeat(f func()) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(c.heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f()
			case <-done:
				return
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var badNameChars = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// schemaName makes a name OpenAI accepts: ^[a-zA-Z0-9_-]{1,64}$.
func schemaName(s string) string {
	s = badNameChars.ReplaceAllString(s, "_")
	if len(s) > 64 {
		s = s[:64]
	}
	if s == "" {
		return "response"
	}
	return s
}
