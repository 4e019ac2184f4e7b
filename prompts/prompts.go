// Package prompts holds the LLM prompt templates, embedded. A template's
// hash is its version: a draft records the hash of the prompt it came from,
// so editing a template marks what it wrote as stale.
//
// Every prompt gives the model the profile facts and tells it to state
// nothing else. The system part of each prompt does not depend on the data,
// so a provider's prompt cache can reuse it across calls.
package prompts

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/overlap"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

//go:embed *.tmpl
var files embed.FS

// common holds the partials every template uses.
const common = "common.tmpl"

// SectionData is the input of Section: the standard whose own section is drafted.
type SectionData struct {
	Profile *profile.Profile
}

// PairData is the input of Pair and WholePage: the pair, in page order,
// with what is on file about how they relate. Build it with NewPairData.
type PairData struct {
	A, B *profile.Profile
	// Relations are the curated relations between A and B, read from A's
	// side ((*profile.Set).Relations).
	Relations []profile.Relation
	// Overlap is the requirement-level overlap; nil when no mapping relates them.
	Overlap *page.Overlap
	// Together: one profile lists the other as commonly implemented with it.
	Together bool
}

// NewPairData gathers the pair's relation facts and overlap figures: the
// only relation claims the pair prompt lets the model make.
func NewPairData(a, b *profile.Profile) PairData {
	d := PairData{A: a, B: b, Overlap: overlap.For(a, b),
		Together: slices.Contains(a.Related, b.ID) || slices.Contains(b.Related, a.ID)}
	if set, err := profile.NewSet(a, b); err == nil {
		d.Relations = set.Relations(a.ID, b.ID)
	}
	return d
}

// RedraftData is the input of Redraft and Review: the last user turn of a
// conversation that already holds the original prompt and, as the
// assistant's turn, the previous answer (sent there once, never repeated
// here). Findings are what to fix (Redraft); Note is an editor's
// request-changes note (Review), repeated by Redraft while it stands.
type RedraftData struct {
	Findings []finding.Finding
	Note     string
}

// Template is one prompt: a system part and a user part.
type Template struct {
	name string
	tmpl *template.Template
	hash string
}

// Name is the template's file name, e.g. "pair.tmpl".
func (t *Template) Name() string { return t.name }

// Hash is the SHA-256 (hex) of the template's source and the partials it
// uses: the template's version.
func (t *Template) Hash() string { return t.hash }

// Render executes the template with data and returns the system and user
// messages.
func (t *Template) Render(data any) (system, user string, err error) {
	var sys, usr bytes.Buffer
	if err := t.tmpl.ExecuteTemplate(&sys, "system", data); err != nil {
		return "", "", fmt.Errorf("prompt %s: system: %w", t.name, err)
	}
	if err := t.tmpl.ExecuteTemplate(&usr, "user", data); err != nil {
		return "", "", fmt.Errorf("prompt %s: user: %w", t.name, err)
	}
	return strings.TrimSpace(sys.String()), strings.TrimSpace(usr.String()), nil
}

var (
	section   = mustLoad("section.tmpl")
	pair      = mustLoad("pair.tmpl")
	wholePage = mustLoad("wholepage.tmpl")
	redraft   = mustLoad("redraft.tmpl")
	review    = mustLoad("review.tmpl")
)

// Section drafts one standard's own section from its profile (SectionData).
func Section() *Template { return section }

// Pair drafts the per-pair part of a page: description, verdict,
// differences and FAQ (PairData).
func Pair() *Template { return pair }

// Redraft gives the model the findings against its previous answer, which
// is the conversation's assistant turn (RedraftData): a targeted revision,
// not a blind retry.
func Redraft() *Template { return redraft }

// Review gives the model an editor's request-changes note, to change only
// what it asks in its previous answer (RedraftData).
func Review() *Template { return review }

// WholePage drafts a whole page in one call (PairData). It exists only as
// the baseline of the token-cost benchmark: the pipeline drafts sections
// once per standard and the pair part per pair.
func WholePage() *Template { return wholePage }

// All returns every template, for listing and hashing.
func All() []*Template { return []*Template{section, pair, redraft, review, wholePage} }

func mustLoad(name string) *Template {
	t, err := load(files, name)
	if err != nil {
		panic(err)
	}
	return t
}

// load parses the named template with the common partials from fsys.
func load(fsys interface{ ReadFile(string) ([]byte, error) }, name string) (*Template, error) {
	h := sha256.New()
	t := template.New(name).Funcs(funcs).Option("missingkey=error")
	for _, f := range []string{common, name} {
		src, err := fsys.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("prompt %s: %w", name, err)
		}
		// Name and length frame each file so that moving text between
		// files changes the hash too.
		fmt.Fprintf(h, "%s %d\n", f, len(src))
		h.Write(src)
		if _, err := t.New(f).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("prompt %s: %w", name, err)
		}
	}
	for _, part := range []string{"system", "user"} {
		if t.Lookup(part) == nil {
			return nil, fmt.Errorf("prompt %s: no %q template", name, part)
		}
	}
	return &Template{name: name, tmpl: t, hash: hex.EncodeToString(h.Sum(nil))}, nil
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"yesno": func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	},
	// num writes 93 as "93" and 4.5 as "4.5": no spurious decimals for the
	// model to repeat.
	"num":  func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
	"list": func(ps ...*profile.Profile) []*profile.Profile { return ps },
	// bounds are the page's limits: the prompt states the same numbers the
	// schema and the validator hold.
	"bounds": page.Bounds,
}
