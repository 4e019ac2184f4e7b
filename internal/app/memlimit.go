package app

import (
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// memoryLimitRe is a size as GOMEMLIMIT takes it: a whole number of
// bytes, KiB, MiB, GiB or TiB.
var memoryLimitRe = regexp.MustCompile(`^([0-9]+)(B|KiB|MiB|GiB|TiB)?$`)

// ParseMemoryLimit reads a --memory-limit value: "auto", "off", or a size
// ("900MiB", "2GiB"). It returns the bytes of a size, 0 for auto, -1 for off.
func ParseMemoryLimit(s string) (int64, error) {
	switch s = strings.TrimSpace(s); s {
	case "", "auto":
		return 0, nil
	case "off":
		return -1, nil
	}
	m := memoryLimitRe.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("memory limit %q: want auto, off or a size such as 900MiB or 2GiB", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("memory limit %q: %w", s, err)
	}
	shift := map[string]uint{"": 0, "B": 0, "KiB": 10, "MiB": 20, "GiB": 30, "TiB": 40}[m[2]]
	if n <= 0 || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("memory limit %q: out of range", s)
	}
	if n<<shift < 64<<20 {
		return 0, fmt.Errorf("memory limit %q: below 64MiB, the server could not run", s)
	}
	return n << shift, nil
}

// applyMemoryLimit sets the Go runtime's soft memory limit from setting
// (ParseMemoryLimit's syntax) and says what it set: a size is taken as
// given; auto leaves a GOMEMLIMIT of the environment alone and otherwise
// takes MemoryLimitRatio of the cgroup's limit, if any; off removes any.
// Without a limit the heap may grow to twice what is live before a
// collection, which at 20,000 pages is well over a GiB.
func applyMemoryLimit(setting string) (string, error) {
	n, err := ParseMemoryLimit(setting)
	if err != nil {
		return "", err
	}
	switch {
	case n > 0:
		debug.SetMemoryLimit(n)
		return fmt.Sprintf("%d MiB (--memory-limit)", n>>20), nil
	case n < 0:
		debug.SetMemoryLimit(math.MaxInt64)
		return "none (--memory-limit off)", nil
	case os.Getenv("GOMEMLIMIT") != "":
		return fmt.Sprintf("%d MiB (GOMEMLIMIT)", debug.SetMemoryLimit(-1)>>20), nil
	}
	limit, err := memlimit.Set(memlimit.WithRatio(MemoryLimitRatio), memlimit.WithProvider(memlimit.FromCgroup))
	switch {
	case errors.Is(err, memlimit.ErrNoLimit), err == nil && limit == math.MaxInt64:
		return "none (no container limit; set --memory-limit)", nil
	case err != nil:
		// Not in a cgroup, or not on Linux: nothing to derive a limit from.
		return "none (" + err.Error() + "; set --memory-limit)", nil
	}
	return fmt.Sprintf("%d MiB (%.0f%% of the container's memory)", limit>>20, MemoryLimitRatio*100), nil
}

// applyGCPercent sets how far the heap grows over what is live before a
// collection (--gc-percent) and says what it set: a percentage is taken as
// given; 0 (auto) leaves a GOGC of the environment alone and otherwise
// sets DefaultGCPercent.
func applyGCPercent(n int) (string, error) {
	switch {
	case n < 0:
		return "", fmt.Errorf("gc percent %d: want 0 (auto) or a percentage above 0; a collector turned off would let the heap grow without bound", n)
	case n > 0:
		debug.SetGCPercent(n)
		return fmt.Sprintf("%d%% (--gc-percent)", n), nil
	case os.Getenv("GOGC") != "":
		return "GOGC=" + os.Getenv("GOGC"), nil
	}
	debug.SetGCPercent(DefaultGCPercent)
	return fmt.Sprintf("%d%% (default)", DefaultGCPercent), nil
}
