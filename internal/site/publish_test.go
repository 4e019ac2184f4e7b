package site

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

const publicURL = "https://compliance.example/guides"

// liveCatalog is a catalog a test publishes into and unpublishes from.
type liveCatalog struct {
	mu    sync.Mutex
	pages map[string]Published
}

func newLive(pages pageMap, slugs ...string) *liveCatalog {
	c := &liveCatalog{pages: map[string]Published{}}
	for _, s := range slugs {
		c.publish(pages[s], fixtureReviewed)
	}
	return c
}

func (c *liveCatalog) publish(p page.Page, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pages[p.Slug] = Published{Page: p, Reviewed: at}
}

func (c *liveCatalog) unpublish(slug string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pages, slug)
}

func (c *liveCatalog) PublishedPage(_ context.Context, slug string) (Published, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[slug]
	return p, ok, nil
}

func (c *liveCatalog) PublishedPages(context.Context) ([]Published, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Published, 0, len(c.pages))
	for _, p := range c.pages {
		out = append(out, p)
	}
	return out, nil
}

// serve runs one request against h.
func serve(t *testing.T, h http.Handler, path string) (int, http.Header, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Header(), rec.Body.String()
}

func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// find returns the elements for which match is true, in document order.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(n, func(n *html.Node) {
		if match(n) {
			out = append(out, n)
		}
	})
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func tagAttr(tag, key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag && attr(n, key) == val }
}

// TestComparePageFoundAndShared: a published page carries its canonical
// link, Open Graph and Twitter tags, and JSON-LD whose FAQPage is the
// page's own FAQ, whose breadcrumbs lead home, and whose article has the
// review date; the at-a-glance box, contents and related comparisons are
// there, and every contents link lands on a heading.
func TestComparePageFoundAndShared(t *testing.T) {
	_, set, pages := server(t)
	slug := findSlug(t, pages, "iso-27001", "soc-2")
	var others []string
	for s, p := range pages {
		if st := p.Standards; s != slug && (slices.Contains(st[:], "iso-27001") || slices.Contains(st[:], "soc-2")) {
			others = append(others, s)
		}
	}
	live := newLive(pages, append(others, slug)...)
	h := Handler(fixture.ix, set, live, WithPublicURL(publicURL+"/"))
	code, hdr, body := serve(t, h, "/compare/"+slug)
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if lm := hdr.Get("Last-Modified"); lm != fixtureReviewed.Format(http.TimeFormat) {
		t.Errorf("Last-Modified %q", lm)
	}
	p := pages[slug]
	doc := parseHTML(t, body)
	canon := publicURL + "/compare/" + slug
	one := func(what string, match func(*html.Node) bool, key, want string) {
		t.Helper()
		ns := find(doc, match)
		if len(ns) != 1 {
			t.Errorf("%s: %d elements, want 1", what, len(ns))
			return
		}
		if got := attr(ns[0], key); got != want {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	one("canonical", tagAttr("link", "rel", "canonical"), "href", canon)
	one("og:url", tagAttr("meta", "property", "og:url"), "content", canon)
	one("og:title", tagAttr("meta", "property", "og:title"), "content", p.Title)
	one("og:description", tagAttr("meta", "property", "og:description"), "content", p.Description)
	one("og:type", tagAttr("meta", "property", "og:type"), "content", "article")
	one("twitter:card", tagAttr("meta", "name", "twitter:card"), "content", "summary")
	one("twitter:title", tagAttr("meta", "name", "twitter:title"), "content", p.Title)
	if n := find(doc, tagAttr("meta", "name", "robots")); len(n) != 0 {
		t.Errorf("a published page says robots %q", attr(n[0], "content"))
	}

	// JSON-LD.
	scripts := find(doc, tagAttr("script", "type", "application/ld+json"))
	if len(scripts) != 1 || scripts[0].FirstChild == nil {
		t.Fatalf("%d JSON-LD scripts", len(scripts))
	}
	var ld struct {
		Context string            `json:"@context"`
		Graph   []json.RawMessage `json:"@graph"`
	}
	if err := json.Unmarshal([]byte(scripts[0].FirstChild.Data), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, scripts[0].FirstChild.Data)
	}
	byType := map[string]map[string]any{}
	for _, g := range ld.Graph {
		var m map[string]any
		_ = json.Unmarshal(g, &m)
		byType[m["@type"].(string)] = m
	}
	art := byType["Article"]
	if art == nil || art["dateModified"] != fixtureReviewed.Format(time.RFC3339) || art["url"] != canon || art["headline"] != p.Title {
		t.Errorf("Article %v", art)
	}
	faq := byType["FAQPage"]
	if faq == nil {
		t.Fatal("no FAQPage")
	}
	var qs []string
	for _, q := range faq["mainEntity"].([]any) {
		m := q.(map[string]any)
		ans := m["acceptedAnswer"].(map[string]any)
		if m["@type"] != "Question" || ans["@type"] != "Answer" || ans["text"] == "" {
			t.Errorf("FAQ entry %v", m)
		}
		qs = append(qs, m["name"].(string))
	}
	var want []string
	for _, qa := range p.FAQ {
		want = append(want, qa.Question)
	}
	if !slices.Equal(qs, want) {
		t.Errorf("FAQPage questions %q, want the page's %q", qs, want)
	}
	bc := byType["BreadcrumbList"]
	items, _ := bc["itemListElement"].([]any)
	if len(items) != 3 || items[0].(map[string]any)["item"] != publicURL+"/" || items[2].(map[string]any)["item"] != canon {
		t.Errorf("BreadcrumbList %v", bc)
	}

	// What the visitor reads.
	if n := find(doc, tagAttr("nav", "aria-label", "Breadcrumb")); len(n) != 1 {
		t.Errorf("%d breadcrumb navs", len(n))
	}
	glance := find(doc, tagAttr("dl", "class", "glance-card"))
	if len(glance) != 2 {
		t.Fatalf("%d at-a-glance cards, want 2", len(glance))
	}
	for i, id := range p.Standards {
		pr, _ := set.Get(id)
		text := textOf(glance[i])
		for _, fact := range []string{pr.ShortName, pr.Issuer, pr.Jurisdiction, yesNo(pr.Certifiable)} {
			if !strings.Contains(text, fact) {
				t.Errorf("at a glance for %s lacks %q: %s", id, fact, text)
			}
		}
	}
	if !strings.Contains(body, `<time datetime="2026-11-20">20 November 2026</time>`) {
		t.Error("no last reviewed date")
	}
	ids := map[string]bool{}
	walk(doc, func(n *html.Node) {
		if id := attr(n, "id"); id != "" {
			if ids[id] {
				t.Errorf("id %q twice", id)
			}
			ids[id] = true
		}
	})
	toc := find(doc, func(n *html.Node) bool {
		return n.Data == "a" && n.Parent.Parent.Parent != nil && attr(n.Parent.Parent.Parent, "id") == "contents"
	})
	if len(toc) < 5 {
		t.Errorf("%d contents entries", len(toc))
	}
	for _, a := range toc {
		if href := attr(a, "href"); !ids[strings.TrimPrefix(href, "#")] {
			t.Errorf("contents link %s lands nowhere", href)
		}
	}
	// Related: each standard's other live pages, the ones its profile
	// lists as related first, never this page nor an unpublished one.
	groups := find(doc, tagAttr("div", "class", "related-group"))
	if len(groups) != 2 {
		t.Fatalf("%d related groups", len(groups))
	}
	iso, _ := set.Get("iso-27001")
	links := find(groups[0], func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/compare/") })
	if len(links) == 0 {
		t.Fatal("no related comparisons of ISO 27001")
	}
	seenUnrelated := false
	for _, a := range links {
		s := strings.TrimPrefix(attr(a, "href"), "/compare/")
		if s == slug {
			t.Error("related lists the page itself")
		}
		if _, ok := live.pages[s]; !ok {
			t.Errorf("related lists unpublished %s", s)
		}
		other := pages[s].Standards[0]
		if other == "iso-27001" {
			other = pages[s].Standards[1]
		}
		isRel := slices.Contains(iso.Related, other)
		if isRel && seenUnrelated {
			t.Errorf("related: %s (listed in ISO 27001's profile) after an unlisted one", s)
		}
		seenUnrelated = seenUnrelated || !isRel
	}
	// The differences table reads on a phone: labelled cells and row headers.
	tables := find(doc, func(n *html.Node) bool {
		return n.Data == "table" && slices.Contains(strings.Fields(attr(n, "class")), "differences")
	})
	if len(tables) != 1 {
		t.Fatalf("%d differences tables", len(tables))
	}
	if w := tables[0].Parent; attr(w, "class") != "table-scroll" || attr(w, "tabindex") != "0" || attr(w, "aria-label") == "" {
		t.Errorf("table wrapper %v", w.Attr)
	}
	tds := find(tables[0], func(n *html.Node) bool { return n.Data == "td" })
	for _, td := range tds {
		if l := attr(td, "data-label"); l != p.Sections[0].Heading && l != p.Sections[1].Heading {
			t.Errorf("cell labelled %q", l)
		}
	}
	if rows := find(tables[0], tagAttr("th", "scope", "row")); len(rows) != len(p.Differences.Rows()) {
		t.Errorf("%d row headers, want %d", len(rows), len(p.Differences.Rows()))
	}
}

func findSlug(t *testing.T, pages pageMap, a, b string) string {
	t.Helper()
	for s, p := range pages {
		if (p.Standards == [2]string{a, b}) || (p.Standards == [2]string{b, a}) {
			return s
		}
	}
	t.Skipf("no page of %s and %s", a, b)
	return ""
}

type sitemapDoc struct {
	XMLName  xml.Name
	URLs     []sitemapURL `xml:"url"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

func readSitemap(t *testing.T, h http.Handler, path string) sitemapDoc {
	t.Helper()
	code, hdr, body := serve(t, h, path)
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/xml") {
		t.Fatalf("%s: %d %s", path, code, hdr.Get("Content-Type"))
	}
	var d sitemapDoc
	if err := xml.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

// sitemapPages reads /sitemap.xml (following an index) and returns the
// comparison pages it lists with their lastmod.
func sitemapPages(t *testing.T, h http.Handler) (map[string]string, []string) {
	t.Helper()
	d := readSitemap(t, h, "/sitemap.xml")
	urls := d.URLs
	if d.XMLName.Local == "sitemapindex" {
		for _, sm := range d.Sitemaps {
			path := strings.TrimPrefix(sm.Loc, publicURL)
			urls = append(urls, readSitemap(t, h, path).URLs...)
		}
	}
	out := map[string]string{}
	var all []string
	for _, u := range urls {
		all = append(all, u.Loc)
		if s, ok := strings.CutPrefix(u.Loc, publicURL+"/compare/"); ok {
			out[s] = u.LastMod
		}
	}
	return out, all
}

// TestSitemapFollowsPublishing: the sitemap lists exactly the published
// pages with their review time, follows a publish and an unpublish, and
// splits into an index past its limit; robots.txt points to it; the
// browse pages and the public API show the same set.
func TestSitemapFollowsPublishing(t *testing.T) {
	_, set, pages := server(t)
	a := findSlug(t, pages, "gdpr", "iso-27701")
	b := findSlug(t, pages, "iso-27001", "soc-2")
	c := findSlug(t, pages, "gdpr", "ccpa")
	live := newLive(pages, a, b)
	for _, limit := range []int{50_000, 3} {
		h := Handler(fixture.ix, set, live, WithPublicURL(publicURL), WithSitemapLimit(limit))
		check := func(want ...string) {
			t.Helper()
			got, all := sitemapPages(t, h)
			keys := make([]string, 0, len(got))
			for k := range got {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			sort.Strings(want)
			if !slices.Equal(keys, want) {
				t.Errorf("limit %d: sitemap pages %v, want %v", limit, keys, want)
			}
			for _, k := range want {
				if got[k] != live.pages[k].Reviewed.UTC().Format(time.RFC3339) {
					t.Errorf("limit %d: lastmod of %s %q", limit, k, got[k])
				}
			}
			if !slices.Contains(all, publicURL+"/") || !slices.Contains(all, publicURL+"/compare") || !slices.Contains(all, publicURL+"/standards/gdpr") {
				t.Errorf("limit %d: browse pages missing from %v", limit, all)
			}
			if slices.Contains(all, publicURL+"/standards/sox") {
				t.Errorf("limit %d: a standard with nothing published is in the sitemap", limit)
			}
			// The list page, the standard pages and the API agree.
			_, _, list := serve(t, h, "/compare")
			_, _, std := serve(t, h, "/standards/gdpr")
			_, _, api := serve(t, h, "/api/published")
			for s := range pages {
				in := slices.Contains(want, s)
				if strings.Contains(list, `href="/compare/`+s+`"`) != in {
					t.Errorf("/compare lists %s: %v, published %v", s, !in, in)
				}
				st := pages[s].Standards
				if slices.Contains(st[:], "gdpr") && strings.Contains(std, `href="/compare/`+s+`"`) != in {
					t.Errorf("/standards/gdpr lists %s: %v, published %v", s, !in, in)
				}
				if strings.Contains(api, `"slug":"`+s+`"`) != in {
					t.Errorf("/api/published lists %s: %v, published %v", s, !in, in)
				}
				code, _, _ := serve(t, h, "/compare/"+s)
				if (code == http.StatusOK) != in {
					t.Errorf("/compare/%s: %d, published %v", s, code, in)
				}
			}
		}
		check(a, b)
		later := fixtureReviewed.Add(48 * time.Hour)
		live.publish(pages[c], later)
		check(a, b, c)
		live.unpublish(b)
		check(a, c)
		live.publish(pages[b], fixtureReviewed)
		live.unpublish(c)
		if limit == 3 {
			if d := readSitemap(t, h, "/sitemap.xml"); d.XMLName.Local != "sitemapindex" || len(d.Sitemaps) < 2 {
				t.Errorf("limit 3: /sitemap.xml is %s with %d sitemaps, want an index", d.XMLName.Local, len(d.Sitemaps))
			}
			if code, _, _ := serve(t, h, "/sitemaps/99.xml"); code != http.StatusNotFound {
				t.Errorf("a sitemap part past the end: %d", code)
			}
		}
	}
	h := Handler(fixture.ix, set, live, WithPublicURL(publicURL))
	_, _, robots := serve(t, h, "/robots.txt")
	if !strings.Contains(robots, "Sitemap: "+publicURL+"/sitemap.xml\n") || !strings.Contains(robots, "Disallow: /review") {
		t.Errorf("robots.txt:\n%s", robots)
	}
}

// TestBrowsePages: / is a browse page with search (not a redirect),
// /compare groups every page under both its standards, and /standards/{id}
// gives the standard's facts; an alias redirects, an unknown id is a 404.
func TestBrowsePages(t *testing.T) {
	_, set, pages := server(t)
	a := findSlug(t, pages, "gdpr", "iso-27701")
	b := findSlug(t, pages, "iso-27001", "soc-2")
	h := Handler(fixture.ix, set, newLive(pages, a, b), WithPublicURL(publicURL))
	code, _, home := serve(t, h, "/")
	if code != http.StatusOK {
		t.Fatalf("/: %d", code)
	}
	for _, want := range []string{`action="/search"`, `href="/compare/` + a + `"`, `href="/standards/gdpr"`, `<link rel="canonical" href="` + publicURL + `/">`, `"SearchAction"`} {
		if !strings.Contains(home, want) {
			t.Errorf("/ lacks %s", want)
		}
	}
	_, _, list := serve(t, h, "/compare")
	doc := parseHTML(t, list)
	groups := find(doc, func(n *html.Node) bool { return n.Data == "section" && attr(n, "class") == "group" })
	var ids []string
	for _, g := range groups {
		ids = append(ids, strings.TrimPrefix(attr(g, "id"), "std-"))
		if n := len(find(g, func(n *html.Node) bool { return n.Data == "li" })); n != 1 {
			t.Errorf("group %s has %d pages, want 1", attr(g, "id"), n)
		}
	}
	want := []string{"gdpr", "iso-27001", "iso-27701", "soc-2"}
	if !slices.Equal(ids, want) {
		t.Errorf("/compare groups %v, want %v", ids, want)
	}
	code, _, std := serve(t, h, "/standards/iso-27001")
	pr, _ := set.Get("iso-27001")
	if code != http.StatusOK || !strings.Contains(std, pr.Issuer) || !strings.Contains(std, `href="/compare/`+b+`"`) {
		t.Errorf("/standards/iso-27001: %d, issuer or page missing", code)
	}
	if !strings.Contains(std, `application/ld+json`) || !strings.Contains(std, `"BreadcrumbList"`) {
		t.Error("/standards/iso-27001 carries no breadcrumb JSON-LD")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/standards/ISO%2027001", nil))
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/standards/iso-27001" {
		t.Errorf("alias: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if code, _, _ := serve(t, h, "/standards/no-such-standard"); code != http.StatusNotFound {
		t.Errorf("unknown standard: %d", code)
	}
	_, _, sox := serve(t, h, "/standards/sox")
	if !strings.Contains(sox, `<meta name="robots" content="noindex">`) || strings.Contains(sox, `rel="canonical"`) {
		t.Error("a standard with nothing published is indexable")
	}
}

// TestSearchPageAdmitsGap: the search page and the API say there is no
// comparison of the pair yet and offer each standard's pages.
func TestSearchPageAdmitsGap(t *testing.T) {
	_, set, pages := server(t)
	live := []string{findSlug(t, pages, "gdpr", "iso-27701"), findSlug(t, pages, "iso-27001", "iso-27002"), findSlug(t, pages, "soc-2", "hipaa")}
	ix := openSmallIndex(t, set, pages, live...)
	h := Handler(ix, set, newLive(pages, live...))
	code, _, body := serve(t, h, "/search?q=27001+vs+soc+2")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if !regexp.MustCompile(`There is no comparison of (ISO 27001 and SOC 2|SOC 2 and ISO 27001) yet`).MatchString(body) {
		t.Errorf("no gap message:\n%s", body)
	}
	for _, want := range []string{"ISO 27001 vs ISO 27002", "HIPAA"} {
		if !strings.Contains(body, want) {
			t.Errorf("gap does not offer %s", want)
		}
	}
	if strings.Contains(body, "GDPR vs ISO 27701") {
		t.Error("the gap shows an unrelated page")
	}
	_, _, api := serve(t, h, "/api/search?q=27001+vs+soc+2")
	var res struct {
		Total int `json:"total"`
		Gap   *struct {
			Standards []string `json:"standards"`
			Message   string   `json:"message"`
		} `json:"gap"`
	}
	if err := json.Unmarshal([]byte(api), &res); err != nil || res.Gap == nil || res.Total != 0 || res.Gap.Message == "" {
		t.Errorf("api: %v %s", err, api)
	}
}

// openSmallIndex is an index of a few of the pages, in a temp dir.
func openSmallIndex(t *testing.T, set *profile.Set, pages pageMap, slugs ...string) *index.Index {
	t.Helper()
	ix, err := index.Open(t.TempDir(), set)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	err = ix.Reindex(context.Background(), func(yield func(index.Doc) bool) {
		for _, s := range slugs {
			if !yield(index.DocFromPage(pages[s], set)) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestConditionalGET: a page answers 304 to its own ETag, and its ETag
// changes when something on it does, such as a related page published.
func TestConditionalGET(t *testing.T) {
	_, set, pages := server(t)
	slug := findSlug(t, pages, "iso-27001", "soc-2")
	live := newLive(pages, slug)
	h := Handler(fixture.ix, set, live)
	_, hdr, _ := serve(t, h, "/compare/"+slug)
	etag := hdr.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest("GET", "/compare/"+slug, nil)
	req.Header.Set("If-None-Match", etag)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match its ETag: %d with %d bytes", rec.Code, rec.Body.Len())
	}
	live.publish(pages[findSlug(t, pages, "iso-27001", "iso-27002")], fixtureReviewed)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag {
		t.Errorf("after a related page was published: %d, ETag %s", rec.Code, rec.Header().Get("ETag"))
	}
}
