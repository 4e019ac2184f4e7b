// Package tokens counts tokens the way OpenAI's gpt-4o family does: with the
// o200k_base encoding (github.com/tiktoken-go/tokenizer, whose vocabulary is
// compiled in: nothing is downloaded at run time), plus the chat format's
// per-message overhead.
//
// Usage figures, /api/usage, the rate limiter's estimates, `versus bench`
// and `versus enqueue --dry-run` all count with it, so a figure is a count,
// not a guess at bytes per token.
package tokens

import (
	"sync"

	"github.com/tiktoken-go/tokenizer"
)

// Encoding is the tokenizer counted with: that of gpt-4o, gpt-4o-mini,
// gpt-4.1 and the o-series.
const Encoding = "o200k_base"

// The chat format's overhead for the gpt-4o family (OpenAI's cookbook,
// "How to count tokens with tiktoken"): every message is wrapped in
// PerMessage tokens around its role and content, and every reply is primed
// with Reply tokens.
const (
	PerMessage = 3
	Reply      = 3
)

var codec = sync.OnceValue(func() tokenizer.Codec {
	c, err := tokenizer.Get(tokenizer.O200kBase)
	if err != nil {
		panic("tokens: " + err.Error()) // the vocabulary is compiled in; caught by tests
	}
	return c
})

// Count is the number of o200k_base tokens of s.
func Count(s string) int {
	if s == "" {
		return 0
	}
	n, err := codec().Count(s)
	if err != nil {
		// Only invalid UTF-8 fails; count it as bytes, the tokenizer's
		// worst case, rather than not at all.
		return len(s)
	}
	return n
}

// Message is one chat message.
type Message struct {
	Role    string
	Content string
}

// Prompt counts the prompt tokens of a chat request: its messages in the
// chat format, and the JSON Schema of a structured-output request (sent
// beside the messages; its exact wrapping is the provider's, so its JSON
// is counted as it is).
func Prompt(msgs []Message, schema []byte) int {
	n := Reply
	for _, m := range msgs {
		n += PerMessage + Count(m.Role) + Count(m.Content)
	}
	if len(schema) > 0 {
		n += Count(string(schema))
	}
	return n
}
