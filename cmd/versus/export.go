package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/export"
)

func newExportCmd() *cobra.Command {
	var o export.Options
	cmd := &cobra.Command{
		Use:   "export --server URL --out DIR [--format html|markdown|json]",
		Short: "Write what a server publishes to a folder: a static site, Markdown or JSON",
		Example: `  versus export --server http://127.0.0.1:8080 --out public --format html --base-url https://compliance.example.com
  versus export --server http://127.0.0.1:8080 --out content/compare --format markdown`,
		Long: `export reads the published pages through the server's public API and writes them:
  html      a static site (pages, browse pages, sitemap.xml, robots.txt, assets) with
            relative links, for any static host
  markdown  one file per page with front matter (title, slug, description, dates,
            standards, FAQ) for Hugo, Astro or Jekyll
  json      one file per page and index.json
A second run rewrites only the files whose content changed and removes the files of
pages no longer published. Exit status: 0 done, 2 could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil { // VERSUS_SERVER, VERSUS_OUT, ...
				return &exitError{2, fmt.Errorf("export: %w", err)}
			}
			errw := cmd.ErrOrStderr()
			start := time.Now()
			o.Progress = func(done, total int) { exportBar(errw, done, total, time.Since(start)) }
			st, err := export.Run(cmd.Context(), o)
			fmt.Fprintln(errw)
			if err != nil {
				return &exitError{2, err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "exported %d pages as %s to %s: %d files written, %d unchanged, %d removed\n",
				st.Pages, o.Format, o.Out, st.Written, st.Unchanged, st.Removed)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Server, "server", "http://127.0.0.1:8080", "the versus server to read")
	fs.StringVar(&o.Out, "out", "", "the folder to write")
	fs.StringVar(&o.Format, "format", export.HTML, "html, markdown or json")
	fs.StringVar(&o.BaseURL, "base-url", "", "html: where the export will be served; the sitemap, robots.txt and canonical links point there (default: the server's public URL)")
	fs.IntVar(&o.Concurrency, "concurrency", 4, "requests to the server in flight at once")
	return cmd
}

func exportBar(w io.Writer, done, total int, took time.Duration) {
	const width = 30
	fill := 0
	if total > 0 {
		fill = done * width / total
	}
	fmt.Fprintf(w, "\r[%s%s] %d/%d pages (%s)", strings.Repeat("#", fill), strings.Repeat(".", width-fill), done, total, took.Round(time.Second))
}
