package app

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Defaults of the configuration, defined once: cmd/versus's flags and Run
// both take them from here.
const (
	DefaultDataDir = "versus-data"
	DefaultAddr    = "127.0.0.1:8080"
	// DefaultServer is where the client commands find a local `versus up`.
	DefaultServer = "http://" + DefaultAddr
	// DefaultMemoryLimit (--memory-limit): GOMEMLIMIT when the
	// environment sets it, else MemoryLimitRatio of the container's
	// (cgroup's) memory limit when there is one, else none.
	DefaultMemoryLimit = "auto"
	// MemoryLimitRatio is the share of a container's memory the Go heap may
	// grow to before the collector works harder. The rest is for what Go
	// does not count: the search index's mapped files, thread stacks.
	MemoryLimitRatio = 0.8
	// DefaultGCPercent is how far the Go heap grows over what is live
	// before a collection, when neither --gc-percent nor GOGC says. Go's
	// own default is 100; versus holds every record in memory, and at 200
	// standards 100 took the server to 1.2 GiB resident while the approved
	// pages were indexed, 50 to 806 MiB for 5 points more of its CPU
	// (README, "Measured at 200 standards").
	DefaultGCPercent = 50
)

// secretWords mark fields whose values are never logged.
var secretWords = []string{"key", "password", "secret", "token", "seed", "creds", "nkey"}

// Effective is the configuration as it will run, flattened to dotted
// names, with every secret masked ("***" when set, "" when not). Fields
// added later are listed (and masked by name) without touching this.
func (c Config) Effective() map[string]any {
	out := map[string]any{}
	flatten("", reflect.ValueOf(c), out)
	return out
}

func flatten(prefix string, v reflect.Value, out map[string]any) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := strings.ToLower(f.Name)
		if prefix != "" {
			name = prefix + "." + name
		}
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Func || fv.Kind() == reflect.Chan:
			continue
		case secret(f.Name) && fv.Kind() == reflect.String:
			if fv.String() != "" {
				out[name] = "***"
			} else {
				out[name] = ""
			}
		case fv.Kind() == reflect.Struct && fv.Type() != reflect.TypeOf(time.Time{}):
			flatten(name, fv, out)
		case fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Interface:
			if fv.IsNil() {
				out[name] = nil
			} else {
				out[name] = fmt.Sprintf("(%s)", fv.Elem().Type())
			}
		case fv.Type() == reflect.TypeOf(time.Duration(0)):
			out[name] = time.Duration(fv.Int()).String()
		default:
			out[name] = fv.Interface()
		}
	}
}

func secret(field string) bool {
	f := strings.ToLower(field)
	for _, w := range secretWords {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}
