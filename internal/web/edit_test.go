package web_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

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
		{"/review/pages/" + waitPage, "/edit"},
		{"/review/sections/nist-csf", "/edit"},
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
		if code, body, _ := b.post(c.path+c.edit, form); code != http.StatusSeeOther {
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
