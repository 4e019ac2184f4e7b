package scale_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/store"
)

// The cluster configs in deploy/nats parse, and three servers started from
// them (on loopback ports instead of 4222/6222) form a JetStream cluster in
// which the versus user, and only with its password, opens versus's R3
// streams and buckets.
func TestDeployNATSConfigs(t *testing.T) {
	t.Setenv("VERSUS_NATS_PASSWORD", "s3cret-for-test")
	t.Setenv("NATS_SYS_PASSWORD", "sys-s3cret")
	var opts []*server.Options
	for i := 1; i <= 3; i++ {
		o, err := server.ProcessConfigFile(filepath.Join("../../deploy/nats", fmt.Sprintf("nats-%d.conf", i)))
		if err != nil {
			t.Fatalf("nats-%d.conf: %v", i, err)
		}
		if o.ServerName != fmt.Sprintf("n%d", i) || o.Cluster.Name != "versus" || len(o.Routes) != 2 || !o.JetStream {
			t.Fatalf("nats-%d.conf: name %q cluster %q routes %d jetstream %v", i, o.ServerName, o.Cluster.Name, len(o.Routes), o.JetStream)
		}
		if o.SystemAccount != "SYS" {
			t.Fatalf("nats-%d.conf: system account %q", i, o.SystemAccount)
		}
		opts = append(opts, o)
	}
	// The same configs on this machine: free loopback ports, temp storage.
	ports := make([]int, 6)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	dir := t.TempDir()
	var urls string
	for i, o := range opts {
		o.Host, o.Port = "127.0.0.1", ports[2*i]
		o.Cluster.Host, o.Cluster.Port = "127.0.0.1", ports[2*i+1]
		o.HTTPPort, o.HTTPHost = 0, ""
		o.StoreDir = filepath.Join(dir, o.ServerName)
		o.NoSigs, o.NoLog = true, true
		o.Routes = nil
		for j := range opts {
			if j != i {
				o.Routes = append(o.Routes, &url.URL{Scheme: "nats", Host: "127.0.0.1:" + strconv.Itoa(ports[2*j+1])})
			}
		}
		if urls != "" {
			urls += ","
		}
		urls += "nats://127.0.0.1:" + strconv.Itoa(o.Port)
	}
	for _, o := range opts {
		srv, err := server.NewServer(o)
		if err != nil {
			t.Fatalf("%s: %v", o.ServerName, err)
		}
		go srv.Start()
		t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
		if !srv.ReadyForConnections(20 * time.Second) {
			t.Fatalf("%s: not ready", o.ServerName)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if bad, err := nats.Connect(urls, nats.UserInfo("versus", "wrong")); err == nil {
		bad.Close()
		t.Fatal("a wrong password connected")
	}
	nc, err := broker.Connect(ctx, broker.ClientConfig{URL: urls, Name: "test", User: "versus", Password: "s3cret-for-test"})
	if err != nil {
		t.Fatalf("connect as versus: %v", err)
	}
	defer nc.Close()
	st := store.DefaultSettings()
	st.Replicas = 3
	var s *store.Store
	deadline := time.Now().Add(20 * time.Second)
	for {
		oc, ocancel := context.WithTimeout(ctx, 5*time.Second)
		s, err = store.Open(oc, nc, st)
		ocancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("open the store on the configured cluster: %v", err)
		}
		time.Sleep(200 * time.Millisecond) // the meta leader is still being elected
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}
