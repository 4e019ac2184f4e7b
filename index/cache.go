package index

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// DefaultCacheSize is how many answers the result cache keeps.
const DefaultCacheSize = 256

// resultCache keeps the answers to recent searches until the index is
// written to or the profiles change, as Lucene-based engines keep a query
// result cache per index reader. Visitors' queries repeat ("gdpr", "incident
// reporting"), and a common topic matches most of the index: at 19,900 pages
// answering one again costs the same 4–5 ms of CPU as the first time,
// every hit scored and counted for the facets. Entries are whole answers,
// about 10 KB each.
type resultCache struct {
	mu    sync.Mutex
	max   int
	gen   uint64 // the index generation the entries were answered at
	names *names // and the profiles
	m     map[string]Result
}

// get returns the answer to key at generation gen and profiles n.
func (c *resultCache) get(key string, gen uint64, n *names) (Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.names != n {
		return Result{}, false
	}
	r, ok := c.m[key]
	return r, ok
}

// put keeps an answer made at generation gen, unless the index has moved on.
func (c *resultCache) put(key string, gen, now uint64, n *names, r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max <= 0 || gen != now {
		return
	}
	if c.gen != gen || c.names != n || c.m == nil {
		c.gen, c.names, c.m = gen, n, make(map[string]Result, c.max)
	}
	if len(c.m) >= c.max {
		for k := range c.m { // one arbitrary entry: random eviction
			delete(c.m, k)
			break
		}
	}
	c.m[key] = r
}

func (c *resultCache) setSize(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.max, c.m = n, nil
}

// cacheKey is everything an answer depends on besides the index and the
// profiles.
func cacheKey(q Query) string {
	var b strings.Builder
	b.WriteString(q.Text)
	b.WriteByte(0)
	b.WriteString(q.Standard)
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(q.Limit))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(q.Offset))
	keys := make([]string, 0, len(q.Filters))
	for k := range q.Filters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteByte(0)
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(q.Filters[k])
	}
	return b.String()
}

// cloneResult copies what a caller might change in an answer taken from the
// cache (the list of hits); fragments and facet lists are only read.
func cloneResult(r Result) Result {
	r.Hits = slices.Clone(r.Hits)
	return r
}
