package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/llm"
)

// TestEffectiveMasksSecrets: the configuration logged at start names every
// setting and shows no secret.
func TestEffectiveMasksSecrets(t *testing.T) {
	cfg := app.Config{
		DataDir: app.DefaultDataDir,
		LLM:     llm.Config{BaseURL: "http://127.0.0.1:1", APIKey: "sk-live-123", Model: "m"},
		NATS:    broker.ClientConfig{URL: "nats://127.0.0.1:4222", Password: "hunter2"},
	}
	eff := cfg.Effective()
	for k, v := range eff {
		s := fmt.Sprint(v)
		if strings.Contains(s, "sk-live-123") || strings.Contains(s, "hunter2") {
			t.Errorf("%s = %q: a secret in the logged configuration", k, s)
		}
	}
	for k, want := range map[string]any{"llm.apikey": "***", "nats.password": "***", "datadir": app.DefaultDataDir, "llm.model": "m", "nats.url": "nats://127.0.0.1:4222"} {
		if eff[k] != want {
			t.Errorf("%s = %v, want %v", k, eff[k], want)
		}
	}
	if _, ok := eff["ready"]; ok {
		t.Error("a func field was listed")
	}
}

// TestDefaultsDefinedOnce: the default data folder and address are
// written once in the code, in app's defaults.
func TestDefaultsDefinedOnce(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, lit := range []string{`"versus-data"`, `"127.0.0.1:8080"`} {
		var where []string
		for _, dir := range []string{"cmd", "internal", "workers"} {
			_ = filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
					return err
				}
				b, err := os.ReadFile(p)
				if err == nil && strings.Contains(string(b), lit) {
					where = append(where, p)
				}
				return err
			})
		}
		if len(where) != 1 || !strings.HasSuffix(where[0], filepath.Join("internal", "app", "config.go")) {
			t.Errorf("%s is written in %v; want it once, in internal/app/config.go", lit, where)
		}
	}
}
