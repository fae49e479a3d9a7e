package console

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"
)

// identityShow shows a case's sealed identity (an objector's, an
// applicant's contacts) to the secretariat, only with a reason typed, and
// audits the view with the reason. The identity is on this answer alone:
// never in a list, a log, a URL or mail.
func (s *Server) identityShow(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	v, err := s.caseView(r.Context(), me, mux.Vars(r)["reference"])
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	title := v.Summary.KindLabel + " " + v.Summary.Reference
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if utf8.RuneCountInString(reason) < 4 {
		v.Message = "请写明查看身份信息的原因（至少 4 个字，如“核实异议人身份，准备电话联系”），再点“查看身份信息”。"
		s.render(w, r, me, http.StatusUnprocessableEntity, "case.html", title, v)
		return
	}
	m := v.manifest
	if m.Identity == nil {
		s.fail(w, r, me, errNoKey)
		return
	}
	s.audit(r, me, "identity-view", m.Reference, map[string]string{"reason": reason})
	if m.Kind == kindApplication {
		id, err := s.archive.OpenApplicant(m)
		if err != nil {
			s.fail(w, r, me, fmt.Errorf("open identity: %w", err))
			return
		}
		v.Identity = nonEmpty([]labelled{{"法定代表人", id.LegalRepresentative}, {"联系人", id.ContactName}, {"联系电话", id.Phone}, {"电子邮箱", id.Email}})
	} else {
		id, err := s.archive.OpenObjector(m)
		if err != nil {
			s.fail(w, r, me, fmt.Errorf("open identity: %w", err))
			return
		}
		v.Identity = nonEmpty([]labelled{{"姓名或单位名称", id.Name}, {"公民身份号码", id.IDNumber}, {"统一社会信用代码", id.CreditCode},
			{"联系电话", id.Phone}, {"电子邮箱", id.Email}})
	}
	v.IdentityNote = reason
	s.render(w, r, me, http.StatusOK, "case.html", title, v)
}
