package web

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
)

// Publish status, as editors see it. Every judgement here asks
// lifecycle.Published, the one publish rule; nothing restates it.

// blocker is one record that keeps a page off the site.
type blocker struct {
	Kind  store.Kind  `json:"kind"`  // page or section
	Key   string      `json:"key"`   // the slug or the standard id
	Name  string      `json:"name"`  // what an editor calls it: the page title or the standard's short name
	State store.State `json:"state"` // its state ("" for a section never drafted)
	URL   string      `json:"review_url"`
}

// publishStatus says whether a page is live and, when it is not, what
// blocks it.
type publishStatus struct {
	Live     bool      `json:"live"`
	URL      string    `json:"url,omitempty"` // the public page, when live
	Blockers []blocker `json:"blocked_by"`
}

func partOf(m store.Meta, hasApproved bool) lifecycle.Part {
	return lifecycle.Part{State: m.State, HasApproved: hasApproved}
}

// approvedPart is a part as the rule wants it: approved, with a snapshot.
var approvedPart = lifecycle.Part{State: lifecycle.Approved, HasApproved: true}

// partReady reports whether one part lets the page be published, by
// asking the rule with the other two parts approved.
func partReady(p lifecycle.Part) bool { return lifecycle.Published(p, approvedPart, approvedPart) }

// status is p's publish status given its sections (a missing section is
// the zero record: never drafted).
func (s *server) status(p store.PageRecord, secs map[string]store.SectionRecord) publishStatus {
	a, b := secs[p.Standards[0]], secs[p.Standards[1]]
	pp := partOf(p.Meta, p.Approved != nil)
	pa, pb := partOf(a.Meta, a.Approved != nil), partOf(b.Meta, b.Approved != nil)
	if lifecycle.Published(pp, pa, pb) {
		return publishStatus{Live: true, URL: "/compare/" + p.Slug, Blockers: []blocker{}}
	}
	st := publishStatus{Blockers: []blocker{}}
	if !partReady(pp) {
		st.Blockers = append(st.Blockers, blocker{Kind: store.KindPage, Key: p.Slug, Name: p.Title, State: p.State, URL: "/review/pages/" + p.Slug})
	}
	for i, sec := range []store.SectionRecord{a, b} {
		part := []lifecycle.Part{pa, pb}[i]
		if partReady(part) {
			continue
		}
		std := p.Standards[i]
		st.Blockers = append(st.Blockers, blocker{Kind: store.KindSection, Key: std, Name: s.shortName(std), State: sec.State, URL: "/review/sections/" + std})
	}
	return st
}

// oneAway reports whether approving the page itself would publish it: its
// sections are approved and only the page waits.
func (s *server) oneAway(p store.PageRecord, secs map[string]store.SectionRecord) bool {
	a, b := secs[p.Standards[0]], secs[p.Standards[1]]
	return lifecycle.Published(approvedPart, partOf(a.Meta, a.Approved != nil), partOf(b.Meta, b.Approved != nil)) &&
		!lifecycle.Published(partOf(p.Meta, p.Approved != nil), partOf(a.Meta, a.Approved != nil), partOf(b.Meta, b.Approved != nil))
}

// shortName is a standard's short name from the profiles, else its id.
func (s *server) shortName(id string) string {
	if set := s.profiles(); set != nil {
		if p, ok := set.Get(id); ok && p.ShortName != "" {
			return p.ShortName
		}
	}
	return id
}

// profiles is the current set (the server may reload it), or nil.
func (s *server) profiles() *profile.Set {
	if s.svc.CurrentProfiles != nil {
		return s.svc.CurrentProfiles()
	}
	return s.svc.Profiles
}

// stateWords is a state as a sentence says it.
func stateWords(st store.State) string {
	if st == "" {
		return "not drafted yet"
	}
	return strings.ReplaceAll(string(st), "_", " ")
}

// What is the blocker as a sentence names it: "this page" or "section ISO 27701".
func (b blocker) What() string {
	if b.Kind == store.KindPage {
		return "this page"
	}
	return "section " + b.Name
}

// StateWords is the blocker's state in words.
func (b blocker) StateWords() string { return stateWords(b.State) }

// Sentence is the status as one line of plain text, for a flash.
func (st publishStatus) Sentence() string {
	if st.Live {
		return "Live at " + st.URL + "."
	}
	parts := make([]string, len(st.Blockers))
	for i, b := range st.Blockers {
		parts[i] = b.What() + ": " + b.StateWords()
	}
	return "Not live yet: waiting on " + strings.Join(parts, "; ") + "."
}

// viewStatus is the publish status of a page being viewed: its sections as
// the view read them (a missing one is the zero record).
func (s *server) viewStatus(v review.PageView) publishStatus {
	secs := map[string]store.SectionRecord{}
	for i, std := range v.Record.Standards {
		if v.HasSection[i] {
			secs[std] = v.Sections[i]
		}
	}
	return s.status(v.Record, secs)
}

// publicPath is a public page's path as a flash names it.
var publicPath = regexp.MustCompile(`/compare/[a-z0-9][a-z0-9-]*`)

// flashHTML is a flash as HTML: its text escaped, with each public page
// it names ("Live at /compare/…") a link, so the editor can go and look.
func flashHTML(s string) template.HTML {
	esc := template.HTMLEscapeString(s) // leaves a path of [a-z0-9-/] as it is
	return template.HTML(publicPath.ReplaceAllString(esc, `<a href="$0">$0</a>`))
}

// flashNamed is how many pages a section's approval flash names; past it
// the flash counts them and the list on the page names them.
const flashNamed = 3

// sectionApprovedFlash says what approving a section did for visitors:
// the pages it put live, by name and public path when they are few.
func (s *server) sectionApprovedFlash(imp review.Impact) string {
	wait := fmt.Sprintf("%d other page(s) of this standard still wait for their page or other section.", len(imp.Waiting))
	n := len(imp.Unblocked)
	if n == 0 {
		return "Approved. No page goes live with it yet: " + wait
	}
	if n > flashNamed {
		return fmt.Sprintf("Approved. %d pages are live with it, listed below; %s", n, wait)
	}
	titles := map[string]string{}
	for _, p := range s.svc.Store.Pages() {
		titles[p.Slug] = p.Title
	}
	live := make([]string, n)
	for i, slug := range imp.Unblocked {
		t := titles[slug]
		if t == "" {
			t = slug
		}
		live[i] = t + " at /compare/" + slug
	}
	return "Approved. Live now: " + strings.Join(live, "; ") + ". " + wait
}
