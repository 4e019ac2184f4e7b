package page

import (
	"regexp"
	"strings"
	"testing"
)

func TestToHTML(t *testing.T) {
	p := records(t)["gdpr-vs-hipaa"]
	html := string(ToHTML(p))
	for _, want := range []string{"<h1>GDPR vs HIPAA</h1>", "<h2>Quick Verdict</h2>", "<table>", "<th>Aspect</th>", "<td>Breach notice</td>", "<h3>Does GDPR apply to health data?</h3>", "<li>Map personal data and processing activities</li>"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(html, "slug:") {
		t.Error("front matter leaked into the HTML")
	}
}

var scriptTag = regexp.MustCompile(`(?i)<\s*script|javascript:|\son[a-z]+\s*=`)

// Every field may come from an LLM; none may carry a script into the HTML.
func TestToHTMLNeverScripts(t *testing.T) {
	base := records(t)["iso-27001-vs-soc-2"]
	payloads := []string{
		"<script>alert(1)</script>",
		"<SCRIPT SRC=//x.example/a.js></SCRIPT>",
		"<img src=x onerror=alert(1)>",
		"[click](javascript:alert(1))",
		"<a href=\"javascript:alert(1)\">x</a>",
		"`<script>alert(1)</script>`",
		"<scr<script>ipt>alert(1)</script>",
		"| <script>alert(1)</script> |",
		"<svg onload=alert(1)>",
	}
	set := []func(p *Page, s string){
		func(p *Page, s string) { p.Title = s },
		func(p *Page, s string) { p.Verdict = s },
		func(p *Page, s string) { p.Sections[0].Heading = s },
		func(p *Page, s string) { p.Sections[0].FullName = s },
		func(p *Page, s string) { p.Sections[0].Tagline = s },
		func(p *Page, s string) { p.Sections[1].KeyFeatures[3] = s },
		func(p *Page, s string) { p.Sections[1].WhatItIs[0] = s },
		func(p *Page, s string) { p.Sections[0].KeyComponents[0] = s },
		func(p *Page, s string) { p.Sections[1].WhyUsed[1] = s },
		func(p *Page, s string) { p.Sections[0].Implementation.Steps[0] = s },
		func(p *Page, s string) { p.Sections[1].Implementation.Paragraph = s },
		func(p *Page, s string) { p.Differences.Penalties.B = s },
		func(p *Page, s string) { p.Differences.Extra = []Row{{Aspect: s, A: s, B: s}} },
		func(p *Page, s string) { p.FAQ[0].Question = s },
		func(p *Page, s string) { p.FAQ[1].Answer = s },
	}
	for _, s := range payloads {
		for i, f := range set {
			p := clonePage(base)
			f(&p, s)
			if html := ToHTML(p); scriptTag.Match(html) {
				t.Errorf("field setter %d with %q: HTML carries a script: %s", i, s, scriptTag.Find(html))
			}
		}
	}
}

func BenchmarkToHTML(b *testing.B) {
	p := records(b)["gdpr-vs-hipaa"]
	b.ReportAllocs()
	for b.Loop() {
		ToHTML(p)
	}
}
