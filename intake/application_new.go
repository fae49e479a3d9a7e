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

// slotViews are slots as the form shows them.
func slotViews(slots []submission.Slot) []slotView {
	var out []slotView
	for _, sl := range slots {
		out = append(out, slotView{Slot: sl, Field: newFileField(sl.Types)})
	}
	return out
}

func (v *applicationView) page() (string, string) { return "application.html", "申报县长质量奖" }
func (v *applicationView) setProblem(p *problem)  { v.Problem = p }

func (s *Server) newApplicationView(f applicationForm) *applicationView {
	v := &applicationView{stagedView: s.newStagedView(), Action: s.URL("application-create"), Form: f, Declarations: declarations,
		DeclVersion: declarationsVersion, Townships: s.townships, OrgKinds: orgKinds, MaxRequest: s.cfg.Limits.ApplicationMaxRequestBytes}
	slots := submission.ApplicationSlots()
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
		slots = callSlots(v.Call)
		v.Form.Call = v.Call.ID
		v.Closing = workday.DateOf(v.Call.Closes.Add(-time.Nanosecond).In(s.loc)).String()
	}
	v.Slots = slotViews(slots)
	v.Today = workday.DateOf(s.now().In(s.loc)).String()
	return v
}

// onlineRecommendationHint is the 推荐意见 slot's hint for a call whose
// township recommends online.
const onlineRecommendationHint = "本次申报由所在乡镇人民政府（街道办事处）在网上初审、推荐，可以不上传；已经取得盖章推荐意见的，也可以上传。"

// callSlots are the application's slots for the call (the form's and
// checkWhole's): with an online recommendation the 推荐意见 is optional,
// and says why.
func callSlots(c *schedule.Call) []submission.Slot {
	slots := submission.ApplicationSlots()
	for i := range slots {
		if slots[i].Name == submission.SlotRecommendation && c.RecommendsOnline() {
			slots[i].Required, slots[i].Hint = false, onlineRecommendationHint
		}
	}
	return slots
}

// applicationNew shows the application form for the call in the query.
func (s *Server) applicationNew(w http.ResponseWriter, r *http.Request) {
	f := applicationForm{Call: trimmed(r.URL.Query(), "call"), LittleGiant: "no"}
	s.pages.render(w, http.StatusOK, "application.html", "申报县长质量奖", s.newApplicationView(f))
}
