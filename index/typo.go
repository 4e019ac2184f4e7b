package index

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// typoQuery matches the terms of a field a few edits from a word that may
// be mistyped, the first letter kept, as Bleve's fuzzy query does; it
// scores them alike too (Bleve's multi-term searcher, boosted by edit
// distance). Two things differ, both for speed:
//   - A word the field already holds, as its analyzer reads it, is spelled
//     right: the exact clauses match it and its near neighbours would only
//     add noise, so it matches nothing here.
//   - Candidates are found by measuring the distance to each term that
//     shares the first letter, not with a Levenshtein automaton: title and
//     name dictionaries are small, and building an automaton for two edits
//     cost more than the rest of a query. The distance is the one Bleve's
//     automata use: a swap of two neighbouring letters is one edit.
type typoQuery struct {
	word      string // lower-cased, as typed
	field     string
	fuzziness int
	boost     float64
}

func (q *typoQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	known, err := holds(r, m, q.field, q.word)
	if err != nil {
		return nil, err
	}
	if known {
		return searcher.NewMatchNoneSearcher(r)
	}
	first, _ := utf8.DecodeRuneInString(q.word)
	dict, err := r.FieldDictPrefix(q.field, []byte(string(first)))
	if err != nil {
		return nil, fmt.Errorf("dictionary of %s: %w", q.field, err)
	}
	defer dict.Close()
	var terms []string
	var dists []uint8
	word := []rune(q.word)
	rows := new(osaRows)
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("dictionary of %s: %w", q.field, err)
		}
		if e == nil {
			break
		}
		if d, ok := editDistance(word, []rune(e.Term), q.fuzziness, rows); ok {
			terms = append(terms, e.Term)
			dists = append(dists, uint8(d))
		}
	}
	if len(terms) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	return searcher.NewMultiTermSearcherBoosted(ctx, r, terms, q.field, q.boost, dists, opts, true)
}

// holds reports whether every term the field's analyzer makes of word is
// in the field's dictionary. Readers that cannot tell report false.
func holds(r bindex.IndexReader, m mapping.IndexMapping, field, word string) (bool, error) {
	c, ok := r.(interface {
		FieldDictContains(string) (bindex.FieldDictContains, error)
	})
	a := m.AnalyzerNamed(m.AnalyzerNameForPath(field))
	if !ok || a == nil {
		return false, nil
	}
	dict, err := c.FieldDictContains(field)
	if err != nil {
		return false, fmt.Errorf("dictionary of %s: %w", field, err)
	}
	tokens := a.Analyze([]byte(word))
	if len(tokens) == 0 {
		return false, nil
	}
	for _, t := range tokens {
		found, err := dict.Contains(t.Term)
		if err != nil {
			return false, fmt.Errorf("dictionary of %s: %w", field, err)
		}
		if !found {
			return false, nil
		}
	}
	return true, nil
}

// osaRows are the three rows editDistance reuses between terms.
type osaRows struct{ prev2, prev, cur []int }

// editDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of neighbours, one edit
// each) when it is at most max.
func editDistance(a, b []rune, max int, r *osaRows) (int, bool) {
	if d := len(a) - len(b); d > max || -d > max {
		return 0, false
	}
	n := len(b) + 1
	for _, row := range []*[]int{&r.prev2, &r.prev, &r.cur} {
		if cap(*row) < n {
			*row = make([]int, n)
		}
		*row = (*row)[:n]
	}
	for j := range r.prev {
		r.prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		r.cur[0] = i
		best := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(r.prev[j]+1, r.cur[j-1]+1, r.prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, r.prev2[j-2]+1)
			}
			r.cur[j] = d
			best = min(best, d)
		}
		if best > max {
			return 0, false
		}
		r.prev2, r.prev, r.cur = r.prev, r.cur, r.prev2
	}
	d := r.prev[len(b)]
	return d, d <= max
}
