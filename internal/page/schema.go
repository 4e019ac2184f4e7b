package page

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/versus-dev/versus/internal/finding"
)

// schemaJSON is the one source of truth for the record's shape: the
// validator compiles it and the LLM-facing schemas are cut from its $defs.
//
//go:embed schema/page.schema.json
var schemaJSON []byte

const schemaURL = "https://versus.dev/schema/page.schema.json"

// Schema rule ids.
const (
	RuleSchema        = "schema"
	RuleJSONSyntax    = "schema.json-syntax"
	RuleJSONTruncated = "schema.json-truncated"
)

// SchemaJSON returns the whole embedded schema document (draft 2020-12).
func SchemaJSON() []byte { return bytes.Clone(schemaJSON) }

// PageSchema returns the whole page record's schema as a fresh map, without
// the keywords ($schema, $id, title) that OpenAI strict mode does not take.
func PageSchema() map[string]any {
	doc := schemaDoc()
	delete(doc, "$schema")
	delete(doc, "$id")
	delete(doc, "title")
	return doc
}

// SectionSchema returns the self-contained schema of a section draft: the
// per-standard section without standard, heading and full_name, which come
// from the profile. It is what the drafter asks the LLM for.
func SectionSchema() map[string]any { return defSchema("section_draft") }

// PairSchema returns the self-contained schema of the per-pair part of a page.
func PairSchema() map[string]any { return defSchema("pair") }

// PairDraftSchema returns the self-contained schema of what the drafter asks
// the LLM for per pair: the pair part without the differences table, which
// is built from the profiles.
func PairDraftSchema() map[string]any { return defSchema("pair_draft") }

func schemaDoc() map[string]any {
	var doc map[string]any
	if err := json.Unmarshal(schemaJSON, &doc); err != nil {
		panic(fmt.Sprintf("page: embedded schema: %v", err)) // caught by tests
	}
	return doc
}

// defSchema cuts one $def out of the document, with only the $defs it
// reaches, so "#/$defs/x" references still resolve at its root.
func defSchema(name string) map[string]any {
	doc := schemaDoc()
	defs := doc["$defs"].(map[string]any)
	root := defs[name].(map[string]any)
	need := map[string]any{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				d := strings.TrimPrefix(ref, "#/$defs/")
				if _, seen := need[d]; !seen && d != ref {
					need[d] = defs[d]
					walk(defs[d])
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(root)
	if len(need) > 0 {
		root["$defs"] = need
	}
	return root
}

type compiled struct {
	page, section, pair, pairDraft *jsonschema.Schema
}

var schemas = sync.OnceValues(func() (compiled, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return compiled{}, fmt.Errorf("read page schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return compiled{}, fmt.Errorf("add page schema: %w", err)
	}
	var out compiled
	for _, s := range []struct {
		loc string
		dst **jsonschema.Schema
	}{
		{schemaURL, &out.page},
		{schemaURL + "#/$defs/section_draft", &out.section},
		{schemaURL + "#/$defs/pair", &out.pair},
		{schemaURL + "#/$defs/pair_draft", &out.pairDraft},
	} {
		if *s.dst, err = c.Compile(s.loc); err != nil {
			return compiled{}, fmt.Errorf("compile %s: %w", s.loc, err)
		}
	}
	return out, nil
})

func mustSchemas() compiled {
	c, err := schemas()
	if err != nil {
		panic(err) // the schema is embedded; a failure here is a build defect caught by tests
	}
	return c
}

// ValidateJSON checks a whole page record in JSON against the schema.
func ValidateJSON(data []byte) []finding.Finding {
	fs, _ := validateJSON(mustSchemas().page, data)
	return fs
}

// ValidateSectionDraftJSON checks an LLM's section draft against the schema.
func ValidateSectionDraftJSON(data []byte) []finding.Finding {
	fs, _ := validateJSON(mustSchemas().section, data)
	return fs
}

// ValidatePairJSON checks an LLM's pair part against the schema.
func ValidatePairJSON(data []byte) []finding.Finding {
	fs, _ := validateJSON(mustSchemas().pair, data)
	return fs
}

// DecodeSectionDraft validates data, then unmarshals what it can. The draft
// is usable only when the findings hold no error.
func DecodeSectionDraft(data []byte) (SectionDraft, []finding.Finding) {
	var d SectionDraft
	fs, ok := validateJSON(mustSchemas().section, data)
	if ok {
		_ = json.Unmarshal(data, &d) // type mismatches are already findings
	}
	return d, fs
}

// DecodePair validates data, then unmarshals what it can.
func DecodePair(data []byte) (Pair, []finding.Finding) {
	var p Pair
	fs, ok := validateJSON(mustSchemas().pair, data)
	if ok {
		_ = json.Unmarshal(data, &p)
	}
	return p, fs
}

// DecodePairDraft validates an LLM's pair draft, then unmarshals what it can.
func DecodePairDraft(data []byte) (PairDraft, []finding.Finding) {
	var p PairDraft
	fs, ok := validateJSON(mustSchemas().pairDraft, data)
	if ok {
		_ = json.Unmarshal(data, &p)
	}
	return p, fs
}

// validateJSON reports whether data was JSON at all (ok) and its findings.
func validateJSON(sch *jsonschema.Schema, data []byte) (fs []finding.Finding, ok bool) {
	if len(bytes.TrimSpace(data)) == 0 {
		return []finding.Finding{{Rule: RuleJSONTruncated, Severity: finding.Error, Line: 1,
			Message: "the JSON is empty", Hint: "send the whole JSON object"}}, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []finding.Finding{jsonError(data, err)}, false
	}
	if _, err := dec.Token(); err != io.EOF {
		off := int(dec.InputOffset())
		for off > 0 && off <= len(data) && !isJSONSpace(data[off-1]) { // back to the start of the extra token
			off--
		}
		for off < len(data) && isJSONSpace(data[off]) {
			off++
		}
		line, col := lineCol(data, off)
		return []finding.Finding{{Rule: RuleJSONSyntax, Severity: finding.Error, Line: line,
			Message: fmt.Sprintf("unexpected text after the JSON object at byte %d (line %d, column %d)", off, line, col),
			Hint:    "send exactly one JSON object and nothing else"}}, false
	}
	err := sch.Validate(v)
	if err == nil {
		return nil, true
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []finding.Finding{{Rule: RuleSchema, Severity: finding.Error, Message: err.Error()}}, true
	}
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		for _, f := range schemaFindings(e, v) {
			key := f.Field + "\x00" + f.Message
			if !seen[key] {
				seen[key] = true
				fs = append(fs, f)
			}
		}
	}
	walk(ve)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Field < fs[j].Field })
	return fs, true
}

func jsonError(data []byte, err error) finding.Finding {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		line, _ := lineCol(data, len(data))
		return finding.Finding{Rule: RuleJSONTruncated, Severity: finding.Error, Line: line,
			Message: fmt.Sprintf("the JSON stops before it is complete (%d bytes, line %d)", len(data), line),
			Hint:    "the reply was probably cut off; ask again with a larger token limit"}
	case errors.As(err, &se):
		line, col := lineCol(data, int(se.Offset)-1) // Offset counts the bad byte
		return finding.Finding{Rule: RuleJSONSyntax, Severity: finding.Error, Line: line,
			Message: fmt.Sprintf("invalid JSON at byte %d (line %d, column %d): %s", se.Offset, line, col, se.Error()),
			Hint:    "send valid JSON only, with no text or code fences around it"}
	case errors.As(err, &te):
		line, col := lineCol(data, int(te.Offset))
		return finding.Finding{Rule: RuleJSONSyntax, Severity: finding.Error, Line: line,
			Message: fmt.Sprintf("invalid JSON at byte %d (line %d, column %d): %s", te.Offset, line, col, te.Error())}
	}
	return finding.Finding{Rule: RuleJSONSyntax, Severity: finding.Error, Message: "invalid JSON: " + err.Error()}
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

var printer = message.NewPrinter(language.English)

// schemaFindings words one leaf validation error for a writer.
func schemaFindings(e *jsonschema.ValidationError, doc any) []finding.Finding {
	path := recordPath(e.InstanceLocation)
	mk := func(field, msg, hint string) finding.Finding {
		return finding.Finding{Rule: RuleSchema, Severity: finding.Error,
			Section: sectionLabel(field, doc), Field: field, Message: msg, Hint: hint}
	}
	what := path
	if what == "" {
		what = "the record"
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		out := make([]finding.Finding, 0, len(k.Missing))
		for _, m := range k.Missing {
			f := joinPath(path, m)
			out = append(out, mk(f, fmt.Sprintf("%s is missing", f), "add the field, even if empty"))
		}
		return out
	case *kind.AdditionalProperties:
		out := make([]finding.Finding, 0, len(k.Properties))
		for _, p := range k.Properties {
			f := joinPath(path, p)
			out = append(out, mk(f, fmt.Sprintf("%s is not a field of the record", f), "remove it"))
		}
		return out
	case *kind.Type:
		return []finding.Finding{mk(path, fmt.Sprintf("%s is %s; it should be %s", what, article(k.Got), strings.Join(articles(k.Want), " or ")), "")}
	case *kind.MinItems:
		return []finding.Finding{mk(path, fmt.Sprintf("%s has %s; it needs at least %d", what, plural(k.Got, "item"), k.Want), "")}
	case *kind.MaxItems:
		return []finding.Finding{mk(path, fmt.Sprintf("%s has %s; it allows at most %d", what, plural(k.Got, "item"), k.Want), "")}
	case *kind.Pattern:
		hint := ""
		if strings.HasSuffix(path, ".question") {
			hint = "end the question with a question mark"
		}
		return []finding.Finding{mk(path, fmt.Sprintf("%s %q is not in the expected form", what, clip(k.Got, 60)), hint)}
	}
	return []finding.Finding{mk(path, fmt.Sprintf("%s: %s", what, e.ErrorKind.LocalizedString(printer)), "")}
}

func recordPath(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// sectionLabel names the page section a record path falls in, using the
// section's heading from the document when it has one.
func sectionLabel(path string, doc any) string {
	top, rest, _ := strings.Cut(path, ".")
	switch {
	case top == "verdict":
		return SectionVerdict
	case top == "differences":
		return SectionDifferences
	case strings.HasPrefix(top, "faq"):
		return SectionFAQ
	case top == "description" || top == "slug" || top == "title" || strings.HasPrefix(top, "standards"):
		return "Front matter"
	case strings.HasPrefix(top, "sections["):
		name := strings.TrimSuffix(top, "]")
		i, err := strconv.Atoi(strings.TrimPrefix(name, "sections["))
		name = "Section " + strconv.Itoa(i+1)
		if m, ok := doc.(map[string]any); ok && err == nil {
			if ss, ok := m["sections"].([]any); ok && i < len(ss) {
				if s, ok := ss[i].(map[string]any); ok {
					if h, ok := s["heading"].(string); ok && h != "" {
						name = h
					}
				}
			}
		}
		if sub := subsectionTitle(rest); sub != "" {
			return name + " / " + sub
		}
		return name
	}
	if sub := subsectionTitle(path); sub != "" { // a section draft
		return sub
	}
	return ""
}

func subsectionTitle(field string) string {
	field, _, _ = strings.Cut(field, ".")
	field, _, _ = strings.Cut(field, "[")
	switch field {
	case "key_features":
		return SubKeyFeatures
	case "what_it_is":
		return SubWhatItIs
	case "key_components":
		return SubKeyComponents
	case "why_used":
		return SubWhyUsed
	case "implementation":
		return SubImplementation
	}
	return ""
}

func article(t string) string {
	switch t {
	case "array", "object", "integer":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}

func articles(ts []string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = article(t)
	}
	return out
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return strconv.Itoa(n) + " " + w + "s"
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
