package intake

import (
	"net/http"
	"time"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// applicationView is what the application form page shows.
type applicationView struct {
	stagedView
	Action       string
	Call         *schedule.Call // the call named in the query, if open
	Open         []*schedule.Call
	Form         applicationForm
	Problem      *problem
	Slots        []slotView
	Declarations [9]string
	DeclVersion  string
	Townships    []string
	OrgKinds     []string
	MaxRequest   int64
	// Closing is the call's closing date ("2026-04-30"), the day the
	// organisation's age is counted to, and Today the server's date: the
	// form's script checks as validate does (data-closing, data-today).
	Closing, Today string
}

type slotView struct {
	submission.Slot
	Field fileField
}

func (v *applicationView) page() (string, string) { return "application.html", "申报县长质量奖" }
func (v *applicationView) setProblem(p *problem)  { v.Problem = p }

func (s *Server) newApplicationView(f applicationForm) *applicationView {
	v := &applicationView{stagedView: s.newStagedView(), Action: s.URL("application-create"), Form: f, Declarations: declarations,
		DeclVersion: declarationsVersion, Townships: s.townships, OrgKinds: orgKinds, MaxRequest: s.cfg.Limits.ApplicationMaxRequestBytes}
	for _, sl := range submission.ApplicationSlots() {
		v.Slots = append(v.Slots, slotView{Slot: sl, Field: newFileField(sl.Types)})
	}
	if m := s.manifest(); m != nil {
		now := s.now()
		for i := range m.Calls {
			if c := &m.Calls[i]; c.OpenAt(now) {
				v.Open = append(v.Open, c)
				if c.ID == f.Call || len(m.Calls) == 1 {
					v.Call = c
				}
			}
		}
		if v.Call == nil && len(v.Open) == 1 {
			v.Call = v.Open[0]
		}
	}
	if v.Call != nil {
		v.Form.Call = v.Call.ID
		v.Closing = workday.DateOf(v.Call.Closes.Add(-time.Nanosecond).In(s.loc)).String()
	}
	v.Today = workday.DateOf(s.now().In(s.loc)).String()
	return v
}

// applicationNew shows the application form for the call in the query.
func (s *Server) applicationNew(w http.ResponseWriter, r *http.Request) {
	f := applicationForm{Call: trimmed(r.URL.Query(), "call"), LittleGiant: "no"}
	s.pages.render(w, http.StatusOK, "application.html", "申报县长质量奖", s.newApplicationView(f))
}
