package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// printCheck prints the open page as a person would (print media, A4) and
// checks the result: the navigation, display buttons, skip link and footer
// links are left out, the heading and the texts in keep are printed, nothing
// is wider than the paper, and the page count stays within maxPages. The
// PDF, and a picture of the print styles at the paper's width, are kept in
// artifacts/print/ (git-ignored).
func printCheck(t *testing.T, ctx context.Context, name string, maxPages int, keep ...string) {
	t.Helper()
	// The printable width of A4 with Chromium's default margins, in CSS pixels.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(717, 1000)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_, _ = chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
	}()
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function () {
		const visible = el => el && getComputedStyle(el).display !== "none" && el.getClientRects().length > 0;
		const out = [];
		for (const sel of [".main-nav", ".display-modes", ".skip", ".footer-links", ".breadcrumb", ".upload-progress"]) {
			for (const el of document.querySelectorAll(sel)) if (visible(el)) out.push(sel);
		}
		if (!visible(document.querySelector("main h1"))) out.push("no heading");
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range shown {
		if s == "no heading" {
			t.Errorf("%s: the heading is not printed", name)
		} else {
			t.Errorf("%s: %s is printed; it means nothing on paper", name, s)
		}
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keep {
		if !strings.Contains(text, k) {
			t.Errorf("%s: the print lacks %q", name, k)
		}
	}
	// A4 portrait with Chromium's default margins.
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69})
	if err != nil {
		t.Fatal(err)
	}
	pages := len(pdfPage.FindAll(pdf.Data, -1))
	if pages == 0 || pages > maxPages {
		t.Errorf("%s prints on %d A4 pages; want 1 to %d", name, pages, maxPages)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
	if err != nil {
		t.Fatal(err)
	}
	if wide {
		t.Errorf("%s: something is wider than the paper", name)
	}
	dir := filepath.Join("..", "..", "artifacts", "print")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // the print styles at the paper's width, to look at
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Data, []byte("%PDF-")) {
		t.Errorf("%s: Chromium's print is not a PDF", name)
	}
}

// pdfPage matches a page object of a PDF (not the /Pages tree).
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestBrowserPrint prints a notice, the policy and a publicity list in real
// Chromium (the receipts are printed on the citizen's and applicant's paths).
func TestBrowserPrint(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	for _, pg := range []struct {
		name, path string
		maxPages   int
		keep       []string
	}{
		{"通知", "notices/2026-training/", 2, []string{"发布日期"}},
		{"公示", "publicity/2026-candidates/", 3, []string{"公示期", "统一社会信用代码"}},
		{"管理办法", "policy/measures/", 12, []string{"第一条", "第三十条"}},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(url+pg.path), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
		printCheck(t, ctx, pg.name, pg.maxPages, pg.keep...)
	}
}
