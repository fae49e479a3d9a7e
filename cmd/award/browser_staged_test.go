package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/zhongmou/award/workday"
)

// tusRequest is one request of the page to /api/uploads/, as Chromium
// reports it: the method, the upload's URL, the Upload-Offset sent (PATCH)
// and the answer's status and Upload-Offset (-1 when absent).
type tusRequest struct {
	method, url  string
	sent, status int64
	answered     int64
	length       int64  // POST: Upload-Length
	location     string // POST: the upload's URL
}

// tusLog records the page's requests to /api/uploads/ from the DevTools
// network events: what a person's browser really sent, whatever the script.
type tusLog struct {
	mu   sync.Mutex
	byID map[network.RequestID]*tusRequest
	all  []*tusRequest
}

func listenTus(t *testing.T, ctx context.Context) *tusLog {
	t.Helper()
	l := &tusLog{byID: map[network.RequestID]*tusRequest{}}
	number := func(h network.Headers, name string) int64 {
		vs := headerValues(h, name)
		if len(vs) == 0 {
			return -1
		}
		n, err := strconv.ParseInt(vs[0], 10, 64)
		if err != nil {
			return -1
		}
		return n
	}
	err := chromedp.Listen(ctx, func(ev any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if !strings.Contains(e.Request.URL, "/api/uploads/") {
				return
			}
			r := &tusRequest{method: e.Request.Method, url: e.Request.URL, sent: number(e.Request.Headers, "Upload-Offset"), status: -1, answered: -1,
				length: number(e.Request.Headers, "Upload-Length")}
			l.byID[e.RequestID] = r
			l.all = append(l.all, r)
		case *network.EventResponseReceived:
			if r := l.byID[e.RequestID]; r != nil {
				r.status = e.Response.Status
				r.answered = number(e.Response.Headers, "Upload-Offset")
				if loc := headerValues(e.Response.Headers, "Location"); len(loc) > 0 {
					if u, err := url.Parse(r.url); err == nil {
						if l, err := u.Parse(loc[0]); err == nil {
							r.location = l.String()
						}
					}
				}
			}
		case *network.EventLoadingFailed:
			if r := l.byID[e.RequestID]; r != nil && r.status < 0 {
				r.status = 0 // the connection dropped
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (l *tusLog) requests() []tusRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]tusRequest, len(l.all))
	for i, r := range l.all {
		out[i] = *r
	}
	return out
}

// emulateNetworkConditions is DevTools' Network.emulateNetworkConditions:
// deprecated in favour of emulateNetworkConditionsByRule (and so not in
// cdproto any more), but still the one whose offline also cuts the requests
// under way, as a dropped line does.
var emulateNetworkConditions = cdp.Command[emulateNetworkParams, cdp.Empty]{Method: "Network.emulateNetworkConditions"}

type emulateNetworkParams struct {
	Offline            bool    `json:"offline"`
	Latency            float64 `json:"latency"`
	DownloadThroughput float64 `json:"downloadThroughput"`
	UploadThroughput   float64 `json:"uploadThroughput"`
}

// setNetwork sets the network conditions of the page: an upload throughput
// (bytes/s, -1 unthrottled), or offline; navigator.onLine follows.
func setNetwork(ctx context.Context, upload float64, offline bool) error {
	_, err := chromedp.Call(ctx, emulateNetworkConditions, emulateNetworkParams{Offline: offline, UploadThroughput: upload, DownloadThroughput: -1})
	return err
}

// screenshotOf saves the element sel shows in artifacts/screens/.
func screenshotOf(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(sel))
	if err != nil {
		t.Fatal(err)
	}
	saveScreen(t, name, png)
}

// pollJS evaluates expr until it is true or the time is up.
func pollJS(t *testing.T, ctx context.Context, what, expr string, within time.Duration) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		var ok bool
		if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
	}
	rows, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll(".staged-file")).map(r => r.getAttribute("data-field") + " " + r.getAttribute("data-state") + " " + r.innerText.replace(/\s+/g, " ")).join("\n")`))
	t.Fatalf("%s: not within %s (%v); rows:\n%s", what, within, err, rows)
}

// TestBrowserStaged walks the applicant's path of issue 16 in real
// Chromium: every document is uploaded as soon as it is chosen, each with
// its own progress; the 48 MB scan's connection drops (DevTools offline)
// mid-way and the upload resumes from the byte the server has, not from
// zero; a submit with too short an internal publicity is refused in the
// browser with the server's message, one with an address only the server
// refuses comes back with the staged files listed and the entries kept;
// the person corrects the field and sends again without choosing anything
// again, and the receipt shows the scan with its SHA-256.
func TestBrowserStaged(t *testing.T) {
	ctx := browser(t)
	siteURL := realSiteAt(t, "2026-04-01T10:00:00+08:00", "-future")
	tus := listenTus(t, ctx)
	dir := t.TempDir()

	// A 48 MB scan, its bytes not compressible, and seven small PDFs.
	const scanSize = 48 << 20
	scan := make([]byte, scanSize)
	copy(scan, "%PDF-1.4\n")
	rng := rand.NewChaCha8([32]byte{16})
	_, _ = rng.Read(scan[9 : scanSize-7])
	copy(scan[scanSize-7:], "\n%%EOF\n")
	scanPath := filepath.Join(dir, "自评报告扫描件.pdf")
	if err := os.WriteFile(scanPath, scan, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(scan)
	scanSHA := hex.EncodeToString(sum[:])
	small := []string{"applicationForm", "recommendation", "internalPublicity", "license", "commitment", "financials", "creditReport"}

	// Only the server's address check refuses the email; four working days
	// of internal publicity, the browser's.
	steps := append(fillApplication(siteURL, "wang..wu@example.com", "2026-03-19"), check("#f-consent"))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("filling the application: %v", err)
	}
	hint, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(e => e && !e.hidden ? e.textContent : "")(document.querySelector(".upload-expiry"))`))
	if err != nil || !strings.Contains(hint, "已上传的文件保留24小时") {
		t.Errorf("the expiry hint shown with scripts on: %q (%v)", hint, err)
	}

	// A township office's line: 12 MB/s up. The scan is chosen first.
	if err := setNetwork(ctx, 12<<20, false); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#f-selfAssessment", []string{scanPath})); err != nil {
		t.Fatal(err)
	}
	for _, slot := range small {
		p := filepath.Join(dir, slot+".pdf")
		if err := os.WriteFile(p, pdfBytes(slot), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#f-"+slot, []string{p})); err != nil {
			t.Fatal(err)
		}
	}
	scanRow := `document.querySelector('.staged-file[data-field="selfAssessment"]')`
	pollJS(t, ctx, "the scan's upload reaching 25%", `(r => !!r && r.querySelector("progress").value >= 25)(`+scanRow+`)`, 20*time.Second)
	materials := `fieldset:has(#f-selfAssessment)`
	screenshotOf(t, ctx, materials, "upload-mid")

	// The line drops mid-way.
	if err := setNetwork(ctx, 12<<20, true); err != nil {
		t.Fatal(err)
	}
	pollJS(t, ctx, "the scan's row saying the network is gone", `(r => r.getAttribute("data-state") === "retrying" && r.innerText.includes("网络已断开"))(`+scanRow+`)`, 10*time.Second)
	before, err := chromedp.Run(ctx, chromedp.Evaluate[int](scanRow+`.querySelector("progress").value`))
	if err != nil {
		t.Fatal(err)
	}
	if before <= 0 || before >= 100 {
		t.Fatalf("the scan's progress when the line dropped: %d%%", before)
	}
	screenshotOf(t, ctx, materials, "upload-offline")
	time.Sleep(time.Second)
	if err := setNetwork(ctx, 12<<20, false); err != nil {
		t.Fatal(err)
	}
	all := `document.querySelectorAll('.staged-file[data-state="done"] input[name="staged"]').length === 8`
	pollJS(t, ctx, "all eight files uploaded after the line came back", all, 40*time.Second)
	if err := setNetwork(ctx, -1, false); err != nil {
		t.Fatal(err)
	}

	// The scan was resumed where the server stood, not sent again: the
	// PATCH that the drop failed is followed by a HEAD answering a non-zero
	// offset and a PATCH from there; the PATCHes the server took follow each
	// other without overlap, and the last ends at the whole length.
	reqs := tus.requests()
	var log strings.Builder
	var scanURL string
	creates := 0
	for _, r := range reqs {
		fmt.Fprintf(&log, "%s %s sent=%d → %d offset=%d\n", r.method, r.url, r.sent, r.status, r.answered)
		if r.method == "POST" {
			creates++
			if r.length == scanSize {
				scanURL = r.location
			}
		}
	}
	if creates != 8 {
		t.Errorf("%d uploads created, want 8 (one per file):\n%s", creates, log.String())
	}
	var scanReqs []tusRequest
	for _, r := range reqs {
		if r.url == scanURL && (r.method == "PATCH" || r.method == "HEAD") {
			scanReqs = append(scanReqs, r)
		}
	}
	var at, resumedFrom int64 = 0, -1
	dropped := false
	for i, r := range scanReqs {
		switch {
		case r.method == "PATCH" && r.status == 204:
			if r.sent != at {
				t.Errorf("a PATCH from %d when the server stood at %d:\n%s", r.sent, at, log.String())
			}
			at = r.answered
		case r.method == "PATCH" && r.status == 0:
			dropped = true
		case r.method == "HEAD" && dropped && resumedFrom < 0:
			resumedFrom = r.answered
			if i+1 >= len(scanReqs) || scanReqs[i+1].method != "PATCH" || scanReqs[i+1].sent != r.answered {
				t.Errorf("the HEAD after the drop (offset %d) is not followed by a PATCH from there:\n%s", r.answered, log.String())
			}
		}
	}
	if !dropped || resumedFrom <= 0 {
		t.Fatalf("the scan was not resumed from the server's offset after a drop (dropped %v, HEAD said %d):\n%s", dropped, resumedFrom, log.String())
	}
	if at != scanSize {
		t.Errorf("the scan's PATCHes end at %d, want %d:\n%s", at, scanSize, log.String())
	}
	t.Logf("the scan's line dropped at %d%%; resumed from byte %d of %d (%.0f%% not sent again)", before, resumedFrom, scanSize, float64(resumedFrom)/scanSize*100)
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("input[type=file]")).reduce((n, i) => n + i.files.length, 0)`)); err != nil || n != 0 {
		t.Errorf("file fields still carrying files for the form post: %d (%v)", n, err)
	}

	// Refused in the browser first, with the server's own words.
	cal := loadTestCalendar(t)
	from, to := workday.D(2026, 3, 16), workday.D(2026, 3, 19)
	days, err := cal.CountWorkingDays(from, to)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s至%s只有%d个工作日；内部公示不得少于5个工作日（《管理办法》第十七条第（二）项）。", from.Chinese(), to.Chinese(), days)
	if err := chromedp.Do(ctx, chromedp.Click(`form button[type="submit"]`)); err != nil {
		t.Fatal(err)
	}
	summary := waitText(t, ctx, "处需要修改")
	if !strings.Contains(summary, want) {
		t.Errorf("the browser's summary lacks the server's message %q:\n%s", want, summary)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("c-internalPublicityEnd") || {}).textContent || ""`)); got != want {
		t.Errorf("the field's message: %q, want %q", got, want)
	}

	// Corrected; the address is wrong in a way only the server tells.
	if err := chromedp.Do(ctx, chromedp.SetValue("#f-internalPublicityEnd", "2026-03-20"), chromedp.Click(`form button[type="submit"]`)); err != nil {
		t.Fatal(err)
	}
	page := waitText(t, ctx, "请填写有效的电子邮箱")
	if !strings.Contains(page, "已上传完成的文件已保留") {
		t.Errorf("the refusal does not say the uploaded files were kept:\n%s", page)
	}
	pollJS(t, ctx, "the refused form listing the 8 staged files", `document.querySelectorAll('li.staged-file[data-id] input[name="staged"]').length === 8`, 10*time.Second)
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.getElementById("f-orgName").value,
		String(document.querySelectorAll('li.staged-file[data-id] input[name="staged"]').length),
		String(document.querySelectorAll('li.staged-file[data-id] button').length),
		(document.querySelector('.staged-file[data-field="selfAssessment"]') || {}).innerText || "",
		String(document.getElementById("f-consent").checked)]`))
	if err != nil {
		t.Fatal(err)
	}
	if kept[0] != "中牟县示例食品有限公司" || kept[1] != "8" || kept[2] != "8" || !strings.Contains(kept[3], "自评报告扫描件.pdf") || !strings.Contains(kept[3], "48.0 MB") || kept[4] != "true" {
		t.Errorf("the refused form should keep the entries (the consent too) and list the 8 staged files, each with a 移除 button: %q", kept)
	}
	axeCheck(t, ctx, "申报表单（已上传的文件，服务器退回）")

	// Corrected and sent again, nothing chosen again.
	// (The refusal was written into the page by upload-progress.js, which
	// DevTools' DOM does not follow: the page is driven by script here.)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const e = document.getElementById("f-email");
		e.value = "wangwu@example.com";
		e.dispatchEvent(new Event("change", {bubbles: true}));
		document.querySelector('form button[type="submit"]').click();
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	receipt := waitText(t, ctx, "申报受理回执")
	for _, w := range []string{"受理编号", "自评报告扫描件.pdf", "48.0 MB", scanSHA} {
		if !strings.Contains(receipt, w) {
			t.Errorf("the receipt lacks %q:\n%s", w, receipt)
		}
	}
	sending := func(rs []tusRequest) (n int) {
		for _, r := range rs {
			if r.method == "POST" || r.method == "PATCH" {
				n++
			}
		}
		return n
	}
	if n := sending(tus.requests()) - sending(reqs); n != 0 {
		t.Errorf("%d more uploads or PATCHes after the files were staged; nothing should be sent again", n)
	}
}

// TestBrowserApplicationChecks checks, in real Chromium, that the
// application form's own checks before sending say what the intake says:
// for each case the browser's messages, field by field, and its summary's
// heading equal the intake's answer to the same entries posted over HTTP
// (files first, so that the intake checks the whole application at once)
// — the age on the call's closing date, 卓越绩效, working days on the
// holiday calendar, required fields and slots.
func TestBrowserApplicationChecks(t *testing.T) {
	ctx := browser(t)
	t.Setenv("AWARD_RATE_SUBMIT", "100/1h,50") // one post per case
	siteURL := realSiteAt(t, "2026-04-01T10:00:00+08:00", "-future")
	base := map[string]string{"orgName": "中牟县示例食品有限公司", "creditCode": "91410122MA00J8NW0M",
		"orgKind": "企业", "established": "2018-05-20", "littleGiant": "no", "industry": "食品制造业", "township": "韩寺镇",
		"address": "中牟县示例大道88号", "recommender": "韩寺镇人民政府", "excellenceSince": "2023-01-01",
		"legalRepresentative": "李四", "contactName": "王五", "phone": "0371-62196035", "email": "zhiliang@example.com",
		"internalPublicityStart": "2026-03-16", "internalPublicityEnd": "2026-03-20", "consent": "yes"}
	for i := 1; i <= 9; i++ {
		base["declaration"+strconv.Itoa(i)] = "none"
	}
	cases := []struct {
		name string
		set  map[string]string // "" for a checkbox: not ticked
		// after: a date the browser leaves to the intake while its own
		// clock is past it (it refuses only what is after both days)
		after string
	}{
		{"under 2 years", map[string]string{"established": "2024-06-01"}, ""},
		{"2 years, not a 小巨人", map[string]string{"established": "2023-10-01"}, ""},
		{"a 小巨人 without its certificate", map[string]string{"established": "2023-10-01", "littleGiant": "yes"}, ""},
		{"卓越绩效 under a year", map[string]string{"excellenceSince": "2025-06-01"}, ""},
		{"publicity over the Spring Festival", map[string]string{"internalPublicityStart": "2026-02-13", "internalPublicityEnd": "2026-02-24"}, ""},
		{"publicity ending after today", map[string]string{"internalPublicityStart": "2026-03-30", "internalPublicityEnd": "2026-04-07"}, "2026-04-07"},
		{"publicity ending before it starts", map[string]string{"internalPublicityStart": "2026-03-20", "internalPublicityEnd": "2026-03-16"}, ""},
		{"a year the calendar lacks", map[string]string{"internalPublicityStart": "2023-12-25", "internalPublicityEnd": "2024-01-05"}, ""},
		{"fields missing or wrong", map[string]string{"orgName": "", "creditCode": "", "orgKind": "", "established": "", "industry": "食",
			"township": "", "address": "示例大道", "recommender": "", "legalRepresentative": "", "contactName": "王",
			"phone": "12345", "email": "zhiliang", "excellenceSince": "", "internalPublicityStart": "", "declaration3": "", "consent": ""}, ""},
	}
	dir := t.TempDir()
	slots := []string{"applicationForm", "selfAssessment", "recommendation", "internalPublicity", "license", "commitment", "financials", "creditReport"}
	if err := chromedp.Do(ctx, chromedp.Navigate(siteURL+"api/applications/new?call=call-2026"), chromedp.WaitVisible("#f-orgName")); err != nil {
		t.Fatal(err)
	}
	for _, slot := range slots {
		p := filepath.Join(dir, slot+".pdf")
		if err := os.WriteFile(p, pdfBytes(slot), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#f-"+slot, []string{p})); err != nil {
			t.Fatal(err)
		}
	}
	pollJS(t, ctx, "the documents uploaded", `document.querySelectorAll('.staged-file[data-state="done"]').length === 8`, 20*time.Second)
	// The browser's heading and messages after a submit with values set.
	type answer struct {
		Heading string            `json:"heading"`
		Fields  map[string]string `json:"fields"`
	}
	for _, c := range cases {
		values := map[string]string{}
		for k, v := range base {
			values[k] = v
		}
		for k, v := range c.set {
			values[k] = v
		}
		var got answer
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`((values) => {
			const form = document.querySelector("form[data-form=application]");
			for (const [k, v] of Object.entries(values)) {
				const e = form.elements[k];
				if (e instanceof RadioNodeList) { for (const r of e) r.checked = r.value === v; }
				else if (e.type === "checkbox") e.checked = v !== "";
				else e.value = v;
			}
			// Only the browser's checks: whatever they find, nothing is sent.
			window.addEventListener("submit", e => e.preventDefault(), { capture: true, once: true });
			const old = document.getElementById("error-summary");
			if (old) old.remove();
			form.querySelector('button[type="submit"]').click();
			const fields = {};
			for (const p of form.querySelectorAll(".field-error[id^='c-']")) fields[p.id.slice(2)] = p.textContent;
			const h = document.querySelector("#error-summary h2");
			return JSON.stringify({ heading: h ? h.textContent : "", fields });
		})(`+jsonString(t, values)+`)`))
		if err == nil {
			err = json.Unmarshal([]byte(raw), &got)
		}
		if err != nil {
			t.Fatalf("%s: %v (%s)", c.name, err, raw)
		}
		// The intake's answer to the same entries.
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, slot := range slots {
			fw, _ := w.CreateFormFile(slot, slot+".pdf")
			fw.Write(pdfBytes(slot))
		}
		w.WriteField("call", "call-2026")
		for k, v := range values {
			if v != "" || !strings.HasPrefix(k, "declaration") && k != "consent" {
				w.WriteField(k, v)
			}
		}
		w.Close()
		server := intakeRefusal(t, siteURL+"api/applications", &buf, w.FormDataContentType())
		if c.after != "" && time.Now().Format(time.DateOnly) > c.after {
			if len(got.Fields) != 0 || got.Heading != "" {
				t.Errorf("%s: with the browser's clock past %s the browser should leave it to the intake; it says %q %q", c.name, c.after, got.Heading, got.Fields)
			}
			continue
		}
		if got.Heading != server.Error.Message {
			t.Errorf("%s: the browser's summary says %q, the intake %q", c.name, got.Heading, server.Error.Message)
		}
		for k, want := range server.Error.Fields {
			if got.Fields[k] != want {
				t.Errorf("%s: %s: the browser says %q, the intake %q", c.name, k, got.Fields[k], want)
			}
		}
		for k, msg := range got.Fields {
			if _, ok := server.Error.Fields[k]; !ok {
				t.Errorf("%s: %s: the browser says %q, the intake nothing", c.name, k, msg)
			}
		}
	}
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBrowserObjectionChecks checks that the objection form's checks
// before sending (at least one evidence file, the consent) say what the
// intake says to the same entries, and that an uploaded file counts as the
// evidence.
func TestBrowserObjectionChecks(t *testing.T) {
	ctx := browser(t)
	siteURL := realSite(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(siteURL+"api/objections/new?publicity=pub-2026-candidates&candidate=c01"), chromedp.WaitVisible("#f-name")); err != nil {
		t.Fatal(err)
	}
	messages := func() map[string]string {
		t.Helper()
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const form = document.querySelector("form[data-form=objection]");
			form.elements.name.value = "张三";
			form.elements.idNumber.value = "11010519491231002X";
			form.elements.phone.value = "13800138000";
			form.elements.statement.value = "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。";
			window.addEventListener("submit", e => e.preventDefault(), { capture: true, once: true });
			form.querySelector('button[type="submit"]').click();
			const fields = {};
			for (const p of form.querySelectorAll(".field-error[id^='c-']")) fields[p.id.slice(2)] = p.textContent;
			return JSON.stringify(fields);
		})()`))
		got := map[string]string{}
		if err == nil {
			err = json.Unmarshal([]byte(raw), &got)
		}
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := messages()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"publicity": "pub-2026-candidates", "candidate": "c01", "objectorType": "individual", "name": "张三",
		"idNumber": "11010519491231002X", "phone": "13800138000", "statement": "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。"} {
		w.WriteField(k, v)
	}
	w.Close()
	server := intakeRefusal(t, siteURL+"api/objections", &buf, w.FormDataContentType())
	if len(got) != 2 || len(server.Error.Fields) != 2 {
		t.Errorf("want two messages each (evidence, consent): the browser %q, the intake %q", got, server.Error.Fields)
	}
	for k, want := range server.Error.Fields {
		if got[k] != want {
			t.Errorf("%s: the browser says %q, the intake %q", k, got[k], want)
		}
	}

	// A file uploaded ahead counts as the evidence; the consent is still asked.
	p := filepath.Join(t.TempDir(), "处罚决定书.pdf")
	if err := os.WriteFile(p, pdfBytes("处罚决定书"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#f-evidence", []string{p})); err != nil {
		t.Fatal(err)
	}
	pollJS(t, ctx, "the evidence uploaded", `document.querySelectorAll('.staged-file[data-state="done"] input[name="staged"]').length === 1`, 10*time.Second)
	if got := messages(); len(got) != 1 || got["consent"] == "" {
		t.Errorf("with the evidence uploaded, only the consent should be asked: %q", got)
	}
	axeCheck(t, ctx, "异议表单（证明材料已上传）")
}

// TestBrowserStagedReload closes the page mid-upload (a reload, as after a
// laptop was closed and the tab restored) and chooses the same file again:
// the script finds its upload (localStorage), asks the server how far it
// got, and sends only the rest.
func TestBrowserStagedReload(t *testing.T) {
	ctx := browser(t)
	siteURL := realSite(t)
	tus := listenTus(t, ctx)
	const size = 30 << 20
	data := make([]byte, size)
	copy(data, "%PDF-1.4\n")
	rng := rand.NewChaCha8([32]byte{17})
	_, _ = rng.Read(data[9 : size-7])
	copy(data[size-7:], "\n%%EOF\n")
	p := filepath.Join(t.TempDir(), "检验报告扫描件.pdf")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	form := siteURL + "api/objections/new?publicity=pub-2026-candidates&candidate=c01"
	if err := chromedp.Do(ctx, chromedp.Navigate(form), chromedp.WaitVisible("#f-evidence")); err != nil {
		t.Fatal(err)
	}
	if err := setNetwork(ctx, 8<<20, false); err != nil {
		t.Fatal(err)
	}
	row := `document.querySelector('.staged-file[data-field="evidence"]')`
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#f-evidence", []string{p})); err != nil {
		t.Fatal(err)
	}
	pollJS(t, ctx, "the upload past its first chunk", `(r => !!r && r.querySelector("progress").value >= 60)(`+row+`)`, 20*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(form), chromedp.WaitVisible("#f-evidence")); err != nil {
		t.Fatal(err)
	}
	if err := setNetwork(ctx, -1, false); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#f-evidence", []string{p})); err != nil {
		t.Fatal(err)
	}
	pollJS(t, ctx, "the upload complete after the reload", `document.querySelectorAll('.staged-file[data-state="done"] input[name="staged"]').length === 1`, 20*time.Second)
	var creates int
	var from int64 = -1
	var log strings.Builder
	for _, r := range tus.requests() {
		fmt.Fprintf(&log, "%s %s sent=%d → %d offset=%d\n", r.method, r.url, r.sent, r.status, r.answered)
		if r.method == "POST" {
			creates++
		}
		if r.method == "HEAD" && from < 0 {
			from = r.answered
		}
	}
	if creates != 1 || from <= 0 || from >= size {
		t.Fatalf("after the reload the upload should be found and resumed: %d created, the HEAD said %d:\n%s", creates, from, log.String())
	}
	t.Logf("resumed after the reload from byte %d of %d", from, size)
}

// refusal is the intake's problem JSON.
type refusal struct {
	Error struct {
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// intakeRefusal posts a multipart body to the intake, asking for JSON, and
// returns its refusal; any other answer than 400 fails the test.
func intakeRefusal(t *testing.T, url string, body *bytes.Buffer, contentType string) refusal {
	t.Helper()
	req, _ := http.NewRequest("POST", url, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r refusal
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("the intake answered %d (%v)", resp.StatusCode, err)
	}
	return r
}
