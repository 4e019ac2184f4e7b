package app

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Profiles are served on loopback only, and stop with the process.
func TestServePprof(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:6060", "example.com:6060", "nonsense"} {
		if _, err := servePprof(ctx, addr); err == nil {
			t.Errorf("%s: served", addr)
		}
	}
	addr, err := servePprof(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "# HeapInuse = ") {
		t.Fatalf("heap profile: %d %.200s", resp.StatusCode, b)
	}
	cancel()
	// Closed with its context: a new request finds nothing listening.
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/debug/pprof/")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("still serving 5s after its context ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
