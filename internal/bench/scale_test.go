package bench

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/profile"
)

// Renamed copies load as a clean set of distinct standards.
func TestWriteScaledProfiles(t *testing.T) {
	for _, n := range []int{10, 32, 70} {
		dir := t.TempDir()
		if err := WriteScaledProfiles(dir, n); err != nil {
			t.Fatal(err)
		}
		set, err := profile.Load(dir)
		if err != nil {
			t.Fatalf("%d standards: %v", n, err)
		}
		if set.Len() != n {
			t.Errorf("%d standards: the set has %d", n, set.Len())
		}
		if n > 32 {
			p, ok := set.Get("gdpr-c2")
			if !ok || p.ShortName != "GDPR C2" || len(p.Aliases) != 0 {
				t.Errorf("copy of gdpr: %+v", p)
			}
		}
	}
}

// A small scale run measures every figure.
func TestScaleSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole product")
	}
	fs, err := Scale(context.Background(), t.TempDir(), []int{6}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	f := fs[0]
	if f.Pages != 15 || f.EnqueueAnswer <= 0 || f.Settle <= 0 || f.QueueKB <= 0 || f.ListKB <= 0 || f.SearchP99 <= 0 || f.PeakRSS == 0 {
		t.Errorf("figures: %+v", f)
	}
	if md := ScaleMarkdown(fs); !strings.Contains(md, "| 6 | 15 |") {
		t.Errorf("table:\n%s", md)
	}
}
