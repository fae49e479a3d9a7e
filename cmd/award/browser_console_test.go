package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/zhongmou/award/internal/mailpittest"
)

// freeAddr is a loopback address nothing listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestBrowserConsole walks a clerk's path in real Chromium against award
// serve with a real SMTP server (Mailpit): a citizen objects, leaving an
// email address; the clerk, made with award staff add, signs in with the
// initial password and a TOTP code, sets a password, finds the new
// objection in the inbox, opens it, views the identity with a reason, and
// moves it through 已受理 to 核查中. The objector's receipt then shows the
// stage, and the mail arrives with the stage and the receipt link and
// without the identity. axe-core checks every console page on the way for
// WCAG 2.1 AA; the public listener has no /staff/.
func TestBrowserConsole(t *testing.T) {
	ctx := browser(t)
	mp := mailpittest.Start(t)
	t.Setenv("AWARD_SMTP_HOST", mp.Host)
	t.Setenv("AWARD_SMTP_PORT", strconv.Itoa(mp.Port))
	t.Setenv("AWARD_SMTP_TLS", "none")
	t.Setenv("AWARD_SMTP_FROM", "award@zhongmou.example.gov.cn")
	t.Setenv("AWARD_STAFF_NOTIFY", "mishuchu@zhongmou.example.gov.cn")
	t.Setenv("AWARD_MAIL_EVERY", "200ms")
	t.Setenv("AWARD_STAFF_WATCH_EVERY", "200ms")
	staffAddr := freeAddr(t)
	const now = "2026-11-25T10:00:00+08:00"
	site := realSiteAt(t, now, "-staff-addr", staffAddr)
	staffURL := "http://" + staffAddr + "/staff/"

	// The public listener never serves the console.
	if resp, err := http.Get(site + "staff/"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("public /staff/: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// A citizen objects, with an email address.
	pdf := samplePDF(t, "处罚决定书.pdf")
	err := chromedp.Do(ctx,
		chromedp.Navigate(site+"api/objections/new?publicity=pub-2026-candidates&candidate=c01"),
		chromedp.WaitVisible("#f-name"),
		chromedp.SendKeys("#f-name", "王秀英"),
		chromedp.SendKeys("#f-idNumber", "11010519491231002X"),
		chromedp.SendKeys("#f-phone", "13912345678"),
		chromedp.SendKeys("#f-email", "wangxiuying@example.com"),
		chromedp.SendKeys("#f-statement", "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。"),
		chromedp.SetUploadFiles("#f-evidence", []string{pdf}),
		chromedp.Click("#f-consent"),
		chromedp.Click(`form button[type="submit"]`),
	)
	if err != nil {
		t.Fatalf("objecting: %v", err)
	}
	receipt := waitText(t, ctx, "异议受理回执")
	ref := regexp.MustCompile(`[0-9A-Z]{4}-[0-9A-Z]{4}`).FindString(receipt)
	receiptURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil || ref == "" {
		t.Fatalf("receipt: %q %v", ref, err)
	}

	// The clerk's account, made as IT would; the first sign-in.
	initial, secret := addClerk(t, filepath.Join(t.TempDir(), "none.yaml"), "zhangli")
	at, _ := time.Parse(time.RFC3339, now)
	firstSignIn(t, ctx, staffURL, "zhangli", initial, secret, at, true)

	// The inbox shows the new objection, without the objector.
	if err := chromedp.Do(ctx, chromedp.Navigate(staffURL)); err != nil {
		t.Fatal(err)
	}
	inbox := waitText(t, ctx, ref)
	for _, secret := range []string{"王秀英", "11010519491231002X", "13912345678", "wangxiuying"} {
		if strings.Contains(inbox, secret) {
			t.Fatalf("the inbox shows %q", secret)
		}
	}
	axePlain(t, ctx, "收件箱")
	screenshot(t, ctx, "console-inbox")
	if err := chromedp.Do(ctx, chromedp.Click(`table.cases a[href="/staff/cases/`+ref+`"]`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "填报内容")
	axePlain(t, ctx, "案件页面")
	err = chromedp.Do(ctx,
		chromedp.SendKeys("#reason", "核实异议人身份，准备电话联系"),
		chromedp.Click(`form[action$="/identity"] button`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if page := waitText(t, ctx, "本次查看已记入操作记录"); !strings.Contains(page, "王秀英") || !strings.Contains(page, "11010519491231002X") {
		t.Fatalf("identity view lacks the identity:\n%s", page)
	}
	axePlain(t, ctx, "案件页面（身份信息）")
	for _, stage := range []struct{ code, label string }{{"accepted", "已受理"}, {"investigating", "核查中"}} {
		err = chromedp.Do(ctx,
			chromedp.Click(`#stage-`+stage.code),
			chromedp.SendKeys("#note", "已登记，正在核查"),
			chromedp.Click(`form[action$="/events"] button`),
		)
		if err != nil {
			t.Fatalf("moving to %s: %v", stage.label, err)
		}
		waitText(t, ctx, "办理阶段已更新为“"+stage.label+"”")
	}
	screenshot(t, ctx, "console-case")
	for _, p := range []struct{ path, name string }{{"audit", "操作记录"}, {"export", "导出本轮材料"}} {
		if err := chromedp.Do(ctx, chromedp.Navigate(staffURL+p.path)); err != nil {
			t.Fatal(err)
		}
		waitText(t, ctx, p.name)
		axePlain(t, ctx, p.name)
	}

	// The objector's receipt shows the stage, page and JSON.
	if err := chromedp.Do(ctx, chromedp.Navigate(receiptURL)); err != nil {
		t.Fatal(err)
	}
	if page := waitText(t, ctx, "核查中"); !strings.Contains(page, "已登记，正在核查") {
		t.Fatalf("receipt without the stage's note:\n%s", page)
	}
	req, _ := http.NewRequest("GET", receiptURL, nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var rj struct {
		Status struct{ Stage, Label, Note, At string }
	}
	json.NewDecoder(resp.Body).Decode(&rj)
	resp.Body.Close()
	if rj.Status.Stage != "investigating" || rj.Status.Label != "核查中" || rj.Status.At == "" {
		t.Fatalf("receipt JSON status: %+v", rj.Status)
	}

	// The mail: one to the secretariat about the arrival, two to the
	// objector about the stages; none with the identity.
	var toObjector []string
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		toObjector = toObjector[:0]
		msgs := mp.Messages(t)
		staffMail := false
		for _, m := range msgs {
			for _, secret := range []string{"王秀英", "11010519491231002X", "13912345678"} {
				if strings.Contains(m.Text+m.Subject, secret) {
					t.Fatalf("mail %q holds %q", m.Subject, secret)
				}
			}
			to := strings.Join(m.To, ",")
			if strings.Contains(to, "wangxiuying@example.com") {
				if !strings.Contains(m.Text, receiptURL) {
					t.Fatalf("stage mail without the receipt link %s:\n%s", receiptURL, m.Text)
				}
				toObjector = append(toObjector, m.Subject)
			}
			staffMail = staffMail || (strings.Contains(to, "mishuchu@") && strings.Contains(m.Subject, ref))
		}
		if len(toObjector) == 2 && staffMail {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail after 20 s: to the objector %v, to the secretariat %v", toObjector, staffMail)
		}
	}
	if !strings.Contains(strings.Join(toObjector, "|"), "核查中") {
		t.Fatalf("no mail about 核查中: %v", toObjector)
	}
	// /metrics counts what the outbox sent.
	mresp, err := http.Get(strings.TrimSuffix(site, "/") + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	if !regexp.MustCompile(`(?m)^award_mail_sent_total [3-9]`).Match(metrics) || !strings.Contains(string(metrics), "award_mail_pending 0") {
		t.Fatalf("/metrics does not count the 3 mails sent:\n%s", grepLines(string(metrics), "award_mail"))
	}
}

// addClerk makes a secretariat account with award staff add, as IT
// would, and returns the initial password it printed and the TOTP secret
// of the otpauth:// URI.
func addClerk(t *testing.T, intakeConfig, name string) (initial, secret string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"staff", "add", "-intake-config", intakeConfig, "-name", name, "-role", "secretariat", "-operator", "it-admin"}, &out, &errOut); err != nil {
		t.Fatalf("award staff add: %v\n%s", err, errOut.String())
	}
	initial = regexp.MustCompile(`[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}`).FindString(out.String())
	u, err := url.Parse(regexp.MustCompile(`otpauth://\S+`).FindString(out.String()))
	if initial == "" || err != nil || u.Query().Get("secret") == "" {
		t.Fatalf("award staff add printed no password or URI:\n%s", out.String())
	}
	return initial, u.Query().Get("secret")
}

// firstSignIn signs name in at the console for the first time, with the
// initial password and the TOTP code for at, and sets a password of its
// own; with axe, axe-core checks both pages.
func firstSignIn(t *testing.T, ctx context.Context, staffURL, name, initial, secret string, at time.Time, axe bool) {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(staffURL), chromedp.WaitVisible("#name")); err != nil {
		t.Fatal(err)
	}
	if axe {
		axePlain(t, ctx, "登录")
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys("#name", name),
		chromedp.SendKeys("#password", initial),
		chromedp.SendKeys("#otp", code),
		chromedp.Click(`form button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "这是您第一次登录")
	if axe {
		axePlain(t, ctx, "修改密码（首次登录）")
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys("#old", initial),
		chromedp.SendKeys("#new", "秋天的稻田一望无际金黄金黄"),
		chromedp.SendKeys("#again", "秋天的稻田一望无际金黄金黄"),
		chromedp.Click(`main form button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "密码已修改")
}

// axePlain runs axe-core once on the open page (the console has no display
// modes) and fails the test for each WCAG 2.1 AA violation.
func axePlain(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if err := axeLoad(t, ctx); err != nil {
		t.Fatalf("%s: loading axe-core: %v", page, err)
	}
	vs, err := axeRun(ctx)
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", page, err)
	}
	for _, v := range vs {
		t.Errorf("%s: %s [%s] %s\n\t%s", page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
	axeRuns.add(len(vs))
}

// screenshot saves the open page in artifacts/screens/ (git-ignored), for
// people to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	saveScreen(t, name, png)
}

// saveScreen writes a screenshot to artifacts/screens/NAME.png.
func saveScreen(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := filepath.Join("..", "..", "artifacts", "screens")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// grepLines are the lines of s containing sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
