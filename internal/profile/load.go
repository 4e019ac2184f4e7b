package profile

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"

	"github.com/versus-dev/versus/internal/finding"
)

//go:embed schema.json
var schemaJSON []byte

// SchemaJSON returns the JSON Schema (draft 2020-12) every profile must satisfy.
func SchemaJSON() []byte { return append([]byte(nil), schemaJSON...) }

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
	printer    = message.NewPrinter(language.English)
)

func profileSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if err != nil {
			schemaErr = fmt.Errorf("profile schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("profile.schema.json", doc); err != nil {
			schemaErr = fmt.Errorf("profile schema: %w", err)
			return
		}
		schema, schemaErr = c.Compile("profile.schema.json")
	})
	return schema, schemaErr
}

// LoadError is returned when at least one profile has an error. It carries
// every finding of the load, errors and warnings, not only the first.
type LoadError struct {
	Findings []finding.Finding
}

func (e *LoadError) Error() string {
	n, w := finding.Count(e.Findings)
	var b strings.Builder
	fmt.Fprintf(&b, "profiles: %d error(s), %d warning(s)", n, w)
	for _, f := range e.Findings {
		b.WriteString("\n  ")
		b.WriteString(FindingLine(f))
	}
	return b.String()
}

// FindingLine is the one-line form of a profile finding:
// `file:line: severity rule field: message (hint)`.
func FindingLine(f finding.Finding) string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, f.Line)
	}
	s := fmt.Sprintf("%s: %s %s", loc, f.Severity, f.Rule)
	if f.Field != "" {
		s += " " + f.Field
	}
	s += ": " + f.Message
	if f.Hint != "" {
		s += " (" + f.Hint + ")"
	}
	return s
}

// Load reads every *.yaml file in dir. See LoadFS.
func Load(dir string) (*Set, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load profiles: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("load profiles: %s is not a directory", dir)
	}
	return load(os.DirFS(dir), ".", func(name string) string { return filepath.Join(dir, name) })
}

// LoadFS reads every *.yaml file in dir of fsys, checks each against the
// profile schema and the rules the schema cannot express, and returns the Set.
// When any profile has an error it returns a *LoadError holding all findings;
// an unreadable or empty directory is a plain error.
func LoadFS(fsys fs.FS, dir string) (*Set, error) {
	return load(fsys, dir, func(name string) string { return path.Join(dir, name) })
}

// loaded is one parsed file with what the later, cross-file checks need.
type loaded struct {
	p   *Profile
	loc *locator
}

func load(fsys fs.FS, dir string, display func(string) string) (*Set, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("load profiles: %w", err)
	}
	var files []loaded
	var fds []finding.Finding
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("load profiles: %w", err)
		}
		p, loc, ffs := parseFile(display(e.Name()), strings.TrimSuffix(e.Name(), ".yaml"), data)
		fds = append(fds, ffs...)
		if p != nil {
			files = append(files, loaded{p, loc})
		}
	}
	if len(files) == 0 && len(fds) == 0 {
		return nil, fmt.Errorf("load profiles: no *.yaml files in %s", display(""))
	}
	fds = append(fds, crossCheck(files)...)
	finding.Sort(fds)
	if finding.HasError(fds) {
		return nil, &LoadError{Findings: fds}
	}
	ps := make([]*Profile, len(files))
	for i, f := range files {
		ps[i] = f.p
	}
	s, err := NewSet(ps...)
	if err != nil { // crossCheck refuses what NewSet refuses, so this is a bug
		return nil, fmt.Errorf("load profiles: %w", err)
	}
	s.findings = fds
	return s, nil
}

// maxNodes bounds the work one file may cause, so alias expansion
// ("billion laughs") cannot exhaust memory.
const maxNodes = 200000

// locator maps JSON pointers ("/key_features/2") to YAML lines.
type locator struct {
	file     string
	values   map[string]int // pointer → line of the value
	keys     map[string]int // pointer → line of the mapping key naming it
	nodes    int
	findings []finding.Finding
}

func (l *locator) line(ptr string) int {
	if n, ok := l.keys[ptr]; ok {
		return n
	}
	if n, ok := l.values[ptr]; ok {
		return n
	}
	// Fall back to the nearest ancestor that has a line.
	for ptr != "" {
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			break
		}
		ptr = ptr[:i]
		if n, ok := l.values[ptr]; ok {
			return n
		}
	}
	return 0
}

func (l *locator) add(line int, rule, field string, sev finding.Severity, msg, hint string) {
	l.findings = append(l.findings, finding.Finding{
		File: l.file, Line: line, Field: field, Rule: rule, Severity: sev, Message: msg, Hint: hint,
	})
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// parseFile turns one file into a Profile, reporting every problem it finds.
// p is nil only when the file is not YAML at all.
func parseFile(file, base string, data []byte) (p *Profile, loc *locator, fds []finding.Finding) {
	loc = &locator{file: file, values: map[string]int{}, keys: map[string]int{}}
	defer func() {
		// yaml.v3 has panicked on hostile input before; a bad file must be a finding.
		if r := recover(); r != nil {
			p = nil
			fds = append(loc.findings, finding.Finding{File: file, Rule: "profile.yaml-syntax", Severity: finding.Error,
				Message: fmt.Sprintf("cannot parse YAML: %v", r)})
		}
	}()
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			loc.add(1, "profile.empty", "", finding.Error, "file is empty", "write the profile's fields, see any other file in this folder")
			return nil, loc, loc.findings
		}
		line := 0
		msg := err.Error()
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			// yaml.v3 reports these parser errors at the 0-based line of the
			// construct they were parsing; make it the 1-based line.
			if strings.Contains(msg, "did not find expected") || strings.Contains(msg, "tab character") {
				line++
			}
		}
		msg = yamlLineRE.ReplaceAllString(strings.TrimPrefix(msg, "yaml: "), "")
		msg = strings.TrimPrefix(msg, ": ")
		loc.add(line, "profile.yaml-syntax", "", finding.Error, msg, "fix the YAML syntax")
		return nil, loc, loc.findings
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		loc.add(extra.Line, "profile.multiple-documents", "", finding.Error, "file holds more than one YAML document", "keep one profile per file")
	}
	v := loc.convert(&doc, "", 0)
	if loc.nodes > maxNodes {
		loc.add(1, "profile.too-large", "", finding.Error, "file expands to too many YAML nodes", "remove aliases and anchors")
		return nil, loc, loc.findings
	}
	if _, ok := v.(map[string]any); !ok {
		loc.add(doc.Line, "profile.type", "", finding.Error, "a profile must be a YAML mapping of fields", "start with `id: <file name>`")
		return nil, loc, loc.findings
	}
	sch, err := profileSchema()
	if err != nil {
		panic(err) // the schema is embedded; failing to compile it is a build bug
	}
	if err := sch.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			loc.schemaFindings(ve)
		} else {
			loc.add(0, "profile.schema", "", finding.Error, err.Error(), "")
		}
	}
	p = new(Profile)
	// The tree is already checked; a value of the wrong type is reported above
	// and simply left zero here, the rest still decodes.
	if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, p)
	}
	p.File = file
	for i := range p.Relations {
		p.Relations[i].Line = loc.line(fmt.Sprintf("/relations/%d", i))
	}
	loc.fileChecks(p, base)
	return p, loc, loc.findings
}

// convert turns the YAML tree into the JSON-like value the schema validates,
// recording the line of every value and key on the way.
func (l *locator) convert(n *yaml.Node, ptr string, depth int) any {
	l.nodes++
	if l.nodes > maxNodes || depth > 64 {
		l.nodes = maxNodes + 1
		return nil
	}
	if _, seen := l.values[ptr]; !seen {
		l.values[ptr] = n.Line
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return l.convert(n.Content[0], ptr, depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil
		}
		return l.convert(n.Alias, ptr, depth+1)
	case yaml.MappingNode:
		obj := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				l.add(k.Line, "profile.type", fieldOf(ptr), finding.Error, "a mapping key must be a plain word", "")
				continue
			}
			child := ptr + "/" + escapePtr(k.Value)
			if _, dup := obj[k.Value]; dup {
				l.add(k.Line, "profile.duplicate-key", fieldOf(child), finding.Error,
					fmt.Sprintf("field %q appears twice (first on line %d)", k.Value, l.keys[child]), "keep one of them")
				continue
			}
			l.keys[child] = k.Line
			l.values[child] = val.Line
			obj[k.Value] = l.convert(val, child, depth+1)
		}
		return obj
	case yaml.SequenceNode:
		arr := make([]any, len(n.Content))
		for i, c := range n.Content {
			arr[i] = l.convert(c, ptr+"/"+strconv.Itoa(i), depth+1)
		}
		return arr
	case yaml.ScalarNode:
		return scalar(n)
	}
	return nil
}

// scalar gives a YAML scalar its JSON type; numbers become json.Number so the
// schema sees integers as integers.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		var u uint64
		if n.Decode(&u) == nil {
			return json.Number(strconv.FormatUint(u, 10))
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return n.Value
}

func escapePtr(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePtr(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// fieldOf turns "/numbers/2/value" into "numbers[2].value".
func fieldOf(ptr string) string {
	if ptr == "" {
		return ""
	}
	var b strings.Builder
	for _, t := range strings.Split(ptr[1:], "/") {
		if isDigits(t) {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(unescapePtr(t))
	}
	return b.String()
}

func ptrOf(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapePtr(t))
	}
	return b.String()
}

// schemaFindings reports each leaf of a validation error as one finding at
// the YAML line of the value it concerns.
func (l *locator) schemaFindings(ve *jsonschema.ValidationError) {
	var leaves []*jsonschema.ValidationError
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	seen := map[string]bool{}
	add := func(line int, rule, field, msg, hint string) {
		key := rule + "\x00" + field
		if seen[key] {
			return
		}
		seen[key] = true
		l.add(line, rule, field, finding.Error, msg, hint)
	}
	for _, e := range leaves {
		ptr := ptrOf(e.InstanceLocation)
		field := fieldOf(ptr)
		switch k := e.ErrorKind.(type) {
		case *kind.Required:
			for _, m := range k.Missing {
				child := strings.TrimPrefix(fieldOf(ptr+"/"+escapePtr(m)), ".")
				add(l.line(ptr), "profile.required", child,
					fmt.Sprintf("required field %q is missing", m), fmt.Sprintf("add `%s:`", m))
			}
		case *kind.AdditionalProperties:
			for _, prop := range k.Properties {
				child := ptr + "/" + escapePtr(prop)
				hint := "remove it"
				if s := suggestField(prop); s != "" {
					hint = fmt.Sprintf("did you mean %q?", s)
				}
				add(l.line(child), "profile.unknown-field", fieldOf(child), fmt.Sprintf("unknown field %q", prop), hint)
			}
		case *kind.Type:
			hint := ""
			if len(k.Want) == 1 && k.Want[0] == "string" {
				hint = `quote the value, e.g. edition: "2022"`
			}
			add(l.line(ptr), "profile.type", field, fmt.Sprintf("wrong type: got %s, want %s", k.Got, strings.Join(k.Want, " or ")), hint)
		case *kind.MinItems, *kind.MaxItems:
			rule, hint := "profile.count", countHint(field)
			if field == "key_features" {
				rule = "profile.key-features-count"
			}
			msg := ""
			switch k := k.(type) {
			case *kind.MinItems:
				msg = fmt.Sprintf("has %d items, want at least %d", k.Got, k.Want)
			case *kind.MaxItems:
				msg = fmt.Sprintf("has %d items, want at most %d", k.Got, k.Want)
			}
			add(l.line(ptr), rule, field, msg, hint)
		case *kind.MinLength:
			add(l.line(ptr), "profile.empty", field, "the text is empty", "write the text or remove the item")
		case *kind.Pattern:
			if k.Got == "" || strings.TrimSpace(k.Got) == "" {
				add(l.line(ptr), "profile.empty", field, "the text is empty", "write the text or remove the item")
			} else {
				add(l.line(ptr), "profile.pattern", field, fmt.Sprintf("%q does not match %s", k.Got, k.Want), patternHint(field))
			}
		case *kind.Enum:
			add(l.line(ptr), "profile.enum", field, e.ErrorKind.LocalizedString(printer), "")
		case *kind.UniqueItems:
			add(l.line(ptr), "profile.duplicate-item", field, e.ErrorKind.LocalizedString(printer), "remove the repeated item")
		case *kind.Minimum, *kind.Maximum:
			add(l.line(ptr), "profile.range", field, e.ErrorKind.LocalizedString(printer), "")
		default:
			add(l.line(ptr), "profile.schema", field, e.ErrorKind.LocalizedString(printer), "")
		}
	}
}

func countHint(field string) string {
	switch field {
	case "key_features":
		return "write exactly five key features"
	case "what_it_is":
		return "write one or two paragraphs"
	case "key_components":
		return "list three to eight components"
	case "why_used":
		return "list two to six reasons"
	case "implementation":
		return "write one paragraph, or two to six steps"
	}
	return ""
}

func patternHint(field string) string {
	switch {
	case field == "id" || strings.HasPrefix(field, "related"):
		return "use lowercase letters, digits and hyphens, e.g. iso-27001"
	case strings.HasSuffix(field, ".url"):
		return "use an https:// address"
	}
	return ""
}

// profileFields are the YAML field names, for "did you mean" hints.
var profileFields = []string{
	"id", "name", "short_name", "aliases", "issuer", "edition", "year", "kind", "certifiable",
	"mandatory", "jurisdiction", "industries", "scope", "tagline", "key_features", "what_it_is",
	"key_components", "why_used", "implementation", "nature", "testing", "penalties", "numbers",
	"related", "relations", "sources", "required", "with", "fact", "scope", "source", "for", "value", "counts", "title", "url",
}

func suggestField(s string) string {
	best, bestD := "", 3
	for _, f := range profileFields {
		if d := editDistance(strings.ToLower(s), f); d < bestD {
			best, bestD = f, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
