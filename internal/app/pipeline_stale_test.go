package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/store"
)

// A changed profile makes what was drafted from it stale: reloading the
// profiles marks the standard's section and its pages stale and redrafts
// them with the new inputs, and leaves the other pages alone.
func TestChangedProfileMarksStale(t *testing.T) {
	dir := subset(t, small...)
	s := start(t, app.Config{ProfilesDir: dir, MaxRedrafts: 2, Settings: fastSettings()})
	s.enqueueAll(t)
	waitSettled(t, s.run.Store, 6, 30*time.Second)
	allIn(t, s.run.Store, store.InReview)

	type seen struct {
		hash string
		rev  uint64
	}
	before := map[string]seen{}
	for _, p := range s.run.Store.Pages() {
		before[p.Slug] = seen{p.Inputs.Hash, p.Revision}
	}
	sec, err := s.run.Store.Section(t.Context(), "hipaa")
	if err != nil {
		t.Fatal(err)
	}
	oldSection := sec.Inputs.Hash

	// Change one fact of HIPAA.
	file := filepath.Join(dir, "hipaa.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const oldScope = "scope: Privacy and security of protected health information in US health care"
	const newScope = "Privacy, security and breach notification for protected health information in US health care"
	if !strings.Contains(string(data), oldScope) {
		t.Fatalf("hipaa.yaml has no line %q", oldScope)
	}
	data = []byte(strings.Replace(string(data), oldScope, "scope: "+newScope, 1))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}

	// Only an admin may reload.
	if code, _ := s.call(t, "POST", "/api/profiles/reload", "", nil); code != 401 {
		t.Fatalf("reload without a token: %d, want 401", code)
	}
	code, body := s.call(t, "POST", "/api/profiles/reload", s.token, nil)
	if code != 200 {
		t.Fatalf("reload: %d %s", code, body)
	}
	var res struct{ Standards, Stale int }
	_ = json.Unmarshal(body, &res)
	if res.Standards != 4 || res.Stale != 1+3 {
		t.Fatalf("reload: %+v, want 4 standards and 4 stale records (the section and its 3 pages)", res)
	}

	waitSettled(t, s.run.Store, 6, 30*time.Second)
	allIn(t, s.run.Store, store.InReview)

	sec, _ = s.run.Store.Section(t.Context(), "hipaa")
	hipaa, _ := s.run.Profiles.Set().Get("hipaa")
	if sec.Inputs.Hash == oldSection || sec.Inputs.Hash != s.run.Planner.SectionInputs(hipaa).Hash {
		t.Errorf("hipaa section inputs %s, want the new profile's", sec.Inputs.Hash)
	}
	if evs := events(t, s.run.Store, store.KindSection, "hipaa"); countEvents(evs, "stale") != 1 || countEvents(evs, "drafted") != 2 {
		t.Errorf("hipaa section events %v, want one stale and two drafts", types(evs))
	}
	for _, p := range s.run.Store.Pages() {
		evs := events(t, s.run.Store, store.KindPage, p.Slug)
		was := before[p.Slug]
		if p.Standards[0] != "hipaa" && p.Standards[1] != "hipaa" {
			if p.Revision != was.rev || countEvents(evs, "stale") != 0 {
				t.Errorf("%s does not name HIPAA but changed: revision %d→%d, events %v", p.Slug, was.rev, p.Revision, types(evs))
			}
			continue
		}
		if countEvents(evs, "stale") != 1 || countEvents(evs, "drafted") != 2 {
			t.Errorf("%s: events %v, want one stale and two drafts", p.Slug, types(evs))
		}
		if p.Inputs.Hash == was.hash {
			t.Errorf("%s: still drafted from the old inputs", p.Slug)
		}
		row := p.Pair.Differences.Scope
		if row.A != newScope && row.B != newScope {
			t.Errorf("%s: scope row %+v, want the new HIPAA scope", p.Slug, row)
		}
	}

	// The same reload again changes nothing.
	if code, body := s.call(t, "POST", "/api/profiles/reload", s.token, nil); code != 200 || !strings.Contains(string(body), `"stale":0`) {
		t.Errorf("second reload: %d %s, want nothing stale", code, body)
	}
}
