package app

import (
	"context"
	"fmt"
	"net/http"

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
		return mux, nil // a worker's probe endpoints only
	}
	a, err := auth.New(ctx, run.Store.JetStream(), auth.WithReplicas(run.Store.Settings().Replicas))
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	path, created, err := a.Bootstrap(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("admin token: %w", err)
	}
	if created {
		run.AdminToken = path
		zerolog.Ctx(ctx).Info().Str("file", path).Msg("wrote the first admin token")
	}
	svc := &review.Service{Store: run.Store, CurrentProfiles: run.Profiles.Set}
	web.Mount(mux, svc, a, web.WithLogger(*zerolog.Ctx(ctx)))
	mountSite(mux, run)
	mux.Handle("GET /api/standards", handleStandards(run.Profiles.Set))
	mux.Handle("POST /api/jobs", a.API(auth.RoleEditor, handleJobs(run.Planner)))
	mux.Handle("POST /api/profiles/reload", a.API(auth.RoleAdmin, handleReload(run)))
	mux.Handle("POST /api/index/rebuild", a.API(auth.RoleAdmin, handleReindex(run)))
	mux.Handle("GET /api/usage", a.API(auth.RoleViewer, handleUsage(run.Store)))
	return mux, nil
}
