// Package web serves the editors' review app and the JSON API under it:
// the queue of pages and sections, their drafts with findings, diffs and
// history, the review actions, sign-in, and user and token admin.
package web

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"strings"

	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/webhook"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Option configures the handler.
type Option func(*server)

// WithLogger puts l in every request's context (zerolog.Ctx) unless the
// request already carries a logger.
func WithLogger(l zerolog.Logger) Option { return func(s *server) { s.log = &l } }

// DeliveryLog is the webhook delivery log the admin page shows.
type DeliveryLog interface {
	Log(ctx context.Context, n int) ([]webhook.Attempt, error)
}

// WithDeliveries shows the last webhook deliveries on the admin page.
func WithDeliveries(d DeliveryLog) Option { return func(s *server) { s.deliveries = d } }

// WithOfflineDrafter says the drafter is the offline composer, which
// cannot follow an editor's note: the UI does not offer "request changes"
// (it offers the editor's own edit), and the API's answer says so.
func WithOfflineDrafter() Option { return func(s *server) { s.offline = true } }

// WithPrice is the model's price in money per million prompt (input) and
// completion (output) tokens: the dashboard shows what was spent in money
// as well as in tokens. Without it (or with both zero) it shows tokens only.
func WithPrice(input, output float64) Option {
	return func(s *server) {
		if input > 0 || output > 0 {
			s.price = &Price{Input: input, Output: output}
		}
	}
}

type server struct {
	svc        *review.Service
	auth       *auth.Auth
	log        *zerolog.Logger
	tpl        *templates
	deliveries DeliveryLog // nil: no webhooks configured
	offline    bool
	price      *Price // nil: no price configured
}

// Handler returns the review app and API on a fresh mux.
func Handler(svc *review.Service, a *auth.Auth, opts ...Option) http.Handler {
	mux := http.NewServeMux()
	Mount(mux, svc, a, opts...)
	return mux
}

// Mount adds the review app's routes to mux, for a server that also serves
// other routes (jobs, search, metrics) on the same mux.
func Mount(mux *http.ServeMux, svc *review.Service, a *auth.Auth, opts ...Option) {
	s := &server{svc: svc, auth: a, tpl: mustTemplates()}
	for _, o := range opts {
		o(s)
	}
	h := func(pattern string, hd http.Handler) { mux.Handle(pattern, s.wrap(hd)) }
	viewer, editor, admin := auth.RoleViewer, auth.RoleEditor, auth.RoleAdmin
	api := func(min auth.Role, f http.HandlerFunc) http.Handler { return a.API(min, f) }
	ui := func(min auth.Role, f http.HandlerFunc) http.Handler { return a.UI(min, f) }

	// JSON API. Reads of published pages are public; the rest needs a token.
	h("GET /api/pages", a.OptionalAPI(http.HandlerFunc(s.apiListPages)))
	h("GET /api/pages/{slug}", a.OptionalAPI(http.HandlerFunc(s.apiGetPage)))
	h("POST /api/pages/bulk-approve", api(editor, s.apiBulkApprove))
	h("POST /api/pages/{slug}/{action}", api(editor, s.apiPageAction))
	h("GET /api/sections", api(viewer, s.apiListSections))
	h("GET /api/dashboard", api(viewer, s.apiDashboard))
	h("GET /api/sections/{id}", api(viewer, s.apiGetSection))
	h("POST /api/sections/{id}/{action}", api(editor, s.apiSectionAction))
	h("GET /api/users", api(admin, s.apiListUsers))
	h("POST /api/users", api(admin, s.apiCreateUser))
	h("GET /api/tokens", api(admin, s.apiListTokens))
	h("POST /api/tokens", api(admin, s.apiCreateToken))
	h("POST /api/tokens/{id}/revoke", api(admin, s.apiRevokeToken))
	h("POST /api/users/{name}/{action}", api(admin, s.apiUserAction))
	h("GET /api/sessions", api(admin, s.apiListSessions))
	h("POST /api/sessions/{id}/end", api(admin, s.apiEndSession))

	// The UI.
	static, _ := fs.Sub(assets, "static")
	h("GET /review/static/", http.StripPrefix("/review/static/", staticHandler(static)))
	h("GET /login", http.HandlerFunc(s.uiLogin))
	h("POST /login", http.HandlerFunc(s.uiLoginPost))
	h("POST /logout", ui(viewer, s.uiLogout))
	h("GET /review", ui(viewer, s.uiQueue))
	h("POST /review/bulk-approve", ui(editor, s.uiBulkApprove))
	h("GET /review/pages/{slug}", ui(viewer, s.uiPage))
	h("POST /review/pages/{slug}/{action}", ui(editor, s.uiPageAction))
	h("GET /review/sections", ui(viewer, s.uiSections))
	h("GET /review/dashboard", ui(viewer, s.uiDashboard))
	h("GET /review/sections/{id}", ui(viewer, s.uiSection))
	h("POST /review/sections/{id}/{action}", ui(editor, s.uiSectionAction))
	h("GET /admin", ui(admin, s.uiAdmin))
	h("POST /admin/users", ui(admin, s.uiAdminCreateUser))
	h("POST /admin/tokens", ui(admin, s.uiAdminCreateToken))
	h("POST /admin/tokens/{id}/revoke", ui(admin, s.uiAdminRevokeToken))
	h("POST /admin/users/{name}/{action}", ui(admin, s.uiAdminUserAction))
	h("POST /admin/sessions/{id}/end", ui(admin, s.uiAdminEndSession))
}

// wrap sets the security headers and the request logger.
func (s *server) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		// No inline script may run: the app's JS is a file, and drafts are
		// sanitized before they become HTML; CSP is the second fence.
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		if s.log != nil && zerolog.Ctx(r.Context()).GetLevel() == zerolog.Disabled {
			r = r.WithContext(s.log.WithContext(r.Context()))
		}
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		next.ServeHTTP(w, r)
	})
}

func staticHandler(fsys fs.FS) http.Handler {
	fsrv := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // files only: a folder is not listed
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		fsrv.ServeHTTP(w, r)
	})
}

func logErr(ctx context.Context, err error, msg string) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	zerolog.Ctx(ctx).Error().Err(err).Msg(msg)
}
