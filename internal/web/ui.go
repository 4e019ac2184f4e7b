package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/versus-dev/versus/internal/apierr"
	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/webhook"
)

// view is what every template gets.
type view struct {
	Title  string
	User   *auth.User
	CSRF   string
	Flash  string
	Error  string
	Status int
	Nav    string
	Data   any
}

func (s *server) render(w http.ResponseWriter, r *http.Request, name string, status int, v view) {
	if u, ok := auth.UserFrom(r.Context()); ok {
		v.User = &u
	}
	if v.CSRF == "" {
		v.CSRF = auth.CSRFToken(r.Context())
	}
	var buf bytes.Buffer
	if err := s.tpl.execute(&buf, name, v); err != nil {
		logErr(r.Context(), err, "render "+name)
		http.Error(w, "the page could not be shown", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *server) uiFail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, "error", status, view{Title: http.StatusText(status), Error: msg, Status: status})
}

// --- sign-in ---

type loginData struct {
	Next string
	Name string
}

// safeNext returns next when it is a path on this site, else /review. It
// judges what net/url (and so a browser) makes of next, and refuses what a
// browser could read as another host: control characters (a tab or a
// newline inside "//" is dropped by browsers), backslashes (read as
// slashes), scheme-relative "//", and the percent-encoded forms of these.
// What it returns is next as net/url serialises it.
func safeNext(next string) string {
	const home = "/review"
	if next == "" || len(next) > 2048 || !strings.HasPrefix(next, "/") {
		return home
	}
	// Undo up to three layers of percent-encoding and look at each.
	for i, s := 0, next; i < 4; i++ {
		for _, c := range s {
			if c < 0x20 || c == 0x7f || c == '\\' {
				return home
			}
		}
		if strings.HasPrefix(s, "//") {
			return home
		}
		u, err := url.PathUnescape(s)
		if err != nil {
			return home
		}
		if u == s {
			break
		}
		s = u
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	out := (&url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, Fragment: u.Fragment}).String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return home
	}
	return out
}

func (s *server) uiLogin(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.auth.CurrentUI(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	csrf := auth.LoginCSRF(w, r)
	s.render(w, r, "login", http.StatusOK, view{Title: "Sign in", CSRF: csrf, Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

func (s *server) uiLoginPost(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	name := r.PostFormValue("name")
	fail := func(code int, msg string) {
		csrf := auth.LoginCSRF(w, r)
		s.render(w, r, "login", code, view{Title: "Sign in", CSRF: csrf, Error: msg, Data: loginData{Next: next, Name: name}})
	}
	if !auth.CheckLoginCSRF(r) {
		fail(http.StatusForbidden, "The form expired; try again.")
		return
	}
	secret := r.PostFormValue("password")
	if t := strings.TrimSpace(r.PostFormValue("token")); t != "" {
		secret = t
	}
	login, err := s.auth.Login(r.Context(), s.auth.ClientAddr(r), name, secret)
	switch {
	case errors.Is(err, auth.ErrRateLimited):
		wait, _ := auth.RetryAfter(err)
		secs := max(1, int((wait+time.Second-1)/time.Second))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		fail(http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-ins. Wait %d seconds and try again.", secs))
		return
	case errors.Is(err, auth.ErrBadLogin):
		fail(http.StatusUnauthorized, "Wrong user name, password or token.")
		return
	case err != nil:
		logErr(r.Context(), err, "sign in")
		fail(http.StatusInternalServerError, "Sign-in is not available now.")
		return
	}
	if err := s.auth.StartSession(w, r, login); err != nil {
		logErr(r.Context(), err, "start session")
		fail(http.StatusInternalServerError, "Sign-in is not available now.")
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *server) uiLogout(w http.ResponseWriter, r *http.Request) {
	logErr(r.Context(), s.auth.StopSession(w, r), "end session")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// --- the queue ---

type queueTab struct {
	State store.State // "" for the "to review" tab
	Label string
	Count int
	URL   string
	On    bool
}

type queueRow struct {
	pageItem
	Age        string
	Approvable bool
	OneAway    bool // its sections are approved: approving the page publishes it

	Why string // the reason it needs attention, in words
}

// standardOpt is one standard in the queue's filter, with its count.
type standardOpt struct {
	ID, Name string
	Count    int
}

type queueData struct {
	Tabs      []queueTab
	State     store.State
	Open      bool // the "to review" tab: in review and needing attention
	Standard  string
	Query     string
	Findings  string
	Claimed   string
	Sort      string
	Standards []standardOpt
	Rows      []queueRow
	Total     int
	From, To  int // 1-based positions of the rows shown
	Next      string
	First     string // the first page, when this is not it
	Back      string
	Bulk      []review.BulkResult
	// Ready counts the clean pages of Standard whose sections are
	// approved: one bulk approval publishes them all.
	Ready        int
	StandardName string

	// Reason filters pages needing attention (attentionReason); Reasons
	// are offered where such pages are listed, AllReasons is this list
	// without the filter.
	Reason, ReasonWords, AllReasons string
	Reasons                         []reasonOpt
}

// queuePage is the rows of one queue page: a screenful that loads fast
// at any number of pages.
const queuePage = 50

func (s *server) standards() []string {
	seen := map[string]bool{}
	var out []string
	if set := s.profiles(); set != nil {
		for _, p := range set.All() {
			seen[p.ID] = true
			out = append(out, p.ID)
		}
	}
	for _, r := range s.svc.Store.Sections() {
		if !seen[r.Standard] {
			seen[r.Standard] = true
			out = append(out, r.Standard)
		}
	}
	return out
}

func (s *server) queueData(r *http.Request) (queueData, error) {
	q := r.URL.Query()
	open := q.Get("state") == "" || q.Get("state") == "open"
	if open {
		q.Del("state")
	}
	if q.Get("sort") == "" {
		q.Set("sort", "priority")
	}
	lq, err := s.parseListQuery(q, queuePage)
	if err != nil {
		return queueData{}, err
	}
	lq.Limit = min(lq.Limit, queuePage*2)
	lq.Open = open
	d := queueData{State: lq.State, Open: open, Standard: lq.Standard, Query: lq.Query, Findings: lq.Findings, Claimed: lq.Claimed, Sort: lq.Sort, Reason: lq.Reason}
	secs := s.svc.SectionsByID()
	res := s.listPages(lq, secs)
	// link is this list in state from cursor; reason is the reason
	// filter it keeps (the tabs drop it: it picks one state only).
	linkWith := func(state, cursor, reason string) string {
		v := url.Values{}
		if state != "" {
			v.Set("state", state)
		}
		for k, x := range map[string]string{"standard": d.Standard, "q": d.Query, "findings": d.Findings, "claimed": d.Claimed, "reason": reason} {
			if x != "" {
				v.Set(k, x)
			}
		}
		if d.Sort != "priority" {
			v.Set("sort", d.Sort)
		}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		if len(v) == 0 {
			return "/review"
		}
		return "/review?" + v.Encode()
	}
	link := func(state, cursor string) string { return linkWith(state, cursor, "") }
	cur := string(d.State)
	d.Tabs = append(d.Tabs, queueTab{Label: "To review", Count: res.counts[store.InReview] + res.counts[store.NeedsAttention], URL: link("", ""), On: open})
	for _, x := range store.States {
		d.Tabs = append(d.Tabs, queueTab{State: x, Label: strings.ReplaceAll(string(x), "_", " "), Count: res.counts[x], URL: link(string(x), ""), On: !open && x == d.State})
	}
	d.Back = linkWith(cur, q.Get("cursor"), d.Reason)
	if res.next != "" {
		d.Next = linkWith(cur, res.next, d.Reason)
	}
	if lq.After != "" {
		d.First = linkWith(cur, "", d.Reason)
	}
	if d.Reason != "" {
		d.AllReasons, d.ReasonWords = link(cur, ""), reasonWords(d.Reason)
	}
	if open || d.State == store.NeedsAttention {
		d.Reasons = reasonOpts(res.perReason, d.Reason)
	}
	d.Total, d.From, d.To = res.total, res.start+1, res.start+len(res.rows)
	if d.Standard != "" {
		u, _ := auth.UserFrom(r.Context())
		d.Ready, d.StandardName = len(s.readyOf(d.Standard, u.Name)), s.shortName(d.Standard)
	}
	for _, id := range s.standards() {
		d.Standards = append(d.Standards, standardOpt{ID: id, Name: s.shortName(id), Count: res.perStandard[id]})
	}
	now := s.svc.Clock()
	for _, p := range res.rows {
		it := s.pageItem(p, secs)
		reviewable := p.State == store.InReview || p.State == store.NeedsAttention
		row := queueRow{pageItem: it, Age: age(now, p.Updated),
			Approvable: it.Errors == 0 && reviewable, OneAway: it.Errors == 0 && reviewable && s.oneAway(p, secs)}
		if it.Reason != "" {
			row.Why = reasonWords(it.Reason)
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

func age(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func (s *server) uiQueue(w http.ResponseWriter, r *http.Request) {
	d, err := s.queueData(r)
	if err != nil {
		s.uiFail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	msg := flash(r)
	if slug := r.URL.Query().Get("page"); slug != "" && r.URL.Query().Get("done") == "approve" {
		if v, err := s.svc.Page(r.Context(), slug); err == nil {
			msg = "Approved " + v.Record.Title + ". " + s.viewStatus(v).Sentence()
		}
	}
	s.render(w, r, "queue", http.StatusOK, view{Title: "Review queue", Nav: "queue", Flash: msg, Data: d})
}

func flash(r *http.Request) string {
	switch r.URL.Query().Get("done") {
	case "claim":
		return "Claimed: it is yours for the next 15 minutes."
	case "release":
		return "Released."
	case "comment":
		return "Comment added."
	case "edit":
		return "Saved and checked."
	case "approve":
		return "Approved."
	case "reject":
		return "Rejected."
	case "request-changes":
		return "Sent back to be redrafted with your note."
	}
	return ""
}

func (s *server) uiBulkApprove(w http.ResponseWriter, r *http.Request) {
	var items []review.BulkItem
	for _, v := range r.PostForm["page"] {
		slug, rev, ok := strings.Cut(v, "@")
		n, err := strconv.ParseUint(rev, 10, 64)
		if !ok || err != nil {
			s.uiFail(w, r, http.StatusBadRequest, "bad selection "+v)
			return
		}
		items = append(items, review.BulkItem{Slug: slug, Revision: n})
	}
	if std := r.PostFormValue("standard"); std != "" && len(items) == 0 {
		if err := s.knownStandard(std); err != nil {
			s.uiFail(w, r, http.StatusBadRequest, err.Error())
			return
		}
		u, _ := auth.UserFrom(r.Context())
		items = s.readyOf(std, u.Name)
		if len(items) == 0 {
			s.uiFail(w, r, http.StatusConflict, "No clean page of "+s.shortName(std)+" has both sections approved now.")
			return
		}
	}
	if len(items) == 0 {
		s.uiFail(w, r, http.StatusBadRequest, "Select at least one page to approve.")
		return
	}
	u, _ := auth.UserFrom(r.Context())
	res := s.svc.BulkApprove(r.Context(), u.Name, items, "")
	for _, x := range res {
		if x.OK {
			s.awaitMirror(r.Context(), x.Slug, x.Revision) // the queue below shows the approvals
		}
	}
	// Show the queue as it was asked for, with the results on top.
	back, _ := url.Parse(safeNext(r.PostFormValue("back")))
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = back.RawQuery
	d, err := s.queueData(r2)
	if err != nil {
		d, _ = s.queueData(&http.Request{URL: &url.URL{}})
	}
	d.Bulk = res
	s.render(w, r, "queue", http.StatusOK, view{Title: "Review queue", Nav: "queue", Data: d})
}

// --- one page ---

type pageData struct {
	View      review.PageView
	HTML      template.HTML
	Findings  []shownFinding
	Errors    int
	Warnings  int
	Edit      page.Pair
	EditRows  []editRow
	EditFAQ   []page.QA
	Conflict  *conflict
	ClaimedBy string
	Claimed   bool // by the viewer
	CanEdit   bool
	Published bool
	Status    publishStatus
	Drafts    []review.DraftCost
	Can       actions
	Offline   bool // the drafter cannot follow notes
	Mine      *sinceMine
	// Draft is HTML cut where the part being edited in place (Editing)
	// shows its form, Editor; Editing "all" is the whole form.
	Draft   []draftSeg
	Editing string
	Editor  *partEditor
	Saved   *savedNote
}

// savedNote is what the page says after an edit: what was saved and what
// the check found, or that nothing changed.
type savedNote struct {
	Text      string
	Errors    int
	Part      string // the part saved, focused again after the save
	Unchanged bool
}

// actions are what the page's state allows (lifecycle's table), for the
// buttons an editor is offered.
type actions struct {
	Claim, Approve, Reject, Request, Edit bool
}

func allowedActions(st store.State) actions {
	return actions{
		Claim:   st == store.InReview || st == store.NeedsAttention || st == store.Stale,
		Approve: lifecycle.Allowed(st, lifecycle.Approve),
		Reject:  lifecycle.Allowed(st, lifecycle.Reject),
		Request: lifecycle.Allowed(st, lifecycle.RequestChanges),
		Edit:    lifecycle.Allowed(st, lifecycle.Edit) || lifecycle.Allowed(st, lifecycle.EditUnresolved),
	}
}

type editRow struct {
	Key    string // form key: scope, industry, ... or extra.N
	Aspect string
	Fixed  bool
	A, B   string
}

// conflict is what the page shows when a write lost to a newer revision.
type conflict struct {
	Yours   uint64
	Current uint64
	Changes []review.Change
	Events  []store.Event
}

// newConflict is what an editor whose write lost to a newer revision sees:
// the fields that changed since their revision and the events that did it.
func newConflict(yours, current uint64, changes []review.Change, history []store.Event, what string) (*conflict, string) {
	c := &conflict{Yours: yours, Current: current, Changes: changes}
	for _, ev := range history {
		if ev.Revision > yours {
			c.Events = append(c.Events, ev)
		}
	}
	return c, fmt.Sprintf("Not saved: this %s changed since you loaded it (you had revision %d, it is now at %d). See what changed below, then try again.", what, yours, current)
}

func collectFindings(v review.PageView) []shownFinding {
	var out []shownFinding
	add := func(fs []finding.Finding, src string) {
		for _, f := range fs {
			out = append(out, shownFinding{Finding: f, N: len(out) + 1, Source: src})
		}
	}
	add(v.Record.Findings, "page")
	for i, sec := range v.Sections {
		add(sec.Findings, v.Record.Standards[i])
	}
	return out
}

func (s *server) pageData(r *http.Request, v review.PageView) pageData {
	fs := collectFindings(v)
	h, fs := annotate(pageHTML(v.Page), fs)
	var folds [2]foldedSection
	for i := range folds {
		var st string // no section record yet: no state to show
		if v.HasSection[i] {
			st = string(v.Sections[i].State)
		}
		folds[i] = foldedSection{Standard: v.Record.Standards[i], Heading: v.Page.Sections[i].Heading, State: st}
	}
	h = pairFirst(h, folds)
	d := pageData{View: v, HTML: h, Findings: fs, Edit: v.Record.Pair, Published: v.Published, Drafts: v.Cost.Drafts, Status: s.viewStatus(v)}
	for _, f := range fs {
		if f.Severity == finding.Error {
			d.Errors++
		} else {
			d.Warnings++
		}
	}
	u, _ := auth.UserFrom(r.Context())
	if c := v.Record.Claim; c.Active(s.svc.Clock()) {
		d.ClaimedBy = c.By
		d.Claimed = c.By == u.Name
	}
	d.CanEdit = u.Role.Can(auth.RoleEditor)
	d.Can, d.Offline = allowedActions(v.Record.State), s.offline
	d.setEdit(v.Record.Pair)
	d.Mine = s.sinceMine(r.Context(), v, u.Name)
	d.editIn("", v.Record.Pair)
	return d
}

// pageBase is a page's review address.
func pageBase(slug string) string { return "/review/pages/" + url.PathEscape(slug) }

// editIn shows part (a validPart name, "all" for the whole form, "" for
// none) as a form in place, holding p's text: the record's, or the
// editor's after a refused save.
func (d *pageData) editIn(part string, p page.Pair) {
	r := d.View.Record
	can := d.CanEdit && d.Can.Edit
	if !can || !validPart(part) {
		part = ""
	}
	d.Editing, d.Editor = part, nil
	if part != "" && part != "all" {
		d.Editor = newPartEditor(pageBase(r.Slug), part, p, [2]string{d.View.Page.Sections[0].Heading, d.View.Page.Sections[1].Heading})
		if d.Editor == nil {
			d.Editing = "" // a part the page does not have (any more)
		}
	}
	d.setEdit(p)
	d.Draft = editableDraft(d.HTML, &inPlace{Base: pageBase(r.Slug), Pair: r.Pair, Can: can, Editing: d.Editing, Saved: d.Saved})
}

// sinceMine is what changed in the text since the viewer last acted on
// the page (approved, edited, commented, sent back, claimed), or nil when
// they never did or nothing changed since.
func (s *server) sinceMine(ctx context.Context, v review.PageView, user string) *sinceMine {
	for i := len(v.History) - 1; i >= 0; i-- {
		ev := v.History[i]
		if ev.Actor != user || ev.Revision == 0 {
			continue
		}
		switch ev.Type {
		case "approved", "edited", "commented", "changes_requested", "rejected", review.EvClaimed, review.EvReleased:
		default:
			continue
		}
		if ev.Revision >= v.Record.Revision {
			return nil
		}
		m := &sinceMine{Revision: ev.Revision, What: happened(store.Event{Type: ev.Type}), Time: ev.Time}
		old, err := s.svc.Store.PageAt(ctx, v.Record.Slug, ev.Revision)
		if err != nil {
			m.Gone = true // the store keeps a bounded history
			return m
		}
		m.Changes = review.Diff(old.Pair, v.Record.Pair)
		return m
	}
	return nil
}

// sinceMine is the page's changes since the viewer's last action on it.
type sinceMine struct {
	Revision uint64
	What     string // what they did, in words
	Time     time.Time
	Changes  []review.Change
	Gone     bool // that revision is no longer kept
}

func (d *pageData) setEdit(p page.Pair) {
	d.Edit = p
	d.EditRows = nil
	keys := []string{"scope", "industry", "nature", "testing", "penalties"}
	for i, row := range p.Differences.Rows() {
		k := ""
		if i < 5 {
			k = keys[i]
		} else {
			k = fmt.Sprintf("extra.%d", i-5)
		}
		d.EditRows = append(d.EditRows, editRow{Key: k, Aspect: row.Aspect, Fixed: i < 5, A: row.A, B: row.B})
	}
	d.EditRows = append(d.EditRows, editRow{Key: fmt.Sprintf("extra.%d", len(p.Differences.Extra))})
	d.EditFAQ = append(append([]page.QA(nil), p.FAQ...), page.QA{}, page.QA{})
}

func (s *server) uiPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Page(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.viewError(w, r, err, "page")
		return
	}
	d := s.pageData(r, v)
	q := r.URL.Query()
	msg := flash(r)
	switch q.Get("done") {
	case "approve":
		// Say what the approval did for visitors, not only that it was done.
		msg = "Approved. " + d.Status.Sentence()
	case "edit", "unchanged":
		d.Saved, msg = savedNoteFor(q, v.Record.Findings), ""
	}
	d.editIn(q.Get("edit"), v.Record.Pair)
	s.render(w, r, "page", http.StatusOK, view{Title: v.Record.Title, Nav: "queue", Flash: msg, Data: d})
}

func (s *server) viewError(w http.ResponseWriter, r *http.Request, err error, what string) {
	if errors.Is(err, store.ErrNotFound) {
		s.uiFail(w, r, http.StatusNotFound, "There is no such "+what+".")
		return
	}
	logErr(r.Context(), err, what+" view")
	s.uiFail(w, r, http.StatusInternalServerError, "The "+what+" cannot be shown now.")
}

func formRevision(r *http.Request) (uint64, error) {
	n, err := strconv.ParseUint(r.PostFormValue("revision"), 10, 64)
	if err != nil || n == 0 {
		return 0, errors.New("the form has no revision; reload the page")
	}
	return n, nil
}

// partWords names a part of the pair in a sentence.
func partWords(part string) string {
	switch {
	case part == "description":
		return "the description"
	case part == "verdict":
		return "the quick verdict"
	case strings.HasPrefix(part, "diff.extra."):
		n, _ := strconv.Atoi(strings.TrimPrefix(part, "diff.extra."))
		return fmt.Sprintf("extra row %d of the differences table", n+1)
	case strings.HasPrefix(part, "diff."):
		k := strings.TrimPrefix(part, "diff.")
		for i, f := range fixedKeys {
			if f == k {
				return "the " + page.FixedAspects[i] + " row"
			}
		}
	case strings.HasPrefix(part, "faq."):
		n, _ := strconv.Atoi(strings.TrimPrefix(part, "faq."))
		return fmt.Sprintf("question %d", n+1)
	}
	return "the pair part"
}

// savedNoteFor is the note after an edit redirected here (done=edit or
// unchanged, part=…), with the page's own findings as the check left them.
func savedNoteFor(q url.Values, fs []finding.Finding) *savedNote {
	return savedNoteWith(q, fs, validPart, partWords, "the page")
}

// savedNoteWith is savedNoteFor for a record kind: its part names, their
// words, and the record's name.
func savedNoteWith(q url.Values, fs []finding.Finding, valid func(string) bool, partWords func(string) string, record string) *savedNote {
	part := q.Get("part")
	if !valid(part) {
		part = "all"
	}
	n := &savedNote{Part: part}
	if q.Get("done") == "unchanged" {
		n.Unchanged = true
		n.Text = "Nothing changed in " + partWords(part) + ": nothing was saved, the revision is the same."
		return n
	}
	errs, warns := finding.Count(fs)
	n.Errors = errs
	switch {
	case errs+warns == 0:
		n.Text = "Saved " + partWords(part) + " and checked " + record + ": no findings."
	default:
		n.Text = fmt.Sprintf("Saved %s and checked %s: %s.", partWords(part), record, countWords(errs, warns))
		if errs > 0 {
			n.Text += " It cannot be approved until the errors are fixed."
		}
	}
	return n
}

func (s *server) uiPageAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	slug, action := r.PathValue("slug"), r.PathValue("action")
	if !reviewActions[action] {
		s.uiFail(w, r, http.StatusNotFound, "There is no such action.")
		return
	}
	rev, err := formRevision(r)
	if err != nil {
		s.uiFail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	b := actionBody{Revision: rev, Note: r.PostFormValue("note"), Text: r.PostFormValue("text")}
	var edited *page.Pair
	part := ""
	if action == "edit" {
		cur, cerr := s.svc.Store.Page(ctx, slug)
		if cerr != nil {
			s.viewError(w, r, cerr, "page")
			return
		}
		p, perr := pairFromForm(r.PostForm, cur.Pair)
		if perr != nil {
			s.uiFail(w, r, http.StatusBadRequest, perr.Error())
			return
		}
		b.Pair, edited = &p, &p
		if part = r.PostFormValue("part"); part == "" {
			part = "all"
		}
	}
	u, _ := auth.UserFrom(ctx)
	done, err := s.doPageAction(r, u.Name, slug, action, b)
	if err == nil && action == "edit" {
		// Back to the part saved, saying what the save did: a save that
		// changed nothing keeps the revision it was given.
		what := "edit"
		if done.Revision == rev {
			what = "unchanged"
		}
		http.Redirect(w, r, "/review/pages/"+url.PathEscape(slug)+"?done="+what+"&part="+url.QueryEscape(part)+"#"+partAnchor(part), http.StatusSeeOther)
		return
	}
	if err == nil {
		if back := r.PostFormValue("back"); back != "" {
			s.awaitMirror(ctx, slug, done.Revision) // the list it goes back to shows the action
			to := safeNext(back)
			if action == "approve" {
				// The queue says what the approval did for this page.
				if u, perr := url.Parse(to); perr == nil {
					q := u.Query()
					q.Set("done", "approve")
					q.Set("page", slug)
					u.RawQuery = q.Encode()
					to = u.String()
				}
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/review/pages/"+url.PathEscape(slug)+"?done="+action, http.StatusSeeOther)
		return
	}
	code, msg := actionStatus(err)
	if code == http.StatusInternalServerError {
		logErr(ctx, err, "review action")
	}
	v, verr := s.svc.Page(ctx, slug)
	if verr != nil {
		s.viewError(w, r, verr, "page")
		return
	}
	d := s.pageData(r, v)
	if errors.Is(err, store.ErrConflict) {
		var changes []review.Change
		if old, oerr := s.svc.Store.PageAt(ctx, slug, rev); oerr == nil {
			changes = review.Diff(old.Pair, v.Record.Pair)
		}
		d.Conflict, msg = newConflict(rev, v.Record.Revision, changes, v.History, "page")
	}
	if edited != nil {
		d.editIn(part, *edited) // keep the editor's text in the form, where it was edited
	}
	s.render(w, r, "page", code, view{Title: v.Record.Title, Nav: "queue", Error: msg, Data: d})
}

// --- sections ---

type sectionRow struct {
	sectionItem
	Age      string
	Unblocks int
	Pages    int
}

type sectionsData struct {
	Tabs  []queueTab
	State store.State
	Rows  []sectionRow
}

func (s *server) uiSections(w http.ResponseWriter, r *http.Request) {
	st := store.State(r.URL.Query().Get("state"))
	if st != "" && !st.Valid() {
		s.uiFail(w, r, http.StatusBadRequest, "unknown state")
		return
	}
	recs, counts := s.svc.SectionQueue(st)
	d := sectionsData{State: st}
	d.Tabs = append(d.Tabs, queueTab{State: "", Count: len(s.svc.Store.Sections()), URL: "/review/sections", On: st == ""})
	for _, x := range store.States {
		d.Tabs = append(d.Tabs, queueTab{State: x, Count: counts[x], URL: "/review/sections?state=" + string(x), On: x == st})
	}
	now := s.svc.Clock()
	for _, rec := range recs {
		row := sectionRow{sectionItem: s.sectionItem(rec, true, false), Age: age(now, rec.Updated)}
		if imp, err := s.svc.SectionImpact(r.Context(), rec.Standard); err == nil {
			row.Unblocks, row.Pages = len(imp.Unblocked), len(imp.Unblocked)+len(imp.Waiting)
		}
		d.Rows = append(d.Rows, row)
	}
	s.render(w, r, "sections", http.StatusOK, view{Title: "Standard sections", Nav: "sections", Data: d})
}

type sectionData struct {
	View      review.SectionView
	HTML      template.HTML
	Findings  []shownFinding
	Errors    int
	Warnings  int
	Edit      page.Section
	Conflict  *conflict
	ClaimedBy string
	Claimed   bool
	CanEdit   bool
	Drafts    []review.DraftCost
	Approved  *review.Impact
	// Unblocks are the pages this section's approval publishes (or
	// published), by name; More counts those left out of the list.
	Unblocks []pageLink
	More     int
	Can      actions
	Offline  bool
	// Draft, Editing, Editor and Saved: editing in place, as on a page.
	Draft   []draftSeg
	Editing string
	Editor  *partEditor
	Saved   *savedNote
}

// editIn shows a section's part as a form in place, holding sec's text.
func (d *sectionData) editIn(part string, sec page.Section) {
	std := d.View.Record.Standard
	can := d.CanEdit && d.Can.Edit
	if !can || !validSectionPart(part) {
		part = ""
	}
	d.Editing, d.Editor, d.Edit = part, nil, sec
	if part != "" && part != "all" {
		d.Editor = newSectionEditor(std, part, sec)
	}
	d.Draft = editableSection(d.HTML, &inPlace{Base: sectionBase(std), Can: can, Editing: part, Saved: d.Saved, First: sectionFirstField})
}

// pageLink names a page with its review link.
type pageLink struct{ Slug, Title string }

// maxLinks bounds the pages a section's view lists by name.
const maxLinks = 40

func (s *server) sectionData(r *http.Request, v review.SectionView) sectionData {
	var fs []shownFinding
	for _, f := range v.Record.Findings {
		fs = append(fs, shownFinding{Finding: f, N: len(fs) + 1, Source: v.Record.Standard})
	}
	h, fs := annotate(safeMarkdown(sectionMarkdown(literalHTML(v.Record.Section))), fs)
	d := sectionData{View: v, HTML: h, Findings: fs, Edit: v.Record.Section, Drafts: v.Cost.Drafts}
	d.Errors, d.Warnings = finding.Count(v.Record.Findings)
	u, _ := auth.UserFrom(r.Context())
	if c := v.Record.Claim; c.Active(s.svc.Clock()) {
		d.ClaimedBy = c.By
		d.Claimed = c.By == u.Name
	}
	d.CanEdit = u.Role.Can(auth.RoleEditor)
	d.Can, d.Offline = allowedActions(v.Record.State), s.offline
	titles := map[string]string{}
	for _, p := range s.svc.Store.Pages() {
		titles[p.Slug] = p.Title
	}
	for i, slug := range v.Impact.Unblocked {
		if i == maxLinks {
			d.More = len(v.Impact.Unblocked) - maxLinks
			break
		}
		t := titles[slug]
		if t == "" {
			t = slug
		}
		d.Unblocks = append(d.Unblocks, pageLink{Slug: slug, Title: t})
	}
	d.editIn("", v.Record.Section)
	return d
}

func (s *server) uiSection(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Section(r.Context(), r.PathValue("id"))
	if err != nil {
		s.viewError(w, r, err, "section")
		return
	}
	d := s.sectionData(r, v)
	q := r.URL.Query()
	fl := flash(r)
	switch q.Get("done") {
	case "approve":
		fl = s.sectionApprovedFlash(v.Impact)
	case "edit", "unchanged":
		d.Saved, fl = savedNoteWith(q, v.Record.Findings, validSectionPart, sectionPartWords, "the section"), ""
	}
	d.editIn(q.Get("edit"), v.Record.Section)
	s.render(w, r, "section", http.StatusOK, view{Title: v.Record.Section.Heading + " (section)", Nav: "sections", Flash: fl, Data: d})
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "- "))
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *server) uiSectionAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	std, action := r.PathValue("id"), r.PathValue("action")
	if !reviewActions[action] {
		s.uiFail(w, r, http.StatusNotFound, "There is no such action.")
		return
	}
	rev, err := formRevision(r)
	if err != nil {
		s.uiFail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	b := actionBody{Revision: rev, Note: r.PostFormValue("note"), Text: r.PostFormValue("text")}
	var edited *page.Section
	part := ""
	if action == "edit" {
		cur, cerr := s.svc.Store.Section(ctx, std)
		if cerr != nil {
			s.viewError(w, r, cerr, "section")
			return
		}
		sec, perr := sectionFromForm(r.PostForm, cur.Section)
		if perr != nil {
			s.uiFail(w, r, http.StatusBadRequest, perr.Error())
			return
		}
		b.Section, edited = &sec, &sec
		if part = r.PostFormValue("part"); part == "" {
			part = "all"
		}
	}
	u, _ := auth.UserFrom(ctx)
	done, _, err := s.doSectionAction(r, u.Name, std, action, b)
	if err == nil && action == "edit" {
		what := "edit"
		if done.Revision == rev {
			what = "unchanged" // a save that changed nothing wrote nothing
		}
		http.Redirect(w, r, sectionBase(std)+"?done="+what+"&part="+url.QueryEscape(part)+"#"+partAnchor(part), http.StatusSeeOther)
		return
	}
	if err == nil {
		http.Redirect(w, r, "/review/sections/"+url.PathEscape(std)+"?done="+action, http.StatusSeeOther)
		return
	}
	code, msg := actionStatus(err)
	if code == http.StatusInternalServerError {
		logErr(ctx, err, "review action")
	}
	v, verr := s.svc.Section(ctx, std)
	if verr != nil {
		s.viewError(w, r, verr, "section")
		return
	}
	d := s.sectionData(r, v)
	if errors.Is(err, store.ErrConflict) {
		var changes []review.Change
		if old, oerr := s.svc.Store.SectionAt(ctx, std, rev); oerr == nil {
			changes = review.Diff(old.Section, v.Record.Section)
		}
		d.Conflict, msg = newConflict(rev, v.Record.Revision, changes, v.History, "section")
	}
	if edited != nil {
		d.editIn(part, *edited) // keep the editor's text in the form, where it was edited
	}
	s.render(w, r, "section", code, view{Title: v.Record.Section.Heading + " (section)", Nav: "sections", Error: msg, Data: d})
}

// --- admin ---

type adminData struct {
	Users    []auth.User
	Tokens   []auth.Token
	Sessions []auth.Session
	Me       string
	Current  string // the viewer's own session
	Roles    []auth.Role
	NewToken string
	NewFor   string
	// Hooks says webhooks are configured; Deliveries are their last attempts.
	Hooks      bool
	Deliveries []webhook.Attempt
}

// deliveriesShown is how many webhook attempts the admin page lists; the
// API (GET /api/webhooks/deliveries?limit=N) gives more.
const deliveriesShown = 50

func (s *server) adminView(w http.ResponseWriter, r *http.Request, status int, v view, d adminData) {
	ctx := r.Context()
	var err error
	if d.Users, err = s.auth.Users(ctx); err == nil {
		if d.Tokens, err = s.auth.Tokens(ctx); err == nil {
			d.Sessions, err = s.auth.Sessions(ctx)
		}
	}
	if u, ok := auth.UserFrom(ctx); ok {
		d.Me = u.Name
	}
	if cur, ok := auth.SessionFrom(ctx); ok {
		d.Current = cur.ID
	}
	if err != nil {
		logErr(ctx, err, "admin")
		s.uiFail(w, r, http.StatusInternalServerError, "Accounts are not available now.")
		return
	}
	if s.deliveries != nil {
		d.Hooks = true
		if d.Deliveries, err = s.deliveries.Log(ctx, deliveriesShown); err != nil {
			// The accounts are what this page is for: show them without the log.
			logErr(ctx, err, "webhook log")
			v.Error = "The webhook delivery log is not available now."
		}
	}
	d.Roles = auth.Roles
	v.Title, v.Nav, v.Data = "Users, tokens and sessions", "admin", d
	s.render(w, r, "admin", status, v)
}

func (s *server) uiAdmin(w http.ResponseWriter, r *http.Request) {
	v := view{}
	switch r.URL.Query().Get("done") {
	case "user":
		v.Flash = "User created."
	case "revoke":
		v.Flash = "Token revoked; the sessions signed in with it have ended."
	case "disable":
		v.Flash = "User disabled: their sessions have ended and their tokens no longer work."
	case "enable":
		v.Flash = "User enabled."
	case "end":
		v.Flash = "Session ended."
	}
	s.adminView(w, r, http.StatusOK, v, adminData{})
}

func adminStatus(err error) int {
	code, _ := apierr.Status(err)
	return code
}

// adminFail shows the admin page with what went wrong: the error table's
// words for refusals the admin can act on, a fixed sentence (and the log)
// for anything internal, never an internal error's text.
func (s *server) adminFail(w http.ResponseWriter, r *http.Request, err error, what string) {
	code, msg := apierr.Status(err)
	if code == http.StatusInternalServerError {
		logErr(r.Context(), err, what)
		msg = "That could not be done now (" + what + "); try again, or see the server log."
	}
	s.adminView(w, r, code, view{Error: msg}, adminData{})
}

func (s *server) uiAdminCreateUser(w http.ResponseWriter, r *http.Request) {
	_, err := s.auth.CreateUser(r.Context(), strings.TrimSpace(r.PostFormValue("name")), auth.Role(r.PostFormValue("role")), r.PostFormValue("password"))
	if err != nil {
		s.adminFail(w, r, err, "create user")
		return
	}
	http.Redirect(w, r, "/admin?done=user", http.StatusSeeOther)
}

func (s *server) uiAdminCreateToken(w http.ResponseWriter, r *http.Request) {
	user := strings.TrimSpace(r.PostFormValue("user"))
	raw, _, err := s.auth.CreateToken(r.Context(), user, r.PostFormValue("label"))
	if err != nil {
		s.adminFail(w, r, err, "create token")
		return
	}
	// Shown once, in this response only (no redirect: it would need the
	// token in a URL or a cookie).
	s.adminView(w, r, http.StatusOK, view{Flash: "Token created. Copy it now: it is not shown again."}, adminData{NewToken: raw, NewFor: user})
}

func (s *server) uiAdminRevokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.RevokeToken(r.Context(), r.PathValue("id")); err != nil {
		s.adminFail(w, r, err, "revoke token")
		return
	}
	http.Redirect(w, r, "/admin?done=revoke", http.StatusSeeOther)
}

func (s *server) uiAdminUserAction(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	if err := s.userAction(r, r.PathValue("name"), action); err != nil {
		s.adminFail(w, r, err, "user "+action)
		return
	}
	http.Redirect(w, r, "/admin?done="+url.QueryEscape(action), http.StatusSeeOther)
}

func (s *server) uiAdminEndSession(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.EndSessionID(r.Context(), r.PathValue("id")); err != nil {
		s.adminFail(w, r, err, "end session")
		return
	}
	http.Redirect(w, r, "/admin?done=end", http.StatusSeeOther)
}
