package llmtest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Reply is what the fake server answers to one request.
//
// The zero Reply means "answer normally": status 200 with the content of the
// default responder. Any other Reply is taken literally, so an empty content
// is sent as an empty content (see Empty).
type Reply struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Header is added to the response (e.g. Retry-After).
	Header http.Header
	// Body, when set, is written verbatim instead of a chat completion
	// (error bodies, HTML from a proxy, broken JSON).
	Body string
	// Content is the assistant message of a 200 chat completion.
	Content string
	// FinishReason defaults to "stop".
	FinishReason string
	// Usage overrides the tokenizer's counts.
	Usage *Usage
	// Delay is added to the server's fixed latency before answering.
	Delay time.Duration
	// Hang blocks until the client gives up (or the server closes).
	Hang bool
	// Drop hijacks the connection and closes it without a response.
	Drop bool
}

// Usage is the token accounting returned in a completion.
type Usage struct {
	Prompt, Completion, Cached int
}

func (r Reply) isZero() bool {
	return r.Status == 0 && r.Header == nil && r.Body == "" && r.Content == "" &&
		r.FinishReason == "" && r.Usage == nil && r.Delay == 0 && !r.Hang && !r.Drop
}

// OK answers 200 with the given assistant content.
func OK(content string) Reply { return Reply{Status: http.StatusOK, Content: content} }

// Empty answers 200 with an empty assistant content.
func Empty() Reply { return Reply{Status: http.StatusOK} }

// Truncated answers 200 with content cut short and finish_reason "length",
// as a model that ran into max_tokens does.
func Truncated(content string) Reply {
	return Reply{Status: http.StatusOK, Content: content, FinishReason: "length"}
}

// RateLimited answers 429 with Retry-After in whole seconds (rounded up).
func RateLimited(after time.Duration) Reply {
	secs := int((after + time.Second - 1) / time.Second)
	return Reply{
		Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {strconv.Itoa(secs)}},
		Body:   errorBody("Rate limit reached for requests", "requests", "rate_limit_exceeded"),
	}
}

// RateLimitedUntil answers 429 with Retry-After as an HTTP date.
func RateLimitedUntil(t time.Time) Reply {
	return Reply{
		Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {t.UTC().Format(http.TimeFormat)}},
		Body:   errorBody("Rate limit reached for tokens", "tokens", "rate_limit_exceeded"),
	}
}

// ServerError answers with the given 5xx status and an OpenAI-style error body.
func ServerError(status int) Reply {
	return Reply{
		Status: status,
		Body:   errorBody(http.StatusText(status), "server_error", nil),
	}
}

// RawBody answers with status and a body that is not an OpenAI error (an HTML
// page from a proxy, say).
func RawBody(status int, body string) Reply {
	return Reply{Status: status, Body: body, Header: http.Header{"Content-Type": {"text/html"}}}
}

// Hang never answers; the client's own timeout must end the request.
func Hang() Reply { return Reply{Hang: true} }

// Drop closes the connection without answering.
func Drop() Reply { return Reply{Drop: true} }

// RejectJSONSchema answers 400 the way servers without structured outputs do
// when given response_format {"type":"json_schema"}.
func RejectJSONSchema() Reply {
	return Reply{
		Status: http.StatusBadRequest,
		Body: errorBody("Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
			"invalid_request_error", nil),
	}
}

func errorBody(msg, typ string, code any) string {
	c := "null"
	if s, ok := code.(string); ok {
		c = strconv.Quote(s)
	}
	return fmt.Sprintf(`{"error":{"message":%s,"type":%q,"param":null,"code":%s}}`, strconv.Quote(msg), typ, c)
}
