package validate

import (
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

// A standard's section is drafted once and composed into every page of
// the standard (31 of them with 32 standards), so validating many pages
// checks the same section text again and again. sectionMemo keeps what
// checking a section found, keyed by everything the result depends on:
// the profiles, the standard, the section's place on the page and its
// text. Only sections whose heading names their own standard are kept:
// only then does the result not depend on the other standard.
type sectionMemo struct {
	mu sync.Mutex
	m  map[[32]byte]memoEntry
}

type memoEntry struct {
	out    []finding.Finding
	fields []memoField
}

type memoField struct{ path, section, text string }

// memoMax bounds the memo; past it the memo starts again empty.
const memoMax = 4096

var sections = &sectionMemo{m: map[[32]byte]memoEntry{}}

func sectionKey(set *profile.Set, sec page.Section, p *profile.Profile, prefix, name string) [32]byte {
	h := sha256.New()
	w := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	// The set's address scopes the memo to one loaded set (one `versus
	// validate` call starts cold); its hash makes a reused address harmless.
	w(fmt.Sprintf("%p", set))
	w(set.Hash())
	w(p.ID)
	w(p.Hash)
	w(prefix)
	w(name)
	w(sec.Standard)
	w(sec.Heading)
	w(sec.FullName)
	w(sec.Tagline)
	for _, l := range [][]string{sec.KeyFeatures, sec.WhatItIs, sec.KeyComponents, sec.WhyUsed, sec.Implementation.Steps} {
		for _, s := range l {
			w(s)
		}
		h.Write([]byte{1})
	}
	w(sec.Implementation.Paragraph)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// sectionOnPage is c.section through the memo.
func (c *checker) sectionOnPage(sec page.Section, p, other *profile.Profile, prefix, name string) []*field {
	if c.set == nil || p == nil || sec.Heading == "" || c.resolve(sec.Heading) != p {
		return c.section(sec, p, other, prefix, name)
	}
	key := sectionKey(c.set, sec, p, prefix, name)
	sections.mu.Lock()
	e, ok := sections.m[key]
	sections.mu.Unlock()
	if ok {
		c.out = append(c.out, e.out...)
		fs := make([]*field, len(e.fields))
		for i, mf := range e.fields {
			fs[i] = &field{path: mf.path, section: mf.section, text: mf.text}
		}
		return fs
	}
	before := len(c.out)
	stds := c.stds
	c.stds = [2]*profile.Profile{p, nil} // a section makes no claim about the pair
	fs := c.section(sec, p, other, prefix, name)
	c.stds = stds
	e = memoEntry{out: append([]finding.Finding(nil), c.out[before:]...), fields: make([]memoField, len(fs))}
	for i, f := range fs {
		e.fields[i] = memoField{f.path, f.section, f.text}
	}
	sections.mu.Lock()
	if len(sections.m) >= memoMax {
		clear(sections.m)
	}
	sections.m[key] = e
	sections.mu.Unlock()
	return fs
}
