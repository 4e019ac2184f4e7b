package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/auth"
)

func newUpCmd() *cobra.Command {
	var cfg app.Config
	var lf logFlags
	var trusted string
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Run everything in one process: workers, review UI, API and search",
		Long: `up runs the whole pipeline in one process: an embedded NATS server (JetStream on
disk under --data) unless --nats names one, the drafter, validator and indexer
workers, the review UI, the API and search. It drafts with the offline composer
unless an LLM is configured (--llm-base-url, or OPENAI_API_KEY in the environment).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return &exitError{2, err}
			}
			log, err := lf.logger(cmd.ErrOrStderr())
			if err != nil {
				return &exitError{2, err}
			}
			if cfg.TrustedProxies, err = auth.ParsePrefixes(trusted); err != nil {
				return &exitError{2, fmt.Errorf("--trusted-proxies: %w", err)}
			}
			llmKey(&cfg)
			cfg.Parts = app.All
			out := cmd.OutOrStdout()
			cfg.Ready = func(r *app.Running) {
				fmt.Fprintf(out, "versus is up on http://%s (drafting with the %s; profiles: %s)\n", r.Addr, r.Author, r.Profiles.Source())
				fmt.Fprintf(out, "  review queue: http://%s/review   search: http://%s/search\n", r.Addr, r.Addr)
				if r.PprofAddr != "" {
					fmt.Fprintf(out, "  profiles (pprof): http://%s/debug/pprof/\n", r.PprofAddr)
				}
				if r.AdminToken != "" {
					fmt.Fprintf(out, "  the admin token is in %s (sign in with it, or use it as a Bearer token)\n", r.AdminToken)
				}
			}
			return app.Run(log.WithContext(cmd.Context()), cfg)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&cfg.DataDir, "data", app.DefaultDataDir, "data folder: JetStream storage, search index, admin token")
	fs.StringVar(&cfg.Addr, "addr", app.DefaultAddr, "HTTP listen address")
	fs.StringVar(&cfg.ProfilesDir, "profiles", defaultProfilesDir(), "profiles folder (empty: the profiles built into the binary)")
	fs.IntVar(&cfg.NATSPort, "nats-port", 0, "client port of the embedded NATS server on 127.0.0.1, so separate worker processes can join (0: in-process only)")
	fs.StringVar(&cfg.Replica, "replica", "", "name of this search replica (default: the host name)")
	fs.StringVar(&cfg.MemoryLimit, "memory-limit", app.DefaultMemoryLimit, "soft limit of the Go heap: auto (GOMEMLIMIT if set, else 80% of the container's memory limit, else none), off, or a size such as 900MiB")
	fs.IntVar(&cfg.GCPercent, "gc-percent", 0, fmt.Sprintf("how far the Go heap grows over what is live before a collection: 0 is GOGC if set, else %d (Go's own default is 100)", app.DefaultGCPercent))
	fs.StringVar(&cfg.PprofAddr, "pprof-addr", "", "serve Go's profiles (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060, to see what holds memory (empty: off)")
	fs.StringVar(&trusted, "trusted-proxies", "", "comma-separated CIDR prefixes of reverse proxies whose X-Forwarded-For names the client (sign-in limits); empty trusts none")
	addNATSFlags(fs, &cfg)
	addLLMFlags(fs, &cfg)
	addPublishFlags(fs, &cfg)
	lf.add(fs)
	return cmd
}

// defaultProfilesDir is ./profiles when run from a checkout, so edits there
// take effect; elsewhere the embedded profiles.
func defaultProfilesDir() string {
	if m, _ := filepath.Glob(filepath.Join("profiles", "*.yaml")); len(m) > 0 {
		return "profiles"
	}
	return ""
}
