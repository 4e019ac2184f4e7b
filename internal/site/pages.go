package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/index"
)

// facetLink is one value of a facet, as a link that narrows the search.
type facetLink struct {
	Label    string
	Count    int
	URL      string
	Selected bool
}

type facetGroup struct {
	Name  string
	Links []facetLink
}

type pageLink struct {
	Label string
	URL   string
}

type searchView struct {
	chrome
	Standard string
	Filters  map[string]string
	Error    string
	Searched bool
	Result   index.Result
	From, To int
	Facets   []facetGroup
	Prev     *pageLink
	Next     *pageLink
	Clear    string // the search without filters
}

var facetTitles = map[string]string{
	"standard": "Standard", "issuer": "Issuer", "kind": "Kind",
	"jurisdiction": "Jurisdiction", "industry": "Industry",
}

// SearchPage serves GET /search: a plain GET form and its results, usable
// without JavaScript.
func (s *Site) SearchPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	view := searchView{chrome: chrome{Title: "Search comparisons", Query: v.Get("q"), NoIndex: true}}
	q, err := s.parseQuery(v)
	status := http.StatusOK
	switch {
	case err != nil:
		var br *badRequest
		if !errors.As(err, &br) {
			s.serverError(w, r, err)
			return
		}
		view.Error, status = br.msg, http.StatusBadRequest
	case q.Text != "" || q.Standard != "" || len(q.Filters) > 0:
		res, err := s.ix.Search(r.Context(), q)
		if err != nil {
			s.serverError(w, r, fmt.Errorf("search page: %w", err))
			return
		}
		view.Searched, view.Result = true, res
		view.Standard, view.Filters = q.Standard, q.Filters
		if q.Text != "" {
			view.Title = q.Text + " — search"
		}
		s.paginate(&view, q)
		s.facets(&view, q)
	}
	s.render(w, r, status, "search.html", view)
}

// searchURL is /search with q's parameters, changed by set (an empty value removes one).
func searchURL(q index.Query, set map[string]string) string {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	if q.Standard != "" {
		v.Set("standard", q.Standard)
	}
	for f, val := range q.Filters {
		v.Set(f, val)
	}
	if q.Limit != index.DefaultLimit {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Offset > 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	for k, val := range set {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}

func (s *Site) paginate(view *searchView, q index.Query) {
	n := len(view.Result.Hits)
	if n > 0 {
		view.From, view.To = q.Offset+1, q.Offset+n
	}
	if q.Offset > 0 {
		prev := max(q.Offset-q.Limit, 0)
		view.Prev = &pageLink{Label: "Previous", URL: searchURL(q, map[string]string{"offset": offsetParam(prev)})}
	}
	if next := q.Offset + q.Limit; next < view.Result.Total && next <= maxOffset {
		view.Next = &pageLink{Label: "Next", URL: searchURL(q, map[string]string{"offset": offsetParam(next)})}
	}
}

func offsetParam(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func (s *Site) facets(view *searchView, q index.Query) {
	selected := func(f string) string {
		if f == "standard" {
			return q.Standard
		}
		return q.Filters[f]
	}
	for _, f := range index.FacetNames() {
		counts := view.Result.Facets[f]
		if len(counts) == 0 {
			continue
		}
		g := facetGroup{Name: facetTitles[f]}
		for _, c := range counts {
			label := c.Term
			if f == "standard" {
				if p, ok := s.resolve(c.Term); ok {
					label = p.ShortName
				}
			}
			val := c.Term
			if selected(f) == c.Term {
				val = "" // a selected value's link takes the filter off
			}
			g.Links = append(g.Links, facetLink{
				Label: label, Count: c.Count, Selected: selected(f) == c.Term,
				URL: searchURL(q, map[string]string{f: val, "offset": ""}),
			})
		}
		view.Facets = append(view.Facets, g)
	}
	if q.Standard != "" || len(q.Filters) > 0 {
		view.Clear = searchURL(index.Query{Text: q.Text, Limit: q.Limit}, nil)
	}
}

func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "notfound.html", searchView{chrome: chrome{Title: "Page not found", NoIndex: true}})
}

func (s *Site) serverError(w http.ResponseWriter, r *http.Request, err error) {
	zerolog.Ctx(r.Context()).Error().Err(err).Str("path", r.URL.Path).Msg("site page failed")
	http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
}

// render executes into a buffer first, so a template error is a clean 500.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		s.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if status == http.StatusOK {
		// The ETag is the page as served, so it changes when anything on it
		// does (a related page published, say), and a CDN or browser that
		// has it gets a 304.
		sum := sha256.Sum256(buf.Bytes())
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		w.Header().Set("ETag", etag)
		if noneMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// noneMatch reports whether an If-None-Match header names etag.
func noneMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
