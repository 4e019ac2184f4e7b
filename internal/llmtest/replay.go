package llmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Replay answers drafting requests with answers written beforehand, as a
// capable model writes them (testdata/realistic): the record a request
// drafts is found from the standards its prompt names, and the n-th
// request about a record gets its n-th answer (the last one again after
// that), so a redraft gets the corrected answer.
type Replay struct {
	records map[string]*ReplayRecord

	mu     sync.Mutex
	served map[string]int
}

// ReplayRecord is one record's answers.
type ReplayRecord struct {
	File string `json:"-"`
	// Kind is "section" or "pair"; Standards the short names it is about.
	Kind      string   `json:"kind"`
	Standards []string `json:"standards"`
	// Defects are what is wrong with the first answer on purpose, as
	// models get it wrong; empty for a record whose first answer is
	// right. Later answers fix them.
	Defects []Defect          `json:"defects"`
	Answers []json.RawMessage `json:"answers"`
}

// Defect is one planted defect: the rule (or rule class prefix, "facts.")
// that should catch it and the text that carries it.
type Defect struct {
	Rule  string `json:"rule"`
	Quote string `json:"quote"`
	Why   string `json:"why"`
}

// RealisticDir is the realistic answer set, relative to this package.
const RealisticDir = "testdata/realistic"

// LoadReplay reads every *.json record of dir.
func LoadReplay(dir string) (*Replay, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("replay: no records in %s", dir)
	}
	r := &Replay{records: map[string]*ReplayRecord{}, served: map[string]int{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var rec ReplayRecord
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		rec.File = filepath.Base(f)
		want := map[string]int{"section": 1, "pair": 2}[rec.Kind]
		switch {
		case want == 0:
			return nil, fmt.Errorf("%s: kind %q, want section or pair", f, rec.Kind)
		case len(rec.Standards) != want:
			return nil, fmt.Errorf("%s: a %s names %d standards, got %d", f, rec.Kind, want, len(rec.Standards))
		case len(rec.Answers) == 0:
			return nil, fmt.Errorf("%s: no answers", f)
		case len(rec.Defects) > 0 && len(rec.Answers) < 2:
			return nil, fmt.Errorf("%s: a defective first answer needs a corrected one after it", f)
		}
		k := replayKey(rec.Kind, rec.Standards...)
		if prev, dup := r.records[k]; dup {
			return nil, fmt.Errorf("%s: the same record as %s", f, prev.File)
		}
		r.records[k] = &rec
	}
	return r, nil
}

// Records lists the records, by file name.
func (r *Replay) Records() []*ReplayRecord {
	out := make([]*ReplayRecord, 0, len(r.records))
	for _, rec := range r.records {
		out = append(out, rec)
	}
	slices.SortFunc(out, func(a, b *ReplayRecord) int { return strings.Compare(a.File, b.File) })
	return out
}

// Standards lists the short names of every standard the records name.
func (r *Replay) Standards() []string {
	var out []string
	for _, rec := range r.records {
		for _, s := range rec.Standards {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return out
}

var (
	sectionName = regexp.MustCompile(`(?m)^- short_name: (.+)$`)
	pairName    = regexp.MustCompile(`(?m)^Standard [AB]: ([^,\n]+)`)
)

// Record is the record a drafting request is about, if the set has it.
func (r *Replay) Record(req Request) (*ReplayRecord, bool) {
	var user string
	for _, m := range req.Messages {
		if m.Role == "user" {
			user = m.Content
			break
		}
	}
	var k string
	switch req.SchemaName {
	case "section_draft":
		if m := sectionName.FindStringSubmatch(user); m != nil {
			k = replayKey("section", m[1])
		}
	case "pair_draft":
		if ms := pairName.FindAllStringSubmatch(user, 2); len(ms) == 2 {
			k = replayKey("pair", ms[0][1], ms[1][1])
		}
	}
	rec, ok := r.records[k]
	return rec, ok
}

// Respond is a responder for WithResponder: the record's next answer, or
// a JSON error naming what was not found (which fails the schema, visibly).
func (r *Replay) Respond(req Request) string {
	rec, ok := r.Record(req)
	if !ok {
		return `{"error":"no recorded answer for this prompt"}`
	}
	r.mu.Lock()
	n := r.served[rec.File]
	r.served[rec.File]++
	r.mu.Unlock()
	a := rec.Answers[min(n, len(rec.Answers)-1)]
	var b bytes.Buffer
	if err := json.Compact(&b, a); err != nil {
		return string(a)
	}
	return b.String()
}

func replayKey(kind string, names ...string) string {
	ns := make([]string, len(names))
	for i, n := range names {
		ns[i] = strings.ToLower(strings.TrimSpace(n))
	}
	slices.Sort(ns)
	return kind + ":" + strings.Join(ns, "|")
}
