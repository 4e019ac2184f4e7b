package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/internal/browsertest"
)

// axeSource is axe-core from the pinned npm folder the site's checks use
// (internal/site/testdata/npm; `npm ci` there installs it, .ci/run does). It
// skips t with what to run when it is missing, and fails under CI, where the
// check must run.
func axeSource(t *testing.T) string {
	t.Helper()
	p := filepath.Join("..", "site", "testdata", "npm", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		msg := fmt.Sprintf("axe-core is not installed (%v); run `npm ci` in internal/site/testdata/npm (.ci/run does) to run this check", err)
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but " + msg)
		}
		t.Skip(msg)
	}
	return string(b)
}

// axeViolation is what the test reports of one axe-core violation.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeRun injects axe-core into the current page and returns its violations
// of impact serious or critical, with the selectors of the nodes.
const axeRun = `axe.run(document).then(r => ({passes: r.passes.length, violations: r.violations
	.filter(v => v.impact === 'serious' || v.impact === 'critical')
	.map(v => ({id: v.id, impact: v.impact, help: v.help,
		targets: v.nodes.slice(0, 8).map(n => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.replace(/\s+/g, ' ').slice(0, 160) : ''))}))}))`

// axeResult is what axeRun answers: how many rules passed (a run that
// checked nothing is a broken check, not a clean page) and the violations.
type axeResult struct {
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

// Every review screen, in real Chromium at a desktop and a phone width,
// has no axe-core violation of impact serious or critical, and none is
// wider than a 390 px phone.
func TestBrowserAccessibilityAxe(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	src := axeSource(t)
	e := newEnvSeeded(t, seedDashboard) // the usual seed, and pages needing attention
	ctx := browsertest.New(t).Ctx
	base := e.srv.URL
	do := browsertest.Steps(t, ctx)
	run := func(screen string) axeResult {
		t.Helper()
		browsertest.Get(t, ctx, "inject axe", chromedp.Evaluate[bool](src+";\ntrue"))
		res := browsertest.Get(t, ctx, "run axe on "+screen, chromedp.Evaluate[axeResult](axeRun, chromedp.EvalAwaitPromise))
		if res.Passes < 5 {
			t.Errorf("%s: axe passed only %d rules; the check did not run on the page", screen, res.Passes)
		}
		return res
	}
	check := func(screen string) {
		t.Helper()
		for _, v := range run(screen).Violations {
			t.Errorf("%s: axe %s (%s): %s\n\t%s", screen, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
		}
	}
	screens := []struct{ name, path, wait string }{
		{"queue", "/review", "#queue"},
		{"queue by reason", "/review?state=needs_attention&reason=meta.placeholder", "#reason-filter"},
		{"draft with findings", "/review/pages/" + errorPage, "#draft"},
		{"clean draft", "/review/pages/" + cleanPage, "#draft"},
		{"approved page", "/review/pages/" + waitPage, "#draft"},
		{"verdict in edit mode", "/review/pages/" + cleanPage + "?edit=verdict#ed-verdict", "#ed-verdict"},
		{"a table row in edit mode", "/review/pages/" + errorPage + "?edit=diff.scope#ed-diff-scope-a", "#ed-diff-scope-a"},
		{"a question in edit mode", "/review/pages/" + cleanPage + "?edit=faq.0#ed-faq-0-q", "#ed-faq-0-q"},
		{"all parts in one form", "/review/pages/" + cleanPage + "?edit=all#ed-all-first", "#ed-all-first"},
		{"sections list", "/review/sections", "main"},
		{"section", "/review/sections/gdpr", "main"},
		{"a section's part in edit mode", "/review/sections/gdpr?edit=what_it_is#ed-what_it_is", "#ed-what_it_is"},
		{"dashboard", "/review/dashboard", "main"},
		{"admin", "/admin", "main"},
	}
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"1280", 1280, 900}, {"390", 390, 844}} {
		do("viewport "+vp.name, chromedp.EmulateViewport(vp.w, vp.h))
		if vp.name == "1280" {
			// The check catches what it is for: a picture with no text and
			// grey on white, put into the sign-in screen, are reported.
			do("canary", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("name")))
			browsertest.Get(t, ctx, "plant canary", chromedp.Evaluate[bool](`(function(){
				var m = document.querySelector('main'), p = document.createElement('p'), i = document.createElement('img');
				p.textContent = 'faint'; p.style.color = '#ccc'; p.style.background = '#fff'; // CSSOM: the CSP drops style attributes
				i.src = '/review/static/none.png';
				m.prepend(i, p); return true; })()`))
			got := map[string]bool{}
			for _, v := range run("canary").Violations {
				got[v.ID] = true
			}
			if !got["image-alt"] || !got["color-contrast"] {
				t.Errorf("axe missed planted violations: got %v, want image-alt and color-contrast", got)
			}
			do("sign-in screen", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("name")))
			check("sign-in at " + vp.name)
			do("sign in",
				chromedp.SendKeys(chromedp.ID("name"), "root"),
				chromedp.SendKeys(chromedp.ID("password"), password),
				chromedp.Click(chromedp.ID("signin")),
				chromedp.WaitVisible(chromedp.ID("queue")),
			)
		}
		for _, s := range screens {
			do(s.name+" "+vp.name, chromedp.Navigate(base+s.path), chromedp.WaitVisible(chromedp.CSS(s.wait)))
			check(s.name + " at " + vp.name)
			if vp.w < 400 {
				// A phone: nothing is wider than the screen.
				w := browsertest.Get(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
				if w > int(vp.w) {
					wide := browsertest.Get(t, ctx, "wide", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right))`))
					t.Errorf("%s overflows at %d px: %d px wide; widest: %v", s.name, vp.w, w, wide)
				}
			}
		}
	}
}
