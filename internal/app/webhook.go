package app

import "time"

// WebhookConfig names the URLs told when a page is published, updated or
// unpublished, and the secret their signatures are made with.
type WebhookConfig struct {
	URLs   []string
	Secret string
	// MaxAttempts and Backoff bound redelivery to a failing receiver
	// (0: the webhook package's defaults).
	MaxAttempts int
	Backoff     []time.Duration
}
