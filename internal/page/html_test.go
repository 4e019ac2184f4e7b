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

// How They Relate is in the HTML, with the overlap chart as inline SVG that
// carries no script even when the names around it are hostile.
func TestToHTMLRelate(t *testing.T) {
	p := records(t)["iso-27001-vs-soc-2"]
	out := string(ToHTML(p))
	for _, want := range []string{"<h2>How They Relate</h2>", "<strong>ISO 27001 is an alternative to SOC 2</strong>", "<td>Mapped</td>",
		`<svg xmlns="http://www.w3.org/2000/svg" role="img"`, "98 of 123 (79%)", "61 mapped, total unknown", "Through the hub scf-2025.2.2"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if i, j := strings.Index(out, "<svg"), strings.Index(out, "<h2>Frequently Asked Questions</h2>"); i < 0 || j < i || i < strings.Index(out, "<h2>How They Relate</h2>") {
		t.Errorf("the chart is not inside How They Relate (svg at %d, FAQ at %d)", i, j)
	}
	hostile := clonePage(p)
	hostile.Sections[0].Heading = `<script>alert(1)</script>"/><svg onload=alert(1)>`
	hostile.Overlap.Via = `"><script>alert(2)</script>`
	hostile.Overlap.ViaName = `<script>alert(3)</script>`
	hostile.Overlap.A.Note = `<img src=x onerror=alert(4)>`
	if html := ToHTML(hostile); scriptTag.Match(html) {
		t.Errorf("HTML carries a script: %s", scriptTag.Find(html))
	}
	named := clonePage(p)
	named.Overlap.ViaName = "Cisco's Common Control Framework (CCF)"
	named.Overlap.B.Note = "a stand-in"
	out = string(ToHTML(named))
	for _, want := range []string{"Through Cisco’s Common Control Framework (CCF), scf-2025.2.2", "Through Cisco&#39;s Common Control Framework (CCF), a common-controls hub,", "For SOC 2, the figures count the requirements of a stand-in."} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML with a named hub lacks %q", want)
		}
	}
	none := records(t)["gdpr-vs-hipaa"]
	if out := string(ToHTML(none)); strings.Contains(out, "<svg") || !strings.Contains(out, "GDPR and HIPAA stand apart") {
		t.Errorf("a pair with no overlap: chart or independence sentence wrong")
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
