// Package site serves the public side of versus: the browse and search
// pages, the published comparison pages with what search engines and
// link previews read (canonical links, Open Graph, JSON-LD, the sitemap and
// robots.txt), and the public JSON API (search, suggest, published pages).
package site

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// Searcher answers searches; *index.Index is one.
type Searcher interface {
	Search(ctx context.Context, q index.Query) (index.Result, error)
	Suggest(ctx context.Context, prefix string, n int) ([]index.Suggestion, error)
}

// Published is a page as visitors see it, with when it was last reviewed:
// the latest approval (of the page or of either standard's sections) that
// made it what it is.
type Published struct {
	Page     page.Page
	Reviewed time.Time
}

// Catalog gives what is published. Nothing else is ever shown: a page that
// is not published is not in any list, sitemap, or answer.
type Catalog interface {
	// PublishedPage returns the page at slug; ok is false when it is not published.
	PublishedPage(ctx context.Context, slug string) (p Published, ok bool, err error)
	// PublishedPages lists every published page, in any order.
	PublishedPages(ctx context.Context) ([]Published, error)
}

// Limits on what a visitor may ask.
const (
	maxQueryLen  = 300
	maxOffset    = 10_000
	suggestCount = 8
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// filterParams are the facets besides standard that narrow a search.
var filterParams = []string{"issuer", "kind", "jurisdiction", "industry"}

// Site holds what the handlers need.
type Site struct {
	ix    Searcher
	set   func() *profile.Set // the current profiles: the server may reload them
	pages Catalog
	tmpl  *template.Template
	base  string // the public base URL, no trailing slash; "" = from the request
	// sitemapMax is the most URLs in one sitemap file; past it /sitemap.xml
	// is an index of several (the protocol's limit is 50,000).
	sitemapMax int
}

// Option configures a Site.
type Option func(*Site)

// WithPublicURL sets the base URL of the public site (https://example.com
// or https://example.com/compliance): canonical links, Open Graph, JSON-LD
// and the sitemap are absolute URLs under it. Without it they are built
// from the request's host, which is right only when nothing rewrites it.
func WithPublicURL(u string) Option {
	return func(s *Site) { s.base = strings.TrimRight(u, "/") }
}

// WithSitemapLimit sets the URLs per sitemap file (default 50,000).
func WithSitemapLimit(n int) Option {
	return func(s *Site) {
		if n > 0 {
			s.sitemapMax = n
		}
	}
}

// New builds the site. set returns the current profiles. pages may be nil
// when no page store is wired: then nothing is published.
func New(ix Searcher, set func() *profile.Set, pages Catalog, opts ...Option) *Site {
	t := template.Must(template.New("").Funcs(template.FuncMap{
		"fragment": fragmentHTML,
		"date":     func(t time.Time) string { return t.UTC().Format("2 January 2006") },
		"isodate":  func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"yesno":    yesNo,
	}).ParseFS(templateFS, "templates/*.html"))
	s := &Site{ix: ix, set: set, pages: pages, tmpl: t, sitemapMax: 50_000}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Handler serves the public site and its API.
// The profiles are fixed; a server that reloads them uses New.
func Handler(ix Searcher, set *profile.Set, pages Catalog, opts ...Option) http.Handler {
	mux := http.NewServeMux()
	New(ix, func() *profile.Set { return set }, pages, opts...).Register(mux)
	return mux
}

// Register adds the site's routes to mux, for a server that serves more.
func (s *Site) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/search", s.APISearch)
	mux.HandleFunc("GET /api/suggest", s.APISuggest)
	mux.HandleFunc("GET /search", s.SearchPage)
	mux.HandleFunc("GET /{$}", s.HomePage)
	mux.HandleFunc("GET /compare", s.CompareList)
	mux.HandleFunc("GET /compare/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/compare", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /compare/{slug}", s.ComparePage)
	mux.HandleFunc("GET /standards/{id}", s.StandardPage)
	mux.HandleFunc("GET /sitemap.xml", s.Sitemap)
	mux.HandleFunc("GET /sitemaps/{file}", s.SitemapPart)
	mux.HandleFunc("GET /robots.txt", s.Robots)
	mux.HandleFunc("GET /api/published", s.APIPublished)
	mux.HandleFunc("GET /api/published/{slug}", s.APIPublishedPage)
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheable(http.FileServerFS(static))))
}

// badRequest is an error the visitor caused; its message is shown as is.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func bad(format string, args ...any) error { return &badRequest{fmt.Sprintf(format, args...)} }

// parseQuery reads and checks the search parameters shared by the API and the page.
func (s *Site) parseQuery(v url.Values) (index.Query, error) {
	q := index.Query{Text: strings.TrimSpace(v.Get("q")), Limit: index.DefaultLimit}
	if len(q.Text) > maxQueryLen {
		return q, bad("q is too long: at most %d characters", maxQueryLen)
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > index.MaxLimit {
			return q, bad("limit must be a whole number from 1 to %d, got %q", index.MaxLimit, l)
		}
		q.Limit = n
	}
	if o := v.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 || n > maxOffset {
			return q, bad("offset must be a whole number from 0 to %d, got %q", maxOffset, o)
		}
		q.Offset = n
	}
	if st := strings.TrimSpace(v.Get("standard")); st != "" {
		p, ok := s.resolve(st)
		if !ok {
			return q, bad("unknown standard %q", st)
		}
		q.Standard = p.ID
	}
	for _, f := range filterParams {
		if val := strings.TrimSpace(v.Get(f)); val != "" {
			if q.Filters == nil {
				q.Filters = map[string]string{}
			}
			q.Filters[f] = val
		}
	}
	return q, nil
}

// resolve accepts a standard's id or any of its names.
func (s *Site) resolve(name string) (*profile.Profile, bool) {
	set := s.set()
	if set == nil {
		return nil, false
	}
	if p, ok := set.Get(name); ok {
		return p, true
	}
	return set.Resolve(name)
}

// APISearch serves GET /api/search.
func (s *Site) APISearch(w http.ResponseWriter, r *http.Request) {
	v, err := withCursor(r.URL.Query())
	if err != nil {
		writeError(w, r, err)
		return
	}
	q, err := s.parseQuery(v)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t0 := time.Now()
	res, err := s.ix.Search(r.Context(), q)
	if err != nil {
		writeError(w, r, fmt.Errorf("search: %w", err))
		return
	}
	// The search's own time, without the network or the JSON: what the
	// scale bench reports as search p50/p99 in process.
	st := fmt.Sprintf("search;dur=%.3f", float64(time.Since(t0).Nanoseconds())/1e6)
	if res.Cached {
		st += ", cache;desc=hit"
	}
	w.Header().Set("Server-Timing", st)
	writeJSON(w, http.StatusOK, paged(res, q))
}

// APISuggest serves GET /api/suggest: titles for search-as-you-type.
func (s *Site) APISuggest(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > maxQueryLen {
		writeError(w, r, bad("q is too long: at most %d characters", maxQueryLen))
		return
	}
	sugg, err := s.ix.Suggest(r.Context(), q, suggestCount)
	if err != nil {
		writeError(w, r, fmt.Errorf("suggest: %w", err))
		return
	}
	if sugg == nil {
		sugg = []index.Suggestion{}
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, map[string]any{"suggestions": sugg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // fragments carry <mark>; the content type is JSON
	_ = enc.Encode(v)
}

// writeError answers 400 with the message for a visitor's mistake, and 500
// with a generic message (the cause goes to the log) for anything else.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var br *badRequest
	if errors.As(err, &br) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": br.msg})
		return
	}
	zerolog.Ctx(r.Context()).Error().Err(err).Str("path", r.URL.Path).Msg("site request failed")
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
}

// fragmentHTML re-checks a highlighted fragment before it goes into a page:
// every piece of text is escaped again and only <mark> and </mark> survive
// as markup, whatever the index handed over.
func fragmentHTML(s string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.Index(s, "<")
		if i < 0 {
			b.WriteString(html.EscapeString(html.UnescapeString(s)))
			break
		}
		b.WriteString(html.EscapeString(html.UnescapeString(s[:i])))
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "<mark>") && !open:
			b.WriteString("<mark>")
			s, open = s[len("<mark>"):], true
		case strings.HasPrefix(s, "</mark>") && open:
			b.WriteString("</mark>")
			s, open = s[len("</mark>"):], false
		default:
			b.WriteString("&lt;")
			s = s[1:]
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

func cacheable(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// securityHeaders keep the pages' own script the only one that runs.
func securityHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "strict-origin-when-cross-origin")
}
