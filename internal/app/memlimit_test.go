package app

import (
	"math"
	"runtime/debug"
	"strings"
	"testing"
)

func TestParseMemoryLimit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		err  string
	}{
		{"auto", 0, ""},
		{"", 0, ""},
		{"off", -1, ""},
		{"900MiB", 900 << 20, ""},
		{"2GiB", 2 << 30, ""},
		{"1073741824", 1 << 30, ""},
		{"65536KiB", 64 << 20, ""},
		{"1MiB", 0, "below 64MiB"},
		{"900MB", 0, "want auto, off or a size"},
		{"-5GiB", 0, "want auto, off or a size"},
		{"lots", 0, "want auto, off or a size"},
		{"99999999999TiB", 0, "out of range"},
	} {
		got, err := ParseMemoryLimit(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), tt.in) {
				t.Errorf("ParseMemoryLimit(%q) = %d, %v; want an error naming the value and %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseMemoryLimit(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

// A size sets the runtime's limit and off removes it; auto without
// GOMEMLIMIT or a container limit leaves none.
func TestApplyMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("AUTOMEMLIMIT", "")
	said, err := applyMemoryLimit("900MiB")
	if err != nil || debug.SetMemoryLimit(-1) != 900<<20 || !strings.Contains(said, "900 MiB") {
		t.Fatalf("900MiB: %q, %v; limit %d", said, err, debug.SetMemoryLimit(-1))
	}
	if said, err := applyMemoryLimit("off"); err != nil || debug.SetMemoryLimit(-1) != math.MaxInt64 || !strings.HasPrefix(said, "none") {
		t.Fatalf("off: %q, %v; limit %d", said, err, debug.SetMemoryLimit(-1))
	}
	if _, err := applyMemoryLimit("lots"); err == nil {
		t.Fatal("a bad value was taken")
	}
	said, err = applyMemoryLimit("auto")
	if err != nil || said == "" {
		t.Fatalf("auto: %q, %v", said, err)
	}
	if strings.HasPrefix(said, "none") != (debug.SetMemoryLimit(-1) == math.MaxInt64) {
		t.Errorf("auto says %q with a limit of %d", said, debug.SetMemoryLimit(-1))
	}
}

func TestApplyGCPercent(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	current := func() int { n := debug.SetGCPercent(-1); debug.SetGCPercent(n); return n }

	t.Setenv("GOGC", "")
	if said, err := applyGCPercent(0); err != nil || current() != DefaultGCPercent || !strings.Contains(said, "default") {
		t.Fatalf("auto: %q, %v; gc percent %d, want %d", said, err, current(), DefaultGCPercent)
	}
	if said, err := applyGCPercent(70); err != nil || current() != 70 || !strings.Contains(said, "70%") {
		t.Fatalf("70: %q, %v; gc percent %d", said, err, current())
	}
	// GOGC in the environment is the runtime's own setting: auto leaves it.
	t.Setenv("GOGC", "80")
	debug.SetGCPercent(80)
	if said, err := applyGCPercent(0); err != nil || current() != 80 || said != "GOGC=80" {
		t.Fatalf("auto under GOGC=80: %q, %v; gc percent %d", said, err, current())
	}
	if _, err := applyGCPercent(-1); err == nil || current() != 80 {
		t.Fatalf("-1 was taken (gc percent %d): a collector turned off", current())
	}
}
