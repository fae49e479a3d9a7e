package console

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// The applicant's identity in addApplication: none of it may appear on a
// print, in the audit log or in mail to staff.
var applicantSecrets = []string{"李建国", "赵敏", "13800001111", "zhaomin@example.com"}

// noticeForm is a notice form: reasons by item key (each ticked), days.
func noticeFormOf(after int, days string, reasons map[string]string) url.Values {
	f := url.Values{"after": {strconv.Itoa(after)}, "days": {days}}
	for k, r := range reasons {
		f.Add("item", k)
		f.Set("reason-"+k, r)
	}
	return f
}

// issue opens the case page and posts a notice from it.
func (c *client) issue(ref string, after int, days string, reasons map[string]string) (*http.Response, string) {
	c.e.t.Helper()
	c.get("/staff/cases/" + ref)
	return c.post("/staff/cases/"+ref+"/corrections", noticeFormOf(after, days, reasons))
}

func (e *env) kase(ref string) *archive.Case {
	e.t.Helper()
	c, err := e.arch.Case(context.Background(), ref)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

var twoSlots = map[string]string{
	"slot:selfAssessment": "自评报告缺少第四部分“结果”的数据，请补充近三年指标。",
	"slot:financials":     "未提交财务报表，请提交经审计的近3年报表。",
}

// TestNoticeIssue: a clerk issues a notice for two slots; the case is
// 需补正 with the deadline five working days on, counted on the holiday
// calendar (across the weekend); the page shows the items, reasons and
// the date; it is audited. The stage form offers neither 需补正 nor
// 已补正, and a posted stage=correction points to the notice form.
func TestNoticeIssue(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	clerk := e.signIn("buzheng", staff.Secretariat, "")

	_, page := clerk.get("/staff/cases/" + m.Reference)
	for _, want := range []string{`id="notice-form"`, `value="slot:selfAssessment"`, `value="field:address"`, `name="reason-slot:financials"`, `value="5"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("case page lacks %s of the notice form:\n%s", want, page)
		}
	}
	if strings.Contains(page, `id="stage-correction"`) || strings.Contains(page, `id="stage-corrected"`) {
		t.Fatal("the stage form offers 需补正 or 已补正")
	}
	resp, body := clerk.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {"correction"}, "note": {"请补正"}, "after": {"0"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "一次性告知") || e.kase(m.Reference).Seq != 0 {
		t.Fatalf("stage=correction through the stage form: %d\n%s", resp.StatusCode, body)
	}

	resp, body = clerk.issue(m.Reference, 0, "5", twoSlots)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("notice: %d\n%s", resp.StatusCode, body)
	}
	c := e.kase(m.Reference)
	want, err := testCalendar(t).AddWorkingDays(workday.DateOf(e.clock.now().In(e.srv.loc)), 5)
	if err != nil {
		t.Fatal(err)
	}
	// Tuesday 1 December 2026 + 5 working days, over the weekend of 5–6.
	if c.Current.Code != submission.StageCorrection || c.Current.Label != "需补正" || c.Seq != 1 {
		t.Fatalf("case after the notice: %s %s seq %d", c.Current.Code, c.Current.Label, c.Seq)
	}
	n := c.Notice()
	if n == nil || n.Deadline != want.String() || n.Deadline != "2026-12-08" || n.WorkingDays != 5 || len(n.Items) != 2 {
		t.Fatalf("notice %+v, want 2 items due %s", n, want)
	}
	for _, it := range n.Items {
		if it.Reason != twoSlots[it.Key()] || it.Label != submission.SlotLabel(it.Slot) {
			t.Errorf("item %+v", it)
		}
	}
	_, page = clerk.get(resp.Header.Get("Location"))
	for _, want := range []string{"已出具补正告知", "2026年12月8日", "当前阶段：<strong>需补正</strong>", twoSlots["slot:financials"], "财务报表（近3年）",
		"/staff/cases/" + m.Reference + "/corrections/1", "尚未补正", "一次性告知需补正 2 项"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page after the notice lacks %q", want)
		}
	}
	if strings.Contains(page, `id="notice-form"`) {
		t.Error("a second notice is offered while the first is open (需补正 → 需补正 is no move)")
	}
	recs := e.audits("correction-notice")
	if len(recs) != 1 || recs[0].Operator != "buzheng" || recs[0].Reference != m.Reference {
		t.Fatalf("notice audits: %+v", recs)
	}
	if d := detailText(recs[0].Details); !strings.Contains(d, "items=2") || !strings.Contains(d, "deadline=2026-12-08") || !strings.Contains(d, "seq=1") {
		t.Fatalf("notice audit details: %s", d)
	}
}

// TestNoticeValidation: a notice without items, with an item without its
// reason, with a reason for an item not ticked, or with too many days is
// shown again with the entries kept (422) and nothing is recorded.
func TestNoticeValidation(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	clerk := e.signIn("jiaoyan", staff.Secretariat, "")
	for _, c := range []struct {
		name string
		form url.Values
		want []string // in the page: the message and the entries kept
	}{
		{"no items", noticeFormOf(0, "5", nil), []string{"请勾选需要补正的每一项"}},
		{"no reason", func() url.Values {
			f := noticeFormOf(0, "7", map[string]string{"slot:financials": "报表缺少2024年度"})
			f.Add("item", "slot:selfAssessment")
			return f
		}(), []string{"请写明“自评报告", "报表缺少2024年度", `value="7"`, `value="slot:selfAssessment" checked`, `value="slot:financials" checked`}},
		{"reason not ticked", func() url.Values {
			f := noticeFormOf(0, "5", map[string]string{"slot:financials": "报表缺少2024年度"})
			f.Set("reason-field:address", "地址与营业执照不一致")
			return f
		}(), []string{"写了原因但没有勾选", "地址与营业执照不一致"}},
		{"too many days", noticeFormOf(0, "61", map[string]string{"field:address": "地址与营业执照不一致"}),
			[]string{"1 至 60", `value="61"`, "地址与营业执照不一致", `value="field:address" checked`}},
		{"days not a number", noticeFormOf(0, "五", map[string]string{"field:address": "地址与营业执照不一致"}), []string{"1 至 60", `value="五"`}},
	} {
		clerk.get("/staff/cases/" + m.Reference)
		resp, page := clerk.post("/staff/cases/"+m.Reference+"/corrections", c.form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", c.name, resp.StatusCode)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the page lacks %q", c.name, w)
			}
		}
	}
	if c := e.kase(m.Reference); c.Seq != 0 || c.Current.Code != submission.StageReceived {
		t.Fatalf("a refused notice recorded something: seq %d", c.Seq)
	}
	if n := len(e.audits("correction-notice")); n != 0 {
		t.Fatalf("%d notice audits for refused notices", n)
	}
}

// TestNoticePrint: the 补正告知书 is an A4 page without script, with the
// reference, the organisation, each item with its reason, the deadline
// as a date, how to submit and the contact; no identity. An objection's
// names the candidate, never the objector.
func TestNoticePrint(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	app := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	obj := e.addObjection()
	clerk := e.signIn("dayin", staff.Secretariat, "")
	if resp, body := clerk.issue(app.Reference, 0, "5", twoSlots); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("notice: %d %s", resp.StatusCode, body)
	}
	evidence := map[string]string{"slot:evidence": "请提供质量事故的处理文书或媒体报道。"}
	if resp, body := clerk.issue(obj.Reference, 0, "5", evidence); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("objection notice: %d %s", resp.StatusCode, body)
	}
	if c := e.kase(obj.Reference); c.Current.Label != "需补充证据" {
		t.Fatalf("objection at %s", c.Current.Label)
	}

	resp, page := clerk.get("/staff/cases/" + app.Reference + "/corrections/1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("print: %d", resp.StatusCode)
	}
	for _, want := range []string{"补正告知书", app.Reference, "韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "自评报告", twoSlots["slot:selfAssessment"],
		"财务报表（近3年）", twoSlots["slot:financials"], "2026年12月8日", "2026年12月1日", "回执链接", "补正告知", "重新发放", "送到秘书处",
		DefaultContact, "盖章", `href="/staff/print.css"`} {
		if !strings.Contains(page, want) {
			t.Errorf("print lacks %q", want)
		}
	}
	for _, bad := range append([]string{"<script", "csrf"}, applicantSecrets...) {
		if strings.Contains(page, bad) {
			t.Errorf("print holds %q", bad)
		}
	}
	_, css := clerk.get("/staff/print.css")
	if !strings.Contains(css, "size: A4") || !strings.Contains(css, "@media print") {
		t.Fatalf("print stylesheet:\n%s", css)
	}

	resp, page = clerk.get("/staff/cases/" + obj.Reference + "/corrections/1")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "中牟县某某食品有限公司") || !strings.Contains(page, "致：异议人") || !strings.Contains(page, evidence["slot:evidence"]) {
		t.Fatalf("objection print: %d\n%s", resp.StatusCode, page)
	}
	for _, secret := range []string{objector.Name, objector.IDNumber, objector.Phone, objector.Email} {
		if strings.Contains(page, secret) {
			t.Fatalf("objection print holds the objector's %q", secret)
		}
	}
	if resp, _ := clerk.get("/staff/cases/" + obj.Reference + "/corrections/2"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a notice that is none: %d", resp.StatusCode)
	}
	if n := len(e.audits("correction-print")); n != 2 {
		t.Fatalf("%d print audits, want 2", n)
	}
}

// TestNoticeExtension: the deadline is extended once, with a reason,
// working days on from the old deadline; a second extension is refused
// saying why, and nothing more is recorded.
func TestNoticeExtension(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	clerk := e.signIn("yanchang", staff.Secretariat, "")
	clerk.issue(m.Reference, 0, "5", twoSlots)
	_, page := clerk.get("/staff/cases/" + m.Reference)
	if !strings.Contains(page, `id="extension-form"`) {
		t.Fatal("no extension form while the notice is open")
	}
	path := "/staff/cases/" + m.Reference + "/corrections/1/extension"
	resp, page := clerk.post(path, url.Values{"days": {"3"}, "reason": {""}, "after": {"1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "请写明延长补正期限的理由") || e.kase(m.Reference).Seq != 1 {
		t.Fatalf("extension without a reason: %d", resp.StatusCode)
	}
	resp, page = clerk.post(path, url.Values{"days": {"3"}, "reason": {"申请人来电：财务报表需审计机构重新出具"}, "after": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("extension: %d\n%s", resp.StatusCode, page)
	}
	c := e.kase(m.Reference)
	want, _ := testCalendar(t).AddWorkingDays(workday.D(2026, 12, 8), 3)
	n := c.Notice()
	if c.Current.Code != submission.StageCorrection || c.Seq != 2 || n.Extension == nil || n.Extension.To != want.String() || n.Due() != "2026-12-11" || n.Extension.From != "2026-12-08" {
		t.Fatalf("after the extension: stage %s seq %d notice %+v", c.Current.Code, c.Seq, n)
	}
	if ev := c.Events[1]; ev.Note != "申请人来电：财务报表需审计机构重新出具" || ev.Stage != submission.StageCorrection {
		t.Fatalf("extension event %+v", ev)
	}
	_, page = clerk.get(resp.Header.Get("Location"))
	if !strings.Contains(page, "已延长至 <strong>2026年12月11日</strong>") || strings.Contains(page, `id="extension-form"`) {
		t.Fatal("the page does not show the extension, or offers another")
	}
	resp, page = clerk.post(path, url.Values{"days": {"2"}, "reason": {"再延长一次"}, "after": {"2"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "只能延长一次") || !strings.Contains(page, "2026年12月11日") {
		t.Fatalf("second extension: %d\n%s", resp.StatusCode, page)
	}
	// The archive itself refuses it too, whatever the console checks.
	if _, err := e.arch.AppendEvent(context.Background(), submission.Status{Reference: m.Reference, Stage: submission.StageCorrection,
		Note: "再延长", Operator: "yanchang", Extension: &submission.Extension{Notice: 1, From: "2026-12-08", To: "2026-12-18", WorkingDays: 8}}, 2); err == nil {
		t.Fatal("the archive took a second extension")
	}
	if c := e.kase(m.Reference); c.Seq != 2 {
		t.Fatalf("seq %d after the refused extension", c.Seq)
	}
	_, print := clerk.get("/staff/cases/" + m.Reference + "/corrections/1")
	if !strings.Contains(print, "延长至 <strong>2026年12月11日</strong>") {
		t.Fatal("the print does not show the extension")
	}
	recs := e.audits("correction-extend")
	if len(recs) != 1 || !strings.Contains(detailText(recs[0].Details), "to=2026-12-11") {
		t.Fatalf("extension audits: %+v", recs)
	}
}

// TestNoticeRoles: only the secretariat extends and reissues, and issues
// notices besides a township for its own applications (初审 退回补正);
// other roles get 403, audited as every refusal. Townships and assigned
// reviewers may print.
func TestNoticeRoles(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	sec := e.signIn("mishu", staff.Secretariat, "")
	town := e.signIn("hansi", staff.Township, "韩寺镇")
	rev := e.signIn("pingshen", staff.Reviewer, "")
	aud := e.signIn("shenji", staff.Auditor, "")
	sec.get("/staff/cases/" + m.Reference)
	sec.post("/staff/cases/"+m.Reference+"/assignees", url.Values{"reviewer": {"pingshen"}})
	if resp, body := sec.issue(m.Reference, 0, "5", twoSlots); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("notice: %d %s", resp.StatusCode, body)
	}
	before := len(e.audits("forbidden"))
	posts := []struct {
		path string
		form url.Values
	}{
		{"/staff/cases/" + m.Reference + "/corrections", noticeFormOf(1, "5", map[string]string{"field:address": "地址不对"})},
		{"/staff/cases/" + m.Reference + "/corrections/1/extension", url.Values{"days": {"3"}, "reason": {"来电申请"}, "after": {"1"}}},
		{"/staff/cases/" + m.Reference + "/receipt", url.Values{"reason": {"电话核实了信用代码"}, "after": {"1"}}},
	}
	refused := 0
	for _, c := range []*client{town, rev, aud} {
		c.get("/staff/password") // a page every role opens, for its token
		for i, p := range posts {
			if c == town && i == 0 {
				continue // a township issues notices for its own applications (初审 退回补正: TestTownshipConfirmAndRefusals)
			}
			resp, body := c.post(p.path, maps.Clone(p.form)) // post sets the client's own token
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s: %d, want 403", p.path, resp.StatusCode)
			}
			if strings.Contains(body, "token=") {
				t.Errorf("a refusal shows a receipt link")
			}
			refused++
		}
	}
	if got := len(e.audits("forbidden")) - before; got != refused {
		t.Fatalf("%d refusals audited, want %d", got, refused)
	}
	if c := e.kase(m.Reference); c.Seq != 1 {
		t.Fatalf("a refused post recorded something: seq %d", c.Seq)
	}
	for _, c := range []struct {
		who  *client
		name string
		want int
	}{{town, "township", 200}, {rev, "assigned reviewer", 200}, {aud, "auditor", 403}} {
		resp, page := c.who.get("/staff/cases/" + m.Reference + "/corrections/1")
		if resp.StatusCode != c.want {
			t.Errorf("%s prints: %d, want %d", c.name, resp.StatusCode, c.want)
		}
		if c.want == 200 && !strings.Contains(page, twoSlots["slot:financials"]) {
			t.Errorf("%s print lacks the items", c.name)
		}
	}
	// The case page offers the forms to the secretariat alone.
	for _, c := range []*client{town, rev} {
		_, page := c.get("/staff/cases/" + m.Reference)
		if strings.Contains(page, `id="extension-form"`) || strings.Contains(page, "/receipt\"") || strings.Contains(page, `id="notice-form"`) {
			t.Error("a case page offers a role the secretariat's forms")
		}
		if !strings.Contains(page, twoSlots["slot:financials"]) {
			t.Error("the notice is not shown to a role that may see the case")
		}
	}
}

// TestNoticeCSRF: a notice, an extension or a reissue without the
// session's token is refused and records nothing.
func TestNoticeCSRF(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	clerk := e.signIn("lingpai", staff.Secretariat, "")
	clerk.get("/staff/cases/" + m.Reference)
	for _, tok := range []string{"", "x" + clerk.csrf} {
		f := noticeFormOf(0, "5", twoSlots)
		f.Set("csrf", tok)
		if resp, _ := clerk.post("/staff/cases/"+m.Reference+"/corrections", f); resp.StatusCode != http.StatusForbidden {
			t.Errorf("notice with token %q: %d", tok, resp.StatusCode)
		}
		if resp, _ := clerk.post("/staff/cases/"+m.Reference+"/receipt", url.Values{"csrf": {tok}, "reason": {"电话核实了信用代码"}, "after": {"0"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("reissue with token %q: %d", tok, resp.StatusCode)
		}
	}
	if c := e.kase(m.Reference); c.Seq != 0 {
		t.Fatalf("a post without the token recorded something: seq %d", c.Seq)
	}
}

// TestReceiptReissue: a clerk gives a new receipt link, with how the
// person was identified; the answer shows the whole new link once (200,
// not cached), the old token no longer matches, and the token is in no
// audit record or log line.
func TestReceiptReissue(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	old, err := e.arch.ReceiptToken(e.kase(m.Reference))
	if err != nil || old == "" || !e.kase(m.Reference).TokenMatches(old) {
		t.Fatalf("old token %q %v", old, err)
	}
	clerk := e.signIn("chongfa", staff.Secretariat, "")
	_, page := clerk.get("/staff/cases/" + m.Reference)
	if !strings.Contains(page, "/staff/cases/"+m.Reference+"/receipt") {
		t.Fatal("no reissue form")
	}
	resp, _ := clerk.post("/staff/cases/"+m.Reference+"/receipt", url.Values{"reason": {""}, "after": {"0"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || e.kase(m.Reference).Seq != 0 {
		t.Fatalf("reissue without a reason: %d", resp.StatusCode)
	}
	resp, page = clerk.post("/staff/cases/"+m.Reference+"/receipt", url.Values{"reason": {"来电，核对了统一社会信用代码和联系人姓名"}, "after": {"0"}})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reissue: %d %v", resp.StatusCode, resp.Header)
	}
	c := e.kase(m.Reference)
	token, err := e.arch.ReceiptToken(c)
	if err != nil || token == "" || token == old {
		t.Fatalf("new token %q (old %q) %v", token, old, err)
	}
	link := "https://zlj.example.gov.cn/api/receipts/" + m.Reference + "?token=" + token
	if !strings.Contains(page, link) || !strings.Contains(page, "原来的回执链接已停止使用") {
		t.Fatalf("the answer does not show the new link %s:\n%s", link, page)
	}
	if !c.TokenMatches(token) || c.TokenMatches(old) || c.Current.Code != submission.StageReceived || c.Seq != 1 {
		t.Fatalf("after the reissue: new matches %v, old matches %v, stage %s", c.TokenMatches(token), c.TokenMatches(old), c.Current.Code)
	}
	recs := e.audits("receipt-reissue")
	if len(recs) != 1 || !strings.Contains(detailText(recs[0].Details), "核对了统一社会信用代码") {
		t.Fatalf("reissue audits: %+v", recs)
	}
	for _, rec := range e.audits("") {
		if strings.Contains(detailText(rec.Details), token) || strings.Contains(detailText(rec.Details), old) {
			t.Fatalf("audit record %s holds a receipt token", rec.Action)
		}
	}
	if strings.Contains(e.logs.String(), token) {
		t.Fatal("the log holds the new token")
	}
	// Shown once: the case page itself does not show it again.
	_, page = clerk.get("/staff/cases/" + m.Reference)
	if strings.Contains(page, token) || !strings.Contains(page, "回执链接已重新发放") {
		t.Fatal("the case page shows the token again, or not the reissue in its history")
	}
}

// TestSupplementShown: a supplement committed through the archive shows
// on the case page with 补正 1 and its date, the original's file it
// replaces marked, the corrected field with its old value; it downloads
// under the next number, the original's keeping theirs.
func TestSupplementShown(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	clerk := e.signIn("hecha", staff.Secretariat, "")
	if resp, body := clerk.issue(m.Reference, 0, "5", map[string]string{"slot:selfAssessment": "缺少结果部分", "field:address": "地址与营业执照不一致"}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("notice: %d %s", resp.StatusCode, body)
	}
	e.clock.add(26 * time.Hour)
	sup, moved := e.supplement(m, map[string]string{"address": "中牟县新兴路2号"}, "自评报告（补正）.pdf", "%PDF-1.4 new report")
	if !moved || e.kase(m.Reference).Current.Code != submission.StageCorrected {
		t.Fatal("the supplement did not move the case to 已补正")
	}
	clerk = e.signIn("hecha2", staff.Secretariat, "") // the first one's session has ended meanwhile
	_, page := clerk.get("/staff/cases/" + m.Reference)
	for _, want := range []string{"当前阶段：<strong>已补正</strong>", "自评报告（补正）.pdf", "补正 1", "已被补正替换", "原件",
		"中牟县新兴路2号", "中牟县某路1号", "2026年12月2日", "收到补正材料（补正 1）", "已补正</td>", "/staff/cases/" + m.Reference + "/files/2"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	resp, body := clerk.get("/staff/cases/" + m.Reference + "/files/2")
	if resp.StatusCode != http.StatusOK || body != "%PDF-1.4 new report" || resp.Header.Get("X-Content-SHA256") != sup.Files[0].SHA256 {
		t.Fatalf("supplement download: %d %q", resp.StatusCode, body)
	}
	if _, body := clerk.get("/staff/cases/" + m.Reference + "/files/1"); body != "%PDF-1.4 report" {
		t.Fatalf("original file 1 now %q", body)
	}
	if resp, _ := clerk.get("/staff/cases/" + m.Reference + "/files/3"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("file 3 of 2: %d", resp.StatusCode)
	}
	recs := e.audits("download")
	if len(recs) < 2 || !strings.Contains(detailText(recs[0].Details)+detailText(recs[1].Details), "origin=补正 1") {
		t.Fatalf("download audits: %+v", recs)
	}
}

// supplement commits a supplement to m's latest notice through the
// archive, as the intake does: one self-evaluation file and fields.
func (e *env) supplement(m *submission.Manifest, fields map[string]string, name, content string) (*submission.Supplement, bool) {
	e.t.Helper()
	ctx := context.Background()
	n := e.kase(m.Reference).Notice()
	up, err := e.arch.BeginSupplement(ctx, m)
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := up.Put(ctx, strings.NewReader(content), "application/pdf")
	if err != nil {
		e.t.Fatal(err)
	}
	sup, moved, err := up.CommitSupplement(ctx, archive.SupplementCommitment{Notice: n.Seq, Fields: fields,
		Files: []submission.File{{Field: submission.SlotSelfAssessment, Name: name, Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: "application/pdf"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return sup, moved
}

// TestNoticeConflict: of two clerks on the same page, the second one's
// notice is not written (409), with the entries kept; an objection's
// form offers its evidence alone.
func TestNoticeConflict(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addObjection()
	a := e.signIn("jiaa", staff.Secretariat, "")
	b := e.signIn("yib", staff.Secretariat, "")
	_, page := b.get("/staff/cases/" + m.Reference)
	if !strings.Contains(page, `value="slot:evidence"`) || strings.Contains(page, `value="field:`) || strings.Contains(page, `value="slot:financials"`) ||
		!strings.Contains(page, "一次性告知（补充证据）") {
		t.Fatal("the objection's notice form offers more than its evidence")
	}
	a.get("/staff/cases/" + m.Reference)
	if resp, _ := a.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {"accepted"}, "after": {"0"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first clerk: %d", resp.StatusCode)
	}
	resp, page := b.post("/staff/cases/"+m.Reference+"/corrections", noticeFormOf(0, "8", map[string]string{"slot:evidence": "请补充事故处理文书"}))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "刷新") || !strings.Contains(page, "请补充事故处理文书") || !strings.Contains(page, `value="8"`) {
		t.Fatalf("second clerk: %d (want 409 with the entries kept)\n%s", resp.StatusCode, page)
	}
	if c := e.kase(m.Reference); c.Seq != 1 || c.Current.Code != submission.StageAccepted {
		t.Fatalf("after the conflict: seq %d stage %s", c.Seq, c.Current.Code)
	}
}

// TestNoticeHostileInput: what a forged or broken post may carry on the
// notice routes — an over-long reason, an item the kind does not offer, a
// negative or huge period, an over-long extension reason, a body over the
// form bound, a notice number that is none — is refused with the case
// unchanged, the entries kept where there is a form; a print of a notice
// that does not exist is a plain 404.
func TestNoticeHostileInput(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	obj := e.addObjection()
	clerk := e.signIn("weixian", staff.Secretariat, "")
	long := strings.Repeat("长", archive.MaxReasonRunes+1)
	for _, c := range []struct {
		name, ref string
		form      url.Values
		want      []string
	}{
		{"reason too long", m.Reference, noticeFormOf(0, "5", map[string]string{"slot:financials": long}), []string{"原因太长了", long}},
		{"item not offered", m.Reference, noticeFormOf(0, "5", map[string]string{"slot:../../etc": "x", "slot:financials": "报表缺页"}), []string{"不能补正的项目", "报表缺页"}},
		{"a field on an objection", obj.Reference, noticeFormOf(0, "5", map[string]string{"field:address": "地址不对"}), []string{"不能补正的项目"}},
		{"negative days", m.Reference, noticeFormOf(0, "-3", map[string]string{"slot:financials": "报表缺页"}), []string{"1 至 60", `value="-3"`}},
		{"huge days", m.Reference, noticeFormOf(0, "99999999999999999999", map[string]string{"slot:financials": "报表缺页"}), []string{"1 至 60"}},
	} {
		clerk.get("/staff/cases/" + c.ref)
		resp, page := clerk.post("/staff/cases/"+c.ref+"/corrections", c.form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", c.name, resp.StatusCode)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the page lacks %q", c.name, truncate(w, 40))
			}
		}
	}
	// A body over the form bound: refused before anything is read into a case.
	clerk.get("/staff/cases/" + m.Reference)
	big := noticeFormOf(0, "5", map[string]string{"slot:financials": strings.Repeat("x", maxFormBytes)})
	if resp, _ := clerk.post("/staff/cases/"+m.Reference+"/corrections", big); resp.StatusCode < 400 {
		t.Errorf("a body over %d bytes: %d", maxFormBytes, resp.StatusCode)
	}
	for _, ref := range []string{m.Reference, obj.Reference} {
		if c := e.kase(ref); c.Seq != 0 {
			t.Fatalf("a refused notice recorded something on %s: seq %d", ref, c.Seq)
		}
	}

	// A notice to act on, then posts naming notices that are none.
	if resp, _ := clerk.issue(m.Reference, 0, "5", twoSlots); resp.StatusCode != http.StatusSeeOther || e.kase(m.Reference).Current.Code != submission.StageCorrection {
		t.Fatalf("notice: %d", resp.StatusCode)
	}
	for _, path := range []string{"/corrections/2", "/corrections/0", "/corrections/999999999999999999999"} {
		if resp, page := clerk.get("/staff/cases/" + m.Reference + path); resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "补正告知") {
			t.Errorf("print %s: %d", path, resp.StatusCode)
		}
		if resp, _ := clerk.post("/staff/cases/"+m.Reference+path+"/extension", url.Values{"days": {"3"}, "reason": {"企业申请"}, "after": {"1"}}); resp.StatusCode < 400 {
			t.Errorf("extend %s: %d", path, resp.StatusCode)
		}
	}
	clerk.get("/staff/cases/" + m.Reference)
	resp, page := clerk.post("/staff/cases/"+m.Reference+"/corrections/1/extension", url.Values{"days": {"3"}, "reason": {strings.Repeat("长", archive.MaxNoteRunes+1)}, "after": {"1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "太长") {
		t.Errorf("an over-long extension reason: %d", resp.StatusCode)
	}
	if c := e.kase(m.Reference); c.Seq != 1 || c.Notice().Extension != nil {
		t.Fatalf("refused extensions recorded something: seq %d", c.Seq)
	}
}

// truncate shortens s for a message.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
