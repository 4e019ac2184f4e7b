package site

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// pageMap is an in-memory page store.
type pageMap map[string]page.Page

// fixtureReviewed is when every fixture page was last reviewed.
var fixtureReviewed = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

func (m pageMap) PublishedPage(_ context.Context, slug string) (Published, bool, error) {
	p, ok := m[slug]
	return Published{Page: p, Reviewed: fixtureReviewed}, ok, nil
}

func (m pageMap) PublishedPages(context.Context) ([]Published, error) {
	out := make([]Published, 0, len(m))
	for _, p := range m {
		out = append(out, Published{Page: p, Reviewed: fixtureReviewed})
	}
	return out, nil
}

var fixture struct {
	once  sync.Once
	dir   string
	srv   *httptest.Server
	set   *profile.Set
	pages pageMap
	ix    *index.Index
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.srv != nil {
		fixture.srv.Close()
	}
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// server is a site over a real index of every pair's composed page, built
// once for the package's tests.
func server(t *testing.T) (*httptest.Server, *profile.Set, pageMap) {
	t.Helper()
	fixture.once.Do(func() {
		fixture.set, fixture.err = profile.Load(filepath.Join("..", "..", "profiles"))
		if fixture.err != nil {
			return
		}
		fixture.pages = pageMap{}
		for _, pr := range fixture.set.Pairs() {
			p := compose.Page(pr[0], pr[1])
			fixture.pages[p.Slug] = p
		}
		// One page carries markup where an LLM might put it.
		evil := fixture.pages["gdpr-vs-sox"]
		evil.Verdict = `Both matter. <script>alert("x")</script><img src=x onerror=alert(1)> zebra`
		fixture.pages[evil.Slug] = evil

		fixture.dir, fixture.err = os.MkdirTemp("", "versus-site-test-")
		if fixture.err != nil {
			return
		}
		var ix *index.Index
		ix, fixture.err = index.Open(fixture.dir, fixture.set)
		if fixture.err != nil {
			return
		}
		fixture.err = ix.Reindex(context.Background(), func(yield func(index.Doc) bool) {
			for _, p := range fixture.pages {
				if !yield(index.DocFromPage(p, fixture.set)) {
					return
				}
			}
		})
		fixture.ix = ix
		fixture.srv = httptest.NewServer(Handler(ix, fixture.set, fixture.pages))
	})
	if fixture.err != nil {
		if os.IsNotExist(fixture.err) {
			t.Skipf("profiles not found: %v", fixture.err)
		}
		t.Fatal(fixture.err)
	}
	return fixture.srv, fixture.set, fixture.pages
}

func get(t *testing.T, srv *httptest.Server, path string) (int, http.Header, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

func TestAPISearch(t *testing.T) {
	srv, set, _ := server(t)
	code, h, body := get(t, srv, "/api/search?q="+url.QueryEscape("27001 vs soc 2")+"&limit=5")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	// The search's own time, which the scale bench reports.
	if st := h.Get("Server-Timing"); !regexp.MustCompile(`^search;dur=[0-9]+\.[0-9]{3}$`).MatchString(st) {
		t.Errorf("Server-Timing %q, want search;dur=<ms>", st)
	}
	// The same query again is answered from the result cache, and says so.
	if _, h2, _ := get(t, srv, "/api/search?q="+url.QueryEscape("27001 vs soc 2")+"&limit=5"); !regexp.MustCompile(`^search;dur=[0-9]+\.[0-9]{3}, cache;desc=hit$`).MatchString(h2.Get("Server-Timing")) {
		t.Errorf("Server-Timing %q on a repeated query, want search;dur=<ms>, cache;desc=hit", h2.Get("Server-Timing"))
	}
	// The contract's shape, read generically.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total", "hits", "facets"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("answer lacks %q: %s", k, body)
		}
	}
	var res struct {
		Total  int `json:"total"`
		Hits   []map[string]json.RawMessage
		Facets map[string][]struct {
			Term  string `json:"term"`
			Count int    `json:"count"`
		}
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total < 1 || len(res.Hits) == 0 || len(res.Hits) > 5 {
		t.Fatalf("total %d, %d hits", res.Total, len(res.Hits))
	}
	for _, k := range []string{"slug", "title", "score", "fragments"} {
		if _, ok := res.Hits[0][k]; !ok {
			t.Errorf("hit lacks %q", k)
		}
	}
	if string(res.Hits[0]["slug"]) != `"iso-27001-vs-soc-2"` {
		t.Errorf("first hit %s, want iso-27001-vs-soc-2", res.Hits[0]["slug"])
	}
	if len(res.Facets["standard"]) == 0 {
		t.Error("no standard facet")
	}

	// standard accepts any name of the standard and filters by it.
	code, _, body = get(t, srv, "/api/search?q=privacy&limit=100&standard="+url.QueryEscape("SOC 2"))
	if code != http.StatusOK {
		t.Fatalf("standard by name: %d %s", code, body)
	}
	var filtered index.Result
	if err := json.Unmarshal([]byte(body), &filtered); err != nil {
		t.Fatal(err)
	}
	if filtered.Total == 0 || filtered.Total > set.Len()-1 {
		t.Errorf("filtered total %d", filtered.Total)
	}
	for _, h := range filtered.Hits {
		if !strings.HasPrefix(h.Slug, "soc-2-vs-") && !strings.HasSuffix(h.Slug, "-vs-soc-2") {
			t.Errorf("hit %s does not name soc-2", h.Slug)
		}
	}
}

func TestAPISearchBadRequests(t *testing.T) {
	srv, _, _ := server(t)
	for _, tt := range []struct{ query, mention string }{
		{"q=gdpr&limit=abc", "limit"},
		{"q=gdpr&limit=0", "limit"},
		{"q=gdpr&limit=101", "limit"},
		{"q=gdpr&offset=-1", "offset"},
		{"q=gdpr&standard=iso-99999", `"iso-99999"`},
		{"q=" + strings.Repeat("a", 400), "too long"},
	} {
		code, _, body := get(t, srv, "/api/search?"+tt.query)
		if code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tt.query, code)
			continue
		}
		var e struct{ Error string }
		if err := json.Unmarshal([]byte(body), &e); err != nil || !strings.Contains(e.Error, tt.mention) {
			t.Errorf("%s: error %q should mention %s (%v)", tt.query, e.Error, tt.mention, err)
		}
	}
}

func TestAPISuggest(t *testing.T) {
	srv, _, _ := server(t)
	code, _, body := get(t, srv, "/api/suggest?q=hipa")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	var s struct{ Suggestions []index.Suggestion }
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Suggestions) == 0 || !strings.Contains(s.Suggestions[0].Title, "HIPAA") {
		t.Errorf("suggestions %+v", s.Suggestions)
	}
	_, _, body = get(t, srv, "/api/suggest?q=")
	if !strings.Contains(body, `"suggestions":[]`) {
		t.Errorf("empty prefix: %s", body)
	}
}

func TestSearchPage(t *testing.T) {
	srv, _, _ := server(t)
	code, h, body := get(t, srv, "/search?q=gdpr")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	for _, want := range []string{
		`<form class="searchbox" action="/search" method="get"`, // works without JS
		`value="gdpr"`,
		`href="/compare/`,
		`<mark>`,
		`rel="next" href="/search?offset=10&amp;q=gdpr"`,
		`href="/search?q=gdpr&amp;standard=gdpr"`, // a facet link
		`<script src="/static/suggest.js" defer></script>`,
		`name="viewport"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	if strings.Contains(body, `rel="prev"`) {
		t.Error("first page has a previous link")
	}
	_, _, body = get(t, srv, "/search?q=gdpr&offset=10")
	if !strings.Contains(body, `rel="prev" href="/search?q=gdpr"`) {
		t.Error("second page lacks the previous link")
	}

	// Highlighted text from a page is escaped; only <mark> is markup.
	_, _, body = get(t, srv, "/search?q=zebra")
	if !strings.Contains(body, "<mark>zebra</mark>") {
		t.Error("zebra not highlighted")
	}
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img") {
		t.Error("page markup leaked into the search page")
	}

	code, _, body = get(t, srv, "/search?q=gdpr&limit=abc")
	if code != http.StatusBadRequest || !strings.Contains(body, "limit must be") {
		t.Errorf("bad limit: %d", code)
	}
	code, _, body = get(t, srv, "/search")
	if code != http.StatusOK || !strings.Contains(body, "Compare compliance standards") {
		t.Errorf("empty search: %d", code)
	}
}

func TestComparePage(t *testing.T) {
	srv, _, _ := server(t)
	code, _, body := get(t, srv, "/compare/iso-27001-vs-soc-2")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if !strings.Contains(body, "<h1") || !strings.Contains(body, "ISO 27001 vs SOC 2") {
		t.Error("page lacks its title")
	}
	_, _, body = get(t, srv, "/compare/gdpr-vs-sox")
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "onerror") {
		t.Error("unsanitized page body")
	}
	if code, _, _ := get(t, srv, "/compare/nope-vs-nothing"); code != http.StatusNotFound {
		t.Errorf("unknown page: %d, want 404", code)
	}
	if code, h, _ := get(t, srv, "/static/site.css"); code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/css") {
		t.Errorf("css: %d %s", code, h.Get("Content-Type"))
	}
}

func TestFragmentHTML(t *testing.T) {
	for in, want := range map[string]string{
		"a <mark>b</mark> c":            "a <mark>b</mark> c",
		"&lt;script&gt; <mark>x</mark>": "&lt;script&gt; <mark>x</mark>",
		"<script>alert(1)</script>":     "&lt;script&gt;alert(1)&lt;/script&gt;",
		"<mark>open":                    "<mark>open</mark>",
		"</mark>stray":                  "&lt;/mark&gt;stray",
		`<mark onclick="x">y</mark>`:    `&lt;mark onclick=&#34;x&#34;&gt;y&lt;/mark&gt;`,
		"AT&amp;T":                      "AT&amp;T",
	} {
		if got := string(fragmentHTML(in)); got != want {
			t.Errorf("fragmentHTML(%q) = %q, want %q", in, got, want)
		}
	}
}
