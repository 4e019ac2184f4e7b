// Package cisolib reads the framework and mapping files of CISO Assistant's
// library (github.com/intuitem/ciso-assistant-community,
// backend/library/libraries). It keeps only what overlap figures need: the
// requirement nodes' URNs and whether each is assessable, and the mapping
// entries' URNs and relationships. Names and descriptions of requirements are
// never read into memory as data, so they cannot leak into the project.
//
// Files are walked as yaml.v3 nodes so that a broken or partial file is an
// *Error naming the file, the line and the field.
package cisolib

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Relationship is how a mapping's source requirement stands to its target
// (NIST OLIR set semantics, as CISO Assistant uses them): "subset" means the
// source requirement is a subset of the target one.
type Relationship string

const (
	Equal      Relationship = "equal"
	Subset     Relationship = "subset"
	Superset   Relationship = "superset"
	Intersect  Relationship = "intersect"
	NotRelated Relationship = "not_related" // states that the two are unrelated: no overlap
)

// Inverse is the relationship read from the target's side.
func (r Relationship) Inverse() Relationship {
	switch r {
	case Subset:
		return Superset
	case Superset:
		return Subset
	}
	return r
}

func (r Relationship) valid() bool {
	switch r {
	case Equal, Subset, Superset, Intersect, NotRelated:
		return true
	}
	return false
}

// Error is a broken or partial library file: the file, the line (1-based; 0
// when unknown) and the field as a path such as
// "objects.framework.requirement_nodes[3].urn".
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.Field != "" {
		return loc + ": " + e.Field + ": " + e.Msg
	}
	return loc + ": " + e.Msg
}

// Kind is what a library file holds.
type Kind int

const (
	KindOther     Kind = iota // a library of something else (risk matrices, threats, …)
	KindFramework             // objects.framework
	KindMapping               // objects.requirement_mapping_sets or objects.requirement_mapping_set
)

// File is one parsed library file.
type File struct {
	Name     string // the file's name as given to Parse
	Kind     Kind
	URN      string // the library's urn
	RefID    string // the library's ref_id
	LibName  string // the library's name; may be empty
	Provider string // who publishes the standard (the library's provider); may be empty
	Version  int    // the library's version: the file's revision, not the standard's edition

	Framework *Framework // when Kind is KindFramework
	Sets      []Set      // when Kind is KindMapping, in file order
}

// Framework is a framework's requirement nodes, by URN.
type Framework struct {
	URN    string
	ID     string // the URN suffix, e.g. "iso27001-2022"
	RefID  string
	Name   string          // may be empty
	Nodes  int             // every requirement node
	Assess map[string]bool // node urn → assessable
}

// Requirements is the number of assessable nodes: the requirements, for counting.
func (f *Framework) Requirements() int {
	n := 0
	for _, a := range f.Assess {
		if a {
			n++
		}
	}
	return n
}

// Set is one requirement mapping set: one direction, source → target.
type Set struct {
	RefID   string
	Source  string // the source framework's URN suffix
	Target  string // the target framework's URN suffix
	Entries []Entry
}

// Entry is one mapping statement.
type Entry struct {
	Source string // requirement node urn in the source framework
	Target string // requirement node urn in the target framework
	Rel    Relationship
	Line   int
}

// FrameworkID returns the suffix of a framework URN
// ("urn:intuitem:risk:framework:iso27001-2022" → "iso27001-2022").
func FrameworkID(urn string) (string, bool) {
	i := strings.LastIndex(urn, ":framework:")
	if !strings.HasPrefix(urn, "urn:") || i < 0 {
		return "", false
	}
	id := urn[i+len(":framework:"):]
	return id, id != "" && !strings.ContainsAny(id, ": \t")
}

// yamlLine finds the line in a yaml.v3 syntax error ("yaml: line 12: …").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse reads one library file. name is used in errors only.
func Parse(name string, data []byte) (*File, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		e := &Error{File: name, Msg: "not valid YAML: " + err.Error()}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = "not valid YAML: " + m[2]
		}
		return nil, e
	}
	p := parser{file: name}
	if len(doc.Content) == 0 {
		return nil, p.errf(nil, "", "empty file")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, p.errf(root, "", "want a mapping at the top, got %s", kindName(root))
	}
	f := &File{Name: name}
	var err error
	if f.URN, err = p.str(root, "", "urn"); err != nil {
		return nil, err
	}
	if f.RefID, err = p.str(root, "", "ref_id"); err != nil {
		return nil, err
	}
	if f.Version, err = p.int(root, "", "version"); err != nil {
		return nil, err
	}
	if f.LibName, err = p.optStr(root, "", "name"); err != nil {
		return nil, err
	}
	if f.Provider, err = p.optStr(root, "", "provider"); err != nil {
		return nil, err
	}
	objs, err := p.child(root, "", "objects", yaml.MappingNode)
	if err != nil {
		return nil, err
	}
	fw := field(objs, "framework")
	sets := field(objs, "requirement_mapping_sets")
	set := field(objs, "requirement_mapping_set")
	switch {
	case fw != nil && (sets != nil || set != nil):
		return nil, p.errf(objs, "objects", "holds both a framework and a mapping; want one")
	case sets != nil && set != nil:
		return nil, p.errf(set, "objects.requirement_mapping_set", "present with requirement_mapping_sets; want one of the two")
	case fw != nil:
		f.Kind = KindFramework
		f.Framework, err = p.framework(fw)
	case sets != nil:
		f.Kind = KindMapping
		if sets.Kind != yaml.SequenceNode {
			return nil, p.errf(sets, "objects.requirement_mapping_sets", "want a list, got %s", kindName(sets))
		}
		if len(sets.Content) == 0 {
			return nil, p.errf(sets, "objects.requirement_mapping_sets", "empty list")
		}
		for i, s := range sets.Content {
			var ms Set
			if ms, err = p.set(s, fmt.Sprintf("objects.requirement_mapping_sets[%d]", i)); err != nil {
				return nil, err
			}
			f.Sets = append(f.Sets, ms)
		}
	case set != nil:
		f.Kind = KindMapping
		var ms Set
		if ms, err = p.set(set, "objects.requirement_mapping_set"); err == nil {
			f.Sets = []Set{ms}
		}
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

type parser struct{ file string }

func (p parser) errf(n *yaml.Node, fieldPath, format string, args ...any) *Error {
	e := &Error{File: p.file, Field: fieldPath, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line = n.Line
	}
	return e
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// field returns the value of key in mapping m, or nil.
func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func (p parser) child(m *yaml.Node, parent, key string, kind yaml.Kind) (*yaml.Node, error) {
	v := field(m, key)
	if v == nil {
		return nil, p.errf(m, join(parent, key), "missing")
	}
	if v.Kind != kind {
		want := map[yaml.Kind]string{yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}[kind]
		return nil, p.errf(v, join(parent, key), "want %s, got %s", want, kindName(v))
	}
	return v, nil
}

func (p parser) str(m *yaml.Node, parent, key string) (string, error) {
	v := field(m, key)
	if v == nil {
		return "", p.errf(m, join(parent, key), "missing")
	}
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
		return "", p.errf(v, join(parent, key), "want a non-empty string, got %s", kindName(v))
	}
	return v.Value, nil
}

// optStr reads an optional string field: absent or null is "".
func (p parser) optStr(m *yaml.Node, parent, key string) (string, error) {
	v := field(m, key)
	if v == nil || v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return "", nil
	}
	if v.Kind != yaml.ScalarNode {
		return "", p.errf(v, join(parent, key), "want a string, got %s", kindName(v))
	}
	return strings.TrimSpace(v.Value), nil
}

func (p parser) int(m *yaml.Node, parent, key string) (int, error) {
	v := field(m, key)
	if v == nil {
		return 0, p.errf(m, join(parent, key), "missing")
	}
	n, err := strconv.Atoi(v.Value)
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || err != nil || n < 0 {
		return 0, p.errf(v, join(parent, key), "want a whole number, got %s", kindName(v))
	}
	return n, nil
}

func (p parser) frameworkURN(m *yaml.Node, parent, key string) (string, error) {
	urn, err := p.str(m, parent, key)
	if err != nil {
		return "", err
	}
	id, ok := FrameworkID(urn)
	if !ok {
		return "", p.errf(field(m, key), join(parent, key), "%q is not a framework urn (urn:…:framework:<id>)", urn)
	}
	return id, nil
}

func (p parser) framework(fw *yaml.Node) (*Framework, error) {
	const at = "objects.framework"
	if fw.Kind != yaml.MappingNode {
		return nil, p.errf(fw, at, "want a mapping, got %s", kindName(fw))
	}
	urn, err := p.str(fw, at, "urn")
	if err != nil {
		return nil, err
	}
	id, err := p.frameworkURN(fw, at, "urn")
	if err != nil {
		return nil, err
	}
	ref, err := p.str(fw, at, "ref_id")
	if err != nil {
		return nil, err
	}
	name, err := p.optStr(fw, at, "name")
	if err != nil {
		return nil, err
	}
	nodes, err := p.child(fw, at, "requirement_nodes", yaml.SequenceNode)
	if err != nil {
		return nil, err
	}
	f := &Framework{URN: urn, ID: id, RefID: ref, Name: name, Nodes: len(nodes.Content), Assess: make(map[string]bool, len(nodes.Content))}
	first := make(map[string]int, len(nodes.Content))
	for i, n := range nodes.Content {
		np := fmt.Sprintf("%s.requirement_nodes[%d]", at, i)
		if n.Kind != yaml.MappingNode {
			return nil, p.errf(n, np, "want a mapping, got %s", kindName(n))
		}
		u, err := p.str(n, np, "urn")
		if err != nil {
			return nil, err
		}
		if l, dup := first[u]; dup {
			return nil, p.errf(field(n, "urn"), np+".urn", "%q repeats the node at line %d", u, l)
		}
		first[u] = field(n, "urn").Line
		a := false
		if v := field(n, "assessable"); v != nil {
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				return nil, p.errf(v, np+".assessable", "want true or false, got %s", kindName(v))
			}
			a = v.Value == "true" || v.Value == "True" || v.Value == "TRUE"
		}
		f.Assess[u] = a
	}
	return f, nil
}

func (p parser) set(s *yaml.Node, at string) (Set, error) {
	if s.Kind != yaml.MappingNode {
		return Set{}, p.errf(s, at, "want a mapping, got %s", kindName(s))
	}
	var ms Set
	var err error
	if ms.RefID, err = p.str(s, at, "ref_id"); err != nil {
		return Set{}, err
	}
	if ms.Source, err = p.frameworkURN(s, at, "source_framework_urn"); err != nil {
		return Set{}, err
	}
	if ms.Target, err = p.frameworkURN(s, at, "target_framework_urn"); err != nil {
		return Set{}, err
	}
	if ms.Source == ms.Target {
		return Set{}, p.errf(field(s, "target_framework_urn"), at+".target_framework_urn", "maps %s to itself", ms.Source)
	}
	ents, err := p.child(s, at, "requirement_mappings", yaml.SequenceNode)
	if err != nil {
		return Set{}, err
	}
	ms.Entries = make([]Entry, 0, len(ents.Content))
	for i, e := range ents.Content {
		ep := fmt.Sprintf("%s.requirement_mappings[%d]", at, i)
		if e.Kind != yaml.MappingNode {
			return Set{}, p.errf(e, ep, "want a mapping, got %s", kindName(e))
		}
		src, err := p.str(e, ep, "source_requirement_urn")
		if err != nil {
			return Set{}, err
		}
		tgt, err := p.str(e, ep, "target_requirement_urn")
		if err != nil {
			return Set{}, err
		}
		rel, err := p.str(e, ep, "relationship")
		if err != nil {
			return Set{}, err
		}
		r := Relationship(rel)
		if !r.valid() {
			return Set{}, p.errf(field(e, "relationship"), ep+".relationship", "%q is not one of equal, subset, superset, intersect, not_related", rel)
		}
		ms.Entries = append(ms.Entries, Entry{Source: src, Target: tgt, Rel: r, Line: e.Line})
	}
	return ms, nil
}

// Library is every framework and mapping file of a folder.
type Library struct {
	Frameworks    map[string]*Framework // by URN suffix
	FrameworkFile map[string]*File      // by URN suffix: the file that holds it
	Mappings      []*File               // in file-name order
	Others        []string              // files of other kinds, skipped
	Commit        string                // the upstream commit named in the folder's README.md, if any
}

// readmeCommit finds "commit <40 hex>" in the folder's README.md.
var readmeCommit = regexp.MustCompile(`(?i)commit\s+([0-9a-f]{40})\b`)

// Errors is every broken file of a folder.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// ReadDir reads every *.yaml and *.yml file in dir of fsys. A broken file
// does not stop the others being read: the result is an Errors naming every
// one, and no Library, so that nothing is derived from part of a folder.
func ReadDir(fsys fs.FS, dir string) (*Library, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read library: %w", err)
	}
	lib := &Library{Frameworks: map[string]*Framework{}, FrameworkFile: map[string]*File{}}
	if b, err := fs.ReadFile(fsys, path.Join(dir, "README.md")); err == nil {
		if m := readmeCommit.FindSubmatch(b); m != nil {
			lib.Commit = string(m[1])
		}
	}
	var errs Errors
	n := 0
	for _, de := range ents {
		name := de.Name()
		if de.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		n++
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read library: %w", err)
		}
		f, err := Parse(name, b)
		var pe *Error
		switch {
		case errors.As(err, &pe):
			errs = append(errs, pe)
			continue
		case err != nil:
			return nil, err
		}
		switch f.Kind {
		case KindFramework:
			id := f.Framework.ID
			if prev, dup := lib.FrameworkFile[id]; dup {
				errs = append(errs, &Error{File: name, Field: "objects.framework.urn", Msg: fmt.Sprintf("framework %s is also in %s", id, prev.Name)})
				continue
			}
			lib.Frameworks[id], lib.FrameworkFile[id] = f.Framework, f
		case KindMapping:
			lib.Mappings = append(lib.Mappings, f)
		default:
			lib.Others = append(lib.Others, name)
		}
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].File < errs[j].File })
		return nil, errs
	}
	if n == 0 {
		return nil, fmt.Errorf("read library: no *.yaml files in %s", dir)
	}
	return lib, nil
}
