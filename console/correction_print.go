package console

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"
)

// noticePrint is the 补正告知书 as templates/print/correction.html prints
// it: no identity of anyone (an objection is named by the candidate it
// concerns, never by the objector).
type noticePrint struct {
	Reference string
	Objection bool
	// Addressee is whom it is to: the organisation (applications) or
	// 异议人 (objections); Org and CreditCode the organisation, or the
	// candidate an objection concerns.
	Addressee       string
	Org, CreditCode string
	Issued          string // the day it was issued, Chinese
	Notice          *noticeView
	Contact         string
	// Printed: by whom and when (a line at the foot, for the file copy).
	PrintedBy, PrintedAt string
	Back                 string
}

// correctionPrint shows the 补正告知书 of the notice the event seq issued,
// an A4 page to print (own template, print stylesheet, no script), to
// those who may see the case; audited as "correction-print".
func (s *Server) correctionPrint(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	v, err := s.caseView(r.Context(), me, mux.Vars(r)["reference"])
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	seq, _ := strconv.Atoi(mux.Vars(r)["seq"])
	n := noticeAt(v.kase, seq)
	if n == nil {
		s.fail(w, r, me, errNoNotice)
		return
	}
	sum := v.Summary
	p := noticePrint{Reference: sum.Reference, Objection: sum.Kind != kindApplication, Org: sum.Org, CreditCode: sum.CreditCode,
		Issued: cnDate(n.IssuedAt, s.loc), Notice: s.noticeView(v.kase, n), Contact: s.cfg.Contact,
		PrintedBy: me.Account.Name, PrintedAt: cnDate(s.now(), s.loc), Back: Prefix + "cases/" + sum.Reference}
	p.Addressee = sum.Org
	if p.Objection {
		p.Addressee = "异议人"
	}
	s.audit(r, me, "correction-print", sum.Reference, map[string]any{"notice": seq, "deadline": n.Due()})
	s.render(w, r, me, http.StatusOK, "print/correction.html", "补正告知书 "+sum.Reference, p)
}
