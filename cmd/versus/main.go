// Command versus writes, checks, reviews and publishes comparison pages
// between pairs of compliance standards. main only wires: every command's
// logic lives in internal/, workers/ and index/.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// exitError carries a process exit code through cobra (validate: 1 = findings, 2 = could not run).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(os.Stderr, "versus:", ee.err)
		}
		os.Exit(ee.code)
	}
	fmt.Fprintln(os.Stderr, "versus:", err)
	os.Exit(2)
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "versus",
		Short:         "Write, check, review and publish comparison pages between compliance standards",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newUpCmd(),
		newWorkerCmd(),
		newEnqueueCmd(),
		newValidateCmd(),
		newProfilesCmd(),
		newSearchCmd(),
		newReindexCmd(),
		newBenchCmd(),
		newImportCmd(),
		newDoctorCmd(),
		newExportCmd(),
	)
	return root
}
