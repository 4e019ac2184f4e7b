package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/versus-dev/versus/internal/page"
)

// Limits on a page of results.
const (
	DefaultLimit = 10
	MaxLimit     = 100
	maxFragments = 3
)

// Query is one search.
type Query struct {
	Text     string // what the visitor typed
	Standard string // optional profile id: only pages naming it
	Limit    int    // hits per page; 0 means DefaultLimit, capped at MaxLimit
	Offset   int    // hits to skip
	// Filters narrows by other facets: "issuer", "kind", "jurisdiction",
	// "industry" to one value each. Unknown facet names are an error.
	Filters map[string]string
}

// FacetNames are the facets a Result counts, in display order.
func FacetNames() []string { return append([]string(nil), facetFields...) }

// Result is one page of hits; its JSON is the /api/search answer.
type Result struct {
	Total int `json:"total"`
	// Cached says the answer came from the result cache, not a search:
	// the server says so in its Server-Timing, so a bench can tell the two.
	Cached bool                    `json:"-"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"`
	// Gap is set when the query names two standards whose comparison is not
	// in the index: rather than the best of unrelated hits, the answer says
	// so and offers each standard's own pages.
	Gap *Gap `json:"gap,omitempty"`
}

// Gap is the answer to a pair with no page: the two standards, a sentence
// saying so, and the pages there are of each.
type Gap struct {
	Standards [2]string       `json:"standards"` // profile ids, as the query named them
	Names     [2]string       `json:"names"`     // their short names
	Message   string          `json:"message"`
	Pages     [2][]Suggestion `json:"pages"` // each standard's pages, by title
}

// gapPages bounds each standard's list in a Gap.
const gapPages = 10

// Hit is one matching page. Fragments are HTML: escaped text in which only
// the <mark> tags around matched words are markup.
type Hit struct {
	Slug      string   `json:"slug"`
	Title     string   `json:"title"`
	Score     float64  `json:"score"`
	Fragments []string `json:"fragments"`
}

// FacetCount is how many hits carry one value of a facet.
type FacetCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// Suggestion is a page title offered while the visitor types.
type Suggestion struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// Understood is what the index made of a query's text.
type Understood struct {
	Parsed    Parsed
	Standards []string // profile ids the query names
	Pair      string   // the slug of the pair's page when the query names two standards

	// spans are the words that named Standards, as typed; rest the words
	// left for free text. A standard's name is matched as one thing (its
	// pages, and pages whose text has all its words), not word by word in
	// every field: "ISO 27001" is not every page that says "ISO".
	spans []string
	rest  string
}

// Boosts of the query understanding: a named pair's page must outrank any
// text match, a named standard's pages most text matches.
const (
	boostPair     = 1000
	boostStandard = 20
	boostCard     = 4
	boostFuzzy    = 1.5
	boostPrefix   = 2
	boostSynonym  = 1
)

// Understand reads a query: which standards it names and whether it asks
// for a comparison of two.
func (ix *Index) Understand(text string) Understood {
	return understand(ix.names.Load(), text)
}

func understand(n *names, text string) Understood {
	u := Understood{Parsed: ParseQuery(text)}
	if u.Parsed.Text == "" {
		return u
	}
	u.rest = u.Parsed.Terms()
	if u.Parsed.IsPair() {
		// Each side of a comparison is a standard's name, so a short
		// unique beginning ("pci") is enough.
		var rest []string
		for _, side := range u.Parsed.Sides {
			id, ok := n.resolve(side, 3)
			switch {
			case !ok:
				rest = append(rest, side)
				continue
			case !slices.Contains(u.Standards, id):
				u.Standards = append(u.Standards, id)
			}
			u.spans = append(u.spans, normalize(side))
		}
		if len(u.Standards) > 0 {
			u.rest = strings.Join(rest, " ")
		}
	}
	if len(u.Standards) < 2 {
		if m, spans, rest := n.mentions(u.Parsed.Text); len(m) > len(u.Standards) {
			u.Standards, u.spans = m, spans
			if u.Parsed.IsPair() { // "vs", "difference between": no text to match
				rest = slices.DeleteFunc(rest, func(w string) bool { return connectorWords[w] })
			}
			u.rest = strings.Join(rest, " ")
		}
	}
	if len(u.Standards) == 0 {
		if id, ok := n.resolve(u.Parsed.Text, 4); ok {
			u.Standards = []string{id}
			u.spans, u.rest = []string{normalize(u.Parsed.Text)}, ""
		}
	}
	if len(u.Standards) == 2 {
		a, b := u.Standards[0], u.Standards[1]
		if b < a {
			a, b = b, a
		}
		u.Pair = page.Slug(a, b)
	}
	return u
}

// connectorWords are the words of connectors and lead-ins.
var connectorWords = func() map[string]bool {
	m := map[string]bool{}
	for _, group := range connectors {
		for _, c := range group {
			for _, w := range strings.Fields(normalize(c)) {
				m[w] = true
			}
		}
	}
	for _, l := range leadIns {
		for _, w := range strings.Fields(normalize(l)) {
			m[w] = true
		}
	}
	return m
}()

func buildQuery(n *names, u Understood) query.Query {
	var clauses []query.Query
	if u.rest != "" {
		text := matchText(u.rest)
		clauses = textClauses(text)
		// Every word of the query describing one standard: "privacy certification".
		if len(strings.Fields(text)) > 1 {
			if ids := n.described(text); len(ids) > 0 {
				cs := make([]query.Query, len(ids))
				for i, id := range ids {
					t := bleve.NewTermQuery(id)
					t.SetField("standard")
					cs[i] = t
				}
				d := bleve.NewDisjunctionQuery(cs...)
				d.SetBoost(boostCard)
				clauses = append(clauses, d)
			}
		}
	}
	for i, id := range u.Standards {
		t := bleve.NewTermQuery(id)
		t.SetField("standard")
		t.SetBoost(boostStandard)
		clauses = append(clauses, t)
		// Pages whose text names it: by its short name (synonyms:
		// "sarbanes oxley" also finds the body's "SOX") and as typed.
		exp := n.expansion(id)
		for _, name := range []string{exp, spanOf(u, i)} {
			if name == "" || (name != exp && name == normalize(exp)) {
				continue
			}
			m := bleve.NewMatchQuery(name)
			m.SetField("body")
			m.SetOperator(query.MatchQueryOperatorAnd)
			m.SetBoost(boostSynonym)
			clauses = append(clauses, m)
		}
	}
	if u.Pair != "" {
		a, b, _ := strings.Cut(u.Pair, "-vs-")
		d := bleve.NewDocIDQuery([]string{u.Pair, page.Slug(b, a)})
		d.SetBoost(boostPair)
		clauses = append(clauses, d)
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// spanOf is the words that named the i-th standard, when they are known
// one for one.
func spanOf(u Understood, i int) string {
	if len(u.spans) == len(u.Standards) {
		return u.spans[i]
	}
	return ""
}

// textClauses match free text: words in titles, names and the body, typos
// in titles and names, and half-typed title words.
func textClauses(text string) []query.Query {
	var clauses []query.Query
	match := func(field string, boost float64) *query.MatchQuery {
		m := bleve.NewMatchQuery(text)
		m.SetField(field)
		m.SetBoost(boost)
		return m
	}
	for _, f := range textFields {
		clauses = append(clauses, match(f.name, f.boost))
	}
	// Typos in words of titles and names: "hippa", "sarbanes oxly". Numbers
	// are left out: 27001, 27002 and 27701 are one edit apart and all real
	// (digit look-alikes are mended by normalize), and a fuzzy number
	// matches half the index.
	for _, w := range strings.Fields(strings.ToLower(text)) {
		if len([]rune(w)) < 4 || strings.ContainsAny(w, "0123456789") {
			continue
		}
		fuzziness := 1
		if len([]rune(w)) > 7 {
			fuzziness = 2
		}
		for _, f := range []string{"title", "names"} {
			clauses = append(clauses, &typoQuery{word: w, field: f, fuzziness: fuzziness, boost: boostFuzzy})
		}
	}
	// Half-typed words: "hipa", "sarban".
	p := match("title_ngram", boostPrefix)
	p.Analyzer = analyzerPrefixQuery
	p.SetOperator(query.MatchQueryOperatorAnd)
	return append(clauses, p)
}

// matchText is the text the free-text clauses match: the words of one
// letter or digit ("2" of "soc 2") are left out, as they are on nearly every
// page and tell none apart; names with them are matched whole by the
// standard clauses. A text of nothing else is kept as it is.
func matchText(text string) string {
	var kept []string
	for _, w := range strings.Fields(text) {
		if utf8.RuneCountInString(w) > 1 {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return text
	}
	return strings.Join(kept, " ")
}

// Search runs q. An empty text lists every page (narrowed by q.Standard).
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Limit = min(q.Limit, MaxLimit)
	q.Offset = max(q.Offset, 0)

	n := ix.names.Load() // one set of profiles for the whole search
	key, gen := cacheKey(q), ix.gen.Load()
	if r, ok := ix.cache.get(key, gen, n); ok {
		r = cloneResult(r)
		r.Cached = true
		return r, nil
	}
	out, err := ix.search(ctx, n, q)
	if err == nil {
		ix.cache.put(key, gen, ix.gen.Load(), n, cloneResult(out))
	}
	return out, err
}

func (ix *Index) search(ctx context.Context, n *names, q Query) (Result, error) {
	u := understand(n, q.Text)
	if u.Pair != "" && len(u.Standards) == 2 {
		gap, err := ix.gap(ctx, n, u)
		if err != nil {
			return Result{}, fmt.Errorf("search %q: %w", q.Text, err)
		}
		if gap != nil {
			return Result{Hits: []Hit{}, Facets: map[string][]FacetCount{}, Gap: gap}, nil
		}
	}
	var qq query.Query
	if u.Parsed.Text == "" {
		qq = bleve.NewMatchAllQuery()
	} else {
		qq = buildQuery(n, u)
	}
	filters := map[string]string{}
	for f, v := range q.Filters {
		if f == "standard" || !slices.Contains(facetFields, f) {
			return Result{}, fmt.Errorf("search: unknown filter %q", f)
		}
		if v != "" {
			filters[f] = v
		}
	}
	if q.Standard != "" {
		filters["standard"] = q.Standard
	}
	if len(filters) > 0 {
		must := []query.Query{qq}
		for _, f := range facetFields {
			if v, ok := filters[f]; ok {
				t := bleve.NewTermQuery(v)
				t.SetField(f)
				t.SetBoost(0)
				must = append(must, t)
			}
		}
		qq = bleve.NewConjunctionQuery(must...)
	}
	// Sorted by score alone: a tie-break on _id would load the id of every
	// competing hit. Ties keep index order, stable across pages.
	req := bleve.NewSearchRequestOptions(qq, q.Limit, q.Offset, false)
	req.Fields = []string{"title"}
	var pc pairCounter
	sctx := context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, pc.handler(&ix.pairs, n))
	res, err := ix.alias.SearchInContext(sctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	out := Result{Total: int(res.Total), Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		title, _ := h.Fields["title"].(string)
		out.Hits = append(out.Hits, Hit{Slug: h.ID, Title: title, Score: h.Score, Fragments: []string{}})
	}
	if u.Parsed.Text != "" && len(out.Hits) > 0 {
		if err := ix.highlight(ctx, n, u, out.Hits); err != nil {
			return Result{}, fmt.Errorf("search %q: %w", q.Text, err)
		}
	}
	out.Facets = pc.facets()
	return out, nil
}

// highlight fills the hits' fragments with a second search over just those
// pages: asking for highlights in the main search would read the term
// locations of every matching page, not only of the few shown.
func (ix *Index) highlight(ctx context.Context, n *names, u Understood, hits []Hit) error {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Slug
	}
	// Every word once: the words typed and the names they resolved to
	// ("SOC 2" for "soc2"). A word twice would read its locations twice.
	words := strings.Fields(matchText(u.Parsed.Terms()))
	for _, id := range u.Standards {
		words = append(words, strings.Fields(n.expansion(id))...)
	}
	seen := map[string]bool{}
	uniq := words[:0]
	for _, w := range words {
		if k := strings.ToLower(w); !seen[k] {
			seen[k] = true
			uniq = append(uniq, w)
		}
	}
	m := bleve.NewMatchQuery(strings.Join(uniq, " "))
	m.SetField(highlightFields[0])
	qq := bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), m)
	req := bleve.NewSearchRequestOptions(qq, len(ids), 0, false)
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.Fields = highlightFields
	res, err := ix.alias.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("highlight: %w", err)
	}
	byID := make(map[string]*Hit, len(hits))
	for i := range hits {
		byID[hits[i].Slug] = &hits[i]
	}
	for _, dm := range res.Hits {
		h := byID[dm.ID]
		if h == nil {
			continue
		}
		for _, f := range highlightFields {
			for _, fr := range dm.Fragments[f] {
				if len(h.Fragments) < maxFragments {
					h.Fragments = append(h.Fragments, fr)
				}
			}
		}
	}
	return nil
}

// Suggest offers up to n page titles whose words start with what was typed.
func (ix *Index) Suggest(ctx context.Context, prefix string, n int) ([]Suggestion, error) {
	prefix = strings.TrimSpace(prefix)
	if prefix == "" || n <= 0 {
		return []Suggestion{}, nil
	}
	n = min(n, MaxLimit)
	m := bleve.NewMatchQuery(prefix)
	m.SetField("title_ngram")
	m.Analyzer = analyzerPrefixQuery
	m.SetOperator(query.MatchQueryOperatorAnd)
	var qq query.Query = m
	// A name the profiles know ("sarb" for Sarbanes-Oxley) brings its
	// standard's pages even when the title uses another name (SOX).
	if u := ix.Understand(prefix); len(u.Standards) > 0 {
		alts := []query.Query{m}
		for _, id := range u.Standards {
			t := bleve.NewTermQuery(id)
			t.SetField("standard")
			t.SetBoost(boostStandard)
			alts = append(alts, t)
		}
		if u.Pair != "" {
			d := bleve.NewDocIDQuery([]string{u.Pair})
			d.SetBoost(boostPair)
			alts = append(alts, d)
		}
		qq = bleve.NewDisjunctionQuery(alts...)
	}
	req := bleve.NewSearchRequestOptions(qq, n, 0, false)
	req.Fields = []string{"title"}
	res, err := ix.alias.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("suggest %q: %w", prefix, err)
	}
	out := make([]Suggestion, 0, len(res.Hits))
	for _, h := range res.Hits {
		title, _ := h.Fields["title"].(string)
		out = append(out, Suggestion{Slug: h.ID, Title: title})
	}
	return out, nil
}

// gap returns nil when the page of u's pair is in the index (either way
// round), else the Gap that says it is not.
func (ix *Index) gap(ctx context.Context, n *names, u Understood) (*Gap, error) {
	a, b, _ := strings.Cut(u.Pair, "-vs-")
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{u.Pair, page.Slug(b, a)}), 1, 0, false)
	res, err := ix.alias.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("pair page: %w", err)
	}
	if res.Total > 0 {
		return nil, nil
	}
	g := &Gap{Standards: [2]string{u.Standards[0], u.Standards[1]}}
	for i, id := range g.Standards {
		g.Names[i] = n.expansion(id)
		t := bleve.NewTermQuery(id)
		t.SetField("standard")
		req := bleve.NewSearchRequestOptions(t, MaxLimit, 0, false)
		req.Fields = []string{"title"}
		res, err := ix.alias.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("pages of %s: %w", id, err)
		}
		g.Pages[i] = make([]Suggestion, 0, len(res.Hits))
		for _, h := range res.Hits {
			title, _ := h.Fields["title"].(string)
			g.Pages[i] = append(g.Pages[i], Suggestion{Slug: h.ID, Title: title})
		}
		slices.SortFunc(g.Pages[i], func(x, y Suggestion) int { return strings.Compare(x.Title, y.Title) })
		g.Pages[i] = g.Pages[i][:min(len(g.Pages[i]), gapPages)]
	}
	g.Message = "There is no comparison of " + g.Names[0] + " and " + g.Names[1] + " yet."
	return g, nil
}
