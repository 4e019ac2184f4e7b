package page_test

import (
	"testing"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// TestRoundTripAllPairs renders every pair of the real profiles, as the
// offline composer writes them, parses the Markdown back and renders again:
// the record and the text must both come back the same.
func TestRoundTripAllPairs(t *testing.T) {
	set, err := profile.Load("../../profiles")
	if err != nil {
		t.Fatalf("load profiles: %v", err)
	}
	pairs := set.Pairs()
	if len(pairs) < 435 {
		t.Fatalf("only %d pairs", len(pairs))
	}
	for _, pr := range pairs {
		p := compose.Page(pr[0], pr[1])
		if err := page.RoundTrip(p); err != nil {
			t.Errorf("%s: %v", p.Slug, err)
		}
	}
}
