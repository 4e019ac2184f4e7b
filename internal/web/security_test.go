package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/internal/browsertest"
)

var crafted = []string{
	"/\t/evil.example/", "/\n/evil.example/", "/\\evil.example/", "//evil.example/",
	"/%09/evil.example/", "/%5Cevil.example/", "/%2F%2Fevil.example/",
}

// The sign-in redirect stays on this site for every crafted next, on the
// form's POST and on the GET of a browser already signed in.
func TestLoginNextStaysOnSite(t *testing.T) {
	e := newEnv(t)
	e.auth.LoginBurst = 100
	for _, next := range crafted {
		b := e.browser()
		_, html := b.get("/login?next=" + url.QueryEscape(next))
		code, body, resp := b.post("/login", url.Values{"csrf": {csrfOf(t, html)}, "name": {"ed"}, "password": {password}, "next": {next}})
		if code != http.StatusSeeOther || resp.Header.Get("Location") != "/review" {
			t.Fatalf("POST /login next=%q: %d Location %q %.200s", next, code, resp.Header.Get("Location"), body)
		}
		// Signed in now: GET /login redirects at once.
		resp2, err := b.client.Get(e.srv.URL + "/login?next=" + url.QueryEscape(next))
		if err != nil {
			t.Fatal(err)
		}
		resp2.Body.Close()
		if loc := resp2.Header.Get("Location"); resp2.StatusCode != http.StatusSeeOther || loc != "/review" {
			t.Fatalf("GET /login next=%q signed in: %d Location %q", next, resp2.StatusCode, loc)
		}
	}
}

// Chromium, given the reported link, signs in and stays on this host.
func TestBrowserLoginNextStaysOnSite(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnv(t)
	ctx := browsertest.New(t).Ctx
	host := strings.TrimPrefix(e.srv.URL, "http://")
	for i, next := range []string{"%2F%09%2Fevil.example%2F", "%2F%5Cevil.example%2F", "%2F%0A%2Fevil.example%2F"} {
		acts := []chromedp.Action[chromedp.Void]{chromedp.Navigate(e.srv.URL + "/login?next=" + next)}
		if i == 0 {
			acts = append(acts,
				chromedp.WaitVisible(chromedp.ID("name")),
				chromedp.SendKeys(chromedp.ID("name"), "ed"),
				chromedp.SendKeys(chromedp.ID("password"), password),
				chromedp.Click(chromedp.ID("signin")),
			)
		}
		acts = append(acts, chromedp.WaitVisible(chromedp.ID("queue")))
		browsertest.Do(t, ctx, "follow next="+next, acts...)
		var loc string
		deadline := time.Now().Add(5 * time.Second)
		for {
			loc = browsertest.Get(t, ctx, "location", chromedp.Evaluate[string](`location.host + location.pathname`))
			if loc == host+"/review" || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if loc != host+"/review" {
			t.Fatalf("next=%s: the browser is at %q, want %s/review", next, loc, host)
		}
	}
}

// Visitors get only what a published page shows: not who claimed it,
// nor its revision, findings or draft times. Signed-in users still do.
func TestAnonymousPageListPublicFieldsOnly(t *testing.T) {
	e := newEnv(t)
	// Make waitPage published (its gdpr section approved) and claimed.
	g := e.section("gdpr")
	if code, out := e.do("POST", "/api/sections/gdpr/approve", "ed", map[string]any{"revision": g.Revision}); code != 200 {
		t.Fatalf("approve gdpr: %d %v", code, out)
	}
	if code, out := e.do("POST", "/api/pages/"+waitPage+"/claim", "eve", map[string]any{"revision": e.page(waitPage).Revision}); code != 200 {
		t.Fatalf("claim: %d %v", code, out)
	}
	code, out := e.do("GET", "/api/pages", "", nil)
	if code != 200 {
		t.Fatalf("anonymous list: %d %v", code, out)
	}
	pages := out["pages"].([]any)
	if len(pages) != 1 {
		t.Fatalf("anonymous list: %d pages, want the one published", len(pages))
	}
	p := pages[0].(map[string]any)
	if p["slug"] != waitPage || p["title"] != "GDPR vs NIST CSF" {
		t.Fatalf("anonymous item: %v", p)
	}
	for _, k := range []string{"claimed_by", "revision", "errors", "warnings", "updated"} {
		if _, ok := p[k]; ok {
			t.Errorf("anonymous list carries %q: %v", k, p)
		}
	}
	if _, ok := out["counts"]; ok {
		t.Error("anonymous list carries the queue counts")
	}
	code, one := e.do("GET", "/api/pages/"+waitPage, "", nil)
	if code != 200 {
		t.Fatalf("anonymous page: %d %v", code, one)
	}
	for _, k := range []string{"claim", "revision", "findings", "history", "updated", "updated_by"} {
		if _, ok := one[k]; ok {
			t.Errorf("anonymous page carries %q", k)
		}
	}
	// Signed in: the work on it is there.
	_, out = e.do("GET", "/api/pages", "vic", nil)
	var found bool
	for _, it := range out["pages"].([]any) {
		m := it.(map[string]any)
		if m["slug"] == waitPage {
			found = true
			if m["claimed_by"] != "eve" || m["revision"] == nil || m["errors"] == nil {
				t.Errorf("signed-in item lacks the work fields: %v", m)
			}
		}
	}
	if !found {
		t.Fatal("signed-in list lacks the page")
	}
}
