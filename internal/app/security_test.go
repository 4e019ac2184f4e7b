package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/doctor"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

func (s *started) raw(t *testing.T, method, path, token, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(data)
}

// The real routes: strict JSON on the jobs API, no folder listings, a CSP
// on every answer.
func TestHardenedRoutes(t *testing.T) {
	s := start(t, app.Config{ProfilesDir: subset(t, "gdpr", "iso-27701")})
	for _, c := range []struct{ name, body string }{
		{"trailing garbage", `{"pairs":[["gdpr","iso-27701"]]}garbage`},
		{"a second object", `{"pairs":[["gdpr","iso-27701"]]}{"all":true}`},
		{"unknown field", `{"pairs":[["gdpr","iso-27701"]],"priority":9}`},
	} {
		if code, _, body := s.raw(t, "POST", "/api/jobs", s.token, c.body); code != http.StatusBadRequest || !strings.Contains(body, "bad JSON body") {
			t.Errorf("POST /api/jobs with %s: %d %s, want 400", c.name, code, body)
		}
	}
	if n := len(s.run.Store.Pages()); n != 0 {
		t.Fatalf("a refused body queued %d pages", n)
	}
	for _, path := range []string{"/static/", "/review/static/"} {
		code, hd, body := s.raw(t, "GET", path, "", "")
		if code != http.StatusNotFound || strings.Contains(body, ".css") {
			t.Errorf("GET %s: %d %.100s, want 404 and no listing", path, code, body)
		}
		if hd.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no CSP", path)
		}
	}
	for _, path := range []string{"/static/site.css", "/review/static/app.css", "/healthz", "/api/standards", "/search", "/login", "/nope"} {
		_, hd, _ := s.raw(t, "GET", path, "", "")
		if csp := hd.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src") || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: CSP %q, nosniff %q", path, csp, hd.Get("X-Content-Type-Options"))
		}
	}
	// A cross-site browser form is refused even before its CSRF token is looked at.
	req, _ := http.NewRequest("POST", s.base+"/login", strings.NewReader("name=admin&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST /login: %d, want 403", resp.StatusCode)
	}
}

var titleRE = regexp.MustCompile(`<title>([^<]*)</title>`)

// A profile reload must not change published text before review: the
// <title> of /compare pages, search result titles and the public list keep
// the approved names until the redraft is approved.
func TestPublishedTitleChangesOnlyThroughReview(t *testing.T) {
	profiles := subset(t, "gdpr", "iso-27701")
	s := start(t, app.Config{ProfilesDir: profiles, Replica: "r1"})
	const slug = "gdpr-vs-iso-27701"
	if code, body := s.call(t, "POST", "/api/jobs", s.token, map[string]any{"pairs": [][]string{{"gdpr", "iso-27701"}}}); code != http.StatusAccepted {
		t.Fatalf("jobs: %d %s", code, body)
	}
	waitSettled(t, s.run.Store, 1, time.Minute)
	approveAll := func() {
		t.Helper()
		for _, path := range []string{"/api/pages/" + slug, "/api/sections/gdpr", "/api/sections/iso-27701"} {
			code, body := s.call(t, "GET", path, s.token, nil)
			var rec struct {
				Revision uint64 `json:"revision"`
				State    string `json:"state"`
			}
			_ = json.Unmarshal(body, &rec)
			if code != 200 {
				t.Fatalf("GET %s: %d", path, code)
			}
			if rec.State == "approved" {
				continue
			}
			if code, body := s.call(t, "POST", path+"/approve", s.token, map[string]any{"revision": rec.Revision}); code != 200 {
				t.Fatalf("approve %s: %d %s", path, code, body)
			}
		}
	}
	titles := func() (compare, search, list string) {
		t.Helper()
		_, body := s.call(t, "GET", "/compare/"+slug, "", nil)
		if m := titleRE.FindSubmatch(body); m != nil {
			compare = string(m[1])
		}
		_, body = s.call(t, "GET", "/api/search?q="+url.QueryEscape("iso 27701"), "", nil)
		var res struct {
			Hits []struct{ Slug, Title string }
		}
		_ = json.Unmarshal(body, &res)
		for _, h := range res.Hits {
			if h.Slug == slug {
				search = h.Title
			}
		}
		_, body = s.call(t, "GET", "/api/pages", "", nil)
		var l struct {
			Pages []struct{ Slug, Title string }
		}
		_ = json.Unmarshal(body, &l)
		for _, p := range l.Pages {
			if p.Slug == slug {
				list = p.Title
			}
		}
		// The public page API says the same as the list.
		_, body = s.call(t, "GET", "/api/pages/"+slug, "", nil)
		var one struct{ Title string }
		_ = json.Unmarshal(body, &one)
		if one.Title != list {
			list = "list " + list + " but page " + one.Title
		}
		return
	}
	approveAll()
	const before = "GDPR vs ISO 27701"
	natstest.Eventually(t, 10*time.Second, "the page published and indexed", func() bool {
		c, sr, l := titles()
		return strings.HasPrefix(c, before) && sr == before && l == before
	})

	putsBefore := indexedPuts(t, s.run)
	// The profile's short name changes; the reload marks the page and the
	// GDPR section stale and redrafts them.
	file := filepath.Join(profiles, "gdpr.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "short_name: GDPR\n", "short_name: EU GDPR\n", 1))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, body := s.call(t, "POST", "/api/profiles/reload", s.token, nil); code != 200 {
		t.Fatalf("reload: %d %s", code, body)
	}
	waitSettled(t, s.run.Store, 1, time.Minute)
	rec, _ := s.run.Store.Page(t.Context(), slug)
	if !strings.HasPrefix(rec.Title, "EU GDPR") {
		t.Fatalf("the redraft's title is %q: the test's profile change did not take", rec.Title)
	}
	// The indexer follows the records, not events: wait until it has
	// re-indexed the page after the reload (the page's and the GDPR
	// section's changes each make it recompute the page), so a search title
	// taken from the redraft would show now.
	natstest.Eventually(t, 10*time.Second, "the indexer to recompute the page", func() bool {
		return indexedPuts(t, s.run) >= putsBefore+2
	})
	if c, sr, l := titles(); !strings.HasPrefix(c, before) || sr != before || l != before {
		t.Fatalf("before review: compare <title> %q, search title %q, list title %q; want all %q", c, sr, l, before)
	}

	// Approved: the new name is published.
	approveAll()
	const after = "EU GDPR vs ISO 27701"
	natstest.Eventually(t, 10*time.Second, "the approved new title everywhere", func() bool {
		c, sr, l := titles()
		return strings.HasPrefix(c, after) && sr == after && l == after
	})
}

// runRefused runs the app over cfg and returns its start error; it fails
// the test if the app comes up.
func runRefused(t *testing.T, cfg app.Config) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.Ready = func(*app.Running) { t.Error("the app came up on a damaged store"); cancel() }
	done := make(chan error, 1)
	go func() { done <- app.Run(zerolog.Nop().WithContext(ctx), cfg) }()
	select {
	case err := <-done:
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("the app neither started nor refused in 60 s")
		return nil
	}
}

// A store damaged while the server was stopped stops the next start with
// the doctor command, instead of starting healthy over an empty bucket or
// a new admin; after versus doctor it starts.
func TestDamagedStoreStopsTheStart(t *testing.T) {
	for _, c := range []struct {
		name, stream string
		want         []string
	}{
		{"healthy restart", "", nil},
		{"pages stream deleted", "KV_versus_pages", []string{"bucket versus_pages", "is missing"}},
		{"accounts deleted", "KV_versus_auth", []string{"bucket versus_auth", "is missing", "The accounts were lost"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := app.Config{ProfilesDir: subset(t, "gdpr", "iso-27701"), DataDir: t.TempDir(), Addr: "127.0.0.1:0"}
			s := start(t, cfg)
			if code, body := s.call(t, "POST", "/api/jobs", s.token, map[string]any{"pairs": [][]string{{"gdpr", "iso-27701"}}}); code != http.StatusAccepted {
				t.Fatalf("jobs: %d %s", code, body)
			}
			waitSettled(t, s.run.Store, 1, time.Minute)
			s.stop()
			token, _ := os.ReadFile(filepath.Join(cfg.DataDir, "admin.token"))

			if c.stream == "" {
				// Stopped cleanly, nothing touched: it starts, with its records.
				s2 := start(t, cfg)
				if n := len(s2.run.Store.Pages()); n != 1 {
					t.Fatalf("after a healthy restart: %d pages, want 1", n)
				}
				return
			}
			dir := filepath.Join(doctor.StoreDir(cfg.DataDir), "$G", "streams", c.stream)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			cfg.Settings = store.DefaultSettings()
			cfg.Parts = app.All
			err := runRefused(t, cfg)
			if err == nil {
				t.Fatal("the app started on a damaged store")
			}
			for _, want := range append(c.want, "versus doctor --data "+cfg.DataDir+" --dry-run") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the start's error lacks %q:\n%v", want, err)
				}
			}
			if after, _ := os.ReadFile(filepath.Join(cfg.DataDir, "admin.token")); string(after) != string(token) {
				t.Fatal("admin.token was rewritten")
			}

			var out strings.Builder
			if _, err := doctor.Repair(context.Background(), cfg.DataDir, false, &out); err != nil {
				t.Fatalf("doctor: %v\n%s", err, out.String())
			}
			s2 := start(t, cfg)
			if code, _ := s2.call(t, "GET", "/healthz", "", nil); code != 200 {
				t.Fatalf("healthz after the repair: %d", code)
			}
		})
	}
}

// indexedPuts is how many pages this process's indexer has (re)indexed.
func indexedPuts(t *testing.T, run *app.Running) float64 {
	t.Helper()
	mfs, err := run.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "versus_index_ops_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "op" && l.GetValue() == "put" {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
