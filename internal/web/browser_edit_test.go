package web_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/internal/browsertest"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/web"
)

// signIn signs ed in through the form.
func signIn(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	browsertest.Do(t, ctx, "sign in",
		chromedp.Navigate(base+"/review"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "ed"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("queue")),
	)
}

// focusOn waits until the element with id want has the focus (a page's
// script and its #target set it as it loads) and returns the id of the
// focused element: want, or what has the focus when the wait gives up.
func focusOn(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	const expr = `document.activeElement ? document.activeElement.id : ""`
	deadline := time.Now().Add(5 * time.Second)
	for {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		id, err := chromedp.Run(cctx, chromedp.Evaluate[string](expr))
		cancel()
		if (err == nil && id == want) || time.Now().After(deadline) {
			return id
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// An editor edits the verdict where it stands in the draft: Edit turns it
// into a form there with the focus in it, Save writes that part alone (the
// table's aspect names and the FAQ untouched), re-checks the page and comes
// back to the part with a note; an unchanged save writes nothing and says
// so; a save that lost to a newer revision keeps the editor's text and
// shows what changed meanwhile.
func TestBrowserEditInPlace(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnv(t)
	ctx := browsertest.New(t).Ctx
	base := e.srv.URL
	do := browsertest.Steps(t, ctx)
	text := func(sel string) string {
		t.Helper()
		return browsertest.Get(t, ctx, "text of "+sel, chromedp.Text(chromedp.CSS(sel)))
	}
	slug := cleanPage
	signIn(t, ctx, base)
	before := e.page(slug)

	do("open the draft", chromedp.Navigate(base+"/review/pages/"+slug), chromedp.WaitVisible(chromedp.ID("part-verdict")),
		chromedp.Poll[chromedp.Void](`document.readyState === 'complete'`)) // app.js is running
	do("edit the verdict",
		chromedp.Evaluate[chromedp.Void](`window.__samePage = true`),
		chromedp.Click(chromedp.CSS("#part-verdict a.edit-part")),
		chromedp.WaitVisible(chromedp.ID("ed-verdict")),
	)
	// app.js swaps the form in without loading the page again.
	if !browsertest.Get(t, ctx, "same page", chromedp.Evaluate[bool](`window.__samePage === true && location.search === '?edit=verdict'`)) {
		t.Error("Edit reloaded the page (or did not say ?edit=verdict in the address): app.js did not swap the form in")
	}
	if id := focusOn(t, ctx, "ed-verdict"); id != "ed-verdict" {
		t.Errorf("after Edit the focus is on %q, want the verdict's textarea", id)
	}
	// In place: the form is inside the verdict's part, above the table.
	if ok := browsertest.Get(t, ctx, "form in place", chromedp.Evaluate[bool](`!!document.querySelector('#draft #part-verdict form#part-editor textarea[name=verdict]') &&
		document.getElementById('part-verdict').compareDocumentPosition(document.getElementById('part-diff-scope')) === Node.DOCUMENT_POSITION_FOLLOWING`)); !ok {
		t.Error("the verdict's form is not where the verdict was")
	}
	got := browsertest.Get(t, ctx, "textarea text", chromedp.Evaluate[string](`document.getElementById('ed-verdict').value`))
	if normField(got) != before.Pair.Verdict {
		t.Fatalf("the form does not hold the verdict:\n%q\n%q", got, before.Pair.Verdict)
	}
	if browsertest.ShotsWanted() {
		do("scroll to the form", chromedp.Evaluate[chromedp.Void](`document.getElementById('part-verdict').scrollIntoView({block: 'start'}); window.scrollBy(0, -90)`))
		browsertest.SaveShot(t, "draft-edit.png", browsertest.Get(t, ctx, "edit screenshot", chromedp.CaptureScreenshot()))
	}
	first, rest, ok := strings.Cut(before.Pair.Verdict, ". ")
	if !ok {
		t.Fatalf("the verdict has one sentence: %q", before.Pair.Verdict)
	}
	newFirst := "An editor rewrote this first sentence of " + strings.Fields(first)[0]
	verdict := newFirst + ". " + rest
	do("change a sentence and save",
		chromedp.SetValue(chromedp.ID("ed-verdict"), verdict),
		chromedp.Click(chromedp.ID("save-part")),
		chromedp.WaitVisible(chromedp.ID("saved")),
	)
	after := e.page(slug)
	// One write: the record's revision is the bucket's sequence, so count
	// the events written since the revision the editor had.
	if writes := writesSince(t, e, slug, before.Revision); after.Revision <= before.Revision || len(writes) != 1 || writes[0] != "edited" {
		t.Errorf("revision %d → %d with events %v, want one edit", before.Revision, after.Revision, writes)
	}
	if after.Pair.Verdict != verdict {
		t.Errorf("stored verdict %q, want %q", after.Pair.Verdict, verdict)
	}
	if !reflect.DeepEqual(after.Pair.Differences, before.Pair.Differences) || !reflect.DeepEqual(after.Pair.FAQ, before.Pair.FAQ) ||
		after.Pair.Description != before.Pair.Description || !reflect.DeepEqual(after.Pair.Relate, before.Pair.Relate) {
		t.Errorf("saving the verdict changed other parts: %+v", review.Diff(before.Pair, after.Pair))
	}
	// Re-checked: the seeded finding (a made-up one) is gone, and the note
	// counts what the check found.
	for _, f := range after.Findings {
		if f.Rule == warnFinding.Rule && f.Message == warnFinding.Message {
			t.Error("the findings were not re-checked: the seeded one is still there")
		}
	}
	note := text("#saved")
	errs, warns := finding.Count(after.Findings)
	if !strings.Contains(note, "Saved the quick verdict and checked the page") || (errs+warns == 0) != strings.Contains(note, "no findings") {
		t.Errorf("the note %q does not say what the check found (%d errors, %d warnings)", note, errs, warns)
	}
	if !strings.Contains(text("#part-verdict"), newFirst) || !strings.Contains(text("#part-verdict"), "Saved") {
		t.Errorf("the new text and the note are not in place: %q", text("#part-verdict"))
	}
	if rev := text("#revision"); rev != strconv.FormatUint(after.Revision, 10) {
		t.Errorf("the page shows revision %s, the record is at %d", rev, after.Revision)
	}
	if id := focusOn(t, ctx, "part-verdict"); id != "part-verdict" {
		t.Errorf("after saving the focus is on %q, want the verdict's part", id)
	}

	// An unchanged save of a FAQ entry writes nothing and says so.
	do("edit a question",
		chromedp.Click(chromedp.CSS("#part-faq-1 a.edit-part")),
		chromedp.WaitVisible(chromedp.ID("ed-faq-1-a")),
	)
	if id := focusOn(t, ctx, "ed-faq-1-q"); id != "ed-faq-1-q" {
		t.Errorf("the focus is on %q, want the question's field", id)
	}
	do("save it unchanged", chromedp.Click(chromedp.ID("save-part")))
	waitFor(t, ctx, "the note after an unchanged save", `document.readyState === 'complete' && !document.getElementById('part-editor') && !!document.getElementById('saved') && document.getElementById('saved').textContent.indexOf('question 2') >= 0`)
	same := e.page(slug)
	if w := writesSince(t, e, slug, after.Revision); len(w) != 0 {
		t.Errorf("an unchanged save wrote events %v", w)
	}
	if same.Revision != after.Revision || !reflect.DeepEqual(same.Pair, after.Pair) || same.State != after.State {
		t.Errorf("an unchanged save wrote: revision %d → %d, %v", after.Revision, same.Revision, review.Diff(after.Pair, same.Pair))
	}
	if note := text("#saved"); !strings.Contains(note, "Nothing changed in question 2") {
		t.Errorf("the note after an unchanged save: %q", note)
	}

	// Cancel puts the text back without a write.
	do("edit and cancel",
		chromedp.Click(chromedp.CSS("#part-diff-scope a.edit-part")),
		chromedp.WaitVisible(chromedp.ID("ed-diff-scope-a")),
		chromedp.SetValue(chromedp.ID("ed-diff-scope-a"), "thrown away"),
		chromedp.Click(chromedp.ID("cancel-part")),
		chromedp.WaitNotPresent(chromedp.ID("part-editor")),
	)
	if s := text("#part-diff-scope"); strings.Contains(s, "thrown away") || !strings.Contains(s, "Edit") {
		t.Errorf("after Cancel the row reads %q", s)
	}
	if e.page(slug).Revision != same.Revision {
		t.Error("Cancel wrote")
	}

	// A stale save: the record changes behind the browser's back.
	mine := "My verdict, written while someone else changed the description."
	do("edit the verdict again",
		chromedp.Click(chromedp.CSS("#part-verdict a.edit-part")),
		chromedp.WaitVisible(chromedp.ID("ed-verdict")),
		chromedp.SetValue(chromedp.ID("ed-verdict"), mine),
	)
	meanwhile := "A description changed meanwhile."
	bumped, err := e.store.UpdatePageAt(context.Background(), slug, same.Revision, func(r *store.PageRecord) error {
		r.Pair.Description = meanwhile
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	do("save over the newer revision", chromedp.Click(chromedp.ID("save-part")), chromedp.WaitVisible(chromedp.ID("conflict")))
	if v := browsertest.Get(t, ctx, "textarea after conflict", chromedp.Evaluate[string](`(document.querySelector('#part-verdict #ed-verdict') || {}).value || ""`)); v != mine {
		t.Errorf("after the conflict the verdict's form holds %q, want the editor's text", v)
	}
	if c := text("#conflict"); !strings.Contains(c, meanwhile) {
		t.Errorf("the conflict section does not show what changed: %q", c)
	}
	if !strings.Contains(text("#error"), "Not saved") {
		t.Errorf("the page does not say the save was refused: %q", text("#error"))
	}
	if now := e.page(slug); now.Revision != bumped.Revision || now.Pair.Verdict != verdict {
		t.Errorf("the stale save was written: revision %d, verdict %q", now.Revision, now.Pair.Verdict)
	}
	// Saving again, having seen what changed, writes the verdict alone:
	// the description changed meanwhile stays.
	do("save again", chromedp.Click(chromedp.ID("save-part")), chromedp.WaitVisible(chromedp.ID("saved")))
	if now := e.page(slug); now.Pair.Verdict != mine || now.Pair.Description != meanwhile || now.Revision <= bumped.Revision {
		t.Errorf("after saving again: verdict %q, description %q", now.Pair.Verdict, now.Pair.Description)
	}

	// A standard's section: its tagline edited in place the same way.
	sec := e.section("gdpr")
	do("open a section", chromedp.Navigate(base+"/review/sections/gdpr"), chromedp.WaitVisible(chromedp.ID("part-intro")))
	do("edit its tagline",
		chromedp.Click(chromedp.CSS("#part-intro a.edit-part")),
		chromedp.WaitVisible(chromedp.ID("ed-tagline")),
	)
	if id := focusOn(t, ctx, "ed-full_name"); id != "ed-full_name" {
		t.Errorf("after Edit on the section the focus is on %q", id)
	}
	do("save the tagline",
		chromedp.SetValue(chromedp.ID("ed-tagline"), "The EU's law on personal data, as an editor put it."),
		chromedp.Click(chromedp.ID("save-part")),
		chromedp.WaitVisible(chromedp.ID("saved")),
	)
	gotSec := e.section("gdpr")
	if gotSec.Section.Tagline != "The EU's law on personal data, as an editor put it." || gotSec.Revision == sec.Revision {
		t.Errorf("the section's tagline was not saved: %q", gotSec.Section.Tagline)
	}
	want := sec.Section
	want.Tagline = gotSec.Section.Tagline
	if d := review.Diff(want, gotSec.Section); len(d) > 0 {
		t.Errorf("saving the tagline changed other parts of the section: %+v", d)
	}
	if s := text("#part-intro"); !strings.Contains(s, "as an editor put it") || !strings.Contains(s, "Saved the full name and tagline and checked the section") {
		t.Errorf("the section's part after saving reads %q", s)
	}
	if id := focusOn(t, ctx, "part-intro"); id != "part-intro" {
		t.Errorf("after saving the section the focus is on %q", id)
	}

	// A phone: the part in edit mode fits the screen.
	do("phone", chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/review/pages/"+slug+"?edit=diff.scope#ed-diff-scope-a"),
		chromedp.WaitVisible(chromedp.ID("ed-diff-scope-a")))
	if browsertest.ShotsWanted() {
		do("scroll to the row", chromedp.Evaluate[chromedp.Void](`document.getElementById('part-diff-scope').scrollIntoView({block: 'start'}); window.scrollBy(0, -120)`))
	}
	browsertest.SaveShot(t, "draft-edit-phone.png", browsertest.Get(t, ctx, "phone edit screenshot", chromedp.CaptureScreenshot()))
	if w := browsertest.Get(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("a row in edit mode overflows a 390 px screen: %d px", w)
	}
	if id := focusOn(t, ctx, "ed-diff-scope-a"); id != "ed-diff-scope-a" {
		t.Errorf("a form opened by its link has the focus on %q", id)
	}
}

// Under the offline composer the page does not offer request changes: it
// says the composer cannot follow notes, and its "Edit the text yourself"
// opens the verdict for editing in place with the focus in it, with
// JavaScript and without.
func TestBrowserOfflineRequestChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnv(t, web.WithOfflineDrafter())
	ctx := browsertest.New(t).Ctx
	base := e.srv.URL
	do := browsertest.Steps(t, ctx)
	signIn(t, ctx, base)
	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "with JavaScript", false: "without JavaScript"}[js]
		if !js {
			if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
				t.Fatal(err)
			}
		}
		do("open the draft "+name, chromedp.Navigate(base+"/review/pages/"+cleanPage), chromedp.WaitVisible(chromedp.ID("no-notes")))
		n := browsertest.Get(t, ctx, "request changes offered", chromedp.Evaluate[int](`document.querySelectorAll('#request-changes, #send-back, #rc-note').length`))
		if n != 0 {
			t.Errorf("%s: request changes is offered under the offline composer", name)
		}
		hint := browsertest.Get(t, ctx, "hint", chromedp.Text(chromedp.ID("no-notes")))
		if !strings.Contains(hint, "cannot follow notes") || !strings.Contains(hint, "Edit the text yourself") {
			t.Errorf("%s: the hint reads %q", name, hint)
		}
		do("edit instead "+name, chromedp.Click(chromedp.ID("edit-instead")), chromedp.WaitVisible(chromedp.CSS("#part-verdict #ed-verdict")))
		if id := focusOn(t, ctx, "ed-verdict"); id != "ed-verdict" {
			t.Errorf("%s: after Edit the text yourself the focus is on %q, want the verdict's textarea", name, id)
		}
		if v := browsertest.Get(t, ctx, "verdict text", chromedp.Evaluate[string](`document.getElementById('ed-verdict').value`)); normField(v) != e.page(cleanPage).Pair.Verdict {
			t.Errorf("%s: the form does not hold the verdict", name)
		}
	}
	// A section offers the same.
	do("open a section", chromedp.Navigate(base+"/review/sections/gdpr"), chromedp.WaitVisible(chromedp.ID("no-notes")))
	if n := browsertest.Get(t, ctx, "section request changes", chromedp.Evaluate[int](`document.querySelectorAll('#request-changes, #rc-note').length`)); n != 0 {
		t.Error("a section offers request changes under the offline composer")
	}
	do("edit the section instead", chromedp.Click(chromedp.ID("edit-instead")), chromedp.WaitVisible(chromedp.CSS("#part-intro #ed-full_name")))
	if id := focusOn(t, ctx, "ed-full_name"); id != "ed-full_name" {
		t.Errorf("a section's Edit the text yourself puts the focus on %q", id)
	}

	do("back to the page", chromedp.Navigate(base+"/review/pages/"+cleanPage+"?edit=verdict#ed-verdict"), chromedp.WaitVisible(chromedp.ID("ed-verdict")))
	// The editor's own edit is what follows: saving it works offline too.
	do("save an edit", chromedp.SetValue(chromedp.ID("ed-verdict"), "A verdict the editor wrote, since the composer cannot take a note."),
		chromedp.Click(chromedp.ID("save-part")), chromedp.WaitVisible(chromedp.ID("saved")))
	if got := e.page(cleanPage); got.Pair.Verdict != "A verdict the editor wrote, since the composer cannot take a note." || got.State != store.InReview {
		t.Errorf("after the editor's own edit: %s, %q", got.State, got.Pair.Verdict)
	}
}

// waitFor waits until the expression is true in the page, across the
// navigation a form's submission makes (a Poll does not survive one).
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(browsertest.Timeout)
	for {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		ok, err := chromedp.Run(cctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not so after %s (last error: %v)", what, browsertest.Timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// writesSince lists the types of the page's events after revision rev.
func writesSince(t *testing.T, e *env, slug string, rev uint64) []string {
	t.Helper()
	v, err := e.svc.Page(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range v.History {
		if ev.Revision > rev {
			out = append(out, ev.Type)
		}
	}
	return out
}

func normField(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
