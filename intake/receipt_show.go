package intake

import (
	"context"
	"errors"
	"net/http"
	"slices"
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
	Slots          []slotReceipt // applications: the 收件清单
	// Status is the current stage as the submitter may see it; History the
	// public events, newest first, at most receiptHistory of them.
	Status  archive.PublicEvent
	History []archive.PublicEvent
	// Earlier counts the events older than those in History.
	Earlier int
}

// receiptHistory bounds the events the receipt page lists.
const receiptHistory = 10

// receiptShow shows a receipt to whoever holds its token. An unknown
// reference and a wrong token get the same 404, so that references cannot
// be probed. It shows the current stage of the handling and a short public
// history: never who recorded an event, never an internal note.
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
	view := receiptView{Manifest: m, PublicityTitle: m.Objection().PublicityTitle}
	s.handling(r.Context(), &view)
	if m.Kind == submission.KindApplication {
		view.Slots = slotReceipts(m)
	}
	if wantsJSON(r) {
		resp := applicationResponse{objectionResponse: s.submissionResponse(m), Slots: view.Slots}
		resp.Status = s.receiptStatus(view.Status)
		for _, e := range view.History {
			resp.History = append(resp.History, *s.receiptStatus(e))
		}
		writeJSON(w, http.StatusOK, resp)
		return
	}
	s.pages.render(w, http.StatusOK, "receipt.html", "受理回执", view)
}

// receiptStatus is a stage of the handling in a receipt's JSON: the
// stage's code and label, the public note and when. State is the label
// too, as receipts gave it before stages.
type receiptStatus struct {
	Stage string `json:"stage"`
	Label string `json:"label"`
	State string `json:"state"`
	Note  string `json:"note,omitempty"`
	At    string `json:"at,omitempty"` // RFC 3339, +08:00
}

func (s *Server) receiptStatus(e archive.PublicEvent) *receiptStatus {
	return &receiptStatus{Stage: e.Stage.Code, Label: e.Stage.Label, State: e.Stage.Label, Note: e.Note, At: e.At.In(s.loc).Format(time.RFC3339)}
}

// handling fills in the view's current stage and history. Records that
// cannot be listed are logged, and the submission then reads as received.
func (s *Server) handling(ctx context.Context, view *receiptView) {
	c, err := s.archive.CaseOf(ctx, view.Manifest)
	if err != nil {
		s.log.Warn("status records not listed", "ref", view.Manifest.Reference, "err", err)
		c = &archive.Case{Manifest: view.Manifest}
	}
	view.Status = c.Status()
	pub := c.Public()
	slices.Reverse(pub)
	if len(pub) > receiptHistory {
		view.Earlier, pub = len(pub)-receiptHistory, pub[:receiptHistory]
	}
	view.History = pub
}
