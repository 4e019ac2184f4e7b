package author

import (
	"context"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// OfflineVersion names the composer's output format; bump it when the
// composer's text changes so pages drafted by the old one are redrafted.
const OfflineVersion = "compose-v3"

// Offline drafts from the profiles alone: deterministic, free, and valid by
// construction. It is what `versus up` uses when no LLM is configured.
type Offline struct{}

// Name is how the server announces this author.
func (Offline) Name() string { return "offline composer" }

// Versions are the prompt and model parts of the inputs hash.
func (Offline) Versions(store.Kind) (prompt, model string) { return OfflineVersion, "offline" }

// Section composes a standard's own section. Feedback cannot change a
// deterministic composition, so it is ignored.
func (Offline) Section(_ context.Context, p *profile.Profile, _ Feedback) (SectionResult, error) {
	return SectionResult{Section: compose.Section(p)}, nil
}

// Pair composes the per-pair part.
func (Offline) Pair(_ context.Context, a, b *profile.Profile, _ Feedback) (PairResult, error) {
	return PairResult{Pair: compose.Pair(a, b)}, nil
}
