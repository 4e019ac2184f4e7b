package llm

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
)

// patchKey carries a bodyPatch in a request's context.
type patchKey struct{}

// bodyPatch holds top-level JSON fields to add to a request body when absent.
type bodyPatch map[string]any

// patchTransport adds fields go-openai cannot send. Its request structs use
// omitempty on numbers, so "temperature": 0 would never leave the process
// and the server's default (usually 1) would apply instead.
type patchTransport struct {
	base http.RoundTripper
}

func (t *patchTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	p, _ := r.Context().Value(patchKey{}).(bodyPatch)
	if len(p) == 0 || r.Body == nil || r.Body == http.NoBody {
		return t.base.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	body = patchJSON(body, p)
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return t.base.RoundTrip(r2)
}

// patchJSON adds p's fields to the JSON object body where it lacks them; a
// body that is not a JSON object is returned unchanged.
func patchJSON(body []byte, p bodyPatch) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return body
	}
	changed := false
	for k, v := range p {
		if _, ok := m[k]; ok {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		m[k] = b
		changed = true
	}
	if !changed {
		return body
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}
