package web_test

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/internal/browsertest"
)

// In Chromium, each reason on the dashboard is a link; clicking it opens
// the queue whose rows are exactly the store's pages needing attention for
// that reason, as many as the dashboard said, each saying why in words.
// The queue's own reason filter does the same from the form, and the
// filtered queue fits a 390 px phone.
func TestBrowserDashboardReasonToQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnvSeeded(t, seedReasons)
	truth := e.reasonTruth(nil)
	c := e.chrome("vic")
	c.open("/review/dashboard", "#attention-reasons")
	shown := browsertest.Get(t, c.ctx, "reasons", chromedp.Evaluate[[][2]string](`Array.from(document.querySelectorAll('#attention-reasons li')).map(li => [li.dataset.reason, li.querySelector('[data-fig]').innerText.trim()])`))
	if len(shown) != len(truth) {
		t.Fatalf("the dashboard shows %d reasons %v, the store has %d", len(shown), shown, len(truth))
	}
	for _, r := range shown {
		reason, count := r[0], r[1]
		want := truth[reason]
		if n, err := strconv.Atoi(count); err != nil || n != len(want) {
			t.Errorf("the dashboard counts %q for %s, the store has %d", count, reason, len(want))
		}
		c.open("/review/dashboard", "#attention-reasons")
		c.clickWait(`#attention-reasons li[data-reason="`+reason+`"] a`, `document.querySelector('#queue') || document.querySelector('.empty')`)
		loc := browsertest.Get(t, c.ctx, "location", chromedp.Evaluate[string](`location.pathname + location.search`))
		if u, err := url.Parse(loc); err != nil || u.Path != "/review" || u.Query().Get("reason") != reason || u.Query().Get("state") != "needs_attention" {
			t.Errorf("%s: the link led to %s", reason, loc)
		}
		if got := c.slugs(); !slices.Equal(got, want) {
			t.Errorf("%s: the queue shows\n%v\nthe store has\n%v", reason, got, want)
		}
		if info := c.text("#pager-info"); !strings.HasSuffix(info, "of "+strconv.Itoa(len(want))) {
			t.Errorf("%s: the queue says %q, want of %d", reason, info, len(want))
		}
		whys := browsertest.Get(t, c.ctx, "whys", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#queue .qrow')).map(r => { const w = r.querySelector('.why'); return w ? w.dataset.reason + ' ' + w.innerText : 'none'; })`))
		for _, w := range whys {
			if !strings.HasPrefix(w, reason+" Why: ") {
				t.Errorf("%s: a row says %q", reason, w)
			}
		}
		if f := c.text("#reason-filter"); !strings.Contains(f, "("+reason+")") {
			t.Errorf("%s: the queue's filter line says %q", reason, f)
		}
	}

	// The form: on the to-review tab, pick a reason and a standard.
	std := reasonID(3)
	c.open("/review", "#f-reason")
	c.do("filter by reason and standard",
		chromedp.SetValue(chromedp.ID("f-reason"), "unrecorded"),
		chromedp.SetValue(chromedp.ID("f-standard"), std))
	c.clickWait(`form.filters button[type=submit]`, `document.querySelector('#reason-filter')`)
	var want []string
	for _, s := range truth["unrecorded"] {
		if strings.Contains(s, std) {
			want = append(want, s)
		}
	}
	if got := c.slugs(); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("by the form, unrecorded and %s: %v, want %v", std, got, want)
	}

	// A phone: the filtered queue is no wider than the screen.
	c.do("phone", chromedp.EmulateViewport(390, 844))
	c.open("/review?state=needs_attention&reason=facts.edition-year", "#queue")
	noOverflow(t, c.ctx, "queue filtered by reason")
}
