package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRateLimitKeepsEntries checks in real Chromium, with and
// without JavaScript, that a citizen over the budget of stored submissions
// (AWARD_RATE_SUBMIT, here one) is not sent to a bare page: a typo first
// (refused, costing nothing of that budget), then the objection stored,
// then a second objection from the same address answered 429 with the form
// again, the typed statement and name still in it and the page saying when
// to try again. Screenshot: artifacts/screens/ratelimit-429-{js,nojs}.png.
func TestBrowserRateLimitKeepsEntries(t *testing.T) {
	t.Run("JavaScript", func(t *testing.T) { rateLimitKeepsEntries(t, true) })
	t.Run("no JavaScript", func(t *testing.T) { rateLimitKeepsEntries(t, false) })
}

func rateLimitKeepsEntries(t *testing.T, js bool) {
	ctx := browser(t)
	if !js {
		ctx = withScriptsOff(t, ctx)
	}
	t.Setenv("AWARD_RATE_SUBMIT", "1/1h,1")
	t.Setenv("AWARD_RATE_REFUSAL", "20/1h,20")
	url := realSite(t)
	pdf := samplePDF(t, "处罚决定书.pdf")
	form := url + "api/objections/new?publicity=pub-2026-candidates&candidate=c01"
	fill := func(name, phone, statement string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(form),
			chromedp.WaitVisible("#f-name"),
			chromedp.SendKeys("#f-name", name),
			chromedp.SendKeys("#f-idNumber", "11010519491231002X"),
			chromedp.SendKeys("#f-phone", phone),
			chromedp.SendKeys("#f-statement", statement),
			chromedp.SetUploadFiles("#f-evidence", []string{pdf}),
			chromedp.Click("#f-consent"),
		)
		if err != nil {
			t.Fatalf("filling the form: %v", err)
		}
		if js {
			pollJS(t, ctx, "the evidence uploaded", `document.querySelectorAll('.staged-file[data-state="done"]').length === 1`, 20*time.Second)
		}
		if err := chromedp.Do(ctx, chromedp.Click(`main form button[type="submit"]`)); err != nil {
			t.Fatal(err)
		}
	}
	statement := "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。"
	if !js { // without scripts the server finds the typo; it costs nothing of the budget
		fill("张三", "1380013800", statement)
		waitText(t, ctx, "需要修改")
	}
	fill("张三", "13800138000", statement)
	waitText(t, ctx, "异议受理回执")

	second := "第二位异议人：该组织2025年10月的产品抽检不合格，有抽检结果公告为证。"
	fill("李四", "13900139000", second)
	page := waitText(t, ctx, "后再试")
	for _, want := range []string{"提交的件数已达上限", "本次提交没有保存任何内容", "您填写的内容已保留在下方"} {
		if !strings.Contains(page, want) {
			t.Errorf("the 429 page lacks %q:\n%s", want, page)
		}
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.querySelector("#f-statement").value, document.querySelector("#f-name").value,
		document.querySelector("#f-phone").value, String(document.querySelector("#f-consent").checked), location.pathname]`))
	if err != nil {
		t.Fatal(err)
	}
	if kept[0] != second || kept[1] != "李四" || kept[2] != "13900139000" || kept[3] != "true" {
		t.Errorf("the form shown again lost entries: statement %q, name %q, phone %q, consent %s", kept[0], kept[1], kept[2], kept[3])
	}
	if js {
		// The staged list is the server's, taken over by staged-uploads.js
		// as the page loads: wait for it rather than read one snapshot.
		if kept := waitText(t, ctx, "处罚决定书.pdf"); !strings.Contains(kept, "无需重新选择") {
			t.Errorf("the staged evidence is not kept:\n%s", kept)
		}
	}
	axeCheck(t, ctx, "异议表单（提交过于频繁）")
	screenshot(t, ctx, "ratelimit-429-"+map[bool]string{true: "js", false: "nojs"}[js])
}
