package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/doctor"
)

func newDoctorCmd() *cobra.Command {
	var dataDir string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check a stopped server's data folder against its manifest, and repair it",
		Long: `doctor checks the data folder of a stopped versus: the JetStream store against the
manifest the server keeps (what each stream and bucket held), and the stream and
consumer files the server cannot load. With --dry-run it only says what it found
and what a repair would do. Without, it repairs by accepting what was lost: damaged
folders are moved aside into DATA/damaged/, lost accounts get a new admin (said
loudly; the old admin.token is kept), and the manifest is written again, so
versus up starts. To get lost data back, restore the data folder from a backup
instead (README, Security).

Exit 0: healthy (or repaired); 1: damage found in a dry run; 2: could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return &exitError{2, err}
			}
			rep, err := doctor.Repair(cmd.Context(), dataDir, dryRun, cmd.OutOrStdout())
			if err != nil {
				return &exitError{2, err}
			}
			if dryRun && len(rep.Problems) > 0 {
				return &exitError{1, fmt.Errorf("%d problem(s) found in %s", len(rep.Problems), dataDir)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", app.DefaultDataDir, "the data folder of the stopped server")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "say what is wrong and what a repair would do; change nothing")
	return cmd
}
