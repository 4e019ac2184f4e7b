package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/store"
)

// dashboard is where the site stands, in the figures an editor asks for
// first. The API (GET /api/dashboard) and the page (/review/dashboard) show
// the same value.
type dashboard struct {
	Pages int `json:"pages"`
	// Live: published (lifecycle.Published).
	Live int `json:"live"`
	// WaitingOnSections: the page itself is approved, and only a section
	// keeps it off the site.
	WaitingOnSections int `json:"waiting_on_sections"`
	// OneApprovalAway: in review without errors, its sections approved.
	OneApprovalAway int            `json:"one_approval_away"`
	InReview        int            `json:"in_review"`
	NeedsAttention  int            `json:"needs_attention"`
	AttentionBy     []reasonCount  `json:"needs_attention_by_reason"`
	States          map[string]int `json:"states"`
	Sections        map[string]int `json:"sections"`
	Usage           store.Usage    `json:"usage"` // tokens spent on every page and section, over all drafts
	Tokens          int            `json:"tokens"`
	// Cost is Usage in money at the configured price; null when no price
	// is configured (then Price is absent too).
	Cost  *float64 `json:"cost"`
	Price *Price   `json:"price,omitempty"`

	StateRows []stateRow `json:"-"` // the page's table of States and Sections, in lifecycle order
}

// Price is what the model charges, in money per million tokens.
type Price struct {
	Input  float64 `json:"input"`
	Output float64 `json:"output"`
}

// stateRow is one state with how many pages and sections are in it.
type stateRow struct {
	State           store.State
	Pages, Sections int
}

type reasonCount struct {
	Reason string `json:"reason"` // attentionReason: a rule id, or "unrecorded"
	Words  string `json:"words"`  // the reason for an editor
	Count  int    `json:"count"`
	URL    string `json:"-"` // the queue filtered to them; "" with no page
}

func (s *server) dashboard() dashboard {
	secs := s.svc.SectionsByID()
	d := dashboard{States: map[string]int{}, Sections: map[string]int{}}
	for _, st := range store.States {
		d.States[string(st)], d.Sections[string(st)] = 0, 0
	}
	reasons := map[string]int{}
	for _, p := range s.svc.Store.Pages() {
		d.Pages++
		d.States[string(p.State)]++
		d.Usage = d.Usage.Add(p.Usage)
		st := s.status(p, secs)
		switch {
		case st.Live:
			d.Live++
		case len(st.Blockers) > 0 && st.Blockers[0].Kind == store.KindSection:
			d.WaitingOnSections++ // the page is not among the blockers: it is ready
		}
		e, _ := finding.Count(p.Findings)
		if p.State == store.InReview {
			d.InReview++
			if e == 0 && s.oneAway(p, secs) {
				d.OneApprovalAway++
			}
		}
		if p.State == store.NeedsAttention {
			d.NeedsAttention++
			reasons[reasonOf(p)]++
		}
	}
	for _, r := range secs {
		d.Sections[string(r.State)]++
		d.Usage = d.Usage.Add(r.Usage)
	}
	for r, n := range reasons {
		d.AttentionBy = append(d.AttentionBy, reasonCount{Reason: r, Words: reasonWords(r), Count: n})
	}
	sort.Slice(d.AttentionBy, func(i, j int) bool {
		if d.AttentionBy[i].Count != d.AttentionBy[j].Count {
			return d.AttentionBy[i].Count > d.AttentionBy[j].Count
		}
		return d.AttentionBy[i].Reason < d.AttentionBy[j].Reason
	})
	if d.AttentionBy == nil {
		d.AttentionBy = []reasonCount{}
	}
	d.Tokens = d.Usage.Total()
	if p := s.price; p != nil {
		c := (float64(d.Usage.Prompt)*p.Input + float64(d.Usage.Completion)*p.Output) / 1e6
		d.Cost, d.Price = &c, p
	}
	for _, st := range store.States {
		d.StateRows = append(d.StateRows, stateRow{State: st, Pages: d.States[string(st)], Sections: d.Sections[string(st)]})
	}
	return d
}

// money shows an amount at a precision that says something: four places
// under 1 (a few thousand tokens cost a fraction of a cent), else two.
func money(v float64) string {
	if v < 1 {
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	cents := int64(math.Round(v * 100))
	return thousands(cents/100) + fmt.Sprintf(".%02d", cents%100)
}

// reasonURL is the queue of the pages needing attention for reason.
func reasonURL(reason string) string {
	return "/review?" + url.Values{"state": {string(store.NeedsAttention)}, "reason": {reason}}.Encode()
}

func (s *server) apiDashboard(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.dashboard())
}

func (s *server) uiDashboard(w http.ResponseWriter, r *http.Request) {
	d := s.dashboard()
	for i, rc := range d.AttentionBy {
		if rc.Count > 0 { // a reason no page has leads nowhere
			d.AttentionBy[i].URL = reasonURL(rc.Reason)
		}
	}
	s.render(w, r, "dashboard", http.StatusOK, view{Title: "Dashboard", Nav: "dashboard", Data: d})
}
