package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/export"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/webhook"
)

// TestPublishingEndToEnd follows one page through the whole server: it is
// in no sitemap, list or export until the page and both sections are
// approved; then the sitemap, the list, the page's canonical link, the
// export and a signed webhook say it is published; a rejection takes it out
// of all of them and the webhook says so; the delivery log is for admins.
func TestPublishingEndToEnd(t *testing.T) {
	const secret, public = "hook-secret", "https://compliance.example"
	var mu sync.Mutex
	var got []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify(secret, body, r.Header.Get(webhook.HeaderSignature)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev webhook.Event
		_ = json.Unmarshal(body, &ev)
		mu.Lock()
		got = append(got, ev.Type+" "+ev.Slug+" "+ev.URL)
		mu.Unlock()
	}))
	defer recv.Close()
	events := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}

	profiles := subset(t, "gdpr", "iso-27701", "sox")
	s := start(t, app.Config{ProfilesDir: profiles, PublicURL: public,
		Webhooks: app.WebhookConfig{URLs: []string{recv.URL}, Secret: secret}})
	code, body := s.call(t, "POST", "/api/jobs", s.token, map[string]any{"pairs": [][]string{{"GDPR", "ISO/IEC 27701"}}})
	if code != http.StatusAccepted {
		t.Fatalf("jobs: %d %s", code, body)
	}
	waitSettled(t, s.run.Store, 1, time.Minute)
	slug, url := "gdpr-vs-iso-27701", public+"/compare/gdpr-vs-iso-27701"
	get := func(path string) string {
		t.Helper()
		code, body := s.call(t, "GET", path, "", nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, code)
		}
		return string(body)
	}
	if sm := get("/sitemap.xml"); strings.Contains(sm, "/compare/"+slug) {
		t.Fatalf("sitemap lists an unpublished page:\n%s", sm)
	}
	revision := func(path string) uint64 {
		code, body := s.call(t, "GET", path, s.token, nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, code)
		}
		var rec struct {
			Revision uint64 `json:"revision"`
		}
		_ = json.Unmarshal(body, &rec)
		return rec.Revision
	}
	act := func(path, action string) {
		t.Helper()
		if code, body := s.call(t, "POST", path+"/"+action, s.token, map[string]any{"revision": revision(path), "note": "test"}); code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", action, path, code, body)
		}
	}
	act("/api/pages/"+slug, "approve")
	act("/api/sections/gdpr", "approve")
	act("/api/sections/iso-27701", "approve")
	natstest.Eventually(t, 20*time.Second, "the publish webhook", func() bool {
		e := events()
		return len(e) == 1 && e[0] == webhook.Published+" "+slug+" "+url
	})
	if sm := get("/sitemap.xml"); !strings.Contains(sm, "<loc>"+url+"</loc>") || !strings.Contains(sm, "<lastmod>") {
		t.Errorf("sitemap after publishing:\n%s", sm)
	}
	page := get("/compare/" + slug)
	for _, want := range []string{`<link rel="canonical" href="` + url + `">`, `"@type":"FAQPage"`, "Last reviewed"} {
		if !strings.Contains(page, want) {
			t.Errorf("published page lacks %s", want)
		}
	}
	if list := get("/compare"); !strings.Contains(list, `href="/compare/`+slug+`"`) {
		t.Error("/compare does not list the page")
	}
	out := t.TempDir()
	st, err := export.Run(context.Background(), export.Options{Server: s.base, Out: out, Format: export.HTML})
	if err != nil || st.Pages != 1 {
		t.Fatalf("export: %+v %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(out, "compare", slug+".html")); err != nil {
		t.Errorf("export: %v", err)
	}

	// A profile change makes every record stale and redrafts it; the page
	// stays published as approved, with the same review date.
	lastmod := func() string {
		sm := get("/sitemap.xml")
		i := strings.Index(sm, "<loc>"+url+"</loc>")
		if i < 0 {
			t.Fatalf("sitemap lost the page:\n%s", sm)
		}
		rest := sm[i:]
		a, b := strings.Index(rest, "<lastmod>"), strings.Index(rest, "</lastmod>")
		if a < 0 || b < a {
			t.Fatalf("no lastmod for the page:\n%s", sm)
		}
		return rest[a+len("<lastmod>") : b]
	}
	before := lastmod()
	file := filepath.Join(profiles, "gdpr.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), "aliases:\n", "aliases:\n  - Zebrafish Charter\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, body := s.call(t, "POST", "/api/profiles/reload", s.token, nil); code != http.StatusOK {
		t.Fatalf("reload: %d %s", code, body)
	}
	natstest.Eventually(t, 20*time.Second, "the page's record to leave approved", func() bool {
		rec, err := s.run.Store.Page(context.Background(), slug)
		return err == nil && rec.State != "approved"
	})
	if after := lastmod(); after != before {
		t.Errorf("lastmod %s after a redraft in review, want the approval's %s", after, before)
	}
	if page := get("/compare/" + slug); !strings.Contains(page, "Last reviewed") {
		t.Error("the page lost its review date while a redraft is in review")
	}

	act("/api/pages/"+slug, "reject")
	natstest.Eventually(t, 20*time.Second, "the unpublish webhook", func() bool {
		e := events()
		return len(e) == 2 && e[1] == webhook.Unpublished+" "+slug+" "+url
	})
	if sm := get("/sitemap.xml"); strings.Contains(sm, "/compare/"+slug) {
		t.Errorf("sitemap lists a rejected page")
	}
	if code, _ := s.call(t, "GET", "/compare/"+slug, "", nil); code != http.StatusNotFound {
		t.Errorf("rejected page: %d", code)
	}
	if code, _ := s.call(t, "GET", "/api/webhooks/deliveries", "", nil); code != http.StatusUnauthorized {
		t.Errorf("delivery log without a token: %d", code)
	}
	natstest.Eventually(t, 10*time.Second, "two deliveries in the log", func() bool {
		code, body := s.call(t, "GET", "/api/webhooks/deliveries", s.token, nil)
		return code == http.StatusOK && strings.Count(string(body), `"outcome":"delivered"`) == 2
	})
}
