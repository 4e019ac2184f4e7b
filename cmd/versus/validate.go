package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/validate"
)

// nearDuplicateThreshold is the shingle similarity above which two pages'
// verdicts count as copies of each other.
const nearDuplicateThreshold = 0.7

func newValidateCmd() *cobra.Command {
	var (
		profilesDir string
		asJSON      bool
	)
	cmd := &cobra.Command{
		Use:   "validate [--profiles DIR] [--json] PAGE...",
		Short: "Check comparison pages (Markdown or JSON records) against the format and the profiles",
		Long: "validate checks pages in the Markdown form of the page format, or JSON page records (*.json),\n" +
			"against the schema, the content rules and the standards' profiles.\n" +
			"Exit status: 0 no errors (warnings may be printed), 1 at least one error, 2 could not run.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &exitError{2, errors.New("validate: name at least one page")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindEnv(cmd); err != nil { // VERSUS_PROFILES, VERSUS_JSON
				return &exitError{2, fmt.Errorf("validate: %w", err)}
			}
			return runValidate(cmd.OutOrStdout(), profilesDir, asJSON, args)
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{2, err} })
	cmd.Flags().StringVar(&profilesDir, "profiles", "profiles", "folder of the standards' profiles (*.yaml)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as JSON")
	return cmd
}

// fileResult is one page's findings, or why it could not be read.
type fileResult struct {
	File     string            `json:"file"`
	Findings []finding.Finding `json:"findings"`
	verdict  string
	lineOf   func(path string) int
}

func runValidate(w io.Writer, profilesDir string, asJSON bool, files []string) error {
	set, err := profile.Load(profilesDir)
	if err != nil {
		var le *profile.LoadError
		if errors.As(err, &le) {
			return &exitError{2, fmt.Errorf("validate: the profiles in %s have errors:\n%w", profilesDir, err)}
		}
		return &exitError{2, fmt.Errorf("validate: %w", err)}
	}
	data := make([][]byte, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return &exitError{2, fmt.Errorf("validate: %w", err)}
		}
		data[i] = b
	}

	results := make([]fileResult, len(files))
	corpus := validate.NewCorpus()
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, min(runtime.GOMAXPROCS(0), len(files))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = checkFile(files[i], data[i], set)
				if results[i].verdict != "" {
					corpus.Add(files[i], results[i].verdict)
				}
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	dups := corpus.NearDuplicates(nearDuplicateThreshold)
	var errs, warns int
	for i := range results {
		r := &results[i]
		for _, f := range dups[r.File] {
			f.Line = r.lineOf(f.Field)
			r.Findings = append(r.Findings, f)
		}
		for j := range r.Findings {
			r.Findings[j].File = r.File
		}
		finding.Sort(r.Findings)
		e, wn := finding.Count(r.Findings)
		errs += e
		warns += wn
		if r.Findings == nil {
			r.Findings = []finding.Finding{}
		}
	}

	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Files    []fileResult `json:"files"`
			Errors   int          `json:"errors"`
			Warnings int          `json:"warnings"`
		}{results, errs, warns}); err != nil {
			return &exitError{2, fmt.Errorf("validate: write output: %w", err)}
		}
	} else {
		for _, r := range results {
			for _, f := range r.Findings {
				fmt.Fprintln(w, f.String())
			}
		}
		fmt.Fprintf(w, "%d %s checked: %d %s, %d %s\n", len(files), plural(len(files), "page", "pages"),
			errs, plural(errs, "error", "errors"), warns, plural(warns, "warning", "warnings"))
	}
	if errs > 0 {
		return &exitError{1, errors.New("")}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// checkFile validates one page: a JSON record (*.json) against the schema
// and the rules, anything else as the page's Markdown form.
func checkFile(name string, data []byte, set *profile.Set) fileResult {
	r := fileResult{File: name, lineOf: func(string) int { return 0 }}
	if strings.EqualFold(filepath.Ext(name), ".json") {
		r.Findings = page.ValidateJSON(data)
		var pg page.Page
		if err := json.Unmarshal(data, &pg); err != nil {
			if !finding.HasError(r.Findings) { // the schema check reports broken JSON itself
				r.Findings = append(r.Findings, finding.Finding{Rule: "schema.json", Severity: finding.Error,
					Message: fmt.Sprintf("the record cannot be read: %v", err), Hint: "fix the JSON"})
			}
			return r
		}
		r.Findings = validate.Merge(r.Findings, validate.Page(pg, nil, set))
		r.verdict = pg.Verdict
		return r
	}
	pg, src, pfs := page.ParseWithSource(data)
	r.Findings = validate.Merge(pfs, validate.Page(pg, src, set))
	r.verdict = pg.Verdict
	r.lineOf = func(path string) int { return validate.SourceLine(src, path) }
	return r
}
