package app

import (
	"context"
	"net/http"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/site"
	"github.com/versus-dev/versus/internal/store"
)

// published adapts the store to the site: visitors see published pages only.
type published struct{ st *store.Store }

func (p published) ApprovedPage(ctx context.Context, slug string) (page.Page, bool, error) {
	return p.st.PublishedPage(ctx, slug)
}

// mountSite adds the public search page, the search API and the published
// pages; the site's front door is its search page.
func mountSite(mux *http.ServeMux, run *Running) {
	site.New(run.Index, run.Profiles.Set, published{run.Store}).Register(mux)
	mux.Handle("GET /{$}", http.RedirectHandler("/search", http.StatusFound))
}
