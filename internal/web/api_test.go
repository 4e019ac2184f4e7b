package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/store"
)

func body(rev uint64, note string) map[string]any {
	return map[string]any{"revision": rev, "note": note}
}

func TestAPIRefusals(t *testing.T) {
	e := newEnv(t)
	cur := e.page(cleanPage).Revision
	cases := []struct {
		name   string
		method string
		path   string
		user   string
		body   any
		want   int
	}{
		{"list in review without token", "GET", "/api/pages?state=in_review", "", nil, 401},
		{"list with invalid token", "GET", "/api/pages?state=in_review", "vs_notavalidtoken", nil, 401},
		{"list unknown state", "GET", "/api/pages?state=lost", "vic", nil, 400},
		{"list bad sort", "GET", "/api/pages?sort=size", "vic", nil, 400},
		{"viewer reads queue", "GET", "/api/pages?state=in_review", "vic", nil, 200},
		{"read unpublished page without token", "GET", "/api/pages/" + cleanPage, "", nil, 401},
		{"read unknown page", "GET", "/api/pages/no-vs-such", "vic", nil, 404},
		{"approve without token", "POST", "/api/pages/" + cleanPage + "/approve", "", body(cur, ""), 401},
		{"approve with invalid token", "POST", "/api/pages/" + cleanPage + "/approve", "vs_bad", body(cur, ""), 401},
		{"viewer approves", "POST", "/api/pages/" + cleanPage + "/approve", "vic", body(cur, ""), 403},
		{"bad body", "POST", "/api/pages/" + cleanPage + "/approve", "ed", `{"revision":`, 400},
		{"revision as string", "POST", "/api/pages/" + cleanPage + "/approve", "ed", `{"revision":"7"}`, 400},
		{"unknown field", "POST", "/api/pages/" + cleanPage + "/approve", "ed", `{"revision":1,"nope":true}`, 400},
		{"no revision", "POST", "/api/pages/" + cleanPage + "/approve", "ed", `{}`, 400},
		{"unknown slug", "POST", "/api/pages/no-vs-such/approve", "ed", body(1, ""), 404},
		{"unknown action", "POST", "/api/pages/" + cleanPage + "/publish", "ed", body(cur, ""), 404},
		{"stale revision", "POST", "/api/pages/" + xssPage + "/approve", "ed", body(e.page(xssPage).Revision-1, ""), 409},
		{"request changes without note", "POST", "/api/pages/" + cleanPage + "/request-changes", "ed", body(cur, " "), 400},
		{"edit without pair", "POST", "/api/pages/" + cleanPage + "/edit", "ed", body(cur, ""), 400},
		{"comment without text", "POST", "/api/pages/" + cleanPage + "/comment", "ed", body(cur, ""), 400},
		{"editor lists users", "GET", "/api/users", "ed", nil, 403},
		{"editor makes a token", "POST", "/api/tokens", "ed", map[string]any{"user": "ed"}, 403},
		{"viewer section approve", "POST", "/api/sections/gdpr/approve", "vic", body(1, ""), 403},
		{"unknown section", "GET", "/api/sections/nope", "vic", nil, 404},
		{"sections without token", "GET", "/api/sections", "", nil, 401},
		{"bulk empty", "POST", "/api/pages/bulk-approve", "ed", map[string]any{"pages": []any{}}, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := e.do(c.method, c.path, c.user, c.body)
			if code != c.want {
				t.Fatalf("got %d, want %d: %v", code, c.want, out)
			}
			if code >= 400 && out["error"] == nil {
				t.Fatalf("refusal without an error message: %v", out)
			}
		})
	}
	// None of the refusals changed the page.
	if got := e.page(cleanPage); got.Revision != cur || got.State != store.InReview {
		t.Fatalf("refused requests changed the page: rev %d state %s", got.Revision, got.State)
	}
}

func TestAPIConflictCarriesCurrentRecord(t *testing.T) {
	e := newEnv(t)
	old := e.page(cleanPage).Revision
	if code, out := e.do("POST", "/api/pages/"+cleanPage+"/claim", "eve", body(old, "")); code != 200 {
		t.Fatalf("claim: %d %v", code, out)
	}
	code, out := e.do("POST", "/api/pages/"+cleanPage+"/approve", "ed", body(old, ""))
	if code != http.StatusConflict {
		t.Fatalf("approve at old revision: %d %v", code, out)
	}
	cur, _ := out["current"].(map[string]any)
	if cur == nil || uint64(cur["revision"].(float64)) != e.page(cleanPage).Revision {
		t.Fatalf("409 without the current record: %v", out)
	}
	if claim, _ := cur["claim"].(map[string]any); claim == nil || claim["by"] != "eve" {
		t.Fatalf("current record does not show eve's claim: %v", cur["claim"])
	}
}

func TestAPIApprove(t *testing.T) {
	e := newEnv(t)
	// A page with an error cannot be approved: 422 with the findings.
	bad := e.page(errorPage)
	code, out := e.do("POST", "/api/pages/"+errorPage+"/approve", "ed", body(bad.Revision, ""))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("approve with errors: %d %v", code, out)
	}
	if fs, _ := out["findings"].([]any); len(fs) != 2 {
		t.Fatalf("422 should list the findings: %v", out)
	}
	if e.page(errorPage).State != store.InReview {
		t.Fatal("refused approval changed the state")
	}

	rec := e.page(cleanPage)
	code, out = e.do("POST", "/api/pages/"+cleanPage+"/approve", "ed", body(rec.Revision, "reads well"))
	if code != 200 || out["state"] != "approved" {
		t.Fatalf("approve: %d %v", code, out)
	}
	got := e.page(cleanPage)
	if got.State != store.Approved || got.Approved == nil || got.Approved.Verdict != rec.Pair.Verdict || got.UpdatedBy != "ed" {
		t.Fatalf("approved record: state %s approved %v by %s", got.State, got.Approved != nil, got.UpdatedBy)
	}
	hist, err := e.store.History(context.Background(), store.KindPage, cleanPage)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if last.Type != "approved" || last.Actor != "ed" || last.From != store.InReview || last.To != store.Approved || last.Revision != got.Revision || last.Note != "reads well" {
		t.Fatalf("approve event: %+v", last)
	}
	// Approving again is refused: the state no longer allows it.
	if code, _ := e.do("POST", "/api/pages/"+cleanPage+"/approve", "ed", body(got.Revision, "")); code != http.StatusConflict {
		t.Fatalf("second approve: %d", code)
	}
	// Not published yet: both sections of gdpr-vs-iso-27001 are in review.
	if code, _ := e.do("GET", "/api/pages/"+cleanPage, "", nil); code != http.StatusUnauthorized {
		t.Fatalf("unpublished page is public: %d", code)
	}
}

func TestAPIRequestChangesQueuesRedraft(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rec := e.page(cleanPage)
	code, out := e.do("POST", "/api/pages/"+cleanPage+"/request-changes", "ed", body(rec.Revision, "name the fines in the table"))
	if code != 200 {
		t.Fatalf("request changes: %d %v", code, out)
	}
	got := e.page(cleanPage)
	if got.State != store.ChangesRequested || got.Note != "name the fines in the table" || got.Seq != rec.Seq+1 || got.Attempt != 0 {
		t.Fatalf("record after request: state %s note %q seq %d attempt %d", got.State, got.Note, got.Seq, got.Attempt)
	}
	cons, err := e.store.Consumer(ctx, "test-drafter", store.DraftSubjects)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var jobs []store.Job
	for m := range msgs.Messages() {
		var j store.Job
		if err := json.Unmarshal(m.Data(), &j); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
		_ = m.Ack()
	}
	if len(jobs) != 1 {
		t.Fatalf("want one draft job, got %d", len(jobs))
	}
	want := store.Job{Kind: store.KindPage, Key: cleanPage, Inputs: rec.Inputs.Hash, Seq: got.Seq, Reason: "changes_requested"}
	if jobs[0] != want {
		t.Fatalf("job %+v, want %+v", jobs[0], want)
	}
	hist, _ := e.store.History(ctx, store.KindPage, cleanPage)
	if last := hist[len(hist)-1]; last.Type != "changes_requested" || last.Note != "name the fines in the table" || last.To != store.ChangesRequested {
		t.Fatalf("event: %+v", last)
	}
}

func TestAPIBulkApproveMixed(t *testing.T) {
	e := newEnv(t)
	clean, bad, xss := e.page(cleanPage), e.page(errorPage), e.page(xssPage)
	code, out := e.do("POST", "/api/pages/bulk-approve", "ed", map[string]any{"pages": []map[string]any{
		{"slug": cleanPage, "revision": clean.Revision},
		{"slug": errorPage, "revision": bad.Revision},
		{"slug": xssPage, "revision": xss.Revision - 1},
		{"slug": "no-vs-such", "revision": 3},
		{"slug": waitPage, "revision": e.page(waitPage).Revision},
	}})
	if code != 200 {
		t.Fatalf("bulk: %d %v", code, out)
	}
	res := out["results"].([]any)
	want := []struct {
		ok     bool
		reason string
	}{{true, ""}, {false, "error"}, {false, "changed since"}, {false, "no such"}, {false, "state approved"}}
	for i, w := range want {
		r := res[i].(map[string]any)
		if r["ok"] != w.ok || !strings.Contains(fmt.Sprint(r["reason"]), w.reason) {
			t.Errorf("result %d: %v, want ok=%v reason ~%q", i, r, w.ok, w.reason)
		}
	}
	if out["approved"].(float64) != 1 || out["refused"].(float64) != 4 {
		t.Fatalf("counts: %v", out)
	}
	if e.page(cleanPage).State != store.Approved || e.page(errorPage).State != store.InReview || e.page(xssPage).State != store.InReview {
		t.Fatal("bulk approve changed the wrong pages")
	}
}

func TestAPISectionApproveUnblocks(t *testing.T) {
	e := newEnv(t)
	sec := e.section("gdpr")
	// gdpr-vs-nist-csf is approved and nist-csf is approved: approving gdpr
	// publishes it. gdpr-vs-iso-27001 and nist-csf-vs-gdpr still wait.
	code, out := e.do("GET", "/api/sections/gdpr", "vic", nil)
	if code != 200 || out["unblocks"].(float64) != 1 {
		t.Fatalf("section view: %d unblocks=%v", code, out["unblocks"])
	}
	code, out = e.do("POST", "/api/sections/gdpr/approve", "ed", body(sec.Revision, ""))
	if code != 200 {
		t.Fatalf("approve section: %d %v", code, out)
	}
	if out["unblocked"].(float64) != 1 || fmt.Sprint(out["unblocked_pages"]) != "["+waitPage+"]" || len(out["waiting"].([]any)) != 2 {
		t.Fatalf("unblocked: %v", out)
	}
	if got := e.section("gdpr"); got.State != store.Approved || got.Approved == nil {
		t.Fatalf("section state %s", got.State)
	}
	// Now published: public, and listed for visitors.
	code, out = e.do("GET", "/api/pages/"+waitPage, "", nil)
	if code != 200 || !strings.Contains(out["markdown"].(string), "## Quick Verdict") {
		t.Fatalf("published page: %d %v", code, out["error"])
	}
	if _, leaks := out["history"]; leaks {
		t.Fatal("the public view shows the review history")
	}
	// The list reads the store's mirror, which trails a write by moments.
	natstest.Eventually(t, 5*time.Second, "the public list shows the page", func() bool {
		code, out = e.do("GET", "/api/pages", "", nil)
		return code == 200 && len(out["pages"].([]any)) == 1
	})
	if out["counts"] != nil {
		t.Fatalf("public list: %d %v", code, out)
	}
}

func TestAPISectionRequestChangesAndEdit(t *testing.T) {
	e := newEnv(t)
	sec := e.section("iso-27001")
	code, out := e.do("POST", "/api/sections/iso-27001/request-changes", "ed", body(sec.Revision, "shorter tagline"))
	if code != 200 || out["state"] != "changes_requested" {
		t.Fatalf("request: %d %v", code, out)
	}
	if got := e.section("iso-27001"); got.Note != "shorter tagline" || got.Seq != sec.Seq+1 {
		t.Fatalf("section after request: %+v", got.Meta)
	}
	natstest := func() uint64 { n, _ := e.store.QueueDepth(context.Background()); return n }
	if natstest() != 1 {
		t.Fatalf("queue depth %d, want 1", natstest())
	}

	// Editing gdpr: a broken edit is checked at once and stored with errors.
	g := e.section("gdpr")
	broken := g.Section
	broken.KeyFeatures = broken.KeyFeatures[:2]
	code, out = e.do("POST", "/api/sections/gdpr/edit", "ed", map[string]any{"revision": g.Revision, "section": broken})
	if code != 200 || out["errors"].(float64) < 1 {
		t.Fatalf("edit: %d %v", code, out)
	}
	got := e.section("gdpr")
	if got.State != store.InReview || len(got.Section.KeyFeatures) != 2 {
		t.Fatalf("after edit: state %s features %d", got.State, len(got.Section.KeyFeatures))
	}
	if code, _ := e.do("POST", "/api/sections/gdpr/approve", "ed", body(got.Revision, "")); code != http.StatusUnprocessableEntity {
		t.Fatalf("approve after a breaking edit: %d", code)
	}
}

func TestAPIEditClaimComment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Put the page in needs_attention with an error, as the validator would.
	rec, err := e.store.UpdatePage(ctx, errorPage, func(r *store.PageRecord) error {
		r.State = store.NeedsAttention
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	code, out := e.do("POST", "/api/pages/"+errorPage+"/claim", "ed", body(rec.Revision, ""))
	if code != 200 {
		t.Fatalf("claim: %d %v", code, out)
	}
	rec = e.page(errorPage)
	if rec.Claim == nil || rec.Claim.By != "ed" || time.Until(rec.Claim.Until) < 14*time.Minute {
		t.Fatalf("claim: %+v", rec.Claim)
	}
	// Eve takes it over; the event says from whom.
	if code, _ := e.do("POST", "/api/pages/"+errorPage+"/claim", "eve", body(rec.Revision, "")); code != 200 {
		t.Fatalf("take over: %d", code)
	}
	hist, _ := e.store.History(ctx, store.KindPage, errorPage)
	if last := hist[len(hist)-1]; last.Type != "claimed" || last.Actor != "eve" || !strings.Contains(last.Note, "ed") {
		t.Fatalf("takeover event: %+v", last)
	}
	rec = e.page(errorPage)
	if code, _ := e.do("POST", "/api/pages/"+errorPage+"/comment", "ed", map[string]any{"revision": rec.Revision, "text": "the verdict needs a rewrite"}); code != 200 {
		t.Fatalf("comment: %d", code)
	}
	rec = e.page(errorPage)
	if len(rec.Comments) != 1 || rec.Comments[0].By != "ed" {
		t.Fatalf("comments: %+v", rec.Comments)
	}
	// A clean edit (the offline composer's text) validates without error
	// and brings the page back to review.
	pair := compose.Pair(e.prof("iso-27001"), e.prof("nist-csf"))
	pair.FAQ[0], pair.FAQ[1] = pair.FAQ[1], pair.FAQ[0]
	code, out = e.do("POST", "/api/pages/"+errorPage+"/edit", "eve", map[string]any{"revision": rec.Revision, "pair": pair})
	if code != 200 {
		t.Fatalf("edit: %d %v", code, out)
	}
	if out["errors"].(float64) != 0 {
		t.Fatalf("composed pair has errors: %v", out["findings"])
	}
	rec = e.page(errorPage)
	if rec.State != store.InReview || rec.UpdatedBy != "eve" {
		t.Fatalf("after clean edit: %s by %s", rec.State, rec.UpdatedBy)
	}
	// The detail shows the edit in the diff against the previous content.
	code, out = e.do("GET", "/api/pages/"+errorPage, "vic", nil)
	if code != 200 {
		t.Fatalf("detail: %d", code)
	}
	diff := out["diff"].(map[string]any)
	if diff["previous_revision"] == nil || !strings.Contains(fmt.Sprint(diff["previous"]), "faq[0].question") {
		t.Fatalf("no previous revision in diff: %v", diff)
	}
	for _, k := range []string{"slug", "title", "state", "revision", "page", "markdown", "findings", "history", "sections", "usage"} {
		if _, ok := out[k]; !ok {
			t.Errorf("detail lacks %q", k)
		}
	}
	if cost := out["cost"].(map[string]any)["total"].(map[string]any); cost["prompt"].(float64) != 1200 {
		t.Fatalf("cost from drafted events: %v", cost)
	}
	// Release.
	if code, _ := e.do("POST", "/api/pages/"+errorPage+"/release", "eve", body(rec.Revision, "")); code != 200 {
		t.Fatalf("release: %d", code)
	}
	if e.page(errorPage).Claim != nil {
		t.Fatal("claim kept after release")
	}
}

func TestAPIListFilters(t *testing.T) {
	e := newEnv(t)
	code, out := e.do("GET", "/api/pages?state=in_review&standard=gdpr", "vic", nil)
	if code != 200 {
		t.Fatal(code)
	}
	var slugs []string
	for _, p := range out["pages"].([]any) {
		slugs = append(slugs, p.(map[string]any)["slug"].(string))
	}
	if strings.Join(slugs, ",") != cleanPage+","+xssPage {
		t.Fatalf("in_review naming gdpr: %v", slugs)
	}
	counts := out["counts"].(map[string]any)
	if counts["in_review"].(float64) != 2 || counts["approved"].(float64) != 1 {
		t.Fatalf("counts: %v", counts)
	}
	_, out = e.do("GET", "/api/pages?q=nist+csf+vs", "vic", nil)
	if n := len(out["pages"].([]any)); n != 1 {
		t.Fatalf("q filter: %d pages", n)
	}
}

func TestAPIUsersAndTokens(t *testing.T) {
	e := newEnv(t)
	code, out := e.do("POST", "/api/users", "root", map[string]any{"name": "newbie", "role": "editor", "password": "long enough pw"})
	if code != 201 || out["role"] != "editor" {
		t.Fatalf("create user: %d %v", code, out)
	}
	if code, _ := e.do("POST", "/api/users", "root", map[string]any{"name": "x", "role": "god", "password": "long enough pw"}); code != 400 {
		t.Fatalf("bad role: %d", code)
	}
	code, out = e.do("POST", "/api/tokens", "root", map[string]any{"user": "newbie", "label": "ci"})
	if code != 201 || !strings.HasPrefix(out["token"].(string), "vs_") {
		t.Fatalf("create token: %d %v", code, out)
	}
	e.tokens["newbie"] = out["token"].(string)
	if code, _ := e.do("GET", "/api/pages?state=in_review", "newbie", nil); code != 200 {
		t.Fatalf("new token does not work: %d", code)
	}
	if code, _ := e.do("POST", "/api/tokens/"+out["id"].(string)+"/revoke", "root", nil); code != 200 {
		t.Fatalf("revoke: %d", code)
	}
	if code, _ := e.do("GET", "/api/pages?state=in_review", "newbie", nil); code != 401 {
		t.Fatalf("revoked token still works: %d", code)
	}
	code, out = e.do("GET", "/api/users", "root", nil)
	if code != 200 || len(out["users"].([]any)) != 5 {
		t.Fatalf("users: %d %v", code, out)
	}
	if strings.Contains(fmt.Sprint(out), "hash") {
		t.Fatal("user list shows password hashes")
	}
}
