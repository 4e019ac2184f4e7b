package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/author"
	"github.com/versus-dev/versus/internal/llm/tokens"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/profiles"
)

func newEnqueueCmd() *cobra.Command {
	var server, token, data, profilesDir string
	var all, noWait, dryRun bool
	var timeout time.Duration
	var price author.Price
	cmd := &cobra.Command{
		Use:   "enqueue [--all | A:B ...]",
		Short: "Queue comparison pages for drafting and show progress until they are drafted",
		Example: `  versus enqueue --all
  versus enqueue "iso 27001:soc 2" gdpr:ccpa
  versus enqueue --all --dry-run --price-input 0.15 --price-output 0.60`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindEnv(cmd); err != nil {
				return &exitError{2, err}
			}
			body := map[string]any{}
			switch {
			case all && len(args) > 0:
				return &exitError{2, fmt.Errorf("give --all or pairs, not both")}
			case all:
				body["all"] = true
			case len(args) == 0:
				return &exitError{2, fmt.Errorf("no pairs: give A:B arguments or --all")}
			default:
				var pairs [][]string
				for _, a := range args {
					x, y, ok := strings.Cut(a, ":")
					if !ok || strings.TrimSpace(x) == "" || strings.TrimSpace(y) == "" {
						return &exitError{2, fmt.Errorf("%q: a pair is written A:B, e.g. iso-27001:soc-2", a)}
					}
					pairs = append(pairs, []string{strings.TrimSpace(x), strings.TrimSpace(y)})
				}
				body["pairs"] = pairs
			}
			if dryRun {
				return runDryRun(cmd.OutOrStdout(), profilesDir, all, body, price)
			}
			if token == "" {
				b, err := os.ReadFile(filepath.Join(data, "admin.token"))
				if err != nil {
					return &exitError{2, fmt.Errorf("no token: set VERSUS_TOKEN or --token (or run where %s/admin.token is readable)", data)}
				}
				token = strings.TrimSpace(string(b))
			}
			c := &client{base: strings.TrimRight(server, "/"), token: token, http: &http.Client{Timeout: 30 * time.Second}}
			var res struct {
				Queued  int    `json:"queued"`
				Skipped int    `json:"skipped"`
				Run     string `json:"run"`
			}
			if err := c.do(cmd.Context(), "POST", "/api/jobs", body, &res); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "queued %d, skipped %d (unchanged since their last draft); run %s\n", res.Queued, res.Skipped, res.Run)
			if noWait || res.Queued == 0 {
				return nil
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			return waitRun(ctx, c, res.Run, out)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&server, "server", app.DefaultServer, "the versus server")
	fs.StringVar(&token, "token", "", "API token with the editor role (default: DATA/admin.token)")
	fs.StringVar(&data, "data", app.DefaultDataDir, "data folder, to find admin.token")
	fs.BoolVar(&all, "all", false, "every pair of every standard")
	fs.BoolVar(&noWait, "no-wait", false, "return once queued, without waiting for drafts")
	fs.DurationVar(&timeout, "timeout", time.Hour, "how long to wait for the drafts")
	fs.BoolVar(&dryRun, "dry-run", false, "print what the run would cost (calls, tokens, money) and enqueue nothing")
	fs.StringVar(&profilesDir, "profiles", "profiles", "dry run: folder of the standards' profiles (the built-in ones when absent)")
	fs.Float64Var(&price.Input, "price-input", 0, "dry run: the model's price per million prompt tokens")
	fs.Float64Var(&price.Output, "price-output", 0, "dry run: the model's price per million completion tokens")
	return cmd
}

// runDryRun prints what drafting the pages would cost, counted with the
// model's tokenizer, without asking the server anything.
func runDryRun(w io.Writer, dir string, all bool, body map[string]any, price author.Price) error {
	var set *profile.Set
	var err error
	if _, serr := os.Stat(dir); serr == nil {
		set, err = profile.Load(dir)
	} else {
		dir = "built-in"
		set, err = profile.LoadFS(profiles.FS, ".")
	}
	if err != nil {
		return &exitError{2, fmt.Errorf("profiles %s: %w", dir, err)}
	}
	var pairs [][2]*profile.Profile
	if all {
		pairs = set.Pairs()
	} else {
		for _, pr := range body["pairs"].([][]string) {
			a, okA := set.Resolve(pr[0])
			b, okB := set.Resolve(pr[1])
			switch {
			case !okA:
				return &exitError{2, fmt.Errorf("%q: no such standard in %s", pr[0], dir)}
			case !okB:
				return &exitError{2, fmt.Errorf("%q: no such standard in %s", pr[1], dir)}
			case a.ID == b.ID:
				return &exitError{2, fmt.Errorf("%s:%s: a page compares two different standards", pr[0], pr[1])}
			}
			pairs = append(pairs, [2]*profile.Profile{a, b})
		}
	}
	secs, prs, err := author.RunCost(pairs)
	if err != nil {
		return &exitError{2, err}
	}
	tot := secs.Add(prs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "dry run: nothing enqueued; %d page(s), %d standard section(s), profiles %s\n\n", len(pairs), secs.Calls, dir)
	fmt.Fprintln(tw, "\tcalls\tprompt tokens\tcompletion tokens (expected)\ttotal tokens\t")
	for _, r := range []struct {
		name string
		c    author.Cost
	}{{"standard sections", secs}, {"pair parts", prs}, {"all", tot}} {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", r.name, r.c.Calls, r.c.Prompt, r.c.Completion, r.c.Total())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(pairs) > 0 {
		fmt.Fprintf(w, "\nper page: %.0f tokens\n", float64(tot.Total())/float64(len(pairs)))
	}
	if price.Input > 0 || price.Output > 0 {
		fmt.Fprintf(w, "cost: %.4f at %g per million prompt tokens and %g per million completion tokens\n", tot.Money(price), price.Input, price.Output)
	} else {
		fmt.Fprintln(w, "cost: give --price-input and --price-output (per million tokens; or VERSUS_PRICE_INPUT, VERSUS_PRICE_OUTPUT) to see it")
	}
	fmt.Fprintf(w, "\nTokens are counted with %s (the gpt-4o family's tokenizer): prompts as sent, schemas included;\n"+
		"expected completions are the offline composer's drafts of the same records. An upper bound for\n"+
		"one run: the server skips records unchanged since their last draft; redrafts come on top.\n", tokens.Encoding)
	return nil
}

// runProgress is GET /api/runs/{id}: what the progress bar shows.
type runProgress struct {
	Queued         int      `json:"queued"`
	Enqueued       int      `json:"enqueued"`
	Planned        int      `json:"planned"`
	EnqueueDone    bool     `json:"enqueue_done"`
	Drafted        int      `json:"drafted"`
	Validated      int      `json:"validated"`
	InReview       int      `json:"in_review"`
	NeedsAttention int      `json:"needs_attention"`
	Done           bool     `json:"done"`
	Tokens         int      `json:"tokens"`
	Cost           *float64 `json:"cost"`
}

// waitRun follows the run's progress until every page it queued is drafted
// and judged, drawing a progress bar.
func waitRun(ctx context.Context, c *client, run string, w io.Writer) error {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	for {
		var p runProgress
		if err := c.do(ctx, "GET", "/api/runs/"+run, nil, &p); err != nil {
			return err
		}
		bar(w, p, time.Since(start))
		if p.Done {
			fmt.Fprintln(w)
			if p.NeedsAttention > 0 {
				fmt.Fprintf(w, "%d page(s) need attention: see the review queue\n", p.NeedsAttention)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(w)
			return &exitError{1, fmt.Errorf("stopped waiting: %d of %d drafted (run %s goes on on the server)", p.Drafted, p.Queued, run)}
		case <-tick.C:
		}
	}
}

// bar draws one line: drafted of queued, then what is validated, needs
// attention, and what the run has spent.
func bar(w io.Writer, p runProgress, took time.Duration) {
	const width = 30
	fill := 0
	if p.Queued > 0 {
		fill = min(p.Drafted*width/p.Queued, width)
	}
	fmt.Fprintf(w, "\r[%s%s] %d/%d drafted, %d validated", strings.Repeat("#", fill), strings.Repeat(".", width-fill), p.Drafted, p.Queued, p.Validated)
	if !p.EnqueueDone {
		fmt.Fprintf(w, ", %d/%d enqueued", p.Enqueued, p.Planned)
	}
	if p.NeedsAttention > 0 {
		fmt.Fprintf(w, ", %d need attention", p.NeedsAttention)
	}
	if p.Tokens > 0 {
		fmt.Fprintf(w, ", %d tokens", p.Tokens)
	}
	if p.Cost != nil {
		fmt.Fprintf(w, ", cost %.4f", *p.Cost)
	}
	fmt.Fprintf(w, " (%s)", took.Round(time.Second))
}

// client calls the versus API.
type client struct {
	base, token string
	http        *http.Client
}

func (c *client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return &exitError{2, err}
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &exitError{2, fmt.Errorf("cannot reach %s: %w", c.base, err)}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(data))
		}
		code := 1
		if resp.StatusCode == 401 || resp.StatusCode == 403 {
			code = 2
		}
		return &exitError{code, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, e.Error)}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}
