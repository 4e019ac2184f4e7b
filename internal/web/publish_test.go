package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

// Every page view says whether the page is live, with the link, or exactly
// what blocks it with links; approving says which of the two it became;
// a section lists the pages its approval publishes.
func TestPublishStatusEverywhere(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	csrf := b.login("ed", password)

	// waitPage is approved; its gdpr section is in review.
	_, html := b.get("/review/pages/" + waitPage)
	want := `Not live yet: waiting on <a href="/review/sections/gdpr">section GDPR</a>: <span class="state st-in_review">in review</span>.`
	if !strings.Contains(html, want) {
		t.Errorf("the approved page waiting on its section lacks %q:\n%s", want, between(html, `id="publish-status"`, "</p>"))
	}
	// The gdpr section lists it as what its approval publishes.
	_, html = b.get("/review/sections/gdpr")
	if !strings.Contains(html, `Goes live when this is approved: 1 page(s)`) || !strings.Contains(html, `<a href="/review/pages/`+waitPage+`">GDPR vs NIST CSF</a>`) {
		t.Errorf("the gdpr section does not list the page it unblocks:\n%s", between(html, `id="unblocks"`, "</details>"))
	}

	// A page in review with both sections unapproved names all three.
	code, _, resp := b.post("/review/pages/"+cleanPage+"/approve", url.Values{"csrf": {csrf}, "revision": {fmt.Sprint(e.page(cleanPage).Revision)}})
	if code != http.StatusSeeOther {
		t.Fatalf("approve: %d", code)
	}
	_, html = b.get(resp.Header.Get("Location"))
	if want := "Approved. Not live yet: waiting on section GDPR: in review; section ISO 27001: in review."; !strings.Contains(html, want) {
		t.Errorf("the flash after approving lacks %q:\n%s", want, between(html, `class="flash`, "</"))
	}

	// Approve the gdpr section: waitPage goes live, and says so with its link.
	g := e.section("gdpr")
	if code, out := e.do("POST", "/api/sections/gdpr/approve", "ed", map[string]any{"revision": g.Revision}); code != 200 {
		t.Fatalf("approve gdpr: %d %v", code, out)
	}
	_, html = b.get("/review/pages/" + waitPage)
	if want := `Live at <a href="/compare/` + waitPage + `">/compare/` + waitPage + `</a>.`; !strings.Contains(html, want) {
		t.Errorf("the live page lacks %q:\n%s", want, between(html, `id="publish-status"`, "</p>"))
	}
	_, html = b.get("/review/sections/gdpr")
	if !strings.Contains(html, "Live because of it: ") {
		t.Errorf("the approved section does not list what it published:\n%s", between(html, `id="unblocks"`, "</details>"))
	}

	// Approving the last needed part from the queue: the flash says live.
	// xssPage (nist-csf vs gdpr) is clean and in review, its sections approved now.
	natstest.Eventually(t, 5*time.Second, "mirror sees the gdpr approval", func() bool {
		for _, s := range e.store.Sections() {
			if s.Standard == "gdpr" && s.State == store.Approved {
				return true
			}
		}
		return false
	})
	_, html = b.get("/review?sort=slug")
	if !strings.Contains(html, `<span class="oneaway">last approval</span>`) {
		t.Error("the queue does not mark the page one approval from live")
	}
	code, _, resp = b.post("/review/pages/"+xssPage+"/approve", url.Values{"csrf": {csrf}, "revision": {fmt.Sprint(e.page(xssPage).Revision)}, "back": {"/review?sort=slug"}})
	if code != http.StatusSeeOther {
		t.Fatalf("approve from the queue: %d", code)
	}
	_, html = b.get(resp.Header.Get("Location"))
	if want := `Live at <a href="/compare/` + xssPage + `">/compare/` + xssPage + `</a>.`; !strings.Contains(html, want) {
		t.Errorf("the queue's flash lacks %q:\n%s", want, between(html, `class="flash`, "</"))
	}
}

// between is the text of s from the first from to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return "(no " + from + ")"
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j+len(to)]
}

// The API's page record carries the same publish status.
func TestAPIPagePublishStatus(t *testing.T) {
	e := newEnv(t)
	_, out := e.do("GET", "/api/pages/"+waitPage, "vic", nil)
	pub, _ := out["publish"].(map[string]any)
	blocked, _ := pub["blocked_by"].([]any)
	if pub["live"] != false || len(blocked) != 1 {
		t.Fatalf("publish: %v", pub)
	}
	if b := blocked[0].(map[string]any); b["kind"] != "section" || b["key"] != "gdpr" || b["state"] != "in_review" || b["review_url"] != "/review/sections/gdpr" {
		t.Errorf("blocker: %v", b)
	}
}
