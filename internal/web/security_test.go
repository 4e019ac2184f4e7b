package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/internal/browsertest"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
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
	// Lists read the store's mirrors, which trail a write by moments: the
	// page's claim and the section's approval that publishes it.
	natstest.Eventually(t, 5*time.Second, "mirror holds the claim and the approved section", func() bool {
		if s, ok := e.store.MirrorSection("gdpr"); !ok || s.State != store.Approved {
			return false
		}
		for _, p := range e.store.Pages() {
			if p.Slug == waitPage && p.Claim != nil && p.Claim.By == "eve" {
				return true
			}
		}
		return false
	})
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

// Admins list and end sessions and disable users, from the API and the UI;
// revoking a token signs out the browsers signed in with it.
func TestAdminSessionsAndUsers(t *testing.T) {
	e := newEnv(t)
	e.auth.LoginBurst = 50
	// vic signs in with a token of its own; ed and eve with passwords.
	code, out := e.do("POST", "/api/tokens", "root", map[string]any{"user": "vic", "label": "kiosk"})
	if code != 201 {
		t.Fatalf("token: %d %v", code, out)
	}
	vicRaw, vicTokID := out["token"].(string), out["id"].(string)
	vic := e.browser()
	_, html := vic.get("/login")
	if code, body, _ := vic.post("/login", url.Values{"csrf": {csrfOf(t, html)}, "token": {vicRaw}, "next": {"/review"}}); code != http.StatusSeeOther {
		t.Fatalf("vic's token sign-in: %d %.200s", code, body)
	}
	ed, eve := e.browser(), e.browser()
	ed.login("ed", password)
	eve.login("eve", password)
	signedIn := func(b *browser) bool {
		code, _ := b.get("/review")
		return code == http.StatusOK
	}
	sessions := func() []map[string]any {
		t.Helper()
		code, out := e.do("GET", "/api/sessions", "root", nil)
		if code != 200 {
			t.Fatalf("sessions: %d %v", code, out)
		}
		var ss []map[string]any
		for _, s := range out["sessions"].([]any) {
			ss = append(ss, s.(map[string]any))
		}
		return ss
	}
	if code, _ := e.do("GET", "/api/sessions", "ed", nil); code != http.StatusForbidden {
		t.Fatalf("an editor listed sessions: %d", code)
	}
	ss := sessions()
	if len(ss) != 3 {
		t.Fatalf("%d sessions, want 3: %v", len(ss), ss)
	}
	for _, s := range ss {
		if s["user"] == "vic" && s["token"] != vicTokID {
			t.Errorf("vic's session does not name its token: %v", s)
		}
		if _, ok := s["csrf"]; ok {
			t.Error("the session list shows CSRF tokens")
		}
	}

	// Revoking vic's token signs vic's browser out at once.
	if code, _ := e.do("POST", "/api/tokens/"+vicTokID+"/revoke", "root", nil); code != 200 {
		t.Fatalf("revoke: %d", code)
	}
	if signedIn(vic) {
		t.Fatal("a browser signed in with a revoked token is still signed in")
	}

	// Ending eve's session from the API.
	var eveID string
	for _, s := range sessions() {
		if s["user"] == "eve" {
			eveID = s["id"].(string)
		}
	}
	if code, out := e.do("POST", "/api/sessions/"+eveID+"/end", "root", nil); code != 200 {
		t.Fatalf("end session: %d %v", code, out)
	}
	if signedIn(eve) {
		t.Fatal("an ended session still works")
	}

	// Disabling ed from the admin page: ed's browser and token stop.
	root := e.browser()
	_, html = root.get("/login")
	if code, _, _ := root.post("/login", url.Values{"csrf": {csrfOf(t, html)}, "token": {e.tokens["root"]}, "next": {"/admin"}}); code != http.StatusSeeOther {
		t.Fatal("root sign-in")
	}
	_, adminPage := root.get("/admin")
	for _, want := range []string{`id="sessions"`, "/admin/users/ed/disable", "this browser"} {
		if !strings.Contains(adminPage, want) {
			t.Fatalf("admin page lacks %q", want)
		}
	}
	if strings.Contains(adminPage, "/admin/users/root/disable") {
		t.Fatal("the admin page offers to disable the admin viewing it")
	}
	csrf := csrfOf(t, adminPage)
	if code, body, resp := root.post("/admin/users/ed/disable", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=disable") {
		t.Fatalf("disable ed: %d %.300s", code, body)
	}
	if signedIn(ed) {
		t.Fatal("a disabled user's browser is still signed in")
	}
	if code, _ := e.do("GET", "/api/sections", "ed", nil); code != http.StatusUnauthorized {
		t.Fatalf("a disabled user's token: %d, want 401", code)
	}
	if code, _ := e.do("POST", "/api/users/root/disable", "root", nil); code != http.StatusBadRequest {
		t.Fatalf("an admin disabled themselves: %d", code)
	}
	if code, out := e.do("POST", "/api/users/ed/enable", "root", nil); code != 200 || out["disabled"] != nil {
		t.Fatalf("enable ed: %d %v", code, out)
	}
	if code, _ := e.do("GET", "/api/sections", "ed", nil); code != http.StatusOK {
		t.Fatalf("an enabled user's token: %d", code)
	}
	if code, _ := e.do("POST", "/api/users/ed/promote", "root", nil); code != http.StatusNotFound {
		t.Fatalf("unknown user action: %d", code)
	}
	// Only root's own browser session is left.
	if ss := sessions(); len(ss) != 1 || ss[0]["user"] != "root" {
		t.Fatalf("sessions left: %v", ss)
	}
}

// Through the sign-in form: a burst sent at once gets no more answers
// than the limit allows, and the refusals say how long to wait.
func TestLoginBurstThroughTheForm(t *testing.T) {
	e := newEnv(t) // LoginBurst 3
	b := e.browser()
	_, html := b.get("/login")
	csrf := csrfOf(t, html)
	const n = 30
	codes := make([]int, n)
	retry := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := "wrong guess " + strconv.Itoa(i)
			if i == n/2 {
				pw = password
			}
			<-start
			resp, err := b.client.PostForm(e.srv.URL+"/login", url.Values{"csrf": {csrf}, "name": {"ed"}, "password": {pw}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i], retry[i] = resp.StatusCode, resp.Header.Get("Retry-After")
		}()
	}
	close(start)
	wg.Wait()
	answered := 0
	for i, c := range codes {
		switch c {
		case http.StatusUnauthorized, http.StatusSeeOther:
			answered++
		case http.StatusTooManyRequests:
			if s, err := strconv.Atoi(retry[i]); err != nil || s < 1 {
				t.Errorf("429 with Retry-After %q", retry[i])
			}
		default:
			t.Errorf("attempt %d: %d", i, c)
		}
	}
	if answered > 2*3 {
		t.Fatalf("%d of %d concurrent sign-ins were checked; the limit is 3 (6 with a success)", answered, n)
	}
}
