package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/review"
)

// formValues reads the form whose action ends in suffix from an HTML page
// as a browser would submit it untouched: every named input and textarea.
func formValues(t *testing.T, doc, suffix string) url.Values {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, k string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	var form *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "form" {
			if a, _ := attr(n, "action"); strings.HasSuffix(a, suffix) && form == nil {
				form = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(root)
	if form == nil {
		t.Fatalf("no form posting to …%s", suffix)
	}
	vals := url.Values{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, ok := attr(n, "name")
			switch {
			case ok && n.Data == "input":
				v, _ := attr(n, "value")
				vals.Add(name, v)
			case ok && n.Data == "textarea":
				var b strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					b.WriteString(c.Data)
				}
				// A browser drops one newline right after <textarea>.
				vals.Add(name, strings.TrimPrefix(b.String(), "\n"))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return vals
}

// TestUnchangedSaveChangesNothing saves the edit forms of an approved page
// and of a section without touching a field: the record keeps its content
// (the differences table's aspect names too), its revision and its state.
func TestUnchangedSaveChangesNothing(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("ed", password)
	for _, c := range []struct{ path, edit string }{
		{"/review/pages/" + waitPage + "?edit=all", "/edit"},
		{"/review/sections/nist-csf?edit=all", "/edit"},
	} {
		code, doc := b.get(c.path)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", c.path, code)
		}
		var before, after any
		var revBefore, revAfter uint64
		var stBefore, stAfter string
		if strings.Contains(c.path, "/sections/") {
			r := e.section("nist-csf")
			before, revBefore, stBefore = r.Section, r.Revision, string(r.State)
		} else {
			r := e.page(waitPage)
			before, revBefore, stBefore = r.Pair, r.Revision, string(r.State)
		}
		form := formValues(t, doc, c.edit)
		if code, body, _ := b.post(strings.TrimSuffix(c.path, "?edit=all")+c.edit, form); code != http.StatusSeeOther {
			t.Fatalf("save %s unchanged: %d %s", c.path, code, body)
		}
		if strings.Contains(c.path, "/sections/") {
			r := e.section("nist-csf")
			after, revAfter, stAfter = r.Section, r.Revision, string(r.State)
		} else {
			r := e.page(waitPage)
			after, revAfter, stAfter = r.Pair, r.Revision, string(r.State)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("%s: an unchanged save changed the content: %v", c.path, review.Diff(before, after))
		}
		if revAfter != revBefore || stAfter != stBefore {
			t.Errorf("%s: an unchanged save wrote revision %d→%d, state %s→%s", c.path, revBefore, revAfter, stBefore, stAfter)
		}
	}
}

// A save from a part edited in place reads only that part: every other
// part keeps its text (the table's aspect names, the FAQ, How They
// Relate), a missing field never empties one, and a save that changes
// nothing writes nothing. Each case starts from the record as the one
// before left it.
func TestPartialSaves(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("ed", password)
	slug := cleanPage
	start := e.page(slug).Pair
	if len(start.FAQ) < 3 {
		t.Fatalf("the seeded page has %d FAQ entries; the cases need 3", len(start.FAQ))
	}
	n := len(start.FAQ)
	cases := []struct {
		name   string
		form   url.Values
		status int
		done   string // "edit", "unchanged"; "" for a refused form
		anchor string
		want   func(p *page.Pair) // what the save changes in the pair
	}{
		{"verdict", url.Values{"part": {"verdict"}, "verdict": {"A new verdict. It says one thing."}}, 303, "edit", "part-verdict",
			func(p *page.Pair) { p.Verdict = "A new verdict. It says one thing." }},
		{"verdict as the browser sends it back", url.Values{"part": {"verdict"}, "verdict": {"  A new verdict.\r\nIt says one thing. "}}, 303, "edit", "part-verdict",
			func(p *page.Pair) { p.Verdict = "A new verdict.\nIt says one thing." }},
		{"verdict unchanged", url.Values{"part": {"verdict"}, "verdict": {"A new verdict.\r\nIt says one thing.\r\n"}}, 303, "unchanged", "part-verdict", nil},
		{"a part with its field missing changes nothing", url.Values{"part": {"verdict"}}, 303, "unchanged", "part-verdict", nil},
		{"only the named part is read", url.Values{"part": {"verdict"}, "verdict": {"A new verdict.\nIt says one thing."}, "description": {""}, "faq.0.q": {""}, "faq.0.a": {""}}, 303, "unchanged", "part-verdict", nil},
		{"description", url.Values{"part": {"description"}, "description": {"GDPR and ISO 27001, side by side."}}, 303, "edit", "part-description",
			func(p *page.Pair) { p.Description = "GDPR and ISO 27001, side by side." }},
		{"one answer", url.Values{"part": {"faq.1"}, "faq.1.q": {start.FAQ[1].Question}, "faq.1.a": {"A shorter answer."}}, 303, "edit", "part-faq-1",
			func(p *page.Pair) { p.FAQ[1].Answer = "A shorter answer." }},
		{"a question removed", url.Values{"part": {"faq.1"}, "faq.1.q": {""}, "faq.1.a": {" "}}, 303, "edit", "part-faq-1",
			func(p *page.Pair) { p.FAQ = append(p.FAQ[:1:1], p.FAQ[2:]...) }},
		{"a question added", url.Values{"part": {fmt.Sprintf("faq.%d", n-1)}, fmt.Sprintf("faq.%d.q", n-1): {"Is it new?"}, fmt.Sprintf("faq.%d.a", n-1): {"Yes."}}, 303, "edit", fmt.Sprintf("part-faq-%d", n-1),
			func(p *page.Pair) { p.FAQ = append(p.FAQ, page.QA{Question: "Is it new?", Answer: "Yes."}) }},
		{"an empty new question adds nothing", url.Values{"part": {fmt.Sprintf("faq.%d", n)}, fmt.Sprintf("faq.%d.q", n): {""}, fmt.Sprintf("faq.%d.a", n): {""}}, 303, "unchanged", fmt.Sprintf("part-faq-%d", n), nil},
		{"one cell of a fixed row", url.Values{"part": {"diff.scope"}, "diff.scope.a": {"Personal data of people in the EU."}, "diff.scope.b": {start.Differences.Scope.B}}, 303, "edit", "part-diff-scope",
			func(p *page.Pair) { p.Differences.Scope.A = "Personal data of people in the EU." }},
		{"a fixed row's aspect name is not the form's", url.Values{"part": {"diff.scope"}, "diff.scope.aspect": {"Reach"}}, 303, "unchanged", "part-diff-scope", nil},
		{"a row added", url.Values{"part": {fmt.Sprintf("diff.extra.%d", len(start.Differences.Extra))}, fmt.Sprintf("diff.extra.%d.aspect", len(start.Differences.Extra)): {"Fines"}, fmt.Sprintf("diff.extra.%d.a", len(start.Differences.Extra)): {"Up to 4%"}, fmt.Sprintf("diff.extra.%d.b", len(start.Differences.Extra)): {"None"}}, 303, "edit", fmt.Sprintf("part-diff-extra-%d", len(start.Differences.Extra)),
			func(p *page.Pair) {
				p.Differences.Extra = append(p.Differences.Extra, page.Row{Aspect: "Fines", A: "Up to 4%", B: "None"})
			}},
		{"the whole form without a part, one field", url.Values{"verdict": {"The whole form's verdict."}}, 303, "edit", "draft",
			func(p *page.Pair) { p.Verdict = "The whole form's verdict." }},
		{"a question far past the last", url.Values{"part": {"faq.40"}, "faq.40.q": {"?"}, "faq.40.a": {"!"}}, 400, "", "", nil},
		{"an unknown part", url.Values{"part": {"title"}, "title": {"x"}}, 400, "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.page(slug)
			_, doc := b.get("/review/pages/" + slug)
			form := url.Values{"csrf": {csrfOf(t, doc)}, "revision": {fmt.Sprint(before.Revision)}}
			for k, v := range c.form {
				form[k] = v
			}
			code, body, resp := b.post("/review/pages/"+slug+"/edit", form)
			if code != c.status {
				t.Fatalf("status %d, want %d: %.300s", code, c.status, body)
			}
			after := e.page(slug)
			want := clonePair(before.Pair)
			if c.want != nil {
				c.want(&want)
			}
			if d := review.Diff(want, after.Pair); len(d) > 0 {
				t.Errorf("the record is not what the save should leave: %+v", d)
			}
			if c.done == "" {
				if after.Revision != before.Revision {
					t.Errorf("a refused form wrote revision %d", after.Revision)
				}
				return
			}
			loc := resp.Header.Get("Location")
			if !strings.Contains(loc, "done="+c.done+"&") || !strings.HasSuffix(loc, "#"+c.anchor) {
				t.Errorf("redirect %q, want done=%s and #%s", loc, c.done, c.anchor)
			}
			switch c.done {
			case "unchanged":
				if after.Revision != before.Revision || after.State != before.State {
					t.Errorf("an unchanged save wrote: revision %d→%d, %s→%s", before.Revision, after.Revision, before.State, after.State)
				}
			case "edit":
				if after.Revision <= before.Revision || after.UpdatedBy != "ed" {
					t.Errorf("a save did not write: revision %d→%d by %q", before.Revision, after.Revision, after.UpdatedBy)
				}
			}
			// The page it goes back to says what happened, at the part.
			_, shown := b.get(strings.SplitN(loc, "#", 2)[0])
			note := between(shown, `id="saved"`, "</p>")
			switch {
			case c.done == "unchanged" && !strings.Contains(note, "Nothing changed"):
				t.Errorf("the page does not say nothing changed: %q", note)
			case c.done == "edit" && !strings.Contains(note, "Saved"):
				t.Errorf("the page does not say it saved: %q", note)
			}
		})
	}
}

func clonePair(p page.Pair) page.Pair {
	data, _ := json.Marshal(p)
	var c page.Pair
	_ = json.Unmarshal(data, &c)
	return c
}

// ?edit=PART shows that part as a form where it stands, with the focus
// in it and nothing else turned into a form; a viewer gets no form and no
// Edit links; a stale save keeps the editor's text in the part's form and
// shows what changed meanwhile.
func TestEditInPlaceForm(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("ed", password)
	slug := cleanPage
	rec := e.page(slug)
	_, plain := b.get("/review/pages/" + slug)
	for part, field := range map[string]string{"description": "description", "verdict": "verdict", "diff.scope": "diff-scope-a", "diff.penalties": "diff-penalties-a",
		"faq.0": "faq-0-q", fmt.Sprintf("faq.%d", len(rec.Pair.FAQ)-1): fmt.Sprintf("faq-%d-q", len(rec.Pair.FAQ)-1), fmt.Sprintf("faq.%d", len(rec.Pair.FAQ)): fmt.Sprintf("faq-%d-q", len(rec.Pair.FAQ))} {
		// The link's fragment is the form's first field: the browser focuses it.
		link := `href="/review/pages/` + slug + `?edit=` + url.QueryEscape(part) + `#ed-` + field + `"`
		if !strings.Contains(plain, link) {
			t.Errorf("no Edit link for %s (%s)", part, link)
		}
	}
	if strings.Contains(plain, `id="part-editor"`) {
		t.Error("a form is open without ?edit")
	}
	for _, c := range []struct{ part, field, value string }{
		{"verdict", "verdict", rec.Pair.Verdict},
		{"faq.1", "faq.1.q", rec.Pair.FAQ[1].Question},
		{"diff.industry", "diff.industry.a", rec.Pair.Differences.Industry.A},
	} {
		_, doc := b.get("/review/pages/" + slug + "?edit=" + c.part)
		place := between(doc, `id="part-`+strings.ReplaceAll(c.part, ".", "-")+`"`, "</form>")
		if !strings.Contains(place, `name="part" value="`+c.part+`"`) || !strings.Contains(place, `name="`+c.field+`"`) || !strings.Contains(place, "autofocus") {
			t.Errorf("%s: the part is not a form with the focus in it:\n%.600s", c.part, place)
		}
		if !strings.Contains(place, template.HTMLEscapeString(c.value)) {
			t.Errorf("%s: the form does not hold the text", c.part)
		}
		if strings.Count(doc, "<form method=\"post\" action=\"/review/pages/"+slug+"/edit\"") != 1 {
			t.Errorf("%s: more than one edit form on the page", c.part)
		}
	}
	v := e.browser()
	v.login("vic", password)
	if _, doc := v.get("/review/pages/" + slug + "?edit=verdict"); strings.Contains(doc, `class="edit-part"`) || strings.Contains(doc, `id="part-editor"`) {
		t.Error("a viewer is offered editing")
	}

	// A stale save: 409, the editor's text in the verdict's form, what changed above.
	stale := rec.Revision
	if _, err := e.svc.Comment(context.Background(), "eve", slug, stale, "meanwhile"); err != nil {
		t.Fatal(err)
	}
	mine := "My verdict, written while eve commented."
	code, doc, _ := b.post("/review/pages/"+slug+"/edit", url.Values{"csrf": {csrfOf(t, plain)}, "revision": {fmt.Sprint(stale)}, "part": {"verdict"}, "verdict": {mine}})
	if code != http.StatusConflict {
		t.Fatalf("stale save: %d", code)
	}
	place := between(doc, `id="part-verdict"`, "</form>")
	if !strings.Contains(place, ">"+mine+"</textarea>") {
		t.Errorf("the editor's text is not in the verdict's form:\n%.600s", place)
	}
	if !strings.Contains(doc, `id="conflict"`) || !strings.Contains(between(doc, `id="conflict"`, "</section>"), "meanwhile") {
		t.Error("the conflict section does not say what happened meanwhile")
	}
	if got := e.page(slug); got.Pair.Verdict != rec.Pair.Verdict {
		t.Error("the stale save was written")
	}
}

// A section's parts are edited in place the same way: each has its Edit
// link, a form names its part and changes that part alone, an unchanged
// save writes nothing, a missing field keeps its text.
func TestSectionPartialSaves(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("ed", password)
	std := "gdpr"
	base := "/review/sections/" + std
	_, plain := b.get(base)
	for part, field := range map[string]string{"intro": "full_name", "key_features": "key_features", "what_it_is": "what_it_is",
		"key_components": "key_components", "why_used": "why_used", "implementation": "implementation_paragraph"} {
		if link := `href="` + base + `?edit=` + part + `#ed-` + field + `"`; !strings.Contains(plain, link) {
			t.Errorf("no Edit link for the section's %s (%s)", part, link)
		}
	}
	start := e.section(std).Section
	cases := []struct {
		name   string
		form   url.Values
		done   string
		anchor string
		want   func(s *page.Section)
	}{
		{"tagline", url.Values{"part": {"intro"}, "full_name": {start.FullName}, "tagline": {"The EU's data protection law."}}, "edit", "part-intro",
			func(s *page.Section) { s.Tagline = "The EU's data protection law." }},
		{"tagline unchanged, as a browser sends it", url.Values{"part": {"intro"}, "full_name": {start.FullName + " "}, "tagline": {"The EU's data protection law.\r\n"}}, "unchanged", "part-intro", nil},
		{"one feature changed", url.Values{"part": {"key_features"}, "key_features": {strings.Join(append([]string{"A new first feature"}, start.KeyFeatures[1:]...), "\r\n")}}, "edit", "part-key_features",
			func(s *page.Section) { s.KeyFeatures = append([]string{"A new first feature"}, s.KeyFeatures[1:]...) }},
		{"only the named part is read", url.Values{"part": {"why_used"}, "why_used": {strings.Join(start.WhyUsed, "\n")}, "tagline": {""}, "what_it_is": {""}}, "unchanged", "part-why_used", nil},
		{"a part with its field missing", url.Values{"part": {"what_it_is"}}, "unchanged", "part-what_it_is", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.section(std)
			form := url.Values{"csrf": {csrfOf(t, plain)}, "revision": {fmt.Sprint(before.Revision)}}
			for k, v := range c.form {
				form[k] = v
			}
			code, body, resp := b.post(base+"/edit", form)
			if code != http.StatusSeeOther {
				t.Fatalf("status %d: %.300s", code, body)
			}
			after := e.section(std)
			want := before.Section
			want.KeyFeatures = append([]string(nil), before.Section.KeyFeatures...)
			if c.want != nil {
				c.want(&want)
			}
			if d := review.Diff(want, after.Section); len(d) > 0 {
				t.Errorf("the record is not what the save should leave: %+v", d)
			}
			if loc := resp.Header.Get("Location"); !strings.Contains(loc, "done="+c.done+"&") || !strings.HasSuffix(loc, "#"+c.anchor) {
				t.Errorf("redirect %q, want done=%s and #%s", loc, c.done, c.anchor)
			}
			if (c.done == "unchanged") != (after.Revision == before.Revision) {
				t.Errorf("%s save: revision %d → %d", c.done, before.Revision, after.Revision)
			}
		})
	}
	if code, _, _ := b.post(base+"/edit", url.Values{"csrf": {csrfOf(t, plain)}, "revision": {fmt.Sprint(e.section(std).Revision)}, "part": {"heading"}}); code != http.StatusBadRequest {
		t.Errorf("a form naming an unknown part: %d, want 400", code)
	}
	// ?edit=PART: the form where the part was, with the focus in it.
	_, doc := b.get(base + "?edit=key_features")
	place := between(doc, `id="part-key_features"`, "</form>")
	if !strings.Contains(place, `name="part" value="key_features"`) || !strings.Contains(place, `name="key_features"`) || !strings.Contains(place, "autofocus") {
		t.Errorf("the section's key features are not a form in place:\n%.500s", place)
	}
}
