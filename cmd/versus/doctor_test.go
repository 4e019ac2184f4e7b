package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/broker"
	"github.com/versus-dev/versus/internal/doctor"
	"github.com/versus-dev/versus/internal/store"
)

func runDoctorCmd(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return runCmd(t, newDoctorCmd(), args...)
}

// versus doctor: 0 on a healthy folder, 1 for damage in a dry run (which
// changes nothing), 0 after a repair, 2 when it cannot run.
func TestDoctorCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	emb, err := broker.StartEmbedded(ctx, broker.EmbeddedConfig{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	nc, _ := emb.Connect("t")
	st, err := store.Open(ctx, nc, store.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreatePage(ctx, store.PageRecord{Slug: "a-vs-b", Standards: [2]string{"a", "b"}, Meta: store.Meta{State: store.Queued}}); err != nil {
		t.Fatal(err)
	}
	m, err := doctor.Snapshot(ctx, st.JetStream(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := doctor.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	st.Close()
	nc.Close()
	emb.Shutdown()

	if out, code := runDoctorCmd(t, "--data", dir, "--dry-run"); code != 0 || !strings.Contains(out, "nothing to repair") {
		t.Fatalf("healthy: %d %s", code, out)
	}
	if err := os.RemoveAll(filepath.Join(doctor.StoreDir(dir), "$G", "streams", "KV_versus_pages")); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a dry run changes nothing: twice the same
		if out, code := runDoctorCmd(t, "--data", dir, "--dry-run"); code != 1 || !strings.Contains(out, "bucket versus_pages") || !strings.Contains(out, "dry run: nothing was changed") {
			t.Fatalf("damaged, dry run: %d %s", code, out)
		}
	}
	if out, code := runDoctorCmd(t, "--data", dir); code != 0 || !strings.Contains(out, "versus up will start") {
		t.Fatalf("repair: %d %s", code, out)
	}
	if out, code := runDoctorCmd(t, "--data", dir, "--dry-run"); code != 0 {
		t.Fatalf("after the repair: %d %s", code, out)
	}
	if out, code := runDoctorCmd(t, "--data", filepath.Join(dir, "nope")); code != 2 || !strings.Contains(out, "no JetStream store") {
		t.Fatalf("no store: %d %s", code, out)
	}
}
