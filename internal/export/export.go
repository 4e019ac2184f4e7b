// Package export writes what a versus server publishes to a folder, read
// through the server's public HTTP API only: a static HTML site, Markdown
// with front matter for static site generators, or JSON. A second run
// rewrites only the files whose content changed and removes the files of
// pages no longer published.
package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/versus-dev/versus/internal/site"
)

// Formats are the kinds of export.
const (
	HTML     = "html"
	Markdown = "markdown"
	JSON     = "json"
)

// Options say what to export from where.
type Options struct {
	Server string // the versus server's base URL, e.g. http://127.0.0.1:8080
	Out    string // the folder to write
	Format string // html, markdown or json
	// BaseURL is where the export will be served. For html it makes the
	// sitemap, robots.txt and canonical links point there; empty keeps the
	// server's public URL for canonical links and the sitemap.
	BaseURL string
	Client  *http.Client
	// Progress, if set, is called after each page with pages done and total.
	Progress func(done, total int)
	// Concurrency bounds the requests in flight (default 4).
	Concurrency int
}

// Stats count what a run did.
type Stats struct {
	Pages     int // published pages exported
	Written   int // files created or changed
	Unchanged int // files left as they were
	Removed   int // files of a previous export no longer published
}

// manifestName lists the files an export wrote, so the next run can remove
// the ones it no longer writes and nothing else.
const manifestName = ".versus-export.json"

// The answer of GET /api/published is the site's own type: export reads
// what the site serves, field for field.
type (
	entry    = site.PublishedEntry
	standard = site.StandardEntry
	list     = site.PublishedList
)

// Run exports what the server publishes.
func Run(ctx context.Context, o Options) (Stats, error) {
	if o.Server == "" || o.Out == "" {
		return Stats{}, errors.New("export: a server URL and an output folder are needed")
	}
	if _, err := url.ParseRequestURI(o.Server); err != nil {
		return Stats{}, fmt.Errorf("export: server %q: %w", o.Server, err)
	}
	o.Server = strings.TrimRight(o.Server, "/")
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.Client == nil {
		o.Client = &http.Client{Timeout: time.Minute}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Progress == nil {
		o.Progress = func(int, int) {}
	}
	var w writer
	if err := w.open(o.Out); err != nil {
		return Stats{}, err
	}
	var l list
	if err := o.getJSON(ctx, "/api/published", &l); err != nil {
		return Stats{}, err
	}
	slices.SortFunc(l.Pages, func(a, b entry) int { return strings.Compare(a.Slug, b.Slug) })
	var err error
	switch o.Format {
	case HTML:
		err = o.html(ctx, &w, l)
	case Markdown:
		err = o.markdown(ctx, &w, l)
	case JSON, "":
		err = o.json(ctx, &w, l)
	default:
		return Stats{}, fmt.Errorf("export: format %q: want html, markdown or json", o.Format)
	}
	if err != nil {
		return w.stats, err
	}
	w.stats.Pages = len(l.Pages)
	return w.stats, w.close()
}

// get fetches a path of the server.
func (o Options) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.Server+path, nil)
	if err != nil {
		return nil, err
	}
	res, err := o.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("export: GET %s: %w", path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("export: GET %s: %w", path, err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("export: GET %s: %s", path, res.Status)
	}
	return data, nil
}

func (o Options) getJSON(ctx context.Context, path string, v any) error {
	data, err := o.get(ctx, path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("export: GET %s: %w", path, err)
	}
	return nil
}

// each runs fn for every page, o.Concurrency at a time, and reports progress.
func (o Options) each(parent context.Context, pages []entry, fn func(context.Context, entry) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	work := make(chan entry)
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range work {
				err := fn(ctx, e)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				done++
				o.Progress(done, len(pages))
				mu.Unlock()
			}
		}()
	}
	o.Progress(0, len(pages))
	for _, e := range pages {
		select {
		case work <- e:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return parent.Err()
}

// writer writes files only when their content changes, and keeps the
// manifest of what it wrote.
type writer struct {
	dir   string
	mu    sync.Mutex
	old   map[string]bool
	files map[string]bool
	stats Stats
}

func (w *writer) open(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	w.dir, w.old, w.files = dir, map[string]bool{}, map[string]bool{}
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var m struct {
		Files []string `json:"files"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("export: %s: %w", filepath.Join(dir, manifestName), err)
	}
	for _, f := range m.Files {
		w.old[f] = true
	}
	return nil
}

// write puts data at rel (slash separated), unless it is there already.
func (w *writer) write(rel string, data []byte) error {
	if strings.Contains(rel, "..") || strings.HasPrefix(rel, "/") {
		return fmt.Errorf("export: refusing to write outside the folder: %q", rel)
	}
	w.mu.Lock()
	w.files[rel] = true
	w.mu.Unlock()
	path := filepath.Join(w.dir, filepath.FromSlash(rel))
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		w.mu.Lock()
		w.stats.Unchanged++
		w.mu.Unlock()
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	// Through a temporary file: a static host never serves half a page.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("export: %s: %w", rel, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("export: %s: %w", rel, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export: %s: %w", rel, err)
	}
	w.mu.Lock()
	w.stats.Written++
	w.mu.Unlock()
	return nil
}

// close removes what the previous export wrote and this one did not, and
// writes the manifest.
func (w *writer) close() error {
	for f := range w.old {
		if w.files[f] {
			continue
		}
		if err := os.Remove(filepath.Join(w.dir, filepath.FromSlash(f))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("export: %w", err)
		}
		w.stats.Removed++
	}
	files := make([]string, 0, len(w.files))
	for f := range w.files {
		files = append(files, f)
	}
	slices.Sort(files)
	data, err := json.MarshalIndent(map[string]any{"files": files}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(w.dir, manifestName), append(data, '\n'), 0o644)
}
