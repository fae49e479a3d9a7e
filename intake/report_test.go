package intake

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// Credit codes of the report tests: a winner in validity, a winner whose
// validity ended, an organisation that never won.
const (
	winnerCode  = "91410122MA00J8NW0M"
	expiredCode = "91410122MA0E24W21B"
	strangeCode = "91110000600037341L"
)

// reportManifest is testManifest with a report call for 2026 open from
// 2026-12-01 to 2026-12-31 and two winners from the site's pages.
func reportManifest() *schedule.Manifest {
	m := testManifest()
	m.ReportCalls = []schedule.ReportCall{{ID: "report-2026", Title: "2026年度报告通知（示例）", Year: 2026,
		Opens: time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai), Closes: time.Date(2026, 12, 31, 17, 30, 0, 0, shanghai)}}
	m.Winners = []schedule.Winner{
		{OrgName: "中牟县示例食品有限公司", CreditCode: winnerCode, Session: 7, AwardYear: 2025},
		{OrgName: "中牟县示例汽车零部件有限公司", CreditCode: expiredCode, Session: 6, AwardYear: 2023},
	}
	return m
}

var duringReports = time.Date(2026, 12, 10, 10, 0, 0, 0, shanghai)

// newReportEnv is a server with the report manifest; tweak, when given,
// changes its config first.
func newReportEnv(t *testing.T, tweak ...func(*Config)) *testEnv {
	t.Helper()
	cfg := DefaultConfig()
	cfg.RateLimits = RateLimits{Submit: "off", Receipt: "off"}
	for _, f := range tweak {
		f(&cfg)
	}
	sealer, err := submission.NewSealer(bytes.Repeat([]byte{42}, 32))
	if err != nil {
		t.Fatal(err)
	}
	store := dirStore(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := &testEnv{t: t, store: store, now: duringReports}
	e.srv, err = New(cfg, Deps{Archive: archive.New(store, sealer, testLedger(t, store, e.clock), cfg.Config, archive.Options{Now: e.clock, Log: quiet}),
		Windows: fixedWindows{reportManifest()}, Log: quiet, Now: e.clock, Calendar: testCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.http = httptest.NewServer(e.srv)
	t.Cleanup(e.http.Close)
	return e
}

func goodReport() map[string]string {
	return map[string]string{
		"call": "report-2026", "creditCode": winnerCode, "orgName": "中牟县示例食品有限公司",
		"score": "612.5", "revenue": "12500", "profitTax": "860.3",
		"fundPublicity": "50000", "fundTraining": "80,000", "fundResearch": "100000", "fundOther": "20000", "fundOtherNote": "质量信用体系建设",
		"contactName": "王五", "phone": "0371-62196035", "email": "zhiliang@example.com", "consent": "yes",
	}
}

func reportFiles() []upload {
	return []upload{{"selfAssessmentReport", "自评报告.pdf", pdfBytes}, {"vouchers", "发票.png", pngBytes}}
}

func (e *testEnv) report(fields map[string]string, files []upload, accept string) *http.Response {
	e.t.Helper()
	body, ct := multipartBody(e.t, e.withToken(fields, accept), files)
	return e.send("/api/reports", body, ct, accept)
}

type reportReply struct {
	applicationReply
	FundTotal int64 `json:"fundTotal"`
}

func TestReportFiled(t *testing.T) {
	e := newReportEnv(t)
	page := getBody(t, e.http.URL+"/api/reports/new?call=report-2026", http.StatusOK)
	for _, want := range []string{"2026年度报告通知（示例）", "质量检验机构和实验室建设", "300,000", `name="fundOther"`, "自评报告",
		"保存期限：保存至获奖有效期届满后10年，期满后删除报告材料和联系人信息。"} {
		if !strings.Contains(page, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	resp := e.report(goodReport(), reportFiles(), "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	got := decode[reportReply](t, resp)
	if got.FundTotal != 250000 || len(got.Slots) != 2 || !got.Slots[0].Received || !got.Slots[1].Received {
		t.Errorf("reply %+v", got)
	}
	raw := rawReport(t, e, got.Reference)
	m, err := submission.DecodeManifest([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	f := m.Report()
	if m.Kind != submission.KindReport || f.Call != "report-2026" || f.Year != "2026" || f.Session != "7" || f.AwardYear != "2025" ||
		f.Fund[3] != "80000" || f.FundTotal() != 250000 || f.CreditCode != winnerCode {
		t.Errorf("manifest %s %+v", m.Kind, f)
	}
	if strings.Contains(raw, "王五") || strings.Contains(raw, "zhiliang@example.com") {
		t.Error("the contact is stored in the clear")
	}
	receipt := getBody(t, e.http.URL+got.Receipt, http.StatusOK)
	for _, want := range []string{"年度报告受理回执（收件清单）", got.Reference, "合计 <strong>250,000</strong> 元", "奖金使用凭证", sha(pngBytes)} {
		if !strings.Contains(receipt, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	// Progress by reference and credit code.
	progress := getBody(t, e.http.URL+"/api/progress?reference="+got.Reference+"&creditCode="+winnerCode, http.StatusOK)
	if !strings.Contains(progress, "年度报告") || !strings.Contains(progress, "已收件") {
		t.Errorf("progress page: %s", progress)
	}

	// A second report of the same winner in the call: 409 naming the first.
	resp = e.report(goodReport(), reportFiles(), "application/json")
	second := decode[apiError](t, resp)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(second.Error.Message, got.Reference) {
		t.Errorf("second report: %d %+v", resp.StatusCode, second.Error)
	}
	var reports []*archive.Case
	reports, err = e.srv.archive.Reports(context.Background())
	if err != nil || len(reports) != 1 {
		t.Errorf("reports stored: %d, %v", len(reports), err)
	}
}

func TestReportRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(map[string]string)
		status int
		want   []string
	}{
		{"not a winner", func(f map[string]string) { f["creditCode"] = strangeCode }, http.StatusForbidden,
			[]string{strangeCode, "不在县长质量奖获奖组织名单中", "秘书处"}},
		{"validity over", func(f map[string]string) {
			f["creditCode"], f["orgName"] = expiredCode, "中牟县示例汽车零部件有限公司"
		}, http.StatusForbidden,
			[]string{"获奖有效期为2023—2025年", "2026年不在有效期内", "秘书处"}},
		{"over budget", func(f map[string]string) { f["fundBrand"] = "70000" }, http.StatusUnprocessableEntity,
			[]string{"奖金使用合计 320,000 元，超过奖金 300,000 元 20,000 元：请核对各项金额"}},
		{"negative amount", func(f map[string]string) { f["fundLabs"] = "-5000" }, http.StatusBadRequest,
			[]string{"“质量检验机构和实验室建设”的金额“-5000”无效"}},
		{"words for an amount", func(f map[string]string) { f["fundCharity"] = "五万" }, http.StatusBadRequest,
			[]string{"“质量公益活动”的金额“五万”无效"}},
		{"other without a note", func(f map[string]string) { f["fundOtherNote"] = "" }, http.StatusBadRequest,
			[]string{"请说明具体用途"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newReportEnv(t)
			f := goodReport()
			tc.change(f)
			resp := e.report(f, reportFiles(), "application/json")
			got := decode[apiError](t, resp)
			text := got.Error.Message + strings.Join(mapValues(got.Error.Fields), "")
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d: %+v", resp.StatusCode, tc.status, got.Error)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("answer lacks %q: %s", w, text)
				}
			}
			e.assertNothingStored()
		})
	}
	t.Run("over budget in a browser: the entries kept", func(t *testing.T) {
		e := newReportEnv(t)
		f := goodReport()
		f["fundBrand"] = "70000"
		form := getBody(t, e.http.URL+"/api/reports/new?call=report-2026", http.StatusOK)
		_, rest, ok := strings.Cut(form, `name="csrf" value="`)
		if !ok {
			t.Fatal("the report form has no csrf field")
		}
		f["csrf"], _, _ = strings.Cut(rest, `"`)
		resp := e.report(f, reportFiles(), "")
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(body)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "超过奖金 300,000 元 20,000 元") ||
			!strings.Contains(page, `value="70000"`) || !strings.Contains(page, "质量信用体系建设") {
			t.Errorf("status %d, page %s", resp.StatusCode, page)
		}
		e.assertNothingStored()
	})
	t.Run("a photo is not a self-assessment report", func(t *testing.T) {
		e := newReportEnv(t)
		resp := e.report(goodReport(), []upload{{"selfAssessmentReport", "自评报告.pdf", pngBytes}, {"vouchers", "发票.png", pngBytes}}, "application/json")
		got := decode[apiError](t, resp)
		if resp.StatusCode < 400 || got.Error.Fields["selfAssessmentReport"] == "" {
			t.Errorf("PNG as the report: %d %+v", resp.StatusCode, got.Error)
		}
		e.assertNothingStored()
	})
	t.Run("the form of an unknown or closed call says so", func(t *testing.T) {
		e := newReportEnv(t)
		if page := getBody(t, e.http.URL+"/api/reports/new?call=report-1999", http.StatusNotFound); !strings.Contains(page, "找不到这份年度报告通知") {
			t.Errorf("unknown call: %s", page)
		}
		e.setNow(time.Date(2027, 1, 4, 9, 0, 0, 0, shanghai))
		if page := getBody(t, e.http.URL+"/api/reports/new?call=report-2026", http.StatusForbidden); !strings.Contains(page, "年度报告报送已截止") || strings.Contains(page, `name="creditCode"`) {
			t.Errorf("closed call: %s", page)
		}
	})
	t.Run("vouchers required with amounts; the call closed", func(t *testing.T) {
		e := newReportEnv(t)
		resp := e.report(goodReport(), reportFiles()[:1], "application/json")
		if got := decode[apiError](t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(got.Error.Fields["vouchers"], "使用凭证") {
			t.Errorf("no vouchers: %d %+v", resp.StatusCode, got.Error)
		}
		e.setNow(time.Date(2027, 1, 4, 9, 0, 0, 0, shanghai))
		resp = e.report(goodReport(), reportFiles(), "application/json")
		if got := decode[apiError](t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(got.Error.Message, "已截止") {
			t.Errorf("closed: %d %+v", resp.StatusCode, got.Error)
		}
		e.assertNothingStored()
	})
}

func rawReport(t *testing.T, e *testEnv, ref string) string {
	t.Helper()
	rd, _, err := e.store.Get(context.Background(), submission.ManifestKey(submission.KindReport, ref))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	b, _ := io.ReadAll(rd)
	return string(b)
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestReportCorrection: a notice on a report lists its slots; the winner
// answers on the receipt, and the report moves to 已补正.
func TestReportCorrection(t *testing.T) {
	e := newReportEnv(t)
	resp := e.report(goodReport(), reportFiles(), "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	ref, token := receiptParts(t, decode[reportReply](t, resp).Receipt)
	e.issueNotice(ref, submission.CorrectionItem{Slot: submission.SlotVouchers, Label: "奖金使用凭证", Reason: "请补充质量攻关支出的发票。"})
	page := getBody(t, e.http.URL+"/api/receipts/"+ref+"?token="+token, http.StatusOK)
	if !strings.Contains(page, "<strong>需补正</strong>") || !strings.Contains(page, `name="vouchers" type="file" multiple`) {
		t.Fatalf("the report's receipt does not offer the vouchers:\n%s", page)
	}
	resp = e.supplement(ref, token, nil, []upload{{"vouchers", "攻关发票.pdf", pdfBytes}}, "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("supplement: %d %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	resp.Body.Close()
	page = getBody(t, e.http.URL+"/api/receipts/"+ref+"?token="+token, http.StatusOK)
	for _, want := range []string{"<strong>已补正</strong>", "收件清单（补正 1）", "攻关发票.pdf"} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt after the supplement lacks %q", want)
		}
	}
}
