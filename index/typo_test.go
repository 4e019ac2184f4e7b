package index

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestTypoQueryMatchesBleveFuzzy holds typoQuery to Bleve's own fuzzy
// query: for a word the field does not hold, the same pages; for a word it
// holds, none (the exact clauses find those).
func TestTypoQueryMatchesBleveFuzzy(t *testing.T) {
	ix, _, _ := openFull(t)
	ctx := context.Background()
	ids := func(q query.Query) []string {
		t.Helper()
		req := bleve.NewSearchRequestOptions(q, MaxLimit*10, 0, false)
		res, err := ix.alias.SearchInContext(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		slices.Sort(out)
		return out
	}
	cases := []struct {
		word, field string
		fuzziness   int
		known       bool
	}{
		{"hippa", "names", 1, false},
		{"oxly", "names", 1, false},
		{"sarbanes", "names", 2, true},
		{"sarbanez", "names", 2, false},
		{"cybersecurity", "title", 2, false},
		{"cybersecurty", "names", 2, false},
		{"managment", "names", 2, false},
		{"gdrp", "title", 1, false},
		{"zzzz", "names", 1, false},
	}
	for _, c := range cases {
		got := ids(&typoQuery{word: c.word, field: c.field, fuzziness: c.fuzziness, boost: 1})
		if c.known {
			if len(got) != 0 {
				t.Errorf("%s in %s is spelled right, yet the typo clause matched %d pages", c.word, c.field, len(got))
			}
			continue
		}
		fq := bleve.NewFuzzyQuery(c.word)
		fq.SetField(c.field)
		fq.SetFuzziness(c.fuzziness)
		fq.SetPrefix(1)
		want := ids(fq)
		if !slices.Equal(got, want) {
			t.Errorf("%s in %s: typo clause matched %d pages, Bleve's fuzzy query %d", c.word, c.field, len(got), len(want))
		}
	}
	// Typos made from every word of the names: a swap, a dropped letter, a
	// changed one, an extra one.
	dict, err := ix.cur.FieldDict("names")
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for e, err := dict.Next(); e != nil && err == nil; e, err = dict.Next() {
		w := []rune(e.Term)
		if len(w) < 4 {
			continue
		}
		swap := slices.Clone(w)
		swap[1], swap[2] = swap[2], swap[1]
		change := slices.Clone(w)
		change[2] = 'x'
		words = append(words, string(swap), string(w[:len(w)-1]), string(change), string(w)+"e")
	}
	dict.Close()
	if len(words) < 100 {
		t.Fatalf("only %d generated typos", len(words))
	}
	matched := 0
	for _, w := range words {
		fz := 1
		if len([]rune(w)) > 7 {
			fz = 2
		}
		got := ids(&typoQuery{word: w, field: "names", fuzziness: fz, boost: 1})
		fq := bleve.NewFuzzyQuery(w)
		fq.SetField("names")
		fq.SetFuzziness(fz)
		fq.SetPrefix(1)
		want := ids(fq)
		if known(t, ix, "names", w) {
			// A real word after all ("regulation" less its "s"): the exact
			// clauses find it.
			if len(got) != 0 {
				t.Errorf("%q is a word of names, yet the typo clause matched %d pages", w, len(got))
			}
			continue
		}
		if len(got) > 0 {
			matched++
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q in names: typo clause matched %d pages, Bleve's fuzzy query %d", w, len(got), len(want))
		}
	}
	if matched < len(words)/2 {
		t.Errorf("only %d of %d typos found a page", matched, len(words))
	}

	// The cases must exercise both outcomes, or the comparison proves little.
	if n := len(ids(&typoQuery{word: "hippa", field: "names", fuzziness: 1, boost: 1})); n == 0 {
		t.Error("hippa matched no page: the typo clause finds nothing")
	}
}

// known asks the index whether field holds word as its analyser reads it.
func known(t *testing.T, ix *Index, field, word string) bool {
	t.Helper()
	adv, err := ix.cur.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ok, err := holds(r, ix.cur.Mapping(), field, word)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// osaReference is the textbook optimal string alignment distance, with the
// whole table and no early exit.
func osaReference(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
		ok   bool
	}{
		{"gdpr", "gdpr", 1, 0, true},
		{"gdrp", "gdpr", 1, 1, true},
		{"hippa", "hipaa", 1, 1, true},
		{"sarbanez", "sarban", 2, 2, true},
		{"sarbanez", "sarban", 1, 0, false},
		{"oxly", "oxley", 1, 1, true},
		{"ca", "abc", 3, 3, true}, // OSA: a swapped pair is not edited again (Damerau: 2)
		{"données", "donnees", 1, 1, true},
		{"", "abc", 2, 0, false},
	}
	var r osaRows
	for _, tt := range tests {
		got, ok := editDistance([]rune(tt.a), []rune(tt.b), tt.max, &r)
		if got != tt.want || ok != tt.ok {
			t.Errorf("editDistance(%q, %q, %d) = %d, %v; want %d, %v", tt.a, tt.b, tt.max, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzEditDistance(f *testing.F) {
	for _, s := range [][2]string{{"gdrp", "gdpr"}, {"hippa", "hipaa"}, {"abc", "ca"}, {"", "x"}, {"données", "donnes"}} {
		f.Add(s[0], s[1], 2)
	}
	var r osaRows
	f.Fuzz(func(t *testing.T, a, b string, max int) {
		if max < 0 || max > 3 || len(a) > 64 || len(b) > 64 {
			return
		}
		ra, rb := []rune(a), []rune(b)
		want := osaReference(ra, rb)
		got, ok := editDistance(ra, rb, max, &r)
		if ok != (want <= max) || (ok && got != want) {
			t.Fatalf("editDistance(%q, %q, %d) = %d, %v; reference %d", a, b, max, got, ok, want)
		}
	})
}

// FuzzSearch sends what visitors might type, typos and odd characters
// included, through the whole search: it must answer, not fail, and every
// hit must be a page of the index.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"hippa", "gdrp vs sox", "iso 2700l", "ÿ", "\xff\xfe", "sarbanes-oxly", "a vs b vs c", "--", "日本語 vs gdpr", strings.Repeat("privacy ", 40)} {
		f.Add(s)
	}
	ix, _, pages := openFull(f)
	slugs := map[string]bool{}
	for _, p := range pages {
		slugs[p.Slug] = true
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 200 { // the site refuses longer queries
			return
		}
		res, err := ix.Search(context.Background(), Query{Text: text, Limit: 5})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		if res.Total < len(res.Hits) {
			t.Fatalf("search %q: total %d below %d hits", text, res.Total, len(res.Hits))
		}
		for _, h := range res.Hits {
			if !slugs[h.Slug] {
				t.Fatalf("search %q: hit %q is no page", text, h.Slug)
			}
		}
	})
}
