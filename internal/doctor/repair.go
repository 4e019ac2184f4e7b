package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/broker"
)

// Report is what a doctor run found and did.
type Report struct {
	Problems []Problem
	Done     []string
	// AdminToken is the file a new admin token was written to, when the
	// accounts had to be started again.
	AdminToken string
}

// Repair checks the data folder of a stopped versus and, unless dryRun,
// repairs it: damaged stream and consumer folders are moved aside into
// DATA/damaged/<time>/, lost accounts get a new admin (the old admin.token
// is kept beside as admin.token.lost-<time>), and the manifest is written
// again from what is left, accepting the loss. What it finds and does goes
// to out as it goes.
func Repair(ctx context.Context, dataDir string, dryRun bool, out io.Writer) (Report, error) {
	var rep Report
	if st, err := os.Stat(StoreDir(dataDir)); err != nil || !st.IsDir() {
		return rep, fmt.Errorf("%s holds no JetStream store (no %s): is --data right?", dataDir, StoreDir(dataDir))
	}
	emb, js, err := open(ctx, dataDir)
	if err != nil {
		return rep, err
	}
	_, problems, had, err := Check(ctx, js, dataDir)
	if err != nil {
		emb.Shutdown()
		return rep, err
	}
	tokenFile := filepath.Join(dataDir, "admin.token")
	_, statErr := os.Stat(tokenFile)
	usersLost := false
	for _, p := range problems {
		usersLost = usersLost || p.Users
	}
	lostAccounts := false
	if statErr == nil && !usersLost {
		if lostAccounts, err = lacksAdmin(ctx, js); err != nil {
			emb.Shutdown()
			return rep, err
		}
	}
	if lostAccounts {
		problems = append(problems, Problem{Stream: "KV_" + auth.Bucket, Users: true,
			What:   "the accounts have no admin but " + tokenFile + " exists: the accounts were lost",
			Repair: "create a new admin and token, saying so (the old file is kept as admin.token.lost-<time>)"})
	}
	lostAccounts = lostAccounts || (usersLost && statErr == nil)
	rep.Problems = problems
	if !had {
		fmt.Fprintf(out, "no manifest in %s: only what is on disk can be checked\n", dataDir)
	}
	if len(problems) == 0 {
		fmt.Fprintf(out, "%s: the store matches its manifest; nothing to repair\n", dataDir)
	}
	for _, p := range problems {
		fmt.Fprintf(out, "damaged: %s\n  repair: %s\n", p, p.Repair)
	}
	if dryRun {
		emb.Shutdown()
		fmt.Fprintln(out, "dry run: nothing was changed")
		return rep, nil
	}
	if len(problems) == 0 && !lostAccounts && had {
		emb.Shutdown()
		return rep, nil
	}

	// Move damaged folders aside with the server stopped.
	stamp := time.Now().UTC().Format("20060102T150405Z")
	var moves []string
	for _, p := range problems {
		if p.File == "" {
			continue
		}
		dir := p.File
		if filepath.Base(dir) == "o.dat" {
			dir = filepath.Dir(dir)
		}
		moves = append(moves, dir)
	}
	if len(moves) > 0 {
		emb.Shutdown()
		for _, dir := range moves {
			rel, err := filepath.Rel(dataDir, dir)
			if err != nil || strings.HasPrefix(rel, "..") {
				return rep, fmt.Errorf("%s is not under %s", dir, dataDir)
			}
			dst := filepath.Join(dataDir, "damaged", stamp, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
				return rep, err
			}
			if err := os.Rename(dir, dst); err != nil {
				return rep, fmt.Errorf("move %s aside: %w", dir, err)
			}
			rep.Done = append(rep.Done, "moved "+dir+" to "+dst)
			fmt.Fprintf(out, "moved %s to %s\n", dir, dst)
		}
		if emb, js, err = open(ctx, dataDir); err != nil {
			return rep, err
		}
	}
	defer emb.Shutdown()

	if lostAccounts {
		// After the moves, the accounts may still hold an admin (a lost
		// session or token is not a lost admin).
		if still, err := lacksAdmin(ctx, js); err != nil {
			return rep, err
		} else if !still {
			lostAccounts = false
		}
	}
	if lostAccounts {
		lost := tokenFile + ".lost-" + stamp
		if err := os.Rename(tokenFile, lost); err != nil {
			return rep, fmt.Errorf("keep the old admin token: %w", err)
		}
		a, err := auth.New(ctx, js)
		if err != nil {
			return rep, err
		}
		path, _, err := a.Bootstrap(ctx, dataDir)
		if err != nil {
			return rep, fmt.Errorf("new admin: %w", err)
		}
		rep.AdminToken = path
		rep.Done = append(rep.Done, "created a new admin; its token is in "+path)
		fmt.Fprintf(out, "\n*** THE ACCOUNTS WERE LOST. A NEW ADMIN WAS CREATED. ***\n"+
			"*** Its token is in %s; the old token file is kept as %s. ***\n"+
			"*** Create the other users again (or restore the data folder from a backup). ***\n\n", path, lost)
	}
	m, err := Snapshot(ctx, js, nil)
	if err != nil {
		return rep, err
	}
	if err := WriteManifest(dataDir, m); err != nil {
		return rep, err
	}
	rep.Done = append(rep.Done, "wrote the manifest from the store as it is now")
	fmt.Fprintf(out, "wrote %s from the store as it is now: versus up will start.\n", filepath.Join(dataDir, ManifestFile))
	if len(problems) > 0 {
		fmt.Fprintln(out, "Records that were lost are redrafted when queued again (versus enqueue --all); unfinished ones are resumed at start.")
	}
	return rep, nil
}

func open(ctx context.Context, dataDir string) (*broker.Embedded, jetstream.JetStream, error) {
	emb, err := broker.StartEmbedded(ctx, broker.EmbeddedConfig{Dir: dataDir, Name: "versus-doctor"})
	if err != nil {
		return nil, nil, err
	}
	nc, err := emb.Connect("versus-doctor")
	if err != nil {
		emb.Shutdown()
		return nil, nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		emb.Shutdown()
		return nil, nil, err
	}
	return emb, js, nil
}

// lacksAdmin reports whether the accounts bucket has no enabled admin
// (or is not there at all).
func lacksAdmin(ctx context.Context, js jetstream.JetStream) (bool, error) {
	kv, err := js.KeyValue(ctx, auth.Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	a, err := auth.Open(kv)
	if err != nil {
		return false, err
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	users, err := a.Users(cctx)
	if err != nil {
		return false, fmt.Errorf("read the accounts: %w", err)
	}
	for _, u := range users {
		if u.Role == auth.RoleAdmin && !u.Disabled {
			return false, nil
		}
	}
	return true, nil
}
