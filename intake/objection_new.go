package intake

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/zhongmou/award/schedule"
)

// objectionView is what the objection form page shows.
type objectionView struct {
	stagedView
	Action   string
	Open     []*schedule.Publicity // windows open now, by the server's clock
	Form     objectionForm
	Problem  *problem
	Limits   Limits
	Evidence fileField
}

func (v *objectionView) page() (string, string) { return "objection.html", "提出异议" }
func (v *objectionView) setProblem(p *problem)  { v.Problem = p }

func (s *Server) newObjectionView(f objectionForm) *objectionView {
	v := &objectionView{stagedView: s.newStagedView(), Action: s.URL("objection-create"), Form: f, Limits: s.cfg.Limits, Evidence: newFileField(s.cfg.Limits.AllowedTypes)}
	if m := s.manifest(); m != nil {
		now := s.now()
		for i := range m.Publicities {
			if m.Publicities[i].OpenAt(now) {
				v.Open = append(v.Open, &m.Publicities[i])
			}
		}
	}
	return v
}

// objectionNew shows the objection form, with the candidate named in the
// query (publicity, candidate) preselected.
func (s *Server) objectionNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := objectionForm{Publicity: trimmed(q, "publicity"), Candidate: trimmed(q, "candidate")}
	s.pages.render(w, http.StatusOK, "objection.html", "提出异议", s.newObjectionView(f))
}

// splitTarget accepts the browser form's single "target" field
// ("publicity/candidate") as well as the API's separate fields.
func splitTarget(v url.Values) {
	if t := trimmed(v, "target"); t != "" && trimmed(v, "publicity") == "" && trimmed(v, "candidate") == "" {
		pub, cand, _ := strings.Cut(t, "/")
		v.Set("publicity", pub)
		v.Set("candidate", cand)
	}
}
