package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/natstest"
)

// TestApprovedPageIsSearchable follows a page from enqueue to the public
// site: it is searchable and viewable only once the page and both of its
// standards' sections are approved, and the indexer brings it in by itself.
func TestApprovedPageIsSearchable(t *testing.T) {
	profiles := subset(t, "gdpr", "iso-27701", "sox")
	s := start(t, app.Config{ProfilesDir: profiles})
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

	// A name added to a profile reaches search with the reload, not with
	// the next restart.
	const alias = "Zebrafish Charter" // no word of it is on any page
	byName := "/api/search?standard=" + url.QueryEscape(alias)
	if code, body := s.call(t, "GET", byName, "", nil); code != http.StatusBadRequest {
		t.Fatalf("search by an unknown name: %d %s, want 400", code, body)
	}
	file := filepath.Join(profiles, "gdpr.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "aliases:\n") {
		t.Fatalf("gdpr.yaml has no aliases list")
	}
	data = []byte(strings.Replace(string(data), "aliases:\n", "aliases:\n  - "+alias+"\n", 1))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, body := s.call(t, "POST", "/api/profiles/reload", s.token, nil); code != http.StatusOK {
		t.Fatalf("reload: %d %s", code, body)
	}
	if code, body := s.call(t, "GET", byName, "", nil); code != http.StatusOK || !strings.Contains(string(body), `"total":1`) {
		t.Fatalf("search by the new name: %d %s, want the one page", code, body)
	}
	code, body = s.call(t, "GET", "/api/search?q="+url.QueryEscape("zebrafish charter"), "", nil)
	var res struct {
		Hits []struct {
			Slug string `json:"slug"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(body, &res); code != http.StatusOK || err != nil || len(res.Hits) == 0 || res.Hits[0].Slug != slug {
		t.Fatalf("search for the new name: %d %s, want %s first", code, body, slug)
	}
}
