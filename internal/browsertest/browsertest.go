// Package browsertest starts a real headless Chromium for the web tests.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Timeout bounds each step of a browser test.
const Timeout = 30 * time.Second

// Chromium finds the browser, or skips the test when there is none (and
// fails it under CI, where the browser tests must run).
func Chromium(t testing.TB) string {
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

// Browser is one headless Chromium with one tab.
type Browser struct {
	Ctx context.Context

	mu      sync.Mutex
	dialogs []string
}

// New starts Chromium for t; it is closed when t ends. Every JavaScript
// dialog (alert, confirm) is accepted and recorded: a confirm() is how the
// review app asks before acting, and an alert() is how a test page shows
// that a script ran.
func New(t testing.TB) *Browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)),
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
	b := &Browser{Ctx: ctx}
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			_, _ = chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

// Dialogs lists the messages of the dialogs opened so far.
func (b *Browser) Dialogs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// Get runs one value-returning action with a deadline and fails t on error.
func Get[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(cctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Do runs steps with a deadline and fails t on error.
func Do(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	Get(t, ctx, what, chromedp.Steps(steps...))
}

// Steps is Do bound to t and ctx, for a test that runs many steps.
func Steps(t testing.TB, ctx context.Context) func(what string, steps ...chromedp.Action[chromedp.Void]) {
	return func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		Do(t, ctx, what, steps...)
	}
}

// ShotsWanted reports whether the browser tests should write the README's
// screenshots: VERSUS_SCREENSHOTS=1.
func ShotsWanted() bool { return os.Getenv("VERSUS_SCREENSHOTS") == "1" }

// SaveShot writes png as docs/screenshots/name in the repository when
// ShotsWanted. The tests run in their package's folder, two below the root.
func SaveShot(t testing.TB, name string, png []byte) {
	t.Helper()
	if !ShotsWanted() {
		return
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
