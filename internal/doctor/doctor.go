package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// StoreDir is where the embedded server keeps its streams under the data
// folder (see broker.StartEmbedded: DATA/jetstream, and the server's own
// jetstream/<account>/streams below it).
func StoreDir(dataDir string) string { return filepath.Join(dataDir, "jetstream", "jetstream") }

// ScanDisk finds what is on disk but not loaded: a stream folder the
// server could not read, or a consumer whose state file is damaged (the
// server leaves it out, and creating it again fails with "error creating
// store for consumer", naming no file).
func ScanDisk(ctx context.Context, js jetstream.JetStream, dataDir string) ([]Problem, error) {
	dirs, err := filepath.Glob(filepath.Join(StoreDir(dataDir), "*", "streams", "*"))
	if err != nil {
		return nil, err
	}
	sort.Strings(dirs)
	var out []Problem
	for _, dir := range dirs {
		name := filepath.Base(dir)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		s, err := js.Stream(ctx, name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			out = append(out, Problem{Stream: name, File: dir,
				What:   fmt.Sprintf("%s is on disk in %s but the server cannot read it (damaged meta.inf or messages)", describe(name), dir),
				Repair: "move the folder aside into DATA/damaged/ (the next start creates the stream empty)"})
			continue
		}
		if err != nil {
			return out, fmt.Errorf("stream %s: %w", name, err)
		}
		obs, _ := filepath.Glob(filepath.Join(dir, "obs", "*"))
		sort.Strings(obs)
		for _, od := range obs {
			cname := filepath.Base(od)
			_, err := s.Consumer(ctx, cname)
			if errors.Is(err, jetstream.ErrConsumerNotFound) {
				file := filepath.Join(od, "o.dat")
				if _, serr := os.Stat(file); serr != nil {
					file = od
				}
				out = append(out, Problem{Stream: name, Consumer: cname, File: file,
					What: fmt.Sprintf("consumer %s of %s cannot be loaded from %s (its state file is damaged)", cname, describe(name), file),
					Repair: "move the consumer's folder aside into DATA/damaged/; the workers create it again " +
						"(the jobs are in the stream; a search replica rebuilds its index from the records)"})
				continue
			}
			if err != nil {
				return out, fmt.Errorf("consumer %s of %s: %w", cname, name, err)
			}
		}
	}
	return out, nil
}

// DamageError stops a start: what is wrong and what to do.
type DamageError struct {
	DataDir  string
	Problems []Problem
}

func (e *DamageError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the data folder %s is damaged; versus will not start on it:\n", e.DataDir)
	users := false
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "  - %s\n", p)
		users = users || p.Users
	}
	if users {
		b.WriteString("  The accounts were lost: versus will not create a new admin over them by itself.\n")
	}
	fmt.Fprintf(&b, "Restore the data folder from a backup (README, Security: back up, check and restore), or see what a repair would do:\n"+
		"  versus doctor --data %s --dry-run\n"+
		"and repair, accepting what was lost:\n"+
		"  versus doctor --data %s", quote(e.DataDir), quote(e.DataDir))
	return b.String()
}

func quote(s string) string {
	if strings.ContainsAny(s, " \t'\"$") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// Check compares the store with the manifest and the disk. ok is false
// when there was no manifest to compare with.
func Check(ctx context.Context, js jetstream.JetStream, dataDir string) (now Manifest, problems []Problem, ok bool, err error) {
	was, ok, err := ReadManifest(dataDir)
	if err != nil {
		return Manifest{}, nil, false, err
	}
	if problems, err = ScanDisk(ctx, js, dataDir); err != nil {
		return Manifest{}, nil, ok, err
	}
	now, err = Snapshot(ctx, js, nil) // read everything again: nothing lent from the manifest
	if err != nil {
		return now, nil, ok, fmt.Errorf("read the store: %w", err)
	}
	problems = append(problems, Unreadable(now, dataDir)...)
	if ok {
		problems = append(problems, Compare(was, now)...)
	}
	return now, problems, ok, nil
}

// Interval is how often a running server writes the manifest.
var Interval = 5 * time.Second

// Guard is the start-up call of a process that runs the embedded server:
// it refuses a damaged store (a *DamageError), and then writes the
// manifest as the server runs until ctx ends. Each write records the
// state read one interval before, which the server has long flushed to
// disk: a crash never leaves a manifest ahead of the files.
func Guard(ctx context.Context, nc *nats.Conn, dataDir string) error {
	log := zerolog.Ctx(ctx)
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	now, problems, had, err := Check(ctx, js, dataDir)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &DamageError{DataDir: dataDir, Problems: problems}
	}
	if !had && len(now.Streams) > 0 {
		log.Warn().Str("manifest", filepath.Join(dataDir, ManifestFile)).
			Msg("the store has no manifest (first start of this version): damage before now cannot be seen; writing one")
	}
	if len(now.Streams) > 0 {
		if err := WriteManifest(dataDir, now); err != nil {
			return err
		}
	}
	go keep(ctx, js, dataDir, now)
	return nil
}

func keep(ctx context.Context, js jetstream.JetStream, dataDir string, last Manifest) {
	log := zerolog.Ctx(ctx)
	t := time.NewTicker(Interval)
	defer t.Stop()
	pending := last
	for {
		select {
		case <-ctx.Done():
			// A graceful stop flushes the store: the state now is on disk.
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
			if m, err := Snapshot(sctx, js, &last); err == nil {
				_ = WriteManifest(dataDir, m)
			}
			cancel()
			return
		case <-t.C:
		}
		if err := WriteManifest(dataDir, pending); err != nil {
			log.Error().Err(err).Msg("write the store manifest")
		}
		last = pending
		m, err := Snapshot(ctx, js, &pending)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn().Err(err).Msg("read the store's state for its manifest")
			}
			continue
		}
		pending = m
	}
}
