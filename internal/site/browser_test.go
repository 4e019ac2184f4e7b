package site

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/versus-dev/versus/internal/browsertest"
)

// TestBrowserSearch runs the public search page in a real Chromium: results
// and facets without JavaScript, suggestions as you type with it, and no
// script from a page's text running in either.
func TestBrowserSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	srv, _, _ := server(t)
	b := browsertest.New(t)
	ctx := b.Ctx
	count := func(what, sel string) int {
		t.Helper()
		return browsertest.Get(t, ctx, what, chromedp.Evaluate[int](`document.querySelectorAll(`+quote(sel)+`).length`))
	}

	// Without JavaScript: the results, highlights and facets are the page.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, ctx, "search without script",
		chromedp.Navigate(srv.URL+"/search?q="+strings.ReplaceAll("iso 27001 vs soc 2", " ", "+")),
		chromedp.WaitVisible(chromedp.CSS(".hits")),
	)
	browsertest.SaveShot(t, "search.png", browsertest.Get(t, ctx, "search screenshot", chromedp.CaptureScreenshot()))
	first := browsertest.Get(t, ctx, "first hit", chromedp.Text(chromedp.CSS(".hit-title")))
	if first != "ISO 27001 vs SOC 2" {
		t.Errorf("first hit %q, want ISO 27001 vs SOC 2", first)
	}
	// The page whose verdict carries a script and an image with onerror:
	// its fragment shows them as text, with the match marked.
	browsertest.Do(t, ctx, "search for the page with markup",
		chromedp.Navigate(srv.URL+"/search?q=zebra"),
		chromedp.WaitVisible(chromedp.CSS(".hits")),
	)
	if n := count("marks", ".hits mark"); n == 0 {
		t.Error("no <mark> in the fragments")
	}
	if n := count("markup", ".hits script, .hits img, .hits [onerror]"); n != 0 {
		t.Errorf("%d elements from the page's text became markup", n)
	}
	if text := browsertest.Get(t, ctx, "fragment", chromedp.Text(chromedp.CSS(".fragment"))); !strings.Contains(text, "<script>") {
		t.Errorf("fragment %q does not show the script as text", text)
	}
	// A facet link narrows the results.
	browsertest.Do(t, ctx, "search gdpr", chromedp.Navigate(srv.URL+"/search?q=gdpr"), chromedp.WaitVisible(chromedp.CSS(".facets")))
	all := browsertest.Get(t, ctx, "count", chromedp.Text(chromedp.CSS(".count")))
	browsertest.Do(t, ctx, "narrow by a facet",
		chromedp.Click(chromedp.CSS(".facets a:not(.selected)")),
		chromedp.WaitVisible(chromedp.CSS(".facets a.selected")),
	)
	narrowed := browsertest.Get(t, ctx, "count", chromedp.Text(chromedp.CSS(".count")))
	if narrowed == all {
		t.Errorf("a facet did not narrow the results: %q, then %q", all, narrowed)
	}

	// With JavaScript: suggestions as you type, reachable by keyboard.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, ctx, "type hip",
		chromedp.Navigate(srv.URL+"/search"),
		chromedp.WaitVisible(chromedp.CSS("input[data-suggest]")),
		chromedp.SendKeys(chromedp.CSS("input[data-suggest]"), "hip"),
		chromedp.WaitVisible(chromedp.CSS("#suggestions li a")),
	)
	titles := browsertest.Get(t, ctx, "suggestions", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('#suggestions a')).map(a => a.textContent)`))
	if len(titles) == 0 {
		t.Fatal("no suggestions for hip")
	}
	for _, title := range titles {
		if !strings.Contains(title, "HIPAA") {
			t.Errorf("suggestion %q for hip does not name HIPAA", title)
		}
	}
	href := browsertest.Get(t, ctx, "first suggestion", chromedp.Evaluate[string](`document.querySelector('#suggestions a').getAttribute('href')`))
	browsertest.Do(t, ctx, "choose the first suggestion by keyboard",
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.getAttribute('href') === `+quote(href)),
		chromedp.KeyEvent("\r"),
	)
	// Enter follows the link: wait for the new page, not in the old one.
	deadline := time.Now().Add(browsertest.Timeout)
	for {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.HasSuffix(loc, href) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Enter on %s: still at %q (%v)", href, loc, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	browsertest.Do(t, ctx, "the chosen page", chromedp.WaitVisible(chromedp.CSS("article.page h1")))
	heading := browsertest.Get(t, ctx, "heading", chromedp.Text(chromedp.CSS("article.page h1")))
	if heading != titles[0] {
		t.Errorf("page heading %q, want the suggestion %q", heading, titles[0])
	}
	// Escape closes the list.
	browsertest.Do(t, ctx, "escape",
		chromedp.Navigate(srv.URL+"/search"),
		chromedp.SendKeys(chromedp.CSS("input[data-suggest]"), "gd"),
		chromedp.WaitVisible(chromedp.CSS("#suggestions li a")),
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotVisible(chromedp.CSS("#suggestions")),
	)

	// The markup page once more with scripts on: nothing runs.
	browsertest.Do(t, ctx, "markup with script on",
		chromedp.Navigate(srv.URL+"/search?q=zebra"),
		chromedp.WaitVisible(chromedp.CSS(".hits")),
	)
	if n := count("markup", ".hits script, .hits img, .hits [onerror]"); n != 0 {
		t.Errorf("%d elements from the page's text became markup", n)
	}
	if d := b.Dialogs(); len(d) != 0 {
		t.Errorf("a script from a page ran: dialogs %q", d)
	}
}

// quote makes a JavaScript string literal of s.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// TestBrowserComparePage shows a comparison page in Chromium at desktop
// and phone widths: at 390 px nothing is wider than the screen and no cell
// of the differences table cuts its text; the contents links scroll to
// their sections.
func TestBrowserComparePage(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	_, set, pages := server(t)
	slug := findSlug(t, pages, "iso-27001", "soc-2")
	var live []string
	for s, p := range pages {
		if st := p.Standards; slices.Contains(st[:], "iso-27001") || slices.Contains(st[:], "soc-2") {
			live = append(live, s)
		}
	}
	srv := httptest.NewServer(Handler(fixture.ix, set, newLive(pages, live...)))
	defer srv.Close()
	b := browsertest.New(t)
	ctx := b.Ctx
	for _, vp := range []struct {
		width int64
		shot  string
	}{{1280, "compare.png"}, {390, "compare-phone.png"}} {
		browsertest.Do(t, ctx, "open the page",
			chromedp.EmulateViewport(vp.width, 900),
			chromedp.Navigate(srv.URL+"/compare/"+slug),
			chromedp.WaitVisible(chromedp.CSS("table.differences")),
		)
		overflow := browsertest.Get(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
		if overflow > 0 {
			t.Errorf("%d px: the page is %d px wider than the screen", vp.width, overflow)
		}
		cut := browsertest.Get(t, ctx, "cells", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table.differences tbody th, table.differences tbody td'))
			.filter(c => c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().right > window.innerWidth + 1)
			.map(c => c.textContent.slice(0, 40))`))
		if len(cut) > 0 {
			t.Errorf("%d px: %d cells cut: %q", vp.width, len(cut), cut)
		}
		if vp.width == 390 {
			// Stacked: each cell names its standard above its text.
			label := browsertest.Get(t, ctx, "cell label", chromedp.Evaluate[string](
				`getComputedStyle(document.querySelector('table.differences td'), '::before').content`))
			if !strings.Contains(label, "ISO 27001") && !strings.Contains(label, "SOC 2") {
				t.Errorf("390 px: a cell's label is %s", label)
			}
		}
		browsertest.SaveShot(t, vp.shot, browsertest.Get(t, ctx, "screenshot", chromedp.CaptureScreenshot()))
		// How They Relate: the relation on file and the overlap chart,
		// drawn without script and inside the screen.
		chart := browsertest.Get(t, ctx, "overlap chart", chromedp.Evaluate[[]float64](`(() => {
			const s = document.querySelector('#how-they-relate ~ figure.overlap-chart svg, figure.overlap-chart svg');
			if (!s) return [];
			const r = s.getBoundingClientRect();
			return [r.width, r.right];
		})()`))
		if len(chart) != 2 || chart[0] == 0 {
			t.Errorf("%d px: no overlap chart on the ISO 27001 vs SOC 2 page", vp.width)
		} else if chart[1] > float64(vp.width)+1 {
			t.Errorf("%d px: the overlap chart ends at %.0f px, past the screen", vp.width, chart[1])
		}
		if vp.width == 1280 {
			browsertest.Do(t, ctx, "scroll to How They Relate", chromedp.Evaluate[chromedp.Void](`document.getElementById('how-they-relate').scrollIntoView()`))
			browsertest.SaveShot(t, "relate.png", browsertest.Get(t, ctx, "relate screenshot", chromedp.CaptureScreenshot()))
		}
		if vp.width == 390 {
			browsertest.Do(t, ctx, "scroll to the table", chromedp.Evaluate[chromedp.Void](`document.getElementById('key-differences').scrollIntoView()`))
			browsertest.SaveShot(t, "compare-phone-table.png", browsertest.Get(t, ctx, "table screenshot", chromedp.CaptureScreenshot()))
		}
	}
	// The home page browses and searches: its own form finds the pair.
	browsertest.Do(t, ctx, "home",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#home-q")),
	)
	browsertest.SaveShot(t, "home.png", browsertest.Get(t, ctx, "home screenshot", chromedp.CaptureScreenshot()))
	browsertest.Do(t, ctx, "search from home",
		chromedp.SendKeys(chromedp.CSS("#home-q"), "iso 27001 vs soc 2\r"),
		chromedp.WaitVisible(chromedp.CSS(".hits")),
	)
	if first := browsertest.Get(t, ctx, "first hit", chromedp.Text(chromedp.CSS(".hit-title"))); first != "ISO 27001 vs SOC 2" {
		t.Errorf("search from home: first hit %q", first)
	}
	browsertest.Do(t, ctx, "back to the page", chromedp.Navigate(srv.URL+"/compare/"+slug), chromedp.WaitVisible(chromedp.CSS("#contents")))
	// A contents link scrolls its section into view.
	browsertest.Do(t, ctx, "follow a contents link",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Click(chromedp.CSS(`#contents a[href="#key-differences"]`)),
		chromedp.Poll[chromedp.Void](`Math.abs(document.getElementById('key-differences').getBoundingClientRect().top) < 50`),
	)
}
