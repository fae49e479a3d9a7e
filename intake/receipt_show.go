package intake

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

var errNoReceipt = &problem{Status: http.StatusNotFound, Code: "not_found",
	Message: "找不到这份回执。请核对受理编号，并使用提交成功时给出的完整链接。"}

// receiptView is what the receipt page shows.
type receiptView struct {
	Manifest       *submission.Manifest
	PublicityTitle string
	Slots          []slotReceipt      // applications: the 收件清单
	Status         *submission.Status // the secretariat's latest update, nil if none
}

// receiptShow shows a receipt to whoever holds its token. An unknown
// reference and a wrong token get the same 404, so that references cannot
// be probed.
func (s *Server) receiptShow(w http.ResponseWriter, r *http.Request) {
	ref := submission.NormalizeReference(mux.Vars(r)["reference"])
	token := r.URL.Query().Get("token")
	if ref == "" || token == "" {
		s.fail(w, r, errNoReceipt, nil)
		return
	}
	m, err := s.archive.Find(r.Context(), ref)
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		s.fail(w, r, asProblem(s.log, err), nil)
		return
	}
	if m == nil || !submission.TokenMatches(token, m.TokenHash) {
		s.fail(w, r, errNoReceipt, nil)
		return
	}
	view := receiptView{Manifest: m, PublicityTitle: m.Objection().PublicityTitle, Status: s.latestStatus(r.Context(), m.Reference)}
	if m.Kind == submission.KindApplication {
		view.Slots = slotReceipts(m)
	}
	if wantsJSON(r) {
		resp := applicationResponse{objectionResponse: s.submissionResponse(m), Slots: view.Slots}
		resp.Status = &receiptStatus{State: "已受理"}
		if st := view.Status; st != nil {
			resp.Status = &receiptStatus{State: st.State, Note: st.Note, At: st.At.In(s.loc).Format(time.RFC3339)}
		}
		writeJSON(w, http.StatusOK, resp)
		return
	}
	s.pages.render(w, http.StatusOK, "receipt.html", "受理回执", view)
}

// receiptStatus is the status part of a receipt's JSON.
type receiptStatus struct {
	State string `json:"state"`
	Note  string `json:"note,omitempty"`
	At    string `json:"at,omitempty"`
}

// latestStatus returns the newest status record of a submission, or nil.
// A record that cannot be read is logged and passed over.
func (s *Server) latestStatus(ctx context.Context, ref string) *submission.Status {
	sts, err := s.archive.Statuses(ctx, ref)
	if err != nil {
		s.log.Warn("status records not listed", "ref", ref, "err", err)
		return nil
	}
	if len(sts) == 0 {
		return nil
	}
	return &sts[0]
}
