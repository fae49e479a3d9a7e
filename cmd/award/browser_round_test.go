package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/zhongmou/award/submission"
)

// roundOrg is one applicant of the round.
type roundOrg struct {
	name, credit, industry string
	ref                    string
}

// TestBrowserRound runs an award round end to end in real Chromium against
// award serve, the clock moved from phase to phase by restarting serve over
// the same store and content (a call of 2026 set to recommendation: online):
//
//   - 2026-04-01, the call open: three organisations apply over HTTP; a clerk
//     accepts them; the township account of 韩寺镇 reviews each (初审) and
//     recommends it, confirming the stamped 推荐意见 the applicant uploaded.
//   - 2026-06-01: the clerk moves each through 资格审核通过, 材料评审, 现场评审
//     and 综合评审 to 候选 on the case pages, generates the candidate
//     publicity from the records (生成公示, start 2026-06-08, the end computed
//     on the calendar), previews it on the console and publishes it.
//   - 2026-06-09, the window open: the public page lists the three from the
//     records (names and credit codes nobody typed) with the window and an
//     objection link each; a citizen objects to the first through its link;
//     the clerk registers a paper letter against the second (代录, postmarked
//     the same day); the first objection is found 查实, which revokes that
//     candidacy, the paper one 不属实.
//   - 2026-06-22, after the window: the clerk generates the result notice
//     (生成公示结果): the revoked candidate is not among those who stay, is
//     named as removed under 第十七条第（八）项, and no objector appears; the
//     two others are set to 获奖, their winner pages and the 获奖通报 are
//     generated and published.
//   - 2026-06-23: the site shows the result notice, the winners and the
//     通报; the revoked organisation is on none of the winner pages.
//
// Screenshots of the generated pages go to artifacts/screens/ (round-*.png).
func TestBrowserRound(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	content := onlineContent(t, filepath.Join(dir, "content"))
	staffAddr := freeAddr(t)
	staffURL := "http://" + staffAddr + "/staff/"
	serveAt := func(now string) (string, func(), time.Time) {
		site, stop := startSite(t, dir, now, "-future", "-staff-addr", staffAddr, "-content", content)
		at, err := time.Parse(time.RFC3339, now)
		if err != nil {
			t.Fatal(err)
		}
		return site, stop, at
	}
	orgs := []*roundOrg{
		{name: "中牟县全程食品有限公司", credit: "91410122MA00J8NW0M", industry: "食品制造业"},
		{name: "中牟县全程机械有限公司", credit: "91410122MA0E24W21B", industry: "通用设备制造业"},
		{name: "中牟县全程物流有限公司", credit: "91410122MAU87AW67U", industry: "道路运输业"},
	}
	revoked, kept := orgs[0], orgs[1:]
	none := filepath.Join(dir, "none.yaml")
	const password = "秋天的稻田一望无际金黄金黄"

	// 2026-04-01: applications, acceptance, the township's review.
	site, stop, at := serveAt("2026-04-01T10:00:00+08:00")
	for _, o := range orgs {
		status, body := postApplicationWith(t, site, map[string]string{"orgName": o.name, "creditCode": o.credit, "industry": o.industry,
			"address": "中牟县全程路1号", "legalRepresentative": "李建国", "contactName": "赵敏", "phone": "13912345678", "email": "zhaomin@example.com"})
		var a application
		if err := json.Unmarshal(body, &a); status != http.StatusCreated || err != nil {
			t.Fatalf("%s applies: %d %s", o.name, status, body)
		}
		o.ref = a.Reference
	}
	clerkInitial, clerkSecret := addClerk(t, none, "zhangli")
	initial, secret := addTownship(t, none, "hansi", "韩寺镇")
	firstSignIn(t, ctx, staffURL, "zhangli", clerkInitial, clerkSecret, at, false)
	for _, o := range orgs {
		moveCase(t, ctx, staffURL, o.ref, submission.StageAccepted, "已受理")
	}
	signOut(t, ctx)
	firstSignIn(t, ctx, staffURL, "hansi", initial, secret, at, false)
	for _, o := range orgs {
		err := chromedp.Do(ctx,
			chromedp.Navigate(staffURL+"cases/"+o.ref),
			chromedp.WaitVisible(`#review-form`),
			chromedp.Click(`#complete-yes`),
			chromedp.Click(`#true-yes`),
			chromedp.Click(`#lawful-yes`),
			chromedp.Click(`#source-confirm`),
			chromedp.Click(`#review-form button[value="recommend"]`),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitText(t, ctx, "已记录初审并推荐")
	}
	stop()

	// 2026-06-01: the reviews, 候选, the candidate publicity generated.
	_, stop, at = serveAt("2026-06-01T10:00:00+08:00")
	signIn(t, ctx, staffURL, "zhangli", password, clerkSecret, at)
	for _, o := range orgs {
		for _, st := range []struct{ code, label string }{
			{submission.StageQualified, "资格审核通过"}, {submission.StageMaterialReview, "材料评审"},
			{submission.StageSiteReview, "现场评审"}, {submission.StageOverallReview, "综合评审"}, {submission.StageCandidate, "候选"},
		} {
			moveCase(t, ctx, staffURL, o.ref, st.code, st.label)
		}
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(staffURL+"drafts"),
		chromedp.WaitVisible(`#pub-start`),
		setField(`#pub-call`, "call-2026"),
		setField(`#pub-start`, "2026-06-08"),
		chromedp.Click(`button[value="end"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "公示期为2026年6月8日至2026年6月12日，共5个工作日")
	if err := chromedp.Do(ctx, chromedp.Click(`button[value="generate"]`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "content/publicity/pub-call-2026-candidates.md")
	axePlain(t, ctx, "草稿（生成公示后）")
	screenshot(t, ctx, "round-drafts")
	draft := readContent(t, content, "publicity/pub-call-2026-candidates.md")
	for _, o := range orgs {
		for _, want := range []string{o.name, o.credit, o.industry, "reference: " + o.ref} {
			if !strings.Contains(draft, want) {
				t.Errorf("the generated publicity lacks %q", want)
			}
		}
	}
	for _, never := range []string{"李建国", "赵敏", "13912345678", "zhaomin@example.com", "中牟县全程路1号"} {
		if strings.Contains(draft, never) {
			t.Errorf("the generated publicity holds %q", never)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(`a[href="/staff/preview/publicity/pub-call-2026-candidates/"]`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "对"+revoked.name+"提出异议")
	screenshot(t, ctx, "round-publicity-preview")
	publishAll(t, ctx, staffURL, 1)
	if strings.Contains(readContent(t, content, "publicity/pub-call-2026-candidates.md"), "draft: true") {
		t.Fatal("the publicity is still a draft after 发布")
	}
	stop()

	// 2026-06-09: the publicity on the site, two objections, their outcomes.
	site, stop, at = serveAt("2026-06-09T10:00:00+08:00")
	if err := chromedp.Do(ctx, chromedp.Navigate(site+"publicity/pub-call-2026-candidates/")); err != nil {
		t.Fatal(err)
	}
	page := waitText(t, ctx, "2026年6月8日")
	// The page's script keeps the state to serve's pinned clock, not the browser's.
	for _, want := range []string{"2026年6月12日", "状态：公示中", revoked.name, kept[0].name, kept[1].name, revoked.credit} {
		if !strings.Contains(page, want) {
			t.Errorf("the published publicity lacks %q:\n%s", want, page)
		}
	}
	screenshot(t, ctx, "round-publicity")
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("a")].find(a => a.textContent.includes("对`+revoked.name+`提出异议")).getAttribute("href")`))
	if err != nil || !strings.Contains(link, "publicity=pub-call-2026-candidates") {
		t.Fatalf("objection link of %s: %q %v", revoked.name, link, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(site+strings.TrimPrefix(link, "/"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, revoked.name)
	objRef := postObjection(t, site, link, "张桂芳", "该企业2025年有产品抽检不合格，附市场监管部门的抽检通报。")
	signIn(t, ctx, staffURL, "zhangli", password, clerkSecret, at)
	// The paper letter against the second candidate.
	letter := filepath.Join(dir, "异议信（含信封）.pdf")
	if err := os.WriteFile(letter, pdfBytes("纸质异议信"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(staffURL+"paper?kind=objection"), chromedp.WaitVisible(`#target`)); err != nil {
		t.Fatal(err)
	}
	target, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#target option")].find(o => o.textContent.includes("`+kept[0].name+`")).value`))
	if err != nil || !strings.HasPrefix(target, "pub-call-2026-candidates/") {
		t.Fatalf("the paper form does not offer %s from the generated publicity: %q %v", kept[0].name, target, err)
	}
	err = chromedp.Do(ctx,
		setField(`#postmarked`, "2026-06-09"),
		setField(`#target`, target),
		chromedp.Click(`#ot-individual`),
		chromedp.SendKeys(`#name`, "刘桂兰"),
		chromedp.SendKeys(`#idNumber`, "11010519491231002X"),
		chromedp.SendKeys(`#phone`, "13700001234"),
		chromedp.SendKeys(`#statement`, "该企业厂区夜间生产噪声扰民，周边居民多次反映，附现场照片和居民签名。"),
		chromedp.Click(`#consent`),
		chromedp.SetUploadFiles(`#file-letter`, []string{letter}),
		chromedp.Click(`#paper-form button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	pollJS(t, ctx, "the paper form answered", `location.pathname.startsWith("/staff/cases/") || !!document.querySelector("#paper-error, .field-error")`, 20*time.Second)
	paperPage := waitText(t, ctx, "纸质")
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	paperRef, found := strings.CutPrefix(strings.TrimSuffix(loc, "?done=paper"), "/staff/cases/")
	if err != nil || !found || !strings.HasSuffix(loc, "?done=paper") {
		t.Fatalf("registering the paper letter led to %q (%v), not its case page:\n%s", loc, err, grepLines(paperPage, "请"))
	}
	axePlain(t, ctx, "代录纸质异议（已登记）")
	screenshot(t, ctx, "round-paper-objection")
	for _, ref := range []string{objRef, paperRef} {
		moveCase(t, ctx, staffURL, ref, submission.StageAccepted, "已受理")
		moveCase(t, ctx, staffURL, ref, submission.StageInvestigating, "核查中")
	}
	outcome(t, ctx, staffURL, objRef, submission.StageSubstantiated, "经核查，该企业2025年确有产品抽检不合格记录，异议属实。")
	casePage := waitText(t, ctx, "查实")
	if !strings.Contains(casePage, revoked.ref) {
		t.Errorf("the 查实 objection's case page does not link the revoked application:\n%s", casePage)
	}
	outcome(t, ctx, staffURL, paperRef, submission.StageUnsubstantiated, "经现场核查，噪声符合排放标准，异议不属实。")
	if err := chromedp.Do(ctx, chromedp.Navigate(staffURL+"cases/"+revoked.ref)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "取消候选资格")
	stop()

	// 2026-06-22: the result notice, the winners.
	_, stop, at = serveAt("2026-06-22T10:00:00+08:00")
	signIn(t, ctx, staffURL, "zhangli", password, clerkSecret, at)
	for _, o := range kept {
		moveCase(t, ctx, staffURL, o.ref, submission.StageAwarded, "获奖")
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(staffURL+"drafts"),
		chromedp.WaitVisible(`#res-pub`),
		setField(`#res-pub`, "pub-call-2026-candidates"),
		setField(`#res-date`, "2026-06-22"),
		chromedp.Click(`#res-date ~ button, form:has(#res-pub) button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "pub-call-2026-candidates-result.md")
	result := readContent(t, content, "notices/pub-call-2026-candidates-result.md")
	stays, removed, found := strings.Cut(result, "## 二、取消候选资格的组织")
	if !found {
		t.Fatalf("the result notice names no removal:\n%s", result)
	}
	for _, o := range kept {
		if !strings.Contains(stays, o.name) {
			t.Errorf("the result notice does not keep %s:\n%s", o.name, result)
		}
	}
	if strings.Contains(stays, revoked.name) || !strings.Contains(removed, revoked.name) || !strings.Contains(result, "第十七条第（八）项") {
		t.Errorf("the result notice does not move %s to the removed, under 第十七条第（八）项:\n%s", revoked.name, result)
	}
	for _, never := range []string{"张桂芳", "刘桂兰", "11010519491231002X", "13700001234", "抽检不合格", "噪声"} {
		if strings.Contains(result, never) {
			t.Errorf("the result notice holds the objections' %q", never)
		}
	}
	err = chromedp.Do(ctx,
		setField(`#win-call`, "call-2026"),
		setField(`#win-date`, "2026-06-22"),
		chromedp.Click(`form:has(#win-call) button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "call-2026-winners.md")
	for _, o := range kept {
		w := readContent(t, content, "winners/call-2026-"+strings.ToLower(o.credit)+".md")
		for _, want := range []string{"type: winner", o.name, "session: 7", "awardYear: 2026", o.industry, "draft: true"} {
			if !strings.Contains(w, want) {
				t.Errorf("the winner page of %s lacks %q:\n%s", o.name, want, w)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(content, "winners", "call-2026-"+strings.ToLower(revoked.credit)+".md")); err == nil {
		t.Errorf("a winner page was generated for the revoked %s", revoked.name)
	}
	notice := readContent(t, content, "notices/call-2026-winners.md")
	if !strings.Contains(notice, kept[0].name) || !strings.Contains(notice, kept[1].name) || strings.Contains(notice, revoked.name) {
		t.Errorf("the 获奖通报 names the wrong organisations:\n%s", notice)
	}
	screenshot(t, ctx, "round-drafts-winners")
	publishAll(t, ctx, staffURL, 4)
	stop()

	// 2026-06-23: the site as the public sees it.
	site, stop, _ = serveAt("2026-06-23T10:00:00+08:00")
	defer stop()
	for _, p := range []struct{ path, shot string }{
		{"notices/pub-call-2026-candidates-result/", "round-result"},
		{"notices/call-2026-winners/", "round-winners-notice"},
		{"winners/", "round-winners"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(site+p.path)); err != nil {
			t.Fatal(err)
		}
		page := waitText(t, ctx, kept[1].name)
		if !strings.Contains(page, kept[0].name) {
			t.Errorf("%s lacks %s:\n%s", p.path, kept[0].name, page)
		}
		if p.path != "notices/pub-call-2026-candidates-result/" && strings.Contains(page, revoked.name) {
			t.Errorf("%s names the revoked %s", p.path, revoked.name)
		}
		screenshot(t, ctx, p.shot)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(site+"winners/call-2026-"+strings.ToLower(kept[0].credit)+"/")); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, kept[0].name)
	screenshot(t, ctx, "round-winner")
}

// readContent reads a page of the content folder.
func readContent(t *testing.T, content, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(content, filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("reading the generated %s: %v", name, err)
	}
	return string(b)
}

// moveCase moves a case to the stage code with the case page's stage form
// and waits for the page to say so.
func moveCase(t *testing.T, ctx context.Context, staffURL, ref, code, label string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(staffURL+"cases/"+ref),
		chromedp.WaitVisible(`#stage-`+code),
		chromedp.Click(`#stage-`+code),
		chromedp.Click(`form[action$="/events"] button[type="submit"]`),
	)
	if err != nil {
		t.Fatalf("%s → %s: %v", ref, label, err)
	}
	waitText(t, ctx, "办理阶段已更新为“"+label+"”")
}

// outcome records an objection's outcome with its note through the case
// page's stage form.
func outcome(t *testing.T, ctx context.Context, staffURL, ref, code, note string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(staffURL+"cases/"+ref),
		chromedp.WaitVisible(`#stage-`+code),
		chromedp.Click(`#stage-`+code),
		chromedp.SendKeys(`#note`, note),
		chromedp.Click(`form[action$="/events"] button[type="submit"]`),
	)
	if err != nil {
		t.Fatalf("%s outcome %s: %v", ref, code, err)
	}
	waitText(t, ctx, note)
}

// publishAll publishes every draft listed on /staff/drafts, one by one,
// and fails unless there were n.
func publishAll(t *testing.T, ctx context.Context, staffURL string, n int) {
	t.Helper()
	published := 0
	for {
		if err := chromedp.Do(ctx, chromedp.Navigate(staffURL+"drafts"), chromedp.WaitVisible(`#h-drafts`)); err != nil {
			t.Fatal(err)
		}
		left, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('form[action="/staff/drafts/publish"] button').length`))
		if err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if published == n {
			t.Fatalf("more than %d drafts to publish", n)
		}
		if err := chromedp.Do(ctx, chromedp.Click(`form[action="/staff/drafts/publish"] button`)); err != nil {
			t.Fatal(err)
		}
		waitText(t, ctx, "已发布")
		published++
	}
	if published != n {
		t.Errorf("published %d drafts, want %d", published, n)
	}
}

// signIn signs name in at the console with its password and the TOTP code
// for at, after dropping any earlier session.
func signIn(t *testing.T, ctx context.Context, staffURL, name, password, secret string, at time.Time) {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	signOut(t, ctx)
	err = chromedp.Do(ctx,
		chromedp.Navigate(staffURL),
		chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", name),
		chromedp.SendKeys("#password", password),
		chromedp.SendKeys("#otp", code),
		chromedp.Click(`form button[type="submit"]`),
		chromedp.WaitVisible(`form[action="/staff/logout"]`),
	)
	if err != nil {
		t.Fatalf("signing %s in: %v", name, err)
	}
}

// signOut drops the browser's session with the console.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
}

// postObjection objects online, as the link from the publicity page
// (link, with its publicity and candidate) leads, and returns the
// reference the intake answered.
func postObjection(t *testing.T, site, link, name, statement string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"publicity": u.Query().Get("publicity"), "candidate": u.Query().Get("candidate"),
		"objectorType": "individual", "name": name, "idNumber": "11010519491231002X", "phone": "13800138000",
		"statement": statement, "consent": "yes"} {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("evidence", "抽检通报.pdf")
	fw.Write(pdfBytes("抽检通报"))
	w.Close()
	status, body := postMultipart(t, site+"api/objections", &buf, w.FormDataContentType())
	var a application
	if err := json.Unmarshal(body, &a); status != http.StatusCreated || err != nil || a.Reference == "" {
		t.Fatalf("objection: %d %s", status, body)
	}
	return a.Reference
}

// setField sets a form field's value as a person choosing it would (a
// select's option, a date), with the change event.
func setField(sel, value string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		ok, err := chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`);
			if (!e) return false; e.value = `+strconv.Quote(value)+`; e.dispatchEvent(new Event("change", {bubbles: true})); return e.value === `+strconv.Quote(value)+`; })()`)(ctx, tg)
		if err == nil && !ok {
			html, _ := chromedp.Evaluate[string](`(document.querySelector(`+strconv.Quote(sel)+`) || document.body).outerHTML`)(ctx, tg)
			err = fmt.Errorf("could not set %s to %q: %s", sel, value, html)
		}
		return chromedp.Void{}, err
	}
}
