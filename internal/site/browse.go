package site

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// pageEntry is a published comparison in a list.
type pageEntry struct {
	Slug, Title, URL string
	Description      string
	Reviewed         time.Time
}

// standardEntry is a standard with its published comparisons.
type standardEntry struct {
	ID, Short, Name, URL string
	Kind                 string
	Pages                []pageEntry
	Modified             time.Time // the latest review of its pages
}

func entryOf(p Published) pageEntry {
	return pageEntry{Slug: p.Page.Slug, Title: p.Page.Title, URL: "/compare/" + p.Page.Slug,
		Description: p.Page.Description, Reviewed: p.Reviewed}
}

// byStandard groups the published pages under each of their standards, in
// the order of the standards' short names. A standard without a published
// page is left out.
func byStandard(set *profile.Set, all []Published) []standardEntry {
	m := map[string]*standardEntry{}
	for _, p := range all {
		for _, id := range p.Page.Standards {
			e := m[id]
			if e == nil {
				e = &standardEntry{ID: id, Short: id, URL: "/standards/" + id}
				if pr, ok := lookup(set, id); ok {
					e.Short, e.Name = pr.ShortName, pr.Name
					e.Kind = cmp.Or(kindLabels[pr.Kind], string(pr.Kind))
				}
				m[id] = e
			}
			e.Pages = append(e.Pages, entryOf(p))
			if p.Reviewed.After(e.Modified) {
				e.Modified = p.Reviewed
			}
		}
	}
	out := make([]standardEntry, 0, len(m))
	for _, e := range m {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b standardEntry) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Short), strings.ToLower(b.Short)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

type homeView struct {
	chrome
	Standards []standardEntry
	Recent    []pageEntry
	Total     int
}

// recentCount is how many of the latest reviewed pages the home page shows.
const recentCount = 8

// HomePage serves GET /: search, the standards with published comparisons,
// and the latest reviewed ones.
func (s *Site) HomePage(w http.ResponseWriter, r *http.Request) {
	all, err := s.published(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	base := s.baseURL(r)
	v := homeView{chrome: chrome{
		Title:       "Compare compliance standards",
		Description: "Side-by-side comparisons of compliance standards and regulations: what each is, who must follow it, and how they differ.",
		Canonical:   base + "/", OGType: "website",
	}, Standards: byStandard(s.set(), all), Total: len(all)}
	recent := slices.Clone(all)
	slices.SortStableFunc(recent, func(a, b Published) int { return b.Reviewed.Compare(a.Reviewed) })
	for i, p := range recent {
		if i == recentCount {
			break
		}
		v.Recent = append(v.Recent, entryOf(p))
	}
	s.browse(w, r, "home.html", &v, &v.chrome, map[string]any{
		"@context": "https://schema.org", "@type": "WebSite", "name": siteName, "url": base + "/",
		"potentialAction": map[string]any{
			"@type": "SearchAction", "target": base + "/search?q={search_term_string}",
			"query-input": "required name=search_term_string",
		},
	})
}

type listView struct {
	chrome
	Standards []standardEntry
	Total     int
}

// CompareList serves GET /compare: every published comparison, grouped by
// standard.
func (s *Site) CompareList(w http.ResponseWriter, r *http.Request) {
	all, err := s.published(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	base := s.baseURL(r)
	crumbs := []crumb{{"Home", "/"}, {"Comparisons", ""}}
	v := listView{chrome: chrome{
		Title:       "All comparisons",
		Description: fmt.Sprintf("Every published comparison of compliance standards, %d in all, grouped by standard.", len(all)),
		Canonical:   base + "/compare", OGType: "website", Crumbs: crumbs,
	}, Standards: byStandard(s.set(), all), Total: len(all)}
	s.browse(w, r, "list.html", &v, &v.chrome, map[string]any{"@context": "https://schema.org", "@graph": []any{
		map[string]any{"@type": "CollectionPage", "name": v.Title, "url": v.Canonical},
		breadcrumbLD(base, v.Canonical, crumbs),
	}})
}

type standardView struct {
	chrome
	Glance   glance
	Tagline  string
	Scope    string
	WhatItIs []string
	Sources  []profile.Source
	Pages    []pageEntry
}

// StandardPage serves GET /standards/{id}: a standard's summary from its
// profile and its published comparisons. Another name of a standard
// redirects to its id.
func (s *Site) StandardPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	set := s.set()
	pr, ok := lookup(set, id)
	if !ok {
		if set != nil {
			if alt, ok := set.Resolve(id); ok {
				http.Redirect(w, r, "/standards/"+alt.ID, http.StatusMovedPermanently)
				return
			}
		}
		s.notFound(w, r)
		return
	}
	all, err := s.published(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	base := s.baseURL(r)
	crumbs := []crumb{{"Home", "/"}, {"Comparisons", "/compare"}, {pr.ShortName, ""}}
	v := standardView{chrome: chrome{
		Title:       pr.ShortName + ": summary and comparisons",
		Description: cmp.Or(pr.Tagline, pr.Name),
		Canonical:   base + "/standards/" + pr.ID, OGType: "website", Crumbs: crumbs,
	}, Glance: glanceOf(pr), Tagline: pr.Tagline, Scope: pr.Scope, WhatItIs: pr.WhatItIs, Sources: pr.Sources}
	for _, p := range all {
		if slices.Contains(p.Page.Standards[:], pr.ID) {
			v.Pages = append(v.Pages, entryOf(p))
		}
	}
	if len(v.Pages) == 0 {
		// Nothing of it is live: say so, and keep the page out of indexes.
		v.NoIndex, v.Canonical = true, ""
	}
	s.browse(w, r, "standard.html", &v, &v.chrome, map[string]any{"@context": "https://schema.org", "@graph": []any{
		map[string]any{"@type": "WebPage", "name": v.Title, "url": base + "/standards/" + pr.ID,
			"about": map[string]any{"@type": "Thing", "name": pr.Name, "alternateName": pr.ShortName}},
		breadcrumbLD(base, base+"/standards/"+pr.ID, crumbs),
	}})
}

// --- sitemap and robots ---

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

func lastmod(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// sitemapURLs are every public page worth indexing: the home page, the
// list, each standard with a published comparison, and each published page.
func (s *Site) sitemapURLs(r *http.Request) ([]sitemapURL, error) {
	all, err := s.published(r.Context())
	if err != nil {
		return nil, err
	}
	base := s.baseURL(r)
	var latest time.Time
	for _, p := range all {
		if p.Reviewed.After(latest) {
			latest = p.Reviewed
		}
	}
	urls := []sitemapURL{{base + "/", lastmod(latest)}, {base + "/compare", lastmod(latest)}}
	for _, st := range byStandard(s.set(), all) {
		urls = append(urls, sitemapURL{base + st.URL, lastmod(st.Modified)})
	}
	for _, p := range all {
		urls = append(urls, sitemapURL{base + "/compare/" + p.Page.Slug, lastmod(p.Reviewed)})
	}
	return urls, nil
}

// Sitemap serves GET /sitemap.xml: the URLs themselves, or an index of
// /sitemaps/N.xml when there are more than one file may hold.
func (s *Site) Sitemap(w http.ResponseWriter, r *http.Request) {
	urls, err := s.sitemapURLs(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(urls) <= s.sitemapMax {
		writeXML(w, urlset{URLs: urls})
		return
	}
	var idx sitemapIndex
	base := s.baseURL(r)
	for i := 0; i*s.sitemapMax < len(urls); i++ {
		part := urls[i*s.sitemapMax : min((i+1)*s.sitemapMax, len(urls))]
		latest := ""
		for _, u := range part {
			latest = max(latest, u.LastMod) // RFC 3339 in UTC sorts as time
		}
		idx.Sitemaps = append(idx.Sitemaps, sitemapURL{base + "/sitemaps/" + strconv.Itoa(i+1) + ".xml", latest})
	}
	writeXML(w, idx)
}

// SitemapPart serves GET /sitemaps/{n}.xml, one file of a sitemap index.
func (s *Site) SitemapPart(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("file"), ".xml"))
	if err != nil || n < 1 || !strings.HasSuffix(r.PathValue("file"), ".xml") {
		s.notFound(w, r)
		return
	}
	urls, err := s.sitemapURLs(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	from := (n - 1) * s.sitemapMax
	if len(urls) <= s.sitemapMax || from >= len(urls) {
		s.notFound(w, r)
		return
	}
	writeXML(w, urlset{URLs: urls[from:min(from+s.sitemapMax, len(urls))]})
}

func writeXML(w http.ResponseWriter, v any) {
	b, err := xml.MarshalIndent(v, "", " ")
	if err != nil {
		// Marshalling our own structs cannot fail on input; say nothing internal.
		http.Error(w, "the sitemap could not be written", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
	_, _ = w.Write([]byte("\n"))
}

// Robots serves GET /robots.txt: everything public may be crawled but the
// search results, the review app and the API; the sitemap says what there is.
func (s *Site) Robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	fmt.Fprintf(w, "User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /review\nDisallow: /api/\nDisallow: /login\nDisallow: /admin\n\nSitemap: %s/sitemap.xml\n", s.baseURL(r))
}

// --- the public JSON API of what is published (read by `versus export`) ---

// PublishedEntry is one page in GET /api/published.
type PublishedEntry struct {
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Standards   [2]string `json:"standards"`
	Reviewed    time.Time `json:"reviewed"`
	URL         string    `json:"url"`
	// ETag changes whenever anything a visitor sees on the page changes.
	ETag string `json:"etag"`
}

// StandardEntry is one standard in GET /api/published.
type StandardEntry struct {
	ID        string `json:"id"`
	ShortName string `json:"short_name"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	Pages     int    `json:"pages"`
}

// PublishedList is the answer of GET /api/published.
type PublishedList struct {
	BaseURL   string           `json:"base_url"`
	Pages     []PublishedEntry `json:"pages"`
	Standards []StandardEntry  `json:"standards"`
}

// PublishedPage is the answer of GET /api/published/{slug}.
type PublishedPage struct {
	PublishedEntry
	Page     page.Page `json:"page"`
	Markdown string    `json:"markdown"` // the page's published Markdown form
}

func etag(p Published) string {
	b, _ := json.Marshal(p.Page)
	h := sha256.New()
	h.Write(b)
	h.Write([]byte(p.Reviewed.UTC().Format(time.RFC3339Nano)))
	return hex.EncodeToString(h.Sum(nil))[:20]
}

func (s *Site) publishedEntry(base string, p Published) PublishedEntry {
	return PublishedEntry{Slug: p.Page.Slug, Title: p.Page.Title, Description: p.Page.Description,
		Standards: p.Page.Standards, Reviewed: p.Reviewed.UTC(), URL: base + "/compare/" + p.Page.Slug, ETag: etag(p)}
}

// APIPublished serves GET /api/published: every published page, and the
// standards that have one.
func (s *Site) APIPublished(w http.ResponseWriter, r *http.Request) {
	all, err := s.published(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	base := s.baseURL(r)
	out := PublishedList{BaseURL: base, Pages: []PublishedEntry{}, Standards: []StandardEntry{}}
	for _, p := range all {
		out.Pages = append(out.Pages, s.publishedEntry(base, p))
	}
	for _, st := range byStandard(s.set(), all) {
		out.Standards = append(out.Standards, StandardEntry{ID: st.ID, ShortName: st.Short, Name: st.Name,
			URL: base + st.URL, Pages: len(st.Pages)})
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, out)
}

// APIPublishedPage serves GET /api/published/{slug}: a published page as
// data and as Markdown.
func (s *Site) APIPublishedPage(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if s.pages == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not published: " + slug})
		return
	}
	p, ok, err := s.pages.PublishedPage(r.Context(), slug)
	if err != nil {
		writeError(w, r, fmt.Errorf("page %s: %w", slug, err))
		return
	}
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not published: " + slug})
		return
	}
	md := page.Render(p.Page)
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, PublishedPage{PublishedEntry: s.publishedEntry(s.baseURL(r), p), Page: p.Page, Markdown: string(md)})
}

// browse serves a browse page: its JSON-LD in the head, cacheable for five
// minutes like every public page.
func (s *Site) browse(w http.ResponseWriter, r *http.Request, tmpl string, v any, c *chrome, ld any) {
	js, err := ldScript(ld)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	c.JSONLD = js
	w.Header().Set("Cache-Control", "public, max-age=300")
	s.render(w, r, http.StatusOK, tmpl, v)
}
