package main

import (
	"fmt"
	"os"
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
	cmd.AddCommand(newBenchScaleCmd())
	fs := cmd.Flags()
	fs.BoolVar(&opts.Quick, "quick", false, "smaller runs (about a minute)")
	fs.StringVar(&only, "only", "", "comma-separated subset: rate, tokens, drafters, offline")
	fs.StringVar(&opts.Dir, "dir", "", "scratch folder (default: a temp folder, removed after)")
	return cmd
}

func newBenchScaleCmd() *cobra.Command {
	var standards, baseline int
	var dir string
	var opts bench.ScaleOptions
	cmd := &cobra.Command{
		Use:   "scale",
		Short: "Run the whole product offline at N standards and at the shipped 32, and print the figures",
		Long: `scale writes the shipped profiles plus renamed copies of them (gdpr-c2,
"GDPR C2", …) up to --standards into a temp folder, runs ` + "`versus up`" + ` offline in
a process of its own on each set in turn (--baseline first), talks to it over
HTTP only, and measures: the answer time of POST /api/jobs {"all":true}, the
time until every record is in review, GET /api/pages?limit=100 and the
signed-in review queue page (size and time), approving everything, search
p50/p99 over every page approved (the server's own time, from its
Server-Timing header, and the HTTP round trip), and the server's peak
resident memory (VmHWM) with the largest resident set of each phase.
The server inherits this environment (GOMEMLIMIT, GOGC) without VERSUS_
settings or LLM keys.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if standards < 2 {
				return &exitError{2, fmt.Errorf("--standards: at least 2, got %d", standards)}
			}
			if dir == "" {
				tmp, err := os.MkdirTemp("", "versus-scale-")
				if err != nil {
					return &exitError{2, err}
				}
				defer os.RemoveAll(tmp)
				dir = tmp
			}
			sizes := []int{standards}
			if baseline > 0 && baseline != standards {
				sizes = []int{min(baseline, standards), max(baseline, standards)}
			}
			bin, err := os.Executable()
			if err != nil {
				return &exitError{2, fmt.Errorf("the versus binary to run as the server: %w", err)}
			}
			opts.Binary = bin
			fs, err := bench.Scale(cmd.Context(), dir, sizes, opts, cmd.ErrOrStderr())
			fmt.Fprint(cmd.OutOrStdout(), bench.ScaleMarkdown(fs))
			if err != nil {
				return &exitError{1, err}
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&standards, "standards", 200, "standards to run with (the shipped ones, then renamed copies)")
	cmd.Flags().IntVar(&baseline, "baseline", 32, "standards of the comparison run in the same invocation (0: none)")
	cmd.Flags().StringVar(&dir, "dir", "", "scratch folder (default: a temp folder, removed after)")
	cmd.Flags().StringVar(&opts.MemoryLimit, "memory-limit", "", "the server's --memory-limit (default: its own default)")
	cmd.Flags().StringVar(&opts.HeapProfiles, "heap-profiles", "", "path prefix: write the server's heap profile at the end of each phase (PREFIX.<standards>.<phase>.pb.gz)")
	cmd.Flags().StringVar(&opts.CPUProfile, "cpu-profile", "", "path prefix: write the server's CPU profile of the first 30 s of settling (PREFIX.<standards>.settle.pb.gz)")
	return cmd
}
