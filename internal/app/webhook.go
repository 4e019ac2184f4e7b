package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/webhook"
)

// WebhookConfig names the URLs told when a page is published, updated or
// unpublished, and the secret their signatures are made with.
type WebhookConfig struct {
	URLs   []string
	Secret string
	// MaxAttempts and Backoff bound redelivery to a failing receiver
	// (0: the webhook package's defaults).
	MaxAttempts int
	Backoff     []time.Duration

	client *http.Client // tests: how deliveries are sent (nil: the webhook package's)
}

// versions adapts the published pages to the webhook tracker: a page's
// version is the hash of what visitors see on it.
type versions struct {
	published
	base string
}

func (v versions) PublishedVersions(ctx context.Context) ([]webhook.Page, error) {
	pubs, err := v.PublishedPages(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]webhook.Page, 0, len(pubs))
	for _, p := range pubs {
		data, err := json.Marshal(p.Page)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		out = append(out, webhook.Page{Slug: p.Page.Slug, Title: p.Page.Title, Standards: p.Page.Standards, URL: v.base + "/compare/" + p.Page.Slug,
			Version: hex.EncodeToString(sum[:16]), Reviewed: p.Reviewed})
	}
	return out, nil
}

// mountWebhooks starts telling the configured URLs of every publish,
// update and unpublish (nudged by every record event, checked every 30 s
// besides) and serves the delivery log to admins. Without URLs the log
// answers empty.
func mountWebhooks(ctx context.Context, mux *http.ServeMux, cfg Config, run *Running, a *auth.Auth) (*webhook.Hooks, error) {
	if len(cfg.Webhooks.URLs) == 0 {
		mux.Handle("GET /api/webhooks/deliveries", a.API(auth.RoleAdmin, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = w.Write([]byte(`{"urls":0,"deliveries":[]}` + "\n"))
		})))
		return nil, nil
	}
	src := versions{published: newPublished(run.Store), base: cfg.PublicURL}
	hooks, err := webhook.New(ctx, run.Store.JetStream(), src, webhook.Config{
		URLs: cfg.Webhooks.URLs, Secret: cfg.Webhooks.Secret,
		MaxAttempts: cfg.Webhooks.MaxAttempts, Backoff: cfg.Webhooks.Backoff,
		Replicas: cfg.Settings.Replicas, Client: cfg.Webhooks.client,
	})
	if err != nil {
		return nil, err
	}
	// Any record event may change what is published.
	sub, err := run.Conn.Subscribe("versus.events.>", func(*nats.Msg) { hooks.Nudge() })
	if err != nil {
		return nil, fmt.Errorf("webhook: follow events: %w", err)
	}
	log := zerolog.Ctx(ctx).With().Str("worker", "webhooks").Logger()
	done := make(chan struct{})
	run.webhooksDone = done // Run waits for it on the way out
	go func() {
		defer close(done)
		defer func() { _ = sub.Unsubscribe() }()
		if err := hooks.Run(log.WithContext(ctx)); err != nil && ctx.Err() == nil {
			log.Error().Err(err).Msg("webhooks stopped")
		}
	}()
	mux.Handle("GET /api/webhooks/deliveries", a.API(auth.RoleAdmin, hooks.LogHandler()))
	return hooks, nil
}
