package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// speechStub replaces the browser's speech synthesis before any page script
// runs: it records each utterance's text and language and counts cancel()
// calls (window.__speech), so the test sees what would be read aloud.
const speechStub = `(function () {
	const log = {spoken: [], cancels: 0};
	window.__speech = log;
	const stub = {
		speaking: false, pending: false, paused: false,
		speak(u) { log.spoken.push({text: u.text, lang: u.lang}); },
		cancel() { log.cancels++; },
		pause() {}, resume() {}, getVoices() { return []; },
		addEventListener() {}, removeEventListener() {}
	};
	Object.defineProperty(window, "speechSynthesis", {value: stub, configurable: true});
})();`

// tabTo presses Tab until the header button for mode has the focus (at most
// 40 times), as a keyboard user reaches it.
func tabTo(t *testing.T, ctx context.Context, mode string) {
	t.Helper()
	for range 40 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.activeElement && document.activeElement.getAttribute("data-mode")) || ""`))
		if err != nil {
			t.Fatal(err)
		}
		if got == mode {
			return
		}
	}
	t.Fatalf("the %s button cannot be reached with the Tab key", mode)
}

// spoken is what the page has read aloud so far (the stub's record), as one
// text, with the number of cancel() calls and the language of the first
// utterance.
type spokenLog struct {
	Text    string `json:"text"`
	Cancels int    `json:"cancels"`
	Lang    string `json:"lang"`
	Pressed string `json:"pressed"`
}

func spoken(t *testing.T, ctx context.Context) spokenLog {
	t.Helper()
	l, err := chromedp.Run(ctx, chromedp.Evaluate[spokenLog](`(function () {
		const s = window.__speech || {spoken: [], cancels: 0};
		const b = document.querySelector("button[data-mode=speech]");
		return {text: s.spoken.map(u => u.text).join(""), cancels: s.cancels,
			lang: s.spoken.length ? s.spoken[0].lang : "", pressed: b ? b.getAttribute("aria-pressed") : "no button"};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// waitSpoken waits until the page has read something aloud.
func waitSpoken(t *testing.T, ctx context.Context) spokenLog {
	t.Helper()
	var l spokenLog
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if l = spoken(t, ctx); l.Text != "" {
			return l
		}
	}
	return l
}

// TestBrowserElderSpeech checks 语音朗读 (适老化) on a notice in real
// Chromium with its speech synthesis replaced by a recorder: the header's
// switch is reached with Tab and pressed with Enter; it then reads the
// article (its title and body, in Chinese) aloud; the choice is remembered,
// so the page reads itself after a reload; pressing the switch again stops
// the reading (cancel) and, after a reload, nothing is read.
func TestBrowserElderSpeech(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: speechStub}); err != nil {
		t.Fatal(err)
	}
	notice := url + "notices/2026-call/"
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(notice), chromedp.WaitVisible("button[data-mode=speech]")); err != nil {
		t.Fatalf("the notice has no visible 语音朗读 switch: %v", err)
	}
	if l := spoken(t, ctx); l.Text != "" || l.Pressed != "false" {
		t.Fatalf("speech before it was switched on: %+v", l)
	}
	want, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function () {
		const a = document.querySelector("main article");
		return [a.querySelector("h1").textContent.trim(), a.querySelector(".content p").textContent.trim().slice(0, 20)];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	tabTo(t, ctx, "speech")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	l := waitSpoken(t, ctx)
	if l.Pressed != "true" {
		t.Errorf("the switch does not show it is on: aria-pressed=%q", l.Pressed)
	}
	for _, w := range want {
		if !strings.Contains(l.Text, w) {
			t.Errorf("the reading lacks %q; it read:\n%.300s", w, l.Text)
		}
	}
	if !strings.HasPrefix(l.Lang, "zh") {
		t.Errorf("the reading's language is %q, want Chinese (zh-CN)", l.Lang)
	}
	if strings.Contains(l.Text, "跳到正文") || strings.Contains(l.Text, "订阅更新") {
		t.Errorf("the reading includes the header or footer, not just the article:\n%.300s", l.Text)
	}
	screenshot(t, ctx, "elder-speech")

	// Remembered: the next page opened reads itself.
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible("button[data-mode=speech]")); err != nil {
		t.Fatal(err)
	}
	if l := waitSpoken(t, ctx); !strings.Contains(l.Text, want[0]) || l.Pressed != "true" {
		t.Errorf("after a reload the switch is %q and the page read %.100q; want it on and reading the article", l.Pressed, l.Text)
	}

	// Off: the reading stops, and stays off.
	before := spoken(t, ctx).Cancels
	tabTo(t, ctx, "speech")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if l := spoken(t, ctx); l.Cancels <= before || l.Pressed != "false" {
		t.Errorf("switching off: cancel() called %d times (before %d), aria-pressed=%q; want a cancel and false", l.Cancels, before, l.Pressed)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible("button[data-mode=speech]")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if l := spoken(t, ctx); l.Text != "" || l.Pressed != "false" {
		t.Errorf("after switching off and reloading the page still reads (%+v)", l)
	}
}

// TestBrowserElderCursor checks the large-cursor option (适老化): reached
// with Tab and pressed with the space bar, it gives the page the theme's
// large arrow and, over links, the large hand (pictures the site serves);
// it is remembered across a reload and on the intake's pages.
func TestBrowserElderCursor(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(url+"notices/2026-call/"), chromedp.WaitVisible("button[data-mode=large-cursor]")); err != nil {
		t.Fatal(err)
	}
	cursors := func() []string {
		t.Helper()
		c, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.documentElement.className, getComputedStyle(document.querySelector("main p") || document.querySelector("main")).cursor,
			getComputedStyle(document.querySelector("main a") || document.querySelector("a[href]")).cursor, document.querySelector("button[data-mode=large-cursor]").getAttribute("aria-pressed")]`))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := cursors(); strings.Contains(c[1], "url(") || c[3] != "false" {
		t.Fatalf("a large cursor before it was chosen: %q", c)
	}
	tabTo(t, ctx, "large-cursor")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		c := cursors()
		if !strings.Contains(c[0], "large-cursor") || c[3] != "true" {
			t.Errorf("%s: the large cursor is not on (class %q, aria-pressed %q)", when, c[0], c[3])
		}
		if !strings.Contains(c[1], "cursors/arrow.svg") {
			t.Errorf("%s: text shows the cursor %s, want the large arrow", when, c[1])
		}
		if !strings.Contains(c[2], "cursors/hand.svg") {
			t.Errorf("%s: a link shows the cursor %s, want the large hand", when, c[2])
		}
	}
	check("after pressing the button")
	for _, pic := range []string{"cursors/arrow.svg", "cursors/hand.svg"} {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`fetch("/`+pic+`").then(r => r.ok && r.headers.get("content-type").startsWith("image/svg+xml"))`, chromedp.EvalAwaitPromise))
		if err != nil || !ok {
			t.Errorf("the site does not serve %s as an SVG picture (%v)", pic, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible("button[data-mode=large-cursor]")); err != nil {
		t.Fatal(err)
	}
	check("after a reload")
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"api/objections/new?publicity=pub-2026-candidates&candidate=c01"), chromedp.WaitVisible("#f-name")); err != nil {
		t.Fatal(err)
	}
	check("on the objection form")
	axeCheck(t, ctx, "异议表单（大鼠标）")
}

// TestBrowserElderHeaderFits opens pages at 320 px with every 适老化 mode on
// (large text, high contrast, large cursor): the header, with its search
// box and four buttons, must not make the page scroll sideways, and every
// button stays inside the screen.
func TestBrowserElderHeaderFits(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	for i, path := range []string{"", "publicity/2026-candidates/", "api/objections/new?publicity=pub-2026-candidates&candidate=c01"} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800), chromedp.Navigate(url+path), chromedp.WaitVisible("button[data-mode=large-text]")); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
				for (const m of ["large-text", "high-contrast", "large-cursor"]) document.querySelector("button[data-mode='" + m + "']").click();
				return true;
			})()`))
			if err != nil {
				t.Fatal(err)
			}
		}
		w, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[document.scrollingElement.scrollWidth, window.innerWidth,
			Math.max(...Array.from(document.querySelectorAll(".site-header button, .site-header input"), b => b.getBoundingClientRect().right))]`))
		if err != nil {
			t.Fatal(err)
		}
		if w[0] > w[1] || w[2] > w[1] {
			t.Errorf("/%s at 320 px in large text: page %.0f px wide, header controls reach %.0f px, screen %.0f px", path, w[0], w[2], w[1])
		}
		if i == 0 {
			screenshot(t, ctx, "elder-header-320")
		}
	}
}
