package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/internal/browsertest"
	"github.com/versus-dev/versus/internal/store"
)

// readyWant is what a bulk approval of standard should approve, worked out
// from the records: clean pages of the standard, in review or needing
// attention, both sections approved, not claimed by someone other than actor.
func (e *env) readyWant(standard, actor string) []string {
	e.t.Helper()
	secs := map[string]store.SectionRecord{}
	for _, s := range e.store.Sections() {
		secs[s.Standard] = s
	}
	var out []string
	for _, p := range e.store.Pages() {
		if p.Standards[0] != standard && p.Standards[1] != standard {
			continue
		}
		if p.State != store.InReview && p.State != store.NeedsAttention || len(p.Findings) > 0 {
			continue
		}
		if secs[p.Standards[0]].State != store.Approved || secs[p.Standards[1]].State != store.Approved {
			continue
		}
		if p.Claim.Active(time.Now()) && p.Claim.By != actor {
			continue
		}
		out = append(out, p.Slug)
	}
	slices.Sort(out)
	return out
}

// POST /api/pages/bulk-approve {"standard": …} approves exactly the clean
// pages of the standard whose sections are approved, and the list read
// right after agrees: none of them is left in review, the rest are.
func TestAPIBulkApproveByStandard(t *testing.T) {
	e := newEnvSeeded(t, seedBig)
	want := e.readyWant("std-05", "ed")
	// std-05 meets 31 standards, 15 of them with approved sections; some
	// pages have findings or eve's claim.
	if len(want) < 5 || len(want) > 15 {
		t.Fatalf("fixture: %d ready pages of std-05", len(want))
	}
	code, out := e.do("POST", "/api/pages/bulk-approve", "ed", map[string]any{"standard": "std-05"})
	if code != http.StatusOK {
		t.Fatalf("bulk by standard: %d %v", code, out)
	}
	var got []string
	for _, x := range out["results"].([]any) {
		r := x.(map[string]any)
		if r["ok"] != true {
			t.Errorf("refused %v", r)
		}
		got = append(got, r["slug"].(string))
	}
	slices.Sort(got)
	if !slices.Equal(got, want) || out["approved"] != float64(len(want)) {
		t.Fatalf("approved %v (%v), want %v", got, out["approved"], want)
	}
	for _, s := range want {
		if p := e.page(s); p.State != store.Approved || p.UpdatedBy != "ed" {
			t.Errorf("%s after bulk approval: %s by %s", s, p.State, p.UpdatedBy)
		}
	}
	// The queue's list right after: of std-05, no clean page in review has
	// both sections approved unless eve holds it.
	code, list := e.do("GET", "/api/pages?standard=std-05&findings=clean&state=in_review&limit=100", "ed", nil)
	if code != http.StatusOK {
		t.Fatalf("list: %d %v", code, list)
	}
	for _, x := range list["pages"].([]any) {
		p := x.(map[string]any)
		if slices.Contains(want, p["slug"].(string)) {
			t.Errorf("%s, just approved, is still listed in review", p["slug"])
		}
	}
	if left := e.readyWant("std-05", "ed"); len(left) != 0 {
		t.Errorf("still ready after the bulk approval: %v", left)
	}
	// Again: nothing left to approve, and nothing else was touched.
	code, out = e.do("POST", "/api/pages/bulk-approve", "ed", map[string]any{"standard": "std-05"})
	if code != http.StatusOK || out["approved"] != float64(0) {
		t.Errorf("second bulk by standard: %d %v", code, out)
	}
	approved := 0
	for _, p := range e.store.Pages() {
		if p.State == store.Approved {
			approved++
		}
	}
	if approved != len(want) {
		t.Errorf("%d pages approved in all, want %d", approved, len(want))
	}
	// A standard whose own section is in review has nothing ready.
	if code, out = e.do("POST", "/api/pages/bulk-approve", "ed", map[string]any{"standard": "std-20"}); code != http.StatusOK || out["approved"] != float64(0) {
		t.Errorf("bulk of std-20 (section in review): %d %v", code, out)
	}
}

func TestAPIBulkApproveByStandardRefuses(t *testing.T) {
	e := newEnvSeeded(t, seedBig)
	for _, c := range []struct {
		name, user string
		body       map[string]any
		code       int
		msg        string
	}{
		{"unknown standard", "ed", map[string]any{"standard": "iso-99999"}, 400, `unknown standard "iso-99999"`},
		{"pages and standard", "ed", map[string]any{"standard": "std-05", "pages": []map[string]any{{"slug": "std-05-vs-std-06", "revision": 1}}}, 400, "not both"},
		{"viewer", "vic", map[string]any{"standard": "std-05"}, 403, ""},
	} {
		code, out := e.do("POST", "/api/pages/bulk-approve", c.user, c.body)
		if code != c.code || !strings.Contains(fmt.Sprint(out["error"]), c.msg) {
			t.Errorf("%s: %d %v, want %d %q", c.name, code, out, c.code, c.msg)
		}
	}
	for _, p := range e.store.Pages() {
		if p.State == store.Approved {
			t.Fatalf("a refused bulk approval approved %s", p.Slug)
		}
	}
}

// The queue filtered by a standard offers "approve all N clean pages of
// <standard> whose sections are approved"; its results are the pages
// approved and the queue shown with them no longer lists them nor offers
// the button.
func TestBulkApproveByStandardQueue(t *testing.T) {
	e := newEnvSeeded(t, seedBig)
	want := e.readyWant("std-05", "ed")
	b := e.browser()
	csrf := b.login("ed", password)
	_, h := b.get("/review?standard=std-05")
	label := fmt.Sprintf("Approve all %d clean pages of std-05 whose sections are approved", len(want))
	if !strings.Contains(h, `id="bulk-approve-standard"`) || !strings.Contains(h, label) {
		t.Fatalf("the queue of std-05 lacks %q", label)
	}
	if _, h := b.get("/review?standard=std-20"); strings.Contains(h, `id="bulk-approve-standard"`) {
		t.Error("std-20, whose section is in review, is offered a bulk approval")
	}
	if _, h := b.get("/review"); strings.Contains(h, `id="bulk-approve-standard"`) {
		t.Error("the unfiltered queue offers a bulk approval by standard")
	}
	form := url.Values{"csrf": {csrf}, "back": {"/review?standard=std-05"}, "standard": {"std-05"}}
	code, html, _ := b.post("/review/bulk-approve", form)
	if code != http.StatusOK {
		t.Fatalf("bulk approve by standard: %d", code)
	}
	if n := strings.Count(html, `<li class="ok">`); n != len(want) || strings.Contains(html, `class="refused"`) {
		t.Errorf("%d approved of %d, or some refused", n, len(want))
	}
	for _, s := range want {
		if !strings.Contains(html, `href="/review/pages/`+s+`">`+s+`</a>: approved`) {
			t.Errorf("results lack %s", s)
		}
		if strings.Contains(html, `class="qrow" data-slug="`+s+`"`) {
			t.Errorf("%s, just approved, is still a row of the queue", s)
		}
	}
	if strings.Contains(html, `id="bulk-approve-standard"`) {
		t.Error("after approving them all the queue still offers the bulk approval")
	}
	// Nothing ready: a clear refusal, nothing changed.
	code, html, _ = b.post("/review/bulk-approve", form)
	if code != http.StatusConflict || !strings.Contains(html, "No clean page of std-05 has both sections approved now.") {
		t.Errorf("second bulk: %d", code)
	}
}

// In Chromium at 496 pages: the queue filtered by a standard offers the
// bulk approval, asks to confirm it, and the queue shown with the results
// no longer lists the pages it approved.
func TestBrowserBulkApproveByStandard(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnvSeeded(t, seedBig)
	want := e.readyWant("std-05", "ed")
	br := browsertest.New(t)
	ctx := br.Ctx
	base := e.srv.URL
	browsertest.Do(t, ctx, "sign in",
		chromedp.Navigate(base+"/review"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "ed"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("queue")),
	)
	browsertest.Do(t, ctx, "bulk by standard",
		chromedp.Navigate(base+"/review?standard=std-05"),
		chromedp.WaitVisible(chromedp.ID("bulk-approve-standard")),
		chromedp.Click(chromedp.ID("bulk-approve-standard")),
		chromedp.WaitVisible(chromedp.CSS(".bulk-result")),
	)
	if d := br.Dialogs(); len(d) != 1 || !strings.Contains(d[0], fmt.Sprintf("Approve and publish %d clean pages of std-05?", len(want))) {
		t.Errorf("confirmation: %q", d)
	}
	ok := browsertest.Get(t, ctx, "results", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.bulk-result li.ok a')).map(a => a.textContent)`))
	slices.Sort(ok)
	if !slices.Equal(ok, want) {
		t.Errorf("approved %v, want %v", ok, want)
	}
	rows := browsertest.Get(t, ctx, "rows", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#queue .qrow')).map(r => r.dataset.slug)`))
	for _, s := range rows {
		if slices.Contains(want, s) {
			t.Errorf("%s, just approved, is still a row of the queue", s)
		}
	}
	if n := browsertest.Get(t, ctx, "button", chromedp.Evaluate[int](`document.querySelectorAll('#bulk-approve-standard').length`)); n != 0 {
		t.Error("the bulk approval is still offered with nothing left to approve")
	}
}
