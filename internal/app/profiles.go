package app

import (
	"fmt"
	"os"
	"sync/atomic"

	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/profiles"
)

// Profiles holds the current profile set and reloads it. Readers take the
// set once per job, so a reload never changes facts under a draft.
type Profiles struct {
	dir string // "" = the embedded profiles
	cur atomic.Pointer[profile.Set]
}

// LoadProfiles loads from dir, or the embedded profiles when dir is "".
func LoadProfiles(dir string) (*Profiles, error) {
	p := &Profiles{dir: dir}
	if _, err := p.Reload(); err != nil {
		return nil, err
	}
	return p, nil
}

// Set is the current set.
func (p *Profiles) Set() *profile.Set { return p.cur.Load() }

// Source says where profiles come from, for the start-up message.
func (p *Profiles) Source() string {
	if p.dir == "" {
		return "embedded"
	}
	return p.dir
}

// Reload re-reads the profiles. A broken set is refused and the old one
// kept, so a typo in one file never takes the pipeline down. It reports
// whether anything changed.
func (p *Profiles) Reload() (bool, error) {
	var set *profile.Set
	var err error
	if p.dir == "" {
		set, err = profile.LoadFS(profiles.FS, ".")
	} else {
		if _, serr := os.Stat(p.dir); serr != nil {
			return false, fmt.Errorf("profiles: %w", serr)
		}
		set, err = profile.Load(p.dir)
	}
	if err != nil {
		return false, err
	}
	old := p.cur.Swap(set)
	return old == nil || old.Hash() != set.Hash(), nil
}
