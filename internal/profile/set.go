package profile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/versus-dev/versus/internal/finding"
)

// Set is a loaded, checked collection of profiles, ordered by id. It is the
// one place where names are resolved to standards. A Set is read-only after
// it is built and safe for concurrent use.
type Set struct {
	list     []*Profile
	byID     map[string]*Profile
	byKey    map[string]*Profile // Normalize(name) → profile, for every name of every profile
	editions map[*Profile][]string
	prefixes map[string]struct{} // every prefix of every key, so FindMentions can stop early
	findings []finding.Finding   // warnings found while loading
	hash     string
}

// NewSet indexes profiles that are already checked (Load does the checking).
// It sets each profile's Hash and refuses duplicate ids and names that two
// standards share; other packages' tests use it to build sets in memory.
func NewSet(ps ...*Profile) (*Set, error) {
	s := &Set{
		byID:     make(map[string]*Profile, len(ps)),
		byKey:    make(map[string]*Profile, len(ps)*8),
		editions: make(map[*Profile][]string, len(ps)),
		prefixes: make(map[string]struct{}, len(ps)*64),
	}
	list := append([]*Profile(nil), ps...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	for _, p := range list {
		if p.ID == "" {
			return nil, fmt.Errorf("profile from %q has no id", p.File)
		}
		if q, dup := s.byID[p.ID]; dup {
			return nil, fmt.Errorf("profile id %q is used by both %s and %s", p.ID, q.File, p.File)
		}
		s.byID[p.ID] = p
		for _, n := range Names(p) {
			k := Normalize(n)
			if k == "" {
				continue
			}
			if q, taken := s.byKey[k]; taken && q != p {
				return nil, fmt.Errorf("name %q of %s is also a name of %s", n, p.ID, q.ID)
			}
			s.byKey[k] = p
			for i := 1; i <= len(k); i++ {
				s.prefixes[k[:i]] = struct{}{}
			}
		}
		s.editions[p] = editionKeys(p)
		h, err := hashProfile(p)
		if err != nil {
			return nil, err
		}
		p.Hash = h
	}
	s.list = list
	sum := sha256.New()
	for _, p := range list {
		fmt.Fprintf(sum, "%s %s\n", p.ID, p.Hash)
	}
	s.hash = hex.EncodeToString(sum.Sum(nil))
	return s, nil
}

// hashProfile is the SHA-256 of the profile's canonical JSON: struct field
// order is fixed, so only a change of fact changes it, never YAML layout.
func hashProfile(p *Profile) (string, error) {
	c := *p
	c.Hash, c.File = "", ""
	b, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("hash profile %s: %w", p.ID, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// All returns the profiles ordered by id. The slice is a copy; the profiles are shared.
func (s *Set) All() []*Profile { return append([]*Profile(nil), s.list...) }

// Len is the number of profiles.
func (s *Set) Len() int { return len(s.list) }

// Get returns the profile with exactly this id.
func (s *Set) Get(id string) (*Profile, bool) {
	p, ok := s.byID[id]
	return p, ok
}

// Hash is the SHA-256 over all profiles' ids and hashes: it changes when any
// profile's facts change, or a profile is added or removed.
func (s *Set) Hash() string { return s.hash }

// Findings are the warnings found while loading (errors make Load fail).
func (s *Set) Findings() []finding.Finding { return append([]finding.Finding(nil), s.findings...) }

// Names is the package function Names, for callers holding a Set.
func (s *Set) Names(p *Profile) []string { return Names(p) }

// Resolve finds the standard a name refers to: its short name, full name, id or
// any alias, ignoring case and punctuation. A trailing edition that matches the
// standard's own edition or year is allowed ("ISO/IEC 27001:2022",
// "NIST CSF version 2.0", "PCI DSS v4.0.1"); a different edition is not.
func (s *Set) Resolve(name string) (*Profile, bool) {
	if p, ok := s.byKey[Normalize(name)]; ok {
		return p, true
	}
	toks := tokenize(name)
	// Drop one, two or three trailing digit tokens as an edition ("4.0.1" is
	// three), with an optional marker word before them.
	for j := 1; j <= 3 && j < len(toks); j++ {
		if !isDigits(toks[len(toks)-j].norm) {
			break
		}
		ed := joinTokens(toks[len(toks)-j:])
		prefix := toks[:len(toks)-j]
		if p, ok := s.matchEdition(joinTokens(prefix), ed); ok {
			return p, true
		}
		if len(prefix) > 1 && editionMarkers[prefix[len(prefix)-1].norm] {
			if p, ok := s.matchEdition(joinTokens(prefix[:len(prefix)-1]), ed); ok {
				return p, true
			}
		}
	}
	return nil, false
}

func (s *Set) matchEdition(key, ed string) (*Profile, bool) {
	p, ok := s.byKey[key]
	if !ok {
		return nil, false
	}
	for _, e := range s.editions[p] {
		if e == ed {
			return p, true
		}
	}
	return nil, false
}

// Pairs returns every unordered pair once, a before b by id, in a stable order.
func (s *Set) Pairs() [][2]*Profile {
	n := len(s.list)
	out := make([][2]*Profile, 0, n*(n-1)/2)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			out = append(out, [2]*Profile{s.list[i], s.list[j]})
		}
	}
	return out
}
