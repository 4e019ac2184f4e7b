package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

// publishedEnv is one page with both sections approved, on a running app.
type publishedEnv struct {
	*started
	slug string
}

func newPublished(t *testing.T) publishedEnv {
	t.Helper()
	s := start(t, app.Config{ProfilesDir: subset(t, "gdpr", "iso-27701", "sox")})
	if code, body := s.call(t, "POST", "/api/jobs", s.token, map[string]any{"pairs": [][]string{{"gdpr", "iso-27701"}}}); code != http.StatusAccepted {
		t.Fatalf("jobs: %d %s", code, body)
	}
	waitSettled(t, s.run.Store, 1, time.Minute)
	e := publishedEnv{s, "gdpr-vs-iso-27701"}
	for _, p := range []string{"/api/pages/" + e.slug, "/api/sections/gdpr", "/api/sections/iso-27701"} {
		if code, body := e.act(t, p, "approve", ""); code != http.StatusOK {
			t.Fatalf("approve %s: %d %s", p, code, body)
		}
	}
	e.waitVisible(t, true)
	return e
}

func (e publishedEnv) revision(t *testing.T, path string) uint64 {
	t.Helper()
	code, body := e.call(t, "GET", path, e.token, nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	var rec struct {
		Revision uint64 `json:"revision"`
	}
	_ = json.Unmarshal(body, &rec)
	return rec.Revision
}

func (e publishedEnv) act(t *testing.T, path, action, note string) (int, []byte) {
	t.Helper()
	return e.call(t, "POST", path+"/"+action, e.token, map[string]any{"revision": e.revision(t, path), "note": note})
}

// visible reports what each public face says of the page: /compare, the
// anonymous API and search. They must agree.
func (e publishedEnv) visible(t *testing.T) (compare, api, search bool) {
	t.Helper()
	c, _ := e.call(t, "GET", "/compare/"+e.slug, "", nil)
	a, _ := e.call(t, "GET", "/api/pages/"+e.slug, "", nil)
	code, body := e.call(t, "GET", "/api/search?q="+url.QueryEscape("gdpr iso 27701"), "", nil)
	if code != http.StatusOK {
		t.Fatalf("search: %d %s", code, body)
	}
	return c == http.StatusOK, a == http.StatusOK, strings.Contains(string(body), `"slug":"`+e.slug+`"`)
}

func (e publishedEnv) waitVisible(t *testing.T, want bool) {
	t.Helper()
	var c, a, s bool
	natstest.Eventually(t, 15*time.Second, "the page's public faces to agree", func() bool {
		c, a, s = e.visible(t)
		return c == want && a == want && s == want
	})
}

// TestPublicFacesAgree: a published page with a newer draft in review
// stays up on /compare, in search and for the anonymous API alike (the API
// used to answer 401 while /compare served the page).
func TestPublicFacesAgree(t *testing.T) {
	e := newPublished(t)
	if code, body := e.act(t, "/api/pages/"+e.slug, "request-changes", "shorter verdict"); code != http.StatusOK {
		t.Fatalf("request changes: %d %s", code, body)
	}
	natstest.Eventually(t, 30*time.Second, "the redraft to reach review", func() bool {
		p, err := e.run.Store.Page(t.Context(), e.slug)
		return err == nil && p.State == store.InReview
	})
	if c, a, s := e.visible(t); !c || !a || !s {
		t.Fatalf("newer draft in review: compare %v, anonymous API %v, search %v; want all up", c, a, s)
	}
}

// TestSectionRejectUnpublishes: rejecting a standard's section takes its
// pages off /compare, search and the API; approving it again puts them back.
func TestSectionRejectUnpublishes(t *testing.T) {
	e := newPublished(t)
	if code, body := e.act(t, "/api/sections/gdpr", "reject", "wrong scope"); code != http.StatusOK {
		t.Fatalf("reject: %d %s", code, body)
	}
	e.waitVisible(t, false)
	if code, body := e.act(t, "/api/sections/gdpr", "request-changes", "fix the scope"); code != http.StatusOK {
		t.Fatalf("request changes: %d %s", code, body)
	}
	natstest.Eventually(t, 30*time.Second, "the section's redraft to reach review", func() bool {
		r, err := e.run.Store.Section(t.Context(), "gdpr")
		return err == nil && r.State == store.InReview
	})
	if code, body := e.act(t, "/api/sections/gdpr", "approve", ""); code != http.StatusOK {
		t.Fatalf("approve again: %d %s", code, body)
	}
	e.waitVisible(t, true)
}

// TestSectionActionsAtAStaleRevision: section approvals race like page
// approvals: of 8 at one revision exactly one wins and the others get 409,
// and an action at an old revision is a 409.
func TestSectionActionsAtAStaleRevision(t *testing.T) {
	e := newPublished(t)
	path := "/api/sections/sox"
	if code, _ := e.call(t, "GET", path, e.token, nil); code != http.StatusOK {
		// sox has no page here: make it reviewable through a pair.
		if code, body := e.call(t, "POST", "/api/jobs", e.token, map[string]any{"pairs": [][]string{{"gdpr", "sox"}}}); code != http.StatusAccepted {
			t.Fatalf("jobs: %d %s", code, body)
		}
		waitSettled(t, e.run.Store, 2, time.Minute)
	}
	rev := e.revision(t, path)
	codes := make([]int, 8)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = e.call(t, "POST", path+"/approve", e.token, map[string]any{"revision": rev})
		}()
	}
	wg.Wait()
	won := 0
	for _, c := range codes {
		switch c {
		case http.StatusOK:
			won++
		case http.StatusConflict:
		default:
			t.Errorf("concurrent approval answered %d", c)
		}
	}
	if won != 1 {
		t.Fatalf("%d of 8 concurrent approvals won (%v), want exactly 1", won, codes)
	}
	for _, action := range []string{"approve", "reject", "request-changes"} {
		code, body := e.call(t, "POST", path+"/"+action, e.token, map[string]any{"revision": rev, "note": "n"})
		if code != http.StatusConflict {
			t.Errorf("%s at revision %d (current %d): %d %s, want 409", action, rev, e.revision(t, path), code, body)
		}
	}
}
