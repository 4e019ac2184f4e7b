package validate

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/versus-dev/versus/internal/profile"
)

// figureKind is what a stated number measures.
type figureKind int

const (
	figCount    figureKind = iota // "93 controls"
	figMoney                      // "€20 million", "$250,000"
	figPercent                    // "4%", "2 percent"
	figDuration                   // "72 hours", "three years"
)

// claimFig is a number the text states, with what it measures.
type claimFig struct {
	kind  figureKind
	value float64
	unit  string // count: the counted noun's stem; money: "euro", "dollar", "pound" or ""; duration: "hour", "day", ...
	start int    // offset of the number (or currency sign)
	end   int    // end of the unit
	ctx   []string
}

var durationUnits = map[string]string{
	"hour": "hour", "hours": "hour", "day": "day", "days": "day", "week": "week", "weeks": "week",
	"month": "month", "months": "month", "year": "year", "years": "year",
}

var currencyWords = map[string]string{
	"euro": "euro", "euros": "euro", "eur": "euro", "dollar": "dollar", "dollars": "dollar", "usd": "dollar",
	"pound": "pound", "pounds": "pound", "gbp": "pound",
}

var multipliers = map[string]float64{"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3, "k": 1e3}

// figStopWords carry no meaning for telling two figures apart.
var figStopWords = map[string]bool{
	"the": true, "a": true, "an": true, "of": true, "to": true, "in": true, "for": true, "and": true, "or": true, "up": true,
	"within": true, "by": true, "on": true, "at": true, "can": true, "may": true, "must": true, "is": true, "are": true,
	"be": true, "its": true, "their": true, "with": true, "from": true, "than": true, "more": true, "less": true, "over": true,
	"under": true, "into": true, "after": true, "before": true, "per": true, "each": true, "as": true, "it": true, "that": true,
	"this": true, "these": true, "which": true, "whichever": true, "is higher": true, "reach": true, "face": true, "draw": true,
	"cost": true, "will": true, "has": true, "have": true, "also": true, "only": true, "about": true, "some": true, "any": true,
}

// word is a run of letters and digits in the plain lowercase text.
type word struct {
	text       string
	start, end int
}

// words splits lower into runs of ASCII letters and digits (with inner
// '.' and ',' between digits); anything else separates.
func splitWords(lower string) []word {
	out := make([]word, 0, len(lower)/6+1)
	for i := 0; i < len(lower); {
		c := lower[i]
		if !(isDigit(c) || c >= 'a' && c <= 'z') {
			i++
			continue
		}
		j := i
		for j < len(lower) {
			d := lower[j]
			if isDigit(d) || d >= 'a' && d <= 'z' || d == '\'' && j+1 < len(lower) && lower[j+1] >= 'a' && lower[j+1] <= 'z' && j > i {
				j++
				continue
			}
			if (d == '.' || d == ',') && j > i && isDigit(lower[j-1]) && j+1 < len(lower) && isDigit(lower[j+1]) {
				j++
				continue
			}
			break
		}
		out = append(out, word{lower[i:j], i, j})
		i = j
	}
	return out
}

func numValue(w string) (float64, bool) {
	if v, ok := numberWords[w]; ok {
		return v, true
	}
	if w == "" || !isDigit(w[0]) {
		return 0, false
	}
	for k := 0; k < len(w); k++ {
		if !isDigit(w[k]) && w[k] != ',' && w[k] != '.' {
			return 0, false
		}
	}
	if strings.Count(w, ".") > 1 {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(w, ",", ""), 64)
	return v, err == nil
}

// nounStem is the stem a profile's "counts" text must hold for a counted
// noun: "categories" → "categor", "criteria" → "criteri".
func nounStem(n string) string {
	switch {
	case strings.HasSuffix(n, "ies"):
		return n[:len(n)-3]
	case strings.HasSuffix(n, "ia"):
		return n[:len(n)-1]
	case strings.HasSuffix(n, "s"):
		return n[:len(n)-1]
	}
	return n
}

func ctxKey(w string) string {
	w = strings.TrimSuffix(w, "'s")
	if len(w) > 5 {
		return w[:5]
	}
	return strings.TrimSuffix(w, "s")
}

// claims finds the figures a field states.
func (c *checker) claimFigs(f *field) []claimFig {
	ws := f.words()
	wordsToo := f.gates()&gNumberWord != 0
	var out []claimFig
	lastEnd := 0 // end of the previous figure, where the next one's context starts
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if !isDigit(w.text[0]) && !wordsToo {
			continue
		}
		v, ok := numValue(w.text)
		if !ok {
			continue
		}
		prevEnd := lastEnd
		lastEnd = w.end
		// A number glued to a designation is part of a name: "800-53", "27001:2022", "ISO 27001", "Level 2", "Article 32".
		if w.start > 0 && strings.IndexByte("/-:.§#", f.lower[w.start-1]) >= 0 && !(f.lower[w.start-1] == '-' && w.start > 1 && f.lower[w.start-2] == ' ') {
			continue
		}
		if w.end < len(f.lower) && (f.lower[w.end] == '-' || f.lower[w.end] == ':' || f.lower[w.end] == '/') && w.end+1 < len(f.lower) && isDigit(f.lower[w.end+1]) {
			continue
		}
		if i > 0 {
			prev := ws[i-1]
			if designationWords[prev.text] || prev.end == w.start-1 && isUpperWord(f.text[prev.start:prev.end]) {
				continue
			}
			if pronounNumber(f.lower, ws, i) {
				continue
			}
		}
		fig := claimFig{value: v, start: w.start, end: w.end, kind: -1}
		k := i + 1
		if k < len(ws) {
			if m, ok := multipliers[ws[k].text]; ok && (ws[k].start == w.end || ws[k].start == w.end+1) {
				fig.value *= m
				fig.end = ws[k].end
				k++
			}
		}
		// currency before the number
		pre := f.lower[max(0, w.start-4):w.start]
		switch {
		case strings.HasSuffix(pre, "$"):
			fig.kind, fig.unit = figMoney, "dollar"
		case strings.HasSuffix(pre, "€"):
			fig.kind, fig.unit = figMoney, "euro"
		case strings.HasSuffix(pre, "£"):
			fig.kind, fig.unit = figMoney, "pound"
		case i > 0 && currencyWords[ws[i-1].text] != "" && ws[i-1].end >= w.start-1:
			fig.kind, fig.unit = figMoney, currencyWords[ws[i-1].text]
		}
		if fig.kind == figMoney && strings.HasSuffix(pre, "$") {
			fig.start = w.start - 1
		}
		next := func(k int) string {
			if k < len(ws) {
				return ws[k].text
			}
			return ""
		}
		if fig.kind < 0 {
			switch {
			case fig.end < len(f.lower) && f.lower[fig.end] == '%':
				fig.kind, fig.unit, fig.end = figPercent, "percent", fig.end+1
			case next(k) == "percent" || next(k) == "per" && next(k+1) == "cent":
				fig.kind, fig.unit = figPercent, "percent"
			case currencyWords[next(k)] != "":
				fig.kind, fig.unit = figMoney, currencyWords[next(k)]
			case durationUnits[next(k)] != "" && next(k-1) != "per":
				fig.kind, fig.unit = figDuration, durationUnits[next(k)]
				fig.end = ws[k].end
			case (next(k) == "to" || next(k) == "or" || next(k) == "and") && k+2 < len(ws) && durationUnits[next(k+2)] != "":
				if _, isNum := numValue(next(k + 1)); isNum {
					fig.kind, fig.unit = figDuration, durationUnits[next(k+2)] // "6 to 12 months"
				}
			case k < len(ws) && ws[k].start == w.end+1 && f.lower[w.end] == '-' && durationUnits[next(k)] != "":
				fig.kind, fig.unit = figDuration, durationUnits[next(k)] // "12-month"
			}
		}
		if fig.kind < 0 && (v >= 1900 && v <= 2099 && !strings.Contains(w.text, ",")) {
			continue // a year
		}
		if fig.kind < 0 {
			// a count: the counted noun within three words, or "130 of the (security) practices"
			noun := -1
			var between []string
			for j := k; j < len(ws) && j <= k+3; j++ {
				if strings.ContainsAny(f.lower[ws[j-1].end:ws[j].start], ".;:!?()") {
					break
				}
				t := ws[j].text
				if countedNouns[t] {
					noun = j
					break
				}
				if t == "of" && j == k {
					continue // "130 of the …"
				}
				if (t == "the" || t == "its" || t == "their") && j == k+1 && ws[k].text == "of" {
					continue
				}
				if countStops[t] || strings.IndexAny(t, "0123456789") >= 0 {
					break
				}
				between = append(between, t)
			}
			if noun < 0 {
				continue
			}
			fig.kind, fig.unit, fig.end = figCount, nounStem(ws[noun].text), ws[noun].end
			fig.ctx = append(fig.ctx, between...)
		}
		// context: for amounts and periods, up to six words since the
		// previous number ("early warning within"); for counts, the words
		// between the number and its noun ("organizational controls");
		// for both, three words after.
		if fig.kind != figCount {
			for j := i - 1; j >= 0 && ws[j].start >= prevEnd && i-j <= 6; j-- {
				fig.ctx = append(fig.ctx, ws[j].text)
			}
		}
		for j, n := 0, 0; n < 3; j++ {
			idx := i + 1 + j
			if idx >= len(ws) {
				break
			}
			if ws[idx].start < fig.end {
				continue
			}
			if _, isNum := numValue(ws[idx].text); isNum {
				break
			}
			fig.ctx = append(fig.ctx, ws[idx].text)
			n++
		}
		lastEnd = fig.end
		out = append(out, fig)
	}
	return out
}

// compatible reports whether a profile number, by what it counts, is a
// figure of the same sort as claim.
func compatible(cl claimFig, n profile.Number, counts string) bool {
	switch cl.kind {
	case figMoney:
		if cl.unit == "" {
			return strings.Contains(counts, "euro") || strings.Contains(counts, "dollar") || strings.Contains(counts, "pound")
		}
		return strings.Contains(counts, cl.unit)
	case figPercent:
		return strings.Contains(counts, "percent")
	case figDuration:
		if n.Value >= 1900 && strings.HasPrefix(counts, "year") {
			return false // a date: "year the regulation began to apply"
		}
		return strings.Contains(counts, cl.unit)
	}
	return strings.Contains(counts, cl.unit)
}

// figures checks every count, amount, percentage and period the field
// states against the figures of the standard it is about: the same value
// for the same thing (what the profile number counts).
func (c *checker) figures(f *field) {
	if g := f.gates(); g&gNumberWord == 0 && (g&gDigit == 0 || !hasFigureDigits(f.lower)) {
		return
	}
	for _, cl := range c.claimFigs(f) {
		if historical(f, cl.start) || c.reported(f, cl.start) || f.inQuestion(cl.start) {
			continue
		}
		cands := c.figureOwners(f, cl.start)
		if len(cands) == 0 {
			continue // about a standard that is not known
		}
		if cl.kind == figCount && c.groundedCount(cands, cl) {
			continue
		}
		if cl.kind != figCount && groundedFig(cands, cl) {
			continue
		}
		what := f.text[cl.start:min(len(f.text), cl.end)]
		rule, noun := RuleUnknownNumber, "count of "+cl.unit+"s"
		switch cl.kind {
		case figMoney:
			rule, noun = RuleUnknownAmount, "amount"
		case figPercent:
			rule, noun = RuleUnknownAmount, "percentage"
		case figDuration:
			rule, noun = RuleUnknownDuration, "period in "+cl.unit+"s"
		}
		c.at(rule, f, cl.start, fmt.Sprintf("%q is not a %s in %s", clip(what, 40), noun, groundNames(cands)))
		return
	}
}

// hasFigureDigits is a cheap test for a number that may be a figure: a
// digit run that is not a year and not part of a designation ("27001:2022",
// "800-53", "ISO27001").
func hasFigureDigits(s string) bool {
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && (isDigit(s[j]) || (s[j] == ',' || s[j] == '.') && j+1 < len(s) && isDigit(s[j+1])) {
			j++
		}
		glued := i > 0 && (isLetter(s[i-1]) || strings.IndexByte("/-:.§#", s[i-1]) >= 0 && !(s[i-1] == '-' && i > 1 && s[i-2] == ' ')) ||
			j < len(s) && (s[j] == '-' || s[j] == ':' || s[j] == '/') && j+1 < len(s) && isDigit(s[j+1])
		year := j-i == 4 && (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0')
		if !glued && !year {
			return true
		}
		i = j
	}
	return false
}

// figureOwners are the standards a figure at off may belong to: the
// subject of its clause and any standard named in the clause; for text
// that names none, the standards the field is grounded by.
func (c *checker) figureOwners(f *field, off int) []*profile.Profile {
	var out []*profile.Profile
	add := func(p *profile.Profile) {
		if p == nil {
			return
		}
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	sent := f.sentenceAt(off)
	cs := clauseStart(f.lower, sent, off)
	named := false
	for _, m := range c.mentions(f) {
		if m.Offset >= sent.start && m.Offset < sent.end {
			named = true
			if m.Offset >= cs {
				add(m.Profile)
			}
		}
	}
	if !named {
		add(f.subject)
		for _, p := range f.grounded {
			add(p)
		}
		return out
	}
	if p, ok := c.subjectOf(f, off); ok {
		add(p)
	}
	return out
}

// groundedFig decides whether a claimed amount, percentage or period is on
// file: among the figures of the same sort, those whose description best
// shares the claim's words ("early warning") must include its value.
func groundedFig(ps []*profile.Profile, cl claimFig) bool {
	bestScore, found, match, matchAny := -1, false, false, false
	for _, p := range ps {
		for _, n := range p.Numbers {
			counts := lowerASCII(n.Counts)
			if !compatible(cl, n, counts) {
				continue
			}
			found = true
			same := math.Abs(n.Value-cl.value) < 1e-6*math.Max(1, cl.value)
			if same {
				matchAny = true
			}
			score := overlap(cl.ctx, counts, cl.unit)
			switch {
			case score > bestScore:
				bestScore, match = score, same
			case score == bestScore:
				match = match || same
			}
		}
	}
	if !found {
		return false
	}
	if bestScore <= 0 {
		return matchAny
	}
	return match
}

// groundedCount is groundedFig for counts, which may also be a profile's
// edition parts or year when the text counts those.
func (c *checker) groundedCount(ps []*profile.Profile, cl claimFig) bool {
	return groundedFig(ps, cl)
}

// overlap counts the claim's context words found in a figure's description.
func overlap(ctx []string, counts, unit string) int {
	n := 0
	seen := map[string]bool{}
	for _, w := range ctx {
		if figStopWords[w] || len(w) < 3 || strings.HasPrefix(w, unit) || seen[w] {
			continue
		}
		if _, isNum := numValue(w); isNum {
			continue
		}
		seen[w] = true
		if strings.Contains(counts, ctxKey(w)) {
			n++
		}
	}
	return n
}

// pronounWords follow a spelled-out number used as a pronoun: "the two
// relate", "between the two, …", "the two of them".
var pronounWords = map[string]bool{
	"relate": true, "relates": true, "are": true, "is": true, "have": true, "has": true, "share": true,
	"differ": true, "overlap": true, "map": true, "do": true, "can": true, "cover": true, "apply": true,
	"meet": true, "and": true, "or": true, "of": true, "in": true, "to": true, "with": true, "at": true,
	"on": true, "for": true, "from": true, "through": true, "stand": true, "work": true, "was": true,
	"were": true, "will": true, "would": true, "should": true, "may": true, "serve": true, "sit": true,
	"complement": true, "together": true, "side": true, "but": true, "so": true,
}

// pronounNumber reports whether the spelled-out number at ws[i] stands for
// things already named ("the two" for the pair) rather than stating a count.
func pronounNumber(lower string, ws []word, i int) bool {
	w := ws[i]
	if isDigit(w.text[0]) {
		return false
	}
	switch ws[i-1].text {
	case "the", "these", "those", "both":
	default:
		return false
	}
	if w.end >= len(lower) || strings.IndexByte(".,;:)!?", lower[w.end]) >= 0 || i+1 >= len(ws) {
		return true
	}
	return pronounWords[ws[i+1].text]
}
