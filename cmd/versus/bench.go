package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/bench"
)

func newBenchCmd() *cobra.Command {
	var opts bench.Options
	var only string
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the pipeline against a fake LLM and print a Markdown table",
		Long: `bench runs the pipeline in this process against a fake OpenAI-compatible
server on 127.0.0.1 with a fixed latency, and measures:

  rate      pages per minute under --llm-rpm, as a fraction of the bound the limits allow
  tokens    tokens per page with shared standard sections vs drafting every page whole
  drafters  throughput with 1, 2 and 4 drafter processes, until the LLM's capacity binds
  offline   pages per second of ` + "`versus up`" + ` offline, from POST /api/jobs to all in review

Figures are ratios to a bound or a baseline measured in the same run, so a
noisy machine moves both. It sends nothing beyond the loopback interface.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if only != "" {
				opts.Only = strings.Split(only, ",")
			}
			rep, err := bench.Suite(cmd.Context(), opts, cmd.ErrOrStderr())
			if err != nil {
				return &exitError{1, err}
			}
			fmt.Fprint(cmd.OutOrStdout(), rep.Markdown())
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.Quick, "quick", false, "smaller runs (about a minute)")
	fs.StringVar(&only, "only", "", "comma-separated subset: rate, tokens, drafters, offline")
	fs.StringVar(&opts.Dir, "dir", "", "scratch folder (default: a temp folder, removed after)")
	return cmd
}
