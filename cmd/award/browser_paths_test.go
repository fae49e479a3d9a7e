package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// realSite serves the repository's own content, theme and configuration on a
// fixed clock inside the example publicity (20–26 November 2026).
func realSite(t *testing.T) string { return realSiteAt(t, "2026-11-25T10:00:00+08:00") }

// realSiteAt serves the repository's site with its clock fixed at now (and
// extra serve flags, such as -future for a moment before some pages' dates).
func realSiteAt(t *testing.T, now string, extra ...string) string {
	t.Helper()
	url, stop := startSite(t, t.TempDir(), now, extra...)
	t.Cleanup(stop)
	return url
}

// startSite runs award serve over the real content with its data, keys and
// output under dir and its clock fixed at now, and returns its address and
// a function that stops it (and waits). Two runs over one dir share the
// store: a test can move the clock by stopping one and starting another.
func startSite(t *testing.T, dir, now string, extra ...string) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("AWARD_DATA_DIR", filepath.Join(dir, "data"))
	t.Setenv("AWARD_IDENTITY_KEY_FILE", filepath.Join(dir, "data", "identity.key"))
	t.Setenv("AWARD_TOWNSHIPS", "../../townships.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		args := append([]string{"-content", "../../content", "-theme", "../../themes/default", "-config", "../../site.yaml",
			"-holidays", "../../holidays.yaml", "-static", filepath.Join(dir, "none"), "-out", filepath.Join(dir, "public"),
			"-intake-config", filepath.Join(dir, "none.yaml"), "-addr", addr, "-staff-addr", "127.0.0.1:0", "-no-watch", "-now", now}, extra...)
		done <- runServe(ctx, args, io.Discard, io.Discard)
	}()
	stop := func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	}
	url := "http://" + addr + "/"
	for deadline := time.Now().Add(20 * time.Second); ; {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return url, stop
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatal("serve did not come up")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// samplePDF writes a small valid PDF named name into a temporary folder,
// for a browser to attach, and returns its path.
func samplePDF(t *testing.T, name string) string {
	t.Helper()
	pdf := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return pdf
}

// TestBrowserCitizenObjects walks a citizen's path in real Chromium: home →
// the publicity list → a candidate's objection form → fill it, attach a PDF,
// submit → the receipt with its reference; then the same with a wrong ID
// number, which shows an error summary linking to it. With JavaScript the
// browser's own check finds the mistake; without, the server does, and
// every step still works.
func TestBrowserCitizenObjects(t *testing.T) {
	t.Run("JavaScript", func(t *testing.T) { citizenObjects(t, true) })
	t.Run("no JavaScript", func(t *testing.T) { citizenObjects(t, false) })
}

func citizenObjects(t *testing.T, js bool) {
	ctx := browser(t)
	if !js {
		ctx = withScriptsOff(t, ctx)
	}
	url := realSite(t)
	pdf := samplePDF(t, "处罚决定书.pdf")
	fill := func(idNumber string) error {
		return chromedp.Do(ctx,
			chromedp.WaitVisible("#f-name"),
			chromedp.SendKeys("#f-name", "张三"),
			chromedp.SendKeys("#f-idNumber", idNumber),
			chromedp.SendKeys("#f-phone", "13800138000"),
			chromedp.SendKeys("#f-statement", "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。"),
			chromedp.SetUploadFiles("#f-evidence", []string{pdf}),
			chromedp.Click("#f-consent"),
			chromedp.Click(`main form button[type="submit"]`),
		)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.Click(`main a[href$="/publicity/2026-candidates/"]`),
		chromedp.WaitVisible("table.candidates"),
		chromedp.Click(`table.candidates a[href*="/api/objections/new"]`),
	)
	if err != nil {
		t.Fatalf("reaching the form: %v", err)
	}
	if err := fill("11010519491231002X"); err != nil {
		t.Fatalf("filling the form: %v", err)
	}
	receipt := waitText(t, ctx, "异议受理回执")
	if !strings.Contains(receipt, "受理编号") || !strings.Contains(receipt, "处罚决定书.pdf") {
		t.Fatalf("the receipt lacks its reference or the file:\n%s", receipt)
	}
	axeCheck(t, ctx, "异议回执")
	if js {
		printCheck(t, ctx, "异议回执", 1, "受理编号", "处罚决定书.pdf")
	}
	if noJS, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.classList.contains("no-js")`)); noJS == js {
		t.Fatalf("scripts should be %s, the page says no-js=%v", map[bool]string{true: "on", false: "off"}[js], noJS)
	}
	// The same with a wrong ID number.
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"api/objections/new?publicity=pub-2026-candidates&candidate=c01")); err != nil {
		t.Fatal(err)
	}
	if err := fill("110105194912310021"); err != nil {
		t.Fatalf("filling the form again: %v", err)
	}
	if page := waitText(t, ctx, "需要修改"); !strings.Contains(page, "身份证号码有误，请对照身份证逐位核对") {
		t.Fatalf("no error summary saying the ID number is mistyped:\n%s", page)
	}
	if _, err := chromedp.Run(ctx, chromedp.Text(`.error-summary a[href="#f-idNumber"]`)); err != nil {
		t.Errorf("the error summary does not link to the ID number field: %v", err)
	}
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if wantPath := map[bool]string{true: "/api/objections/new", false: "/api/objections"}[js]; path != wantPath {
		t.Errorf("the mistake should be shown at %s (by the %s), the page is at %s", wantPath,
			map[bool]string{true: "browser", false: "server"}[js], path)
	}
	if !js {
		axeCheck(t, ctx, "异议表单（服务器检查出错误）")
		return // nothing moves the focus without a script; the summary leads the page
	}
	var focused string
	for deadline := time.Now().Add(5 * time.Second); focused != "error-summary" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		focused, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.readyState === "complete" && document.activeElement && document.activeElement.id) || ""`))
	}
	if focused != "error-summary" {
		t.Errorf("the error summary does not take the focus: focused %q", focused)
	}
	axeCheck(t, ctx, "异议表单（有错误）")
}

// waitText waits until the page (whichever, across navigations) has loaded
// and shows want, and returns its text.
func waitText(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	var text string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		// Only a page loaded to its end counts: read while it streams in
		// (a loaded machine), its text stops halfway.
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.readyState, document.body ? document.body.innerText : ""]`))
		if err == nil && len(got) == 2 {
			text = got[1]
			if got[0] == "complete" && strings.Contains(text, want) {
				return text
			}
		}
	}
	t.Fatalf("the page never showed %q; it shows:\n%s", want, text)
	return ""
}

// TestBrowserPolicyArticles checks the policy page in real Chromium: every
// article (第一条…) has a link whose address ends in its anchor, and using it
// copies that address or, where the clipboard is not allowed, goes there.
func TestBrowserPolicyArticles(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"policy/measures/"), chromedp.WaitVisible(".article-link")); err != nil {
		t.Fatal(err)
	}
	counts, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.querySelectorAll(".content h2[id]").length,
		document.querySelectorAll(".content .article-link").length, document.querySelectorAll(".toc a").length]`))
	if err != nil {
		t.Fatal(err)
	}
	if counts[0] < 15 || counts[1] != counts[0] || counts[2] != counts[0] {
		t.Errorf("%d articles, %d article links, %d table-of-contents entries; want at least 15 of each, all equal", counts[0], counts[1], counts[2])
	}
	if err := chromedp.Do(ctx, chromedp.Click(`a.article-link[href="#`+"%E7%AC%AC%E5%8D%81%E4%B8%89%E6%9D%A1"+`"]`)); err != nil {
		t.Fatal(err)
	}
	want := url + "policy/measures/#第十三条"
	var got string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
			const s = document.querySelector("#第十三条 ~ .article-link-status");
			if (s && s.textContent.startsWith("已复制：")) return s.textContent.slice(4);
			return location.hash ? decodeURIComponent(location.href) : "";
		})()`))
		if got != "" {
			break
		}
	}
	if got != want {
		t.Errorf("the article link gave %q, want %q", got, want)
	}
}
