package clustertest_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/versus-dev/versus/internal/clustertest"
)

// A replicated stream survives its leader's shutdown: another node takes
// over, keeps every message, and the old leader catches up after a restart.
func TestClusterLeaderFailover(t *testing.T) {
	c := clustertest.Start(t, 3)
	nc := c.Connect(t)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "T", Subjects: []string{"t.>"}, Replicas: 3}); err != nil {
		t.Fatalf("create R3 stream: %v", err)
	}
	for range 10 {
		if _, err := js.Publish(ctx, "t.a", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	old := c.WaitStreamLeader(t, "T", nil, 10*time.Second)
	old.Shutdown()
	if old.Running() {
		t.Fatal("node still running after Shutdown")
	}
	now := c.WaitStreamLeader(t, "T", old, 20*time.Second)
	if now == old {
		t.Fatal("the stopped node still leads")
	}
	// Writes go on with two of three nodes.
	var info *jetstream.StreamInfo
	for {
		if _, err = js.Publish(ctx, "t.b", []byte("y")); err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("publish with a node down: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	old.Restart(t)
	c.WaitCurrent(t, "T", 20*time.Second)
	s, _ := js.Stream(ctx, "T")
	if info, err = s.Info(ctx); err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 11 {
		t.Fatalf("%d messages after failover, want 11", info.State.Msgs)
	}
	if len(info.Cluster.Replicas) != 2 {
		t.Fatalf("%d followers after restart, want 2", len(info.Cluster.Replicas))
	}
}
