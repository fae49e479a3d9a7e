package intake

import (
	"net/http"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// reportView is what the annual report form page shows.
type reportView struct {
	stagedView
	Action string
	// Call is the report call named in the query, when it is open; Closed
	// says why there is no form (not found, not open) otherwise.
	Call       *schedule.ReportCall
	Closed     *problem
	Form       reportForm
	Problem    *problem
	Slots      []slotView
	Purposes   []fundInput
	PrizeYuan  string
	MaxRequest int64
	Contact    string
}

// fundInput is one purpose of the fund use with its entry.
type fundInput struct {
	submission.FundPurpose
	Value string
}

func (v *reportView) page() (string, string) { return "report.html", "报送年度报告" }
func (v *reportView) setProblem(p *problem)  { v.Problem = p }

func (s *Server) newReportView(f reportForm) *reportView {
	v := &reportView{stagedView: s.newStagedView(), Action: s.URL("report-create"), Form: f,
		Slots: slotViews(submission.ReportSlots()), PrizeYuan: submission.FormatYuan(s.cfg.Reports.PrizeYuan),
		MaxRequest: s.cfg.Limits.ApplicationMaxRequestBytes, Contact: s.contact()}
	for i, fp := range submission.FundPurposes {
		v.Purposes = append(v.Purposes, fundInput{FundPurpose: fp, Value: f.Fund[i]})
	}
	v.Call, v.Closed = s.reportCall(f.Call, s.now())
	return v
}

// reportNew shows the annual report form for the report call in the query
// (?call=ID); a call that is unknown or not open is said instead of the
// form, with its status.
func (s *Server) reportNew(w http.ResponseWriter, r *http.Request) {
	f := reportForm{Call: trimmed(r.URL.Query(), "call")}
	v := s.newReportView(f)
	status := http.StatusOK
	if v.Closed != nil {
		status = v.Closed.Status
	}
	s.pages.render(w, status, "report.html", "报送年度报告", v)
}
