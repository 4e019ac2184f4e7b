package page

import (
	"bytes"
	"strings"
)

// Render writes a page in its published Markdown form (page-format.md,
// "Layout"). It is deterministic and never alters the text of a field beyond
// folding whitespace to single spaces and the backslash escapes that keep a
// field from being read back as structure; broken inline markup is written
// as it is, so the validator sees it.
func Render(p Page) []byte {
	var b bytes.Buffer
	b.Grow(8192)
	b.WriteString("---\n")
	b.WriteString("slug: " + yamlScalar(norm(p.Slug), false) + "\n")
	b.WriteString("title: " + yamlScalar(norm(p.Title), false) + "\n")
	b.WriteString("standards: [" + yamlScalar(norm(p.Standards[0]), true) + ", " + yamlScalar(norm(p.Standards[1]), true) + "]\n")
	b.WriteString("description: " + yamlScalar(norm(p.Description), false) + "\n")
	b.WriteString("---\n")
	renderBody(&b, p)
	return b.Bytes()
}

// renderBody writes everything after the front matter.
func renderBody(b *bytes.Buffer, p Page) {
	heading(b, 1, p.Title)
	b.WriteByte('\n')

	heading(b, 2, SectionVerdict)
	para(b, p.Verdict)
	b.WriteByte('\n')

	for _, s := range p.Sections {
		heading(b, 2, s.Heading)
		if fn := norm(s.FullName); fn != "" {
			b.WriteString("**" + fn + "**\n\n")
		}
		if t := norm(s.Tagline); t != "" {
			b.WriteString(escapeTagline(t) + "\n\n")
		}
		heading(b, 3, SubKeyFeatures)
		list(b, s.KeyFeatures)
		heading(b, 3, SubWhatItIs)
		for i, w := range s.WhatItIs {
			if i > 0 {
				b.WriteByte('\n')
			}
			para(b, w)
		}
		b.WriteByte('\n')
		heading(b, 3, SubKeyComponents)
		list(b, s.KeyComponents)
		heading(b, 3, SubWhyUsed)
		list(b, s.WhyUsed)
		heading(b, 3, SubImplementation)
		if norm(s.Implementation.Paragraph) != "" {
			para(b, s.Implementation.Paragraph)
			if len(s.Implementation.Steps) > 0 {
				b.WriteByte('\n')
			}
		}
		list(b, s.Implementation.Steps)
	}

	heading(b, 2, SectionDifferences)
	b.WriteString("| Aspect | " + cell(p.Sections[0].Heading) + " | " + cell(p.Sections[1].Heading) + " |\n")
	b.WriteString("|---|---|---|\n")
	for _, r := range p.Differences.Rows() {
		b.WriteString("| " + cell(r.Aspect) + " | " + cell(r.A) + " | " + cell(r.B) + " |\n")
	}
	b.WriteByte('\n')

	heading(b, 2, SectionRelate)
	n := b.Len()
	renderRelate(b, p)
	if b.Len() == n {
		b.WriteByte('\n')
	}

	heading(b, 2, SectionFAQ)
	for i, qa := range p.FAQ {
		if i > 0 {
			b.WriteByte('\n')
		}
		heading(b, 3, qa.Question)
		para(b, qa.Answer)
	}
}

func heading(b *bytes.Buffer, level int, text string) {
	b.WriteString("######"[:level])
	if t := norm(text); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	b.WriteByte('\n')
}

// para writes a one-paragraph field on one line; an empty field writes nothing.
func para(b *bytes.Buffer, s string) {
	if t := norm(s); t != "" {
		b.WriteString(escapeLine(t))
		b.WriteByte('\n')
	}
}

// list writes bullets followed by a blank line (a blank line alone when empty).
func list(b *bytes.Buffer, items []string) {
	for _, it := range items {
		if t := norm(it); t != "" {
			b.WriteString("- " + t + "\n")
		} else {
			b.WriteString("-\n")
		}
	}
	b.WriteByte('\n')
}

// cell escapes a table cell: pipes would end it.
func cell(s string) string { return strings.ReplaceAll(norm(s), "|", `\|`) }
