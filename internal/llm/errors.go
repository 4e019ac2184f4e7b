package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

var (
	// ErrTruncated means the model stopped at the token limit
	// (finish_reason "length"); the partial response is returned with it.
	ErrTruncated = errors.New("llm: answer truncated at the token limit")
	// ErrEmptyContent means the model answered nothing.
	ErrEmptyContent = errors.New("llm: empty answer")
	// ErrRefused means the model refused to answer (structured outputs refusal).
	ErrRefused = errors.New("llm: model refused")

	errAttemptTimeout = errors.New("llm: attempt timed out")
	errLocalLimit     = errors.New("llm: waiting for the rate limit")
)

// callError is what Complete returns on failure: the cause plus what the
// caller needs to decide between retrying later and giving up.
type callError struct {
	name       string
	attempts   int
	status     int
	transient  bool
	retryAfter time.Duration
	err        error
	key        string
}

func (e *callError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "llm %s: ", e.name)
	if e.attempts > 1 {
		fmt.Fprintf(&b, "after %d attempts: ", e.attempts)
	}
	b.WriteString(e.err.Error())
	return redact(b.String(), e.key)
}

func (e *callError) Unwrap() error { return e.err }

// IsTransient reports whether err is worth retrying later: rate limits,
// server errors, timeouts and network failures that outlasted the client's
// own retries. A queue worker should Nak such work with a delay rather than
// mark it as needing attention.
func IsTransient(err error) bool {
	var ce *callError
	if errors.As(err, &ce) {
		return ce.transient
	}
	return err != nil && isTransient(err)
}

// RetryAfter returns the wait the server asked for with the last failure,
// if it asked; a caller rescheduling work can use it as the delay.
func RetryAfter(err error) (time.Duration, bool) {
	var ce *callError
	if errors.As(err, &ce) && ce.retryAfter > 0 {
		return ce.retryAfter, true
	}
	return 0, false
}

// StatusCode returns the HTTP status of the last failed attempt, or 0.
func StatusCode(err error) int { return statusCode(err) }

func statusCode(err error) int {
	var ce *callError
	if errors.As(err, &ce) {
		return ce.status
	}
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode
	}
	var re *openai.RequestError
	if errors.As(err, &re) {
		return re.HTTPStatusCode
	}
	return 0
}

// isTransient classifies the error of one attempt.
func isTransient(err error) bool {
	if code := statusCode(err); code != 0 {
		switch {
		case code == http.StatusRequestTimeout, code == http.StatusTooEarly, code == http.StatusTooManyRequests:
			return true
		case code == http.StatusNotImplemented, code == http.StatusHTTPVersionNotSupported:
			return false
		default:
			return code >= 500
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, errAttemptTimeout), errors.Is(err, errLocalLimit),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE):
		return true
	}
	var ne net.Error // includes *url.Error from http.Client.Do
	if errors.As(err, &ne) {
		return true
	}
	// A 200 with a body that is not JSON: a proxy's page, a cut connection.
	var se *json.SyntaxError
	return errors.As(err, &se)
}

func retryReason(err error) string {
	code := statusCode(err)
	switch {
	case code == http.StatusTooManyRequests:
		return "429"
	case code >= 500:
		return "5xx"
	case code != 0:
		return strconv.Itoa(code)
	case errors.Is(err, errAttemptTimeout):
		return "timeout"
	case errors.Is(err, errLocalLimit):
		return "local_limit"
	default:
		return "network"
	}
}

// refusesJSONSchema recognises a server saying it does not do json_schema
// response formats, as opposed to saying the schema itself is wrong.
func refusesJSONSchema(err error) bool {
	code := statusCode(err)
	if code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
		return false
	}
	var msg string
	var ae *openai.APIError
	var re *openai.RequestError
	switch {
	case errors.As(err, &ae):
		msg = ae.Message
		if ae.Param != nil {
			msg += " " + *ae.Param
		}
	case errors.As(err, &re):
		msg = string(re.Body)
	}
	msg = strings.ToLower(msg)
	if strings.Contains(msg, "invalid schema") {
		return false // our schema is wrong; falling back would hide it
	}
	for _, s := range []string{"response_format", "json_schema", "response format", "structured output"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// retryAfterHeader reads retry-after-ms (OpenAI, Azure) or Retry-After
// (seconds or an HTTP date).
func retryAfterHeader(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms >= 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	return parseRetryAfter(h.Get("Retry-After"), now)
}

// parseRetryAfter parses a Retry-After value: delay seconds (fractions
// tolerated) or an HTTP date. A date in the past means "now".
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || secs > 1e9 {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// redact removes the API key from s, so no error or log line carries it.
func redact(s, key string) string {
	if len(key) < 4 {
		return s
	}
	return strings.ReplaceAll(s, key, "[REDACTED]")
}
