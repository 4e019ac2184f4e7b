package export

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// route maps a root-relative path of the public site to its file in the
// export. ok is false for what a static site cannot serve (search, API).
// Every /static/ file a page names is exported with it.
func route(p string, pages, standards map[string]bool) (string, bool) {
	switch {
	case p == "/":
		return "index.html", true
	case p == "/compare" || p == "/compare/":
		return "compare/index.html", true
	case p == "/sitemap.xml", p == "/robots.txt":
		return p[1:], true
	case strings.HasPrefix(p, "/static/") && path.Clean(p) == p:
		return p[1:], true
	case strings.HasPrefix(p, "/compare/"):
		if s := strings.TrimPrefix(p, "/compare/"); pages[s] {
			return "compare/" + s + ".html", true
		}
	case strings.HasPrefix(p, "/standards/"):
		if s := strings.TrimPrefix(p, "/standards/"); standards[s] {
			return "standards/" + s + ".html", true
		}
	}
	return "", false
}

// siteFiles are the exported files and where the server serves each.
type siteFile struct{ server, file string }

// html writes a static site: every page, the browse pages, the assets, a
// sitemap and robots.txt, with links relative so it works from any folder
// of any static host.
func (o Options) html(ctx context.Context, w *writer, l list) error {
	pages, standards := map[string]bool{}, map[string]bool{}
	for _, e := range l.Pages {
		pages[e.Slug] = true
	}
	for _, s := range l.Standards {
		standards[s.ID] = true
	}
	r := rewriter{pages: pages, standards: standards, public: strings.TrimRight(l.BaseURL, "/"), base: o.BaseURL,
		assets: &assetSet{seen: map[string]bool{}}}
	if r.base == "" {
		r.base = r.public
	}
	var files []siteFile
	for _, p := range []string{"/", "/compare"} {
		f, _ := route(p, pages, standards)
		files = append(files, siteFile{p, f})
	}
	for _, s := range l.Standards {
		f, _ := route("/standards/"+s.ID, pages, standards)
		files = append(files, siteFile{"/standards/" + s.ID, f})
	}
	// The browse pages, then the comparison pages with the progress bar.
	for _, sf := range files {
		if err := o.htmlFile(ctx, w, r, sf); err != nil {
			return err
		}
	}
	err := o.each(ctx, l.Pages, func(ctx context.Context, e entry) error {
		f, _ := route("/compare/"+e.Slug, pages, standards)
		return o.htmlFile(ctx, w, r, siteFile{"/compare/" + e.Slug, f})
	})
	if err != nil {
		return err
	}
	for _, a := range r.assets.list() {
		data, err := o.get(ctx, a)
		if err != nil {
			return err
		}
		if err := w.write(a[1:], data); err != nil {
			return err
		}
	}
	sm, err := sitemap(r.base, l, pages, standards)
	if err != nil {
		return err
	}
	if err := w.write("sitemap.xml", sm); err != nil {
		return err
	}
	return w.write("robots.txt", []byte("User-agent: *\nAllow: /\n\nSitemap: "+r.base+"/sitemap.xml\n"))
}

func (o Options) htmlFile(ctx context.Context, w *writer, r rewriter, sf siteFile) error {
	data, err := o.get(ctx, sf.server)
	if err != nil {
		return err
	}
	out, err := r.rewrite(data, sf.file)
	if err != nil {
		return fmt.Errorf("export: %s: %w", sf.server, err)
	}
	return w.write(sf.file, out)
}

// rewriter turns a served page into an exported one.
type rewriter struct {
	pages, standards map[string]bool
	public           string    // the server's public base URL
	base             string    // where the export will be served
	assets           *assetSet // the /static/ files the pages name
}

// assetSet collects the static files the exported pages link to.
type assetSet struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (a *assetSet) add(p string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	a.seen[p] = true
	a.mu.Unlock()
}

func (a *assetSet) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.seen))
	for p := range a.seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// rel is the link from the file at from to the file at to, both relative
// to the export's root.
func rel(from, to string) string {
	dir := path.Dir(from)
	if dir == "." {
		return to
	}
	up := strings.Repeat("../", strings.Count(dir, "/")+1)
	return up + to
}

// exportURL is the absolute URL of an exported file under base.
func exportURL(base, file string) string {
	switch {
	case file == "index.html":
		return base + "/"
	case strings.HasSuffix(file, "/index.html"):
		return base + "/" + strings.TrimSuffix(file, "index.html")
	}
	return base + "/" + file
}

// link rewrites one URL found in the page at file.
func (r rewriter) link(v, file string) string {
	// An absolute URL of the public site: to where the export is served.
	if r.public != "" && strings.HasPrefix(v, r.public+"/") {
		p, frag, _ := strings.Cut(strings.TrimPrefix(v, r.public), "#")
		if f, ok := route(p, r.pages, r.standards); ok {
			return exportURL(r.base, f) + fragment(frag)
		}
		return v
	}
	if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") {
		return v // relative already, another site, or an anchor
	}
	u, err := url.Parse(v)
	if err != nil {
		return r.public + v // not a link the export can follow: leave it to the server
	}
	if f, ok := route(u.Path, r.pages, r.standards); ok && u.RawQuery == "" {
		if strings.HasPrefix(u.Path, "/static/") {
			r.assets.add(u.Path)
		}
		return rel(file, f) + fragment(u.Fragment)
	}
	// Something only the server can answer (a search): ask the server.
	return r.public + v
}

func fragment(f string) string {
	if f == "" {
		return ""
	}
	return "#" + f
}

// searchScript is the site's search-as-you-type: nothing to ask on a
// static host.
const searchScript = "suggest.js"

// rewrite makes a served page an exported one: links relative, absolute
// URLs under the export's base, search forms and the search script out.
func (r rewriter) rewrite(page []byte, file string) ([]byte, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	var drop []*html.Node
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.DataAtom == atom.Form && attrOf(n, "role") == "search":
				drop = append(drop, n)
				return
			case n.DataAtom == atom.Script && path.Base(attrOf(n, "src")) == searchScript:
				drop = append(drop, n)
				return
			case n.DataAtom == atom.Script && attrOf(n, "type") == "application/ld+json" && n.FirstChild != nil:
				n.FirstChild.Data = r.jsonURLs(n.FirstChild.Data)
			}
			for i, a := range n.Attr {
				switch a.Key {
				case "href", "src", "action", "content":
					if a.Key == "content" && !strings.HasPrefix(a.Val, "http") {
						continue
					}
					n.Attr[i].Val = r.link(a.Val, file)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	for _, n := range drop {
		n.Parent.RemoveChild(n)
	}
	var b bytes.Buffer
	if err := html.Render(&b, doc); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// jsonURLs moves the public site's URLs in structured data to the export's.
func (r rewriter) jsonURLs(s string) string {
	if r.public == "" || r.public == r.base {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, `"`+r.public)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i+1:], '"')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+1])
		b.WriteString(r.link(s[i+1:i+1+j], ""))
		s = s[i+1+j:]
	}
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

type smURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []smURL  `xml:"url"`
}

// sitemap lists the exported pages at their exported URLs.
func sitemap(base string, l list, pages, standards map[string]bool) ([]byte, error) {
	latest := ""
	std := map[string]string{}
	for _, e := range l.Pages {
		lm := e.Reviewed.UTC().Format("2006-01-02T15:04:05Z07:00")
		if e.Reviewed.IsZero() {
			lm = ""
		}
		latest = max(latest, lm)
		for _, id := range e.Standards {
			std[id] = max(std[id], lm)
		}
	}
	u := urlset{}
	add := func(p, lm string) {
		if f, ok := route(p, pages, standards); ok {
			u.URLs = append(u.URLs, smURL{exportURL(base, f), lm})
		}
	}
	add("/", latest)
	add("/compare", latest)
	for _, s := range l.Standards {
		add("/standards/"+s.ID, std[s.ID])
	}
	for _, e := range l.Pages {
		lm := ""
		if !e.Reviewed.IsZero() {
			lm = e.Reviewed.UTC().Format("2006-01-02T15:04:05Z07:00")
		}
		add("/compare/"+e.Slug, lm)
	}
	b, err := xml.MarshalIndent(u, "", " ")
	if err != nil {
		return nil, err
	}
	return append(append([]byte(xml.Header), b...), '\n'), nil
}
