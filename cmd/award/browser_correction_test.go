package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/zhongmou/award/internal/mailpittest"
	"github.com/zhongmou/award/workday"
)

// TestBrowserCorrection runs the 补正 loop of issue 15 on award serve in
// real Chromium with a real SMTP server (Mailpit), the clock moved by
// restarting over one data directory: an application is received while the
// call is open; the call closes; a clerk issues a one-time notice for two
// slots, whose printed 补正告知书 fits one A4 page; the applicant sees the
// notice on the receipt and uploads only those two; the case is 已补正 by
// itself, the console shows the merged materials with their origins and
// award export the merged set; a supplement for an unlisted slot, with a
// wrong token or after the deadline is refused with nothing stored; the
// progress lookup answers a right pair and not a wrong one. axe-core checks
// the new pages; screenshots go to artifacts/screens/.
func TestBrowserCorrection(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")

	// April 2026: the call is open; the application comes in over HTTP.
	site, stop := startSite(t, dir, "2026-04-01T10:00:00+08:00", "-future")
	app := postApplication(t, site)
	stop()

	// The clerk's account, made as IT would.
	initial, secret := addClerk(t, filepath.Join(dir, "none.yaml"), "zhangli")

	// 11 May 2026: the call closed on 30 April.
	mp := mailpittest.Start(t)
	t.Setenv("AWARD_SMTP_HOST", mp.Host)
	t.Setenv("AWARD_SMTP_PORT", strconv.Itoa(mp.Port))
	t.Setenv("AWARD_SMTP_TLS", "none")
	t.Setenv("AWARD_SMTP_FROM", "award@zhongmou.example.gov.cn")
	t.Setenv("AWARD_STAFF_NOTIFY", "mishuchu@zhongmou.example.gov.cn")
	t.Setenv("AWARD_MAIL_EVERY", "200ms")
	t.Setenv("AWARD_STAFF_WATCH_EVERY", "200ms")
	const now = "2026-05-11T10:00:00+08:00"
	staffAddr := freeAddr(t)
	site, stop = startSite(t, dir, now, "-future", "-staff-addr", staffAddr)
	defer func() { stop() }()
	staffURL := "http://" + staffAddr + "/staff/"
	if status, _ := postApplicationStatus(t, site); status != http.StatusForbidden {
		t.Fatalf("an application after the call closed: %d, want 403", status)
	}

	at, _ := time.Parse(time.RFC3339, now)
	firstSignIn(t, ctx, staffURL, "zhangli", initial, secret, at, false)

	// The notice: two slots, five working days.
	if err := chromedp.Do(ctx, chromedp.Navigate(staffURL+"cases/"+app.Reference)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "一次性告知")
	err := chromedp.Do(ctx,
		check(`#notice-form input[value="slot:license"]`),
		chromedp.SendKeys(`#notice-form textarea[name="reason-slot:license"]`, "营业执照扫描件不清晰，请重新扫描上传。"),
		check(`#notice-form input[value="slot:creditReport"]`),
		chromedp.SendKeys(`#notice-form textarea[name="reason-slot:creditReport"]`, "信用报告超过3个月，请重新打印上传。"),
		chromedp.Click(`#notice-form button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	cal := loadTestCalendar(t)
	due, err := cal.AddWorkingDays(workday.DateOf(at), 5)
	if err != nil {
		t.Fatal(err)
	}
	page := waitText(t, ctx, due.Chinese())
	if !strings.Contains(page, "需补正") {
		t.Fatalf("the case page after the notice:\n%s", page)
	}
	axePlain(t, ctx, "案件页面（补正告知）")

	// The printed 补正告知书: one A4 page with what the applicant needs.
	if err := chromedp.Do(ctx, chromedp.Navigate(staffURL+"cases/"+app.Reference+"/corrections/1")); err != nil {
		t.Fatal(err)
	}
	notice := waitText(t, ctx, "补正告知书")
	for _, want := range []string{app.Reference, "中牟县示例食品有限公司", "营业执照扫描件不清晰", "信用报告超过3个月", due.Chinese(), "0371-62196035"} {
		if !strings.Contains(notice, want) {
			t.Errorf("the 补正告知书 lacks %q:\n%s", want, notice)
		}
	}
	axePlain(t, ctx, "补正告知书")
	printScreenshot(t, ctx, "correction-notice-print")
	printCheck(t, ctx, "补正告知书", 1, app.Reference, "营业执照扫描件不清晰", due.Chinese())

	// The applicant opens the receipt link: the notice and the form.
	receipt := strings.TrimSuffix(site, "/") + app.Receipt
	if err := chromedp.Do(ctx, chromedp.Navigate(receipt)); err != nil {
		t.Fatal(err)
	}
	page = waitText(t, ctx, "补正告知")
	for _, want := range []string{"营业执照扫描件不清晰", "信用报告超过3个月", due.Chinese()} {
		if !strings.Contains(page, want) {
			t.Errorf("the receipt lacks %q:\n%s", want, page)
		}
	}
	axeCheck(t, ctx, "申报回执（补正告知）")
	screenshot(t, ctx, "receipt-with-notice")

	// Refused over HTTP first, nothing stored: an unlisted slot, a wrong
	// token.
	before := storedKeys(t, data)
	for name, tc := range map[string]struct {
		path string
		slot string
		want int
	}{
		"unlisted slot": {app.Receipt, "commitment", http.StatusBadRequest},
		"wrong token":   {"/api/receipts/" + app.Reference + "?token=AAAAAAAAAAAAAAAAAAAAAAAAAA", "license", http.StatusNotFound},
	} {
		u, _ := url.Parse(tc.path)
		endpoint := strings.TrimSuffix(site, "/") + u.Path + "/supplements?" + u.RawQuery
		if got := postSupplement(t, endpoint, map[string][]byte{tc.slot: pdfBytes("x")}); got != tc.want {
			t.Errorf("%s: %d, want %d", name, got, tc.want)
		}
	}
	if added := addedKeys(t, data, before); len(added) > 0 {
		t.Errorf("refused supplements left objects behind: %q", added)
	}

	// The applicant uploads only the two listed documents.
	files := filepath.Join(dir, "upload")
	os.MkdirAll(files, 0o755)
	for _, name := range []string{"营业执照（清晰版）.pdf", "信用报告（2026年5月）.pdf"} {
		if err := os.WriteFile(filepath.Join(files, name), pdfBytes(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles("#f-license", []string{filepath.Join(files, "营业执照（清晰版）.pdf")}),
		chromedp.SetUploadFiles("#f-creditReport", []string{filepath.Join(files, "信用报告（2026年5月）.pdf")}),
		chromedp.Click(`#supplement-form button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	page = waitText(t, ctx, "收件清单（补正 1）")
	for _, want := range []string{"补正材料已收到", "已补正", "营业执照（清晰版）.pdf", "信用报告（2026年5月）.pdf"} {
		if !strings.Contains(page, want) {
			t.Errorf("the receipt after the supplement lacks %q:\n%s", want, page)
		}
	}
	axeCheck(t, ctx, "申报回执（补正后）")
	screenshot(t, ctx, "receipt-after-supplement")

	// The case is 已补正 by itself; the console shows the origins.
	if err := chromedp.Do(ctx, chromedp.Navigate(staffURL+"cases/"+app.Reference)); err != nil {
		t.Fatal(err)
	}
	page = waitText(t, ctx, "补正 1")
	for _, want := range []string{"当前阶段：已补正", "原件", "已被补正替换", "营业执照（清晰版）.pdf"} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page after the supplement lacks %q", want)
		}
	}
	axePlain(t, ctx, "案件页面（已补正）")
	screenshot(t, ctx, "console-case-corrected")

	// award export: the merged set with origins.
	exportDir := filepath.Join(dir, "export")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"export", "-intake-config", filepath.Join(dir, "none.yaml"), "-out", exportDir, "-operator", "张丽"}, &out, &errOut); err != nil {
		t.Fatalf("award export: %v\n%s", err, errOut.String())
	}
	var list string
	filepath.WalkDir(exportDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "材料清单.txt" {
			b, _ := os.ReadFile(p)
			list = string(b)
		}
		return nil
	})
	for _, want := range []string{"营业执照（清晰版）.pdf", "补正 1", "原件", "已被补正 1 替换"} {
		if !strings.Contains(list, want) {
			t.Errorf("材料清单.txt lacks %q:\n%s", want, list)
		}
	}

	// Progress lookup: the right pair, then a wrong one.
	for _, tc := range []struct {
		code string
		want int
	}{{"91410122MA00J8NW0M", http.StatusOK}, {"91410122MA00J8NW0X", http.StatusNotFound}} {
		req, _ := http.NewRequest("GET", site+"api/progress?reference="+app.Reference+"&creditCode="+tc.code, nil)
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var p map[string]any
		json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if resp.StatusCode != tc.want || tc.want == http.StatusOK && (p["stage"] != "corrected" || p["label"] != "已补正" || len(p) != 5) {
			t.Errorf("progress with %s: %d %v", tc.code, resp.StatusCode, p)
		}
	}

	// Mail: the notice to the applicant, the supplement to the secretariat.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var toApplicant, toStaff bool
		for _, m := range mp.Messages(t) {
			to := strings.Join(m.To, ",")
			if strings.Contains(to, "zhiliang@example.com") && strings.Contains(m.Text, "营业执照扫描件不清晰") && strings.Contains(m.Text, due.Chinese()) {
				toApplicant = true
			}
			if strings.Contains(to, "mishuchu@") && strings.Contains(m.Subject+m.Text, "补正") && strings.Contains(m.Subject+m.Text, app.Reference) {
				toStaff = true
			}
		}
		if toApplicant && toStaff {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail after 20 s: notice to the applicant %v, supplement to the secretariat %v", toApplicant, toStaff)
		}
	}

	// After the deadline day: refused, nothing stored, the receipt says so.
	stop()
	site, stop = startSite(t, dir, due.AddDays(1).String()+"T09:00:00+08:00", "-future")
	before = storedKeys(t, data)
	u, _ := url.Parse(app.Receipt)
	if got := postSupplement(t, strings.TrimSuffix(site, "/")+u.Path+"/supplements?"+u.RawQuery, map[string][]byte{"license": pdfBytes("迟到")}); got != http.StatusForbidden {
		t.Errorf("after the deadline: %d, want 403", got)
	}
	if added := addedKeys(t, data, before); len(added) > 0 {
		t.Errorf("a late supplement left objects behind: %q", added)
	}
}

// application is what the intake answered for a stored application.
type application struct {
	Reference, Token, Receipt string
}

// postApplication sends a complete application to the call of 2026 over
// HTTP, as a program would, and returns the answer.
func postApplication(t *testing.T, site string) application {
	t.Helper()
	status, body := postApplicationStatus(t, site)
	var a application
	if err := json.Unmarshal(body, &a); status != http.StatusCreated || err != nil || a.Reference == "" {
		t.Fatalf("application: %d %s", status, body)
	}
	return a
}

func postApplicationStatus(t *testing.T, site string) (int, []byte) {
	t.Helper()
	return postApplicationWith(t, site, nil)
}

// postApplicationWith sends the complete application of postApplication
// with some fields replaced (another organisation, say), and returns the
// status and body of the answer.
func postApplicationWith(t *testing.T, site string, replace map[string]string) (int, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fields := map[string]string{"call": "call-2026", "orgName": "中牟县示例食品有限公司", "creditCode": "91410122MA00J8NW0M",
		"orgKind": "企业", "established": "2018-05-20", "littleGiant": "no", "industry": "食品制造业", "township": "韩寺镇",
		"address": "中牟县示例大道88号", "recommender": "韩寺镇人民政府", "excellenceSince": "2023-01-01",
		"legalRepresentative": "李四", "contactName": "王五", "phone": "0371-62196035", "email": "zhiliang@example.com",
		"internalPublicityStart": "2026-03-16", "internalPublicityEnd": "2026-03-20", "consent": "yes"}
	for i := 1; i <= 9; i++ {
		fields["declaration"+strconv.Itoa(i)] = "none"
	}
	maps.Copy(fields, replace)
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		w.WriteField(k, fields[k])
	}
	for _, slot := range []string{"applicationForm", "selfAssessment", "recommendation", "internalPublicity", "license", "commitment", "financials", "creditReport"} {
		fw, _ := w.CreateFormFile(slot, slot+".pdf")
		fw.Write(pdfBytes("原件 " + slot))
	}
	w.Close()
	return postMultipart(t, site+"api/applications", &buf, w.FormDataContentType())
}

// postMultipart posts a multipart body to endpoint as a program would
// (asking for JSON), and returns the status and body of the answer.
func postMultipart(t *testing.T, endpoint string, body *bytes.Buffer, contentType string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, endpoint, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, answer
}

// postSupplement posts files by slot to a supplement endpoint as a program
// would, and returns the status.
func postSupplement(t *testing.T, endpoint string, files map[string][]byte) int {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for slot, data := range files {
		fw, _ := w.CreateFormFile(slot, slot+".pdf")
		fw.Write(data)
	}
	w.Close()
	status, _ := postMultipart(t, endpoint, &buf, w.FormDataContentType())
	return status
}

// pdfBytes is a small well-formed PDF carrying text.
func pdfBytes(text string) []byte {
	return []byte("%PDF-1.4\n% " + text + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// storedKeys lists the files under the data directory (the directory
// store), its own temporary area left out.
func storedKeys(t *testing.T, data string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, string(filepath.Separator)+".") {
			rel, _ := filepath.Rel(data, p)
			out = append(out, rel)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// addedKeys lists the stored keys that were not in before. Only additions
// count: the janitor may meanwhile sweep expired records such as spent
// one-time-code markers. The janitor's lease (locks/), the published
// windows versions (site/) and the console's inbox snapshots (index/) are
// written on their own schedule, not by a request, and are left out.
func addedKeys(t *testing.T, data string, before []string) []string {
	t.Helper()
	var added []string
	for _, k := range storedKeys(t, data) {
		if strings.HasPrefix(k, "locks"+string(filepath.Separator)) || strings.HasPrefix(k, "site"+string(filepath.Separator)) ||
			strings.HasPrefix(k, "index"+string(filepath.Separator)) {
			continue
		}
		if !slices.Contains(before, k) {
			added = append(added, k)
		}
	}
	return added
}

// loadTestCalendar is the repository's holiday calendar.
func loadTestCalendar(t *testing.T) *workday.Calendar {
	t.Helper()
	cal, err := loadCalendar("../../holidays.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// printScreenshot saves the open page as it prints (print media, an A4
// width) in artifacts/screens/.
func printScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(794, 1123)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, name)
}
