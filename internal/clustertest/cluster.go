// Package clustertest starts a NATS cluster with JetStream inside the test
// process: real servers, routed to each other over loopback, each with its
// own store directory, so tests can stop a node, find a stream's leader and
// restart a node on the same storage and ports.
package clustertest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Account is the account every client of the cluster uses (no auth: the
// global account).
const Account = server.DEFAULT_GLOBAL_ACCOUNT

// Cluster is an in-process NATS cluster.
type Cluster struct {
	t     testing.TB
	Name  string
	mu    sync.Mutex
	nodes []*Node
}

// Node is one server of the cluster. Its ports and store directory stay the
// same across Shutdown and Restart.
type Node struct {
	Name        string
	ClientPort  int
	ClusterPort int
	StoreDir    string

	c   *Cluster
	mu  sync.Mutex
	srv *server.Server
}

// Start starts an n-node cluster (n >= 1) and waits until JetStream has a
// meta leader, so streams can be created at once. The cluster stops when the
// test ends.
func Start(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 1 {
		t.Fatalf("clustertest: %d nodes", n)
	}
	c := &Cluster{t: t, Name: "versus-test"}
	ports := freePorts(t, 2*n)
	dir := t.TempDir()
	for i := range n {
		c.nodes = append(c.nodes, &Node{
			Name:        fmt.Sprintf("n%d", i+1),
			ClientPort:  ports[2*i],
			ClusterPort: ports[2*i+1],
			StoreDir:    filepath.Join(dir, fmt.Sprintf("n%d", i+1)),
			c:           c,
		})
	}
	t.Cleanup(c.Shutdown)
	// Start them together: a node's routes to peers not yet up are retried.
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, nd := range c.nodes {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = nd.start() }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("clustertest: %v", err)
		}
	}
	c.WaitJetStream(t, 30*time.Second)
	return c
}

// freePorts finds n free loopback ports. They are closed again before the
// servers bind them; a clash is unlikely and fails loudly.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var lns []net.Listener
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("clustertest: free port: %v", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		_ = ln.Close()
	}
	return ports
}

func (n *Node) options() *server.Options {
	var routes []*url.URL
	for _, o := range n.c.nodes {
		if o != n {
			routes = append(routes, &url.URL{Scheme: "nats", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(o.ClusterPort))})
		}
	}
	opts := &server.Options{
		ServerName: n.Name,
		Host:       "127.0.0.1",
		Port:       n.ClientPort,
		JetStream:  true,
		StoreDir:   n.StoreDir,
		NoSigs:     true,
		NoLog:      true,
		Routes:     routes,
	}
	if len(n.c.nodes) > 1 {
		opts.Cluster = server.ClusterOpts{Name: n.c.Name, Host: "127.0.0.1", Port: n.ClusterPort}
	}
	return opts
}

func (n *Node) start() error {
	srv, err := server.NewServer(n.options())
	if err != nil {
		return fmt.Errorf("node %s: %w", n.Name, err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(20 * time.Second) {
		srv.Shutdown()
		return fmt.Errorf("node %s: not ready in 20s", n.Name)
	}
	n.mu.Lock()
	n.srv = srv
	n.mu.Unlock()
	return nil
}

// Server is the node's running server, or nil while it is down.
func (n *Node) Server() *server.Server {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.srv
}

// Running reports whether the node is up.
func (n *Node) Running() bool { return n.Server() != nil }

// URL is the node's client URL (the same after a restart).
func (n *Node) URL() string { return "nats://127.0.0.1:" + strconv.Itoa(n.ClientPort) }

// Shutdown stops the node and waits until it is down. Its storage stays.
func (n *Node) Shutdown() {
	n.mu.Lock()
	srv := n.srv
	n.srv = nil
	n.mu.Unlock()
	if srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

// Restart starts a stopped node again on the same ports and storage.
func (n *Node) Restart(t testing.TB) {
	t.Helper()
	if n.Running() {
		t.Fatalf("clustertest: node %s is running", n.Name)
	}
	if err := n.start(); err != nil {
		t.Fatalf("clustertest: restart: %v", err)
	}
}

// Nodes returns the cluster's nodes, running or not.
func (c *Cluster) Nodes() []*Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Node(nil), c.nodes...)
}

// URLs is every node's client URL, comma separated: what a client is given.
func (c *Cluster) URLs() string {
	var us []string
	for _, n := range c.Nodes() {
		us = append(us, n.URL())
	}
	return strings.Join(us, ",")
}

// Shutdown stops every node.
func (c *Cluster) Shutdown() {
	for _, n := range c.Nodes() {
		n.Shutdown()
	}
}

// Connect opens a client connection to the cluster (any node, reconnecting
// to the others), closed when the test ends.
func (c *Cluster) Connect(t testing.TB) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(c.URLs(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond),
		nats.RetryOnFailedConnect(true))
	if err != nil {
		t.Fatalf("clustertest: connect: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// WaitJetStream waits until JetStream answers through the cluster: it has
// a meta leader and enough peers to create replicated assets.
func (c *Cluster) WaitJetStream(t testing.TB, within time.Duration) {
	t.Helper()
	nc := c.Connect(t)
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("clustertest: %v", err)
	}
	deadline := time.Now().Add(within)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := js.AccountInfo(ctx)
		cancel()
		// A meta leader alone is not enough: an R3 stream can be placed
		// only once the leader has heard from every running peer.
		if l := c.metaLeader(); err == nil && l != nil && len(l.Server().JetStreamClusterPeers()) >= c.running() {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("clustertest: JetStream not ready within %v: %v", within, last)
}

func (c *Cluster) running() int {
	n := 0
	for _, x := range c.Nodes() {
		if x.Running() {
			n++
		}
	}
	return n
}

func (c *Cluster) metaLeader() *Node {
	for _, n := range c.Nodes() {
		if s := n.Server(); s != nil && s.JetStreamIsLeader() {
			return n
		}
	}
	return nil
}

// StreamLeader returns the node leading stream (in the global account), or
// nil when no running node leads it now (an election is under way).
func (c *Cluster) StreamLeader(stream string) *Node {
	for _, n := range c.Nodes() {
		if s := n.Server(); s != nil && s.JetStreamIsStreamLeader(Account, stream) {
			return n
		}
	}
	return nil
}

// WaitStreamLeader waits until a running node other than not leads stream
// (not may be nil) and returns it.
func (c *Cluster) WaitStreamLeader(t testing.TB, stream string, not *Node, within time.Duration) *Node {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if n := c.StreamLeader(stream); n != nil && n != not {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("clustertest: no leader for stream %s within %v", stream, within)
	return nil
}

// WaitCurrent waits until every running node is current with the
// JetStream meta group and holds a current replica of stream: after a
// restart, the node has caught up.
func (c *Cluster) WaitCurrent(t testing.TB, stream string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok := true
		for _, n := range c.Nodes() {
			s := n.Server()
			if s == nil {
				continue
			}
			if !s.JetStreamIsCurrent() || !s.JetStreamIsStreamCurrent(Account, stream) {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("clustertest: stream %s not current on every node within %v", stream, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
