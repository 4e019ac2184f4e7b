package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/natstest"
)

// TestApprovedPageIsSearchable follows a page from enqueue to the public
// site: it is searchable and viewable only once the page and both of its
// standards' sections are approved, and the indexer brings it in by itself.
func TestApprovedPageIsSearchable(t *testing.T) {
	s := start(t, app.Config{ProfilesDir: subset(t, "gdpr", "iso-27701", "sox")})
	code, body := s.call(t, "POST", "/api/jobs", s.token, map[string]any{"pairs": [][]string{{"GDPR", "ISO/IEC 27701"}}})
	if code != http.StatusAccepted {
		t.Fatalf("jobs: %d %s", code, body)
	}
	waitSettled(t, s.run.Store, 1, time.Minute)
	slug := "gdpr-vs-iso-27701"

	search := func() int {
		code, body := s.call(t, "GET", "/api/search?q="+url.QueryEscape("gdpr vs iso 27701"), "", nil)
		if code != http.StatusOK {
			t.Fatalf("search: %d %s", code, body)
		}
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				Slug string `json:"slug"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		if res.Total > 0 && res.Hits[0].Slug != slug {
			t.Fatalf("first hit %q, want %q", res.Hits[0].Slug, slug)
		}
		return res.Total
	}
	approve := func(path string) {
		t.Helper()
		code, body := s.call(t, "GET", path, s.token, nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, code, body)
		}
		var rec struct {
			Revision uint64 `json:"revision"`
		}
		_ = json.Unmarshal(body, &rec)
		if code, body := s.call(t, "POST", path+"/approve", s.token, map[string]any{"revision": rec.Revision}); code != http.StatusOK {
			t.Fatalf("approve %s: %d %s", path, code, body)
		}
	}

	approve("/api/pages/" + slug)
	approve("/api/sections/gdpr")
	// One section still in review: the page is not published yet.
	if n := search(); n != 0 {
		t.Fatalf("%d hits before the page's sections are all approved", n)
	}
	if code, _ := s.call(t, "GET", "/compare/"+slug, "", nil); code != http.StatusNotFound {
		t.Fatalf("compare page before publishing: %d, want 404", code)
	}
	approve("/api/sections/iso-27701")
	natstest.Eventually(t, 10*time.Second, "the indexer to publish the page", func() bool { return search() == 1 })
	if code, body := s.call(t, "GET", "/compare/"+slug, "", nil); code != http.StatusOK {
		t.Fatalf("compare page: %d %s", code, body)
	}
}
