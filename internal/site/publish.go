package site

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// siteName is what Open Graph and JSON-LD call the site.
const siteName = "versus"

// chrome is what every public page's layout needs.
type chrome struct {
	Title       string
	Description string
	Query       string // the header's search box
	Canonical   string // absolute; empty for pages that are not indexed
	OGType      string // "article" or "website"; empty: no Open Graph tags
	JSONLD      template.JS
	NoIndex     bool
	Crumbs      []crumb
}

// crumb is one step of the breadcrumbs; the last one is the page itself.
type crumb struct {
	Label string
	URL   string // root-relative; empty for the current page
}

// glance is one standard's column of the at-a-glance box.
type glance struct {
	ID, Short, Name string
	URL             string
	Kind            string
	Issuer          string
	Edition         string
	Certifiable     bool
	Mandatory       string
	Jurisdiction    string
}

type relatedLink struct {
	Title, URL string
	Why        string // how the two standards relate, when that is on file
}

type relatedGroup struct {
	Standard string
	URL      string
	Links    []relatedLink
}

type compareView struct {
	chrome
	Slug     string
	Heading  template.HTML
	Body     template.HTML
	TOC      []tocEntry
	Glance   []glance
	Reviewed time.Time
	Related  []relatedGroup
}

var kindLabels = map[profile.Kind]string{
	profile.KindLaw:                 "Law or regulation",
	profile.KindManagementSystem:    "Management system standard",
	profile.KindGuideline:           "Guideline",
	profile.KindFramework:           "Framework",
	profile.KindTechnicalStandard:   "Technical standard series",
	profile.KindContractualStandard: "Contractual standard",
}

// relationPhrases read "<A> <phrase> <B>".
var relationPhrases = map[profile.RelationKind]string{
	profile.RelBuiltOn: "is built on", profile.RelBasisFor: "is the basis for",
	profile.RelAssessedAgainst: "is assessed against", profile.RelAssessedBy: "is what assesses",
	profile.RelGuidanceFor: "is guidance for", profile.RelGuidedBy: "is guided by",
	profile.RelExtends: "extends", profile.RelExtendedBy: "is extended by",
	profile.RelTakesPrecedence: "takes precedence over", profile.RelYieldsTo: "yields to",
	profile.RelSupportsEvidence: "helps evidence", profile.RelEvidencedBy: "is evidenced in part by",
	profile.RelSupersedes: "supersedes", profile.RelSupersededBy: "is superseded by",
	profile.RelAlternative: "is an alternative to",
}

// lowerFirst lower-cases a sentence's first letter to continue another
// sentence, unless the word is an acronym ("EU entities", "US public companies").
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func glanceOf(p *profile.Profile) glance {
	g := glance{
		ID: p.ID, Short: p.ShortName, Name: p.Name, URL: "/standards/" + p.ID,
		Kind: cmp.Or(kindLabels[p.Kind], string(p.Kind)), Issuer: p.Issuer,
		Edition: p.Edition, Certifiable: p.Certifiable, Jurisdiction: p.Jurisdiction,
		Mandatory: "Voluntary",
	}
	if y := strconv.Itoa(p.Year); p.Year > 0 && !strings.Contains(p.Edition, y) {
		g.Edition = p.Edition + " (" + y + ")"
	}
	if p.Mandatory.Required {
		g.Mandatory = "Required"
		if p.Mandatory.For != "" {
			g.Mandatory = "Required for " + lowerFirst(p.Mandatory.For)
		}
	}
	return g
}

// baseURL is the public site's root, no trailing slash.
func (s *Site) baseURL(r *http.Request) string {
	if s.base != "" {
		return s.base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// published lists what is live; no catalog means nothing is.
func (s *Site) published(ctx context.Context) ([]Published, error) {
	if s.pages == nil {
		return nil, nil
	}
	list, err := s.pages.PublishedPages(ctx)
	if err != nil {
		return nil, fmt.Errorf("published pages: %w", err)
	}
	slices.SortFunc(list, func(a, b Published) int { return cmp.Compare(a.Page.Title, b.Page.Title) })
	return list, nil
}

// ComparePage serves GET /compare/{slug}: a published page, sanitized, with
// its at-a-glance box, contents, related comparisons and what search
// engines read.
func (s *Site) ComparePage(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if s.pages == nil {
		s.notFound(w, r)
		return
	}
	pub, ok, err := s.pages.PublishedPage(r.Context(), slug)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("page %s: %w", slug, err))
		return
	}
	if !ok {
		s.notFound(w, r)
		return
	}
	all, err := s.published(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view, err := s.compareView(r, pub, all)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("page %s: %w", slug, err))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	if !pub.Reviewed.IsZero() {
		w.Header().Set("Last-Modified", pub.Reviewed.UTC().Format(http.TimeFormat))
	}
	s.render(w, r, http.StatusOK, "compare.html", view)
}

func (s *Site) compareView(r *http.Request, pub Published, all []Published) (compareView, error) {
	p := pub.Page
	// page.ToHTML drops raw HTML and sanitizes what Markdown makes of the
	// fields (they may come from an LLM); prepareBody keeps it a tree.
	b, err := prepareBody(page.ToHTML(p))
	if err != nil {
		return compareView{}, err
	}
	base := s.baseURL(r)
	canon := base + "/compare/" + p.Slug
	v := compareView{
		chrome: chrome{
			Title: p.Title, Description: p.Description, Canonical: canon, OGType: "article",
			Crumbs: []crumb{{"Home", "/"}, {"Comparisons", "/compare"}, {p.Title, ""}},
		},
		Slug: p.Slug, Heading: template.HTML(b.Heading), Body: template.HTML(b.Rest),
		TOC: b.TOC, Reviewed: pub.Reviewed,
	}
	set := s.set()
	for _, id := range p.Standards {
		if pr, ok := lookup(set, id); ok {
			v.Glance = append(v.Glance, glanceOf(pr))
			v.Related = append(v.Related, related(set, pr, p.Slug, all))
		}
	}
	ld, err := jsonLD(base, canon, pub, set, v.Crumbs)
	if err != nil {
		return compareView{}, err
	}
	v.JSONLD = ld
	return v, nil
}

func lookup(set *profile.Set, id string) (*profile.Profile, bool) {
	if set == nil {
		return nil, false
	}
	return set.Get(id)
}

// maxRelated bounds each standard's list of related comparisons.
const maxRelated = 6

// related lists the other published pages of x, most related first: a pair
// with relations on file, then one that x's profile lists as related, then
// one whose profile lists x; ties by title.
func related(set *profile.Set, x *profile.Profile, self string, all []Published) relatedGroup {
	type cand struct {
		link  relatedLink
		score int
	}
	var cs []cand
	for _, pub := range all {
		p := pub.Page
		if p.Slug == self {
			continue
		}
		var other string
		switch x.ID {
		case p.Standards[0]:
			other = p.Standards[1]
		case p.Standards[1]:
			other = p.Standards[0]
		default:
			continue
		}
		c := cand{link: relatedLink{Title: p.Title, URL: "/compare/" + p.Slug}}
		if rels := set.Relations(x.ID, other); len(rels) > 0 {
			c.score += 4
			if y, ok := set.Get(other); ok {
				if ph, ok := relationPhrases[rels[0].Kind]; ok {
					c.link.Why = page.Clause(page.NameOf(x), ph, page.NameOf(y))
				}
			}
		}
		if slices.Contains(x.Related, other) {
			c.score += 2
		}
		if y, ok := set.Get(other); ok && slices.Contains(y.Related, x.ID) {
			c.score++
		}
		cs = append(cs, c)
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return cmp.Compare(a.link.Title, b.link.Title)
	})
	g := relatedGroup{Standard: x.ShortName, URL: "/standards/" + x.ID}
	for i, c := range cs {
		if i == maxRelated {
			break
		}
		g.Links = append(g.Links, c.link)
	}
	return g
}

// jsonLD is the page's structured data: the article itself with its
// modified date, its breadcrumbs, and its FAQ, in one @graph.
func jsonLD(base, canon string, pub Published, set *profile.Set, crumbs []crumb) (template.JS, error) {
	p := pub.Page
	article := map[string]any{
		"@type": "Article", "@id": canon + "#article",
		"headline": p.Title, "description": p.Description,
		"url": canon, "mainEntityOfPage": canon, "inLanguage": "en",
		"isPartOf":  map[string]any{"@type": "WebSite", "name": siteName, "url": base + "/"},
		"publisher": map[string]any{"@type": "Organization", "name": siteName, "url": base + "/"},
		"author":    map[string]any{"@type": "Organization", "name": siteName, "url": base + "/"},
	}
	if !pub.Reviewed.IsZero() {
		article["dateModified"] = pub.Reviewed.UTC().Format(time.RFC3339)
	}
	var about []any
	for _, id := range p.Standards {
		if pr, ok := lookup(set, id); ok {
			about = append(about, map[string]any{"@type": "Thing", "name": pr.Name, "alternateName": pr.ShortName})
		}
	}
	if about != nil {
		article["about"] = about
	}
	graph := []any{article, breadcrumbLD(base, canon, crumbs)}
	if len(p.FAQ) > 0 {
		var qs []any
		for _, qa := range p.FAQ {
			qs = append(qs, map[string]any{
				"@type": "Question", "name": qa.Question,
				"acceptedAnswer": map[string]any{"@type": "Answer", "text": qa.Answer},
			})
		}
		graph = append(graph, map[string]any{"@type": "FAQPage", "@id": canon + "#faq", "mainEntity": qs})
	}
	return ldScript(map[string]any{"@context": "https://schema.org", "@graph": graph})
}

func breadcrumbLD(base, canon string, crumbs []crumb) map[string]any {
	var items []any
	for i, c := range crumbs {
		u := canon
		if c.URL != "" {
			u = base + c.URL
		}
		items = append(items, map[string]any{"@type": "ListItem", "position": i + 1, "name": c.Label, "item": u})
	}
	return map[string]any{"@type": "BreadcrumbList", "itemListElement": items}
}

// ldScript encodes structured data for a <script type="application/ld+json">.
// json.Marshal escapes <, > and & so no text can close the script element.
func ldScript(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("json-ld: %w", err)
	}
	return template.JS(b), nil
}
