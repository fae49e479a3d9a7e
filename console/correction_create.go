package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// correctionForm is the one-time notice form (一次性告知) as posted: a box
// ("item", the item's key) and a reason ("reason-<key>") per item the
// submission's kind offers (noticeOptions), the period in working days,
// a public note, and the event the page showed last.
type correctionForm struct {
	Checked map[string]bool
	Reasons map[string]string
	Days    string
	Note    string
	After   int
	// unknown are keys posted that the kind does not offer.
	unknown []string
}

// noticeForm is the notice form as the case page shows it.
type noticeForm struct {
	Items     []noticeFormItem
	Days      string
	Note      string
	Objection bool
	MaxDays   int
}

// noticeFormItem is one item the form offers.
type noticeFormItem struct {
	Key, Kind, Label string
	Checked          bool
	Reason           string
}

// parseCorrectionForm reads the notice form of a submission of kind.
func parseCorrectionForm(form url.Values, kind string) correctionForm {
	f := correctionForm{Checked: map[string]bool{}, Reasons: map[string]string{}, Days: strings.TrimSpace(form.Get("days")),
		Note: strings.TrimSpace(form.Get("note"))}
	f.After, _ = strconv.Atoi(form.Get("after"))
	offered := map[string]bool{}
	for _, it := range noticeOptions(kind) {
		offered[it.Key()] = true
		if r := strings.TrimSpace(form.Get("reason-" + it.Key())); r != "" {
			f.Reasons[it.Key()] = r
		}
	}
	for _, k := range form["item"] {
		if offered[k] {
			f.Checked[k] = true
		} else {
			f.unknown = append(f.unknown, k)
		}
	}
	return f
}

// view is the form as the case page shows it again, with what was typed
// (a blank form: the default period).
func (f correctionForm) view(kind string) *noticeForm {
	v := &noticeForm{Days: f.Days, Note: f.Note, Objection: kind != kindApplication, MaxDays: archive.MaxNoticeDays}
	if f.Days == "" && f.Checked == nil {
		v.Days = strconv.Itoa(archive.DefaultNoticeDays)
	}
	for _, it := range noticeOptions(kind) {
		v.Items = append(v.Items, noticeFormItem{Key: it.Key(), Kind: itemKind(it), Label: it.Label, Checked: f.Checked[it.Key()], Reason: f.Reasons[it.Key()]})
	}
	return v
}

// notice checks the form and returns the notice's items and period; the
// problems, when there are any, are said all at once, in words the clerk
// can act on.
func (f correctionForm) notice(kind string) (items []submission.CorrectionItem, days int, problems []string) {
	var noReason, notTicked, tooLong []string
	for _, it := range noticeOptions(kind) {
		k := it.Key()
		reason := f.Reasons[k]
		switch {
		case f.Checked[k] && reason == "":
			noReason = append(noReason, "“"+it.Label+"”")
		case !f.Checked[k] && reason != "":
			notTicked = append(notTicked, "“"+it.Label+"”")
		case f.Checked[k] && utf8.RuneCountInString(reason) > archive.MaxReasonRunes:
			tooLong = append(tooLong, "“"+it.Label+"”")
		case f.Checked[k]:
			it.Reason = reason
			items = append(items, it)
		}
	}
	if len(f.unknown) > 0 {
		problems = append(problems, "表单里有本件不能补正的项目，请刷新页面后重新填写。")
	}
	if len(items)+len(noReason)+len(tooLong) == 0 && len(notTicked) == 0 {
		problems = append(problems, "请勾选需要补正的每一项材料或填报内容，并逐项写明原因：一次性告知须把所有问题列在一份告知里。")
	}
	if len(noReason) > 0 {
		problems = append(problems, "请写明"+strings.Join(noReason, "、")+"需要补正的原因（提交人会在告知书和回执上看到）。")
	}
	if len(notTicked) > 0 {
		problems = append(problems, strings.Join(notTicked, "、")+"写了原因但没有勾选：要补正的请勾选，不要的请删去原因。")
	}
	if len(tooLong) > 0 {
		problems = append(problems, strings.Join(tooLong, "、")+fmt.Sprintf("的原因太长了：每项请写在 %d 字以内。", archive.MaxReasonRunes))
	}
	if len(items)+len(noReason)+len(notTicked)+len(tooLong) > archive.MaxNoticeItems {
		problems = append(problems, fmt.Sprintf("一份告知最多列 %d 项。", archive.MaxNoticeItems))
	}
	days, err := strconv.Atoi(f.Days)
	if err != nil || days < 1 || days > archive.MaxNoticeDays {
		problems = append(problems, fmt.Sprintf("补正期限请填 1 至 %d 之间的工作日数（通常为 %d 个工作日）。", archive.MaxNoticeDays, archive.DefaultNoticeDays))
	}
	if utf8.RuneCountInString(f.Note) > archive.MaxNoteRunes {
		problems = append(problems, fmt.Sprintf("说明太长了：请写在 %d 字以内。", archive.MaxNoteRunes))
	}
	return items, days, problems
}

// correctionCreate issues a one-time notice (一次性告知): every item to
// supplement or correct with its reason, and a period of working days
// whose last day is counted on the holiday calendar from today. The case
// moves to 需补正 (objections: 需补充证据) by an event that carries the
// notice, written conditionally after the event the clerk's page showed
// (a conflict answers 409 with the entries kept, as eventCreate does).
// A form with problems is shown again with the entries kept (422) and
// nothing recorded. Issued, it is audited ("correction-notice") and the
// submitter emailed when they gave an address. A notice a township review
// opened (reviewCreate's 退回补正) carries the review's answers
// (returnReview): the event records them (Status.Review), by whoever
// issues it.
func (s *Server) correctionCreate(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	ref := submission.NormalizeReference(mux.Vars(r)["reference"])
	v, err := s.caseView(r.Context(), me, ref)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	kind := v.Summary.Kind
	f := parseCorrectionForm(r.PostForm, kind)
	review, reviewView := returnReview(r.PostForm)
	refuse := func(status int, msg string) {
		v.Message = msg
		if v.NoticeForm != nil {
			v.NoticeForm = f.view(kind)
		}
		v.ReturnReview = reviewView
		s.render(w, r, me, status, "case.html", v.Summary.KindLabel+" "+v.Summary.Reference, v)
	}
	correction, _ := submission.StageOf(kind, submission.StageCorrection)
	if v.NoticeForm == nil {
		refuse(http.StatusUnprocessableEntity, "案件现在处于“"+v.Summary.Stage.Label+"”，不能出具“"+correction.Label+"”的告知。")
		return
	}
	items, days, problems := f.notice(kind)
	if len(problems) > 0 {
		refuse(http.StatusUnprocessableEntity, strings.Join(problems, " "))
		return
	}
	if s.calendar == nil {
		refuse(http.StatusServiceUnavailable, "本服务没有载入节假日安排（holidays.yaml），无法按工作日计算补正期限，告知没有出具。请联系县信息中心。")
		return
	}
	now := s.now()
	due, err := s.calendar.AddWorkingDays(workday.DateOf(now.In(s.loc)), days)
	if err != nil {
		refuse(http.StatusUnprocessableEntity, "无法计算补正期限："+err.Error()+"。告知没有出具，请联系县信息中心。")
		return
	}
	if review != nil {
		review.Township, review.Reviewer, review.At = v.Summary.Township, me.Account.Name, now
	}
	ev, err := s.archive.AppendEvent(r.Context(), submission.Status{Reference: ref, Stage: submission.StageCorrection, Note: f.Note,
		Operator: me.Account.Name, At: now, Correction: &submission.Correction{Items: items, WorkingDays: days, Deadline: due.String()},
		Review: review}, f.After)
	if s.eventRefused(w, r, me, ref, err, &v, refuse) {
		return
	}
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Key()
	}
	slices.Sort(keys)
	details := map[string]any{"seq": ev.Seq, "items": len(items), "keys": keys, "workingDays": days, "deadline": due.String()}
	if review != nil {
		details["review"] = map[string]bool{"complete": review.Complete, "true": review.True, "lawful": review.Lawful}
	}
	s.audit(r, me, "correction-notice", ref, details)
	s.tellSubmitter(r.Context(), ref, ev)
	http.Redirect(w, r, Prefix+"cases/"+ref+"?done=notice", http.StatusSeeOther)
}
