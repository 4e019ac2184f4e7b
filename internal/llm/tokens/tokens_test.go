package tokens

import (
	"strings"
	"testing"
)

// Counts from OpenAI's tiktoken (o200k_base) for the same strings.
func TestCountMatchesTiktoken(t *testing.T) {
	for s, want := range map[string]int{
		"":              0,
		"hello world":   2,
		"Hello, world!": 4,
	} {
		if got := Count(s); got != want {
			t.Errorf("Count(%q) = %d, want %d", s, got, want)
		}
	}
	// Words of prose cost about 1.3 tokens each, not four bytes a token.
	prose := strings.Repeat("The organization keeps an information security management system. ", 50)
	n := Count(prose)
	if n < 400 || n > 700 {
		t.Errorf("50 sentences of 8 words: %d tokens, want about 450-550", n)
	}
}

func TestPrompt(t *testing.T) {
	msgs := []Message{{"system", "Be brief."}, {"user", "hello world"}}
	want := Reply + 2*PerMessage + Count("system") + Count("Be brief.") + Count("user") + 2
	if got := Prompt(msgs, nil); got != want {
		t.Errorf("Prompt = %d, want %d", got, want)
	}
	schema := []byte(`{"type":"object"}`)
	if got := Prompt(msgs, schema); got != want+Count(string(schema)) {
		t.Errorf("Prompt with schema = %d, want %d", got, want+Count(string(schema)))
	}
}

func BenchmarkCount(b *testing.B) {
	s := strings.Repeat("ISO 27001 certification requires an accredited audit of the ISMS. ", 80)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Count(s)
	}
}
