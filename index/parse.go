package index

import (
	"strings"
	"unicode"
)

// Parsed is what a visitor's query asks for: either two things to compare
// (Sides both set) or one free text (Text).
type Parsed struct {
	Text  string    // the query, whitespace collapsed
	Sides [2]string // "27001" and "soc 2" from "27001 vs soc 2"; empty unless a pair
	Op    string    // the connector that split it: "vs", "or", "and", "between"
}

// Terms is the text worth matching: for a comparison, the two sides without
// the connector and lead-in ("vs", "difference between"), which every page
// would match.
func (p Parsed) Terms() string {
	if p.IsPair() {
		return p.Sides[0] + " " + p.Sides[1]
	}
	return p.Text
}

// IsPair reports whether the query names two things to compare.
func (p Parsed) IsPair() bool { return p.Sides[0] != "" && p.Sides[1] != "" }

// Connectors in priority order: "vs" binds loosest, so "health insurance
// portability and accountability act vs gdpr" splits at "vs", not "and".
var connectors = [][]string{
	{"vs", "vs.", "v", "v.", "versus", "against"},
	{"compared to", "compared with", "comparison with", "or"},
	{"and", "&", "with", "to"},
}

// Lead-ins that announce a comparison; dropped before splitting.
var leadIns = []string{
	"what is the difference between", "what are the differences between",
	"what's the difference between", "whats the difference between",
	"difference between", "differences between", "the difference between",
	"comparison of", "comparing", "compare",
}

// ParseQuery reads a search box query. It never fails: anything it does not
// recognise as a comparison is free text.
func ParseQuery(q string) Parsed {
	words := strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || r == '?' || r == '!' })
	p := Parsed{Text: strings.Join(words, " ")}
	lower := make([]string, len(words))
	for i, w := range words {
		lower[i] = strings.ToLower(w)
	}
	// Drop a lead-in and a trailing "comparison".
	start, between := 0, false
	for _, l := range leadIns {
		lw := strings.Fields(l)
		if hasPrefixWords(lower, lw) {
			start, between = len(lw), true
			break
		}
	}
	end := len(lower)
	for end > start && (lower[end-1] == "comparison" || lower[end-1] == "compared") {
		end--
	}
	body, bodyLower := words[start:end], lower[start:end]
	for rank, group := range connectors {
		// "with" and "to" only split after a lead-in ("compare A with B").
		if rank == 2 && !between {
			group = []string{"and", "&"}
		}
		for i := 1; i < len(bodyLower)-1; i++ {
			for _, c := range group {
				cw := strings.Fields(c)
				if i+len(cw) >= len(bodyLower) || !hasPrefixWords(bodyLower[i:], cw) {
					continue
				}
				left := strings.Join(body[:i], " ")
				right := strings.Join(body[i+len(cw):], " ")
				if left == "" || right == "" {
					continue
				}
				p.Sides = [2]string{left, right}
				p.Op = strings.TrimSuffix(cw[0], ".")
				if between {
					p.Op = "between"
				}
				return p
			}
		}
	}
	return p
}

func hasPrefixWords(s, prefix []string) bool {
	if len(prefix) > len(s) {
		return false
	}
	for i := range prefix {
		if s[i] != prefix[i] {
			return false
		}
	}
	return true
}
