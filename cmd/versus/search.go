package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/index"
	"github.com/versus-dev/versus/internal/app"
)

func newSearchCmd() *cobra.Command {
	var server, standard string
	var limit, offset int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "search [--server URL] QUERY",
		Short: "Search the approved pages of a running server",
		Example: `  versus search "iso 27001 vs soc 2"
  versus search --standard gdpr --json breach notification`,
		Long: "search asks a running server's /api/search and prints the hits.\n" +
			"Exit status: 0 answered (even with no hits), 2 could not run (server unreachable, bad request).",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &exitError{2, errors.New("search: give a query")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindEnv(cmd); err != nil { // VERSUS_SERVER
				return &exitError{2, fmt.Errorf("search: %w", err)}
			}
			v := url.Values{"q": {strings.Join(args, " ")}}
			if standard != "" {
				v.Set("standard", standard)
			}
			if limit > 0 {
				v.Set("limit", strconv.Itoa(limit))
			}
			if offset > 0 {
				v.Set("offset", strconv.Itoa(offset))
			}
			body, err := fetchSearch(cmd.Context(), server, v)
			if err != nil {
				return &exitError{2, fmt.Errorf("search: %w", err)}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				_, err := out.Write(body)
				return err
			}
			var res index.Result
			if err := json.Unmarshal(body, &res); err != nil {
				return &exitError{2, fmt.Errorf("search: the server's answer is not a search result: %w", err)}
			}
			printResult(out, res, offset)
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{2, err} })
	fs := cmd.Flags()
	fs.StringVar(&server, "server", app.DefaultServer, "the versus server (also VERSUS_SERVER)")
	fs.StringVar(&standard, "standard", "", "only pages naming this standard (id or name)")
	fs.IntVar(&limit, "limit", 0, "hits to show (server default when 0)")
	fs.IntVar(&offset, "offset", 0, "hits to skip")
	fs.BoolVar(&asJSON, "json", false, "print the server's JSON answer as is")
	return cmd
}

// fetchSearch GETs /api/search; a 4xx answer's error message is passed on.
func fetchSearch(ctx context.Context, server string, v url.Values) ([]byte, error) {
	base := strings.TrimRight(server, "/")
	if _, err := url.ParseRequestURI(base); err != nil || !strings.HasPrefix(base, "http") {
		return nil, fmt.Errorf("--server %q is not an http(s) URL", server)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/search?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the server at %s: %w", base, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("read the answer of %s: %w", base, err)
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("server says: %s (%s)", e.Error, res.Status)
		}
		return nil, fmt.Errorf("server answered %s", res.Status)
	}
	return body, nil
}

func printResult(w io.Writer, res index.Result, offset int) {
	if g := res.Gap; g != nil {
		fmt.Fprintln(w, g.Message)
		for i, pages := range g.Pages {
			fmt.Fprintf(w, "\npublished pages of %s:\n", g.Names[i])
			if len(pages) == 0 {
				fmt.Fprintln(w, "  none yet")
			}
			for _, p := range pages {
				fmt.Fprintf(w, "  %s  (%s)\n", p.Title, p.Slug)
			}
		}
		return
	}
	if len(res.Hits) == 0 {
		fmt.Fprintln(w, "no pages match")
		return
	}
	fmt.Fprintf(w, "%d–%d of %d\n\n", offset+1, offset+len(res.Hits), res.Total)
	for i, h := range res.Hits {
		fmt.Fprintf(w, "%d. %s\n   %s  score %.2f\n", offset+i+1, h.Title, h.Slug, h.Score)
		if len(h.Fragments) > 0 {
			fmt.Fprintf(w, "   %s\n", plainFragment(h.Fragments[0]))
		}
		fmt.Fprintln(w)
	}
}

// plainFragment turns a highlighted HTML fragment into terminal text: the
// marked words in *asterisks*, entities decoded, whitespace collapsed.
func plainFragment(s string) string {
	s = strings.NewReplacer("<mark>", "*", "</mark>", "*").Replace(s)
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}
