// Package broker starts the embedded NATS server and connects to NATS, embedded
// or remote, with the credentials and TLS a deployment gives.
package broker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"
)

// EmbeddedConfig configures the in-process server.
type EmbeddedConfig struct {
	Dir  string // JetStream storage lives in Dir/jetstream
	Host string // default 127.0.0.1
	Port int    // 0 = no client port (in-process connections only); -1 = random port
	Name string
}

// Embedded is a NATS server running inside this process.
type Embedded struct {
	srv *server.Server
}

// StartEmbedded starts a JetStream-enabled server and waits until it is ready.
func StartEmbedded(ctx context.Context, cfg EmbeddedConfig) (*Embedded, error) {
	opts := &server.Options{
		ServerName: cfg.Name,
		Host:       cfg.Host,
		Port:       cfg.Port,
		JetStream:  true,
		StoreDir:   filepath.Join(cfg.Dir, "jetstream"),
		NoSigs:     true,
		NoLog:      true,
	}
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	if opts.ServerName == "" {
		opts.ServerName = "versus"
	}
	if cfg.Port == 0 {
		opts.DontListen = true
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	go srv.Start()
	deadline := 30 * time.Second
	if d, ok := ctx.Deadline(); ok {
		deadline = time.Until(d)
	}
	if !srv.ReadyForConnections(deadline) {
		srv.Shutdown()
		return nil, errors.New("embedded nats: not ready in time")
	}
	zerolog.Ctx(ctx).Info().Str("store", opts.StoreDir).Str("url", clientURL(srv)).Msg("embedded NATS server started")
	return &Embedded{srv: srv}, nil
}

func clientURL(srv *server.Server) string {
	if a := srv.Addr(); a != nil {
		if ta, ok := a.(*net.TCPAddr); ok {
			return "nats://" + net.JoinHostPort(ta.IP.String(), strconv.Itoa(ta.Port))
		}
	}
	return "in-process"
}

// URL is the client URL, or "in-process" when the server has no port.
func (e *Embedded) URL() string { return clientURL(e.srv) }

// Server exposes the server for tests that restart or inspect it.
func (e *Embedded) Server() *server.Server { return e.srv }

// Connect opens a connection to the embedded server (in-process when it has no port).
func (e *Embedded) Connect(name string) (*nats.Conn, error) {
	opts := []nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}
	if e.srv.Addr() == nil {
		opts = append(opts, nats.InProcessServer(e.srv))
		return nats.Connect("", opts...)
	}
	return nats.Connect(e.URL(), opts...)
}

// Shutdown stops the server and waits for it.
func (e *Embedded) Shutdown() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}

// ClientConfig is how a process reaches a NATS server or cluster.
type ClientConfig struct {
	URL       string // one or more URLs, comma separated
	Name      string
	User      string
	Password  string
	Token     string
	CredsFile string // a .creds file (JWT + nkey seed)
	NKeyFile  string // an nkey seed file
	TLSCA     string
	TLSCert   string
	TLSKey    string
}

// Connect dials NATS with the config's credentials and TLS. It retries the
// first connection and reconnects forever after: a worker outlives a node.
func Connect(ctx context.Context, cfg ClientConfig) (*nats.Conn, error) {
	log := zerolog.Ctx(ctx)
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.RetryOnFailedConnect(true),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Warn().Err(err).Msg("nats disconnected")
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info().Str("server", nc.ConnectedUrlRedacted()).Msg("nats reconnected")
		}),
	}
	switch {
	case cfg.CredsFile != "":
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	case cfg.NKeyFile != "":
		o, err := nats.NkeyOptionFromSeed(cfg.NKeyFile)
		if err != nil {
			return nil, fmt.Errorf("nkey %s: %w", cfg.NKeyFile, err)
		}
		opts = append(opts, o)
	case cfg.User != "":
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	case cfg.Token != "":
		opts = append(opts, nats.Token(cfg.Token))
	}
	if cfg.TLSCA != "" {
		opts = append(opts, nats.RootCAs(cfg.TLSCA))
	}
	if cfg.TLSCert != "" || cfg.TLSKey != "" {
		opts = append(opts, nats.ClientCert(cfg.TLSCert, cfg.TLSKey))
	}
	nc, err := nats.Connect(cfg.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect nats: %w", err)
	}
	// RetryOnFailedConnect returns at once; wait (bounded) for the first connect.
	deadline := time.Now().Add(30 * time.Second)
	for !nc.IsConnected() {
		if time.Now().After(deadline) {
			nc.Close()
			return nil, fmt.Errorf("connect nats %s: no server answered within 30s", redact(cfg.URL))
		}
		select {
		case <-ctx.Done():
			nc.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	log.Info().Str("server", nc.ConnectedUrlRedacted()).Msg("connected to NATS")
	return nc, nil
}

// redact drops passwords from URLs so they never reach a log line.
func redact(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		if u, err := url.Parse(strings.TrimSpace(p)); err == nil && u.User != nil {
			u.User = url.User(u.User.Username())
			parts[i] = u.String()
		}
	}
	return strings.Join(parts, ",")
}
