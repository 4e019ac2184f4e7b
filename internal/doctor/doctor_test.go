package doctor_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/doctor"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/store"
)

// running is an embedded server over a data folder, as versus up runs it.
type running struct {
	emb *broker.Embedded
	nc  *nats.Conn
}

func (r *running) stop() {
	r.nc.Close()
	r.emb.Shutdown()
}

func startServer(t *testing.T, dir string) *running {
	t.Helper()
	emb, err := broker.StartEmbedded(context.Background(), broker.EmbeddedConfig{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	nc, err := emb.Connect("test")
	if err != nil {
		emb.Shutdown()
		t.Fatal(err)
	}
	return &running{emb: emb, nc: nc}
}

const pages = 40

// populated is a data folder as a server leaves it after some work: pages
// and events, accounts with the bootstrap admin and an editor, a job and
// its consumer, and a manifest written by Guard. The server is stopped.
var populated string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "doctor-seed-")
	if err != nil {
		panic(err)
	}
	if err := seed(dir); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(2)
	}
	populated = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func seed(dir string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	emb, err := broker.StartEmbedded(ctx, broker.EmbeddedConfig{Dir: dir})
	if err != nil {
		return err
	}
	defer emb.Shutdown()
	nc, err := emb.Connect("seed")
	if err != nil {
		return err
	}
	defer nc.Close()
	if err := doctor.Guard(ctx, nc, dir); err != nil {
		return err
	}
	st, err := store.Open(ctx, nc, store.DefaultSettings())
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := auth.New(ctx, st.JetStream())
	if err != nil {
		return err
	}
	if _, _, err := a.Bootstrap(ctx, dir); err != nil {
		return err
	}
	if _, err := a.CreateUser(ctx, "ed", auth.RoleEditor, "a fine password"); err != nil {
		return err
	}
	for i := range pages {
		slug := fmt.Sprintf("a%d-vs-b%d", i, i)
		if _, err := st.CreatePage(ctx, store.PageRecord{Slug: slug, Title: "A vs B", Standards: [2]string{"a", "b"},
			Pair: page.Pair{Description: strings.Repeat("words ", 400)}, Meta: store.Meta{State: store.InReview}}); err != nil {
			return err
		}
		if err := st.Emit(ctx, store.Event{Kind: store.KindPage, Key: slug, Type: "drafted"}); err != nil {
			return err
		}
	}
	if err := st.Publish(ctx, store.StageDraft, store.Job{Kind: store.KindPage, Key: "a0-vs-b0", Inputs: "h", Seq: 1}); err != nil {
		return err
	}
	if _, err := st.Consumer(ctx, "drafter", "versus.jobs.draft.>"); err != nil {
		return err
	}
	// What a stopping server writes last.
	js := st.JetStream()
	m, err := doctor.Snapshot(ctx, js, nil)
	if err != nil {
		return err
	}
	return doctor.WriteManifest(dir, m)
}

// copyData gives a test its own copy of the populated folder.
func copyData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if out, err := exec.Command("cp", "-a", populated, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	return dir
}

func streamDir(dir, stream string) string {
	return filepath.Join(doctor.StoreDir(dir), "$G", "streams", stream)
}

// guard starts a server over dir and runs the start-up check.
func guard(t *testing.T, dir string) error {
	t.Helper()
	r := startServer(t, dir)
	defer r.stop()
	ctx, cancel := context.WithCancel(zerolog.Nop().WithContext(context.Background()))
	defer cancel()
	return doctor.Guard(ctx, r.nc, dir)
}

func overwrite(t *testing.T, file string, at int64, data []byte) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(data, at); err != nil {
		t.Fatal(err)
	}
}

func truncate(t *testing.T, file string, frac float64) {
	t.Helper()
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(file, int64(float64(st.Size())*frac)); err != nil {
		t.Fatal(err)
	}
}

// Damage done to the files of a stopped server stops the next start with
// an error naming what is missing and the doctor command; the repair then
// lets it start, and says so loudly when the accounts were lost.
func TestDamageStopsTheStart(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []string // in the start's error
		users  bool     // the accounts were lost
	}{
		{"pages block truncated", func(t *testing.T, dir string) {
			truncate(t, filepath.Join(streamDir(dir, "KV_versus_pages"), "msgs", "1.blk"), 0.5)
		}, []string{"bucket versus_pages", "are lost"}, false},
		{"pages block truncated and its index removed", func(t *testing.T, dir string) {
			d := filepath.Join(streamDir(dir, "KV_versus_pages"), "msgs")
			truncate(t, filepath.Join(d, "1.blk"), 0.5)
			if err := os.Remove(filepath.Join(d, "index.db")); err != nil {
				t.Fatal(err)
			}
		}, []string{"bucket versus_pages", "ends at sequence", fmt.Sprintf("had reached %d", pages)}, false},
		{"pages stream deleted", func(t *testing.T, dir string) {
			if err := os.RemoveAll(streamDir(dir, "KV_versus_pages")); err != nil {
				t.Fatal(err)
			}
		}, []string{"bucket versus_pages", "is missing", fmt.Sprintf("held %d messages", pages)}, false},
		{"events block overwritten with zeros", func(t *testing.T, dir string) {
			f := filepath.Join(streamDir(dir, "VERSUS_EVENTS"), "msgs", "1.blk")
			st, _ := os.Stat(f)
			overwrite(t, f, 0, make([]byte, st.Size()))
			_ = os.Remove(filepath.Join(streamDir(dir, "VERSUS_EVENTS"), "msgs", "index.db"))
		}, []string{"stream VERSUS_EVENTS"}, false},
		{"accounts emptied", func(t *testing.T, dir string) {
			truncate(t, filepath.Join(streamDir(dir, "KV_versus_auth"), "msgs", "1.blk"), 0)
		}, []string{"bucket versus_auth", "The accounts were lost", "no users; it had 2"}, true},
		{"accounts overwritten", func(t *testing.T, dir string) {
			overwrite(t, filepath.Join(streamDir(dir, "KV_versus_auth"), "msgs", "1.blk"), 60, []byte(strings.Repeat("garbage!", 8)))
		}, []string{"bucket versus_auth", "The accounts were lost"}, true},
		{"accounts deleted", func(t *testing.T, dir string) {
			if err := os.RemoveAll(streamDir(dir, "KV_versus_auth")); err != nil {
				t.Fatal(err)
			}
		}, []string{"bucket versus_auth", "is missing", "The accounts were lost"}, true},
		{"consumer state overwritten", func(t *testing.T, dir string) {
			f := filepath.Join(streamDir(dir, "VERSUS_JOBS"), "obs", "drafter", "o.dat")
			if err := os.WriteFile(f, []byte("garbage!garbage!garbage!"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"consumer drafter", filepath.Join("VERSUS_JOBS", "obs", "drafter", "o.dat")}, false},
		{"stream metadata overwritten", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(streamDir(dir, "KV_versus_sections"), "meta.inf"), []byte("garbage"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"versus_sections", "cannot read it"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyData(t)
			token, _ := os.ReadFile(filepath.Join(dir, "admin.token"))
			c.damage(t, dir)
			err := guard(t, dir)
			var de *doctor.DamageError
			if !errors.As(err, &de) {
				t.Fatalf("start on a damaged store: %v, want a DamageError", err)
			}
			msg := err.Error()
			for _, want := range append(c.want, "versus doctor --data "+dir+" --dry-run", "Restore the data folder from a backup") {
				if !strings.Contains(msg, want) {
					t.Errorf("the error lacks %q:\n%s", want, msg)
				}
			}
			t.Logf("%s", msg)

			// A dry run says the same and changes nothing.
			manifest, _ := os.ReadFile(filepath.Join(dir, doctor.ManifestFile))
			var out bytes.Buffer
			rep, err := doctor.Repair(context.Background(), dir, true, &out)
			if err != nil || len(rep.Problems) == 0 {
				t.Fatalf("dry run: %v, %d problems\n%s", err, len(rep.Problems), out.String())
			}
			if after, _ := os.ReadFile(filepath.Join(dir, doctor.ManifestFile)); !bytes.Equal(manifest, after) {
				t.Fatal("the dry run rewrote the manifest")
			}
			if err := guard(t, dir); !errors.As(err, &de) {
				t.Fatalf("after a dry run the start goes on: %v", err)
			}

			// The repair: the next start goes on.
			out.Reset()
			rep, err = doctor.Repair(context.Background(), dir, false, &out)
			if err != nil {
				t.Fatalf("repair: %v\n%s", err, out.String())
			}
			t.Logf("repair:\n%s", out.String())
			if err := guard(t, dir); err != nil {
				t.Fatalf("start after the repair: %v", err)
			}
			newToken, _ := os.ReadFile(filepath.Join(dir, "admin.token"))
			if c.users {
				if rep.AdminToken == "" || !strings.Contains(out.String(), "THE ACCOUNTS WERE LOST") || bytes.Equal(newToken, token) {
					t.Fatalf("accounts lost: the repair made no new admin loudly:\n%s", out.String())
				}
				kept, _ := filepath.Glob(filepath.Join(dir, "admin.token.lost-*"))
				if len(kept) != 1 {
					t.Fatal("the old admin token was not kept")
				}
			} else if !bytes.Equal(newToken, token) {
				t.Fatal("admin.token changed though the accounts were whole")
			}
		})
	}
}

// A healthy stop and start goes on, and the manifest follows the store as
// the server runs.
func TestHealthyRestartAndManifestKept(t *testing.T) {
	dir := copyData(t)
	for i := range 2 {
		if err := guard(t, dir); err != nil {
			t.Fatalf("healthy start %d: %v", i, err)
		}
	}
	old := doctor.Interval
	doctor.Interval = 50 * time.Millisecond
	t.Cleanup(func() { doctor.Interval = old })
	r := startServer(t, dir)
	ctx, cancel := context.WithCancel(zerolog.Nop().WithContext(context.Background()))
	if err := doctor.Guard(ctx, r.nc, dir); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, r.nc, store.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := st.CreatePage(ctx, store.PageRecord{Slug: fmt.Sprintf("new-%d", i), Standards: [2]string{"a", "b"}, Meta: store.Meta{State: store.Queued}}); err != nil {
			t.Fatal(err)
		}
	}
	natstest.Eventually(t, 5*time.Second, "the manifest to follow the new pages", func() bool {
		m, ok, err := doctor.ReadManifest(dir)
		return err == nil && ok && m.Streams["KV_versus_pages"].LastSeq == pages+5
	})
	st.Close()
	cancel()
	r.stop()
	if err := guard(t, dir); err != nil {
		t.Fatalf("start after running: %v", err)
	}
}

// A start over a user store that lost its admin never makes a new one by
// itself, even with no manifest to compare with.
func TestBootstrapRefusesOverLostAccounts(t *testing.T) {
	dir := copyData(t)
	if err := os.Remove(filepath.Join(dir, doctor.ManifestFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(streamDir(dir, "KV_versus_auth")); err != nil {
		t.Fatal(err)
	}
	token, _ := os.ReadFile(filepath.Join(dir, "admin.token"))
	r := startServer(t, dir)
	defer r.stop()
	js, _ := store.Open(context.Background(), r.nc, store.DefaultSettings())
	defer js.Close()
	a, err := auth.New(context.Background(), js.JetStream())
	if err != nil {
		t.Fatal(err)
	}
	_, created, err := a.Bootstrap(context.Background(), dir)
	if !errors.Is(err, auth.ErrAccountsLost) || created || !strings.Contains(err.Error(), "versus doctor --data "+dir) {
		t.Fatalf("bootstrap over lost accounts: created=%v err=%v", created, err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "admin.token")); !bytes.Equal(after, token) {
		t.Fatal("admin.token was overwritten")
	}
	if users, _ := a.Users(context.Background()); len(users) != 0 {
		t.Fatalf("users were created: %v", users)
	}
}
