package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Facets are counted from each matching page's pair of standards: its
// issuers, kinds, jurisdictions and industries are its two profiles', so one
// number per hit gives them all.
//
// Bleve's term facets read the doc values of every hit, which was half the
// time of a common-word query at 10,000 pages. Instead, each index snapshot
// gets a table from document number to pair, built once from the postings
// of the "pair" field (as Lucene's global ordinals are built once per
// refresh), and a hook on the collector looks every hit up in it. The
// counts stay exact: every hit is counted, not only the top ones.

// pairTable maps the document numbers of one index snapshot to pairs.
type pairTable struct {
	snap  bindex.IndexReader // the snapshot it is built from; held as the cache key
	names *names             // the profiles its facet values come from; part of the key

	once   sync.Once // searches that arrive while it is built wait for it
	err    error
	terms  []string     // pair keys; a document's entry is index+1
	doc    []uint32     // document number -> pair index+1, 0 for none
	values []facetValue // every facet value of the pairs
	ofPair [][]int      // pair index -> indexes into values

	// counts recycles the per-pair counters of searches: one per pair, up
	// to 19,900 at 200 standards, was the largest allocation of a query.
	counts sync.Pool // of *[]int32, len(terms)
}

func (t *pairTable) getCounts() *[]int32 {
	if c, ok := t.counts.Get().(*[]int32); ok {
		clear(*c)
		return c
	}
	c := make([]int32, len(t.terms))
	return &c
}

type facetValue struct {
	field int // index into facetFields
	term  string
}

// pairTables keeps the table of the newest snapshot searched. Snapshots
// change when a page is indexed or segments merge; the next search builds
// the new table, at the cost of one pass over the field's postings.
type pairTables struct {
	mu     sync.Mutex
	cur    *pairTable
	builds atomic.Int64 // tables built, for measurements
}

func (pt *pairTables) get(r bindex.IndexReader, n *names) (*pairTable, error) {
	pt.mu.Lock()
	t := pt.cur
	if t == nil || t.snap != r || t.names != n {
		t = &pairTable{snap: r, names: n}
		pt.cur = t
	}
	pt.mu.Unlock()
	t.once.Do(func() { pt.builds.Add(1); t.err = t.build() })
	if t.err != nil {
		// Not kept: the next search tries again.
		pt.mu.Lock()
		if pt.cur == t {
			pt.cur = nil
		}
		pt.mu.Unlock()
		return nil, t.err
	}
	return t, nil
}

func (t *pairTable) build() error {
	r := t.snap
	dict, err := r.FieldDict("pair")
	if err != nil {
		return fmt.Errorf("pair table: %w", err)
	}
	defer dict.Close()
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("pair table: %w", err)
		}
		if e == nil {
			break
		}
		t.terms = append(t.terms, e.Term)
	}
	ctx := context.Background()
	var tfd bindex.TermFieldDoc
	for i, term := range t.terms {
		tfr, err := r.TermFieldReader(ctx, []byte(term), "pair", false, false, false)
		if err != nil {
			return fmt.Errorf("pair table %q: %w", term, err)
		}
		for {
			d, err := tfr.Next(tfd.Reset())
			if err != nil {
				tfr.Close()
				return fmt.Errorf("pair table %q: %w", term, err)
			}
			if d == nil {
				break
			}
			n, err := docNumber(d.ID)
			if err != nil {
				tfr.Close()
				return err
			}
			if n >= uint64(len(t.doc)) {
				t.doc = append(t.doc, make([]uint32, int(n)+1-len(t.doc))...)
			}
			t.doc[n] = uint32(i + 1)
		}
		tfr.Close()
	}
	// Values are numbered once here, so a search adds up integers.
	ids := map[facetValue]int{}
	t.ofPair = make([][]int, len(t.terms))
	for i, term := range t.terms {
		byField := t.names.pairFacets(term)
		for fi, f := range facetFields {
			for _, v := range byField[f] {
				fv := facetValue{fi, v}
				id, ok := ids[fv]
				if !ok {
					id = len(t.values)
					ids[fv] = id
					t.values = append(t.values, fv)
				}
				t.ofPair[i] = append(t.ofPair[i], id)
			}
		}
	}
	return nil
}

// docNumber reads a scorch internal id: the document's number in its
// snapshot, big-endian in eight bytes.
func docNumber(id bindex.IndexInternalID) (uint64, error) {
	if len(id) != 8 {
		return 0, fmt.Errorf("index: internal id of %d bytes, want 8", len(id))
	}
	return binary.BigEndian.Uint64(id), nil
}

// pairCounter counts the hits of one search by pair.
type pairCounter struct {
	tbl    *pairTable
	counts *[]int32 // from tbl's pool, returned by facets
}

// handler wraps Bleve's top-N collection so every hit is counted before it
// is ranked. It is Bleve's documented hook for custom collection
// (search.MakeDocumentMatchHandlerKey), called once per search of our
// single-index alias.
func (pc *pairCounter) handler(tables *pairTables, n *names) search.MakeDocumentMatchHandler {
	return func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		rank, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		tbl, err := tables.get(sctx.IndexReader, n)
		if err != nil {
			return nil, false, err
		}
		pc.tbl, pc.counts = tbl, tbl.getCounts()
		counts := *pc.counts
		return func(d *search.DocumentMatch) error {
			if d != nil {
				n, err := docNumber(d.IndexInternalID)
				if err != nil {
					return err
				}
				if n < uint64(len(tbl.doc)) {
					if p := tbl.doc[n]; p > 0 {
						counts[p-1]++
					}
				}
			}
			// rank may recycle d, so it is counted first.
			return rank(d)
		}, loadID, nil
	}
}

// maxFacetValues is how many values of each facet a Result lists.
const maxFacetValues = 50

// facets turns the counts by pair into counts by facet value.
func (pc *pairCounter) facets() map[string][]FacetCount {
	lists := make([][]FacetCount, len(facetFields))
	if pc.tbl != nil {
		counts := make([]int, len(pc.tbl.values))
		for i, c := range *pc.counts {
			if c == 0 {
				continue
			}
			for _, v := range pc.tbl.ofPair[i] {
				counts[v] += int(c)
			}
		}
		pc.tbl.counts.Put(pc.counts)
		pc.counts = nil
		for v, c := range counts {
			if c > 0 {
				fv := pc.tbl.values[v]
				lists[fv.field] = append(lists[fv.field], FacetCount{Term: fv.term, Count: c})
			}
		}
	}
	out := make(map[string][]FacetCount, len(facetFields))
	for fi, f := range facetFields {
		list := lists[fi]
		if list == nil {
			list = []FacetCount{}
		}
		sort.Slice(list, func(i, j int) bool {
			if list[i].Count != list[j].Count {
				return list[i].Count > list[j].Count
			}
			return list[i].Term < list[j].Term
		})
		if len(list) > maxFacetValues {
			list = list[:maxFacetValues]
		}
		out[f] = list
	}
	return out
}
