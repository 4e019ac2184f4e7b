package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/site"
)

// searchServer is the site's real handler over a real index of a few
// composed pages of the real profiles.
func searchServer(t *testing.T) *httptest.Server {
	t.Helper()
	set, err := profile.Load(filepath.Join("..", "..", "profiles"))
	if err != nil {
		t.Skipf("profiles do not load: %v", err)
	}
	ix, err := index.Open(t.TempDir(), set)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	var docs []index.Doc
	for _, pr := range set.Pairs() {
		a, b := pr[0].ID, pr[1].ID
		if a == "gdpr" || b == "gdpr" || a == "iso-27001" {
			docs = append(docs, index.DocFromPage(compose.Page(pr[0], pr[1]), set))
		}
	}
	err = ix.Reindex(context.Background(), func(yield func(index.Doc) bool) {
		for _, d := range docs {
			if !yield(d) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.Handler(ix, set, nil))
	t.Cleanup(srv.Close)
	return srv
}

func runSearchCmd(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := newSearchCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	if err == nil {
		return out.String(), 0
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		t.Fatalf("error without exit code: %v", err)
	}
	return out.String() + ee.Error(), ee.code
}

func TestSearchCommand(t *testing.T) {
	srv := searchServer(t)
	out, code := runSearchCmd(t, "--server", srv.URL, "gdpr", "vs", "iso", "27001")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	lines := strings.Split(out, "\n")
	if !strings.Contains(out, "1. GDPR vs ISO 27001") && !strings.Contains(out, "1. ISO 27001 vs GDPR") {
		t.Errorf("first hit is not the pair's page:\n%s", out)
	}
	if !strings.Contains(out, "gdpr-vs-iso-27001  score ") {
		t.Errorf("slug and score missing:\n%s", out)
	}
	if strings.Contains(out, "<mark>") || !strings.Contains(out, "*") {
		t.Errorf("fragments not turned into plain emphasis:\n%s", out)
	}
	if !strings.HasPrefix(lines[0], "1–") {
		t.Errorf("no range line: %q", lines[0])
	}

	// --json prints the server's answer as is, in the contract's shape.
	out, code = runSearchCmd(t, "--server", srv.URL, "--json", "--limit", "2", "gdpr")
	if code != 0 {
		t.Fatalf("--json exit %d: %s", code, out)
	}
	var res struct {
		Total  *int              `json:"total"`
		Hits   []json.RawMessage `json:"hits"`
		Facets map[string]any    `json:"facets"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Total == nil || len(res.Hits) != 2 || res.Facets == nil {
		t.Errorf("--json output %q (%v)", out, err)
	}
}

func TestSearchCommandEnvServer(t *testing.T) {
	srv := searchServer(t)
	t.Setenv("VERSUS_SERVER", srv.URL)
	if out, code := runSearchCmd(t, "hipaa"); code != 0 || !strings.Contains(out, "HIPAA") {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestSearchCommandFailures(t *testing.T) {
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	out, code := runSearchCmd(t, "--server", dead, "gdpr")
	if code != 2 || !strings.Contains(out, "cannot reach the server") {
		t.Errorf("unreachable server: exit %d, %s", code, out)
	}
	if _, code := runSearchCmd(t); code != 2 {
		t.Errorf("no query: exit %d, want 2", code)
	}
	srv := searchServer(t)
	out, code = runSearchCmd(t, "--server", srv.URL, "--standard", "no-such-standard", "gdpr")
	if code != 2 || !strings.Contains(out, `unknown standard "no-such-standard"`) {
		t.Errorf("bad standard: exit %d, %s", code, out)
	}
}

func TestPlainFragment(t *testing.T) {
	got := plainFragment("Both <mark>GDPR</mark> and\n AT&amp;T &lt;b&gt;")
	if want := "Both *GDPR* and AT&T <b>"; got != want {
		t.Errorf("plainFragment = %q, want %q", got, want)
	}
}
