package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// The reasons seed: the 66 pairs of 12 standards, most needing attention
// for one of five reasons (the model failed, a broken answer, a placeholder
// left, a wrong edition year after a warning, nothing on record), the rest
// in review, some with the same errors; every 7th claimed by eve.
const reasonStandards = 12

func reasonID(i int) string { return fmt.Sprintf("rs-%02d", i) }

// reasonSeed is the findings and state of the seed's page n.
func reasonSeed(n int) (store.State, []finding.Finding) {
	warn := finding.Finding{Rule: "length.answer", Severity: finding.Warning, Field: "faq[0].answer", Message: "short"}
	switch n % 6 {
	case 0:
		return store.NeedsAttention, []finding.Finding{{Rule: "llm.error", Severity: finding.Error, Message: "the model refused the request"}}
	case 1:
		return store.NeedsAttention, []finding.Finding{{Rule: page.RuleJSONSyntax, Severity: finding.Error, Line: 3, Message: "invalid JSON"}}
	case 2:
		return store.NeedsAttention, []finding.Finding{errFinding}
	case 3:
		// A warning sorts first; the reason is the first error.
		return store.NeedsAttention, []finding.Finding{warn, {Rule: "facts.edition-year", Severity: finding.Error, Field: "verdict", Message: "2013, not 2022"}, errFinding}
	case 4:
		return store.NeedsAttention, nil
	}
	if n%12 == 5 {
		return store.InReview, []finding.Finding{errFinding} // an error, but in review: no reason
	}
	return store.InReview, nil
}

func seedReasons(e *env, ctx context.Context) {
	now := time.Now().UTC()
	sec := compose.Section(e.prof("gdpr"))
	for i := 0; i < reasonStandards; i++ {
		s := sec
		s.Standard = reasonID(i)
		rec := store.SectionRecord{Standard: reasonID(i), Section: s, Meta: store.Meta{State: store.InReview, Drafter: "offline", Inputs: store.Inputs{Hash: "h"}, Seq: 1, Drafted: 1, Updated: now}}
		if _, err := e.store.CreateSection(ctx, rec); err != nil {
			e.t.Fatal(err)
		}
	}
	pair := compose.Pair(e.prof("gdpr"), e.prof("iso-27001"))
	n := 0
	for i := 0; i < reasonStandards; i++ {
		for j := i + 1; j < reasonStandards; j++ {
			a, b := reasonID(i), reasonID(j)
			st, fs := reasonSeed(n)
			rec := store.PageRecord{Slug: page.Slug(a, b), Title: strings.ToUpper(a) + " vs " + strings.ToUpper(b), Standards: [2]string{a, b}, Pair: pair,
				Meta: store.Meta{State: st, Findings: fs, Drafter: "offline", Inputs: store.Inputs{Hash: "h"}, Seq: 1, Drafted: 1, Updated: now.Add(time.Duration(n) * time.Second)}}
			if n%7 == 0 {
				rec.Claim = &store.Claim{By: "eve", Until: now.Add(time.Hour)}
			}
			if _, err := e.store.CreatePage(ctx, rec); err != nil {
				e.t.Fatal(err)
			}
			n++
		}
	}
	want := reasonStandards * (reasonStandards - 1) / 2
	natstest.Eventually(e.t, 10*time.Second, "mirror holds the reasons seed", func() bool {
		return len(e.store.Pages()) == want && len(e.store.Sections()) == reasonStandards
	})
}

// reasonTruth is the slugs needing attention for each reason, read from the
// store record by record, by the rule the dashboard states: the rule of
// the first error, "unrecorded" with none. keep filters the pages.
func (e *env) reasonTruth(keep func(store.PageRecord) bool) map[string][]string {
	out := map[string][]string{}
	for _, m := range e.store.Pages() {
		p := e.page(m.Slug)
		if p.State != store.NeedsAttention || (keep != nil && !keep(p)) {
			continue
		}
		reason := "unrecorded"
		for _, f := range p.Findings {
			if f.Severity == finding.Error {
				reason = f.Rule
				break
			}
		}
		out[reason] = append(out[reason], p.Slug)
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

// apiSlugs walks GET /api/pages with q, limit at a time, and returns the
// slugs (sorted) and each row's reason.
func (e *env) apiSlugs(q string, limit int) ([]string, map[string]string, int) {
	e.t.Helper()
	cursor, slugs, reasons, total := "", []string{}, map[string]string{}, -1
	for range 100 {
		path := fmt.Sprintf("/api/pages?limit=%d&%s", limit, q)
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		code, out := e.do("GET", path, "vic", nil)
		if code != http.StatusOK {
			e.t.Fatalf("GET %s: %d %v", path, code, out)
		}
		for _, it := range out["pages"].([]any) {
			row := it.(map[string]any)
			s := row["slug"].(string)
			slugs = append(slugs, s)
			reasons[s], _ = row["reason"].(string)
		}
		total = int(out["total"].(float64))
		if cursor, _ = out["next"].(string); cursor == "" {
			slices.Sort(slugs)
			return slugs, reasons, total
		}
	}
	e.t.Fatalf("%s: cursors never end", q)
	return nil, nil, 0
}

var (
	reasonRowRE  = regexp.MustCompile(`<li class="qrow" data-slug="([^"]+)"`)
	whyRE        = regexp.MustCompile(`<span class="why" data-reason="([^"]+)">Why: ([^<]+)</span>`)
	reasonNextRE = regexp.MustCompile(`<a href="([^"]+)" rel="next" id="next-page">`)
	firstRE      = regexp.MustCompile(`<a href="([^"]+)" rel="first" id="first-page">`)
	pagerInfo    = regexp.MustCompile(`<p class="pager-info" id="pager-info">\d+–\d+ of (\d+)</p>`)
)

// queueWalk follows the queue's next links from path and returns the rows'
// slugs (sorted), the total the first page states and every link it
// followed.
func (b *browser) queueWalk(path string) (slugs []string, total int, links []string) {
	t := b.e.t
	t.Helper()
	for range 100 {
		code, body := b.get(path)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, code)
		}
		for _, m := range reasonRowRE.FindAllStringSubmatch(body, -1) {
			slugs = append(slugs, m[1])
		}
		if total == 0 {
			if m := pagerInfo.FindStringSubmatch(body); m != nil {
				fmt.Sscan(m[1], &total)
			}
		}
		if m := firstRE.FindStringSubmatch(body); m != nil {
			links = append(links, html.UnescapeString(m[1]))
		}
		m := reasonNextRE.FindStringSubmatch(body)
		if m == nil {
			slices.Sort(slugs)
			return slugs, total, links
		}
		path = html.UnescapeString(m[1])
		links = append(links, path)
	}
	t.Fatalf("%s: next links never end", path)
	return
}

// The reason filter, on GET /api/pages and on the queue, lists exactly the
// pages the store has needing attention for that reason, alone and with
// the other filters, as many as the dashboard counts; its pager keeps it.
func TestReasonFilter(t *testing.T) {
	e := newEnvSeeded(t, seedReasons)
	b := e.browser()
	b.login("vic", password)

	_, dash := e.do("GET", "/api/dashboard", "vic", nil)
	counted := map[string]int{}
	for _, x := range dash["needs_attention_by_reason"].([]any) {
		r := x.(map[string]any)
		counted[r["reason"].(string)] = int(r["count"].(float64))
	}
	all := e.reasonTruth(nil)
	if len(all) != 5 {
		t.Fatalf("the seed has %d reasons, want 5: %v", len(all), all)
	}
	for reason, slugs := range all {
		if counted[reason] != len(slugs) {
			t.Errorf("the dashboard counts %d pages for %s, the store has %d", counted[reason], reason, len(slugs))
		}
	}
	if len(counted) != len(all) {
		t.Errorf("the dashboard counts reasons %v, the store has %d", counted, len(all))
	}

	std := reasonID(3)
	hasStd := func(p store.PageRecord) bool { return p.Standards[0] == std || p.Standards[1] == std }
	claimed := func(p store.PageRecord) bool { return p.Claim.Active(time.Now()) }
	warned := func(p store.PageRecord) bool { _, w := finding.Count(p.Findings); return w > 0 }
	for _, c := range []struct {
		name, q string
		reason  string
		keep    func(store.PageRecord) bool
	}{
		{"the model failed", "reason=llm.error", "llm.error", nil},
		{"a broken answer", "reason=schema.json-syntax", "schema.json-syntax", nil},
		{"a rule, though pages in review have it too", "reason=meta.placeholder", "meta.placeholder", nil},
		{"the first error, after a warning", "reason=facts.edition-year", "facts.edition-year", nil},
		{"nothing on record", "reason=unrecorded", "unrecorded", nil},
		{"with the state it implies", "state=needs_attention&reason=llm.error", "llm.error", nil},
		{"with a standard", "reason=meta.placeholder&standard=" + std, "meta.placeholder", hasStd},
		{"with a standard, another reason", "reason=unrecorded&standard=" + std, "unrecorded", hasStd},
		{"with the claim", "reason=llm.error&claimed=yes", "llm.error", claimed},
		{"with findings", "reason=facts.edition-year&findings=warnings", "facts.edition-year", warned},
		{"with findings that exclude it", "reason=unrecorded&findings=errors", "unrecorded", func(store.PageRecord) bool { return false }},
		{"a known rule no page has", "reason=markup.raw-html", "markup.raw-html", nil},
		{"with an order", "reason=schema.json-syntax&sort=age", "schema.json-syntax", nil},
	} {
		want := e.reasonTruth(c.keep)[c.reason]
		if want == nil {
			want = []string{}
		}
		got, reasons, total := e.apiSlugs(c.q, 4)
		if !slices.Equal(got, want) || total != len(want) {
			t.Errorf("%s: API %s: %v (total %d), want %v", c.name, c.q, got, total, want)
		}
		for s, r := range reasons {
			if r != c.reason {
				t.Errorf("%s: API row %s says reason %q", c.name, s, r)
			}
		}
		// The queue, 3 rows a page, through its next links.
		path := "/review?limit=3&" + c.q
		rows, shown, links := b.queueWalk(path)
		if !slices.Equal(rows, want) || (len(want) > 0 && shown != len(want)) {
			t.Errorf("%s: queue %s: %v (of %d), want %v", c.name, path, rows, shown, want)
		}
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || u.Query().Get("reason") != c.reason {
				t.Errorf("%s: the pager's link %s drops the reason", c.name, l)
			}
		}
		if len(want) > 3 && len(links) < 2 {
			t.Errorf("%s: %d rows over %d links: the pager did not page", c.name, len(want), len(links))
		}
		if c.keep == nil && len(want) != counted[c.reason] {
			t.Errorf("%s: %d rows, the dashboard counts %d", c.name, len(want), counted[c.reason])
		}
	}

	// Every reason the dashboard shows links to the queue filtered by it,
	// and that queue shows as many rows as the dashboard counts.
	_, dhtml := b.get("/review/dashboard")
	for reason, n := range counted {
		href := "/review?" + url.Values{"state": {"needs_attention"}, "reason": {reason}}.Encode()
		if !strings.Contains(dhtml, `<a href="`+html.EscapeString(href)+`">`) {
			t.Errorf("the dashboard does not link %s to %s", reason, href)
			continue
		}
		rows, shown, _ := b.queueWalk(href)
		if len(rows) != n || shown != n {
			t.Errorf("%s: the dashboard counts %d, its link lists %d rows (%d said)", reason, n, len(rows), shown)
		}
	}
}

// Each row needing attention says why in words; rows in review say nothing.
func TestQueueRowSaysReason(t *testing.T) {
	e := newEnvSeeded(t, seedReasons)
	b := e.browser()
	b.login("vic", password)
	_, body := b.get("/review?state=needs_attention&limit=100")
	truth := map[string]string{}
	for reason, slugs := range e.reasonTruth(nil) {
		for _, s := range slugs {
			truth[s] = reason
		}
	}
	words := map[string]string{
		"llm.error": "the model could not write a draft", "schema.json-syntax": "the model's answer was not valid JSON",
		"meta.placeholder": "error left: placeholder (notes left in the text)", "facts.edition-year": "error left: edition year (facts)",
		"unrecorded": "no error on record; see its history",
	}
	rows := strings.Split(body, `<li class="qrow"`)[1:]
	if len(rows) != len(truth) {
		t.Fatalf("%d rows needing attention, the store has %d", len(rows), len(truth))
	}
	for _, r := range rows {
		slug := strings.SplitN(strings.TrimPrefix(r, ` data-slug="`), `"`, 2)[0]
		m := whyRE.FindStringSubmatch(r)
		if m == nil {
			t.Errorf("row %s does not say why it needs attention", slug)
			continue
		}
		if m[1] != truth[slug] || html.UnescapeString(m[2]) != words[truth[slug]] {
			t.Errorf("row %s says %q (%s), want %q (%s)", slug, m[2], m[1], words[truth[slug]], truth[slug])
		}
	}
	_, body = b.get("/review?state=in_review&limit=100")
	if strings.Contains(body, `class="why"`) {
		t.Error("a row in review says why it needs attention")
	}
	// Filtered, the queue says by what and offers the way back; its form
	// keeps the reason and counts each.
	_, body = b.get("/review?state=needs_attention&reason=llm.error")
	for _, want := range []string{
		`<p class="filtered" id="reason-filter">Only pages needing attention for: the model could not write a draft (<code>llm.error</code>). <a href="/review?state=needs_attention">Every reason</a></p>`,
		`<option value="llm.error" selected>the model could not write a draft (11)</option>`,
		`<option value="unrecorded">no error on record; see its history (11)</option>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the filtered queue lacks %s", want)
		}
	}
	// The tabs switch state: they drop the reason.
	if strings.Contains(body, `class="tab`) && regexp.MustCompile(`href="[^"]*reason=[^"]*" class="tab`).MatchString(body) {
		t.Error("a tab keeps the reason filter")
	}
}

// A reason no page can have is refused, naming it, on the API and the
// queue; so is a reason with a state it cannot go with, and the reason
// filter without a token.
func TestReasonRefused(t *testing.T) {
	e := newEnvSeeded(t, seedReasons)
	b := e.browser()
	b.login("vic", password)
	for _, c := range []struct {
		q, user string
		code    int
		says    []string
	}{
		{"reason=llm.eror", "vic", http.StatusBadRequest, []string{`unknown reason "llm.eror"`, "facts.edition-year, llm.error, meta.placeholder, schema.json-syntax, unrecorded"}},
		{"reason=drafting+failed", "vic", http.StatusBadRequest, []string{`unknown reason "drafting failed"`}},
		{"reason=llm.error&state=in_review", "vic", http.StatusBadRequest, []string{"reason picks pages needing attention", "state=in_review"}},
		{"reason=llm.error", "", http.StatusUnauthorized, []string{"need an API token"}},
		{"reason=llm.eror", "", http.StatusUnauthorized, []string{"need an API token"}},
	} {
		code, out := e.do("GET", "/api/pages?"+c.q, c.user, nil)
		msg, _ := out["error"].(string)
		if code != c.code {
			t.Errorf("API %s: %d %v, want %d", c.q, code, out, c.code)
		}
		for _, s := range c.says {
			if !strings.Contains(msg, s) {
				t.Errorf("API %s: %q does not say %q", c.q, msg, s)
			}
		}
		if c.user == "" && strings.Contains(msg, "llm.error") {
			t.Errorf("API %s: a visitor is told the reasons pages have: %q", c.q, msg)
		}
		if c.user == "" {
			continue
		}
		code, body := b.get("/review?" + c.q)
		if code != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), c.says[0]) {
			t.Errorf("queue %s: %d, want 400 naming %q", c.q, code, c.says[0])
		}
	}
}
