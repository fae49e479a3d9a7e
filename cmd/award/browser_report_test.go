package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserReport walks a winner's annual report (Art. 24, 29) in real
// Chromium against award serve over the real content, with one more winner
// page (第7届, 2025, its credit code given) and the clock inside the report
// call of 2026: the call page links the form; a fund use above the prize is
// refused with the figures named and every entry kept; corrected, the
// report is stored and the receipt lists its files. axe-core checks the
// form, the refused form and the receipt; screenshots report-form-refused.png
// and report-receipt.png.
func TestBrowserReport(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	content := onlineContent(t, filepath.Join(dir, "content"))
	winner := "---\ntitle: 中牟县报告示例食品有限公司\ndate: 2025-06-26T09:00:00\ntype: winner\nsession: 7\nawardYear: 2025\n" +
		"creditCode: 91410122MA00J8NW0M\nindustry: 食品制造业\ntownship: 韩寺镇\nsummary: 速冻食品（示例）。\n---\n\n示例。\n"
	if err := os.WriteFile(filepath.Join(content, "winners", "report-example.md"), []byte(winner), 0o644); err != nil {
		t.Fatal(err)
	}
	site, stop := startSite(t, dir, "2026-12-10T10:00:00+08:00", "-content", content)
	defer stop()
	report := filepath.Join(dir, "2026年度自评报告.pdf")
	voucher := filepath.Join(dir, "培训费发票.pdf")
	for _, f := range []string{report, voucher} {
		if err := os.WriteFile(f, pdfBytes(filepath.Base(f)), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(site+"notices/2026-report-call/")); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "2026年12月31日")
	if err := chromedp.Do(ctx, chromedp.Click(`main a[href*="api/reports/new?call=report-2026"]`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "奖金使用情况")
	axeCheck(t, ctx, "年度报告表")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(`#f-creditCode`, "91410122MA00J8NW0M"),
		chromedp.SendKeys(`#f-orgName`, "中牟县报告示例食品有限公司"),
		chromedp.SendKeys(`#f-score`, "612.5"),
		chromedp.SendKeys(`#f-revenue`, "12500"),
		chromedp.SendKeys(`#f-profitTax`, "860.3"),
		chromedp.SendKeys(`#f-fundBrand`, "250000"),
		chromedp.SendKeys(`#f-fundTraining`, "70000"),
		chromedp.SendKeys(`#f-contactName`, "王五"),
		chromedp.SendKeys(`#f-phone`, "0371-62196035"),
		chromedp.SendKeys(`#f-email`, "zhiliang@example.com"),
		chromedp.SetUploadFiles(`#f-selfAssessmentReport`, []string{report}),
		chromedp.SetUploadFiles(`#f-vouchers`, []string{voucher}),
		chromedp.Click(`#f-consent`),
	)
	if err != nil {
		t.Fatal(err)
	}
	pollJS(t, ctx, "the files uploaded ahead", `document.querySelectorAll('.staged-file[data-state="done"]').length === 2`, 20*time.Second)
	if err := chromedp.Do(ctx, chromedp.Click(`main form button[type="submit"]`)); err != nil {
		t.Fatal(err)
	}
	page := waitText(t, ctx, "奖金使用合计 320,000 元，超过奖金 300,000 元 20,000 元")
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["#f-creditCode", "#f-score", "#f-fundBrand", "#f-fundTraining", "#f-email"].map(s => document.querySelector(s).value)`))
	if err != nil || strings.Join(kept, " ") != "91410122MA00J8NW0M 612.5 250000 70000 zhiliang@example.com" {
		t.Errorf("the refused form kept %q (%v):\n%s", kept, err, page)
	}
	axeCheck(t, ctx, "年度报告表（超出奖金）")
	screenshot(t, ctx, "report-form-refused")

	err = chromedp.Do(ctx,
		chromedp.Clear(`#f-fundBrand`),
		chromedp.SendKeys(`#f-fundBrand`, "200000"),
		chromedp.Click(`main form button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	receipt := waitText(t, ctx, "受理编号")
	for _, want := range []string{"2026年度自评报告.pdf", "培训费发票.pdf", "中牟县报告示例食品有限公司"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("the receipt lacks %q:\n%s", want, receipt)
		}
	}
	// At the browser's 780 px nothing is wider than the page (the hashes wrap).
	if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.scrollingElement.scrollWidth > innerWidth`)); err != nil || wide {
		t.Errorf("the receipt scrolls sideways (%v)", err)
	}
	axeCheck(t, ctx, "年度报告回执")
	screenshot(t, ctx, "report-receipt")
}
