package web

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/versus-dev/versus/internal/store"
)

// templates holds one parsed set per page: the layout plus that page's
// "content", so each page can define its own blocks.
type templates struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"join":  func(ss []string, sep string) string { return strings.Join(ss, sep) },
	"flash": flashHTML,
	"money": money,
	"paras": func(ss []string) string { return strings.Join(ss, "\n\n") },
	"stateLabel": func(s store.State) string {
		if s == "" {
			return "all"
		}
		return strings.ReplaceAll(string(s), "_", " ")
	},
	"tokens": func(u *store.Usage) string {
		if u == nil {
			return ""
		}
		return fmt.Sprintf("%d tokens (%d in, %d out, %d calls)", u.Total(), u.Prompt, u.Completion, u.Calls)
	},
	"add":        func(a, b int) int { return a + b },
	"happened":   happened,
	"field":      fieldWords,
	"firstDraft": firstDraft,
	"thousands":  thousands[int],
}

func mustTemplates() *templates {
	t := &templates{pages: map[string]*template.Template{}}
	for _, name := range []string{"login", "queue", "page", "sections", "section", "admin", "error", "dashboard"} {
		tp := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials.html", "templates/"+name+".html"))
		t.pages[name] = tp
	}
	return t
}

func (t *templates) execute(w io.Writer, name string, data any) error {
	tp, ok := t.pages[name]
	if !ok {
		return fmt.Errorf("no template %s", name)
	}
	return tp.ExecuteTemplate(w, "layout.html", data)
}
