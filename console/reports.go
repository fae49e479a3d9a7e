package console

import (
	"net/http"
	"slices"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/winners"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// reportsView is the annual reports page (年度报告): per report call, the
// winners whose award is valid in its year, filed or not.
type reportsView struct {
	Message string
	Calls   []reportCallView
}

// reportCallView is one report call with its winners.
type reportCallView struct {
	Call        schedule.ReportCall
	State       string
	Rows        []reportRow
	Filed, Open int // winners filed, not filed
	// Others are reports in the call whose credit code is not a winner in
	// validity (the register changed after they were filed).
	Others []reportRow
}

// reportRow is one winner in a report call: its report when it filed.
type reportRow struct {
	winners.Entry
	Filed      bool
	Reference  string
	ReceivedAt time.Time
	Stage      string
	Total      string // the fund use's total, 320,000
}

// register is the register of winners over the archive and the current
// windows manifest.
func (s *Server) register() winners.Register {
	return winners.Records{Archive: s.archive, Manifest: s.windowsNow, Config: s.cfg.Reports}
}

// reportStatus lists, for the report call, the winners in validity with
// their reports (the first when there are several), and the reports of
// organisations not among them.
func (s *Server) reportStatus(c schedule.ReportCall, all []winners.Entry, reports []*archive.Case) reportCallView {
	v := reportCallView{Call: c, State: c.StateLabel(s.now())}
	byCode := map[string]*archive.Case{}
	for _, rc := range reports {
		f := rc.Manifest.Report()
		code := winners.NormalizeCode(f.CreditCode)
		if f.Call != c.ID {
			continue
		}
		if old, ok := byCode[code]; !ok || rc.Manifest.ReceivedAt.Before(old.Manifest.ReceivedAt) {
			byCode[code] = rc
		}
	}
	seen, listed := map[string]bool{}, map[string]bool{}
	for _, e := range winners.InValidity(all, c.Year) {
		if e.CreditCode != "" && listed[e.CreditCode] {
			continue // won twice, both valid: one report, under the latest award
		}
		listed[e.CreditCode] = true
		row := reportRow{Entry: e}
		if rc, ok := byCode[e.CreditCode]; ok && e.CreditCode != "" {
			fillReportRow(&row, rc)
			seen[e.CreditCode] = true
			v.Filed++
		} else {
			v.Open++
		}
		v.Rows = append(v.Rows, row)
	}
	for code, rc := range byCode {
		if seen[code] {
			continue
		}
		f := rc.Manifest.Report()
		row := reportRow{Entry: winners.Entry{OrgName: f.OrgName, CreditCode: f.CreditCode}}
		fillReportRow(&row, rc)
		v.Others = append(v.Others, row)
	}
	slices.SortFunc(v.Others, func(a, b reportRow) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	return v
}

func fillReportRow(row *reportRow, rc *archive.Case) {
	row.Filed, row.Reference, row.ReceivedAt = true, rc.Manifest.Reference, rc.Manifest.ReceivedAt
	row.Stage = rc.Current.Label
	row.Total = submission.FormatYuan(rc.Manifest.Report().FundTotal())
}

// reportsShow shows the annual reports page (secretariat).
func (s *Server) reportsShow(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	v := reportsView{}
	m := s.windowsNow()
	if len(m.ReportCalls) == 0 {
		v.Message = "网站上还没有年度报告通知（content/ 中 type: report-call 的页面）。发布通知并重新生成网站后，这里按通知列出获奖有效期内的获奖组织和报送情况。"
	} else {
		all, err := s.register().Winners(r.Context())
		var reports []*archive.Case
		if err == nil {
			reports, err = s.archive.Reports(r.Context())
		}
		if err != nil {
			s.log.Error("reports page", "err", err)
			v.Message = "读取获奖记录或年度报告时出错，列表可能不完整，请稍后刷新；仍出错时请联系信息中心。"
		}
		for _, c := range m.ReportCalls {
			v.Calls = append(v.Calls, s.reportStatus(c, all, reports))
		}
	}
	s.render(w, r, me, http.StatusOK, "reports.html", "年度报告", v)
}

// reportFields are a report's fields as the case page shows them: the
// call, the winner, the figures and the fund use by purpose with its total.
func reportFields(f submission.ReportFields) []labelled {
	out := []labelled{
		{"年度报告通知", firstNonEmpty(f.CallTitle, f.Call)},
		{"报告年度", f.Year},
		{"获奖组织", f.OrgName},
		{"统一社会信用代码", f.CreditCode},
		{"获奖届次（年度）", "第" + f.Session + "届（" + f.AwardYear + "年）"},
		{"自评得分", f.Score},
		{"营业收入（万元）", f.Revenue},
		{"利税总额（万元）", f.ProfitTax},
	}
	amounts := f.Amounts()
	for i, fp := range submission.FundPurposes {
		out = append(out, labelled{fp.Label + "（元）", submission.FormatYuan(amounts[i])})
	}
	out = append(out, labelled{"奖金使用合计（元）", submission.FormatYuan(f.FundTotal())})
	if f.FundOtherNote != "" {
		out = append(out, labelled{"其他用途说明", f.FundOtherNote})
	}
	return out
}
