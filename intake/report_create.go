package intake

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/winners"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// reportResponse is the 201 body of POST /api/reports.
type reportResponse struct {
	objectionResponse
	// Slots is the 收件清单: every slot, received or not.
	Slots []slotReceipt `json:"slots"`
	// FundTotal is the fund use's total in yuan.
	FundTotal int64 `json:"fundTotal"`
}

// reportCreate receives a winner's annual report: the figures, the fund
// use by purpose, the self-assessment report and the vouchers, in one
// multipart/form-data request. It is bound to the credit code: a code not
// in the register of winners, or whose award is not valid in the call's
// year, is refused (403) before any file is stored when the fields come
// first, as a browser sends them; a winner files once per call (409 with
// the first's reference). Whether it came in time is decided by when its
// last part arrived, like an application.
func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request) {
	var call *schedule.ReportCall // resolved by the early check
	var winner winners.Entry
	var identity submission.ApplicantIdentity
	form := intakeForm{kind: submission.KindReport, slots: fileSlots(submission.ReportSlots())}
	form.early = func(v url.Values) *problem {
		f := parseReportForm(v)
		if f.Call == "" && !f.hasFields() {
			return nil // an API client may send the fields after the files
		}
		c, p := s.reportCall(f.Call, s.now())
		if p != nil {
			return p
		}
		call = c
		if !f.hasFields() {
			return nil
		}
		if _, p := s.reportWinner(r.Context(), &f, c); p != nil {
			return p
		}
		if p := s.reportFiled(r, c, f.CreditCode); p != nil {
			return p
		}
		// The consent box follows the documents on the form: checked at the end.
		ch := f.validate(s.cfg.Reports.PrizeYuan)
		delete(ch.fields, "consent")
		return reportProblem(ch)
	}
	submit(s, w, r, submitKind[reportForm]{
		form:     form,
		maxBytes: s.cfg.Limits.ApplicationMaxRequestBytes,
		parse:    parseReportForm,
		finish: func(rc *received, f reportForm) (map[string]string, any, *problem) {
			begun := call != nil
			c, p := s.reportCall(f.Call, rc.completedAt)
			if p != nil {
				if begun && p.Code == "window_closed" {
					p = lateProblem(p, "报送期")
				}
				return nil, nil, p
			}
			e, p := s.reportWinner(r.Context(), &f, c)
			if p != nil {
				return nil, nil, p
			}
			fields, p := s.checkReport(&f, c, e, rc.files)
			if p != nil {
				return nil, nil, p
			}
			call, winner, identity = c, e, f.identity()
			return fields.Map(), identity, nil
		},
		view: func(f reportForm) formView { return s.newReportView(f) },
		store: func(rc *received, fields map[string]string) (func(), *problem) {
			return s.storeReport(w, r, rc, call, winner, fields, identity)
		},
	})
}

// storeReport claims the winner's one report in the call, then commits
// it; a claim another report holds is refused with 409 naming it.
func (s *Server) storeReport(w http.ResponseWriter, r *http.Request, rc *received, c *schedule.ReportCall, e winners.Entry,
	fields map[string]string, identity submission.ApplicantIdentity) (func(), *problem) {
	ref := rc.up.Reference()
	first, err := s.archive.ClaimReport(r.Context(), c.ID, e.CreditCode, ref)
	if errors.Is(err, archive.ErrReportFiled) {
		return nil, filedProblem(c, e.OrgName, first)
	}
	if err != nil {
		return nil, asProblem(s.log, err)
	}
	m, token, p := s.commit(r.Context(), rc, fields, identity)
	if p != nil {
		s.archive.ReleaseReport(r.Context(), c.ID, e.CreditCode, ref)
		return nil, p
	}
	return func() {
		s.acknowledge(w, r, m, token, func(base objectionResponse) any {
			return reportResponse{objectionResponse: base, Slots: reportSlotReceipts(m), FundTotal: m.Report().FundTotal()}
		})
	}, nil
}

// reportFiled refuses a second report of the winner in the call (409),
// naming the first.
func (s *Server) reportFiled(r *http.Request, c *schedule.ReportCall, code string) *problem {
	cases, err := s.archive.Reports(r.Context())
	if err != nil {
		return asProblem(s.log, err)
	}
	for _, rc := range cases {
		f := rc.Manifest.Report()
		if f.Call == c.ID && winners.NormalizeCode(f.CreditCode) == winners.NormalizeCode(code) {
			return filedProblem(c, f.OrgName, rc.Manifest.Reference)
		}
	}
	return nil
}

func filedProblem(c *schedule.ReportCall, org, first string) *problem {
	return &problem{Status: http.StatusConflict, Code: "conflict",
		Message: org + "已报送过" + strconv.Itoa(c.Year) + "年度报告（受理编号 " + first + "），每个获奖组织每年度报送一次，本次提交没有保存。" +
			"需要更正或补充的，请凭受理编号联系秘书处，由秘书处发出补正告知后在原回执页面补正。"}
}

// checkReport checks a whole report — fields, the prize, the slots — and
// names every problem in one answer, or returns its typed fields.
func (s *Server) checkReport(f *reportForm, c *schedule.ReportCall, e winners.Entry, files []submission.File) (submission.ReportFields, *problem) {
	ch := f.validate(s.cfg.Reports.PrizeYuan)
	received := map[string]int{}
	for _, file := range files {
		received[file.Field]++
	}
	var missing []string
	if received[submission.SlotSelfAssessmentReport] == 0 {
		ch.fields[submission.SlotSelfAssessmentReport] = "请上传《自评报告》（PDF、OFD 或 Word 文件）。"
		missing = append(missing, "自评报告")
	}
	if received[submission.SlotVouchers] == 0 && ch.total > 0 {
		ch.fields[submission.SlotVouchers] = "填写了奖金使用金额，请上传使用凭证（合同、发票、付款记录等）。"
		missing = append(missing, "奖金使用凭证")
	}
	if p := reportProblem(ch); p != nil {
		if len(missing) > 0 && ch.over == nil {
			p.Message = "以下材料尚未上传：" + strings.Join(missing, "、") + "。" + p.Message
		}
		return submission.ReportFields{}, p
	}
	out := submission.ReportFields{
		Call: c.ID, CallTitle: c.Title, Year: strconv.Itoa(c.Year), OrgName: e.OrgName, CreditCode: e.CreditCode,
		Session: strconv.Itoa(e.Session), AwardYear: strconv.Itoa(e.AwardYear),
		Score: f.Score, Revenue: strings.ReplaceAll(f.Revenue, ",", ""), ProfitTax: strings.ReplaceAll(f.ProfitTax, ",", ""),
		FundOtherNote: f.FundOtherNote, Consent: f.Consent, Notice: noticeVersion,
	}
	for i := range f.Fund {
		n, _ := submission.ParseYuan(f.Fund[i])
		out.Fund[i] = strconv.FormatInt(n, 10)
	}
	return out, nil
}

// reportSlot is the report slot called name.
func reportSlot(name string) (submission.Slot, bool) {
	for _, sl := range submission.ReportSlots() {
		if sl.Name == name {
			return sl, true
		}
	}
	return submission.Slot{}, false
}

// reportSlotReceipts lists every slot of a report with what it received.
func reportSlotReceipts(m *submission.Manifest) []slotReceipt {
	return receiptsOf(submission.ReportSlots(), m)
}

// reportReceipt is what a report's receipt shows beside the 收件清单: the
// call, the winner, the figures and the fund use by purpose.
type reportReceipt struct {
	Fields    submission.ReportFields
	Purposes  []fundLine
	FundTotal string
}

type fundLine struct{ Label, Yuan string }

func (s *Server) newReportReceipt(m *submission.Manifest) *reportReceipt {
	f := m.Report()
	rr := &reportReceipt{Fields: f, FundTotal: submission.FormatYuan(f.FundTotal())}
	amounts := f.Amounts()
	for i, fp := range submission.FundPurposes {
		rr.Purposes = append(rr.Purposes, fundLine{Label: fp.Label, Yuan: submission.FormatYuan(amounts[i])})
	}
	return rr
}
