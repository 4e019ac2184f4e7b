package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/profiles"
)

var relatedLine = regexp.MustCompile(`(?m)^related: \[(.*)\]$`)

// WriteProfiles writes the first n shipped profiles (by id) into dir,
// keeping only related ids that are in the subset so the set loads clean.
// n <= 0 or beyond the set writes them all. It returns the ids written.
func WriteProfiles(dir string, n int) ([]string, error) {
	ents, err := profiles.FS.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range ents {
		if id, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if n > 0 && n < len(ids) {
		ids = ids[:n]
	}
	return ids, WriteProfileIDs(dir, ids)
}

// WriteProfileIDs writes the named shipped profiles into dir (see WriteProfiles).
func WriteProfileIDs(dir string, ids []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	for _, id := range ids {
		data, err := profiles.FS.ReadFile(id + ".yaml")
		if err != nil {
			return fmt.Errorf("profile %s: %w", id, err)
		}
		data = relatedLine.ReplaceAllFunc(data, func(line []byte) []byte {
			var keep []string
			for _, r := range strings.Split(string(relatedLine.FindSubmatch(line)[1]), ",") {
				if r = strings.TrimSpace(r); in[r] {
					keep = append(keep, r)
				}
			}
			return []byte("related: [" + strings.Join(keep, ", ") + "]")
		})
		data = profile.DropRelations(data, func(id string) bool { return in[id] })
		if err := os.WriteFile(filepath.Join(dir, id+".yaml"), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Proc is one versus process (app.Run) started inside this one.
type Proc struct {
	*app.Running
	cancel context.CancelFunc
	done   chan error
}

// Start runs cfg until Stop, returning once it serves.
func Start(ctx context.Context, cfg app.Config) (*Proc, error) {
	if cfg.Addr == "" && cfg.Parts.Web {
		cfg.Addr = "127.0.0.1:0"
	}
	ready := make(chan *app.Running, 1)
	cfg.Ready = func(r *app.Running) { ready <- r }
	pctx, cancel := context.WithCancel(ctx)
	p := &Proc{cancel: cancel, done: make(chan error, 1)}
	go func() { p.done <- app.Run(pctx, cfg) }()
	select {
	case p.Running = <-ready:
		return p, nil
	case err := <-p.done:
		cancel()
		if err == nil {
			err = errors.New("stopped before it served")
		}
		return nil, fmt.Errorf("start %s: %w", cfg.DataDir, err)
	case <-time.After(60 * time.Second):
		cancel()
		return nil, fmt.Errorf("start %s: not ready in 60s", cfg.DataDir)
	}
}

// Stop stops the process gracefully and waits for it.
func (p *Proc) Stop() error {
	if p == nil {
		return nil
	}
	p.cancel()
	select {
	case err := <-p.done:
		p.done <- err // a second Stop sees the same result
		return err
	case <-time.After(60 * time.Second):
		return errors.New("did not stop in 60s")
	}
}
