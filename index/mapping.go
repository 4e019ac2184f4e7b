package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/edgengram"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
)

// mappingVersion changes whenever the mapping does; an index built with an
// older one is rebuilt by Reindex (Open reports it through Stale).
const mappingVersion = "7"

const (
	analyzerPrefix      = "versus_prefix"       // titles cut into word beginnings, for search-as-you-type
	analyzerPrefixQuery = "versus_prefix_query" // what a half-typed query is cut into
	filterEdgeNgram     = "versus_edge_ngram"
	docType             = "page"
)

// Fields searched, with their weight: the title and the standards' names
// weigh most; the body (description, verdict, FAQ, sections, in that order)
// least. The body is one field so a query costs one clause, not four.
var textFields = []struct {
	name  string
	boost float64
}{
	{"title", 6},
	{"names", 5},
	{"body", 1},
}

// highlightFields give fragments: the page's own words (description,
// verdict, FAQ), stored with their term vectors. The body is searched but
// neither stored nor given term vectors: most of it is the two standards'
// sections, the same on each of a standard's pages, so a fragment from it
// would not tell hits apart, and storing it cost most of the index's size
// and most of the time spent highlighting.
var highlightFields = []string{"summary"}

// facetFields are the keyword fields a search can be narrowed by.
var facetFields = []string{"standard", "issuer", "kind", "jurisdiction", "industry"}

func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	im.ScoringModel = bindex.BM25Scoring
	im.DefaultAnalyzer = en.AnalyzerName
	im.DefaultType = docType
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	if err := im.AddCustomTokenFilter(filterEdgeNgram, map[string]any{
		"type": edgengram.Name, "back": false, "min": 1.0, "max": 20.0,
	}); err != nil {
		return nil, fmt.Errorf("edge ngram filter: %w", err)
	}
	if err := im.AddCustomAnalyzer(analyzerPrefix, map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name,
		"token_filters": []string{lowercase.Name, filterEdgeNgram},
	}); err != nil {
		return nil, fmt.Errorf("prefix analyzer: %w", err)
	}
	if err := im.AddCustomAnalyzer(analyzerPrefixQuery, map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		return nil, fmt.Errorf("prefix query analyzer: %w", err)
	}

	dm := mapping.NewDocumentStaticMapping()
	text := func(store, highlight bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = highlight // highlighting needs term vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func(store, docValues bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	dm.AddFieldMappingsAt("slug", kw(true, false))
	dm.AddFieldMappingsAt("title", text(true, false))
	ng := mapping.NewTextFieldMapping()
	ng.Analyzer = analyzerPrefix
	ng.Store, ng.IncludeInAll, ng.IncludeTermVectors, ng.DocValues = false, false, false, false
	dm.AddFieldMappingsAt("title_ngram", ng)
	dm.AddFieldMappingsAt("names", text(false, false))
	dm.AddFieldMappingsAt("body", text(false, false))
	for _, f := range highlightFields {
		dm.AddFieldMappingsAt(f, text(true, true))
	}
	// Facet fields are for filtering; counting goes through the one
	// single-valued "pair" field (see facets.go).
	for _, f := range facetFields {
		dm.AddFieldMappingsAt(f, kw(false, false))
	}
	dm.AddFieldMappingsAt("pair", kw(false, false))
	im.AddDocumentMapping(docType, dm)
	im.DefaultMapping = mapping.NewDocumentDisabledMapping()
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	return im, nil
}
