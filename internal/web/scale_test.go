package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// The site-scale set: 32 standards, so 496 pages, with real page content.
const (
	bigStandards = 32
	bigPages     = bigStandards * (bigStandards - 1) / 2
)

func bigID(i int) string { return fmt.Sprintf("std-%02d", i) }

// seedBig stores 32 sections (the first 16 approved) and the 496 pages of
// their pairs, all in review but for a few: every 25th needs attention,
// every 10th has an error, every 40th is claimed by eve.
func seedBig(e *env, ctx context.Context) {
	t := e.t
	now := time.Now().UTC()
	ga, gb := e.prof("gdpr"), e.prof("iso-27001")
	sec := compose.Section(ga)
	for i := 0; i < bigStandards; i++ {
		s := sec
		s.Standard = bigID(i)
		rec := store.SectionRecord{Standard: bigID(i), Section: s, Meta: store.Meta{State: store.InReview, Drafter: "offline", Inputs: store.Inputs{Hash: "h"}, Seq: 1, Drafted: 1, Updated: now}}
		if i < bigStandards/2 {
			rec.State = store.Approved
			c := s
			rec.Approved = &c
		}
		if _, err := e.store.CreateSection(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	pair := compose.Pair(ga, gb)
	n := 0
	for i := 0; i < bigStandards; i++ {
		for j := i + 1; j < bigStandards; j++ {
			a, b := bigID(i), bigID(j)
			rec := store.PageRecord{Slug: page.Slug(a, b), Title: strings.ToUpper(a) + " vs " + strings.ToUpper(b), Standards: [2]string{a, b}, Pair: pair,
				Meta: store.Meta{State: store.InReview, Drafter: "offline", Inputs: store.Inputs{Hash: "h"}, Seq: 1, Drafted: 1, Updated: now.Add(time.Duration(n) * time.Second)}}
			switch {
			case n%25 == 0:
				rec.State = store.NeedsAttention
				rec.Findings = []finding.Finding{errFinding}
			case n%10 == 0:
				rec.Findings = []finding.Finding{errFinding, warnFinding}
			}
			if n%40 == 1 {
				rec.Claim = &store.Claim{By: "eve", Until: now.Add(time.Hour)}
			}
			if _, err := e.store.CreatePage(ctx, rec); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	natstest.Eventually(t, 10*time.Second, "mirror holds the big set", func() bool {
		return len(e.store.Pages()) == bigPages && len(e.store.Sections()) == bigStandards
	})
}

// getRaw answers the status and raw body of an API GET as user.
func (e *env) getRaw(path, user string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// walk follows next cursors from path, returning every slug in order and
// the largest body.
func (e *env) walk(path, user, listKey, itemKey string) (keys []string, total int, biggest int) {
	e.t.Helper()
	cursor := ""
	for range 1000 {
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		code, raw := e.getRaw(p, user)
		biggest = max(biggest, len(raw))
		_, out := e.do("GET", p, user, nil)
		if code != http.StatusOK {
			e.t.Fatalf("GET %s: %d %s", p, code, raw)
		}
		for _, it := range out[listKey].([]any) {
			keys = append(keys, it.(map[string]any)[itemKey].(string))
		}
		total = int(out["total"].(float64))
		cursor, _ = out["next"].(string)
		if cursor == "" {
			return keys, total, biggest
		}
	}
	e.t.Fatalf("%s: cursors never end", path)
	return
}

func TestAPIPagesPagedAt496(t *testing.T) {
	e := newEnvSeeded(t, seedBig)
	code, raw := e.getRaw("/api/pages?limit=100", "ed")
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, raw)
	}
	t.Logf("GET /api/pages?limit=100: %.1f KB", float64(len(raw))/1024)
	if len(raw) >= 200<<10 {
		t.Errorf("body is %d bytes, want under 200 KB", len(raw))
	}
	_, first := e.do("GET", "/api/pages?limit=100", "ed", nil)
	if n := len(first["pages"].([]any)); n != 100 {
		t.Errorf("answered %d pages, want 100", n)
	}
	if first["next"] == "" || first["total"].(float64) != bigPages {
		t.Errorf("next %q, total %v; want a cursor and %d", first["next"], first["total"], bigPages)
	}

	for _, order := range []string{"slug", "age", "priority"} {
		slugs, total, biggest := e.walk("/api/pages?limit=100&sort="+order, "ed", "pages", "slug")
		seen := map[string]int{}
		for _, s := range slugs {
			seen[s]++
		}
		if len(slugs) != bigPages || len(seen) != bigPages || total != bigPages {
			t.Errorf("sort=%s: visited %d slugs (%d distinct), total %d; want every one of %d once", order, len(slugs), len(seen), total, bigPages)
		}
		if biggest >= 200<<10 {
			t.Errorf("sort=%s: a page of 100 is %d bytes", order, biggest)
		}
	}

	// The default limit is 100 and the maximum 500.
	_, def := e.do("GET", "/api/pages", "ed", nil)
	_, huge := e.do("GET", "/api/pages?limit=100000", "ed", nil)
	if len(def["pages"].([]any)) != 100 || len(huge["pages"].([]any)) != bigPages || huge["next"] != "" {
		t.Errorf("default page %d, limit=100000 page %d next %q", len(def["pages"].([]any)), len(huge["pages"].([]any)), huge["next"])
	}
	for _, bad := range []string{"limit=0", "limit=x", "cursor=zzz", "findings=some", "claimed=maybe", "sort=size"} {
		if code, _ := e.do("GET", "/api/pages?"+bad, "ed", nil); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
}

func TestAPIPagesServerFilters(t *testing.T) {
	e := newEnvSeeded(t, seedBig)
	count := func(q string) int {
		t.Helper()
		code, out := e.do("GET", "/api/pages?limit=500&"+q, "ed", nil)
		if code != http.StatusOK {
			t.Fatalf("%s: %d %v", q, code, out)
		}
		if n := len(out["pages"].([]any)); n != int(out["total"].(float64)) {
			t.Fatalf("%s: %d rows but total %v", q, n, out["total"])
		}
		return len(out["pages"].([]any))
	}
	// Expected counts from the seed.
	var attention, errs, claimed, std0 int
	for n := 0; n < bigPages; n++ {
		if n%25 == 0 {
			attention++
		} else if n%10 == 0 {
			errs++
		}
		if n%40 == 1 {
			claimed++
		}
	}
	std0 = bigStandards - 1
	for _, c := range []struct {
		q    string
		want int
	}{
		{"state=needs_attention", attention},
		{"state=in_review", bigPages - attention},
		{"findings=errors", attention + errs},
		{"findings=clean", bigPages - attention - errs},
		{"claimed=yes", claimed},
		{"claimed=no", bigPages - claimed},
		{"standard=std-00", std0},
		{"standard=std-00&state=needs_attention", 2}, // pages 0 and 25 of the seed
		{"state=approved", 0},
	} {
		if got := count(c.q); got != c.want {
			t.Errorf("%s: %d pages, want %d", c.q, got, c.want)
		}
	}
	// Priority puts attention first, then errors, then pages one approval from live.
	_, out := e.do("GET", "/api/pages?limit=500&sort=priority", "ed", nil)
	rows := out["pages"].([]any)
	first := rows[0].(map[string]any)
	if first["state"] != "needs_attention" {
		t.Errorf("priority order starts with %v", first)
	}
	afterErrs := rows[attention+errs].(map[string]any)
	// Both of its standards are among the first 16, whose sections are approved.
	if afterErrs["errors"].(float64) != 0 || !strings.HasPrefix(afterErrs["slug"].(string), "std-0") {
		t.Errorf("after the errors comes %v, want a clean page one approval from live", afterErrs)
	}
	// Sections and admin lists page too.
	secs, total, _ := e.walk("/api/sections?limit=5", "ed", "sections", "standard")
	if len(secs) != bigStandards || total != bigStandards {
		t.Errorf("sections: walked %d, total %d", len(secs), total)
	}
	users, total, _ := e.walk("/api/users?limit=1", "root", "users", "name")
	if len(users) != 4 || total != 4 || strings.Join(users, ",") != "ed,eve,root,vic" {
		t.Errorf("users: %v, total %d", users, total)
	}
}

func TestAPIPagesAnonymousPaged(t *testing.T) {
	e := newEnvSeeded(t, seedBig)
	ctx := context.Background()
	// Publish three pages whose sections are approved.
	for _, slug := range []string{"std-01-vs-std-02", "std-01-vs-std-03", "std-02-vs-std-03"} {
		p := e.page(slug)
		if _, err := e.svc.Approve(ctx, "ed", slug, p.Revision, ""); err != nil {
			t.Fatal(err)
		}
	}
	natstest.Eventually(t, 5*time.Second, "mirror sees the approvals", func() bool {
		_, out := e.do("GET", "/api/pages?limit=500", "", nil)
		return out["total"] == float64(3)
	})
	slugs, total, _ := e.walk("/api/pages?limit=2", "", "pages", "slug")
	if total != 3 || strings.Join(slugs, ",") != "std-01-vs-std-02,std-01-vs-std-03,std-02-vs-std-03" {
		t.Errorf("anonymous walk: %v total %d", slugs, total)
	}
	_, out := e.do("GET", "/api/pages?limit=1", "", nil)
	for k := range out["pages"].([]any)[0].(map[string]any) {
		switch k {
		case "slug", "title", "state", "standards", "published":
		default:
			t.Errorf("anonymous list shows %q", k)
		}
	}
	if code, _ := e.do("GET", "/api/pages?claimed=yes", "", nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous claimed filter: %d, want 401", code)
	}
}

var nextRE = regexp.MustCompile(`<a href="([^"]+)" rel="next" id="next-page">`)

// The signed-in queue with 496 pages in review is one screen of 50 rows,
// at most 150 KB, with counts per state and standard and a link to the
// next page; following the links shows every page once, what needs a
// person first.
func TestQueuePagesAt496(t *testing.T) {
	e := newEnvSeeded(t, seedBig)
	b := e.browser()
	b.login("ed", password)
	code, html := b.get("/review")
	if code != http.StatusOK {
		t.Fatalf("queue: %d", code)
	}
	t.Logf("queue page with %d pages in review: %.1f KB", bigPages, float64(len(html))/1024)
	if len(html) > 150<<10 {
		t.Errorf("queue page is %d bytes, want at most 150 KB", len(html))
	}
	if n := strings.Count(html, `class="qrow"`); n != 50 {
		t.Errorf("%d rows, want 50", n)
	}
	for _, want := range []string{
		`data-state="open" aria-current="page">To review <span class="count">496</span>`,
		`data-state="needs_attention">needs attention <span class="count">20</span>`,
		`<option value="std-00">std-00 (31)</option>`,
		`1–50 of 496`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	// Walk the pages by their next links.
	seen := map[string]int{}
	var order []string
	page := html
	for i := 0; ; i++ {
		for _, m := range rowRE.FindAllStringSubmatch(page, -1) {
			seen[m[1]]++
			order = append(order, m[1])
		}
		m := nextRE.FindStringSubmatch(page)
		if m == nil {
			break
		}
		if i > 20 {
			t.Fatal("next links never end")
		}
		_, page = b.get(strings.ReplaceAll(m[1], "&amp;", "&"))
		if !strings.Contains(page, `rel="first"`) {
			t.Error("a later page has no link to the first")
		}
	}
	if len(order) != bigPages || len(seen) != bigPages {
		t.Errorf("walked %d rows (%d distinct), want each of %d once", len(order), len(seen), bigPages)
	}
	// Needs attention first (20 of them), then the pages with errors.
	first := e.page(order[0])
	if first.State != store.NeedsAttention {
		t.Errorf("the queue starts with %s (%s)", order[0], first.State)
	}
	if p := e.page(order[20]); len(p.Findings) == 0 {
		t.Errorf("row 21 is %s with no findings; want the pages with errors next", order[20])
	}

	// Filters are applied by the server.
	for _, c := range []struct {
		q    string
		rows int
		info string
	}{
		{"?standard=std-31", 31, "1–31 of 31"},
		{"?claimed=yes", 13, "1–13 of 13"},
		{"?findings=errors&standard=std-00", 5, "1–5 of 5"},
		{"?state=needs_attention", 20, "1–20 of 20"},
	} {
		_, h := b.get("/review" + c.q)
		if n := strings.Count(h, `class="qrow"`); n != c.rows || !strings.Contains(h, c.info) {
			t.Errorf("%s: %d rows, want %d and %q", c.q, n, c.rows, c.info)
		}
		if nextRE.MatchString(h) {
			t.Errorf("%s: a next link on the only page", c.q)
		}
	}
}

var rowRE = regexp.MustCompile(`<li class="qrow" data-slug="([^"]+)"`)

// After a bulk approval the queue shown with the results already leaves
// the approved rows out, and its counts match.
func TestBulkApproveQueueMatches(t *testing.T) {
	e := newEnvSeeded(t, seedBig)
	b := e.browser()
	csrf := b.login("ed", password)
	form := url.Values{"csrf": {csrf}, "back": {"/review?sort=slug"}}
	var picked []string
	for _, p := range e.store.Pages() {
		if len(picked) == 40 {
			break
		}
		if p.State == store.InReview && len(p.Findings) == 0 {
			picked = append(picked, p.Slug)
			form.Add("page", fmt.Sprintf("%s@%d", p.Slug, p.Revision))
		}
	}
	code, html, _ := b.post("/review/bulk-approve", form)
	if code != http.StatusOK {
		t.Fatalf("bulk approve: %d", code)
	}
	if n := strings.Count(html, `<li class="ok">`); n != len(picked) {
		t.Fatalf("%d approved of %d", n, len(picked))
	}
	for _, s := range picked {
		if strings.Contains(html, `class="qrow" data-slug="`+s+`"`) {
			t.Errorf("%s, just approved, is still a row of the queue", s)
		}
	}
	if want := fmt.Sprintf(`To review <span class="count">%d</span>`, bigPages-len(picked)); !strings.Contains(html, want) {
		t.Errorf("queue counts lack %q", want)
	}
	if want := fmt.Sprintf(`approved <span class="count">%d</span>`, len(picked)); !strings.Contains(html, want) {
		t.Errorf("queue counts lack %q", want)
	}
}
