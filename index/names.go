package index

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/versus-dev/versus/internal/profile"
)

// names resolves what a visitor types ("Sarbanes-Oxley", "27001", "soc2")
// to profile ids. It is built from the profiles' ids, short names, full names
// and aliases, so the profiles are the one source of synonyms.
type names struct {
	byKey    map[string]string // normalized name -> id; "" when two ids claim it
	byID     map[string]*profile.Profile
	maxWords int
	facets   sync.Map // pair key -> map[facet][]value, see pairFacets

	cardsOnce sync.Once
	cards     []standardCard // see described
}

// standardCard is the terms of one standard's card, as the body's analyzer
// reads them.
type standardCard struct {
	id    string
	terms map[string]bool
}

// maxCardStandards bounds the standards a query's words may describe: words
// found on more cards than this ("compliance standard") pick none out.
const maxCardStandards = 20

// described returns the standards whose card holds every term the text
// analyzes to (its words stemmed as the index stems them), in id order;
// none when more than maxCardStandards do. The cards are the profiles',
// matched here once per query rather than indexed on each of a standard's
// pages, where a two-word query read two postings lists of up to every page.
func (n *names) described(text string) []string {
	n.cardsOnce.Do(n.readCards)
	terms := termSet(text)
	if len(terms) == 0 {
		return nil
	}
	var out []string
	for _, c := range n.cards {
		all := true
		for t := range terms {
			if !c.terms[t] {
				all = false
				break
			}
		}
		if all {
			if len(out) == maxCardStandards {
				return nil
			}
			out = append(out, c.id)
		}
	}
	return out
}

// readCards analyzes every standard's card, once per set of profiles.
func (n *names) readCards() {
	ids := make([]string, 0, len(n.byID))
	for id := range n.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		n.cards = append(n.cards, standardCard{id: id, terms: termSet(card(n.byID[id]))})
	}
}

// textAnalyzer is the analyzer of the text fields (English: lower-cased,
// stop words dropped, stemmed).
var textAnalyzer = sync.OnceValue(func() analysis.Analyzer {
	a, err := registry.NewCache().AnalyzerNamed(en.AnalyzerName)
	if err != nil {
		panic(fmt.Sprintf("index: analyzer %s: %v", en.AnalyzerName, err))
	}
	return a
})

func termSet(text string) map[string]bool {
	out := map[string]bool{}
	for _, t := range textAnalyzer().Analyze([]byte(text)) {
		out[string(t.Term)] = true
	}
	return out
}

func newNames(ps []*profile.Profile) *names {
	n := &names{byKey: map[string]string{}, byID: map[string]*profile.Profile{}}
	weak := map[string]map[string]bool{} // derived keys, kept only when unambiguous
	add := func(key, id string) {
		if key == "" {
			return
		}
		if old, ok := n.byKey[key]; ok && old != id {
			n.byKey[key] = ""
			return
		}
		n.byKey[key] = id
		if w := len(strings.Fields(key)); w > n.maxWords {
			n.maxWords = w
		}
	}
	for _, p := range ps {
		if p == nil || p.ID == "" {
			continue
		}
		n.byID[p.ID] = p
		for i, s := range profileNames(p) {
			key := normalize(s)
			add(key, p.ID)
			// "iso iec 27001" is typed as "iso 27001"; "iso 27001 2022" as "iso 27001".
			// The full name (index 2) is left out: it may cite other standards.
			if i == 2 {
				continue
			}
			for _, v := range variants(key) {
				if weak[v] == nil {
					weak[v] = map[string]bool{}
				}
				weak[v][p.ID] = true
			}
		}
	}
	for k, ids := range weak {
		if _, strong := n.byKey[k]; strong || len(ids) != 1 {
			continue
		}
		for id := range ids {
			add(k, id)
		}
	}
	return n
}

// profileNames lists every name a profile goes by.
func profileNames(p *profile.Profile) []string {
	out := []string{p.ID, p.ShortName, p.Name}
	return append(out, p.Aliases...)
}

// variants derives the shorter ways people write a standard's name.
func variants(key string) []string {
	var out []string
	w := strings.Fields(key)
	drop := func(ws []string, bad string) []string {
		var r []string
		for _, x := range ws {
			if x != bad {
				r = append(r, x)
			}
		}
		return r
	}
	if len(w) > 1 {
		noIEC := drop(w, "iec")
		out = append(out, strings.Join(noIEC, " "))
		// Cut an edition year after a number: "iso 27001 2022" -> "iso 27001".
		for i := 1; i < len(noIEC); i++ {
			if isYear(noIEC[i]) && isDigits(noIEC[i-1]) {
				out = append(out, strings.Join(noIEC[:i], " "))
				break
			}
		}
	}
	// A standard's number alone ("27001") when it has four or more digits.
	for _, x := range w {
		if len(x) >= 4 && isDigits(x) && !isYear(x) {
			out = append(out, x)
		}
	}
	return out
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isYear(s string) bool { return len(s) == 4 && isDigits(s) && (s[:2] == "19" || s[:2] == "20") }

// normalize lowercases, turns punctuation into spaces, splits letters from
// digits ("soc2" -> "soc 2") and mends digit typos ("2700l" -> "27001"), so
// that "ISO/IEC 27001", "iso-27001" and "iso 2700l" meet on one key.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if prev != 0 && prev != ' ' && (unicode.IsDigit(r) != unicode.IsDigit(prev)) {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			prev = r
		default:
			if prev != ' ' && prev != 0 {
				b.WriteByte(' ')
				prev = ' '
			}
		}
	}
	return strings.Join(mendDigits(strings.Fields(b.String())), " ")
}

// mendDigits rejoins a number that a typo split ("2700 l" from "2700l") and
// reads l/i as 1 and o as 0 in its tail: visitors mistype "27001" as "2700l".
// Only numbers up to five digits are mended, so "27001 i" stays two words.
func mendDigits(w []string) []string {
	out := w[:0:0]
	for i := 0; i < len(w); i++ {
		x := w[i]
		if isDigits(x) && len(x) >= 3 && len(x) < 5 {
			for i+1 < len(w) && lookalike(w[i+1]) && len(x)+len(w[i+1]) <= 5 {
				x += strings.Map(func(r rune) rune {
					switch r {
					case 'l', 'i':
						return '1'
					case 'o':
						return '0'
					}
					return r
				}, w[i+1])
				i++
			}
		}
		out = append(out, x)
	}
	return out
}

func lookalike(s string) bool {
	for _, r := range s {
		if r != 'l' && r != 'i' && r != 'o' {
			return false
		}
	}
	return s != ""
}

// resolve names the one standard s stands for: an exact key first, then a
// unique key one edit away (a typo), then a unique key s starts (half-typed)
// when s has at least minPrefix letters.
func (n *names) resolve(s string, minPrefix int) (string, bool) {
	key := normalize(s)
	if key == "" {
		return "", false
	}
	if id, ok := n.byKey[key]; ok {
		return id, id != ""
	}
	// Typos are forgiven in words, not numbers: 27001, 27701 and 27002 are
	// one edit apart and all real.
	if len(key) >= 5 && !strings.ContainsAny(key, "0123456789") {
		if id, ok := n.unique(func(k string) bool { return within1(key, k) }); ok {
			return id, true
		}
	}
	if len(key) >= minPrefix {
		if id, ok := n.unique(func(k string) bool { return strings.HasPrefix(k, key) }); ok {
			return id, true
		}
	}
	return "", false
}

// unique returns the id when every matching key names the same standard.
func (n *names) unique(match func(string) bool) (string, bool) {
	found := ""
	for k, id := range n.byKey {
		if id == "" || !match(k) {
			continue
		}
		if found != "" && found != id {
			return "", false
		}
		found = id
	}
	return found, found != ""
}

// mentions finds the standards named anywhere in s, longest names first,
// in the order they appear. It also returns the words that named them (one
// span per mention, normalized) and the words left over.
func (n *names) mentions(s string) (ids, spans, rest []string) {
	w := strings.Fields(normalize(s))
	seen := map[string]bool{}
	for i := 0; i < len(w); {
		matched := 0
		for j := min(len(w), i+n.maxWords); j > i; j-- {
			key := strings.Join(w[i:j], " ")
			if id := n.byKey[key]; id != "" && !isCommonWord(key) {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
				spans = append(spans, key)
				matched = j - i
				break
			}
		}
		if matched == 0 {
			rest = append(rest, w[i])
			matched = 1
		}
		i += matched
	}
	return ids, spans, rest
}

// isCommonWord keeps a lone number or short word from counting as a mention
// inside free text ("2" in "soc 2" is fine, "2" alone is not).
func isCommonWord(key string) bool {
	return !strings.Contains(key, " ") && len(key) < 3
}

// within1 reports whether a and b are at most one edit apart.
func within1(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case la == lb:
		return a[i+1:] == b[i+1:]
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

// expansion is the name a resolved standard adds to a query: its short
// name, so a page saying "SOX" is found by "sarbanes oxley".
func (n *names) expansion(id string) string {
	if p := n.byID[id]; p != nil && p.ShortName != "" {
		return p.ShortName
	}
	return id
}

// pairFacets lists the facet values of a page whose standards are the
// space-separated ids in key, each value once. Results are cached: there
// are at most n*(n-1)/2 keys.
func (n *names) pairFacets(key string) map[string][]string {
	if v, ok := n.facets.Load(key); ok {
		return v.(map[string][]string)
	}
	out := map[string][]string{}
	add := func(f, v string) {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out[f], v) {
			out[f] = append(out[f], v)
		}
	}
	for _, id := range strings.Fields(key) {
		add("standard", id)
		p := n.byID[id]
		if p == nil {
			continue
		}
		add("issuer", p.Issuer)
		add("kind", string(p.Kind))
		add("jurisdiction", p.Jurisdiction)
		for _, ind := range p.Industries {
			add("industry", ind)
		}
	}
	n.facets.Store(key, out)
	return out
}
