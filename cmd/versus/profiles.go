package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/profile"
)

func newProfilesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "Check and list the standards' profiles",
	}
	cmd.AddCommand(newProfilesCheckCmd(), newProfilesListCmd())
	return cmd
}

func newProfilesCheckCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check [DIR]",
		Short: "Check every profile in DIR (default: profiles); exit 1 on any error, 2 when it cannot run",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "profiles"
			if len(args) == 1 {
				dir = args[0]
			}
			return runProfilesCheck(cmd.OutOrStdout(), cmd.ErrOrStderr(), dir, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as JSON")
	return cmd
}

// profilesReport is the --json output of `versus profiles check`.
type profilesReport struct {
	Dir      string            `json:"dir"`
	Profiles int               `json:"profiles"` // 0 when any profile has an error
	Hash     string            `json:"hash,omitempty"`
	Errors   int               `json:"errors"`
	Warnings int               `json:"warnings"`
	Findings []finding.Finding `json:"findings"`
}

func runProfilesCheck(stdout, stderr io.Writer, dir string, asJSON bool) error {
	set, err := profile.Load(dir)
	var lerr *profile.LoadError
	rep := profilesReport{Dir: dir, Findings: []finding.Finding{}}
	switch {
	case errors.As(err, &lerr):
		rep.Findings = lerr.Findings
	case err != nil:
		return &exitError{code: 2, err: err}
	default:
		rep.Profiles, rep.Hash = set.Len(), set.Hash()
		if fs := set.Findings(); len(fs) > 0 {
			rep.Findings = fs
		}
	}
	rep.Errors, rep.Warnings = finding.Count(rep.Findings)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return &exitError{code: 2, err: fmt.Errorf("write report: %w", err)}
		}
	} else {
		for _, f := range rep.Findings {
			fmt.Fprintln(stdout, profile.FindingLine(f))
		}
		if rep.Profiles > 0 {
			fmt.Fprintf(stderr, "%d profiles, %d errors, %d warnings\n", rep.Profiles, rep.Errors, rep.Warnings)
		} else {
			fmt.Fprintf(stderr, "%d errors, %d warnings\n", rep.Errors, rep.Warnings)
		}
	}
	if rep.Errors > 0 {
		// The findings are the message; main prints nothing more.
		return &exitError{code: 1, err: errors.New("")}
	}
	return nil
}

func newProfilesListCmd() *cobra.Command {
	var dir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the profiles: id, short name, kind",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, err := profile.Load(dir)
			if err != nil {
				var lerr *profile.LoadError
				if errors.As(err, &lerr) {
					return &exitError{code: 1, err: fmt.Errorf("profiles have errors; run `versus profiles check %s`", dir)}
				}
				return &exitError{code: 2, err: err}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"standards": set.All()})
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSHORT NAME\tKIND")
			for _, p := range set.All() {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", p.ID, p.ShortName, p.Kind)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "profiles", "profiles folder")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the profiles as JSON")
	return cmd
}
