package validate

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/versus-dev/versus/internal/finding"
)

// Corpus finds verdicts that are near copies of each other across many
// pages without comparing every pair: each verdict gets a MinHash signature
// over its word shingles, signatures are cut into bands, and only verdicts
// that share a band bucket are compared exactly. Work grows with the number
// of pages, not its square.
type Corpus struct {
	mu    sync.Mutex
	docs  []corpusDoc
	index map[string]int
}

type corpusDoc struct {
	slug     string
	shingles []uint64 // sorted, unique
	sig      [numHashes]uint64
}

const (
	numHashes   = 128
	shingleSize = 3
	// A bucket larger than this is a flood of copies; each member is then
	// compared with the bucket's first maxBucket members only, which still
	// finds it a partner but keeps the work linear.
	maxBucket  = 64
	maxReports = 3 // near copies reported per page
)

// hashParams are the MinHash permutations h(x) = a*x + b, from a fixed seed
// so that signatures are the same in every run.
var hashParams = func() (p [numHashes][2]uint64) {
	s := uint64(0x5eed_7e75_0000_0001)
	for i := range p {
		s = splitmix(s)
		p[i][0] = s | 1
		s = splitmix(s)
		p[i][1] = s
	}
	return p
}()

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// NewCorpus returns an empty corpus.
func NewCorpus() *Corpus { return &Corpus{index: map[string]int{}} }

// Add records a page's verdict; adding a slug again replaces its verdict.
// Add is safe to call from many goroutines.
func (c *Corpus) Add(slug, verdict string) {
	d := newDoc(slug, verdict)
	c.mu.Lock()
	defer c.mu.Unlock()
	if i, ok := c.index[slug]; ok {
		c.docs[i] = d
		return
	}
	c.index[slug] = len(c.docs)
	c.docs = append(c.docs, d)
}

// newDoc shingles and signs a verdict.
func newDoc(slug, verdict string) corpusDoc {
	d := corpusDoc{slug: slug, shingles: shingles(verdict)}
	for i := range d.sig {
		d.sig[i] = math.MaxUint64
	}
	for _, sh := range d.shingles {
		x := splitmix(sh)
		for i := range d.sig {
			if h := x*hashParams[i][0] + hashParams[i][1]; h < d.sig[i] {
				d.sig[i] = h
			}
		}
	}
	return d
}

// bandKey is the bucket of band's rows of a signature.
func bandKey(sig *[numHashes]uint64, band, r int) uint64 {
	bk := uint64(band)
	for k := 0; k < r; k++ {
		bk = splitmix(bk ^ sig[band*r+k])
	}
	return bk
}

// nearDupFinding is the warning for a verdict that is a near copy of other's.
func nearDupFinding(other string, sim float64) finding.Finding {
	r := ruleByID[RuleNearDuplicate]
	return finding.Finding{
		Rule: r.ID, Severity: r.Severity, Section: "Quick Verdict", Field: "verdict",
		Message: fmt.Sprintf("the verdict is a near copy of the verdict of %s (%d%% alike)", other, int(sim*100)),
		Hint:    r.Hint,
	}
}

// Len is the number of verdicts added.
func (c *Corpus) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.docs)
}

// shingles hashes every run of shingleSize consecutive words of the text,
// words compared lowercased with punctuation and markup dropped (the whole
// text when it is shorter). Words are hashed as they are read; a shingle's
// hash mixes its words' hashes in order.
func shingles(text string) []uint64 {
	const prime = 1099511628211
	var ring [shingleSize]uint64
	n := 0 // words read
	out := make([]uint64, 0, len(text)/6)
	h, in := uint64(14695981039346656037), false
	flush := func() {
		ring[n%shingleSize] = h
		n++
		if n >= shingleSize {
			out = append(out, mixShingle(&ring, n))
		}
		h = 14695981039346656037
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if !isAlnum(c) {
			if in {
				flush()
				in = false
			}
			continue
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * prime
		in = true
	}
	if in {
		flush()
	}
	if n == 0 {
		return nil
	}
	if n < shingleSize {
		out = append(out, mixShingle(&ring, n))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// mixShingle combines the hashes of the last min(n, shingleSize) words, in order.
func mixShingle(ring *[shingleSize]uint64, n int) uint64 {
	k := min(n, shingleSize)
	x := uint64(k)
	for j := n - k; j < n; j++ {
		x = splitmix(x ^ ring[j%shingleSize])
	}
	return x
}

// bands picks rows per band r (and bands b = numHashes/r) so that the LSH
// curve's threshold (1/b)^(1/r) sits comfortably below the wanted
// similarity: pairs at the threshold are almost surely candidates.
func bands(threshold float64) (b, r int) {
	b, r = numHashes, 1
	for rr := 1; rr <= numHashes; rr++ {
		bb := numHashes / rr
		if t := math.Pow(1/float64(bb), 1/float64(rr)); t <= threshold-0.15 {
			b, r = bb, rr
		}
	}
	return b, r
}

// NearDuplicates returns, per slug, a warning for each other page whose
// verdict has a Jaccard similarity of word shingles of at least threshold
// (0 < threshold ≤ 1; 0.7 is a good default), most similar first, at most
// three per page.
func (c *Corpus) NearDuplicates(threshold float64) map[string][]finding.Finding {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]finding.Finding{}
	if len(c.docs) < 2 || threshold <= 0 {
		return out
	}
	b, r := bands(threshold)
	type match struct {
		other int
		sim   float64
	}
	matches := map[int][]match{}
	checked := map[uint64]struct{}{}
	buckets := make(map[uint64][]int32, len(c.docs))
	for band := 0; band < b; band++ {
		clear(buckets)
		for i := range c.docs {
			d := &c.docs[i]
			if len(d.shingles) == 0 {
				continue
			}
			bk := bandKey(&d.sig, band, r)
			buckets[bk] = append(buckets[bk], int32(i))
		}
		for _, members := range buckets {
			if len(members) < 2 {
				continue
			}
			for x, i := range members {
				for y := 0; y < x && y < maxBucket; y++ {
					j := members[y]
					pk := uint64(min(i, j))<<32 | uint64(max(i, j))
					if _, done := checked[pk]; done {
						continue
					}
					checked[pk] = struct{}{}
					sim := jaccard(c.docs[i].shingles, c.docs[j].shingles)
					if sim >= threshold {
						matches[int(i)] = append(matches[int(i)], match{int(j), sim})
						matches[int(j)] = append(matches[int(j)], match{int(i), sim})
					}
				}
			}
		}
	}
	for i, ms := range matches {
		sort.Slice(ms, func(x, y int) bool {
			if ms[x].sim != ms[y].sim {
				return ms[x].sim > ms[y].sim
			}
			return c.docs[ms[x].other].slug < c.docs[ms[y].other].slug
		})
		if len(ms) > maxReports {
			ms = ms[:maxReports]
		}
		slug := c.docs[i].slug
		for _, m := range ms {
			out[slug] = append(out[slug], nearDupFinding(c.docs[m.other].slug, m.sim))
		}
	}
	return out
}

// jaccard is |a∩b| / |a∪b| of two sorted sets.
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := intersect(a, b)
	return float64(inter) / float64(len(a)+len(b)-inter)
}
