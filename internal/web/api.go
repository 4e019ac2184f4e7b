package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/versus-dev/versus/internal/apierr"
	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
)

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func apiError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// actionBody is the body of every review action; each uses its part.
type actionBody struct {
	Revision uint64        `json:"revision"`
	Note     string        `json:"note"`
	Text     string        `json:"text"`
	Pair     *page.Pair    `json:"pair"`
	Section  *page.Section `json:"section"`
}

// decode reads a JSON object into v; any error is the client's (400).
func decode(r *http.Request, v any) error { return DecodeJSON(r.Body, v) }

// DecodeJSON reads exactly one JSON value into v: unknown fields and
// anything after the value (trailing garbage, a second object) are
// refused. Every API body is read with it; an error is the client's (400).
func DecodeJSON(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("bad JSON body: larger than %d bytes", mbe.Limit)
		}
		return fmt.Errorf("bad JSON body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("bad JSON body: one value expected, and nothing after it")
	}
	return nil
}

// parseState reads ?state=, "" when absent.
func parseState(r *http.Request) (store.State, error) {
	st := store.State(r.URL.Query().Get("state"))
	if st != "" && !st.Valid() {
		return "", fmt.Errorf("unknown state %q; states: %s", st, statesList())
	}
	return st, nil
}

func statesList() string {
	var ss []string
	for _, s := range store.States {
		ss = append(ss, string(s))
	}
	return strings.Join(ss, ", ")
}

type pageItem struct {
	Slug      string      `json:"slug"`
	Title     string      `json:"title"`
	State     store.State `json:"state"`
	Revision  uint64      `json:"revision"`
	Updated   time.Time   `json:"updated"`
	Standards [2]string   `json:"standards"`
	Errors    int         `json:"errors"`
	Warnings  int         `json:"warnings"`
	Published bool        `json:"published"`
	ClaimedBy string      `json:"claimed_by,omitempty"`
	// Reason is why a page needing attention needs it (the dashboard's
	// needs_attention_by_reason); absent in other states.
	Reason string `json:"reason,omitempty"`
}

func (s *server) pageItem(p store.PageRecord, secs map[string]store.SectionRecord) pageItem {
	e, wn := finding.Count(p.Findings)
	it := pageItem{Slug: p.Slug, Title: p.Title, State: p.State, Revision: p.Revision, Updated: p.Updated,
		Standards: p.Standards, Errors: e, Warnings: wn, Published: s.svc.IsPublished(p, secs), Reason: reasonOf(p)}
	if p.Claim.Active(s.svc.Clock()) {
		it.ClaimedBy = p.Claim.By
	}
	return it
}

func (s *server) apiListPages(w http.ResponseWriter, r *http.Request) {
	_, signedIn := auth.UserFrom(r.Context())
	// A visitor's reason is refused before it is read: the refusal of an
	// unknown one names the reasons pages have.
	lq, err := s.parseListQuery(r.URL.Query(), defaultLimit)
	if err != nil && (signedIn || r.URL.Query().Get("reason") == "") {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	if !signedIn && ((lq.State != "" && lq.State != store.Approved) || lq.Findings != "" || lq.Claimed != "" || r.URL.Query().Get("reason") != "") {
		w.Header().Set("WWW-Authenticate", `Bearer realm="versus"`)
		apiError(w, http.StatusUnauthorized, "only approved pages are public, without their findings or claims; other states and those filters need an API token")
		return
	}
	secs := s.svc.SectionsByID()
	if !signedIn {
		// Visitors page through the published pages only, by slug.
		all, _ := s.svc.Queue(review.Filter{Standard: lq.Standard, Query: lq.Query})
		items := []publicItem{}
		for _, p := range all {
			if it, ok := s.publicItem(*p, secs); ok {
				items = append(items, it)
			}
		}
		shown, next := pageOf(items, func(it publicItem) string { return it.Slug }, lq.paging)
		writeJSON(w, http.StatusOK, map[string]any{"pages": shown, "total": len(items), "next": next})
		return
	}
	res := s.listPages(lq, secs)
	items := make([]pageItem, 0, len(res.rows))
	for _, p := range res.rows {
		items = append(items, s.pageItem(p, secs))
	}
	writeJSON(w, http.StatusOK, map[string]any{"pages": items, "total": res.total, "next": res.next,
		"counts": res.counts, "standards": res.perStandard, "reasons": res.perReason})
}

// publicItem is a page in the anonymous list: what the published page
// itself shows, and nothing of the work on it (who claimed it, revisions,
// finding counts, when a draft last moved).
type publicItem struct {
	Slug      string      `json:"slug"`
	Title     string      `json:"title"`
	State     store.State `json:"state"`
	Standards [2]string   `json:"standards"`
	Published bool        `json:"published"`
}

// publicItem returns p as visitors may see it; ok is false when it is not published.
func (s *server) publicItem(p store.PageRecord, secs map[string]store.SectionRecord) (publicItem, bool) {
	// What the site shows (store.Published): the approved snapshot, also
	// while a newer draft is in review.
	pg, ok := store.Published(p, secs[p.Standards[0]], secs[p.Standards[1]])
	if !ok {
		return publicItem{}, false
	}
	return publicItem{Slug: p.Slug, Title: pg.Title, State: store.Approved, Standards: p.Standards, Published: true}, true
}

type sectionItem struct {
	Standard  string            `json:"standard"`
	State     store.State       `json:"state"`
	Revision  uint64            `json:"revision"`
	Updated   time.Time         `json:"updated"`
	Errors    int               `json:"errors"`
	Warnings  int               `json:"warnings"`
	Findings  []finding.Finding `json:"findings,omitempty"`
	Exists    bool              `json:"exists"`
	ClaimedBy string            `json:"claimed_by,omitempty"`
}

func (s *server) sectionItem(r store.SectionRecord, exists, withFindings bool) sectionItem {
	e, wn := finding.Count(r.Findings)
	it := sectionItem{Standard: r.Standard, State: r.State, Revision: r.Revision, Updated: r.Updated, Errors: e, Warnings: wn, Exists: exists}
	if withFindings {
		it.Findings = nonNil(r.Findings)
	}
	if r.Claim.Active(s.svc.Clock()) {
		it.ClaimedBy = r.Claim.By
	}
	return it
}

func nonNil(fs []finding.Finding) []finding.Finding {
	if fs == nil {
		return []finding.Finding{}
	}
	return fs
}

func (s *server) apiGetPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	slug := r.PathValue("slug")
	if _, signedIn := auth.UserFrom(ctx); !signedIn {
		rec, pg, err := s.publishedPage(ctx, slug)
		switch {
		case errors.Is(err, store.ErrNotFound):
			apiError(w, http.StatusNotFound, "no page "+slug)
		case errors.Is(err, review.ErrNotPublished):
			w.Header().Set("WWW-Authenticate", `Bearer realm="versus"`)
			apiError(w, http.StatusUnauthorized, "this page is not published; reading it needs an API token")
		case err != nil:
			logErr(ctx, err, "published page")
			apiError(w, http.StatusInternalServerError, "cannot read the page now")
		default:
			// The published page only: no revision, no draft times.
			writeJSON(w, http.StatusOK, map[string]any{
				"slug": rec.Slug, "title": pg.Title, "state": store.Approved, "standards": rec.Standards,
				"page": pg, "markdown": string(page.Render(pg)),
			})
		}
		return
	}
	v, err := s.svc.Page(ctx, slug)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			apiError(w, http.StatusNotFound, "no page "+slug)
			return
		}
		logErr(ctx, err, "page view")
		apiError(w, http.StatusInternalServerError, "cannot read the page now")
		return
	}
	writeJSON(w, http.StatusOK, s.pageJSON(v))
}

// publishedPage is the page as the site shows it (store.Published: the
// approved snapshot, also while a newer draft is in review), so the public
// API and the public pages agree.
func (s *server) publishedPage(ctx context.Context, slug string) (store.PageRecord, page.Page, error) {
	rec, err := s.svc.Store.Page(ctx, slug)
	if err != nil {
		return rec, page.Page{}, err
	}
	var secs [2]store.SectionRecord
	for i, std := range rec.Standards {
		sec, err := s.svc.Store.Section(ctx, std)
		if errors.Is(err, store.ErrNotFound) {
			return rec, page.Page{}, fmt.Errorf("%s: %w", slug, review.ErrNotPublished)
		}
		if err != nil {
			return rec, page.Page{}, err
		}
		secs[i] = sec
	}
	pg, ok := store.Published(rec, secs[0], secs[1])
	if !ok {
		return rec, page.Page{}, fmt.Errorf("%s: %w", slug, review.ErrNotPublished)
	}
	return rec, pg, nil
}

func (s *server) pageJSON(v review.PageView) map[string]any {
	rec := v.Record
	secs := []sectionItem{}
	for i := range v.Sections {
		secs = append(secs, s.sectionItem(v.Sections[i], v.HasSection[i], true))
	}
	hist := v.History
	if hist == nil {
		hist = []store.Event{}
	}
	return map[string]any{
		"slug": rec.Slug, "title": rec.Title, "state": rec.State, "revision": rec.Revision,
		"updated": rec.Updated, "updated_by": rec.UpdatedBy, "standards": rec.Standards,
		"page": v.Page, "markdown": string(page.Render(v.Page)),
		"findings": nonNil(rec.Findings), "sections": secs, "history": hist,
		"usage": rec.Usage, "cost": v.Cost, "diff": v.Diffs, "published": v.Published,
		"claim": rec.Claim, "comments": rec.Comments, "note": rec.Note, "drafter": rec.Drafter,
		"publish": s.viewStatus(v),
	}
}

// actionStatus maps a review action's error to a status and message.
func actionStatus(err error) (int, string) { return apierr.Status(err) }

func (s *server) apiPageAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	slug, action := r.PathValue("slug"), r.PathValue("action")
	if !reviewActions[action] {
		noAction(w, action)
		return
	}
	var b actionBody
	if err := decode(r, &b); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	if action == "edit" && b.Pair == nil {
		apiError(w, http.StatusBadRequest, `edit needs the pair part: {"revision":N,"pair":{...}}`)
		return
	}
	u, _ := auth.UserFrom(ctx)
	rec, err := s.doPageAction(r, u.Name, slug, action, b)
	if err != nil {
		s.apiActionError(w, r, err, func() (any, error) {
			v, err := s.svc.Page(ctx, slug)
			if err != nil {
				return nil, err
			}
			return s.pageJSON(v), nil
		})
		return
	}
	e, wn := finding.Count(rec.Findings)
	out := map[string]any{
		"ok": true, "slug": rec.Slug, "state": rec.State, "revision": rec.Revision,
		"errors": e, "warnings": wn, "findings": nonNil(rec.Findings), "note": rec.Note, "claim": rec.Claim,
	}
	if action == "request-changes" && s.offline {
		out["warning"] = offlineNotes
	}
	writeJSON(w, http.StatusOK, out)
}

// offlineNotes is what a request for changes is told under the offline composer.
const offlineNotes = "the offline composer cannot follow notes: the redraft will bring back the same text; edit it yourself (POST …/edit) instead"

// reviewActions are what an editor may do to a page or a section.
var reviewActions = map[string]bool{"claim": true, "release": true, "comment": true, "edit": true, "approve": true, "reject": true, "request-changes": true}

func noAction(w http.ResponseWriter, action string) {
	apiError(w, http.StatusNotFound, "no action "+action+"; actions: claim, release, comment, edit, approve, reject, request-changes")
}

func (s *server) doPageAction(r *http.Request, actor, slug, action string, b actionBody) (store.PageRecord, error) {
	ctx := r.Context()
	switch action {
	case "claim":
		return s.svc.Claim(ctx, actor, slug, b.Revision)
	case "release":
		return s.svc.Release(ctx, actor, slug, b.Revision)
	case "comment":
		text := b.Text
		if text == "" {
			text = b.Note
		}
		return s.svc.Comment(ctx, actor, slug, b.Revision, text)
	case "edit":
		return s.svc.Edit(ctx, actor, slug, b.Revision, *b.Pair)
	case "approve":
		return s.svc.Approve(ctx, actor, slug, b.Revision, b.Note)
	case "reject":
		return s.svc.Reject(ctx, actor, slug, b.Revision, b.Note)
	case "request-changes":
		return s.svc.RequestChanges(ctx, actor, slug, b.Revision, b.Note)
	}
	return store.PageRecord{}, fmt.Errorf("unknown action %s", action)
}

// apiActionError answers a refused action; a conflict carries the current
// record so a client can show what changed meanwhile.
func (s *server) apiActionError(w http.ResponseWriter, r *http.Request, err error, current func() (any, error)) {
	code, msg := actionStatus(err)
	out := map[string]any{"error": msg}
	var fe *review.FindingsError
	if errors.As(err, &fe) {
		out["findings"] = fe.Findings
	}
	if code == http.StatusConflict {
		if cur, cerr := current(); cerr == nil {
			out["current"] = cur
		}
	}
	if code == http.StatusInternalServerError {
		logErr(r.Context(), err, "review action")
	}
	writeJSON(w, code, out)
}

func (s *server) apiBulkApprove(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Pages []review.BulkItem `json:"pages"`
		// Standard approves every clean page of the standard whose two
		// sections are approved (each goes live), instead of naming pages.
		Standard string `json:"standard"`
		Note     string `json:"note"`
	}
	if err := decode(r, &b); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	const usage = `name 1 to 500 pages, {"pages":[{"slug":"…","revision":N}]}, or a standard, {"standard":"gdpr"}`
	switch {
	case b.Standard != "" && len(b.Pages) > 0:
		apiError(w, http.StatusBadRequest, "name pages or a standard, not both: "+usage)
		return
	case b.Standard != "":
		if err := s.knownStandard(b.Standard); err != nil {
			apiError(w, http.StatusBadRequest, err.Error())
			return
		}
		u, _ := auth.UserFrom(r.Context())
		b.Pages = s.readyOf(b.Standard, u.Name)
	case len(b.Pages) == 0 || len(b.Pages) > 500:
		apiError(w, http.StatusBadRequest, usage)
		return
	}
	u, _ := auth.UserFrom(r.Context())
	res := s.svc.BulkApprove(r.Context(), u.Name, b.Pages, b.Note)
	ok := 0
	for _, x := range res {
		if x.OK {
			ok++
			s.awaitMirror(r.Context(), x.Slug, x.Revision) // a list read next holds the approvals
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": res, "approved": ok, "refused": len(res) - ok})
}

func (s *server) apiListSections(w http.ResponseWriter, r *http.Request) {
	st, err := parseState(r)
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	pg, err := parsePaging(r.URL.Query(), defaultLimit)
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	recs, counts := s.svc.SectionQueue(st)
	shown, next := pageOf(recs, func(r store.SectionRecord) string { return r.Standard }, pg)
	items := []sectionItem{}
	for _, rec := range shown {
		items = append(items, s.sectionItem(rec, true, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"sections": items, "counts": counts, "total": len(recs), "next": next})
}

func (s *server) sectionJSON(v review.SectionView) map[string]any {
	rec := v.Record
	hist := v.History
	if hist == nil {
		hist = []store.Event{}
	}
	return map[string]any{
		"standard": rec.Standard, "state": rec.State, "revision": rec.Revision, "updated": rec.Updated,
		"updated_by": rec.UpdatedBy, "section": rec.Section, "approved": rec.Approved,
		"findings": nonNil(rec.Findings), "history": hist, "usage": rec.Usage, "cost": v.Cost,
		"diff": v.Diffs, "pages": v.Pages, "unblocks": len(v.Impact.Unblocked),
		"unblocked_pages": v.Impact.Unblocked, "waiting": v.Impact.Waiting,
		"claim": rec.Claim, "comments": rec.Comments, "note": rec.Note, "drafter": rec.Drafter,
	}
}

func (s *server) apiGetSection(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Section(r.Context(), r.PathValue("id"))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			apiError(w, http.StatusNotFound, "no section "+r.PathValue("id"))
			return
		}
		logErr(r.Context(), err, "section view")
		apiError(w, http.StatusInternalServerError, "cannot read the section now")
		return
	}
	writeJSON(w, http.StatusOK, s.sectionJSON(v))
}

func (s *server) apiSectionAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	std, action := r.PathValue("id"), r.PathValue("action")
	if !reviewActions[action] {
		noAction(w, action)
		return
	}
	var b actionBody
	if err := decode(r, &b); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	if action == "edit" && b.Section == nil {
		apiError(w, http.StatusBadRequest, `edit needs the section: {"revision":N,"section":{...}}`)
		return
	}
	u, _ := auth.UserFrom(ctx)
	rec, imp, err := s.doSectionAction(r, u.Name, std, action, b)
	if err != nil {
		s.apiActionError(w, r, err, func() (any, error) {
			v, err := s.svc.Section(ctx, std)
			if err != nil {
				return nil, err
			}
			return s.sectionJSON(v), nil
		})
		return
	}
	e, wn := finding.Count(rec.Findings)
	out := map[string]any{
		"ok": true, "standard": rec.Standard, "state": rec.State, "revision": rec.Revision,
		"errors": e, "warnings": wn, "findings": nonNil(rec.Findings), "note": rec.Note, "claim": rec.Claim,
	}
	if imp != nil {
		out["unblocked"] = len(imp.Unblocked)
		out["unblocked_pages"] = imp.Unblocked
		out["waiting"] = imp.Waiting
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) doSectionAction(r *http.Request, actor, std, action string, b actionBody) (store.SectionRecord, *review.Impact, error) {
	ctx := r.Context()
	var rec store.SectionRecord
	var err error
	switch action {
	case "claim":
		rec, err = s.svc.ClaimSection(ctx, actor, std, b.Revision)
	case "release":
		rec, err = s.svc.ReleaseSection(ctx, actor, std, b.Revision)
	case "comment":
		text := b.Text
		if text == "" {
			text = b.Note
		}
		rec, err = s.svc.CommentSection(ctx, actor, std, b.Revision, text)
	case "edit":
		rec, err = s.svc.EditSection(ctx, actor, std, b.Revision, *b.Section)
	case "approve":
		a, err := s.svc.ApproveSection(ctx, actor, std, b.Revision, b.Note)
		return a.Record, &a.Impact, err
	case "reject":
		rec, err = s.svc.RejectSection(ctx, actor, std, b.Revision, b.Note)
	case "request-changes":
		rec, err = s.svc.RequestSectionChanges(ctx, actor, std, b.Revision, b.Note)
	default:
		err = fmt.Errorf("unknown action %s", action)
	}
	return rec, nil, err
}

// --- users and tokens (admin) ---

func (s *server) apiListUsers(w http.ResponseWriter, r *http.Request) {
	us, err := s.auth.Users(r.Context())
	if err != nil {
		logErr(r.Context(), err, "list users")
		apiError(w, http.StatusInternalServerError, "cannot list users now")
		return
	}
	shown, next, total, ok := pageList(w, r, us, func(u auth.User) string { return u.Name })
	if ok {
		writeJSON(w, http.StatusOK, map[string]any{"users": shown, "total": total, "next": next})
	}
}

func (s *server) apiCreateUser(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name     string    `json:"name"`
		Role     auth.Role `json:"role"`
		Password string    `json:"password"`
	}
	if err := decode(r, &b); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	u, err := s.auth.CreateUser(r.Context(), b.Name, b.Role, b.Password)
	if err != nil {
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

func (s *server) authError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, auth.ErrInvalid):
		apiError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, auth.ErrExists):
		apiError(w, http.StatusConflict, err.Error())
	case errors.Is(err, auth.ErrNotFound):
		apiError(w, http.StatusNotFound, err.Error())
	default:
		logErr(r.Context(), err, "accounts")
		apiError(w, http.StatusInternalServerError, "accounts are not available now")
	}
}

func (s *server) apiListTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := s.auth.Tokens(r.Context())
	if err != nil {
		s.authError(w, r, err)
		return
	}
	shown, next, total, ok := pageList(w, r, ts, func(t auth.Token) string { return t.ID })
	if ok {
		writeJSON(w, http.StatusOK, map[string]any{"tokens": shown, "total": total, "next": next})
	}
}

func (s *server) apiCreateToken(w http.ResponseWriter, r *http.Request) {
	var b struct {
		User  string `json:"user"`
		Label string `json:"label"`
	}
	if err := decode(r, &b); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	if b.User == "" {
		apiError(w, http.StatusBadRequest, `name the token's user: {"user":"…","label":"…"}`)
		return
	}
	raw, t, err := s.auth.CreateToken(r.Context(), b.User, b.Label)
	if err != nil {
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": raw, "id": t.ID, "user": t.User, "label": t.Label,
		"note": "this is the only time the token is shown; store it now"})
}

func (s *server) apiRevokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.RevokeToken(r.Context(), r.PathValue("id")); err != nil {
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "id": r.PathValue("id")})
}

// --- users' access and sessions (admin) ---

// userAction disables or enables a user. Disabling ends the user's
// sessions and stops their tokens at once; an admin may not disable
// themselves (so the last admin cannot lock everyone out by a slip).
func (s *server) userAction(r *http.Request, name, action string) error {
	var disable bool
	switch action {
	case "disable":
		disable = true
	case "enable":
	default:
		return fmt.Errorf("no action %q; actions: disable, enable: %w", action, auth.ErrNotFound)
	}
	if u, _ := auth.UserFrom(r.Context()); disable && u.Name == name {
		return fmt.Errorf("you cannot disable your own account; ask another admin: %w", auth.ErrInvalid)
	}
	return s.auth.SetDisabled(r.Context(), name, disable)
}

func (s *server) apiUserAction(w http.ResponseWriter, r *http.Request) {
	name, action := r.PathValue("name"), r.PathValue("action")
	if err := s.userAction(r, name, action); err != nil {
		s.authError(w, r, err)
		return
	}
	u, err := s.auth.User(r.Context(), name)
	if err != nil {
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *server) apiListSessions(w http.ResponseWriter, r *http.Request) {
	ss, err := s.auth.Sessions(r.Context())
	if err != nil {
		s.authError(w, r, err)
		return
	}
	shown, next, total, ok := pageList(w, r, ss, func(x auth.Session) string { return x.ID })
	if ok {
		writeJSON(w, http.StatusOK, map[string]any{"sessions": shown, "total": total, "next": next})
	}
}

func (s *server) apiEndSession(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.EndSessionID(r.Context(), r.PathValue("id")); err != nil {
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "id": r.PathValue("id")})
}

// pageList answers one page of an admin list (limit, cursor); ok is false
// when it has answered a bad request itself.
func pageList[T any](w http.ResponseWriter, r *http.Request, all []T, key func(T) string) (shown []T, next string, total int, ok bool) {
	pg, err := parsePaging(r.URL.Query(), defaultLimit)
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return nil, "", 0, false
	}
	shown, next = pageOf(all, key, pg)
	return shown, next, len(all), true
}
