// Package natstest runs a real NATS server with JetStream inside a test.
package natstest

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/versus-dev/versus/internal/broker"
)

// Start runs an embedded server on a random loopback port with JetStream
// under a temp dir, and returns it with a connection. Both close at cleanup.
func Start(t testing.TB) (*broker.Embedded, *nats.Conn) {
	t.Helper()
	return StartIn(t, t.TempDir())
}

// StartIn is Start with JetStream stored in dir, so a test can restart a
// server over the same data.
func StartIn(t testing.TB, dir string) (*broker.Embedded, *nats.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := broker.StartEmbedded(ctx, broker.EmbeddedConfig{Dir: dir, Port: -1})
	if err != nil {
		t.Fatalf("start nats: %v", err)
	}
	nc, err := nats.Connect(srv.URL(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		srv.Shutdown()
		t.Fatalf("connect nats: %v", err)
	}
	t.Cleanup(func() {
		nc.Close()
		srv.Shutdown()
	})
	return srv, nc
}

// Eventually polls cond every 10ms until it is true or the deadline passes.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// CheckFor polls cond every 20ms until it returns nil; past the deadline it
// fails with the last thing cond said was still wrong (nats-server's
// checkFor), so a timeout says why.
func CheckFor(t testing.TB, within time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", within, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
