package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium returns the path of the real Chromium the browser tests drive
// (env AWARD_CHROMIUM, else Debian's /usr/bin/chromium). Without it the tests
// skip, or fail when CI=true: make test installs it.
func chromium(t *testing.T) string {
	t.Helper()
	p := os.Getenv("AWARD_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(p); err != nil {
		msg := "Chromium not found at " + p + ": install Debian's chromium (make test does), or set AWARD_CHROMIUM"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// browser starts headless Chromium for the test, on loopback only.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// TestBrowserLiveReload opens a page in serve mode in real headless
// Chromium, edits the file, and sees the new text without reloading by
// hand; a broken link shows the problem over the page, and fixing it
// clears it.
func TestBrowserLiveReload(t *testing.T) {
	ctx := browser(t)
	root, url := devSite(t)
	a := filepath.Join(root, "content/notices/a.md")
	// poll evaluates expr until it is true; the page reloads meanwhile, so
	// an evaluation cut short by a navigation is simply tried again.
	poll := func(expr string) error {
		deadline := time.Now().Add(20 * time.Second)
		var err error
		for time.Now().Before(deadline) {
			var ok bool
			if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
				return nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err == nil {
			err = errors.New("still false after 20s")
		}
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"notices/a/"), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	// Wait until the page listens for changes.
	if err := poll(`performance.getEntriesByType("resource").some(e => e.name.includes("_award/live.js"))`); err != nil {
		t.Fatalf("live script not loaded: %v", err)
	}
	time.Sleep(300 * time.Millisecond) // the event stream connects
	saveAtomically(t, a, "---\ntitle: 甲\ndate: 2026-01-01\n---\n浏览器里看到的新句子。\n")
	if err := poll(`document.body.innerText.includes("浏览器里看到的新句子")`); err != nil {
		t.Fatalf("the edit never showed in the open page: %v", err)
	}
	saveAtomically(t, a, "---\ntitle: 甲\ndate: 2026-01-01\n---\n见[丙](/notices/c/)。\n")
	if err := poll(`(document.querySelector('[role="alert"]') || {}).innerText?.includes("notices/a.md:5") === true`); err != nil {
		t.Fatalf("no problem overlay naming the file and line: %v", err)
	}
	saveAtomically(t, a, "---\ntitle: 甲\ndate: 2026-01-01\n---\n修好了。\n")
	if err := poll(`document.body.innerText.includes("修好了") && !document.querySelector('[role="alert"]')`); err != nil {
		t.Fatalf("fixing the file did not clear the overlay and show the page: %v", err)
	}
}
