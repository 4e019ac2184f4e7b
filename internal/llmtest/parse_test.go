package llmtest

import "testing"

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(`{"model":"m","temperature":0,"messages":[{"role":"user","content":"x"}]}`))
	f.Add([]byte(`{"messages":[{"role":"user","content":[{"type":"text","text":"y"}]}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{}}}}`))
	f.Add([]byte(`{"messages":[1]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := parseRequest(b)
		if err == nil && req.Temperature != nil && req.Model == "" && len(b) < 2 {
			t.Fatalf("accepted %q", b)
		}
	})
}
