package index

import (
	"context"
	"iter"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		shared.ix.Close()
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// loadProfiles loads the real profiles in ../profiles; when they do not load
// it falls back to the stand-ins in testdata, so a half-edited profile does
// not hide the index's own failures.
func loadProfiles(tb testing.TB) *profile.Set {
	tb.Helper()
	set, err := profile.Load(filepath.Join("..", "profiles"))
	if err == nil {
		return set
	}
	tb.Logf("real profiles do not load (%v); using testdata/profiles.yaml", err)
	b, err := os.ReadFile(filepath.Join("testdata", "profiles.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var ps []*profile.Profile
	if err := yaml.Unmarshal(b, &ps); err != nil {
		tb.Fatal(err)
	}
	set, err = profile.NewSet(ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

// allPages composes the page of every pair with the offline composer.
func allPages(set *profile.Set) []page.Page {
	var out []page.Page
	for _, pr := range set.Pairs() {
		out = append(out, compose.Page(pr[0], pr[1]))
	}
	return out
}

func docsOf(pages []page.Page, set Standards) iter.Seq[Doc] {
	return func(yield func(Doc) bool) {
		for _, p := range pages {
			if !yield(DocFromPage(p, set)) {
				return
			}
		}
	}
}

// shared is one full index for the tests that only read it: building it
// takes seconds on a busy machine.
var shared struct {
	once  sync.Once
	dir   string
	ix    *Index
	set   *profile.Set
	pages []page.Page
	err   error
}

// openFull returns the shared read-only index holding every pair's page.
func openFull(tb testing.TB) (*Index, *profile.Set, []page.Page) {
	tb.Helper()
	shared.once.Do(func() {
		shared.set = loadProfiles(tb)
		shared.pages = allPages(shared.set)
		shared.dir, shared.err = os.MkdirTemp("", "versus-index-test-")
		if shared.err != nil {
			return
		}
		shared.ix, shared.err = Open(shared.dir, shared.set)
		if shared.err != nil {
			return
		}
		shared.err = shared.ix.Reindex(context.Background(), docsOf(shared.pages, shared.set))
	})
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.ix, shared.set, shared.pages
}

// openOwn builds a full index the caller may change.
func openOwn(tb testing.TB) (*Index, *profile.Set, []page.Page) {
	tb.Helper()
	set := loadProfiles(tb)
	pages := allPages(set)
	ix, err := Open(tb.TempDir(), set)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if err := ix.Reindex(context.Background(), docsOf(pages, set)); err != nil {
		tb.Fatal(err)
	}
	return ix, set, pages
}
