package console

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/mailpittest"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

var cst = time.FixedZone("CST", 8*3600)

// reportCall2026 is open from 2026-12-01 09:00 to 2026-12-31 17:30.
var reportCall2026 = schedule.ReportCall{ID: "report-2026", Title: "关于报送2026年度获奖组织自评报告和奖金使用情况的通知", Year: 2026,
	URL: "/notices/2026-report-call/", FormURL: "/api/reports/new?call=report-2026",
	Opens: time.Date(2026, 12, 1, 9, 0, 0, 0, cst), Closes: time.Date(2026, 12, 31, 17, 30, 0, 0, cst)}

func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// reportEnv is a console whose windows hold draftCall (session 7, 2026),
// the 2026 report call and two winners of the site's pages (one without a
// credit code, one whose award ended in 2025); with two applications at
// 获奖 in draftCall, 甲 and 乙, of which 乙 has filed its report.
func reportEnv(t *testing.T, sender notify.Notifier) (*env, string) {
	t.Helper()
	return reportEnvOn(t, dirStore(t), sender)
}

// reportEnvOn is reportEnv on the given store.
func reportEnvOn(t *testing.T, store storage.Store, sender notify.Notifier) (*env, string) {
	t.Helper()
	e := newEnv(t, store, sender)
	win := fixedWindows{&schedule.Manifest{Calls: []schedule.Call{draftCall}, ReportCalls: []schedule.ReportCall{reportCall2026},
		Winners: []schedule.Winner{{OrgName: "中牟县示例建设工程有限公司", Session: 7, AwardYear: 2026},
			{OrgName: "中牟县示例汽车零部件有限公司", CreditCode: "91410122MA0E24W21B", Session: 6, AwardYear: 2023}}}}
	e.srv.windows = win
	e.addCandidate("中牟县甲食品有限公司", "91410122MA00J8NW0M", "食品制造业", "韩寺镇", submission.StageAwarded)
	e.addCandidate("中牟县乙机械有限公司", "91410122MAU87AW67U", "通用设备制造业", "官渡镇", submission.StageAwarded)
	return e, e.addReport("中牟县乙机械有限公司", "91410122MAU87AW67U")
}

// addReport commits 乙's report in the 2026 report call: 250,000 yuan used.
func (e *env) addReport(org, code string) string {
	e.t.Helper()
	ctx := context.Background()
	up, err := e.arch.Begin(ctx, submission.KindReport)
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := up.Put(ctx, strings.NewReader("%PDF-1.4 report"), "application/pdf")
	if err != nil {
		e.t.Fatal(err)
	}
	f := submission.ReportFields{Call: reportCall2026.ID, CallTitle: reportCall2026.Title, Year: "2026", OrgName: org, CreditCode: code,
		Session: "7", AwardYear: "2026", Score: "600", Revenue: "1000", ProfitTax: "100",
		Fund: [8]string{"50000", "", "", "80000", "100000", "", "", "20000"}, FundOtherNote: "信用体系", Consent: "yes"}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: f.Map(),
		Identity: submission.ApplicantIdentity{ContactName: "钱七", Phone: "13800002222", Email: "qianqi@example.com"},
		Files:    []submission.File{{Field: submission.SlotSelfAssessmentReport, Name: "自评报告.pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: "application/pdf"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.add(time.Second)
	return m.Reference
}

// TestReportsList: the secretariat's list shows, for the report call, the
// winners in validity — 甲 not filed, 乙 filed with its reference, stage
// and total, the site's winner without a credit code not filed — and not
// the winner whose validity ended.
func TestReportsList(t *testing.T) {
	e, ref := reportEnv(t, nil)
	clerk := e.signIn("nianbao", staff.Secretariat, "")
	resp, page := clerk.get("/staff/reports")
	if resp.StatusCode != 200 {
		t.Fatalf("reports page: %d %s", resp.StatusCode, page)
	}
	for _, want := range []string{reportCall2026.Title, "应报送 3 家：已报送 <strong>1</strong> 家，未报送 <strong>2</strong> 家",
		"中牟县甲食品有限公司", "中牟县乙机械有限公司", ref, "250,000", "已收件", "中牟县示例建设工程有限公司", "获奖页面未写代码", "2026—2028年"} {
		if !strings.Contains(page, want) {
			t.Errorf("reports page lacks %q", want)
		}
	}
	if strings.Contains(page, "中牟县示例汽车零部件有限公司") {
		t.Error("a winner whose validity ended is listed")
	}
	row := page[strings.Index(page, "中牟县甲食品有限公司"):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "未报送") {
		t.Errorf("甲's row: %s", row)
	}
	if resp, casePage := clerk.get("/staff/cases/" + ref); resp.StatusCode != 200 || !strings.Contains(casePage, "奖金使用合计（元）") ||
		!strings.Contains(casePage, "250,000") || !strings.Contains(casePage, "奖金使用凭证") {
		t.Errorf("the report's case page: %d, fields, total and the vouchers' correction item", resp.StatusCode)
	}
	township := e.signIn("xiangzhen", staff.Township, "韩寺镇")
	if resp, body := township.get("/staff/reports"); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "中牟县甲食品有限公司") {
		t.Errorf("a township on the reports page: %d, want 403 without the list", resp.StatusCode)
	}
}

// TestReportReminders: through the real SMTP server (Mailpit), the winner
// that has not filed (甲) is reminded on the day five working days before
// the close and on the close day, once each however many times and on
// however many replicas the job runs; not on other days, not after the
// close, and never the winner that filed (乙).
func TestReportReminders(t *testing.T) {
	mp := mailpittest.Start(t)
	smtp, err := notify.NewSMTP(notify.SMTPConfig{Host: mp.Host, Port: mp.Port, TLS: notify.TLSNone, From: "award@zhongmou.example.gov.cn"})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := reportEnv(t, smtp)
	replica := newEnvAt(t, e.store, smtp, e.clock)
	replica.srv.windows = e.srv.windows
	run := func(s *Server, day time.Time) int {
		t.Helper()
		e.clock.set(day)
		n, err := s.remindReports(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", day, err)
		}
		return n
	}
	// 2026-12-31 is a Thursday: five working days before it is 12-24.
	for _, day := range []time.Time{time.Date(2026, 12, 23, 10, 0, 0, 0, cst), time.Date(2026, 12, 26, 10, 0, 0, 0, cst), time.Date(2026, 12, 28, 10, 0, 0, 0, cst)} {
		if n := run(e.srv, day); n != 0 {
			t.Errorf("%s: %d reminders queued, want none", day.Format(time.DateOnly), n)
		}
	}
	before := time.Date(2026, 12, 24, 9, 0, 0, 0, cst)
	if n := run(e.srv, before); n != 1 {
		t.Fatalf("12-24: %d reminders queued, want 1 (甲)", n)
	}
	if n := run(e.srv, before.Add(time.Hour)) + run(replica.srv, before.Add(2*time.Hour)); n != 0 {
		t.Fatalf("12-24 again and on a replica: %d more queued", n)
	}
	sent, failed, err := e.outbox.DeliverDue(context.Background())
	if err != nil || sent != 1 || failed != 0 {
		t.Fatalf("delivered %d, failed %d, %v; want 1", sent, failed, err)
	}
	msgs := mp.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("%d messages in Mailpit, want 1", len(msgs))
	}
	msg := msgs[0]
	if !strings.Contains(strings.Join(msg.To, ","), "zhaomin@example.com") {
		t.Errorf("reminder to %v", msg.To)
	}
	for _, want := range []string{"中牟县甲食品有限公司", reportCall2026.Title, "2026年12月31日17:30", "https://zlj.example.gov.cn/api/reports/new?call=report-2026",
		"第7届", "2026—2028年", DefaultContact} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("reminder lacks %q:\n%s", want, msg.Text)
		}
	}
	if !strings.Contains(msg.Subject, "2026年12月31日17:30") {
		t.Errorf("subject %q", msg.Subject)
	}
	// The close day: the last reminder, once; after the close, none.
	closeDay := time.Date(2026, 12, 31, 8, 30, 0, 0, cst)
	if n := run(replica.srv, closeDay) + run(e.srv, closeDay.Add(time.Hour)); n != 1 {
		t.Fatalf("12-31: %d reminders queued, want 1", n)
	}
	if n := run(e.srv, time.Date(2026, 12, 31, 18, 0, 0, 0, cst)); n != 0 {
		t.Errorf("after the close: %d queued", n)
	}
	if sent, _, err := e.outbox.DeliverDue(context.Background()); err != nil || sent != 1 {
		t.Fatalf("close-day delivery: %d, %v", sent, err)
	}
	msgs = mp.Messages(t)
	if len(msgs) != 2 {
		t.Fatalf("%d messages in Mailpit, want 2", len(msgs))
	}
	var last string
	for _, m := range msgs {
		if strings.Contains(m.Subject, "今天截止") {
			last = m.Text
		}
		if strings.Contains(strings.Join(m.To, ","), "qianqi") || strings.Contains(m.Text, "乙机械") {
			t.Errorf("the winner that filed was reminded: %q", m.Subject)
		}
	}
	if !strings.Contains(last, "今天截止") {
		t.Errorf("no close-day reminder among %d messages", len(msgs))
	}
}

// TestReportRemindersNotReopened: once 甲 is reminded, the next hourly run
// of the same day queues nothing and reads 甲's application fewer times
// than the run that reminded it (the reminders recorded are listed, not
// each winner's application opened again to learn it).
func TestReportRemindersNotReopened(t *testing.T) {
	store := &countingStore{Store: dirStore(t)}
	e, _ := reportEnvOn(t, store, nil)
	all, err := e.srv.register().Winners(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var key string // 甲's application
	for _, w := range all {
		if w.CreditCode == "91410122MA00J8NW0M" {
			key = submission.ManifestKey(submission.KindApplication, w.Application)
		}
	}
	if key == "" {
		t.Fatal("甲 is not in the register")
	}
	readsOfKey := func() int { return store.gets(func(k string) bool { return k == key }) }
	run := func(at time.Time) (queued, reads int) {
		t.Helper()
		e.clock.set(at)
		before := readsOfKey()
		n, err := e.srv.remindReports(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", at, err)
		}
		return n, readsOfKey() - before
	}
	first, firstReads := run(time.Date(2026, 12, 24, 9, 0, 0, 0, cst))
	again, againReads := run(time.Date(2026, 12, 24, 10, 0, 0, 0, cst))
	if first != 1 || again != 0 {
		t.Fatalf("queued %d then %d, want 1 then 0", first, again)
	}
	if againReads >= firstReads {
		t.Errorf("甲's application read %d times on the run after its reminder, %d on the run that sent it", againReads, firstReads)
	}
}

// TestReportFiledThroughIntake: 甲 files its report through the intake's
// form (the same archive); the console lists it as filed, with the total,
// and 甲 is no longer reminded.
func TestReportFiledThroughIntake(t *testing.T) {
	e, _ := reportEnv(t, nil)
	e.clock.set(time.Date(2026, 12, 24, 9, 0, 0, 0, cst))
	icfg := intake.DefaultConfig()
	icfg.RateLimits = intake.RateLimits{Submit: "off", Receipt: "off"}
	in, err := intake.New(icfg, intake.Deps{Archive: e.arch, Windows: e.srv.windows, Now: e.clock.now, Calendar: testCalendar(t),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(in)
	defer ts.Close()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range map[string]string{"call": "report-2026", "creditCode": "91410122MA00J8NW0M", "orgName": "中牟县甲食品有限公司",
		"score": "700", "revenue": "5000", "profitTax": "300", "fundPublicity": "100000", "fundLabs": "200000",
		"contactName": "赵敏", "phone": "13800001111", "email": "zhaomin@example.com", "consent": "yes"} {
		_ = w.WriteField(k, v)
	}
	for field, data := range map[string]string{"selfAssessmentReport": "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", "vouchers": "%PDF-1.4\n2 0 obj << >> endobj\n%%EOF\n"} {
		fw, _ := w.CreateFormFile(field, field+".pdf")
		_, _ = fw.Write([]byte(data))
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/reports", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Reference string }
	_ = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || got.Reference == "" {
		t.Fatalf("report through the intake: %d %+v", resp.StatusCode, got)
	}
	clerk := e.signIn("nianbao", staff.Secretariat, "")
	_, page := clerk.get("/staff/reports")
	row := page[strings.Index(page, "中牟县甲食品有限公司"):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "已报送") || !strings.Contains(row, got.Reference) || !strings.Contains(row, "300,000") ||
		!strings.Contains(page, "已报送 <strong>2</strong> 家") {
		t.Errorf("甲's row after filing: %s", row)
	}
	if n, err := e.srv.remindReports(context.Background()); err != nil || n != 0 {
		t.Errorf("reminders after everyone with an address filed: %d %v", n, err)
	}
}
