package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/overlap"
	"github.com/versus-dev/versus/internal/overlap/cisolib"
	"github.com/versus-dev/versus/internal/profile"
)

func newImportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import outside data that pages are built from",
		Args:  cobra.ArbitraryArgs,
		// Reached only when no known source is named.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &exitError{2, errors.New("import: name a source: ciso-assistant")}
			}
			return &exitError{2, fmt.Errorf("import: unknown source %q; known: ciso-assistant", args[0])}
		},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.AddCommand(newImportCISOCmd())
	return cmd
}

func newImportCISOCmd() *cobra.Command {
	var (
		out         string
		profilesDir string
		dryRun      bool
	)
	cmd := &cobra.Command{
		Use:   "ciso-assistant DIR",
		Short: "Keep the profiles' frameworks lines right for a CISO Assistant library folder and recompute the overlap figures",
		Long: "ciso-assistant reads the framework and mapping files of a CISO Assistant library folder\n" +
			"(backend/library/libraries of intuitem/ciso-assistant-community). It first plans each profile's\n" +
			"frameworks line: a named framework the folder lacks becomes its one newer edition whose own\n" +
			"names name the profile, and a profile naming none gets the one framework file naming it;\n" +
			"anything ambiguous is a note and no change. It then recomputes the overlap figures of every\n" +
			"pair with those ids and reports what changed and which profiles name frameworks the folder\n" +
			"lacks. Without --dry-run it rewrites only the ids of each changed frameworks line (every other\n" +
			"byte kept) and writes --out, each file atomically, after loading the profiles with the edits.\n" +
			"A broken file is reported with its file, line and field, and then nothing is written.\n" +
			"Exit status: 0 done, 1 the folder has broken files or a planned edit fails, 2 could not run.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &exitError{2, errors.New("import ciso-assistant: name one library folder")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindEnv(cmd); err != nil {
				return &exitError{2, fmt.Errorf("import ciso-assistant: %w", err)}
			}
			return runImportCISO(cmd.OutOrStdout(), args[0], out, profilesDir, dryRun)
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{2, err} })
	cmd.Flags().StringVar(&out, "out", filepath.FromSlash(overlap.DataFile), "the overlap data file to write (the one built into versus, from the repository root)")
	cmd.Flags().StringVar(&profilesDir, "profiles", "profiles", "folder of the standards' profiles (*.yaml), for the pairs and the frameworks they name")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "report what would change; write nothing")
	return cmd
}

func runImportCISO(w io.Writer, dir, out, profilesDir string, dryRun bool) error {
	fail := func(err error) error { return &exitError{2, fmt.Errorf("import ciso-assistant: %w", err)} }
	if st, err := os.Stat(dir); err != nil {
		return fail(err)
	} else if !st.IsDir() {
		return fail(fmt.Errorf("%s is not a folder", dir))
	}
	set, err := profile.Load(profilesDir)
	if err != nil {
		return fail(fmt.Errorf("the profiles in %s: %w", profilesDir, err))
	}
	if st, err := os.Stat(filepath.Dir(out)); err != nil || !st.IsDir() {
		return fail(fmt.Errorf("cannot write %s: no folder %s (run from the repository root or pass --out)", out, filepath.Dir(out)))
	}
	var old *overlap.Data
	oldBytes, err := os.ReadFile(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fail(err)
	default:
		if old, err = overlap.Parse(oldBytes); err != nil {
			fmt.Fprintf(w, "note: %s could not be read (%v); every figure counts as new\n", out, err)
		}
	}

	lib, err := cisolib.ReadDir(os.DirFS(dir), ".")
	var broken cisolib.Errors
	if errors.As(err, &broken) {
		for _, e := range broken {
			fmt.Fprintf(w, "%s\n", withDir(dir, e))
		}
		return &exitError{1, fmt.Errorf("import ciso-assistant: %d broken files in %s; nothing written", len(broken), dir)}
	}
	if err != nil {
		return fail(err)
	}

	plan, err := overlap.PlanFrameworks(lib, set, os.DirFS(profilesDir), ".")
	if err != nil {
		// Name the files as they can be opened from here.
		var ee *overlap.EditError
		var le *profile.LoadError
		switch {
		case errors.As(err, &ee):
			ee.File = filepath.Join(profilesDir, ee.File)
		case errors.As(err, &le):
			for i := range le.Findings {
				le.Findings[i].File = filepath.Join(profilesDir, le.Findings[i].File)
			}
		}
		return &exitError{1, fmt.Errorf("import ciso-assistant: %w; nothing written", err)}
	}
	set = plan.Set // overlap is derived with the frameworks the profiles will name
	rep := overlap.Import(lib, old, set.All())
	commit := rep.Data.Source.Commit
	if commit == "" {
		commit = "not named"
	}
	fmt.Fprintf(w, "read %s: %d framework files, %d mapping files, %d other files skipped (upstream commit %s)\n",
		dir, rep.Frameworks, rep.Mappings, len(rep.Others), commit)
	for _, c := range plan.Changes {
		fmt.Fprintf(w, "profile %s:%d\n", filepath.Join(profilesDir, c.File), c.Line)
		if c.OldLine != "" {
			fmt.Fprintf(w, "  - %s\n", c.OldLine)
		}
		fmt.Fprintf(w, "  + %s\n", c.NewLine)
		for _, why := range c.Why {
			fmt.Fprintf(w, "    why: %s\n", why)
		}
	}
	for _, n := range plan.Notes {
		loc := filepath.Join(profilesDir, n.File)
		if n.Line > 0 {
			loc = fmt.Sprintf("%s:%d", loc, n.Line)
		}
		fmt.Fprintf(w, "profile note: %s: %s\n", loc, n.Msg)
	}
	fmt.Fprintf(w, "%d profiles' frameworks to change, %d notes\n", len(plan.Changes), len(plan.Notes))

	for _, s := range rep.Warnings {
		fmt.Fprintf(w, "note: %s\n", s)
	}
	for _, c := range rep.Changes {
		fmt.Fprintf(w, "%s\n", c)
	}
	counts := map[string]int{}
	for _, c := range rep.Pairs {
		counts[c.Kind()]++
		switch c.Kind() {
		case "added":
			fmt.Fprintf(w, "pair added: %s vs %s: %s\n", c.A, c.B, overlap.Describe(c.New))
		case "removed":
			fmt.Fprintf(w, "pair removed: %s vs %s: was %s\n", c.A, c.B, overlap.Describe(c.Old))
		default:
			fmt.Fprintf(w, "pair changed: %s vs %s: %s\n    now %s\n", c.A, c.B, overlap.Describe(c.Old), overlap.Describe(c.New))
		}
	}
	for _, m := range rep.Missing {
		if m.Mapped {
			fmt.Fprintf(w, "missing: %s names %s: %s has no framework file for it; mappings name it, so its total is unknown\n", m.Profile, m.Framework, dir)
		} else {
			fmt.Fprintf(w, "missing: %s names %s: %s neither holds nor maps it; no figures\n", m.Profile, m.Framework, dir)
		}
	}
	direct, hub := 0, 0
	for _, pr := range set.Pairs() {
		switch o := rep.Data.For(pr[0], pr[1]); {
		case o == nil:
		case o.Basis == "direct":
			direct++
		default:
			hub++
		}
	}
	fmt.Fprintf(w, "%d pairs: %d with direct figures, %d through a hub; %d added, %d removed, %d changed\n",
		len(set.Pairs()), direct, hub, counts["added"], counts["removed"], counts["changed"])

	b, err := rep.Data.Marshal()
	if err != nil {
		return fail(err)
	}
	if !dryRun {
		// Profiles first: the data names their new frameworks. Each file is
		// replaced whole or not at all.
		for _, c := range plan.Changes {
			p := filepath.Join(profilesDir, c.File)
			if err := writeFileAtomic(p, c.Data); err != nil {
				return fail(err)
			}
			fmt.Fprintf(w, "wrote %s\n", p)
		}
	} else if len(plan.Changes) > 0 {
		fmt.Fprintf(w, "dry run: profiles not written\n")
	}
	switch {
	case string(b) == string(oldBytes):
		fmt.Fprintf(w, "%s is up to date\n", out)
	case dryRun:
		fmt.Fprintf(w, "dry run: %s not written\n", out)
	default:
		if err := writeFileAtomic(out, b); err != nil {
			return fail(err)
		}
		fmt.Fprintf(w, "wrote %s\n", out)
	}
	return nil
}

// withDir prefixes a broken file's error with its folder, so that the
// file name in it can be opened as printed.
func withDir(dir string, e *cisolib.Error) string {
	c := *e
	c.File = filepath.Join(dir, e.File)
	return strings.TrimSpace(c.Error())
}

// writeFileAtomic replaces path with b, never leaving half a file. The file
// keeps its mode; a new one is 0644.
func writeFileAtomic(path string, b []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
