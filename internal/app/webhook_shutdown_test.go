package app_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/webhook/webhooktest"
)

// heldDelivery starts a server with webhooks sent through a holding
// transport and publishes one page, so that a delivery is in hand.
func heldDelivery(t *testing.T, grace time.Duration) (*started, *webhooktest.Holding) {
	t.Helper()
	tr := webhooktest.NewHolding()
	cfg := app.Config{ProfilesDir: subset(t, "gdpr", "iso-27701", "sox"), Grace: grace,
		Webhooks: app.WebhookConfig{URLs: []string{"http://receiver.test/hook"}, Secret: "k"}}
	app.SetWebhookClient(&cfg.Webhooks, &http.Client{Transport: tr})
	s := start(t, cfg)
	if code, body := s.call(t, "POST", "/api/jobs", s.token, map[string]any{"pairs": [][]string{{"GDPR", "ISO/IEC 27701"}}}); code != http.StatusAccepted {
		t.Fatalf("jobs: %d %s", code, body)
	}
	waitSettled(t, s.run.Store, 1, time.Minute)
	for _, path := range []string{"/api/pages/gdpr-vs-iso-27701", "/api/sections/gdpr", "/api/sections/iso-27701"} {
		_, body := s.call(t, "GET", path, s.token, nil)
		var rec struct {
			Revision uint64 `json:"revision"`
		}
		_ = json.Unmarshal(body, &rec)
		if code, body := s.call(t, "POST", path+"/approve", s.token, map[string]any{"revision": rec.Revision}); code != http.StatusOK {
			t.Fatalf("approve %s: %d %s", path, code, body)
		}
	}
	select {
	case <-tr.Entered:
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook delivery started in 30s")
	}
	return s, tr
}

// TestShutdownWaitsForWebhookTracker: a server stopped while a webhook
// delivery is in hand returns only once the tracker has stopped with it,
// never leaving it running against a closed store.
func TestShutdownWaitsForWebhookTracker(t *testing.T) {
	s, tr := heldDelivery(t, 0)

	stopped := make(chan struct{})
	var ended bool // whether the delivery had ended when the server stopped
	go func() {
		s.stop()
		ended = tr.Returned.Load()
		close(stopped)
	}()
	// A server that does not wait for the tracker stops at once; a second
	// is ample for it to show.
	select {
	case <-stopped:
		t.Fatalf("the server stopped while a webhook delivery was in hand (ended: %v)", ended)
	case <-time.After(time.Second):
	}
	tr.Release()
	select {
	case <-stopped:
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not stop in 60s after the delivery ended")
	}
	if !ended {
		t.Error("the server stopped before the delivery in hand ended")
	}
	select {
	case <-app.WebhooksDone(s.run):
	default:
		t.Error("the server stopped with the webhook tracker still running")
	}
}

// TestShutdownBoundsWebhookWait: a delivery that never lets go holds the
// server's stop no longer than the grace.
func TestShutdownBoundsWebhookWait(t *testing.T) {
	const grace = 2 * time.Second
	s, tr := heldDelivery(t, grace)
	defer tr.Release()
	began := time.Now()
	s.stop() // fails the test if the server does not stop in 60s
	if took := time.Since(began); took < grace || took > grace+15*time.Second {
		t.Errorf("the server stopped in %v with a delivery held; want the grace, %v, and not much more", took, grace)
	}
}
