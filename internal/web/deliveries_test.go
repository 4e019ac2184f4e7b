package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/web"
	"github.com/versus-dev/versus/internal/webhook"
)

// deliveryLog is a webhook delivery log held in memory.
type deliveryLog struct {
	attempts []webhook.Attempt
	err      error
}

func (l *deliveryLog) Log(_ context.Context, n int) ([]webhook.Attempt, error) {
	if l.err != nil {
		return nil, l.err
	}
	return l.attempts[:min(n, len(l.attempts))], nil
}

// TestAdminShowsWebhookDeliveries: with webhooks configured, the admin page
// lists the last delivery attempts; a log that cannot be read leaves the
// accounts on the page and says so without its error's text.
func TestAdminShowsWebhookDeliveries(t *testing.T) {
	now := time.Now().UTC()
	log := &deliveryLog{attempts: []webhook.Attempt{
		{Time: now, Type: "page.published", Slug: "gdpr-vs-sox", Target: "https://cdn.example/…", Attempt: 2, Status: 200, Outcome: "delivered"},
		{Time: now.Add(-time.Minute), Type: "page.published", Slug: "gdpr-vs-sox", Target: "https://cdn.example/…", Attempt: 1, Status: 503, Error: "https://cdn.example/… answered 503", Outcome: "retrying"},
	}}
	e := newEnv(t, web.WithDeliveries(log))
	root := e.browser()
	_, html := root.get("/login")
	if code, _, _ := root.post("/login", url.Values{"csrf": {csrfOf(t, html)}, "token": {e.tokens["root"]}, "next": {"/admin"}}); code != http.StatusSeeOther {
		t.Fatal("root sign-in")
	}
	code, page := root.get("/admin")
	if code != http.StatusOK {
		t.Fatalf("admin page: %d", code)
	}
	for _, want := range []string{`id="deliveries"`, "page.published", "/review/pages/gdpr-vs-sox", "delivered", "retrying", "answered 503"} {
		if !strings.Contains(page, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}

	log.err = errors.New("webhook log 42: nats: internal detail")
	code, page = root.get("/admin")
	if code != http.StatusOK || !strings.Contains(page, `id="sessions"`) {
		t.Fatalf("admin page with an unreadable log: %d, sessions shown %v", code, strings.Contains(page, `id="sessions"`))
	}
	if !strings.Contains(page, "delivery log is not available") || strings.Contains(page, "internal detail") {
		t.Error("an unreadable log should be said plainly, without its error's text")
	}
}
