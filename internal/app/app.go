// Package app runs versus's parts in one process: the embedded or remote
// NATS connection, the store, the workers, and the HTTP server. `versus up`
// runs them all; `versus worker KIND` runs one kind.
package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/doctor"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/llm"
	"github.com/versus-dev/versus/internal/metrics"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/workers/drafter"
	"github.com/versus-dev/versus/workers/indexer"
	"github.com/versus-dev/versus/workers/validator"
)

// Parts selects what a process runs.
type Parts struct {
	Web, Drafter, Validator, Indexer bool
}

// All is every part: `versus up`.
var All = Parts{Web: true, Drafter: true, Validator: true, Indexer: true}

// Config is everything a process needs; cmd/versus fills it from flags.
type Config struct {
	DataDir     string
	Addr        string
	NATS        broker.ClientConfig // URL "" = embedded server under DataDir
	NATSPort    int                 // the embedded server's client port: 0 none, -1 random
	ProfilesDir string              // "" = embedded profiles
	LLM         llm.Config
	MaxRedrafts int
	Drafters    int // drafting jobs in hand at once in this process
	Validators  int
	Replica     string // search replica name; default the host name
	Settings    store.Settings
	Parts       Parts
	Grace       time.Duration
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client a sign-in is limited by (--trusted-proxies).
	TrustedProxies []netip.Prefix

	// Publishing: the public site's base URL (canonical links, sitemaps),
	// URLs per sitemap file (0: 50,000), and the webhooks to tell.
	PublicURL    string
	SitemapLimit int
	Webhooks     WebhookConfig

	// Price is the model's, per million tokens; zero: runs report no cost.
	Price jobs.Price

	// GCPercent is how far the heap grows over what is live before a
	// collection (--gc-percent); 0 is GOGC if set, else DefaultGCPercent.
	GCPercent int
	// MemoryLimit is the Go heap's soft limit (--memory-limit): "auto"
	// (DefaultMemoryLimit), "off", or a size such as "900MiB".
	MemoryLimit string

	// PprofAddr, when set, is a loopback address serving Go's profiles
	// (net/http/pprof), to find what holds memory or CPU (--pprof-addr).
	PprofAddr string

	// Ready, if set, is called once the process serves (tests use it).
	Ready func(*Running)
}

// Running is a started process, for tests and for `up`'s own messages.
type Running struct {
	Store    *store.Store
	Planner  *jobs.Planner
	Runs     *jobs.Runs // enqueue runs carried out in the background (web part only)
	Profiles *Profiles
	Index    *index.Index
	Addr     string // the HTTP server's address
	Author   string
	Embedded *broker.Embedded
	Conn     *nats.Conn
	Registry *prometheus.Registry
	// AdminToken is the file the first admin token was written to, when
	// this start created it.
	AdminToken string
	// PprofAddr is where Go's profiles are served, when Config.PprofAddr is set.
	PprofAddr string

	// webhooksDone is closed when the webhook tracker has stopped, with
	// no delivery in hand; nil when no webhooks are configured.
	webhooksDone <-chan struct{}
}

// UseLLM reports whether the config names an LLM.
func (c Config) UseLLM() bool { return c.LLM.BaseURL != "" || c.LLM.APIKey != "" }

// Run starts the configured parts and blocks until ctx ends, then stops
// them gracefully.
func Run(ctx context.Context, cfg Config) error {
	log := zerolog.Ctx(ctx)
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if cfg.Settings.AckWait == 0 {
		// Unset settings take the defaults, but a --replicas given alone
		// (cmd sets only that field) must survive: dropping it would make
		// R1 streams on a 3-node cluster.
		replicas := cfg.Settings.Replicas
		cfg.Settings = store.DefaultSettings()
		if replicas > 0 {
			cfg.Settings.Replicas = replicas
		}
	}
	if cfg.Replica == "" {
		cfg.Replica, _ = os.Hostname()
		if cfg.Replica == "" {
			cfg.Replica = "local"
		}
	}
	log.Info().Fields(cfg.Effective()).Msg("configuration")
	limit, err := applyMemoryLimit(cfg.MemoryLimit)
	if err != nil {
		return fmt.Errorf("--memory-limit: %w", err)
	}
	gc, err := applyGCPercent(cfg.GCPercent)
	if err != nil {
		return fmt.Errorf("--gc-percent: %w", err)
	}
	log.Info().Str("limit", limit).Str("gc_percent", gc).Msg("memory limit")
	run := &Running{Registry: prometheus.NewRegistry()}
	if cfg.PprofAddr != "" {
		addr, err := servePprof(ctx, cfg.PprofAddr)
		if err != nil {
			return err
		}
		run.PprofAddr = addr
	}
	run.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	profiles, err := LoadProfiles(cfg.ProfilesDir)
	if err != nil {
		return err
	}
	run.Profiles = profiles
	log.Info().Str("source", profiles.Source()).Int("standards", profiles.Set().Len()).Msg("profiles loaded")

	// NATS: the embedded server unless a URL names one.
	var nc *nats.Conn
	if cfg.NATS.URL == "" {
		emb, err := broker.StartEmbedded(ctx, broker.EmbeddedConfig{Dir: cfg.DataDir, Port: cfg.NATSPort})
		if err != nil {
			return err
		}
		defer emb.Shutdown()
		run.Embedded = emb
		if nc, err = emb.Connect("versus"); err != nil {
			return fmt.Errorf("connect embedded nats: %w", err)
		}
		// A damaged store stops the start (before Open would recreate what
		// is missing, empty); a healthy one gets its manifest kept.
		if err := doctor.Guard(ctx, nc, cfg.DataDir); err != nil {
			return err
		}
	} else {
		cfg.NATS.Name = "versus"
		if nc, err = broker.Connect(ctx, cfg.NATS); err != nil {
			return err
		}
	}
	defer nc.Close()
	run.Conn = nc
	st, err := store.Open(ctx, nc, cfg.Settings)
	if err != nil {
		return err
	}
	defer st.Close()
	run.Store = st

	// The drafter: an LLM when one is configured, else the offline composer.
	pm := metrics.New(run.Registry)
	metrics.RegisterStates(run.Registry, st)
	var auth interface {
		drafter.Author
		jobs.Versioner
		Name() string
	}
	transient := func(error) bool { return false }
	var retryAfter func(error) (time.Duration, bool)
	if cfg.UseLLM() {
		client, err := llm.New(cfg.LLM, llm.WithMetrics(llm.NewMetrics(run.Registry)))
		if err != nil {
			return fmt.Errorf("llm: %w", err)
		}
		auth = &author.LLM{Client: client, Model: modelIdentity(cfg.LLM)}
		transient, retryAfter = llm.IsTransient, llm.RetryAfter
	} else {
		auth = author.Offline{}
	}
	run.Author = auth.Name()
	run.Planner = &jobs.Planner{Store: st, Profiles: profiles.Set, Drafter: auth}

	// Catch up: an event lost in a crash between a record write and its
	// publish is emitted; profiles are re-read at start, so anything drafted
	// from an older version is stale; and any job lost in a crash is
	// republished.
	if n, err := st.Reconcile(ctx); err != nil {
		return fmt.Errorf("reconcile events: %w", err)
	} else if n > 0 {
		log.Info().Int("events", n).Msg("emitted events lost in a crash")
	}
	if cfg.Parts.Web {
		if n, err := run.Planner.MarkStale(ctx, "system"); err != nil {
			return fmt.Errorf("mark stale: %w", err)
		} else if n > 0 {
			log.Info().Int("records", n).Msg("inputs changed: marked stale and requeued")
		}
		if n, err := run.Planner.Sweep(ctx); err != nil {
			return fmt.Errorf("resume jobs: %w", err)
		} else if n > 0 {
			log.Info().Int("jobs", n).Msg("resumed unfinished jobs")
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	spawn := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(log.With().Str("worker", name).Logger().WithContext(ctx)); err != nil && ctx.Err() == nil {
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	if cfg.Parts.Web {
		go st.ReconcileEvery(ctx, time.Minute)
		runs, err := jobs.OpenRuns(ctx, run.Planner)
		if err != nil {
			return err
		}
		if cfg.Price.Input > 0 || cfg.Price.Output > 0 {
			runs.Price = &cfg.Price
		}
		run.Runs = runs
		spawn("runs", runs.Run)
	}
	if cfg.Parts.Drafter {
		conc := cfg.Drafters
		if conc <= 0 {
			conc = max(cfg.LLM.Concurrency, 4)
			if !cfg.UseLLM() {
				conc = 8
			}
		}
		spawn("drafter", func(ctx context.Context) error {
			return drafter.Run(ctx, drafter.Config{Store: st, Profiles: profiles.Set, Author: auth, Concurrency: conc,
				Grace: cfg.Grace, Metrics: pm, Transient: transient, RetryAfter: retryAfter})
		})
	}
	if cfg.Parts.Validator {
		conc := max(cfg.Validators, 4)
		spawn("validator", func(ctx context.Context) error {
			return validator.Run(ctx, validator.Config{Store: st, Profiles: profiles.Set, MaxRedrafts: cfg.MaxRedrafts,
				Concurrency: conc, Grace: cfg.Grace, Metrics: pm})
		})
	}
	if cfg.Parts.Indexer || cfg.Parts.Web {
		ix, err := index.Open(filepath.Join(cfg.DataDir, "index"), profiles.Set())
		if err != nil {
			return err
		}
		defer ix.Close()
		run.Index = ix
		spawn("indexer", func(ctx context.Context) error {
			return indexer.Run(ctx, indexer.Config{Store: st, Profiles: profiles.Set, Index: ix, Replica: cfg.Replica, Metrics: pm})
		})
	}

	// SIGHUP re-reads the profiles.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if n, err := ReloadProfiles(ctx, run, "sighup"); err != nil {
					log.Error().Err(err).Msg("reload profiles: kept the previous set")
				} else {
					log.Info().Int("stale", n).Msg("profiles reloaded")
				}
			}
		}
	}()

	var srv *http.Server
	if cfg.Parts.Web || cfg.Addr != "" {
		h, err := httpHandler(ctx, cfg, run)
		if err != nil {
			return err
		}
		addr := cfg.Addr
		if addr == "" {
			addr = DefaultAddr
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("listen %s: %w", addr, err)
		}
		run.Addr = ln.Addr().String()
		srv = newHTTPServer(ctx, h, defaultLimits)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("http: %w", err)
			}
		}()
		log.Info().Str("addr", "http://"+run.Addr).Str("drafter", run.Author).Msg("serving")
	}
	if cfg.Ready != nil {
		cfg.Ready(run)
	}
	var runErr error
	select {
	case <-ctx.Done():
		log.Info().Msg("stopping: finishing the jobs in hand")
	case runErr = <-errc:
		log.Error().Err(runErr).Msg("stopping")
	}
	cancel()
	// The webhook tracker ends the delivery in hand within the grace the
	// workers get for their jobs; one that does not is retried on the
	// next start (it was never acknowledged).
	grace := cfg.Grace
	if grace <= 0 {
		grace = 30 * time.Second // the workers' default
	}
	hooksGrace := time.NewTimer(grace)
	defer hooksGrace.Stop()
	if srv != nil {
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		_ = srv.Shutdown(sctx)
		scancel()
	}
	wg.Wait()
	if run.webhooksDone != nil {
		select {
		case <-run.webhooksDone:
		case <-hooksGrace.C:
			log.Warn().Dur("grace", grace).Msg("a webhook delivery did not end in time; it is sent again on the next start")
		}
	}
	log.Info().Msg("stopped")
	return runErr
}

// ReloadProfiles re-reads the profiles and marks what they invalidate stale.
func ReloadProfiles(ctx context.Context, run *Running, actor string) (int, error) {
	changed, err := run.Profiles.Reload()
	if err != nil {
		return 0, err
	}
	if !changed {
		return 0, nil
	}
	if run.Index != nil {
		run.Index.SetStandards(run.Profiles.Set())
	}
	return run.Planner.MarkStale(ctx, actor)
}

// modelIdentity is the model part of the inputs hash: the same model with
// other settings writes other drafts.
func modelIdentity(c llm.Config) string {
	return fmt.Sprintf("%s t=%g max=%d", c.Model, c.Temperature, c.MaxTokens)
}
