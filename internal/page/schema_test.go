package page

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/finding"
)

// strictKeywords are the keywords OpenAI strict structured outputs accept.
var strictKeywords = map[string]bool{
	"type": true, "properties": true, "required": true, "additionalProperties": true, "items": true,
	"minItems": true, "maxItems": true, "enum": true, "const": true, "anyOf": true, "$defs": true,
	"$ref": true, "description": true, "pattern": true,
}

// builtFields are the page's parts built from data, not drafted.
var builtFields = map[string]bool{"relations": true, "overlap": true, "independent": true, "grammar": true}

// optionalOverlapFields were added to the overlap record after records were
// kept, so they stay optional on input: the hub's prose name and a side's
// stand-in note. Built from data, like the overlap itself.
var optionalOverlapFields = map[string]map[string]bool{
	"/$defs/overlap":      {"via_name": true},
	"/$defs/overlap_side": {"note": true},
	// A name's grammar says only what is not the default (bare, singular).
	"/$defs/name_grammar": {"article": true, "plural": true},
}

// checkStrict walks a schema and reports every departure from strict mode.
func checkStrict(t *testing.T, name string, v any, path string) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s%s: not a schema object", name, path)
		return
	}
	for k := range m {
		if !strictKeywords[k] {
			t.Errorf("%s%s: keyword %q is not allowed in strict mode", name, path, k)
		}
	}
	if m["type"] == "object" {
		if m["additionalProperties"] != false {
			t.Errorf("%s%s: additionalProperties must be false", name, path)
		}
		props, _ := m["properties"].(map[string]any)
		var keys, req []string
		for k := range props {
			keys = append(keys, k)
		}
		for _, r := range m["required"].([]any) {
			req = append(req, r.(string))
		}
		// The parts built from data are optional on input (pages written
		// elsewhere lack them) and never in a schema an LLM is given.
		if (path == "" && (name == "page" || name == "pair")) || strings.HasSuffix(path, "/$defs/pair") {
			keys = slices.DeleteFunc(keys, func(k string) bool { return builtFields[k] })
		}
		if opt := optionalOverlapFields[path]; opt != nil {
			keys = slices.DeleteFunc(keys, func(k string) bool { return opt[k] })
		}
		sort.Strings(keys)
		sort.Strings(req)
		if strings.Join(keys, ",") != strings.Join(req, ",") {
			t.Errorf("%s%s: required %v must list every property %v", name, path, req, keys)
		}
		for k, p := range props {
			checkStrict(t, name, p, path+"/properties/"+k)
		}
	}
	if it, ok := m["items"]; ok {
		checkStrict(t, name, it, path+"/items")
	}
	if defs, ok := m["$defs"].(map[string]any); ok {
		for k, d := range defs {
			checkStrict(t, name, d, path+"/$defs/"+k)
		}
	}
	if ref, ok := m["$ref"].(string); ok && !regexp.MustCompile(`^#/\$defs/[a-z_]+$`).MatchString(ref) {
		t.Errorf("%s%s: $ref %q must point at a top-level $def", name, path, ref)
	}
}

// refsResolve checks a self-contained schema: every $ref names one of its $defs.
func refsResolve(t *testing.T, name string, root map[string]any) {
	t.Helper()
	defs, _ := root["$defs"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if _, ok := defs[strings.TrimPrefix(ref, "#/$defs/")]; !ok {
					t.Errorf("%s: $ref %q does not resolve", name, ref)
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
}

func TestSchemaStrict(t *testing.T) {
	for name, s := range map[string]map[string]any{"page": PageSchema(), "section": SectionSchema(), "pair": PairSchema()} {
		if s["type"] != "object" {
			t.Errorf("%s: root must be an object", name)
		}
		checkStrict(t, name, s, "")
		refsResolve(t, name, s)
		if _, err := json.Marshal(s); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	props := SectionSchema()["properties"].(map[string]any)
	for _, k := range []string{"standard", "heading", "full_name"} {
		if _, ok := props[k]; ok {
			t.Errorf("section draft schema has %q; it comes from the profile", k)
		}
	}
	if _, ok := PairSchema()["$defs"].(map[string]any)["section_draft"]; ok {
		t.Error("pair schema carries unused $defs")
	}
	// the counts the layout requires
	defs := schemaDoc()["$defs"].(map[string]any)
	for _, c := range []struct {
		def      string
		min, max float64
	}{
		{"key_features", 5, 5}, {"what_it_is", 1, 2}, {"key_components", 3, 8}, {"why_used", 2, 6}, {"faq", 3, 8},
	} {
		d := defs[c.def].(map[string]any)
		if d["minItems"] != c.min || d["maxItems"] != c.max {
			t.Errorf("%s: minItems %v maxItems %v, want %v..%v", c.def, d["minItems"], d["maxItems"], c.min, c.max)
		}
	}
	steps := defs["implementation"].(map[string]any)["properties"].(map[string]any)["steps"].(map[string]any)
	extra := defs["differences"].(map[string]any)["properties"].(map[string]any)["extra"].(map[string]any)
	std := PageSchema()["properties"].(map[string]any)["standards"].(map[string]any)
	if steps["maxItems"] != 6.0 || extra["maxItems"] != 5.0 || std["minItems"] != 2.0 || std["maxItems"] != 2.0 {
		t.Errorf("steps %v, extra %v, standards %v", steps, extra, std)
	}
	if !json.Valid(SchemaJSON()) {
		t.Error("SchemaJSON is not JSON")
	}
}

func TestValidateJSONRecords(t *testing.T) {
	for name := range records(t) {
		data, _ := os.ReadFile("testdata/" + name + ".json")
		if fs := ValidateJSON(data); len(fs) > 0 && !strings.HasSuffix(name, "-edge") {
			t.Errorf("%s: %s", name, dump(fs))
		}
	}
	// a parsed page marshals to a record the schema reads (arrays, not null)
	p, _ := Parse(Render(records(t)["gdpr-vs-hipaa"]))
	data, _ := json.Marshal(p)
	if fs := ValidateJSON(data); len(fs) > 0 {
		t.Errorf("parsed record: %s", dump(fs))
	}
}

func mutate(t *testing.T, p Page, f func(m map[string]any)) []byte {
	t.Helper()
	data, _ := json.Marshal(p)
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, _ := json.Marshal(m)
	return out
}

func TestValidateJSONFindings(t *testing.T) {
	p := records(t)["iso-27001-vs-soc-2"]
	sec0 := func(m map[string]any) map[string]any { return m["sections"].([]any)[0].(map[string]any) }
	tests := []struct {
		name    string
		data    []byte
		rule    string
		field   string
		line    int
		message string
	}{
		{"four key features", mutate(t, p, func(m map[string]any) {
			s := sec0(m)
			s["key_features"] = s["key_features"].([]any)[:4]
		}), RuleSchema, "sections[0].key_features", 0, "has 4 items; it needs at least 5"},
		{"six key features", mutate(t, p, func(m map[string]any) {
			s := sec0(m)
			s["key_features"] = append(s["key_features"].([]any), "one more")
		}), RuleSchema, "sections[0].key_features", 0, "at most 5"},
		{"missing verdict", mutate(t, p, func(m map[string]any) { delete(m, "verdict") }), RuleSchema, "verdict", 0, "verdict is missing"},
		{"extra field", mutate(t, p, func(m map[string]any) { m["notes"] = "x" }), RuleSchema, "notes", 0, "not a field"},
		{"wrong type", mutate(t, p, func(m map[string]any) { m["faq"].([]any)[1].(map[string]any)["answer"] = 3 }), RuleSchema, "faq[1].answer", 0, "is a number; it should be a string"},
		{"question mark", mutate(t, p, func(m map[string]any) { m["faq"].([]any)[0].(map[string]any)["question"] = "No mark" }), RuleSchema, "faq[0].question", 0, "expected form"},
		{"missing row", mutate(t, p, func(m map[string]any) { delete(m["differences"].(map[string]any), "testing") }), RuleSchema, "differences.testing", 0, "missing"},
		{"syntax", []byte("{\n  \"slug\": \"a\",\n  \"title\": oops\n}"), RuleJSONSyntax, "", 3, "line 3"},
		{"truncated", []byte("{\n  \"slug\": \"a\",\n  \"title\": \"ISO"), RuleJSONTruncated, "", 3, "stops before"},
		{"empty", []byte("  "), RuleJSONTruncated, "", 1, "empty"},
		{"fenced", []byte("```json\n{}\n```"), RuleJSONSyntax, "", 1, "invalid JSON"},
		{"two objects", []byte("{} {}"), RuleJSONSyntax, "", 1, "after the JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := ValidateJSON(tt.data)
			for _, f := range fs {
				if f.Rule == tt.rule && f.Field == tt.field && (tt.line == 0 || f.Line == tt.line) && strings.Contains(f.Message, tt.message) && f.Severity == finding.Error {
					return
				}
			}
			t.Errorf("want %s on %q with %q (line %d), got:\n%s", tt.rule, tt.field, tt.message, tt.line, dump(fs))
		})
	}
	// sections are named by their heading
	fs := ValidateJSON(tests[0].data)
	if len(fs) != 1 || fs[0].Section != "ISO 27001 / Key Features" {
		t.Errorf("want one finding in section ISO 27001 / Key Features, got %s", dump(fs))
	}
}

func TestDecodeDrafts(t *testing.T) {
	p := records(t)["gdpr-vs-hipaa"]
	data, _ := json.Marshal(p.Sections[1].Draft())
	d, fs := DecodeSectionDraft(data)
	if len(fs) > 0 {
		t.Fatalf("valid draft: %s", dump(fs))
	}
	s := d.ToSection("hipaa", "HIPAA", p.Sections[1].FullName)
	if !jsonEqual(s, p.Sections[1]) {
		t.Errorf("ToSection(Draft()) lost fields: %+v", s)
	}
	// a whole section is not a draft: the profile's fields are unknown to it
	data, _ = json.Marshal(p.Sections[1])
	if _, fs := DecodeSectionDraft(data); len(fs) != 3 || fs[0].Rule != RuleSchema {
		t.Errorf("want 3 findings for standard, heading, full_name; got %s", dump(fs))
	}
	if _, fs := DecodeSectionDraft([]byte(`{"tagline": "x", "key_features": [`)); len(fs) != 1 || fs[0].Rule != RuleJSONTruncated {
		t.Errorf("truncated draft: %s", dump(fs))
	}

	data, _ = json.Marshal(p.PairPart())
	pair, fs := DecodePair(data)
	if len(fs) > 0 || !jsonEqual(pair, p.PairPart()) {
		t.Errorf("valid pair: %s %+v", dump(fs), pair)
	}
	bad := mutate(t, Page{}, func(m map[string]any) {})
	if _, fs := DecodePair(bad); len(fs) == 0 {
		t.Error("a page record is not a pair part, want findings")
	}
	data, _ = json.Marshal(map[string]any{"description": "d", "verdict": "v", "differences": p.Differences, "faq": p.FAQ[:2]})
	if _, fs := DecodePair(data); len(fs) != 1 || fs[0].Field != "faq" || fs[0].Section != SectionFAQ {
		t.Errorf("two questions: %s", dump(fs))
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func FuzzValidateJSON(f *testing.F) {
	for name := range records(f) {
		data, _ := os.ReadFile("testdata/" + name + ".json")
		f.Add(data)
	}
	f.Add([]byte(`{"tagline":"x","key_features":[1,2],"extra":{}}`))
	f.Add([]byte(`{"description":"d","verdict":"v","differences":null,"faq":[{"question":"q?"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fs := ValidateJSON(data)
		if json.Valid(data) == (len(fs) > 0 && (fs[0].Rule == RuleJSONSyntax || fs[0].Rule == RuleJSONTruncated)) && len(bytes.TrimSpace(data)) > 0 {
			t.Fatalf("JSON validity and syntax findings disagree: %s", dump(fs))
		}
		for _, f := range fs {
			if f.Message == "" || f.Severity != finding.Error {
				t.Fatalf("finding without message or not an error: %+v", f)
			}
		}
		d, dfs := DecodeSectionDraft(data)
		if len(dfs) == 0 {
			// a draft the schema accepts has the layout's counts
			if len(d.KeyFeatures) != 5 || len(d.WhatItIs) < 1 || len(d.KeyComponents) < 3 {
				t.Fatalf("accepted draft breaks the counts: %+v", d)
			}
		}
		_, _ = DecodePair(data)
	})
}
