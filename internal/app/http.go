package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/web"
)

// httpHandler assembles the server's routes: the review app and its API, the
// public site and search, jobs, profiles, health and metrics.
func httpHandler(ctx context.Context, cfg Config, run *Running) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", handleHealth(run))
	mux.Handle("GET /metrics", promhttp.HandlerFor(run.Registry, promhttp.HandlerOpts{}))
	if !cfg.Parts.Web {
		return harden(mux, defaultLimits), nil // a worker's probe endpoints only
	}
	a, err := auth.New(ctx, run.Store.JetStream(), auth.WithReplicas(run.Store.Settings().Replicas))
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	a.TrustedProxies = cfg.TrustedProxies
	path, created, err := a.Bootstrap(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("admin token: %w", err)
	}
	if created {
		run.AdminToken = path
		zerolog.Ctx(ctx).Info().Str("file", path).Msg("wrote the first admin token")
	}
	svc := &review.Service{Store: run.Store, CurrentProfiles: run.Profiles.Set}
	hooks, err := mountWebhooks(ctx, mux, cfg, run, a)
	if err != nil {
		return nil, err
	}
	webOpts := []web.Option{web.WithLogger(*zerolog.Ctx(ctx)), web.WithPrice(cfg.Price.Input, cfg.Price.Output)}
	if !cfg.UseLLM() {
		webOpts = append(webOpts, web.WithOfflineDrafter())
	}
	if hooks != nil {
		webOpts = append(webOpts, web.WithDeliveries(hooks))
	}
	web.Mount(mux, svc, a, webOpts...)
	mountSite(mux, cfg, run)
	mux.Handle("GET /api/standards", handleStandards(run.Profiles.Set))
	mux.Handle("POST /api/jobs", a.API(auth.RoleEditor, handleJobs(run.Planner, run.Runs)))
	mux.Handle("GET /api/runs/{id}", a.API(auth.RoleViewer, handleRun(run.Runs)))
	mux.Handle("GET /api/runs/{id}/pages", a.API(auth.RoleViewer, handleRunPages(run.Runs, run.Store)))
	mux.Handle("POST /api/profiles/reload", a.API(auth.RoleAdmin, handleReload(run)))
	mux.Handle("POST /api/index/rebuild", a.API(auth.RoleAdmin, handleReindex(run)))
	mux.Handle("GET /api/usage", a.API(auth.RoleViewer, handleUsage(run.Store)))
	return harden(mux, defaultLimits), nil
}

// httpLimits bound what one client can hold of the server.
type httpLimits struct {
	Header time.Duration // to read a request's headers
	Body   time.Duration // to read a request's body, from the end of its headers
	Write  time.Duration // to answer, from the end of the headers (a rebuild extends its own)
	Idle   time.Duration // a kept-alive connection waiting for its next request
	// MaxHeaderBytes bounds the request line and headers.
	MaxHeaderBytes int
}

// defaultLimits: a sign-in or an API body arrives in well under 30 s from
// any real client; the slowest answer (a search index rebuild) sets its own
// deadline.
var defaultLimits = httpLimits{
	Header: 10 * time.Second, Body: 30 * time.Second, Write: 2 * time.Minute,
	Idle: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
}

// newHTTPServer is the server every process runs. There is no
// http.Server.ReadTimeout: once a request's body is read, the server's
// background read would hit that deadline and cancel the request's context
// while a long handler still runs. The body deadline is set per request
// instead (bodyDeadline) and lifted once the body is read.
func newHTTPServer(ctx context.Context, h http.Handler, l httpLimits) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.Header,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
}

// baseCSP is the policy of every answer that does not set its own (static
// files, JSON, errors, redirects): nothing may be loaded or framed.
const baseCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// harden is the middleware in front of every route: a slow body is cut
// off; cross-origin browser writes are refused (a second fence beside the
// CSRF tokens; requests without browser headers, like API scripts, pass);
// every answer carries a CSP and nosniff; folders are never listed.
func harden(next http.Handler, l httpLimits) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "cross-origin request refused: send it from this site's own pages, or without a browser", http.StatusForbidden)
	}))
	inner := cop.Handler(bodyDeadline(l.Body, next))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", baseCSP)
		hd.Set("X-Content-Type-Options", "nosniff")
		if isStatic(r.URL.Path) && strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // a folder of static files: no listing
			return
		}
		inner.ServeHTTP(w, r)
	})
}

func isStatic(path string) bool {
	return strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/review/static/")
}

// bodyDeadline gives a request d to deliver its body, then lifts the
// deadline so a handler that runs long after reading it is not cut off.
func bodyDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d <= 0 || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(d)); err != nil {
			next.ServeHTTP(w, r) // not a net.Conn (tests with a recorder)
			return
		}
		r.Body = &deadlineBody{ReadCloser: r.Body, lift: func() { _ = rc.SetReadDeadline(time.Time{}) }}
		next.ServeHTTP(w, r)
	})
}

type deadlineBody struct {
	io.ReadCloser
	lift   func()
	lifted bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.lifted {
		b.lifted = true
		b.lift()
	}
	return n, err
}
