package console

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

// receiptReissue gives a case a new receipt link, for a submitter who lost
// theirs and proved who they are (by phone, at the counter): the reason
// says how, and is required. The archive records an event that keeps the
// stage, conditionally after the event the page showed; from then on only
// the new token opens the receipt. The answer is the case page with the
// full new link, shown this once (200, never a redirect, never cached);
// the token is in no audit record, log line, URL of the console or mail
// to staff. Audited as "receipt-reissue" with the reason.
func (s *Server) receiptReissue(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	ref := submission.NormalizeReference(mux.Vars(r)["reference"])
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	after, _ := strconv.Atoi(r.PostForm.Get("after"))
	v, err := s.caseView(r.Context(), me, ref)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	title := v.Summary.KindLabel + " " + v.Summary.Reference
	refuse := func(status int, msg string) {
		v.Message, v.ReissueNote = msg, reason
		s.render(w, r, me, status, "case.html", title, v)
	}
	switch {
	case utf8.RuneCountInString(reason) < 4:
		refuse(http.StatusUnprocessableEntity, "请写明如何核实了提交人的身份（至少 4 个字，如“来电，核对了统一社会信用代码和法定代表人姓名”），再点“重新发放回执链接”。")
		return
	case utf8.RuneCountInString(reason) > archive.MaxNoteRunes:
		refuse(http.StatusUnprocessableEntity, fmt.Sprintf("说明太长了：请写在 %d 字以内。", archive.MaxNoteRunes))
		return
	}
	token, ev, err := s.archive.ReissueReceipt(r.Context(), ref, me.Account.Name, reason, after)
	if s.eventRefused(w, r, me, ref, err, &v, refuse) {
		return
	}
	s.audit(r, me, "receipt-reissue", ref, map[string]any{"seq": ev.Seq, "reason": reason})
	// The page shows the new event too; read again failing, the page as
	// read before still carries the link, which is shown only now.
	if fresh, err := s.caseView(r.Context(), me, ref); err == nil {
		v = fresh
	} else {
		s.log.Warn("case not read again after the receipt link was reissued", "reference", ref, "err", err)
	}
	v.Reissued = s.receiptURL(ref, token)
	s.render(w, r, me, http.StatusOK, "case.html", title, v)
}
