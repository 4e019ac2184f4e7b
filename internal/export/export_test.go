package export_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
	"gopkg.in/yaml.v3"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/export"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/site"
)

// catalog is what the test server publishes; tests change it between runs.
type catalog struct {
	mu    sync.Mutex
	pages map[string]site.Published
}

func (c *catalog) PublishedPage(_ context.Context, slug string) (site.Published, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[slug]
	return p, ok, nil
}

func (c *catalog) PublishedPages(context.Context) ([]site.Published, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Collect(maps.Values(c.pages)), nil
}

// noSearch stands in for the index: the export never searches.
type noSearch struct{}

func (noSearch) Search(context.Context, index.Query) (index.Result, error) {
	return index.Result{Hits: []index.Hit{}}, nil
}
func (noSearch) Suggest(context.Context, string, int) ([]index.Suggestion, error) { return nil, nil }

var reviewed = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

const public = "https://compliance.example"

// fullSite serves every pair's page, all approved, as the public site.
func fullSite(t *testing.T) (*httptest.Server, *catalog, *profile.Set) {
	t.Helper()
	set, err := profile.Load(filepath.Join("..", "..", "profiles"))
	if err != nil {
		t.Skipf("profiles not found: %v", err)
	}
	c := &catalog{pages: map[string]site.Published{}}
	for _, pr := range set.Pairs() {
		p := compose.Page(pr[0], pr[1])
		c.pages[p.Slug] = site.Published{Page: p, Reviewed: reviewed}
	}
	srv := httptest.NewServer(site.Handler(noSearch{}, set, c, site.WithPublicURL(public)))
	t.Cleanup(srv.Close)
	return srv, c, set
}

func run(t *testing.T, o export.Options) export.Stats {
	t.Helper()
	calls := 0
	o.Progress = func(done, total int) {
		calls++
		if done > total {
			t.Errorf("progress %d of %d", done, total)
		}
	}
	st, err := export.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("no progress reported")
	}
	return st
}

// files lists the export's files (without the manifest), slash separated.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		r, _ := filepath.Rel(dir, p)
		if r != ".versus-export.json" {
			out = append(out, filepath.ToSlash(r))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExportHTML exports the fully approved site as static HTML: one page
// per published page, every relative link (and its #fragment) resolves
// inside the export, nothing links to the search the static host lacks,
// and a second run rewrites nothing; after an unpublish and an edit, the
// next run removes the page's file and rewrites only what changed.
func TestExportHTML(t *testing.T) {
	srv, c, _ := fullSite(t)
	out := t.TempDir()
	o := export.Options{Server: srv.URL, Out: out, Format: export.HTML, BaseURL: "https://static.example/guides"}
	st := run(t, o)
	all := files(t, out)
	var pages []string
	for _, f := range all {
		if strings.HasPrefix(f, "compare/") && f != "compare/index.html" {
			pages = append(pages, strings.TrimSuffix(strings.TrimPrefix(f, "compare/"), ".html"))
		}
	}
	if len(pages) != len(c.pages) || st.Pages != len(c.pages) {
		t.Fatalf("%d page files (stats %d) for %d published pages", len(pages), st.Pages, len(c.pages))
	}
	for _, p := range pages {
		if _, ok := c.pages[p]; !ok {
			t.Errorf("exported %s, which is not published", p)
		}
	}
	for _, want := range []string{"index.html", "compare/index.html", "sitemap.xml", "robots.txt", "static/site.css", "standards/gdpr.html"} {
		if !slices.Contains(all, want) {
			t.Errorf("no %s in the export", want)
		}
	}
	checkLinks(t, out, all)
	canon := readFile(t, filepath.Join(out, "compare", pages[0]+".html"))
	if !strings.Contains(canon, `<link rel="canonical" href="https://static.example/guides/compare/`+pages[0]+`.html"/>`) {
		t.Errorf("canonical not moved to the base URL")
	}
	if strings.Contains(canon, public+"/compare/") {
		t.Errorf("an absolute URL of the server's public site is left in the page")
	}
	sm := readFile(t, filepath.Join(out, "sitemap.xml"))
	if n := strings.Count(sm, "<loc>https://static.example/guides/compare/"); n != len(c.pages)+1 {
		t.Errorf("sitemap lists %d comparison URLs, want %d pages and the list", n, len(c.pages)+1)
	}
	if !strings.Contains(readFile(t, filepath.Join(out, "robots.txt")), "Sitemap: https://static.example/guides/sitemap.xml") {
		t.Error("robots.txt does not name the sitemap")
	}

	// Again: nothing changed, nothing rewritten.
	if st := run(t, o); st.Written != 0 || st.Removed != 0 || st.Unchanged != len(all) {
		t.Errorf("second run: %+v, want all %d unchanged", st, len(all))
	}

	// Unpublish one page: its file goes, and the pages that linked to it change.
	gone := pages[0]
	c.mu.Lock()
	delete(c.pages, gone)
	c.mu.Unlock()
	st = run(t, o)
	if st.Removed != 1 || st.Written == 0 || st.Written >= len(all)/2 {
		t.Errorf("after an unpublish: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(out, "compare", gone+".html")); !os.IsNotExist(err) {
		t.Errorf("%s still exported: %v", gone, err)
	}
	checkLinks(t, out, files(t, out))
}

// checkLinks parses every exported HTML file and checks that each
// relative href and src names a file of the export, and each fragment an
// id in it.
func checkLinks(t *testing.T, dir string, all []string) {
	t.Helper()
	ids := map[string]map[string]bool{}
	docs := map[string]*html.Node{}
	for _, f := range all {
		if !strings.HasSuffix(f, ".html") {
			continue
		}
		doc, err := html.Parse(strings.NewReader(readFile(t, filepath.Join(dir, f))))
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = doc
		ids[f] = map[string]bool{}
		walk(doc, func(n *html.Node) {
			for _, a := range n.Attr {
				if a.Key == "id" {
					ids[f][a.Val] = true
				}
			}
		})
	}
	checked := 0
	for f, doc := range docs {
		walk(doc, func(n *html.Node) {
			if n.Data == "form" {
				t.Errorf("%s: a form (the static host cannot answer it)", f)
			}
			for _, a := range n.Attr {
				if a.Key != "href" && a.Key != "src" && a.Key != "action" {
					continue
				}
				u, err := url.Parse(a.Val)
				if err != nil {
					t.Errorf("%s: bad link %q", f, a.Val)
					continue
				}
				if u.IsAbs() {
					continue
				}
				if strings.HasPrefix(a.Val, "/") {
					t.Errorf("%s: root-relative link %q breaks outside the host's root", f, a.Val)
					continue
				}
				target := f
				if u.Path != "" {
					target = path.Join(path.Dir(f), u.Path)
				}
				if !slices.Contains(all, target) {
					t.Errorf("%s: link %q: no %s in the export", f, a.Val, target)
					continue
				}
				if u.Fragment != "" && !ids[target][u.Fragment] {
					t.Errorf("%s: link %q: no id %q in %s", f, a.Val, u.Fragment, target)
				}
				checked++
			}
		})
	}
	if checked < len(docs)*5 {
		t.Errorf("only %d links checked in %d pages", checked, len(docs))
	}
}

func walk(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// subset keeps the pages of a few standards, for the quicker formats.
func subset(c *catalog, ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s, p := range c.pages {
		if !slices.Contains(ids, p.Page.Standards[0]) || !slices.Contains(ids, p.Page.Standards[1]) {
			delete(c.pages, s)
		}
	}
}

// TestExportMarkdown writes one file per page whose front matter carries
// what Hugo, Astro and Jekyll read, and whose body is the page; a changed
// page is the only file rewritten.
func TestExportMarkdown(t *testing.T) {
	srv, c, _ := fullSite(t)
	subset(c, "gdpr", "iso-27001", "iso-27701", "soc-2")
	out := t.TempDir()
	o := export.Options{Server: srv.URL, Out: out, Format: export.Markdown}
	run(t, o)
	got := files(t, out)
	if len(got) != len(c.pages) {
		t.Fatalf("%d files for %d pages: %v", len(got), len(c.pages), got)
	}
	for slug, pub := range c.pages {
		md := readFile(t, filepath.Join(out, slug+".md"))
		rest, ok := strings.CutPrefix(md, "---\n")
		fmText, body, ok2 := strings.Cut(rest, "\n---\n")
		if !ok || !ok2 {
			t.Fatalf("%s: no front matter", slug)
		}
		var fm struct {
			Title, Slug, Description string
			Date, Lastmod            time.Time
			Standards                []string
			FAQ                      []struct{ Question, Answer string }
		}
		if err := yaml.Unmarshal([]byte(fmText), &fm); err != nil {
			t.Fatalf("%s: front matter: %v", slug, err)
		}
		p := pub.Page
		if fm.Slug != slug || fm.Title != p.Title || fm.Description != p.Description || !fm.Lastmod.Equal(reviewed) || !fm.Date.Equal(reviewed) ||
			!slices.Equal(fm.Standards, p.Standards[:]) || len(fm.FAQ) != len(p.FAQ) {
			t.Errorf("%s: front matter %+v", slug, fm)
		}
		for i, qa := range p.FAQ {
			if fm.FAQ[i].Question != qa.Question || fm.FAQ[i].Answer != qa.Answer {
				t.Errorf("%s: FAQ %d is %q", slug, i, fm.FAQ[i].Question)
			}
		}
		if !strings.HasPrefix(body, "# "+p.Title+"\n") {
			t.Errorf("%s: body starts %q", slug, body[:min(40, len(body))])
		}
	}
	if st := run(t, o); st.Written != 0 || st.Unchanged != len(got) {
		t.Errorf("second run: %+v", st)
	}
	// One page edited: one file rewritten.
	var one string
	for s := range c.pages {
		one = s
		break
	}
	c.mu.Lock()
	pub := c.pages[one]
	pub.Page.Verdict += " Edited."
	pub.Reviewed = reviewed.Add(time.Hour)
	c.pages[one] = pub
	c.mu.Unlock()
	if st := run(t, o); st.Written != 1 || st.Unchanged != len(got)-1 {
		t.Errorf("after one edit: %+v", st)
	}
}

// TestExportJSON writes one file per page and an index naming them.
func TestExportJSON(t *testing.T) {
	srv, c, _ := fullSite(t)
	subset(c, "gdpr", "iso-27001", "soc-2")
	out := t.TempDir()
	run(t, export.Options{Server: srv.URL, Out: out, Format: export.JSON})
	var idx struct {
		Pages []struct {
			Slug, File string
		}
		Standards []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "index.json"))), &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Pages) != len(c.pages) || len(idx.Standards) != 3 {
		t.Fatalf("index: %d pages, %d standards", len(idx.Pages), len(idx.Standards))
	}
	for _, e := range idx.Pages {
		var p struct {
			Slug string
			Page page.Page
		}
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, e.File))), &p); err != nil {
			t.Fatalf("%s: %v", e.File, err)
		}
		if p.Slug != e.Slug || p.Page.Title != c.pages[e.Slug].Page.Title || len(p.Page.FAQ) == 0 {
			t.Errorf("%s: %+v", e.File, p.Page.Title)
		}
	}
	if got := files(t, out); len(got) != len(c.pages)+1 {
		t.Errorf("%d files for %d pages and the index", len(got), len(c.pages))
	}
}

// TestExportErrors: a bad format, an unreachable server and a missing
// folder are clear errors.
func TestExportErrors(t *testing.T) {
	srv, _, _ := fullSite(t)
	for _, tc := range []struct {
		o    export.Options
		want string
	}{
		{export.Options{Server: srv.URL, Out: t.TempDir(), Format: "pdf"}, `format "pdf"`},
		{export.Options{Server: "http://127.0.0.1:1", Out: t.TempDir()}, "GET /api/published"},
		{export.Options{Server: srv.URL}, "output folder"},
	} {
		_, err := export.Run(context.Background(), tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
}
