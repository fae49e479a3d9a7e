package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// phoneWidth is the viewport of the phone tests: a common 390 px phone.
const phoneWidth = 390

// noSideways fails the test when the open page scrolls sideways.
func noSideways(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.scrollingElement.scrollWidth, window.innerWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if w[0] > w[1] {
		t.Errorf("%s scrolls sideways at %d px: %d px wide", page, phoneWidth, w[0])
	}
}

// outside lists the elements matching sel that are not wholly inside the
// viewport's width (or have no box at all), as "text (left–right)".
func outside(t *testing.T, ctx context.Context, sel string) (bad []string, n int) {
	t.Helper()
	r, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function (sel) {
		const out = [String(document.querySelectorAll(sel).length)];
		for (const el of document.querySelectorAll(sel)) {
			const b = el.getBoundingClientRect();
			if (b.width === 0 || b.height === 0 || b.left < 0 || b.right > window.innerWidth) {
				out.push(el.textContent.trim().slice(0, 40) + " (" + Math.round(b.left) + "–" + Math.round(b.right) + ")");
			}
		}
		return out;
	})(`+strconv.Quote(sel)+`)`))
	if err != nil {
		t.Fatal(err)
	}
	if n, err = strconv.Atoi(r[0]); err != nil {
		t.Fatal(err)
	}
	return r[1:], n
}

// TestBrowserPhonePublicity opens the publicity list at 390 px: each
// candidate is a card (no table scrolling inside a box), and every
// 「对…提出异议」 link lies inside the screen's width, the page not
// scrolling sideways; following the first link opens that candidate's form.
func TestBrowserPhonePublicity(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 844), chromedp.Navigate(url+"publicity/2026-candidates/"),
		chromedp.WaitVisible("table.candidates"))
	if err != nil {
		t.Fatal(err)
	}
	noSideways(t, ctx, "the publicity list")
	bad, n := outside(t, ctx, `table.candidates a[href*="/api/objections/new"]`)
	if n < 2 {
		t.Fatalf("%d objection links on the publicity list, want one per candidate (at least 2)", n)
	}
	for _, b := range bad {
		t.Errorf("objection link not in full view at %d px: %s", phoneWidth, b)
	}
	card, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function () {
		const tr = document.querySelector("table.candidates tbody tr"), wrap = document.querySelector(".table-wrap");
		const td = tr.querySelector("td[data-label]");
		return [getComputedStyle(tr).display, String(wrap.scrollWidth <= wrap.clientWidth), getComputedStyle(td, "::before").content];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if card[0] != "block" || card[1] != "true" {
		t.Errorf("a candidate is not a card at %d px: row display %q, its box fits without scrolling: %s", phoneWidth, card[0], card[1])
	}
	if !strings.Contains(card[2], "：") {
		t.Errorf("a card's values carry no names (::before %s)", card[2])
	}
	axePlain(t, ctx, "公示（手机）")
	screenshot(t, ctx, "phone-publicity")
	if err := chromedp.Do(ctx, chromedp.Click(`table.candidates a[href*="/api/objections/new"]`), chromedp.WaitVisible("#f-name")); err != nil {
		t.Fatalf("the first objection link does not open the form: %v", err)
	}
	if sel, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#f-candidate").selectedOptions[0].textContent`)); sel == "" || sel == "请选择" {
		t.Errorf("the form does not have the candidate chosen: %q", sel)
	}
}

// TestBrowserPhoneReceipt submits an objection at 390 px and reads the
// receipt there: the file's name, size and the stage are inside the
// screen, the SHA-256 value is on a line of its own under its name, nothing
// scrolls sideways, and the advice is to take a screenshot or bookmark the
// page (the link shows later progress), not the print menu.
func TestBrowserPhoneReceipt(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	pdf := samplePDF(t, "市场监管部门行政处罚决定书（2025）第12号.pdf")
	err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 844),
		chromedp.Navigate(url+"api/objections/new?publicity=pub-2026-candidates&candidate=c01"),
		chromedp.WaitVisible("#f-name"),
		chromedp.SendKeys("#f-name", "张三"),
		chromedp.SendKeys("#f-idNumber", "11010519491231002X"),
		chromedp.SendKeys("#f-phone", "13800138000"),
		chromedp.SendKeys("#f-statement", "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。"),
		chromedp.SetUploadFiles("#f-evidence", []string{pdf}),
		chromedp.Click("#f-consent"),
		chromedp.Click(`form button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	text := waitText(t, ctx, "异议受理回执")
	if !strings.Contains(text, "截屏或收藏本页（以后打开此链接可查看进度）") {
		t.Errorf("the receipt does not advise a screenshot or bookmark:\n%s", text)
	}
	if strings.Contains(text, "打印") {
		t.Errorf("the receipt still sends people to the print menu:\n%s", grepLines(text, "打印"))
	}
	noSideways(t, ctx, "the receipt")
	for _, sel := range []string{".receipt-files .file-name", ".receipt-files .file-size", ".receipt-files .file-hash code", ".receipt-stage", ".receipt strong"} {
		bad, n := outside(t, ctx, sel)
		if n == 0 {
			t.Errorf("the receipt has no %s", sel)
		}
		for _, b := range bad {
			t.Errorf("%s not in full view at %d px: %s", sel, phoneWidth, b)
		}
	}
	line, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(function () {
		const td = document.querySelector(".receipt-files .file-hash"), code = td.querySelector("code");
		const size = document.querySelector(".receipt-files .file-size");
		const c = code.getBoundingClientRect(), t = td.getBoundingClientRect(), s = size.getBoundingClientRect();
		return [c.left - t.left, c.top - s.bottom, c.top - t.top];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	// The hash starts at its cell's left edge, below the size and below its
	// own name (the cell's first line).
	if line[0] > 1 || line[1] < 0 || line[2] < 10 {
		t.Errorf("the SHA-256 value is not on a line of its own: left offset %.0f, below the size by %.0f, below its cell's top by %.0f", line[0], line[1], line[2])
	}
	if !strings.Contains(text, "市场监管部门行政处罚决定书（2025）第12号.pdf") {
		t.Errorf("the receipt does not show the file name whole:\n%s", text)
	}
	axePlain(t, ctx, "异议回执（手机）")
	screenshot(t, ctx, "phone-receipt")
}

// TestBrowserPhoneSearch searches at 390 px: the header's search box leads
// to the search page, whose box is as tall as the other fields (44 px);
// results mark the query's words (<mark>); a query with no result links to
// the site map; nothing scrolls sideways.
func TestBrowserPhoneSearch(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 844), chromedp.Navigate(url+"notices/"),
		chromedp.WaitVisible("#header-search-q"),
		chromedp.SendKeys("#header-search-q", "申报"),
		chromedp.Submit("#header-search-q"),
		chromedp.WaitVisible("#search-results mark"),
	)
	if err != nil {
		t.Fatalf("searching from the header: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function () {
		const marks = Array.from(document.querySelectorAll("#search-results mark"), m => m.textContent);
		return [location.pathname, document.querySelector("#search-q").value, marks.join("|")];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "/search/" || got[1] != "申报" {
		t.Errorf("the header's search went to %s with the box holding %q, want /search/ and 申报", got[0], got[1])
	}
	heights, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`["#search-q", "#header-search-q"].map(s => document.querySelector(s).getBoundingClientRect().height)`))
	if err != nil {
		t.Fatal(err)
	}
	for i, what := range []string{"the search page's box", "the header's box"} {
		if heights[i] < 44 {
			t.Errorf("%s is %.0f px tall, want at least 44 like the other fields", what, heights[i])
		}
	}
	for _, m := range strings.Split(got[2], "|") {
		if !strings.Contains(m, "申报") {
			t.Errorf("a mark holds %q, not the query 申报 (marks: %s)", m, got[2])
		}
	}
	noSideways(t, ctx, "the search results")
	axePlain(t, ctx, "搜索结果（手机）")
	screenshot(t, ctx, "phone-search")

	if err := chromedp.Do(ctx, chromedp.Navigate(url+"search/?q=乌龟赛跑"), chromedp.WaitVisible(`#search-results a[href$="/sitemap/"]`)); err != nil {
		t.Fatalf("the no-result message has no link to the site map: %v", err)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Text("#search-results")); !strings.Contains(msg, "没有找到包含“乌龟赛跑”的页面") || !strings.Contains(msg, "网站地图") {
		t.Errorf("the no-result message says %q", msg)
	}
}

// TestBrowserPhoneApplicationReceipt reads an application's receipt (the
// 收件清单, one row per document slot) at 390 px: each slot's state, each
// file's name and size lie inside the screen, each SHA-256 value is on a
// line of its own, and nothing scrolls sideways.
func TestBrowserPhoneApplicationReceipt(t *testing.T) {
	ctx := browser(t)
	site := realSiteAt(t, "2026-04-01T10:00:00+08:00", "-future")
	app := postApplication(t, site)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 844), chromedp.Navigate(strings.TrimSuffix(site, "/")+app.Receipt))
	if err != nil {
		t.Fatal(err)
	}
	text := waitText(t, ctx, "收件清单")
	if !strings.Contains(text, "截屏或收藏本页（以后打开此链接可查看进度）") {
		t.Errorf("the receipt does not advise a screenshot or bookmark:\n%s", text)
	}
	noSideways(t, ctx, "the application receipt")
	for _, sel := range []string{".receipt-files .slot-state", ".receipt-files .file-name", ".receipt-files .file-size", ".receipt-files .file-hash code"} {
		bad, n := outside(t, ctx, sel)
		if n < 8 {
			t.Errorf("the receipt has %d of %s, want one per document (8)", n, sel)
		}
		for _, b := range bad {
			t.Errorf("%s not in full view at %d px: %s", sel, phoneWidth, b)
		}
	}
	own, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll(".receipt-files .file-hash")).filter(td => {
		const c = td.querySelector("code").getBoundingClientRect(), t = td.getBoundingClientRect();
		return c.left - t.left > 1 || c.top - t.top < 10;
	}).length`))
	if err != nil {
		t.Fatal(err)
	}
	if own != 0 {
		t.Errorf("%d SHA-256 values are not on a line of their own", own)
	}
	screenshot(t, ctx, "phone-application-receipt")
}
