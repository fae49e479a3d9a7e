package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// headerValues returns the values of a header as Chromium reports it
// (repeated headers joined by newlines), name compared case-insensitively.
func headerValues(h network.Headers, name string) []string {
	var vs []string
	for k, v := range h {
		if s, ok := v.(string); ok && strings.EqualFold(k, name) {
			vs = append(vs, strings.Split(s, "\n")...)
		}
	}
	return vs
}

// TestNginxReceiptSendsNoReferrer drives real Chromium through nginx
// (configuration generated from deploy/nginx-award.conf) to the real site
// and intake: it submits an objection with the form, gets the receipt
// (…/api/receipts/REF?token=SECRET), follows links from the receipt back to
// the site, and records every request the browser makes. The token must be
// in no Referer and in no request URL but the receipt's own. Every answer
// carries exactly one Referrer-Policy (a browser obeys the last of several):
// no-referrer on everything under /api/, the forms included — Chromium then
// posts the form with Origin: null and Sec-Fetch-Site: same-origin, which
// the intake accepts with the form's token.
func TestNginxReceiptSendsNoReferrer(t *testing.T) {
	ns := startNginxSite(t, nginxOptions{})
	ctx := browser(t)
	api := ns.url + "api/"

	type sent struct {
		id, url, referer, via string
	}
	var (
		mu        sync.Mutex
		requests  []sent
		urlsOf    = map[network.RequestID][]string{}
		responses []*network.EventResponseReceivedExtraInfo
	)
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			urlsOf[e.RequestID] = append(urlsOf[e.RequestID], e.Request.URL)
			requests = append(requests, sent{string(e.RequestID), e.Request.URL, strings.Join(headerValues(e.Request.Headers, "Referer"), " "), "requestWillBeSent"})
		case *network.EventRequestWillBeSentExtraInfo:
			// The headers as sent on the wire; the URL is filled in below.
			requests = append(requests, sent{string(e.RequestID), "", strings.Join(headerValues(e.Headers, "Referer"), " "), "requestWillBeSentExtraInfo"})
		case *network.EventResponseReceivedExtraInfo:
			responses = append(responses, e)
		}
	})
	if err != nil {
		t.Fatal(err)
	}

	pdf := samplePDF(t, "检验报告.pdf")
	err = chromedp.Do(ctx,
		chromedp.Navigate(ns.url),
		chromedp.Click(`main a[href$="/publicity/2026-candidates/"]`),
		chromedp.WaitVisible("table.candidates"),
		chromedp.Click(`table.candidates a[href*="/api/objections/new"]`),
		chromedp.WaitVisible("#f-name"),
		chromedp.SendKeys("#f-name", "李四"),
		chromedp.SendKeys("#f-idNumber", "11010519491231002X"),
		chromedp.SendKeys("#f-phone", "13900139000"),
		chromedp.SendKeys("#f-statement", "该组织的产品在2025年抽检中不合格，附检验报告，请核实后再评。"),
		chromedp.SetUploadFiles("#f-evidence", []string{pdf}),
		chromedp.Click("#f-consent"),
		chromedp.Click(`form button[type="submit"]`),
	)
	if err != nil {
		t.Fatalf("submitting the objection through nginx: %v", err)
	}
	waitText(t, ctx, "异议受理回执")
	receipt, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(receipt)
	if err != nil || !strings.HasPrefix(receipt, api+"receipts/") || len(u.Query().Get("token")) < 16 {
		t.Fatalf("the receipt is at %q, want %sreceipts/REF?token=…", receipt, api)
	}
	token := u.Query().Get("token")
	t.Logf("receipt %s", strings.Replace(receipt, token, "TOKEN", 1))

	// From the receipt back to the site: the header's site title, the main
	// menu, the footer; each page loads its styles, scripts and icon.
	back := func(link, wantPath string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(receipt),
			chromedp.WaitVisible("table.receipt"),
			chromedp.Click(link),
		)
		if err != nil {
			t.Fatalf("clicking %s on the receipt: %v", link, err)
		}
		waitLoaded(t, ctx, wantPath)
	}
	back(".site-title a", ns.base)
	back(`.main-nav a[href$="/publicity/"]`, ns.base+"publicity/")
	back(`.site-footer a[href$="/contact/"]`, ns.base+"contact/")
	// And on from a site page, which does send a (same-origin) Referer: the
	// recording must see it, or its silence about the token proves nothing.
	if err := chromedp.Do(ctx, chromedp.Click(`.main-nav a[href$="/notices/"]`)); err != nil {
		t.Fatal(err)
	}
	waitLoaded(t, ctx, ns.base+"notices/")

	mu.Lock()
	seen, answers := append([]sent(nil), requests...), append([]*network.EventResponseReceivedExtraInfo(nil), responses...)
	chains := map[network.RequestID][]string{}
	for id, urls := range urlsOf {
		chains[id] = append([]string(nil), urls...)
	}
	mu.Unlock()
	referers := 0
	for _, r := range seen {
		urls := []string{r.url}
		if r.url == "" {
			urls = chains[network.RequestID(r.id)]
		}
		shown := strings.ReplaceAll(strings.Join(urls, " → "), token, "TOKEN")
		if r.referer != "" {
			referers++
		}
		if strings.Contains(r.referer, token) {
			t.Errorf("the token leaked as Referer %q of %s (%s)", strings.ReplaceAll(r.referer, token, "TOKEN"), shown, r.via)
		}
		if r.url != "" && r.url != receipt && strings.Contains(r.url, token) {
			t.Errorf("the token is in the URL of another request: %s", shown)
		}
	}
	if referers == 0 {
		t.Errorf("no request the browser made carried a Referer, not even from a site page: the recording sees no Referer headers (%d requests)", len(seen))
	}
	// The answers under /api/ as Chromium received them: the n-th answer
	// to a request is that of the n-th URL of its redirect chain.
	apiAnswers, receipts, hop := 0, 0, map[network.RequestID]int{}
	for _, e := range answers {
		urls := chains[e.RequestID]
		n := hop[e.RequestID]
		hop[e.RequestID]++
		if n >= len(urls) || !strings.HasPrefix(urls[n], api) {
			continue
		}
		apiAnswers++
		if urls[n] == receipt {
			receipts++
		}
		if got := headerValues(e.Headers, "Referrer-Policy"); len(got) != 1 || got[0] != apiReferrerPolicy {
			t.Errorf("%s: Chromium received Referrer-Policy %q, want exactly one %s", strings.ReplaceAll(urls[n], token, "TOKEN"), got, apiReferrerPolicy)
		}
	}
	if receipts < 4 || apiAnswers < receipts+2 { // the form, the post's redirect, the receipt and its reloads
		t.Errorf("%d answers from under /api/ recorded, %d of them the receipt; want the form, the post and the receipt at each visit", apiAnswers, receipts)
	}
	t.Logf("%d requests recorded (%d with a Referer), %d answers from under /api/ (%d of the receipt)", len(seen), referers, apiAnswers, receipts)

	// The same headers over plain HTTP: each of the security headers once,
	// Referrer-Policy no-referrer on everything under /api/ (forms, the
	// receipt, the intake's own errors), and one policy on the site.
	for _, c := range []struct{ path, policy string }{
		{"api/objections/new?publicity=pub-2026-candidates&candidate=c01", "no-referrer"},
		{"api/applications/new", "no-referrer"},
		{strings.TrimPrefix(receipt, ns.url), "no-referrer"},
		{strings.TrimPrefix(u.Path, ns.base) + "?token=wrong", "no-referrer"},
		{"api/no-such-thing", "no-referrer"},
		{"api/objections/new/", "no-referrer"},
		{"", "strict-origin-when-cross-origin"},
		{"no-such-page/", "strict-origin-when-cross-origin"},
	} {
		resp, err := http.Get(ns.url + c.path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		shown := strings.ReplaceAll(c.path, token, "TOKEN")
		if got := resp.Header.Values("Referrer-Policy"); len(got) != 1 || got[0] != c.policy {
			t.Errorf("/%s (%d): Referrer-Policy %q, want exactly one %s", shown, resp.StatusCode, got, c.policy)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
			if got := resp.Header.Values(h); len(got) != 1 {
				t.Errorf("/%s (%d): %d %s headers %q, want one", shown, resp.StatusCode, len(got), h, got)
			}
		}
	}
}

// apiReferrerPolicy is the Referrer-Policy nginx must send for every path
// under the intake's api/: forms, receipts and errors alike.
const apiReferrerPolicy = "no-referrer"

// waitLoaded waits until the tab shows a page at path whose subresources
// have loaded.
func waitLoaded(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
		if got == path {
			return
		}
	}
	t.Fatalf("the page at %s never finished loading (at %q)", path, got)
}
