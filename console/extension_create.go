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
	"github.com/zhongmou/award/workday"
)

// extensionForm is the form that extends a notice's deadline, as posted.
type extensionForm struct {
	Days   string
	Reason string
	After  int
}

// extensionCreate extends the deadline of the case's latest notice (the
// event seq issued it), once, with a reason: the new deadline is the old
// one plus the working days given, on the holiday calendar. It records an
// event that keeps the stage (Status.Extension, the reason as its note),
// conditionally after the event the page showed; a second extension, or
// one of a notice that is no longer the latest or no longer open to
// supplements, is refused with a message saying why (422), a conflict
// answers 409, as eventCreate does. Recorded, it is audited
// ("correction-extend") and the submitter emailed the new deadline.
func (s *Server) extensionCreate(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	ref := submission.NormalizeReference(mux.Vars(r)["reference"])
	seq, _ := strconv.Atoi(mux.Vars(r)["seq"])
	f := extensionForm{Days: strings.TrimSpace(r.PostForm.Get("days")), Reason: strings.TrimSpace(r.PostForm.Get("reason"))}
	f.After, _ = strconv.Atoi(r.PostForm.Get("after"))
	v, err := s.caseView(r.Context(), me, ref)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	refuse := func(status int, msg string) {
		v.Message, v.Extension = msg, f
		s.render(w, r, me, status, "case.html", v.Summary.KindLabel+" "+v.Summary.Reference, v)
	}
	c := v.kase
	n := c.Notice()
	if noticeAt(c, seq) == nil {
		s.fail(w, r, me, errNoNotice)
		return
	}
	days, err := strconv.Atoi(f.Days)
	switch {
	case n.Seq != seq:
		refuse(http.StatusConflict, "这份补正告知已不是本件最新的告知，不能再延长。请刷新页面，看过最新的告知后再操作。")
		return
	case n.Extension != nil:
		refuse(http.StatusUnprocessableEntity, fmt.Sprintf("这份补正告知的期限已于 %s 延长过一次（由 %s 延长至 %s），只能延长一次，不能再延长。",
			cnDate(n.ExtendedAt, s.loc), archive.ChineseDate(n.Extension.From), archive.ChineseDate(n.Extension.To)))
		return
	case f.Reason == "":
		refuse(http.StatusUnprocessableEntity, "请写明延长补正期限的理由（如“申请人来电说明财务报表需审计机构重新出具”），再点“延长期限”。")
		return
	case utf8.RuneCountInString(f.Reason) > archive.MaxNoteRunes:
		refuse(http.StatusUnprocessableEntity, fmt.Sprintf("理由太长了：请写在 %d 字以内。", archive.MaxNoteRunes))
		return
	case err != nil || days < 1 || days > archive.MaxNoticeDays:
		refuse(http.StatusUnprocessableEntity, fmt.Sprintf("延长的期限请填 1 至 %d 之间的工作日数。", archive.MaxNoticeDays))
		return
	case s.calendar == nil:
		refuse(http.StatusServiceUnavailable, "本服务没有载入节假日安排（holidays.yaml），无法按工作日计算新的期限，期限没有延长。请联系县信息中心。")
		return
	}
	from, err := workday.ParseDate(n.Deadline)
	if err != nil {
		s.fail(w, r, me, fmt.Errorf("notice %d of %s: deadline %q: %w", seq, ref, n.Deadline, err))
		return
	}
	to, err := s.calendar.AddWorkingDays(from, days)
	if err != nil {
		refuse(http.StatusUnprocessableEntity, "无法计算新的期限："+err.Error()+"。期限没有延长，请联系县信息中心。")
		return
	}
	x := &submission.Extension{Notice: seq, From: n.Deadline, To: to.String(), WorkingDays: days}
	ev, err := s.archive.AppendEvent(r.Context(), submission.Status{Reference: ref, Stage: c.Current.Code, Note: f.Reason,
		Operator: me.Account.Name, At: s.now(), Extension: x}, f.After)
	if s.eventRefused(w, r, me, ref, err, &v, refuse) {
		return
	}
	s.audit(r, me, "correction-extend", ref, map[string]any{"seq": ev.Seq, "notice": seq, "from": x.From, "to": x.To,
		"workingDays": days, "reason": f.Reason})
	s.tellSubmitter(r.Context(), ref, ev)
	http.Redirect(w, r, Prefix+"cases/"+ref+"?done=extend", http.StatusSeeOther)
}
