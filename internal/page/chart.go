package page

import (
	"bytes"
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode"
)

// overlapChart draws how much of each side the other covers, and through
// what, as a small inline SVG: no script, no external reference, every text
// escaped. It is built from numbers and names only, outside the sanitized
// Markdown, because the UGC policy rightly strips SVG.
func overlapChart(a, b string, o *Overlap) []byte {
	if o == nil {
		return nil
	}
	const (
		width  = 520
		labelW = 130
		barW   = 250
		rowH   = 34
	)
	type row struct {
		name string
		s    OverlapSide
	}
	rows := []row{{a, o.A}, {b, o.B}}
	how := "Direct mapping"
	if o.Basis == "hub" || o.Via != "" {
		how = "Through the hub " + o.Via
		if o.ViaName != "" {
			how = "Through " + o.ViaName + ", " + o.Via
		}
	}
	height := 30 + rowH*len(rows) + 24
	var w bytes.Buffer
	e := func(s string) string { return html.EscapeString(chartText(s)) }
	title := fmt.Sprintf("Requirements of each standard covered by the mapping. %s.", how)
	fmt.Fprintf(&w, `<figure class="overlap-chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" width="%d" height="%d" viewBox="0 0 %d %d" aria-label="%s">`, width, height, width, height, e(title))
	fmt.Fprintf(&w, `<title>%s</title>`, e(title))
	fmt.Fprintf(&w, `<text x="0" y="16" font-size="13" font-weight="bold">%s</text>`, e("Requirements covered by the mapping"))
	for i, r := range rows {
		y := 30 + i*rowH
		fmt.Fprintf(&w, `<text x="0" y="%d" font-size="12">%s</text>`, y+15, e(clip(r.name, 20)))
		label := strconv.Itoa(r.s.Mapped) + " mapped, total unknown"
		if r.s.Requirements != nil && *r.s.Requirements > 0 {
			total := *r.s.Requirements
			filled := barW * min(r.s.Mapped, total) / total
			fmt.Fprintf(&w, `<rect x="%d" y="%d" width="%d" height="18" fill="#e5e7eb"/>`, labelW, y+2, barW)
			fmt.Fprintf(&w, `<rect x="%d" y="%d" width="%d" height="18" fill="#2563eb"/>`, labelW, y+2, filled)
			label = fmt.Sprintf("%d of %d (%d%%)", r.s.Mapped, total, 100*r.s.Mapped/total)
		} else {
			fmt.Fprintf(&w, `<rect x="%d" y="%d" width="%d" height="18" fill="none" stroke="#2563eb" stroke-dasharray="4 3"/>`, labelW, y+2, barW)
		}
		fmt.Fprintf(&w, `<text x="%d" y="%d" font-size="12">%s</text>`, labelW+barW+8, y+15, e(label))
	}
	fmt.Fprintf(&w, `<text x="0" y="%d" font-size="11" fill="#4b5563">%s</text>`, height-8, e(clip(how+"; source "+o.Source, 90)))
	w.WriteString(`</svg></figure>`)
	return w.Bytes()
}

// chartText keeps what a standard's name or a framework id needs: letters,
// digits, spaces and a little punctuation. Markup, quotes and '=' cannot
// reach the SVG even escaped.
func chartText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\'' {
			return '\u2019' // "Cisco's": a typographic apostrophe, not a quote
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || strings.ContainsRune(".-_/()+,;%", r) {
			return r
		}
		return -1
	}, s)
}
