package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/internal/browsertest"
)

// The queue at 496 pages in real Chromium: one page of 50 rows, the next
// page by its link, filters by standard and findings applied by the
// server, and no horizontal overflow at 390 px.
func TestBrowserQueuePagingAndFilters(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnvSeeded(t, seedBig)
	ctx := browsertest.New(t).Ctx
	base := e.srv.URL
	do := browsertest.Steps(t, ctx)
	rows := func() int {
		return browsertest.Get(t, ctx, "rows", chromedp.Evaluate[int](`document.querySelectorAll('#queue .qrow').length`))
	}
	text := func(sel string) string {
		return browsertest.Get(t, ctx, "text "+sel, chromedp.Text(chromedp.CSS(sel)))
	}
	do("sign in",
		chromedp.Navigate(base+"/review"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "ed"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("queue")),
	)
	if n := rows(); n != 50 || !strings.Contains(text("#pager-info"), "1–50 of 496") {
		t.Errorf("first page: %d rows, %q", n, text("#pager-info"))
	}
	if first := text("#queue .qrow .state"); first != "needs attention" {
		t.Errorf("the queue starts with a page in state %q, want needs attention", first)
	}
	// A page with errors is never "one approval from live", whatever its sections.
	if n := browsertest.Get(t, ctx, "oneaway on errors", chromedp.Evaluate[int](`Array.from(document.querySelectorAll('#queue .qrow')).filter(r => r.querySelector('.sev-error') && r.querySelector('.oneaway')).length`)); n != 0 {
		t.Errorf("%d rows with errors are marked last approval", n)
	}
	do("next page", chromedp.Click(chromedp.ID("next-page")), chromedp.WaitVisible(chromedp.ID("first-page")))
	if n := rows(); n != 50 || !strings.Contains(text("#pager-info"), "51–100 of 496") {
		t.Errorf("second page: %d rows, %q", n, text("#pager-info"))
	}
	// Filter by standard and findings through the form.
	do("filter",
		chromedp.SetValue(chromedp.ID("f-standard"), "std-05"),
		chromedp.SetValue(chromedp.ID("f-findings"), "clean"),
		chromedp.Submit(chromedp.ID("f-standard")),
		chromedp.WaitVisible(chromedp.ID("queue")),
	)
	url := browsertest.Get(t, ctx, "url", chromedp.Evaluate[string](`location.search`))
	if strings.Contains(url, "cursor=") || !strings.Contains(url, "standard=std-05") {
		t.Errorf("the filter kept the cursor or lost the standard: %s", url)
	}
	n := rows()
	slugs := browsertest.Get(t, ctx, "slugs", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#queue .qrow')).map(r => r.dataset.slug)`))
	if len(slugs) != n || n == 0 || n >= 31 {
		t.Errorf("std-05 clean: %d rows", n)
	}
	for _, s := range slugs {
		if !strings.Contains(s, "std-05") {
			t.Errorf("row %s does not name std-05", s)
		}
		if p := e.page(s); len(p.Findings) != 0 {
			t.Errorf("row %s has findings under the clean filter", s)
		}
	}
	if strings.Contains(text("main"), "Next 50") {
		t.Error("a next link on the only page")
	}
	// A phone: no horizontal overflow on the queue.
	do("phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/review"), chromedp.WaitVisible(chromedp.ID("queue")))
	if over := browsertest.Get(t, ctx, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); over {
		w := browsertest.Get(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		t.Errorf("the queue overflows at 390 px: %d px wide", w)
	}
	browsertest.SaveShot(t, "queue-paged-phone.png", browsertest.Get(t, ctx, "phone screenshot", chromedp.CaptureScreenshot()))
}
