package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/browsertest"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/site"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/web"
	"github.com/versus-dev/versus/internal/webhook"
)

// storeCatalog is the public site's view of the store: a page is shown
// only when it is published, as the server's own catalog does.
type storeCatalog struct{ svc *review.Service }

func (c storeCatalog) PublishedPage(ctx context.Context, slug string) (site.Published, bool, error) {
	rec, pg, err := c.svc.PublishedPage(ctx, slug)
	if errors.Is(err, review.ErrNotPublished) || errors.Is(err, store.ErrNotFound) {
		return site.Published{}, false, nil
	}
	if err != nil {
		return site.Published{}, false, err
	}
	return site.Published{Page: pg, Reviewed: rec.Updated}, true, nil
}

func (c storeCatalog) PublishedPages(ctx context.Context) ([]site.Published, error) {
	var out []site.Published
	for _, p := range c.svc.Store.Pages() {
		pub, ok, err := c.PublishedPage(ctx, p.Slug)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, pub)
		}
	}
	return out, nil
}

// noSearch stands in for the search index: these tests never search.
type noSearch struct{}

func (noSearch) Search(context.Context, index.Query) (index.Result, error) {
	return index.Result{Hits: []index.Hit{}}, nil
}
func (noSearch) Suggest(context.Context, string, int) ([]index.Suggestion, error) { return nil, nil }

// withSite serves the public site beside the review app on one origin, as
// the server does, so that "Live at /compare/…" can be followed.
func (e *env) withSite(opts ...web.Option) {
	mux := http.NewServeMux()
	web.Mount(mux, e.svc, e.auth, opts...)
	site.New(noSearch{}, func() *profile.Set { return e.profiles }, storeCatalog{e.svc}).Register(mux)
	e.srv = httptest.NewServer(mux)
	e.t.Cleanup(e.srv.Close)
}

// chrome is one signed-in Chromium tab on an env, with the helpers the
// tests below share.
type chrome struct {
	t    *testing.T
	e    *env
	br   *browsertest.Browser
	ctx  context.Context
	base string
}

func (e *env) chrome(user string) *chrome {
	t := e.t
	t.Helper()
	br := browsertest.New(t)
	c := &chrome{t: t, e: e, br: br, ctx: br.Ctx, base: e.srv.URL}
	c.do("sign in as "+user,
		chromedp.Navigate(c.base+"/review"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("queue")),
	)
	return c
}

func (c *chrome) do(what string, acts ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	browsertest.Do(c.t, c.ctx, what, acts...)
}

// open navigates to path and waits for sel to show.
func (c *chrome) open(path, sel string) {
	c.t.Helper()
	c.do("open "+path, chromedp.Navigate(c.base+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// text is the rendered text of the first element matching sel, "" when none.
func (c *chrome) text(sel string) string {
	c.t.Helper()
	return strings.TrimSpace(browsertest.Get(c.t, c.ctx, "text of "+sel, chromedp.Evaluate[string](
		fmt.Sprintf(`(function(){var n=document.querySelector(%q); return n ? n.innerText.replace(/\s+/g,' ') : '';})()`, sel))))
}

// hrefs are the href attributes of the elements matching sel, in order.
func (c *chrome) hrefs(sel string) []string {
	c.t.Helper()
	return browsertest.Get(c.t, c.ctx, "links "+sel, chromedp.Evaluate[[]string](
		fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(a => a.getAttribute('href'))`, sel)))
}

// slugs are the data-slug of the queue's rows.
func (c *chrome) slugs() []string {
	c.t.Helper()
	s := browsertest.Get(c.t, c.ctx, "rows", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#queue .qrow')).map(r => r.dataset.slug)`))
	slices.Sort(s)
	return s
}

// click clicks sel (accepting any confirm) and waits for wait to show.
func (c *chrome) click(sel, wait string) {
	c.t.Helper()
	c.do("click "+sel, chromedp.Click(chromedp.CSS(sel)), chromedp.WaitVisible(chromedp.CSS(wait)))
}

// clickWait clicks sel and waits, with a deadline, until cond (JavaScript)
// holds on the page it leads to: the old page is marked, so that a flash
// or row still showing on it does not count.
func (c *chrome) clickWait(sel, cond string) {
	c.t.Helper()
	browsertest.Get(c.t, c.ctx, "mark the page", chromedp.Evaluate[bool](`window.__old = true`))
	c.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	natstest.Eventually(c.t, browsertest.Timeout, "the page after clicking "+sel, func() bool {
		ctx, cancel := context.WithTimeout(c.ctx, time.Second)
		defer cancel()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__old === undefined && document.readyState !== 'loading' && !!(`+cond+`)`))
		return err == nil && ok // an error: the old page is going away
	})
}

// clickFlash clicks sel and waits for the page it leads to to show its
// flash or error; it returns the flash.
func (c *chrome) clickFlash(sel string) string {
	c.t.Helper()
	c.clickWait(sel, `document.querySelector('.flash, #error')`)
	if err := c.text("#error"); err != "" {
		c.t.Fatalf("after clicking %s: error %q", sel, err)
	}
	return c.text(".flash")
}

// noOverflow fails t when the page in c is wider than its window, naming
// the widest elements.
func noOverflow(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	w := browsertest.Get(t, ctx, "scroll width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	inner := browsertest.Get(t, ctx, "window width", chromedp.Evaluate[int](`window.innerWidth`))
	if w > inner {
		wide := browsertest.Get(t, ctx, "wide", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-6).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right))`))
		t.Errorf("%s overflows at %d px: %d px wide; widest: %v", what, inner, w, wide)
	}
}

// In Chromium, a page whose two sections and itself are in review says it
// is not live and exactly what blocks it, with links; each approval moves
// it on, the last one says "Live at /compare/…" with the link, and the link
// leads to the public comparison.
func TestBrowserPublishStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnv(t)
	e.withSite()
	c := e.chrome("ed")
	pagePath := "/review/pages/" + cleanPage

	c.open(pagePath, "#publish-status")
	if got, want := c.text("#publish-status"), "Not live yet: waiting on this page: in review; section GDPR: in review; section ISO 27001: in review."; got != want {
		t.Errorf("publish status in review:\n got %q\nwant %q", got, want)
	}
	if got := c.hrefs("#publish-status a"); !slices.Equal(got, []string{"/review/sections/gdpr", "/review/sections/iso-27001"}) {
		t.Errorf("links to the blocking sections: %v", got)
	}

	// Section A, reached by its link: it says what approving it unblocks
	// (the approved gdpr-vs-nist-csf, whose other section is approved; not
	// this page, which still waits on itself and on ISO 27001).
	c.click(`#publish-status a[href="/review/sections/gdpr"]`, "#impact")
	if got := c.text("#impact"); !strings.HasPrefix(got, "Approving this unblocks 1 page(s)") {
		t.Errorf("gdpr section impact: %q", got)
	}
	if got := c.hrefs("#unblocks a"); !slices.Equal(got, []string{"/review/pages/" + waitPage}) {
		t.Errorf("gdpr section unblocks %v, want only %s", got, waitPage)
	}
	if fl, want := c.clickFlash("#approve"), "Approved. Live now: GDPR vs NIST CSF at /compare/"+waitPage+". 2 other page(s) of this standard still wait for their page or other section."; fl != want {
		t.Errorf("flash after approving gdpr:\n got %q\nwant %q", fl, want)
	}
	if got := c.hrefs(".flash a"); !slices.Equal(got, []string{"/compare/" + waitPage}) {
		t.Errorf("the gdpr flash links %v", got)
	}
	if s := e.section("gdpr"); s.State != store.Approved {
		t.Fatalf("gdpr after approving in the browser: %s", s.State)
	}
	if got := c.hrefs("#unblocks a"); !slices.Equal(got, []string{"/review/pages/" + waitPage}) || !strings.HasPrefix(c.text("#unblocks summary"), "Live because of it: 1 page(s)") {
		t.Errorf("approved gdpr section lists as published %v (%q)", got, c.text("#unblocks summary"))
	}

	// The page now names only section B (and itself).
	c.open(pagePath, "#publish-status")
	if got, want := c.text("#publish-status"), "Not live yet: waiting on this page: in review; section ISO 27001: in review."; got != want {
		t.Errorf("publish status after gdpr:\n got %q\nwant %q", got, want)
	}
	if got := c.hrefs("#publish-status a"); !slices.Equal(got, []string{"/review/sections/iso-27001"}) {
		t.Errorf("links after gdpr: %v", got)
	}
	c.click(`#publish-status a[href="/review/sections/iso-27001"]`, "#approve")
	if fl, want := c.clickFlash("#approve"), "Approved. No page goes live with it yet: 2 other page(s) of this standard still wait for their page or other section."; fl != want {
		t.Errorf("flash after approving iso-27001:\n got %q\nwant %q", fl, want)
	}
	c.open(pagePath, "#publish-status")
	if got, want := c.text("#publish-status"), "Not live yet: waiting on this page: in review."; got != want {
		t.Errorf("publish status with both sections approved:\n got %q\nwant %q", got, want)
	}
	if n := len(c.hrefs(`#publish-status a`)); n != 0 {
		t.Errorf("%d links in the status of a page that waits only on itself", n)
	}

	// The last approval: the flash says live, with the link.
	live := "/compare/" + cleanPage
	if fl := c.clickFlash("#approve"); fl != "Approved. Live at "+live+"." {
		t.Errorf("flash after the last approval: %q", fl)
	}
	if got := c.hrefs(".flash a"); !slices.Equal(got, []string{live}) {
		t.Fatalf("the flash links %v, want %s", got, live)
	}
	if got := c.text("#publish-status"); got != "Live at "+live+"." {
		t.Errorf("publish status when live: %q", got)
	}
	title := e.page(cleanPage).Title
	c.do("follow the link", chromedp.Click(chromedp.CSS(`.flash a[href="`+live+`"]`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	if p := browsertest.Get(t, c.ctx, "path", chromedp.Evaluate[string](`location.pathname`)); p != live {
		t.Fatalf("the link led to %s", p)
	}
	if code := browsertest.Get(t, c.ctx, "status", chromedp.Evaluate[int](`performance.getEntriesByType('navigation')[0].responseStatus`)); code != http.StatusOK {
		t.Errorf("the public page answered %d", code)
	}
	if h1 := c.text("h1"); !strings.Contains(h1, title) {
		t.Errorf("the public page's heading is %q, want the comparison %q", h1, title)
	}
	if dt := browsertest.Get(t, c.ctx, "title", chromedp.Evaluate[string](`document.title`)); !strings.Contains(dt, title) {
		t.Errorf("the public page's title is %q", dt)
	}

	// The queue's approved tab marks it (and the gdpr page published by
	// the gdpr section) live, with their public links.
	c.open("/review?state=approved", "#queue")
	if got := c.slugs(); !slices.Equal(got, []string{cleanPage, waitPage}) {
		t.Errorf("approved tab: %v", got)
	}
	for _, s := range []string{cleanPage, waitPage} {
		if got := c.hrefs(`#queue .qrow[data-slug="` + s + `"] a.pub`); !slices.Equal(got, []string{"/compare/" + s}) {
			t.Errorf("approved row %s: live links %v", s, got)
		}
	}
}

// The other order: the page approved first says what it still waits on;
// the last section's approval says the page went live, and names it.
func TestBrowserPublishStatusSectionLast(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnv(t)
	e.withSite()
	c := e.chrome("ed")

	c.open("/review/pages/"+cleanPage, "#approve")
	if fl, want := c.clickFlash("#approve"), "Approved. Not live yet: waiting on section GDPR: in review; section ISO 27001: in review."; fl != want {
		t.Errorf("flash after approving the page first:\n got %q\nwant %q", fl, want)
	}
	if n := len(c.hrefs(".flash a")); n != 0 {
		t.Errorf("the flash of a page not live has %d links", n)
	}
	c.open("/review/sections/gdpr", "#approve")
	c.clickFlash("#approve")

	// ISO 27001 is the last part missing: its page says so before, and
	// after approving it says the page went live.
	c.open("/review/sections/iso-27001", "#impact")
	if got := c.text("#impact"); !strings.HasPrefix(got, "Approving this unblocks 1 page(s)") {
		t.Errorf("iso-27001 impact before: %q", got)
	}
	if got := c.hrefs("#unblocks a"); !slices.Equal(got, []string{"/review/pages/" + cleanPage}) {
		t.Errorf("iso-27001 unblocks %v", got)
	}
	live := "/compare/" + cleanPage
	if fl, want := c.clickFlash("#approve"), "Approved. Live now: GDPR vs ISO 27001 at "+live+". 1 other page(s) of this standard still wait for their page or other section."; fl != want {
		t.Errorf("flash after the last section:\n got %q\nwant %q", fl, want)
	}
	if got := c.hrefs(".flash a"); !slices.Equal(got, []string{live}) {
		t.Errorf("the flash links %v, want %s", got, live)
	}
	if got := c.text("#impact"); !strings.HasPrefix(got, "Published on 1 page(s)") {
		t.Errorf("iso-27001 impact after: %q", got)
	}
	if got := c.hrefs("#unblocks a"); !slices.Equal(got, []string{"/review/pages/" + cleanPage}) || !strings.HasPrefix(c.text("#unblocks summary"), "Live because of it: 1 page(s)") {
		t.Errorf("iso-27001 after approval lists %v (%q)", got, c.text("#unblocks summary"))
	}
	c.open("/review/pages/"+cleanPage, "#publish-status")
	if got := c.hrefs("#publish-status a"); !slices.Equal(got, []string{live}) {
		t.Errorf("the page's status links %v once live", got)
	}
	c.click(`#publish-status a[href="`+live+`"]`, "h1")
	if h1, title := c.text("h1"), e.page(cleanPage).Title; !strings.Contains(h1, title) {
		t.Errorf("the public page's heading is %q, want %q", h1, title)
	}
	c.open("/review?state=approved", "#queue")
	if got := c.hrefs(`#queue .qrow[data-slug="` + cleanPage + `"] a.pub`); !slices.Equal(got, []string{"/compare/" + cleanPage}) {
		t.Errorf("approved tab: live link of %s: %v", cleanPage, got)
	}
}

// seedDashboard is the usual seed and, besides, a page approved before its
// sections and two pages needing attention for different reasons (one of
// a standard with no section yet), with tokens spent on each.
func seedDashboard(e *env, ctx context.Context) {
	e.seed(ctx)
	now := time.Now().UTC()
	for _, x := range []struct {
		slug  string
		stds  [2]string
		state store.State
		fs    []finding.Finding
		usage store.Usage
	}{
		{"iso-27001-vs-gdpr", [2]string{"iso-27001", "gdpr"}, store.Approved, nil, store.Usage{Calls: 2, Prompt: 3000, Completion: 1500, Cached: 500}},
		{"nist-csf-vs-iso-27001", [2]string{"nist-csf", "iso-27001"}, store.NeedsAttention, []finding.Finding{errFinding}, store.Usage{Calls: 1, Prompt: 1000}},
		{"gdpr-vs-soc-2", [2]string{"gdpr", "soc-2"}, store.NeedsAttention, nil, store.Usage{}},
	} {
		title := x.slug
		if x.state == store.Approved { // a title as long as real ones get
			title = "ISO/IEC 27001:2022 Information security, cybersecurity and privacy protection vs Regulation (EU) 2016/679 (General Data Protection Regulation)"
		}
		rec := store.PageRecord{Slug: x.slug, Title: title, Standards: x.stds, Pair: e.page(cleanPage).Pair,
			Meta: store.Meta{State: x.state, Findings: x.fs, Drafter: "offline", Inputs: store.Inputs{Hash: "h-" + x.slug}, Seq: 1, Drafted: 1, Updated: now, Usage: x.usage}}
		if x.state == store.Approved {
			c := rec.Pair
			rec.Approved = &c
		}
		if _, err := e.store.CreatePage(ctx, rec); err != nil {
			e.t.Fatal(err)
		}
	}
	natstest.Eventually(e.t, 5*time.Second, "mirror holds the dashboard's pages", func() bool { return len(e.store.Pages()) == 7 })
}

// figures flattens a dashboard answer to its figures by path: "live",
// "usage.prompt", "states.approved", "needs_attention_by_reason.<rule>".
// A null (the cost with no price) is no figure.
func figures(t *testing.T, prefix string, v any, out map[string]float64) {
	t.Helper()
	switch x := v.(type) {
	case float64:
		out[prefix] = x
	case nil:
	case map[string]any:
		for k, y := range x {
			figures(t, strings.TrimPrefix(prefix+"."+k, "."), y, out)
		}
	case []any: // the reasons: {reason, words, count}
		for _, y := range x {
			r, _ := y.(map[string]any)
			reason, ok := r["reason"].(string)
			if _, words := r["words"].(string); !ok || !words || len(r) != 3 {
				t.Fatalf("%s: an entry that is not {reason, words, count}: %v", prefix, y)
			}
			out[prefix+"."+reason], _ = r["count"].(float64)
		}
	default:
		t.Fatalf("%s: a value that is not a figure: %v", prefix, v)
	}
}

// In Chromium, every figure the dashboard shows (each carries data-fig,
// its path in the API's answer) equals GET /api/dashboard fetched by the
// same user in the same browser, and every figure of the answer is shown.
// The seed mixes every kind: live, waiting on sections, in review and one
// approval away, needing attention for two reasons, tokens and money.
func TestBrowserDashboardMatchesAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnvSeeded(t, seedDashboard, web.WithPrice(3, 15))
	if code, out := e.do("POST", "/api/sections/gdpr/approve", "ed", body(e.section("gdpr").Revision, "")); code != http.StatusOK {
		t.Fatalf("approve gdpr: %d %v", code, out)
	}
	natstest.Eventually(t, 5*time.Second, "the mirror has gdpr approved", func() bool { return e.svc.SectionsByID()["gdpr"].State == store.Approved })
	c := e.chrome("vic")
	c.open("/review/dashboard", "#figures")

	shown := browsertest.Get(t, c.ctx, "figures", chromedp.Evaluate[[][2]string](`Array.from(document.querySelectorAll('[data-fig]')).map(n => [n.dataset.fig, n.innerText.trim()])`))
	raw := browsertest.Get(t, c.ctx, "GET /api/dashboard", chromedp.Evaluate[string](
		fmt.Sprintf(`fetch('/api/dashboard', {headers: {Authorization: 'Bearer ' + %q}}).then(r => r.ok ? r.text() : Promise.reject(new Error('HTTP ' + r.status)))`, e.tokens["vic"]),
		chromedp.EvalAwaitPromise))
	var answer map[string]any
	if err := json.Unmarshal([]byte(raw), &answer); err != nil {
		t.Fatalf("dashboard answer: %v: %s", err, raw)
	}
	api := map[string]float64{}
	figures(t, "", answer, api)

	// The mix is what the seed says, so the comparison below means something.
	for k, want := range map[string]float64{
		"pages": 7, "live": 1, "waiting_on_sections": 1, "in_review": 3, "one_approval_away": 1, "needs_attention": 2,
		"needs_attention_by_reason.meta.placeholder": 1, "needs_attention_by_reason.unrecorded": 1,
		"usage.calls": 7, "usage.prompt": 8800, "usage.completion": 4700, "usage.cached": 500, "tokens": 13500,
		"states.approved": 2, "sections.approved": 2, "sections.in_review": 1,
	} {
		if api[k] != want {
			t.Errorf("API %s = %v, want %v", k, api[k], want)
		}
	}
	if want := (8800*3 + 4700*15) / 1e6; math.Abs(api["cost"]-want) > 1e-12 {
		t.Errorf("API cost = %v, want %v", api["cost"], want)
	}

	seen := map[string]bool{}
	for _, f := range shown {
		name, text := f[0], f[1]
		if seen[name] {
			t.Errorf("the dashboard shows %s twice", name)
		}
		seen[name] = true
		want, ok := api[name]
		if !ok {
			t.Errorf("the dashboard shows %s = %q, which the API does not give", name, text)
			continue
		}
		got, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
		if err != nil {
			t.Errorf("the dashboard's %s is %q, not a number", name, text)
			continue
		}
		tol := 0.0 // counts are exact; an amount is right to the places shown
		if _, frac, ok := strings.Cut(text, "."); ok {
			tol = 0.5 * math.Pow(10, -float64(len(frac)))
		}
		if math.Abs(got-want) > tol {
			t.Errorf("the dashboard shows %s = %q, the API %v", name, text, want)
		}
	}
	var missing []string
	for k := range api {
		if !seen[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the API gives figures the dashboard does not show: %v", missing)
	}
}

// queueTruth is what the queue filtered by standard should show, read from
// the store record by record: the count of each state and the slugs of
// each, "open" being in review and needing attention.
func (e *env) queueTruth(standard string) (map[string]int, map[string][]string) {
	e.t.Helper()
	counts, slugs := map[string]int{"open": 0}, map[string][]string{}
	for _, st := range store.States {
		counts[string(st)] = 0
	}
	for _, m := range e.store.Pages() {
		if m.Standards[0] != standard && m.Standards[1] != standard {
			continue
		}
		p := e.page(m.Slug) // the record itself, not the mirror the queue reads
		counts[string(p.State)]++
		slugs[string(p.State)] = append(slugs[string(p.State)], p.Slug)
		if p.State == store.InReview || p.State == store.NeedsAttention {
			counts["open"]++
			slugs["open"] = append(slugs["open"], p.Slug)
		}
	}
	for _, v := range slugs {
		slices.Sort(v)
	}
	return counts, slugs
}

// checkQueue compares the queue shown in c (filtered by standard, on the
// tab named state) with the store: every tab's count, the total, the
// standard's count in the filter, and the rows.
func (c *chrome) checkQueue(what, standard, state string) {
	c.t.Helper()
	t := c.t
	counts, slugs := c.e.queueTruth(standard)
	tabs := browsertest.Get(t, c.ctx, "tabs", chromedp.Evaluate[[][2]string](`Array.from(document.querySelectorAll('.tabs a.tab')).map(a => [a.dataset.state, a.querySelector('.count').innerText.trim()])`))
	if len(tabs) != len(counts) {
		t.Errorf("%s: %d tabs, want %d", what, len(tabs), len(counts))
	}
	for _, tab := range tabs {
		if want := strconv.Itoa(counts[tab[0]]); tab[1] != want {
			t.Errorf("%s: tab %s counts %s, the store %s", what, tab[0], tab[1], want)
		}
	}
	if on := browsertest.Get(t, c.ctx, "tab shown", chromedp.Evaluate[string](`(document.querySelector('.tabs a.tab.on') || {dataset: {}}).dataset.state || ''`)); on != state {
		t.Errorf("%s: the tab shown is %q, want %s", what, on, state)
	}
	n := counts[state]
	if n > 0 {
		if got, want := c.text("#pager-info"), fmt.Sprintf("1–%d of %d", n, n); got != want {
			t.Errorf("%s: pager %q, want %q", what, got, want)
		}
	}
	if opt, want := c.text(`#f-standard option[value="`+standard+`"]`), fmt.Sprintf("(%d)", n); !strings.HasSuffix(opt, want) {
		t.Errorf("%s: the filter says %q, want %s", what, opt, want)
	}
	if got := c.slugs(); !slices.Equal(got, slugs[state]) {
		t.Errorf("%s: rows\n%v\nthe store has\n%v", what, got, slugs[state])
	}
}

// After a bulk approval in Chromium (by standard, and of selected rows)
// the queue shown with the results, each tab after it and a reload all
// agree with the store: no stale count, no approved row left among those
// to review.
func TestBrowserBulkApproveQueueMatchesStore(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnvSeeded(t, seedBig)
	c := e.chrome("ed")
	want := e.readyWant("std-05", "ed")
	if len(want) == 0 {
		t.Fatal("fixture: nothing of std-05 ready")
	}

	c.open("/review?standard=std-05", "#bulk-approve-standard")
	c.checkQueue("before", "std-05", "open")
	c.clickWait("#bulk-approve-standard", `document.querySelector('.bulk-result')`)
	if ok := c.hrefs(".bulk-result li.ok a"); len(ok) != len(want) {
		t.Fatalf("bulk approved %d pages, want %d", len(ok), len(want))
	}
	c.checkQueue("with the results", "std-05", "open")
	c.clickWait(`.tabs a.tab[data-state="in_review"]`, `document.querySelector('#queue')`)
	c.checkQueue("in review tab", "std-05", "in_review")
	c.clickWait(`.tabs a.tab[data-state="approved"]`, `document.querySelector('#queue')`)
	c.checkQueue("approved tab", "std-05", "approved")
	for _, s := range want {
		if got := c.hrefs(`#queue .qrow[data-slug="` + s + `"] a.pub`); !slices.Equal(got, []string{"/compare/" + s}) {
			t.Errorf("approved tab: %s is not marked live (%v)", s, got)
		}
	}
	c.open("/review?standard=std-05", "#queue")
	c.checkQueue("reloaded", "std-05", "open")

	// Approve selected rows on the in-review tab of a standard whose
	// section is in review: they leave the tab, the counts follow.
	c.open("/review?state=in_review&standard=std-20&sort=slug", "#queue")
	picked := browsertest.Get(t, c.ctx, "select two", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#queue .qrow input[type=checkbox]')).slice(0, 2).map(b => { b.click(); return b.closest('.qrow').dataset.slug; })`))
	if len(picked) != 2 {
		t.Fatalf("selected %v", picked)
	}
	c.clickWait("#bulk-approve", `document.querySelector('.bulk-result')`)
	if ok := c.hrefs(".bulk-result li.ok a"); len(ok) != 2 {
		t.Errorf("approved %v of %v", ok, picked)
	}
	for _, s := range picked {
		if p := e.page(s); p.State != store.Approved {
			t.Errorf("%s after approving it selected: %s", s, p.State)
		}
	}
	c.checkQueue("selected, with the results", "std-20", "in_review")
}

// At 390 px, no review screen is wider than the phone: the draft views
// (with findings, approved and live, needing attention, with a flash), the
// sections, the dashboard, the admin page with a new token and webhook
// deliveries, and the queue's tabs and bulk results.
func TestBrowserNoOverflowPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	now := time.Now().UTC()
	long := "https://hooks.example.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
	log := &deliveryLog{attempts: []webhook.Attempt{
		{Time: now, Type: "page.published", Slug: "iso-27001-vs-gdpr", Target: long, Attempt: 3, Status: 503, Error: long + " answered 503 Service Unavailable", Outcome: "retrying"},
	}}
	e := newEnvSeeded(t, seedDashboard, web.WithDeliveries(log), web.WithPrice(3, 15))
	br := browsertest.New(t)
	c := &chrome{t: t, e: e, br: br, ctx: br.Ctx, base: e.srv.URL}
	c.do("phone", chromedp.EmulateViewport(390, 844))
	c.open("/login", "#name")
	noOverflow(t, c.ctx, "sign-in")
	c.do("sign in",
		chromedp.SendKeys(chromedp.ID("name"), "root"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("queue")),
	)
	if w := browsertest.Get(t, c.ctx, "width", chromedp.Evaluate[int](`window.innerWidth`)); w != 390 {
		t.Fatalf("the window is %d px wide, want 390", w)
	}
	for _, s := range []struct{ name, path, wait string }{
		{"queue", "/review", "#queue"},
		{"queue by standard", "/review?standard=gdpr", "#queue"},
		{"approved tab", "/review?state=approved", "#queue"},
		{"draft with findings", "/review/pages/" + errorPage, "#draft"},
		{"approved draft waiting on sections", "/review/pages/iso-27001-vs-gdpr", "#publish-status"},
		{"draft of a standard with no section", "/review/pages/gdpr-vs-soc-2", "#publish-status"},
		{"sections", "/review/sections", "main"},
		{"section", "/review/sections/gdpr", "#impact"},
		{"approved section", "/review/sections/nist-csf", "#impact"},
		{"dashboard", "/review/dashboard", "#figures"},
		{"admin", "/admin", "#users"},
	} {
		c.open(s.path, s.wait)
		noOverflow(t, c.ctx, s.name)
	}

	// A new token shown once, in full.
	c.open("/admin", "#users")
	c.do("label", chromedp.SendKeys(chromedp.CSS(`form[action="/admin/tokens"] input[name=label]`), "the CDN purger on the edge"))
	c.clickWait(`form[action="/admin/tokens"] button[type=submit]`, `document.querySelector('#newtoken')`)
	noOverflow(t, c.ctx, "admin with a new token")

	// A draft after its approval, with the flash that links its public page.
	if code, out := e.do("POST", "/api/sections/gdpr/approve", "ed", body(e.section("gdpr").Revision, "")); code != http.StatusOK {
		t.Fatalf("approve gdpr: %d %v", code, out)
	}
	c.open("/review/pages/"+xssPage, "#approve")
	if fl := c.clickFlash("#approve"); !strings.Contains(fl, "Live at /compare/"+xssPage) {
		t.Errorf("flash: %q", fl)
	}
	noOverflow(t, c.ctx, "draft with the flash after approval")

	// The queue with bulk results.
	c.open("/review?sort=slug", "#queue")
	browsertest.Get(t, c.ctx, "select", chromedp.Evaluate[int](`Array.from(document.querySelectorAll('#queue .qrow input[type=checkbox]')).map(b => b.click()).length`))
	c.clickWait("#bulk-approve", `document.querySelector('.bulk-result')`)
	noOverflow(t, c.ctx, "queue with bulk results")
}
