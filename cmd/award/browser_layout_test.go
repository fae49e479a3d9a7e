package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserLayout opens each kind of page at 320 px and 1280 px in real
// Chromium: nothing may make the page scroll sideways. Screenshots are kept
// in artifacts/screens/ (git-ignored) for people to look at.
func TestBrowserLayout(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	shots := filepath.Join("..", "..", "artifacts", "screens")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	pages := [][2]string{
		{"home", ""},
		{"notice", "notices/2026-call/"},
		{"publicity", "publicity/2026-candidates/"},
		{"policy", "policy/measures/"},
		{"winners", "winners/"},
		{"winner", "winners/example-auto-parts/"},
		{"session", "winners/session-6/"},
		{"search", "search/?q=申报条件"},
		{"objection", "api/objections/new?publicity=pub-2026-candidates&candidate=c01"},
		{"application", "api/applications/new?call=call-2026"},
		{"sitemap", "sitemap/"},
		{"404", "no-such-page/"},
	}
	for _, pg := range pages {
		name, path := pg[0], pg[1]
		for _, width := range []int64{320, 1280} {
			err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(url+path), chromedp.WaitReady("body"))
			if err != nil {
				t.Fatalf("%s at %d px: %v", name, width, err)
			}
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if err != nil {
				t.Fatal(err)
			}
			if wide {
				t.Errorf("%s scrolls sideways at %d px", name, width)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(shots, name+"-"+strconv.FormatInt(width, 10)+".png")
			if err := os.WriteFile(file, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("screenshots in %s", shots)
}
