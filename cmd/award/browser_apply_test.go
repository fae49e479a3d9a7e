package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserApplicantUploads walks an applicant's path in real Chromium
// during the example call (April 2026): the form, every required document,
// a large self-assessment scan whose upload shows the progress bar with a
// percentage, then the 收件清单.
func TestBrowserApplicantUploads(t *testing.T) {
	ctx := browser(t)
	url := realSiteAt(t, "2026-04-01T10:00:00+08:00", "-future") // pages dated after April are built too
	dir := t.TempDir()
	pdf := func(name string, size int) string {
		p := filepath.Join(dir, name)
		data := append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), size)...), "\n%%EOF\n"...)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	steps := fillApplication(url, "zhiliang@example.com", "2026-03-20")
	for _, slot := range []string{"applicationForm", "recommendation", "internalPublicity", "license", "commitment", "financials", "creditReport"} {
		steps = append(steps, chromedp.SetUploadFiles("#f-"+slot, []string{pdf(slot+".pdf", 1000)}))
	}
	steps = append(steps,
		chromedp.SetUploadFiles("#f-selfAssessment", []string{pdf("自评报告扫描件.pdf", 120<<20)}),
		check("#f-consent"),
		chromedp.Click(`form button[type="submit"]`),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("filling the application: %v", err)
	}
	// The progress bar shows while the 120 MB scan is sent.
	sawProgress := false
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`(() => { const b = document.querySelector(".upload-progress"); return !!b && !b.hidden && /\d+%/.test(b.textContent); })()`))
		if err == nil && shown {
			sawProgress = true
			break
		}
		if err != nil {
			break // the page has moved on to the receipt
		}
		time.Sleep(20 * time.Millisecond)
	}
	var receipt string
	for time.Now().Before(deadline) {
		// The whole receipt: loaded, down to the last slot of the 收件清单.
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" && document.body ? document.body.innerText : ""`))
		if err == nil && strings.Contains(text, "收件清单") && strings.Contains(text, "证实性材料") {
			receipt = text
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if receipt == "" {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 1500) : ""`))
		t.Fatalf("no receipt; the page shows:\n%s", text)
	}
	if !sawProgress {
		t.Error("no progress bar with a percentage was seen during the upload")
	}
	for _, want := range []string{"申报受理回执", "受理编号", "自评报告扫描件.pdf", "未提交"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("receipt lacks %q:\n%s", want, receipt)
		}
	}
	axeCheck(t, ctx, "申报回执（收件清单）")
	printCheck(t, ctx, "申报回执", 2, "受理编号", "收件清单", "自评报告扫描件.pdf")
}

// check ticks a checkbox as a person would, whatever lies over its centre.
func check(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.SetAttributeValue(sel, "checked", "checked")
}

// fillApplication opens the application form of the call of 2026 at the
// site siteURL and fills in the organisation's fields (email, and the last
// day of the internal publicity, which began on Monday 16 March) and the
// nine declarations; the files and the consent are the caller's.
func fillApplication(siteURL, email, publicityEnd string) []chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(siteURL + "api/applications/new?call=call-2026"),
		chromedp.WaitVisible("#f-orgName"),
		chromedp.SendKeys("#f-orgName", "中牟县示例食品有限公司"),
		chromedp.SendKeys("#f-creditCode", "91410122MA00J8NW0M"),
		chromedp.SetValue("#f-orgKind", "企业"),
		chromedp.SetValue("#f-established", "2018-05-20"),
		chromedp.SendKeys("#f-industry", "食品制造业"),
		chromedp.SetValue("#f-township", "韩寺镇"),
		chromedp.SendKeys("#f-address", "中牟县示例大道88号"),
		chromedp.SendKeys("#f-recommender", "韩寺镇人民政府"),
		chromedp.SetValue("#f-excellenceSince", "2023-01-01"),
		chromedp.SendKeys("#f-legalRepresentative", "李四"),
		chromedp.SendKeys("#f-contactName", "王五"),
		chromedp.SendKeys("#f-phone", "0371-62196035"),
		chromedp.SendKeys("#f-email", email),
		chromedp.SetValue("#f-internalPublicityStart", "2026-03-16"),
		chromedp.SetValue("#f-internalPublicityEnd", publicityEnd),
	}
	for i := 1; i <= 9; i++ {
		steps = append(steps, check("#f-declaration"+strconv.Itoa(i)))
	}
	return steps
}
