package intake

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhongmou/award/ident"
	"github.com/zhongmou/award/internal/winners"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// reportForm is a winner's annual report as submitted (multipart fields of
// POST /api/reports; files come in the slots of submission.ReportSlots).
type reportForm struct {
	Call          string
	OrgName       string
	CreditCode    string
	Score         string // 自评得分, 0–1000
	Revenue       string // 营业收入（万元）
	ProfitTax     string // 利税总额（万元）
	Fund          [8]string
	FundOtherNote string
	ContactName   string
	Phone         string
	Email         string
	Consent       string
}

func parseReportForm(v url.Values) reportForm {
	f := reportForm{
		Call: trimmed(v, "call"), OrgName: trimmed(v, "orgName"), CreditCode: ident.NormalizeCreditCode(v.Get("creditCode")),
		Score: trimmed(v, "score"), Revenue: trimmed(v, "revenue"), ProfitTax: trimmed(v, "profitTax"),
		FundOtherNote: trimmed(v, "fundOtherNote"), ContactName: trimmed(v, "contactName"),
		Phone: normalizePhone(v.Get("phone")), Email: trimmed(v, "email"), Consent: trimmed(v, "consent"),
	}
	for i, fp := range submission.FundPurposes {
		f.Fund[i] = trimmed(v, fp.Key)
	}
	return f
}

// hasFields reports whether the winner's fields were sent (a browser sends
// them before the files).
func (f *reportForm) hasFields() bool { return f.OrgName != "" || f.CreditCode != "" }

// identity is what is sealed: the report's contact.
func (f *reportForm) identity() submission.ApplicantIdentity {
	return submission.ApplicantIdentity{ContactName: f.ContactName, Phone: f.Phone, Email: f.Email}
}

// register is the register of winners over the archive and the current
// windows manifest.
func (s *Server) register() winners.Register {
	return winners.Records{Archive: s.archive, Manifest: s.manifest, Config: s.cfg.Reports}
}

// reportCall finds the named report call and checks that it is open at now.
func (s *Server) reportCall(id string, now time.Time) (*schedule.ReportCall, *problem) {
	if id == "" {
		return nil, invalid(map[string]string{"call": "请从年度报告通知页面进入报送表，以确定报送哪一年度的报告。"})
	}
	var c *schedule.ReportCall
	if m := s.manifest(); m != nil {
		c = m.ReportCall(id)
	}
	if c == nil {
		return nil, &problem{Status: http.StatusNotFound, Code: "not_found", Message: "找不到这份年度报告通知。请从网站的通知公告页面进入。",
			Fields: map[string]string{"call": "找不到这份年度报告通知"}}
	}
	switch c.StateAt(now) {
	case schedule.NotStarted:
		return nil, &problem{Status: http.StatusForbidden, Code: "window_closed", Message: "年度报告报送尚未开始。报送时间：" + c.Period() + "。"}
	case schedule.Closed:
		return nil, &problem{Status: http.StatusForbidden, Code: "window_closed",
			Message: "年度报告报送已截止，不再受理网上报送。报送时间：" + c.Period() + "。如需补报，请联系" + s.contact() + "。"}
	}
	return c, nil
}

// reportWinner finds the winner with the form's credit code in the
// register and checks that its award is valid in the call's year: a
// code not in the register, or an award no longer (or not yet) valid, is
// refused with 403, saying whom to call.
func (s *Server) reportWinner(ctx context.Context, f *reportForm, c *schedule.ReportCall) (winners.Entry, *problem) {
	if f.CreditCode == "" {
		return winners.Entry{}, invalid(map[string]string{"creditCode": "请填写获奖组织的统一社会信用代码（18位，见营业执照或登记证书）。"})
	}
	if err := ident.CheckCreditCode(f.CreditCode); err != nil {
		return winners.Entry{}, invalid(map[string]string{"creditCode": err.Error() + "。"})
	}
	all, err := s.register().Winners(ctx)
	if err != nil {
		return winners.Entry{}, asProblem(s.log, err)
	}
	e, ok := winners.ByCode(all, f.CreditCode)
	if !ok {
		return winners.Entry{}, &problem{Status: http.StatusForbidden, Code: "forbidden",
			Message: fmt.Sprintf("统一社会信用代码 %s 不在县长质量奖获奖组织名单中，不能报送年度报告。年度报告只由获奖有效期内的获奖组织报送；如本组织是获奖组织，请核对代码（须与获奖时一致），或联系%s核实。", f.CreditCode, s.contact()),
			Fields:  map[string]string{"creditCode": "不在获奖组织名单中：请核对统一社会信用代码"}}
	}
	if !e.ValidIn(c.Year) {
		return winners.Entry{}, &problem{Status: http.StatusForbidden, Code: "forbidden",
			Message: fmt.Sprintf("%s于%d年获第%d届县长质量奖，获奖有效期为%s，%d年不在有效期内，无需报送本年度报告。如有疑问，请联系%s。", e.OrgName, e.AwardYear, e.Session, e.Validity(), c.Year, s.contact()),
			Fields:  map[string]string{"creditCode": fmt.Sprintf("获奖有效期为%s，不含%d年", e.Validity(), c.Year)}}
	}
	if sameOrgName(f.OrgName, e.OrgName) {
		f.OrgName = e.OrgName
	} else if f.OrgName != "" {
		return winners.Entry{}, invalid(map[string]string{"orgName": "组织名称与获奖记录不一致（获奖记录为“" + e.OrgName + "”）：请填写获奖时的组织全称；名称已变更的，请联系秘书处。"})
	}
	return e, nil
}

// sameOrgName compares names as people type them: spaces and the width of
// brackets do not count.
func sameOrgName(a, b string) bool {
	norm := func(s string) string {
		s = strings.Join(strings.Fields(s), "")
		return strings.NewReplacer("(", "（", ")", "）").Replace(s)
	}
	return norm(a) != "" && norm(a) == norm(b)
}

// reportChecks are the results of validating a report's fields.
type reportChecks struct {
	fields map[string]string
	// over is the over-budget problem (422), when the fund use exceeds the
	// prize and every amount was readable.
	over  *problem
	total int64
}

// validate checks every field at once (一次性告知): the figures, the
// amounts by purpose (whole yuan, not negative), the 说明 of 其他, the
// contact, the consent; and the total against the prize.
func (f *reportForm) validate(prize int64) reportChecks {
	errs := map[string]string{}
	need := func(name, value, msg string, min, max int) {
		if n := utf8.RuneCountInString(value); n < min || n > max {
			errs[name] = msg
		}
	}
	need("orgName", f.OrgName, "请填写组织全称（与获奖时一致）。", 2, 100)
	if v, err := strconv.ParseFloat(f.Score, 64); f.Score == "" || err != nil || v < 0 || v > 1000 {
		errs["score"] = "请填写自评得分：0至1000之间的数字（GB/T 19580 评分，满分1000分），如 612.5。"
	}
	for _, n := range []struct{ key, val, label string }{{"revenue", f.Revenue, "营业收入（万元）"}, {"profitTax", f.ProfitTax, "利税总额（万元）"}} {
		v, err := strconv.ParseFloat(strings.ReplaceAll(n.val, ",", ""), 64)
		if n.val == "" || err != nil || v < 0 {
			errs[n.key] = "请填写" + n.label + "：不小于0的数字，单位万元，如 12500.5。"
		}
	}
	var total int64
	readable := true
	for i, fp := range submission.FundPurposes {
		v, err := submission.ParseYuan(f.Fund[i])
		if err != nil {
			readable = false
			errs[fp.Key] = "“" + fp.Label + "”的金额“" + f.Fund[i] + "”无效：请填写不小于0的整数金额（元），如 50000；未使用的填 0 或留空。"
			continue
		}
		total += v
		if fp.Key == submission.FundOther && v > 0 && utf8.RuneCountInString(f.FundOtherNote) < 2 {
			errs["fundOtherNote"] = "填写了“其他”用途的金额，请说明具体用途（2至500个字）。"
		}
	}
	need("fundOtherNote", f.FundOtherNote, "“其他”用途的说明不能超过500个字。", 0, 500)
	checkContact(errs, f.ContactName, f.Phone)
	if !validEmail(f.Email) {
		errs["email"] = "请填写有效的电子邮箱，如 zhiliang@example.com（用于接收办理进度和报送提醒）。"
	}
	if f.Consent != "yes" {
		errs["consent"] = "请阅读个人信息处理说明，并勾选同意后提交。"
	}
	ch := reportChecks{fields: errs, total: total}
	if readable && total > prize {
		ch.over = &problem{Status: http.StatusUnprocessableEntity, Code: "over_budget",
			Message: fmt.Sprintf("奖金使用合计 %s 元，超过奖金 %s 元 %s 元：请核对各项金额", submission.FormatYuan(total), submission.FormatYuan(prize), submission.FormatYuan(total-prize)),
			Fields:  map[string]string{"fundTotal": fmt.Sprintf("合计 %s 元，超过奖金 %s 元", submission.FormatYuan(total), submission.FormatYuan(prize))}}
	}
	return ch
}

// reportProblem is the one answer naming every problem: the over-budget
// total first (422), with the other fields' corrections beside it.
func reportProblem(ch reportChecks) *problem {
	if ch.over != nil {
		p := *ch.over
		p.Fields = map[string]string{}
		for k, v := range ch.fields {
			p.Fields[k] = v
		}
		for k, v := range ch.over.Fields {
			p.Fields[k] = v
		}
		if len(ch.fields) > 0 {
			p.Message += "；另有" + itoaCN(len(ch.fields)) + "处需要修改，见下方提示。"
		} else {
			p.Message += "。"
		}
		return &p
	}
	if len(ch.fields) > 0 {
		return invalid(ch.fields)
	}
	return nil
}
