package console

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

// eventForm is the stage form as posted.
type eventForm struct {
	Stage    string
	Note     string
	Internal bool
	After    int // the event the page showed last; the move follows it or nothing
}

// needsNote are the stages that refuse or end something: the note (the
// reason) is required, since the applicant is told.
var needsNote = map[string]bool{"not-accepted": true, "returned": true, "disqualified": true, "candidacy-revoked": true}

// eventCreate moves a case to another stage (not to correction, which
// takes a notice: correctionCreate; nor to corrected, which only a
// supplement records; an objection's 查实, 不属实 or 不予受理 is its outcome,
// recorded by outcomeCreate), written conditionally after
// the event the clerk's page showed: when someone else moved it meanwhile
// (another clerk, another replica), nothing is written and the page says
// to reload. The submitter is emailed when they gave an address.
func (s *Server) eventCreate(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	ref := submission.NormalizeReference(mux.Vars(r)["reference"])
	f := eventForm{Stage: r.PostForm.Get("stage"), Note: strings.TrimSpace(r.PostForm.Get("note")), Internal: r.PostForm.Get("internal") != ""}
	f.After, _ = strconv.Atoi(r.PostForm.Get("after"))
	v, err := s.caseView(r.Context(), me, ref)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	refuse := func(status int, msg string) {
		v.Message, v.Form = msg, f
		s.render(w, r, me, status, "case.html", v.Summary.KindLabel+" "+v.Summary.Reference, v)
	}
	st, ok := submission.StageOf(v.Summary.Kind, f.Stage)
	switch {
	case !ok:
		refuse(http.StatusUnprocessableEntity, "请在“办理”一栏选择要进入的阶段，再点“确认办理”。")
		return
	case st.Code == submission.StageCorrection:
		refuse(http.StatusUnprocessableEntity, "“"+st.Label+"”须出具一次性告知：请在本页“一次性告知”一栏逐项勾选需要补正的内容、写明原因和期限，再点“出具补正告知”。")
		return
	case st.Code == submission.StageCorrected:
		refuse(http.StatusUnprocessableEntity, "“"+st.Label+"”在提交人网上提交补正材料后由系统自动记录，不能在这里选择。提交人把材料送到秘书处的，请在“说明”里写明收到的材料，再选择“已受理”或“不予受理”。")
		return
	case utf8.RuneCountInString(f.Note) > archive.MaxNoteRunes:
		refuse(http.StatusUnprocessableEntity, "说明太长了：请写在 2000 字以内。")
		return
	case isOutcome(v.Summary.Kind, st.Code) && f.Note == "":
		refuse(http.StatusUnprocessableEntity, "核查结论“"+st.Label+"”须写明理由：请在“说明”里写清楚核查了什么、结论是什么，异议人会收到（不要写异议人或其他人的个人信息）。")
		return
	case needsNote[st.Code] && f.Note == "":
		refuse(http.StatusUnprocessableEntity, "“"+st.Label+"”须写明理由：请在“说明”里写清楚，申报人会在回执上看到（勾选“仅内部可见”的除外）。")
		return
	}
	if isOutcome(v.Summary.Kind, st.Code) {
		s.outcomeCreate(w, r, me, v, f, st, refuse)
		return
	}
	ev, err := s.archive.AppendEvent(r.Context(), submission.Status{Reference: ref, Stage: st.Code, Note: f.Note,
		Internal: f.Internal, Operator: me.Account.Name, At: s.now()}, f.After)
	if s.eventRefused(w, r, me, ref, err, &v, refuse) {
		return
	}
	s.audit(r, me, "stage", ref, map[string]any{"stage": st.Code, "label": st.Label, "seq": ev.Seq, "internal": f.Internal})
	s.tellSubmitter(r.Context(), ref, ev)
	http.Redirect(w, r, Prefix+"cases/"+ref+"?done=event", http.StatusSeeOther)
}
