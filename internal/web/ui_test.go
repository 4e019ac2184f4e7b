package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/store"
)

func TestUISignInAndCSRF(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	// Not signed in: the queue sends to the sign-in page.
	resp, err := b.client.Get(e.srv.URL + "/review?state=in_review")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous queue: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The sign-in form itself needs its CSRF token.
	if code, _, _ := b.post("/login", url.Values{"name": {"ed"}, "password": {password}}); code != http.StatusForbidden {
		t.Fatalf("login without csrf: %d", code)
	}
	csrf := b.login("ed", password)
	rec := e.page(cleanPage)
	action := "/review/pages/" + cleanPage + "/approve"
	rv := fmt.Sprint(rec.Revision)
	if code, _, _ := b.post(action, url.Values{"revision": {rv}}); code != http.StatusForbidden {
		t.Fatalf("form without csrf: %d", code)
	}
	if code, _, _ := b.post(action, url.Values{"revision": {rv}, "csrf": {"forged"}}); code != http.StatusForbidden {
		t.Fatalf("form with a wrong csrf: %d", code)
	}
	// Another browser's session token is not this one's.
	other := e.browser()
	otherCSRF := other.login("eve", password)
	if code, _, _ := b.post(action, url.Values{"revision": {rv}, "csrf": {otherCSRF}}); code != http.StatusForbidden {
		t.Fatalf("form with another session's csrf: %d", code)
	}
	if e.page(cleanPage).State != store.InReview {
		t.Fatal("a refused form changed the page")
	}
	code, _, resp2 := b.post(action, url.Values{"revision": {rv}, "csrf": {csrf}})
	if code != http.StatusSeeOther || !strings.Contains(resp2.Header.Get("Location"), "done=approve") {
		t.Fatalf("approve form: %d", code)
	}
	if e.page(cleanPage).State != store.Approved {
		t.Fatal("approve form did not approve")
	}
	// Sign out ends the session server-side.
	if code, _, _ := b.post("/logout", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	if code, _ := b.get("/review"); code != http.StatusSeeOther {
		t.Fatalf("queue after logout: %d", code)
	}
}

func TestUISessionCookieFlags(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	_, html := b.get("/login")
	form := url.Values{"csrf": {csrfOf(t, html)}, "name": {"ed"}, "password": {password}}
	req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	for _, c := range b.client.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var found bool
	for _, c := range resp.Cookies() {
		if c.Name == "versus_session" {
			found = true
			if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode {
				t.Fatalf("session cookie flags: httponly %v secure %v samesite %v", c.HttpOnly, c.Secure, c.SameSite)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie")
	}
}

func TestUISignInRateLimited(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	_, html := b.get("/login")
	csrf := csrfOf(t, html)
	try := func(name, pw string) int {
		code, _, _ := b.post("/login", url.Values{"csrf": {csrf}, "name": {name}, "password": {pw}})
		return code
	}
	for i := 0; i < 3; i++ {
		if code := try("ed", "wrong password"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, code)
		}
	}
	// The burst is spent: even the right password is refused for now.
	if code := try("ed", password); code != http.StatusTooManyRequests {
		t.Fatalf("after the burst: %d, want 429", code)
	}
	// The limit is per user too: the same user from elsewhere is refused
	// (a fresh browser shares the loopback IP, so check the user alone
	// through the auth package).
	if _, err := e.auth.SignIn(t.Context(), "192.0.2.9", "ed", password); err == nil {
		t.Fatal("per-user limit not applied from another IP")
	}
	// Another user from another IP signs in.
	if _, err := e.auth.SignIn(t.Context(), "192.0.2.10", "eve", password); err != nil {
		t.Fatalf("unrelated sign-in refused: %v", err)
	}
}

func TestUITokenSignIn(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	_, html := b.get("/login")
	code, _, resp := b.post("/login", url.Values{"csrf": {csrfOf(t, html)}, "token": {e.tokens["root"]}, "next": {"/admin"}})
	if code != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Fatalf("token sign-in: %d", code)
	}
	code, page := b.get("/admin")
	if code != 200 || !strings.Contains(page, "API tokens") {
		t.Fatalf("admin page: %d", code)
	}
	// Create a token: shown once in the answer, never again.
	csrf := csrfOf(t, page)
	code, body, _ := b.post("/admin/tokens", url.Values{"csrf": {csrf}, "user": {"vic"}, "label": {"dashboard"}})
	if code != 200 || !strings.Contains(body, `id="newtoken"`) {
		t.Fatalf("create token: %d", code)
	}
	i := strings.Index(body, `value="vs_`)
	tok := body[i+7 : i+7+strings.Index(body[i+7:], `"`)]
	_, again := b.get("/admin")
	if strings.Contains(again, tok) {
		t.Fatal("the admin page shows a token after its creation")
	}
	e.tokens["vic2"] = tok
	if code, _ := e.do("GET", "/api/pages?state=in_review", "vic2", nil); code != 200 {
		t.Fatalf("token from the admin page does not work: %d", code)
	}
	// An editor may not see /admin.
	eb := e.browser()
	eb.login("ed", password)
	if code, _ := eb.get("/admin"); code != http.StatusForbidden {
		t.Fatalf("editor on /admin: %d", code)
	}
}

func TestUIViewerCannotAct(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	csrf := b.login("vic", password)
	code, html := b.get("/review/pages/" + cleanPage)
	if code != 200 || strings.Contains(html, `id="approve"`) {
		t.Fatalf("viewer page: %d, shows approve button: %v", code, strings.Contains(html, `id="approve"`))
	}
	code, _, _ = b.post("/review/pages/"+cleanPage+"/approve", url.Values{"csrf": {csrf}, "revision": {fmt.Sprint(e.page(cleanPage).Revision)}})
	if code != http.StatusForbidden {
		t.Fatalf("viewer approve: %d", code)
	}
}

func TestUIPageShowsFindingsAndEscapesDraft(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("ed", password)
	code, html := b.get("/review/pages/" + xssPage)
	if code != 200 {
		t.Fatal(code)
	}
	if strings.Contains(html, "<script>window") || strings.Contains(html, "onerror=") && !strings.Contains(html, "onerror=&#34;") && !strings.Contains(html, "onerror=&quot;") {
		t.Fatalf("draft HTML is not neutralised:\n%s", excerpt(html, "pwned"))
	}
	if !strings.Contains(html, "&lt;script&gt;window.__pwned=1&lt;/script&gt;") {
		t.Fatalf("the script is not shown as text:\n%s", excerpt(html, "pwned"))
	}
	csp := ""
	resp, _ := b.client.Get(e.srv.URL + "/review/pages/" + xssPage)
	csp = resp.Header.Get("Content-Security-Policy")
	resp.Body.Close()
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("security headers: csp %q xfo %q", csp, resp.Header.Get("X-Frame-Options"))
	}

	// Findings: listed with anchors and marked at their headings.
	_, html = b.get("/review/pages/" + errorPage)
	for _, want := range []string{`id="finding-1"`, `href="#at-1"`, `id="at-1"`, "meta.placeholder", `id="at-2"`} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// The verdict's marker sits right after the Quick Verdict heading.
	v := strings.Index(html, "Quick Verdict</h2>")
	m := strings.Index(html, `id="at-1"`)
	if v < 0 || m < v || m-v > 300 {
		t.Errorf("marker not next to its heading (heading at %d, marker at %d)", v, m)
	}
}

func excerpt(s, near string) string {
	i := strings.Index(s, near)
	if i < 0 {
		return "(not found)"
	}
	lo, hi := max(0, i-200), min(len(s), i+200)
	return s[lo:hi]
}

func TestUIRequestChangesAndConflict(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	csrf := b.login("ed", password)
	old := e.page(cleanPage).Revision
	// Someone else edits meanwhile (a comment through the API).
	if code, _ := e.do("POST", "/api/pages/"+cleanPage+"/comment", "eve", map[string]any{"revision": old, "text": "checking the table"}); code != 200 {
		t.Fatal(code)
	}
	code, html, _ := b.post("/review/pages/"+cleanPage+"/request-changes", url.Values{"csrf": {csrf}, "revision": {fmt.Sprint(old)}, "note": {"shorter verdict"}})
	if code != http.StatusConflict || !strings.Contains(html, `id="conflict"`) || !strings.Contains(html, "eve") {
		t.Fatalf("stale form: %d, conflict box %v", code, strings.Contains(html, `id="conflict"`))
	}
	if e.page(cleanPage).State != store.InReview {
		t.Fatal("a stale form changed the page")
	}
	cur := e.page(cleanPage).Revision
	code, _, _ = b.post("/review/pages/"+cleanPage+"/request-changes", url.Values{"csrf": {csrf}, "revision": {fmt.Sprint(cur)}, "note": {"shorter verdict"}})
	if code != http.StatusSeeOther {
		t.Fatalf("request changes: %d", code)
	}
	if got := e.page(cleanPage); got.State != store.ChangesRequested || got.Note != "shorter verdict" {
		t.Fatalf("after request: %s %q", got.State, got.Note)
	}
	// Approving a page with errors through the form: 422 and a message.
	code, html, _ = b.post("/review/pages/"+errorPage+"/approve", url.Values{"csrf": {csrf}, "revision": {fmt.Sprint(e.page(errorPage).Revision)}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(html, "error(s)") {
		t.Fatalf("approve with errors: %d", code)
	}
	// Unknown page: 404.
	if code, _ := b.get("/review/pages/no-vs-such"); code != http.StatusNotFound {
		t.Fatalf("unknown page: %d", code)
	}
}

func TestUIQueueAndBulk(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	csrf := b.login("ed", password)
	code, html := b.get("/review?state=in_review&sort=age")
	if code != 200 {
		t.Fatal(code)
	}
	// Pages without errors get a checkbox; the one with errors does not.
	if !strings.Contains(html, `value="`+cleanPage+`@`) || strings.Contains(html, `value="`+errorPage+`@`) {
		t.Fatal("checkboxes: clean page should have one, the error page not")
	}
	if !strings.Contains(html, "1 error") || !strings.Contains(html, `data-state="in_review"`) {
		t.Fatal("queue lacks error counts or tabs")
	}
	if code, _ := b.get("/review?state=lost"); code != http.StatusBadRequest {
		t.Fatalf("unknown state tab: %d", code)
	}
	// Bulk: one good, one with errors (forged selection), one stale.
	form := url.Values{"csrf": {csrf}, "back": {"/review?state=in_review"}, "page": {
		fmt.Sprintf("%s@%d", cleanPage, e.page(cleanPage).Revision),
		fmt.Sprintf("%s@%d", errorPage, e.page(errorPage).Revision),
		fmt.Sprintf("%s@%d", xssPage, e.page(xssPage).Revision-1),
	}}
	code, html, _ = b.post("/review/bulk-approve", form)
	if code != 200 || strings.Count(html, `class="refused"`) != 2 || strings.Count(html, `class="ok"`) != 1 {
		t.Fatalf("bulk: %d ok=%d refused=%d", code, strings.Count(html, `class="ok"`), strings.Count(html, `class="refused"`))
	}
	if e.page(cleanPage).State != store.Approved || e.page(errorPage).State != store.InReview {
		t.Fatal("bulk result wrong in store")
	}
	// Sections list and a section page with its unblock count.
	if code, html := b.get("/review/sections"); code != 200 || !strings.Contains(html, "approving unblocks") {
		t.Fatalf("sections: %d", code)
	}
	code, html = b.get("/review/sections/gdpr")
	if code != 200 || !strings.Contains(html, "Approving this unblocks <strong>1</strong>") {
		t.Fatalf("section page: %d\n%s", code, excerpt(html, "unblocks"))
	}
}

func TestUISectionEdit(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	csrf := b.login("ed", password)
	sec := e.section("iso-27001")
	form := url.Values{"csrf": {csrf}, "revision": {fmt.Sprint(sec.Revision)},
		"full_name": {sec.Section.FullName}, "tagline": {sec.Section.Tagline},
		"key_features":             {strings.Join(sec.Section.KeyFeatures, "\n")},
		"what_it_is":               {strings.Join(sec.Section.WhatItIs, "\n\n")},
		"key_components":           {strings.Join(sec.Section.KeyComponents, "\n")},
		"why_used":                 {strings.Join(sec.Section.WhyUsed[:1], "\n")}, // one reason: too few
		"implementation_paragraph": {sec.Section.Implementation.Paragraph},
		"implementation_steps":     {strings.Join(sec.Section.Implementation.Steps, "\n")},
	}
	code, _, _ := b.post("/review/sections/iso-27001/edit", form)
	if code != http.StatusSeeOther {
		t.Fatalf("edit: %d", code)
	}
	got := e.section("iso-27001")
	if len(got.Section.WhyUsed) != 1 || got.Section.Tagline != sec.Section.Tagline || got.Section.Heading != sec.Section.Heading {
		t.Fatalf("edited section: %+v", got.Section)
	}
	var hasCount bool
	for _, f := range got.Findings {
		if f.Rule == "structure.why-used-count" {
			hasCount = true
		}
	}
	if !hasCount {
		t.Fatalf("edit not validated: %+v", got.Findings)
	}
}
