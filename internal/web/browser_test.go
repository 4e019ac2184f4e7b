package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/internal/browsertest"
	"github.com/versus-dev/versus/internal/store"
)

func TestBrowserReview(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnv(t)
	ctx := browsertest.New(t).Ctx
	base := e.srv.URL
	do := browsertest.Steps(t, ctx)

	// Sign in through the form.
	do("sign in",
		chromedp.Navigate(base+"/review"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "ed"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("queue")),
	)

	// The queue: tabs with counts, rows with their error counts.
	queueText := browsertest.Get(t, ctx, "read queue", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"in review", "ISO 27001 vs NIST CSF", "1 error"} {
		if !strings.Contains(queueText, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	// Keyboard: j moves to the first row, x selects it (by name, the first
	// row is clean; the default order puts the page with an error first).
	do("keys", chromedp.Navigate(base+"/review?sort=slug"), chromedp.WaitVisible(chromedp.ID("queue")),
		chromedp.KeyEvent("j"), chromedp.KeyEvent("x"))
	checked := browsertest.Get(t, ctx, "selected", chromedp.Evaluate[bool](`(function(){var r=document.querySelector('.qrow.cur'); var c=r&&r.querySelector('input[type=checkbox]'); return !!(c&&c.checked);})()`))
	if !checked {
		t.Error("j then x did not select the first row")
	}
	browsertest.SaveShot(t, "queue.png", browsertest.Get(t, ctx, "queue screenshot", chromedp.CaptureScreenshot()))

	// Approve a page from its review page.
	do("approve",
		chromedp.Navigate(base+"/review/pages/"+cleanPage),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := e.page(cleanPage); got.State != store.Approved || got.UpdatedBy != "ed" {
		t.Fatalf("after approving in the browser: %s by %s", got.State, got.UpdatedBy)
	}

	// A draft with a script and an onerror image: nothing runs, the
	// script shows as text.
	do("open hostile draft",
		chromedp.Navigate(base+"/review/pages/"+xssPage),
		chromedp.WaitVisible(chromedp.ID("draft")),
		// Give an injected onerror a moment to fire; the assertion is that it did not.
		chromedp.Sleep(300*time.Millisecond),
	)
	if pwned := browsertest.Get(t, ctx, "pwned", chromedp.Evaluate[bool](`typeof window.__pwned !== "undefined"`)); pwned {
		t.Fatal("script from the draft ran: window.__pwned is set")
	}
	draftText := browsertest.Get(t, ctx, "draft text", chromedp.Text(chromedp.ID("draft")))
	if !strings.Contains(draftText, "<script>window.__pwned=1</script>") {
		t.Fatalf("the script is not shown as text in the draft:\n%.400s", draftText)
	}
	if n := browsertest.Get(t, ctx, "images", chromedp.Evaluate[int](`document.querySelectorAll('#draft img[onerror], #draft script').length`)); n != 0 {
		t.Fatal("an img with onerror or a script element made it into the page")
	}

	// Send it back with a note.
	do("request changes",
		chromedp.SendKeys(chromedp.ID("rc-note"), "Remove the HTML from the verdict."),
		chromedp.Click(chromedp.ID("send-back")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := e.page(xssPage); got.State != store.ChangesRequested || got.Note != "Remove the HTML from the verdict." {
		t.Fatalf("after sending back: %s %q", got.State, got.Note)
	}

	// A draft with findings: markers in the draft and the list beside it.
	do("draft with findings",
		chromedp.Navigate(base+"/review/pages/"+errorPage),
		chromedp.WaitVisible(chromedp.ID("findings")),
	)
	if n := browsertest.Get(t, ctx, "markers", chromedp.Evaluate[int](`document.querySelectorAll('#draft .fmark a').length`)); n != 2 {
		t.Errorf("want 2 finding markers in the draft, got %d", n)
	}
	browsertest.SaveShot(t, "draft.png", browsertest.Get(t, ctx, "draft screenshot", chromedp.CaptureScreenshot()))

	if browsertest.ShotsWanted() {
		do("the folded sections", chromedp.Evaluate[chromedp.Void](`document.querySelector('.folds-head').scrollIntoView()`))
		browsertest.SaveShot(t, "draft-sections.png", browsertest.Get(t, ctx, "folded sections screenshot", chromedp.CaptureScreenshot()))
		do("dashboard", chromedp.Navigate(base+"/review/dashboard"), chromedp.WaitVisible(chromedp.CSS("main")))
		browsertest.SaveShot(t, "dashboard.png", browsertest.Get(t, ctx, "dashboard screenshot", chromedp.CaptureScreenshot()))
		do("phone",
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(base+"/review?state=in_review"),
			chromedp.WaitVisible(chromedp.ID("queue")),
		)
		browsertest.SaveShot(t, "queue-phone.png", browsertest.Get(t, ctx, "phone screenshot", chromedp.CaptureScreenshot()))
		do("draft on a phone", chromedp.Navigate(base+"/review/pages/"+errorPage), chromedp.WaitVisible(chromedp.ID("draft")))
		browsertest.SaveShot(t, "draft-phone.png", browsertest.Get(t, ctx, "draft phone screenshot", chromedp.CaptureScreenshot()))
		do("dashboard on a phone", chromedp.Navigate(base+"/review/dashboard"), chromedp.WaitVisible(chromedp.CSS("main")))
		browsertest.SaveShot(t, "dashboard-phone.png", browsertest.Get(t, ctx, "dashboard phone screenshot", chromedp.CaptureScreenshot()))
	}
}
