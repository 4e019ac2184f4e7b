package llm

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"NaN", 0, false},
		{"soon", 0, false},
		{"1e300", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "1.25", "Wed, 21 Oct 2015 07:28:00 GMT", "", "-5", "1e309", "Inf"} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, now)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("parseRetryAfter(%q) = %v, %v", s, d, ok)
		}
	})
}

func TestUsesMaxCompletionTokens(t *testing.T) {
	tests := []struct {
		cfg        Config
		apiVersion string
		want       bool
	}{
		{Config{Model: "gpt-4o"}, "", true},
		{Config{Model: "gpt-4o", BaseURL: "https://api.openai.com/v1"}, "", true},
		{Config{Model: "llama3", BaseURL: "http://127.0.0.1:11434/v1"}, "", false},
		{Config{Model: "o1-mini", BaseURL: "http://127.0.0.1:8000/v1"}, "", true},
		{Config{Model: "gpt-4", Azure: true}, "2023-05-15", false},
		{Config{Model: "gpt-4o", Azure: true}, "2024-10-21", true},
	}
	for _, tt := range tests {
		if got := usesMaxCompletionTokens(tt.cfg, tt.apiVersion); got != tt.want {
			t.Errorf("usesMaxCompletionTokens(%+v, %q) = %v", tt.cfg, tt.apiVersion, got)
		}
	}
}

func TestPatchJSON(t *testing.T) {
	p := bodyPatch{"temperature": 0}
	tests := []struct{ in, want string }{
		{`{"model":"m"}`, `{"model":"m","temperature":0}`},
		{`{"model":"m","temperature":0.7}`, `{"model":"m","temperature":0.7}`},
		{`not json`, `not json`},
		{`[1]`, `[1]`},
	}
	for _, tt := range tests {
		if got := string(patchJSON([]byte(tt.in), p)); got != tt.want {
			t.Errorf("patchJSON(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestBackoffFullJitter(t *testing.T) {
	c := &Client{backoffBase: 10 * time.Millisecond, backoffMax: 80 * time.Millisecond}
	for n := range 40 {
		limit := min(c.backoffBase<<min(n, 30), c.backoffMax)
		if n >= 30 {
			limit = c.backoffMax
		}
		for range 50 {
			if d := c.backoff(n); d <= 0 || d > limit+1 {
				t.Fatalf("backoff(%d) = %v, want in (0, %v]", n, d, limit)
			}
		}
	}
}

func TestSchemaName(t *testing.T) {
	for in, want := range map[string]string{"": "response", "pair verdict": "pair_verdict", "a-b_c": "a-b_c"} {
		if got := schemaName(in); got != want {
			t.Errorf("schemaName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := schemaName(string(make([]byte, 100))); len(got) > 64 {
		t.Errorf("schema name too long: %d", len(got))
	}
}
