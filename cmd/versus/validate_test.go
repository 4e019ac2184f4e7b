package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

const (
	testProfiles = "../../internal/validate/testdata/profiles"
	testPages    = "../../internal/validate/testdata/pages"
)

// runValidateCmd runs `versus validate args...` and returns its output and
// exit code (0 when it returned no error).
func runValidateCmd(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return runCmd(t, newValidateCmd(), args...)
}

// runCmd runs a command with args and returns what it printed and its exit
// code (0 when it returned no error); an error without an exit code fails t.
func runCmd(t *testing.T, cmd *cobra.Command, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	if cmd.Context() == nil {
		cmd.SetContext(context.Background())
	}
	err := cmd.Execute()
	if err == nil {
		return out.String(), 0
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		t.Fatalf("error without exit code: %v", err)
	}
	return out.String() + ee.Error(), ee.code
}

func writePage(t *testing.T, dir, name, old, new string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testPages, "clean.md"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateCommand(t *testing.T) {
	dir := t.TempDir()
	clean := filepath.Join(testPages, "clean.md")
	bad := writePage(t, dir, "bad.md", "really shapes choices.", "really shapes choices. (64 words)")

	out, code := runValidateCmd(t, "--profiles", testProfiles, clean)
	if code != 0 || !strings.Contains(out, "1 page checked: 0 errors, 0 warnings") {
		t.Fatalf("clean page: exit %d, output:\n%s", code, out)
	}

	out, code = runValidateCmd(t, "--profiles", testProfiles, clean, bad)
	if code != 1 {
		t.Fatalf("bad page: exit %d, want 1; output:\n%s", code, out)
	}
	if !strings.Contains(out, bad+":") || !strings.Contains(out, ": error meta.word-count [ISO 31000 / Implementation Overview]") {
		t.Fatalf("output lacks the word-count finding with file and line:\n%s", out)
	}
	if !strings.Contains(out, "2 pages checked: 1 error, 2 warnings") {
		t.Fatalf("summary line wrong:\n%s", out)
	}

	// Two pages with the same verdict: a warning naming the other page, exit 0.
	twin := writePage(t, dir, "twin.md", "slug: iso-27001-vs-iso-31000", "slug: iso-27001-vs-iso-31000")
	out, code = runValidateCmd(t, "--profiles", testProfiles, clean, twin)
	if code != 0 || !strings.Contains(out, "repetition.near-duplicate-verdict") || !strings.Contains(out, "of "+twin+" (") {
		t.Fatalf("twins: exit %d, output:\n%s", code, out)
	}

	// JSON record: errors reported, exit 1.
	_, code = runValidateCmd(t, "--profiles", testProfiles, filepath.Join(testPages, "record.json"))
	if code != 1 {
		t.Fatalf("record.json: exit %d, want 1", code)
	}

	// --json output.
	out, code = runValidateCmd(t, "--profiles", testProfiles, "--json", bad, clean)
	if code != 1 {
		t.Fatalf("--json: exit %d", code)
	}
	var res struct {
		Files []struct {
			File     string `json:"file"`
			Findings []struct {
				Rule string `json:"rule"`
				Line int    `json:"line"`
			} `json:"findings"`
		} `json:"files"`
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSuffix(out, "\n")), &res); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out)
	}
	if len(res.Files) != 2 || res.Files[0].File != bad || res.Files[1].File != clean || res.Errors != 1 || res.Warnings != 2 {
		t.Fatalf("--json result = %+v", res)
	}
	found := false
	for _, f := range res.Files[0].Findings {
		found = found || f.Rule == "meta.word-count" && f.Line == 68
	}
	if !found {
		t.Fatalf("--json: no meta.word-count at line 68 in %+v", res.Files[0])
	}
}

func TestValidateCommandCannotRun(t *testing.T) {
	clean := filepath.Join(testPages, "clean.md")
	for name, args := range map[string][]string{
		"no such page":    {"--profiles", testProfiles, "does-not-exist.md"},
		"bad flag":        {"--no-such-flag", clean},
		"no pages":        {"--profiles", testProfiles},
		"no profiles":     {"--profiles", filepath.Join(t.TempDir(), "missing"), clean},
		"broken profiles": {"--profiles", brokenProfiles(t), clean},
	} {
		t.Run(name, func(t *testing.T) {
			if out, code := runValidateCmd(t, args...); code != 2 {
				t.Fatalf("exit %d, want 2; output:\n%s", code, out)
			}
		})
	}
}

func brokenProfiles(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("id: y\nname: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestValidateCommandEnv: the profiles folder may come from VERSUS_PROFILES.
func TestValidateCommandEnv(t *testing.T) {
	t.Setenv("VERSUS_PROFILES", testProfiles)
	if out, code := runValidateCmd(t, filepath.Join(testPages, "clean.md")); code != 0 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}
