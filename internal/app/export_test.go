package app

import "net/http"

// SetWebhookClient makes the webhook tracker send its deliveries with cl.
func SetWebhookClient(c *WebhookConfig, cl *http.Client) { c.client = cl }

// WebhooksDone is closed when r's webhook tracker has stopped.
func WebhooksDone(r *Running) <-chan struct{} { return r.webhooksDone }
