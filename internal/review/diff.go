package review

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"

	"github.com/versus-dev/versus/internal/store"
)

// Change is one field that differs between two versions of a draft.
type Change struct {
	Path string `json:"path"` // record path, e.g. "faq[2].answer", "differences.scope.a"
	Old  string `json:"old"`
	New  string `json:"new"`
}

// Diff compares two values field by field through their JSON form, so the
// paths are the record's JSON paths (the same as findings' Field).
func Diff(old, new any) []Change {
	a, b := flatten(old), flatten(new)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	out := []Change{}
	for k := range keys {
		if a[k] != b[k] {
			out = append(out, Change{Path: k, Old: a[k], New: b[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return pathLess(out[i].Path, out[j].Path) })
	return out
}

// pathLess orders paths so that "faq[2]" comes before "faq[10]".
func pathLess(a, b string) bool {
	for a != "" && b != "" {
		na, ra := leadNum(a)
		nb, rb := leadNum(b)
		if na >= 0 && nb >= 0 {
			if na != nb {
				return na < nb
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func leadNum(s string) (int, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return -1, s
	}
	n, _ := strconv.Atoi(s[:i])
	return n, s[i:]
}

func flatten(v any) map[string]string {
	out := map[string]string{}
	if v == nil || (reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil()) {
		return out
	}
	data, err := json.Marshal(v)
	if err != nil {
		return out
	}
	var x any
	if json.Unmarshal(data, &x) != nil {
		return out
	}
	walk("", x, out)
	return out
}

func walk(path string, x any, out map[string]string) {
	switch t := x.(type) {
	case map[string]any:
		for k, v := range t {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walk(p, v, out)
		}
	case []any:
		for i, v := range t {
			walk(fmt.Sprintf("%s[%d]", path, i), v, out)
		}
	case string:
		if t != "" {
			out[path] = t
		}
	case nil:
	default:
		out[path] = fmt.Sprint(t)
	}
}

// Diffs are a draft's changes against its previous content and against
// what was last approved.
type Diffs struct {
	// Previous: against the latest earlier revision whose content differs
	// (claims and comments make revisions without changing the text).
	PreviousRevision uint64   `json:"previous_revision,omitempty"`
	Previous         []Change `json:"previous"`
	// Approved: against rec.Approved; HasApproved false when never approved.
	HasApproved bool     `json:"has_approved"`
	Approved    []Change `json:"approved"`
}

// PageDiffs computes a page's diffs.
func (s *Service) PageDiffs(ctx context.Context, rec store.PageRecord) (Diffs, error) {
	return diffs(ctx, s.pageOps(), rec, rec.Slug)
}

// SectionDiffs computes a section's diffs.
func (s *Service) SectionDiffs(ctx context.Context, rec store.SectionRecord) (Diffs, error) {
	return diffs(ctx, s.sectionOps(), rec, rec.Standard)
}

func diffs[T any](ctx context.Context, ops kindOps[T], rec T, key string) (Diffs, error) {
	d := Diffs{Previous: []Change{}, Approved: []Change{}}
	cur := ops.content(&rec)
	if a := ops.approved(&rec); a != nil && !reflect.ValueOf(a).IsNil() {
		d.HasApproved = true
		d.Approved = Diff(a, cur)
	}
	revs, err := ops.Revisions(ctx, key)
	if err != nil {
		return d, err
	}
	rev := ops.Meta(&rec).Revision
	for i := len(revs) - 1; i >= 0; i-- {
		if ops.Meta(&revs[i]).Revision >= rev {
			continue
		}
		if ch := Diff(ops.content(&revs[i]), cur); len(ch) > 0 {
			d.PreviousRevision, d.Previous = ops.Meta(&revs[i]).Revision, ch
			break
		}
	}
	return d, nil
}

// DraftCost is the tokens one draft (one "drafted" event) spent.
type DraftCost struct {
	Event store.Event `json:"event"`
	Usage store.Usage `json:"usage"`
}

// Cost is what a record's drafts cost, from its history.
type Cost struct {
	Drafts []DraftCost `json:"drafts"`
	Total  store.Usage `json:"total"`
}

// CostOf sums the Usage of the "drafted" events in history.
func CostOf(history []store.Event) Cost {
	c := Cost{Drafts: []DraftCost{}}
	for _, ev := range history {
		if ev.Type != "drafted" || ev.Usage == nil {
			continue
		}
		c.Drafts = append(c.Drafts, DraftCost{Event: ev, Usage: *ev.Usage})
		c.Total = c.Total.Add(*ev.Usage)
	}
	return c
}
