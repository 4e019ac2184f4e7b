package overlap

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// EditError is a profile file the frameworks line cannot be edited in: the
// file, the line (0 when unknown) and why.
type EditError struct {
	File string
	Line int
	Msg  string
}

func (e *EditError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: frameworks: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: frameworks: %s", e.File, e.Msg)
}

// plainID is a framework id that needs no quoting in YAML.
var plainID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// top parses a profile file and returns its top-level mapping.
func top(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &EditError{File: file, Msg: "not valid YAML: " + err.Error()}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode || doc.Content[0].Style&yaml.FlowStyle != 0 {
		return nil, &EditError{File: file, Msg: "want a block mapping at the top"}
	}
	return doc.Content[0], nil
}

// lineStart is the byte offset of 1-based line n, or -1.
func lineStart(data []byte, n int) int {
	off := 0
	for l := 1; l < n; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off
}

// offsetOf is the byte offset of 1-based line and column (yaml.v3 counts
// columns in characters), or -1.
func offsetOf(data []byte, line, col int) int {
	off := lineStart(data, line)
	if off < 0 {
		return -1
	}
	for c := 1; c < col; c++ {
		if off >= len(data) || data[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off
}

// RenameFrameworks replaces, token by token, the items of the top-level
// `frameworks:` list that ren names (old id → new id), keeping every other
// byte of data: the key, the list's style, quotes, spacing and comments. It
// returns the new bytes and the line of the list.
func RenameFrameworks(file string, data []byte, ren map[string]string) ([]byte, int, error) {
	m, err := top(file, data)
	if err != nil {
		return nil, 0, err
	}
	key, seq := keyValue(m, "frameworks")
	if key == nil {
		return nil, 0, &EditError{File: file, Msg: "no frameworks line to edit"}
	}
	if seq.Kind != yaml.SequenceNode {
		return nil, key.Line, &EditError{File: file, Line: key.Line, Msg: "want a list of framework ids"}
	}
	type edit struct {
		off, n int
		with   string
	}
	var edits []edit
	want := make([]string, 0, len(seq.Content))
	for _, it := range seq.Content {
		if it.Kind != yaml.ScalarNode {
			return nil, key.Line, &EditError{File: file, Line: it.Line, Msg: "want framework ids, got a nested value"}
		}
		nw, ok := ren[it.Value]
		if !ok {
			want = append(want, it.Value)
			continue
		}
		want = append(want, nw)
		if !plainID.MatchString(nw) {
			return nil, key.Line, &EditError{File: file, Line: it.Line, Msg: fmt.Sprintf("%q is not a framework id", nw)}
		}
		off := offsetOf(data, it.Line, it.Column)
		q := map[yaml.Style]string{0: "", yaml.DoubleQuotedStyle: `"`, yaml.SingleQuotedStyle: `'`}
		quote, known := q[it.Style]
		raw := quote + it.Value + quote
		if off < 0 || !known || !bytes.HasPrefix(data[off:], []byte(raw)) {
			return nil, key.Line, &EditError{File: file, Line: it.Line, Msg: fmt.Sprintf("cannot edit %q in place; write it as a plain id", it.Value)}
		}
		edits = append(edits, edit{off, len(raw), quote + nw + quote})
	}
	if len(edits) == 0 {
		return nil, key.Line, &EditError{File: file, Line: key.Line, Msg: "names none of the frameworks to rename"}
	}
	var out bytes.Buffer
	prev := 0
	for _, e := range edits { // in file order, as the list is
		out.Write(data[prev:e.off])
		out.WriteString(e.with)
		prev = e.off + e.n
	}
	out.Write(data[prev:])
	b := out.Bytes()
	if err := checkEdit(file, data, b, want); err != nil {
		return nil, key.Line, err
	}
	return b, key.Line, nil
}

// InsertFrameworks adds a `frameworks: [ids]` line to a profile that has
// none (or fills an empty `frameworks: []`), in a stable place: after a one-line `jurisdiction:`, else before the
// key that follows it, else before `industries:`, else at the end. It
// returns the new bytes and the new line's number.
func InsertFrameworks(file string, data []byte, ids []string) ([]byte, int, error) {
	m, err := top(file, data)
	if err != nil {
		return nil, 0, err
	}
	for _, id := range ids {
		if !plainID.MatchString(id) {
			return nil, 0, &EditError{File: file, Msg: fmt.Sprintf("%q is not a framework id", id)}
		}
	}
	if k, v := keyValue(m, "frameworks"); k != nil {
		// An empty flow list ("frameworks: []") is filled in place.
		off := offsetOf(data, v.Line, v.Column)
		if v.Kind != yaml.SequenceNode || len(v.Content) > 0 || off < 0 || !bytes.HasPrefix(data[off:], []byte("[]")) {
			return nil, k.Line, &EditError{File: file, Line: k.Line, Msg: "already has a frameworks line"}
		}
		b := append(append(append([]byte{}, data[:off]...), "["+join(ids, ", ")+"]"...), data[off+2:]...)
		if err := checkEdit(file, data, b, ids); err != nil {
			return nil, k.Line, err
		}
		return b, k.Line, nil
	}
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	// Places to try, in order; the first whose result reads back right wins
	// (a quoted jurisdiction may run over several lines).
	var places []int
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Value != "jurisdiction" {
			continue
		}
		if v.Kind == yaml.ScalarNode && v.Line == k.Line && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			places = append(places, k.Line+1)
		}
		if i+2 < len(m.Content) {
			places = append(places, m.Content[i+2].Line)
		}
	}
	if k, _ := keyValue(m, "industries"); k != nil {
		places = append(places, k.Line)
	}
	text := "frameworks: [" + join(ids, ", ") + "]" + nl
	var last error
	for _, line := range places {
		off := lineStart(data, line)
		if off < 0 || off > len(data) {
			continue
		}
		b := append(append(append([]byte{}, data[:off]...), text...), data[off:]...)
		if last = checkEdit(file, data, b, ids); last == nil {
			return b, line, nil
		}
	}
	b := append([]byte{}, data...)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, nl...)
	}
	line := bytes.Count(b, []byte("\n")) + 1
	b = append(b, text...)
	if err := checkEdit(file, data, b, ids); err != nil {
		return nil, line, err
	}
	return b, line, nil
}

func join(ss []string, sep string) string {
	var b bytes.Buffer
	for i, s := range ss {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s)
	}
	return b.String()
}

func keyValue(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// checkEdit proves an edit did what it meant: the new file parses, its
// frameworks are want, and every other top-level field reads as before.
func checkEdit(file string, before, after []byte, want []string) error {
	var a, b map[string]any
	if err := yaml.Unmarshal(before, &a); err != nil {
		return &EditError{File: file, Msg: "not valid YAML: " + err.Error()}
	}
	if err := yaml.Unmarshal(after, &b); err != nil {
		return &EditError{File: file, Msg: "the edit would break the file: " + err.Error()}
	}
	got, _ := b["frameworks"].([]any)
	gs := make([]string, 0, len(got))
	for _, g := range got {
		s, _ := g.(string)
		gs = append(gs, s)
	}
	if !reflect.DeepEqual(gs, want) {
		return &EditError{File: file, Msg: fmt.Sprintf("the edit reads as %v, want %v", gs, want)}
	}
	delete(a, "frameworks")
	delete(b, "frameworks")
	if !reflect.DeepEqual(a, b) {
		return &EditError{File: file, Msg: "the edit would change other fields"}
	}
	return nil
}
