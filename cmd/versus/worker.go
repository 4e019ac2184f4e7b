package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/app"
)

func newWorkerCmd() *cobra.Command {
	var cfg app.Config
	var lf logFlags
	cmd := &cobra.Command{
		Use:       "worker drafter|validator|indexer",
		Short:     "Run one worker kind alone against a NATS server or cluster",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"drafter", "validator", "indexer"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindEnv(cmd); err != nil {
				return &exitError{2, err}
			}
			switch args[0] {
			case "drafter":
				cfg.Parts.Drafter = true
			case "validator":
				cfg.Parts.Validator = true
			case "indexer":
				cfg.Parts.Indexer = true
			default:
				return &exitError{2, fmt.Errorf("unknown worker kind %q: want drafter, validator or indexer", args[0])}
			}
			if cfg.NATS.URL == "" {
				return &exitError{2, fmt.Errorf("--nats is required: a worker joins a running NATS server or cluster")}
			}
			log, err := lf.logger(cmd.ErrOrStderr())
			if err != nil {
				return &exitError{2, err}
			}
			llmKey(&cfg)
			return app.Run(log.With().Str("role", args[0]).Logger().WithContext(cmd.Context()), cfg)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&cfg.DataDir, "data", app.DefaultDataDir, "data folder (the indexer keeps its search index here)")
	fs.StringVar(&cfg.ProfilesDir, "profiles", defaultProfilesDir(), "profiles folder (empty: the built-in profiles)")
	fs.StringVar(&cfg.Addr, "addr", "", "serve /healthz and /metrics on this address (for readiness probes)")
	fs.StringVar(&cfg.Replica, "replica", "", "search replica name, for the indexer (default: the host name)")
	fs.StringVar(&cfg.MemoryLimit, "memory-limit", app.DefaultMemoryLimit, "soft limit of the Go heap: auto (GOMEMLIMIT if set, else 80% of the container's memory limit, else none), off, or a size such as 900MiB")
	fs.IntVar(&cfg.GCPercent, "gc-percent", 0, fmt.Sprintf("how far the Go heap grows over what is live before a collection: 0 is GOGC if set, else %d (Go's own default is 100)", app.DefaultGCPercent))
	addNATSFlags(fs, &cfg)
	addLLMFlags(fs, &cfg)
	lf.add(fs)
	return cmd
}
