package page

import (
	"bytes"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// The converter and policy are safe for concurrent use once built.
var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))
	policy   = bluemonday.UGCPolicy()
)

// ToHTML renders a page's body (the Markdown form without front matter) to
// HTML for the review UI and the public site. Fields may come from an LLM, so
// raw HTML is dropped by goldmark and the result is sanitized again with
// bluemonday's UGC policy. The How They Relate chart, an inline SVG built
// from the overlap figures alone, is added after sanitizing.
func ToHTML(p Page) []byte {
	var md bytes.Buffer
	md.Grow(8192)
	renderBody(&md, p)
	var out bytes.Buffer
	out.Grow(md.Len() * 2)
	if err := markdown.Convert(md.Bytes(), &out); err != nil {
		// Convert only fails when writing fails; a bytes.Buffer does not.
		return policy.SanitizeBytes([]byte("<p>" + err.Error() + "</p>"))
	}
	safe := policy.SanitizeBytes(out.Bytes())
	// The overlap chart is drawn from numbers and escaped names, not from
	// Markdown, so it goes in after sanitizing: at the end of How They Relate.
	if chart := overlapChart(p.Sections[0].Heading, p.Sections[1].Heading, p.Overlap); chart != nil {
		at := bytes.Index(safe, []byte("<h2>"+SectionFAQ+"</h2>"))
		if at < 0 {
			at = len(safe)
		}
		safe = append(safe[:at:at], append(append(chart, '\n'), safe[at:]...)...)
	}
	return safe
}
