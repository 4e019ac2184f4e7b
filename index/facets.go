package index

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facets are counted from each matching page's pair of standards: its
// issuers, kinds, jurisdictions and industries are its two profiles', so one
// number per hit gives them all.
//
// Bleve's term facets read the doc values of every hit, which was half the
// time of a common-word query at 10,000 pages. Instead, each index snapshot
// gets a table from document number to pair, and a hook on the collector
// looks every hit up in it. The counts stay exact: every hit is counted, not
// only the top ones.
//
// A snapshot's table is put together from one table per segment, built from
// the postings of the segment's "pair" field and kept while the segment
// lives (as Lucene keeps per-segment ordinals): a write adds a small segment
// and the next search builds the table of that segment only. Building the
// whole table for every snapshot took 80-140 ms at 19,900 pages, paid by the
// first search after each write.

// pairTable maps the document numbers of one index snapshot to pairs.
type pairTable struct {
	snap  bindex.IndexReader // the snapshot it is built from; held as the cache key
	names *names             // the profiles its facet values come from; part of the key

	once   sync.Once // searches that arrive while it is built wait for it
	err    error
	doc    []uint32     // document number -> pair index+1, 0 for none
	terms  []string     // pair keys, by pair index (as the dictionary was when built)
	values []facetValue // every facet value of the pairs
	counting

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

// pairDict numbers the pairs and their facet values for one set of
// profiles, and keeps the tables of the segments searched with it. It only
// grows: a table built earlier keeps its view (slices are appended to, never
// changed below their length).
type pairDict struct {
	names    *names
	ids      map[string]uint32 // pair key -> pair index
	terms    []string
	valueIDs map[facetValue]int
	values   []facetValue
	stdIDs   map[string]int32
	counting
	segs  map[segment.Segment][]uint32 // local document number -> pair index+1
	built int                          // segment tables built, for tests
}

// counting is what turns counts by pair into counts by facet value, by
// standard rather than by pair: a pair's values are its standards' values,
// so a value's count is the sum over the standards that have it of their
// pairs' hits, less the hits of pairs whose two standards both have it
// (counted twice). A pair adds its hits to two standards and subtracts them
// from the few values its standards share, where adding them to every value
// of the pair (fifteen or so) was a sixth of a common-word query at 19,900
// pages. The slices only grow, so a table's view of them stays valid.
type counting struct {
	pairStd  []int32   // pair index -> its standards, two entries each (-1 for none)
	twice    []int32   // the values a pair's standards share, pairs end to end
	twiceEnd []int32   // pair index -> end of its run in twice
	stdVals  [][]int32 // standard index -> its values
}

func newPairDict(n *names) *pairDict {
	return &pairDict{names: n, ids: map[string]uint32{}, valueIDs: map[facetValue]int{},
		stdIDs: map[string]int32{}, segs: map[segment.Segment][]uint32{}}
}

// valueID numbers a facet value.
func (d *pairDict) valueID(fv facetValue) int32 {
	id, ok := d.valueIDs[fv]
	if !ok {
		id = len(d.values)
		d.valueIDs[fv] = id
		d.values = append(d.values, fv)
	}
	return int32(id)
}

// std numbers a standard, and its facet values the first time it is seen.
func (d *pairDict) std(id string) int32 {
	if s, ok := d.stdIDs[id]; ok {
		return s
	}
	s := int32(len(d.stdVals))
	d.stdIDs[id] = s
	byField := d.names.pairFacets(id)
	var vals []int32
	for fi, f := range facetFields {
		for _, v := range byField[f] {
			vals = append(vals, d.valueID(facetValue{fi, v}))
		}
	}
	d.stdVals = append(d.stdVals, vals)
	return s
}

// id numbers a pair, and its standards the first time it is seen.
func (d *pairDict) id(term string) uint32 {
	if id, ok := d.ids[term]; ok {
		return id
	}
	id := uint32(len(d.terms))
	d.ids[term] = id
	d.terms = append(d.terms, term)
	ids := strings.Fields(term)
	ab := [2]int32{-1, -1}
	for i := 0; i < len(ids) && i < 2; i++ {
		ab[i] = d.std(ids[i])
	}
	d.pairStd = append(d.pairStd, ab[0], ab[1])
	if ab[0] >= 0 && ab[1] >= 0 {
		for _, v := range d.stdVals[ab[0]] {
			if slices.Contains(d.stdVals[ab[1]], v) {
				d.twice = append(d.twice, v)
			}
		}
	}
	d.twiceEnd = append(d.twiceEnd, int32(len(d.twice)))
	return id
}

// segmentTable reads a segment's "pair" postings into its table.
func (d *pairDict) segmentTable(seg segment.Segment) ([]uint32, error) {
	if t, ok := d.segs[seg]; ok {
		return t, nil
	}
	dict, err := seg.Dictionary("pair")
	if err != nil {
		return nil, fmt.Errorf("pair table: %w", err)
	}
	t := make([]uint32, seg.Count())
	it := dict.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	for {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("pair table: %w", err)
		}
		if e == nil {
			break
		}
		id := d.id(e.Term)
		if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
			return nil, fmt.Errorf("pair table %q: %w", e.Term, err)
		}
		pi = pl.Iterator(false, false, false, pi)
		for {
			p, err := pi.Next()
			if err != nil {
				return nil, fmt.Errorf("pair table %q: %w", e.Term, err)
			}
			if p == nil {
				break
			}
			if n := p.Number(); n < uint64(len(t)) {
				t[n] = id + 1
			}
		}
	}
	d.segs[seg] = t
	d.built++
	return t, nil
}

// pairTables keeps the table of the newest snapshot searched, and the
// dictionary its segments' tables are kept in.
type pairTables struct {
	mu     sync.Mutex
	cur    *pairTable
	builds atomic.Int64 // tables built, for measurements

	dmu  sync.Mutex // guards dict, one table built at a time
	dict *pairDict
}

func (pt *pairTables) get(r bindex.IndexReader, n *names) (*pairTable, error) {
	pt.mu.Lock()
	t := pt.cur
	if t == nil || t.snap != r || t.names != n {
		t = &pairTable{snap: r, names: n}
		pt.cur = t
	}
	pt.mu.Unlock()
	t.once.Do(func() { pt.builds.Add(1); t.err = pt.build(t) })
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

// build puts t together from its snapshot's segments' tables, building
// those not yet built, and forgets the tables of segments merged away.
func (pt *pairTables) build(t *pairTable) error {
	snap, ok := t.snap.(*scorch.IndexSnapshot)
	if !ok {
		return fmt.Errorf("pair table: index reader %T is not scorch's", t.snap)
	}
	pt.dmu.Lock()
	defer pt.dmu.Unlock()
	if pt.dict == nil || pt.dict.names != t.names {
		pt.dict = newPairDict(t.names)
	}
	d := pt.dict
	segs := snap.Segments()
	live := make(map[segment.Segment]bool, len(segs))
	// Offsets count every document of a segment, deleted ones too
	// (SegmentSnapshot.Count leaves those out), as scorch numbers them.
	var total uint64
	for _, ss := range segs {
		total += ss.Segment().Count()
	}
	t.doc = make([]uint32, total)
	var offset uint64
	for _, ss := range segs {
		seg := ss.Segment()
		st, err := d.segmentTable(seg)
		if err != nil {
			return err
		}
		live[seg] = true
		copy(t.doc[offset:], st)
		offset += seg.Count()
	}
	for seg := range d.segs {
		if !live[seg] {
			delete(d.segs, seg)
		}
	}
	t.terms, t.values, t.counting = d.terms, d.values, d.counting
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
		t := pc.tbl
		counts := make([]int, len(t.values))
		byStd := make([]int, len(t.stdVals))
		start := int32(0)
		for i, c := range *pc.counts {
			end := t.twiceEnd[i]
			if c != 0 {
				if a := t.pairStd[2*i]; a >= 0 {
					byStd[a] += int(c)
				}
				if b := t.pairStd[2*i+1]; b >= 0 {
					byStd[b] += int(c)
				}
				for _, v := range t.twice[start:end] {
					counts[v] -= int(c)
				}
			}
			start = end
		}
		for s, c := range byStd {
			if c != 0 {
				for _, v := range t.stdVals[s] {
					counts[v] += c
				}
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
