package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/web"
)

// Buttons follow lifecycle's table: an approved page offers no approve and
// no claim, a page in review offers them all.
func TestActionsOfferedByState(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("ed", password)
	_, inReview := b.get("/review/pages/" + cleanPage)
	for _, want := range []string{`id="approve"`, `id="claim"`, `id="request-changes"`, `/reject"`, `id="edit-all"`, `class="edit-part"`} {
		if !strings.Contains(inReview, want) {
			t.Errorf("a page in review lacks %s", want)
		}
	}
	_, approved := b.get("/review/pages/" + waitPage)
	for _, gone := range []string{`id="approve"`, `id="claim"`} {
		if strings.Contains(approved, gone) {
			t.Errorf("an approved page offers %s", gone)
		}
	}
	if !strings.Contains(approved, `/reject"`) {
		t.Error("an approved page cannot be rejected (taken down)")
	}
	// Approve is the primary action, request changes is not.
	if !strings.Contains(inReview, `id="approve" class="primary"`) || !strings.Contains(inReview, `id="send-back" class="secondary"`) {
		t.Error("approve does not look primary, or request changes outweighs it")
	}
}

// Under the offline composer "request changes" is not offered: the page
// says plainly that notes cannot be followed and opens the editor's own
// edit; the API still accepts the request but says the same.
func TestOfflineComposerCannotTakeNotes(t *testing.T) {
	e := newEnv(t)
	off := *e
	off.srv = httptest.NewServer(web.Handler(e.svc, e.auth, web.WithOfflineDrafter()))
	t.Cleanup(off.srv.Close)
	b := off.browser()
	b.login("ed", password)
	_, html := b.get("/review/pages/" + cleanPage)
	if strings.Contains(html, `id="request-changes"`) {
		t.Error("request changes is offered under the offline composer")
	}
	// The link edits the verdict in place (TestBrowserOfflineRequestChanges follows it).
	if !strings.Contains(html, "The offline composer cannot follow notes") || !strings.Contains(html, `<a href="/review/pages/`+cleanPage+`?edit=verdict#ed-verdict" id="edit-instead"`) {
		t.Errorf("the page does not say notes cannot be followed, or offers no edit:\n%s", between(html, `class="actions"`, "</section>"))
	}
	// With a drafter that takes notes, the form is there.
	lb := e.browser()
	lb.login("ed", password)
	if _, h := lb.get("/review/pages/" + cleanPage); strings.Contains(h, `id="no-notes"`) || !strings.Contains(h, `id="request-changes"`) {
		t.Error("the default server does not offer request changes")
	}
	code, out := off.do("POST", "/api/pages/"+cleanPage+"/request-changes", "ed", body(e.page(cleanPage).Revision, "shorter verdict"))
	if w, _ := out["warning"].(string); code != 200 || !strings.Contains(w, "cannot follow notes") {
		t.Errorf("API request changes offline: %d %v", code, out)
	}
}

// A section follows the same rules: an approved one offers no approve;
// offline, no request for changes.
func TestSectionActionsOfferedByState(t *testing.T) {
	e := newEnv(t)
	off := *e
	off.srv = httptest.NewServer(web.Handler(e.svc, e.auth, web.WithOfflineDrafter()))
	t.Cleanup(off.srv.Close)
	b := off.browser()
	b.login("ed", password)
	_, approved := b.get("/review/sections/nist-csf")
	if strings.Contains(approved, `id="approve"`) {
		t.Error("an approved section offers approve")
	}
	_, inReview := b.get("/review/sections/gdpr")
	if !strings.Contains(inReview, `id="approve"`) || strings.Contains(inReview, `id="request-changes"`) || !strings.Contains(inReview, `id="no-notes"`) {
		t.Errorf("a section in review offline: %s", between(inReview, `class="actions"`, "</section>"))
	}
}
