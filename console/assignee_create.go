package console

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
)

// assigneeCreate lets a reviewer see a case.
func (s *Server) assigneeCreate(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	ref := submission.NormalizeReference(mux.Vars(r)["reference"])
	v, err := s.caseView(r.Context(), me, ref)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	name := r.PostForm.Get("reviewer")
	acct, err := s.staff.Get(r.Context(), name)
	if err != nil || acct.Role != staff.Reviewer || acct.Disabled {
		v.Message = "请从列表中选择一位评审员。"
		s.render(w, r, me, http.StatusUnprocessableEntity, "case.html", v.Summary.KindLabel+" "+v.Summary.Reference, v)
		return
	}
	added, err := s.assign(r.Context(), ref, name, me.Account.Name)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	if added {
		s.audit(r, me, "assign", ref, map[string]string{"reviewer": name})
	}
	http.Redirect(w, r, Prefix+"cases/"+ref+"?done=assign", http.StatusSeeOther)
}
