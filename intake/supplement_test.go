package intake

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// Moments of the supplement tests: the call (2 November – 18 December
// 2026, 17:30) is open at whileCallOpen and closed at noticeIssued.
var (
	whileCallOpen = time.Date(2026, 12, 10, 10, 0, 0, 0, shanghai)
	noticeIssued  = time.Date(2026, 12, 21, 9, 30, 0, 0, shanghai) // a Monday
)

// supplementReply is the 201 body of a supplement.
type supplementReply struct {
	Reference  string `json:"reference"`
	Receipt    string `json:"receipt"`
	Supplement struct {
		Number     int    `json:"number"`
		Reference  string `json:"reference"`
		ReceivedAt string `json:"receivedAt"`
		Files      []struct {
			Slot   string `json:"slot"`
			Name   string `json:"name"`
			Size   int64  `json:"size"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
		Fields map[string]string `json:"fields"`
	} `json:"supplement"`
}

// receiptWithNotice is a receipt's JSON with its notice and supplements.
type receiptWithNotice struct {
	Reference  string         `json:"reference"`
	Status     *receiptStatus `json:"status"`
	Correction *struct {
		Items      []submission.CorrectionItem `json:"items"`
		Deadline   string                      `json:"deadline"`
		IssuedAt   string                      `json:"issuedAt"`
		Open       bool                        `json:"open"`
		ExtendedTo string                      `json:"extendedTo"`
		Supplied   []string                    `json:"supplied"`
	} `json:"correction"`
	Supplements []struct {
		Number int `json:"number"`
		Files  []struct {
			Slot   string `json:"slot"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
		Fields map[string]string `json:"fields"`
	} `json:"supplements"`
	History []receiptStatus `json:"history"`
}

// receiptParts splits a receipt path into reference and token.
func receiptParts(t *testing.T, receipt string) (ref, token string) {
	t.Helper()
	u, err := url.Parse(receipt)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/api/receipts/"), u.Query().Get("token")
}

// supplement posts a supplement to the receipt ref with token.
func (e *testEnv) supplement(ref, token string, fields map[string]string, files []upload, accept string) *http.Response {
	e.t.Helper()
	out := map[string]string{}
	for k, v := range fields {
		out[k] = v
	}
	if _, ok := out["csrf"]; !ok && !strings.Contains(accept, "application/json") {
		// As a browser: the token of the receipt page's supplement form
		// (or, once it has none, a fresh one, to see the refusal).
		page := getBody(e.t, e.http.URL+"/api/receipts/"+ref+"?token="+url.QueryEscape(token), http.StatusOK)
		if m := csrfField.FindStringSubmatch(page); m != nil && strings.Contains(page, `id="supplement-form"`) {
			out["csrf"] = m[1]
		} else {
			out["csrf"] = e.srv.csrfToken()
		}
	}
	body, ct := multipartBody(e.t, out, files)
	return e.send("/api/receipts/"+ref+"/supplements?token="+url.QueryEscape(token), body, ct, accept)
}

// applyOpen submits an application while the call is open and returns its
// reference and token.
func (e *testEnv) applyOpen() (ref, token string) {
	e.t.Helper()
	e.setNow(whileCallOpen)
	resp := e.apply(goodApplication(), allDocuments(), "application/json")
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("application: %d %+v", resp.StatusCode, decode[apiError](e.t, resp).Error)
	}
	return receiptParts(e.t, decode[applicationReply](e.t, resp).Receipt)
}

// issueNotice records a one-time notice for items at the env's clock, as
// the console does, with the default period; it returns the deadline.
func (e *testEnv) issueNotice(ref string, items ...submission.CorrectionItem) workday.Date {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.srv.archive.Case(ctx, ref)
	if err != nil {
		e.t.Fatal(err)
	}
	deadline, err := e.srv.calendar.AddWorkingDays(workday.DateOf(e.clock().In(shanghai)), archive.DefaultNoticeDays)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.srv.archive.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageCorrection,
		Note: "请按告知一次性补正。", Operator: "王科员", Correction: &submission.Correction{Items: items,
			WorkingDays: archive.DefaultNoticeDays, Deadline: deadline.String()}}, c.Seq); err != nil {
		e.t.Fatal(err)
	}
	return deadline
}

// refused posts and checks the answer, and that the store holds exactly
// what it held before.
func (e *testEnv) refused(name string, post func() *http.Response, status int, code, field string, says ...string) {
	e.t.Helper()
	before := e.keys()
	resp := post()
	got := decode[apiError](e.t, resp)
	if resp.StatusCode != status || got.Error.Code != code {
		e.t.Errorf("%s: %d %q, want %d %q (%s)", name, resp.StatusCode, got.Error.Code, status, code, got.Error.Message)
	}
	if field != "" && got.Error.Fields[field] == "" {
		e.t.Errorf("%s: no message for field %s: %+v", name, field, got.Error)
	}
	for _, s := range says {
		if !strings.Contains(got.Error.Message, s) {
			e.t.Errorf("%s: message does not say %q: %s", name, s, got.Error.Message)
		}
	}
	if after := e.keys(); !slices.Equal(before, after) {
		e.t.Errorf("%s: the store changed:\nbefore %v\nafter  %v", name, before, after)
	}
}

var licenseItem = submission.CorrectionItem{Slot: submission.SlotLicense, Label: "营业执照或登记证书", Reason: "营业执照扫描件不清晰，请重新扫描上传。"}
var financialsItem = submission.CorrectionItem{Slot: submission.SlotFinancials, Label: "财务报表（近3年）", Reason: "缺少2025年度审计报告。"}

// The loop: an application received while the call was open; the call
// closes; the secretariat issues a notice for two slots; the receipt
// shows it; the applicant uploads exactly those, after the call closed,
// and the case is 已补正 with a 收件清单 per supplement.
func testSupplementLoop(t *testing.T, store storage.Store) {
	e := newEnv(t, store, nil)
	ref, token := e.applyOpen()
	receipt := e.http.URL + "/api/receipts/" + ref + "?token=" + token
	if page := getBody(t, receipt, http.StatusOK); !strings.Contains(page, "<strong>已收件（待受理）</strong>") || strings.Contains(page, "补正告知") {
		t.Errorf("before any event the receipt does not read 已收件（待受理）")
	}

	e.setNow(noticeIssued)
	deadline := e.issueNotice(ref, licenseItem, financialsItem)
	if deadline.String() != "2026-12-28" {
		t.Fatalf("deadline %s, want 5 working days after 21 December: 2026-12-28", deadline)
	}
	page := getBody(t, receipt, http.StatusOK)
	for _, want := range []string{"<h2 id=\"correction-title\">补正告知</h2>", "秘书处于 2026年12月21日 一次性告知", "<strong>需补正</strong>",
		"营业执照扫描件不清晰，请重新扫描上传。", "缺少2025年度审计报告。", "请于 2026年12月28日 前提交", "未提交",
		`action="/api/receipts/` + ref + `/supplements?token=` + token + `"`, `name="csrf" value="`,
		`name="license" type="file" aria-describedby`, `name="financials" type="file" multiple`, `data-max-files="6"`,
		`accept="`, "一次性告知需补正 2 项：营业执照或登记证书、财务报表（近3年）；补正期限至 2026年12月28日"} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt with a notice lacks %q", want)
		}
	}
	for _, not := range []string{`name="commitment"`, `name="applicationForm"`, "王科员"} {
		if strings.Contains(page, not) {
			t.Errorf("receipt with a notice shows %q", not)
		}
	}
	if notice, form := strings.Index(page, "补正告知"), strings.Index(page, "收件清单</h2>"); notice < 0 || form < 0 || notice > form {
		t.Error("the notice is not above the 收件清单")
	}
	raw := readAll(t, getAccept(t, receipt, "application/json"))
	if !strings.Contains(raw, `"correction":{"items":[{"slot":"license","label":"营业执照或登记证书","reason":"营业执照扫描件不清晰，请重新扫描上传。"},{"slot":"financials",`) ||
		!strings.Contains(raw, `"deadline":"2026-12-28","issuedAt":"2026-12-21T09:30:00+08:00"`) {
		t.Errorf("receipt JSON correction: %s", raw)
	}
	r := getJSON[receiptWithNotice](t, receipt)
	if r.Correction == nil || !r.Correction.Open || len(r.Correction.Supplied) != 0 || r.Status.Stage != "correction" {
		t.Errorf("receipt JSON: %+v", r.Correction)
	}

	// After the call closed: a supplement of exactly the two slots.
	e.setNow(noticeIssued.Add(24 * time.Hour))
	license2, fin2025 := bigPDF(1000), bigPDF(2000)
	resp := e.supplement(ref, token, nil, []upload{{"license", "营业执照（清晰）.pdf", license2}, {"financials", "2025年审计报告.pdf", fin2025},
		{"financials", "纳税证明.png", pngBytes}}, "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("supplement: %d %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	got := decode[supplementReply](t, resp)
	sup := got.Supplement
	if got.Reference != ref || got.Receipt != "/api/receipts/"+ref+"?token="+token || sup.Number != 1 || sup.Reference == "" || sup.Reference == ref ||
		sup.ReceivedAt != "2026-12-22T09:30:00+08:00" || len(sup.Files) != 3 || sup.Files[0].Slot != "license" || sup.Files[0].SHA256 != sha(license2) ||
		sup.Files[1].Slot != "financials" || sup.Files[1].SHA256 != sha(fin2025) || sup.Files[2].Size != int64(len(pngBytes)) {
		t.Errorf("supplement answer %+v", got)
	}
	supPrefix := strings.ToLower("supplements/" + ref + "/" + sup.Reference + "/")
	var supKeys []string
	for _, k := range e.keys() {
		if strings.HasPrefix(k, supPrefix) {
			supKeys = append(supKeys, strings.TrimPrefix(k, supPrefix))
		}
	}
	if strings.Join(supKeys, " ") != "files/001 files/002 files/003 manifest.json" {
		t.Errorf("the supplement's objects: %v", supKeys)
	}
	ctx := context.Background()
	c, err := e.srv.archive.Case(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if c.Current.Code != submission.StageCorrected || len(c.Supplements) != 1 || len(c.Manifest.Files) != len(allDocuments()) {
		t.Errorf("after the supplement: stage %s, %d supplements, original %d files", c.Current.Code, len(c.Supplements), len(c.Manifest.Files))
	}
	if m := loadManifest(t, e.store, ref); len(m.Files) != len(allDocuments()) {
		t.Errorf("the original manifest changed: %d files", len(m.Files))
	}

	// A browser's supplement: 303 to the receipt, which says it arrived.
	e.setNow(noticeIssued.Add(25 * time.Hour))
	resp = e.supplement(ref, token, nil, []upload{{"license", "营业执照（盖章）.pdf", pdfBytes}}, "text/html")
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || loc != "/api/receipts/"+ref+"?token="+token+"&supplement=2#supplement-2" {
		t.Fatalf("browser supplement: %d %q", resp.StatusCode, loc)
	}
	page = getBody(t, e.http.URL+loc, http.StatusOK)
	for _, want := range []string{"补正材料已收到（补正 2，2026年12月22日 10:30:00）", `href="#supplement-2"`, "<strong>已补正</strong>",
		`id="supplement-1"`, "收件清单（补正 1）", "收件清单（补正 2）", "收件清单（原件）", "营业执照（清晰）.pdf", "2025年审计报告.pdf",
		sha(license2), sha(fin2025), sha(pngBytes), "已提交（补正 1、补正 2）", "已提交（补正 1）", "收到补正材料（补正 1）",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt after the supplements lacks %q", want)
		}
	}
	if strings.Contains(getBody(t, receipt, http.StatusOK), "补正材料已收到") {
		t.Error("the receipt says a supplement just arrived without ?supplement=")
	}
	r = getJSON[receiptWithNotice](t, receipt)
	if r.Correction == nil || !slices.Equal(r.Correction.Supplied, []string{"slot:license", "slot:financials"}) || len(r.Supplements) != 2 ||
		r.Supplements[0].Number != 1 || r.Supplements[0].Files[1].SHA256 != sha(fin2025) || r.Status.Stage != "corrected" || r.Status.Detail != "收到补正材料（补正 1）" {
		t.Errorf("receipt JSON after the supplements: %+v %+v", r.Correction, r.Status)
	}
	if rep := e.verifyStore(); len(rep.Findings) > 0 {
		t.Errorf("ledger findings after supplements: %v", rep.Findings)
	}
	if m := regexp.MustCompile(`award_submissions_total\{kind="supplement"\} (\S+)`).FindStringSubmatch(getBody(t, e.http.URL+"/metrics", http.StatusOK)); m == nil || m[1] != "2" {
		t.Errorf("supplements counted: %v", m)
	}

	// Refusals, each leaving the store as it was.
	pdf := []upload{{"license", "a.pdf", pdfBytes}}
	e.refused("unlisted slot", func() *http.Response {
		return e.supplement(ref, token, nil, []upload{{"license", "a.pdf", pdfBytes}, {"commitment", "承诺书.pdf", pdfBytes}}, "application/json")
	}, 400, "invalid", "commitment", "承诺书")
	e.refused("unlisted field", func() *http.Response {
		return e.supplement(ref, token, map[string]string{"field:township": "姚家镇"}, pdf, "application/json")
	}, 400, "invalid", "field:township")
	e.refused("nothing given", func() *http.Response {
		return e.supplement(ref, token, map[string]string{"note": "x"}, nil, "application/json")
	}, 400, "invalid", "")
	e.refused("wrong file type", func() *http.Response {
		return e.supplement(ref, token, nil, []upload{{"financials", "b.pdf", pdfBytes}, {"license", "营业执照.pdf", exeBytes}}, "application/json")
	}, 415, "unsupported_type", "license")
	e.refused("wrong token", func() *http.Response { return e.supplement(ref, "wrong", nil, pdf, "application/json") }, 404, "not_found", "")
	e.refused("no token", func() *http.Response { return e.supplement(ref, "", nil, pdf, "application/json") }, 404, "not_found", "")
	e.refused("unknown reference", func() *http.Response {
		return e.supplement(submission.NewReference(), token, nil, pdf, "application/json")
	}, 404, "not_found", "")
	before := e.keys()
	resp = e.supplement(ref, token, map[string]string{"csrf": "1.x"}, pdf, "text/html")
	if html := readAll(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(html, "表单页面已过期") || !slices.Equal(before, e.keys()) {
		t.Errorf("browser post without a valid form token: %d", resp.StatusCode)
	}
	other, otherToken := e.applyOpen()
	e.setNow(noticeIssued.Add(24 * time.Hour))
	e.refused("no notice", func() *http.Response { return e.supplement(other, otherToken, nil, pdf, "application/json") },
		403, "window_closed", "", "没有补正告知", DefaultConfig().Contact)

	// A wrong token is refused before any byte of the body is read.
	body, ct := multipartBody(t, map[string]string{}, pdf)
	cr := &countingReader{r: body}
	req := httptest.NewRequest(http.MethodPost, "/api/receipts/"+ref+"/supplements?token=wrong", cr)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound || cr.n != 0 {
		t.Errorf("wrong token: %d after reading %d bytes of the body, want 404 before reading any", rec.Code, cr.n)
	}

	// Begun before the end of the deadline day, finished after: refused.
	ends := c.Notice().Ends(shanghai)
	if !ends.Equal(time.Date(2026, 12, 29, 0, 0, 0, 0, shanghai)) {
		t.Fatalf("notice ends %v, want midnight after 28 December", ends)
	}
	e.setNow(ends.Add(-time.Minute))
	body, ct = multipartBody(t, map[string]string{}, []upload{{"license", "a.pdf", bigPDF(8 << 10)}})
	rawBody, _ := io.ReadAll(body)
	before2 := e.keys()
	req = httptest.NewRequest(http.MethodPost, "/api/receipts/"+ref+"/supplements?token="+token,
		&clockSwitch{body: rawBody, tail: 200, set: func() { e.setNow(ends) }})
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "window_closed") || !strings.Contains(rec.Body.String(), "以全部内容上传完成的时间为准") {
		t.Errorf("supplement finished at the deadline's end: %d %s", rec.Code, rec.Body)
	}
	if after := e.keys(); !slices.Equal(before2, after) {
		t.Errorf("a late supplement changed the store: %v", after)
	}

	// After the deadline day: refused, and the receipt says why.
	e.setNow(ends)
	e.refused("after the deadline day", func() *http.Response { return e.supplement(ref, token, nil, pdf, "application/json") },
		403, "window_closed", "", "补正期限已于2026年12月28日届满", DefaultConfig().Contact)
	page = getBody(t, receipt, http.StatusOK)
	if strings.Contains(page, `id="supplement-form"`) || !strings.Contains(page, "补正期限已于2026年12月28日届满") || !strings.Contains(page, "如有疑问，请联系"+DefaultConfig().Contact) {
		t.Errorf("receipt after the deadline does not say it is closed, or still offers the form")
	}
	if r := getJSON[receiptWithNotice](t, receipt); r.Correction == nil || r.Correction.Open {
		t.Errorf("receipt JSON after the deadline: %+v", r.Correction)
	}
	// A browser's refused post shows the receipt again with the reason.
	before3 := e.keys()
	resp = e.supplement(ref, token, nil, pdf, "text/html")
	html := readAll(t, resp)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(html, `id="error-summary"`) || !strings.Contains(html, "受理编号") {
		t.Errorf("browser post after the deadline: %d", resp.StatusCode)
	}
	if !slices.Equal(before3, e.keys()) {
		t.Error("a refused browser post changed the store")
	}

	// A reissued receipt link opens the receipt; the old one no longer.
	c, _ = e.srv.archive.Case(ctx, ref)
	newToken, _, err := e.srv.archive.ReissueReceipt(ctx, ref, "王科员", "电话核实身份", c.Seq)
	if err != nil {
		t.Fatal(err)
	}
	getBody(t, e.http.URL+"/api/receipts/"+ref+"?token="+newToken, http.StatusOK)
	getBody(t, receipt, http.StatusNotFound)
	e.setNow(ends.Add(-time.Hour))
	e.refused("the replaced token", func() *http.Response { return e.supplement(ref, token, nil, pdf, "application/json") }, 404, "not_found", "")
	resp = e.supplement(ref, newToken, nil, pdf, "application/json")
	if resp.StatusCode != http.StatusCreated || decode[supplementReply](t, resp).Receipt != "/api/receipts/"+ref+"?token="+newToken {
		t.Errorf("supplement with the reissued token: %d", resp.StatusCode)
	}
}

func getAccept(t *testing.T, url, accept string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestSupplementsDirStore(t *testing.T) { testSupplementLoop(t, dirStore(t)) }

func TestSupplementsMinIO(t *testing.T) { testSupplementLoop(t, s3Store(t, minioServer(t))) }

// Named fields: only those listed, checked; a refused browser post shows
// the receipt again with the values typed; the handling moving on closes
// the notice.
func TestSupplementFields(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	ref, token := e.applyOpen()
	e.setNow(noticeIssued)
	e.issueNotice(ref, submission.CorrectionItem{Field: "township", Label: "所在乡镇（街道）", Reason: "乡镇与营业执照住所不一致。"},
		submission.CorrectionItem{Field: "established", Label: "成立日期", Reason: "成立日期与营业执照不一致。"})
	receipt := e.http.URL + "/api/receipts/" + ref + "?token=" + token
	page := getBody(t, receipt, http.StatusOK)
	for _, want := range []string{`name="field:township" type="text" value=""`, "所在乡镇（街道）（现为：韩寺镇）", `list="f-field-township-choices"`,
		`<option value="姚家镇">`, `name="field:established" type="date" value=""`, "成立日期（现为：2018-05-20）"} {
		if !strings.Contains(page, want) {
			t.Errorf("supplement form lacks %q", want)
		}
	}
	if strings.Contains(page, `type="file"`) {
		t.Error("a notice of fields offers file inputs")
	}
	raw := readAll(t, getAccept(t, receipt, "application/json"))
	if !strings.Contains(raw, `"items":[{"field":"township","label":"所在乡镇（街道）","reason":"乡镇与营业执照住所不一致。"}`) {
		t.Errorf("field items in the receipt JSON: %s", raw)
	}
	e.setNow(noticeIssued.Add(time.Hour))
	e.refused("township not in the list", func() *http.Response {
		return e.supplement(ref, token, map[string]string{"field:township": "火星街道"}, nil, "application/json")
	}, 400, "invalid", "field:township")
	e.refused("not a date", func() *http.Response {
		return e.supplement(ref, token, map[string]string{"field:established": "2018年5月21日"}, nil, "application/json")
	}, 400, "invalid", "field:established")
	e.refused("too long", func() *http.Response {
		return e.supplement(ref, token, map[string]string{"field:township": strings.Repeat("镇", 501)}, nil, "application/json")
	}, 400, "invalid", "field:township")
	e.refused("a file where the notice lists none", func() *http.Response {
		return e.supplement(ref, token, map[string]string{"field:township": "姚家镇"}, []upload{{"license", "a.pdf", pdfBytes}}, "application/json")
	}, 400, "invalid", "license")
	e.refused("blank values only", func() *http.Response {
		return e.supplement(ref, token, map[string]string{"field:township": " ", "field:established": ""}, nil, "application/json")
	}, 400, "invalid", "")

	before := e.keys()
	resp := e.supplement(ref, token, map[string]string{"field:township": "火星街道", "field:established": "2018-05-21"}, nil, "text/html")
	html := readAll(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html, `id="error-summary"`) || !strings.Contains(html, `href="#f-field-township"`) ||
		!strings.Contains(html, `value="2018-05-21"`) || !strings.Contains(html, `value="火星街道"`) || !strings.Contains(html, "补正告知") {
		t.Errorf("refused browser supplement: %d\n%s", resp.StatusCode, html)
	}
	if !slices.Equal(before, e.keys()) {
		t.Error("a refused browser supplement changed the store")
	}

	resp = e.supplement(ref, token, map[string]string{"field:township": "姚家镇", "field:established": "", "csrf-ignored": "x"}, nil, "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("field supplement: %d %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	got := decode[supplementReply](t, resp)
	if len(got.Supplement.Fields) != 1 || got.Supplement.Fields["township"] != "姚家镇" || len(got.Supplement.Files) != 0 {
		t.Errorf("field supplement answer %+v", got.Supplement)
	}
	c, err := e.srv.archive.Case(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if c.Fields()["township"] != "姚家镇" || c.Manifest.Fields["township"] != "韩寺镇" || c.Current.Code != submission.StageCorrected {
		t.Errorf("fields after the supplement: %v (original %v), stage %s", c.Fields()["township"], c.Manifest.Fields["township"], c.Current.Code)
	}
	page = getBody(t, receipt, http.StatusOK)
	for _, want := range []string{"收件清单（补正 1）", "<th scope=\"row\">所在乡镇（街道）</th><td data-label=\"更正为\">姚家镇</td>", "所在乡镇（街道）（现为：姚家镇）"} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt after the field supplement lacks %q", want)
		}
	}

	// The secretariat accepts: the notice closes though its deadline has not passed.
	if _, err := e.srv.archive.AppendEvent(context.Background(), submission.Status{Reference: ref, Stage: submission.StageAccepted,
		Note: "材料齐全，予以受理。", Operator: "王科员"}, c.Seq); err != nil {
		t.Fatal(err)
	}
	e.refused("handling moved on", func() *http.Response {
		return e.supplement(ref, token, map[string]string{"field:established": "2018-05-21"}, nil, "application/json")
	}, 403, "window_closed", "", "已受理", DefaultConfig().Contact)
	page = getBody(t, receipt, http.StatusOK)
	if strings.Contains(page, `id="supplement-form"`) || !strings.Contains(page, "本件的办理已进入“已受理”阶段") {
		t.Error("the receipt still offers the supplement form after the handling moved on")
	}
}

// An objection can be asked for more evidence (补充证据): its evidence
// slot takes the objection's limits.
func TestSupplementEvidence(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	ref, token := receiptParts(t, decode[objectionResponse](t, resp).Receipt)
	e.setNow(time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai)) // the publicity has closed
	e.issueNotice(ref, submission.CorrectionItem{Slot: submission.EvidenceSlot, Label: "证明材料", Reason: "请提供处罚决定书全文。"})
	page := getBody(t, e.http.URL+"/api/receipts/"+ref+"?token="+token, http.StatusOK)
	if !strings.Contains(page, "<strong>需补充证据</strong>") || !strings.Contains(page, `name="evidence" type="file" multiple`) || !strings.Contains(page, "需要补充证据") {
		t.Error("the objection's receipt does not offer the evidence slot")
	}
	e.refused("file over the slot's limit", func() *http.Response {
		return e.supplement(ref, token, nil, []upload{{"evidence", "全文.pdf", bigPDF(300 << 10)}}, "application/json")
	}, 413, "too_large", "evidence")
	e.refused("too many files", func() *http.Response {
		return e.supplement(ref, token, nil, []upload{{"evidence", "1.pdf", pdfBytes}, {"evidence", "2.pdf", pdfBytes}, {"evidence", "3.pdf", pdfBytes}, {"evidence", "4.pdf", pdfBytes}}, "application/json")
	}, 413, "too_large", "evidence")
	resp = e.supplement(ref, token, nil, []upload{{"evidence", "处罚决定书全文.pdf", bigPDF(100 << 10)}}, "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("evidence supplement: %d %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	resp.Body.Close()
	page = getBody(t, e.http.URL+"/api/receipts/"+ref+"?token="+token, http.StatusOK)
	for _, want := range []string{"<strong>已补充证据</strong>", "收件清单（补正 1）", "<th scope=\"row\">证明材料</th><td class=\"file-name\" data-label=\"文件名\">处罚决定书全文.pdf</td>", "（原件）"} {
		if !strings.Contains(page, want) {
			t.Errorf("objection receipt after the supplement lacks %q", want)
		}
	}
}
