package web_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/versus-dev/versus/internal/store"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write docs/screenshots/*.png from the browser test")

const screenshotDir = "../../docs/screenshots"

// chromium finds the browser, or skips (fails under CI) when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("VERSUS_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no Chromium was found (install the chromium package); the browser tests must run in CI")
	}
	t.Skip("no Chromium at /usr/bin/chromium: skipping the browser tests (install the chromium package to run them)")
	return ""
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Accept the confirm() the app asks before approving or rejecting.
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return ctx
}

func shotsWanted() bool { return *updateScreenshots || os.Getenv("VERSUS_SCREENSHOTS") == "1" }

func saveShot(t *testing.T, name string, png []byte) {
	t.Helper()
	if !shotsWanted() {
		return
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// get runs one value-returning action with a deadline.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(cctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func TestBrowserReview(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnv(t)
	ctx := newBrowser(t)
	base := e.srv.URL
	do := func(what string, acts ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		get(t, ctx, what, chromedp.Steps(acts...))
	}

	// Sign in through the form.
	do("sign in",
		chromedp.Navigate(base+"/review"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "ed"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("queue")),
	)

	// The queue: tabs with counts, rows with their error counts.
	queueText := get(t, ctx, "read queue", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"in review", "ISO 27001 vs NIST CSF", "1 error"} {
		if !strings.Contains(queueText, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	// Keyboard: j moves to the first row, x selects it.
	do("keys", chromedp.KeyEvent("j"), chromedp.KeyEvent("x"))
	checked := get(t, ctx, "selected", chromedp.Evaluate[bool](`(function(){var r=document.querySelector('.qrow.cur'); var c=r&&r.querySelector('input[type=checkbox]'); return !!(c&&c.checked);})()`))
	if !checked {
		t.Error("j then x did not select the first row")
	}
	saveShot(t, "queue.png", get(t, ctx, "queue screenshot", chromedp.CaptureScreenshot()))

	// Approve a page from its review page.
	do("approve",
		chromedp.Navigate(base+"/review/pages/"+cleanPage),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := e.page(cleanPage); got.State != store.Approved || got.UpdatedBy != "ed" {
		t.Fatalf("after approving in the browser: %s by %s", got.State, got.UpdatedBy)
	}

	// A draft with a script and an onerror image: nothing runs, the
	// script shows as text.
	do("open hostile draft",
		chromedp.Navigate(base+"/review/pages/"+xssPage),
		chromedp.WaitVisible(chromedp.ID("draft")),
		// Give an injected onerror a moment to fire; the assertion is that it did not.
		chromedp.Sleep(300*time.Millisecond),
	)
	if pwned := get(t, ctx, "pwned", chromedp.Evaluate[bool](`typeof window.__pwned !== "undefined"`)); pwned {
		t.Fatal("script from the draft ran: window.__pwned is set")
	}
	draftText := get(t, ctx, "draft text", chromedp.Text(chromedp.ID("draft")))
	if !strings.Contains(draftText, "<script>window.__pwned=1</script>") {
		t.Fatalf("the script is not shown as text in the draft:\n%.400s", draftText)
	}
	if n := get(t, ctx, "images", chromedp.Evaluate[int](`document.querySelectorAll('#draft img[onerror], #draft script').length`)); n != 0 {
		t.Fatal("an img with onerror or a script element made it into the page")
	}

	// Send it back with a note.
	do("request changes",
		chromedp.SendKeys(chromedp.ID("rc-note"), "Remove the HTML from the verdict."),
		chromedp.Click(chromedp.ID("send-back")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := e.page(xssPage); got.State != store.ChangesRequested || got.Note != "Remove the HTML from the verdict." {
		t.Fatalf("after sending back: %s %q", got.State, got.Note)
	}

	// A draft with findings: markers in the draft and the list beside it.
	do("draft with findings",
		chromedp.Navigate(base+"/review/pages/"+errorPage),
		chromedp.WaitVisible(chromedp.ID("findings")),
	)
	if n := get(t, ctx, "markers", chromedp.Evaluate[int](`document.querySelectorAll('#draft .fmark a').length`)); n != 2 {
		t.Errorf("want 2 finding markers in the draft, got %d", n)
	}
	saveShot(t, "draft.png", get(t, ctx, "draft screenshot", chromedp.CaptureScreenshot()))

	if shotsWanted() {
		do("phone",
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(base+"/review?state=in_review"),
			chromedp.WaitVisible(chromedp.ID("queue")),
		)
		saveShot(t, "queue-phone.png", get(t, ctx, "phone screenshot", chromedp.CaptureScreenshot()))
	}
}
