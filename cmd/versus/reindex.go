package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/app"
)

func newReindexCmd() *cobra.Command {
	var server, token, data string
	cmd := &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild a running server's search index from the page records, swapping it in while queries go on",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return &exitError{2, err}
			}
			if token == "" {
				b, err := os.ReadFile(filepath.Join(data, "admin.token"))
				if err != nil {
					return &exitError{2, fmt.Errorf("no token: set VERSUS_TOKEN or --token (an admin's)")}
				}
				token = strings.TrimSpace(string(b))
			}
			c := &client{base: strings.TrimRight(server, "/"), token: token, http: &http.Client{Timeout: 30 * time.Minute}}
			var res struct {
				Documents int     `json:"documents"`
				Seconds   float64 `json:"seconds"`
			}
			if err := c.do(cmd.Context(), "POST", "/api/index/rebuild", nil, &res); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "reindexed %d published pages in %.1fs\n", res.Documents, res.Seconds)
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", app.DefaultServer, "the versus server")
	cmd.Flags().StringVar(&token, "token", "", "an admin API token (default: DATA/admin.token)")
	cmd.Flags().StringVar(&data, "data", app.DefaultDataDir, "data folder, to find admin.token")
	return cmd
}
