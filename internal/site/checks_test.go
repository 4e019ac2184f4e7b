package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/browsertest"
)

// npmDir holds package.json for the checkers the tests run with node:
// html-validate and Lighthouse. `npm ci` there installs them (.ci/run does).
var npmDir = filepath.Join("testdata", "npm")

// npmTool returns the path of an installed npm tool, or skips t with what to
// run (and fails under CI, where these checks must run).
func npmTool(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skipf("%s skipped in -short mode", name)
	}
	missing := func(why string) {
		t.Helper()
		msg := fmt.Sprintf("%s: %s; run `npm ci` in internal/site/testdata/npm (.ci/run does) to run this check", name, why)
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but " + msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node is not installed")
	}
	p, err := filepath.Abs(filepath.Join(npmDir, "node_modules", ".bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		missing("not installed")
	}
	return p
}

// publicPages are the public pages of a site over the fixture with some
// pages published, one of each kind a visitor may land on.
func publicPages(t *testing.T) map[string]string {
	_, set, pages := server(t)
	a := findSlug(t, pages, "iso-27001", "soc-2")
	b := findSlug(t, pages, "gdpr", "iso-27701")
	c := findSlug(t, pages, "iso-27001", "iso-27002")
	h := Handler(fixture.ix, set, newLive(pages, a, b, c), WithPublicURL(publicURL))
	out := map[string]string{}
	for name, path := range map[string]string{
		"compare.html":  "/compare/" + a,
		"compare2.html": "/compare/" + b,
		"home.html":     "/",
		"list.html":     "/compare",
		"standard.html": "/standards/iso-27001",
		"empty.html":    "/standards/sox",
		"search.html":   "/search?q=gdpr",
		"gap.html":      "/search?q=hipaa+vs+sox",
		"intro.html":    "/search",
		"notfound.html": "/compare/no-such-page",
	} {
		_, _, body := serve(t, h, path)
		out[name] = body
	}
	return out
}

// TestHTMLValidate runs html-validate (html-validate:recommended) over every
// kind of public page.
func TestHTMLValidate(t *testing.T) {
	bin := npmTool(t, "html-validate")
	dir := t.TempDir()
	var files []string
	for name, body := range publicPages(t) {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	cfg, _ := filepath.Abs(filepath.Join(npmDir, ".htmlvalidate.json"))
	cmd := exec.Command(bin, append([]string{"--config", cfg, "--formatter", "text"}, files...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("html-validate: %v\n%s", err, out)
	}
}

// TestLighthouse runs Lighthouse in the Debian Chromium on a comparison page
// and wants SEO and accessibility at 95 or more.
func TestLighthouse(t *testing.T) {
	bin := npmTool(t, "lighthouse")
	chrome := browsertest.Chromium(t)
	_, set, pages := server(t)
	slug := findSlug(t, pages, "iso-27001", "soc-2")
	live := newLive(pages, slug, findSlug(t, pages, "iso-27001", "iso-27002"), findSlug(t, pages, "gdpr", "soc-2"))
	srv := httptest.NewServer(Handler(fixture.ix, set, live))
	defer srv.Close()
	report := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(bin, srv.URL+"/compare/"+slug,
		"--only-categories=seo,accessibility", "--output=json", "--output-path="+report, "--quiet",
		"--chrome-flags=--headless=new --no-sandbox --disable-gpu --user-data-dir="+t.TempDir())
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("lighthouse: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		LighthouseVersion string `json:"lighthouseVersion"`
		Categories        map[string]struct {
			Score     float64 `json:"score"`
			AuditRefs []struct {
				ID     string  `json:"id"`
				Weight float64 `json:"weight"`
			} `json:"auditRefs"`
		} `json:"categories"`
		Audits map[string]struct {
			Title string   `json:"title"`
			Score *float64 `json:"score"`
		} `json:"audits"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	for _, cat := range []string{"seo", "accessibility"} {
		c, ok := r.Categories[cat]
		if !ok {
			t.Fatalf("no %s category in the report", cat)
		}
		score := int(c.Score*100 + 0.5)
		t.Logf("Lighthouse %s: %s %d", r.LighthouseVersion, cat, score)
		var failed []string
		for _, ref := range c.AuditRefs {
			if a := r.Audits[ref.ID]; a.Score != nil && *a.Score < 1 && ref.Weight > 0 {
				failed = append(failed, ref.ID+": "+a.Title)
			}
		}
		if score < 95 {
			t.Errorf("%s %d < 95; failing audits:\n%s", cat, score, strings.Join(failed, "\n"))
		} else if len(failed) > 0 {
			t.Logf("%s audits not at 100: %s", cat, strings.Join(failed, "; "))
		}
	}
}
