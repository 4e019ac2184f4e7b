package validate

import (
	"slices"
	"sort"
	"sync"

	"github.com/versus-dev/versus/internal/finding"
)

// NearDuplicateThreshold is the shingle similarity at which two pages'
// verdicts count as copies of each other, in `versus validate` and in the
// pipeline alike.
const NearDuplicateThreshold = 0.7

// maxCandidates bounds the exact comparisons of one Check.
const maxCandidates = 512

// VerdictIndex holds the verdicts of all stored pages so that one new
// verdict is checked against all of them without comparing every pair:
// each verdict's MinHash signature is kept in band buckets, and a check
// compares the new verdict exactly with the verdicts that share a bucket.
// Put and Check cost about the same whatever the number of pages. It
// applies the rule Corpus applies to a batch (repetition.near-duplicate-
// verdict, same threshold, same message). Safe for concurrent use.
type VerdictIndex struct {
	mu        sync.RWMutex
	threshold float64
	b, r      int
	docs      map[string]*indexDoc
	// Per band, the first verdict stored under a band key, and in more the
	// others under the same key, in the order stored. Most keys hold one
	// verdict: a pointer is 24 bytes and an allocation less than a slice,
	// per band and page (25 bands, 20,000 pages: about 14 MB).
	buckets []map[uint64]*indexDoc
	more    []map[uint64][]*indexDoc
}

// indexDoc is a stored verdict: only what a later Check compares. The
// MinHash signature is needed only for the band keys, and the shingles are
// copied to their exact length, so 20,000 stored verdicts stay small.
type indexDoc struct {
	slug     string
	shingles []uint64 // sorted, unique
	keys     []uint64 // the doc's bucket in each band
}

// NewVerdictIndex returns an empty index; threshold is the Jaccard
// similarity of word shingles at which a verdict is a near copy
// (NearDuplicateThreshold is the project's).
func NewVerdictIndex(threshold float64) *VerdictIndex {
	b, r := bands(threshold)
	x := &VerdictIndex{threshold: threshold, b: b, r: r, docs: map[string]*indexDoc{},
		buckets: make([]map[uint64]*indexDoc, b), more: make([]map[uint64][]*indexDoc, b)}
	for i := range x.buckets {
		x.buckets[i] = map[uint64]*indexDoc{}
		x.more[i] = map[uint64][]*indexDoc{}
	}
	return x
}

// Len is the number of stored verdicts.
func (x *VerdictIndex) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.docs)
}

// Put stores a page's verdict, replacing the one stored for slug.
func (x *VerdictIndex) Put(slug, verdict string) {
	c := newDoc(slug, verdict)
	d := &indexDoc{slug: slug, shingles: slices.Clone(c.shingles)}
	if len(d.shingles) > 0 {
		d.keys = make([]uint64, x.b)
		for band := range d.keys {
			d.keys[band] = bandKey(&c.sig, band, x.r)
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(slug)
	x.docs[slug] = d
	for band, k := range d.keys {
		if _, ok := x.buckets[band][k]; ok {
			x.more[band][k] = append(x.more[band][k], d)
		} else {
			x.buckets[band][k] = d
		}
	}
}

// members calls fn on the verdicts stored under band key k, in the order
// stored, until fn returns false.
func (x *VerdictIndex) members(band int, k uint64, fn func(*indexDoc) bool) {
	first, ok := x.buckets[band][k]
	if !ok || !fn(first) {
		return
	}
	for _, d := range x.more[band][k] {
		if !fn(d) {
			return
		}
	}
}

// Remove forgets a page's verdict.
func (x *VerdictIndex) Remove(slug string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(slug)
}

func (x *VerdictIndex) remove(slug string) {
	old, ok := x.docs[slug]
	if !ok {
		return
	}
	delete(x.docs, slug)
	for band, k := range old.keys {
		rest := x.more[band][k]
		if x.buckets[band][k] == old {
			if len(rest) == 0 {
				delete(x.buckets[band], k)
				continue
			}
			x.buckets[band][k], rest = rest[0], rest[1:]
		} else {
			for i, d := range rest {
				if d == old {
					rest = append(rest[:i:i], rest[i+1:]...)
					break
				}
			}
		}
		if len(rest) == 0 {
			delete(x.more[band], k)
		} else {
			x.more[band][k] = rest
		}
	}
}

// Check returns a warning for each stored verdict of another page that the
// verdict is a near copy of, most similar first, at most three. The
// verdict is not stored; call Put once the page is kept.
func (x *VerdictIndex) Check(slug, verdict string) []finding.Finding {
	d := newDoc(slug, verdict)
	if len(d.shingles) == 0 {
		return nil
	}
	type match struct {
		slug string
		sim  float64
	}
	var ms []match
	seen := map[*indexDoc]bool{}
	x.mu.RLock()
	for band := 0; band < x.b; band++ {
		x.members(band, bandKey(&d.sig, band, x.r), func(o *indexDoc) bool {
			if seen[o] || o.slug == slug {
				return true
			}
			if len(seen) >= maxCandidates {
				return false // a flood of copies: enough to report the closest
			}
			seen[o] = true
			if sim := jaccard(d.shingles, o.shingles); sim >= x.threshold {
				ms = append(ms, match{o.slug, sim})
			}
			return true
		})
	}
	x.mu.RUnlock()
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].sim != ms[j].sim {
			return ms[i].sim > ms[j].sim
		}
		return ms[i].slug < ms[j].slug
	})
	if len(ms) > maxReports {
		ms = ms[:maxReports]
	}
	var out []finding.Finding
	for _, m := range ms {
		out = append(out, nearDupFinding(m.slug, m.sim))
	}
	return out
}
