package console

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
)

// reviewForm is the township's 初审 form (Art. 17(3)) as posted: a yes or
// no ("complete", "true", "lawful") and a note ("note-<key>") per question
// of submission.ReviewQuestions; what to do (Action: recommend, or return
// for correction); how the stamped 推荐意见 comes (Source: upload, with the
// file in "file", or confirm the applicant's); a public note; the event the
// page showed last.
type reviewForm struct {
	Answers map[string]string // yes, no or ""
	Notes   map[string]string
	Action  string
	Source  string
	Note    string
	After   int
}

// Actions and sources of the review form.
const (
	reviewRecommend = "recommend"
	reviewReturn    = "return"
	sourceUpload    = "upload"
	sourceConfirm   = "confirm"
)

// recommendationTypes are what a stamped 推荐意见 may be, detected from its
// content: PDF, OFD, JPEG, PNG.
var recommendationTypes = []string{submission.TypePDF, submission.TypeOFD, submission.TypeJPEG, submission.TypePNG}

// maxRecommendationBytes bounds the stamped scan: the slot's own limit.
func maxRecommendationBytes() int64 {
	sl, _ := submission.SlotByName(submission.SlotRecommendation)
	return sl.MaxBytes
}

// maxReviewBody bounds the review form's body: the scan and the form.
func maxReviewBody() int64 { return maxRecommendationBytes() + 1<<20 }

func parseReviewForm(form url.Values) reviewForm {
	f := parseAnswers(form, "")
	f.Action, f.Source, f.Note = form.Get("action"), form.Get("source"), strings.TrimSpace(form.Get("note"))
	f.After, _ = strconv.Atoi(form.Get("after"))
	return f
}

// parseAnswers reads the answers (<prefix><question>: yes or no) and
// their notes (<prefix>note-<question>) of a form.
func parseAnswers(form url.Values, prefix string) reviewForm {
	f := reviewForm{Answers: map[string]string{}, Notes: map[string]string{}}
	for _, q := range submission.ReviewQuestions {
		if a := form.Get(prefix + q.Key); a == "yes" || a == "no" {
			f.Answers[q.Key] = a
		}
		f.Notes[q.Key] = strings.TrimSpace(form.Get(prefix + "note-" + q.Key))
	}
	return f
}

// review is the form's answers as a review; who, when and how the
// 推荐意见 came are the caller's to set.
func (f reviewForm) review() *submission.TownshipReview {
	return &submission.TownshipReview{Complete: f.Answers["complete"] == "yes", True: f.Answers["true"] == "yes", Lawful: f.Answers["lawful"] == "yes",
		CompleteNote: f.Notes["complete"], TrueNote: f.Notes["true"], LawfulNote: f.Notes["lawful"]}
}

// questions are the form's questions with what was answered.
func (f reviewForm) questions() []reviewQuestionView {
	var out []reviewQuestionView
	for _, q := range submission.ReviewQuestions {
		out = append(out, reviewQuestionView{Key: q.Key, Label: q.Label, Answer: f.Answers[q.Key], Note: f.Notes[q.Key], No: f.Answers[q.Key] == "no"})
	}
	return out
}

// reviewFormView is the form as the case page shows it.
type reviewFormView struct {
	Questions []reviewQuestionView
	Source    string
	Note      string
	// Township is the township the review is recorded for; Secretariat:
	// the person is the secretariat, recording it as itself.
	Township    string
	Secretariat bool
	// ApplicantFile is the applicant's current 推荐意见 (its number in
	// the case's files), 0 when they uploaded none.
	ApplicantFile     int
	ApplicantFileName string
	Accept            string
	MaxSize           string
}

type reviewQuestionView struct {
	Key, Label, Answer, Note string
	No                       bool // answered no: its note is required
}

// view is the form as the case page shows it again, with what was typed.
func (f reviewForm) view(v *caseView) *reviewFormView {
	out := &reviewFormView{Questions: f.questions(), Source: f.Source, Note: f.Note, Township: v.Summary.Township, Secretariat: v.CanMove,
		Accept: intake.Accept(recommendationTypes), MaxSize: submission.FileSize(maxRecommendationBytes())}
	for _, file := range v.Files {
		if file.Field == submission.SlotRecommendation && file.Origin != archive.AttachmentOrigin && !file.Superseded {
			out.ApplicantFile, out.ApplicantFileName = file.N, file.Name
		}
	}
	if out.Source == "" && out.ApplicantFile == 0 {
		out.Source = sourceUpload
	}
	return out
}

// check names every problem of the answers at once; noes are the
// questions answered no.
func (f reviewForm) check() (problems, noes []string) {
	var unanswered, noNote, tooLong []string
	for _, q := range submission.ReviewQuestions {
		a, n := f.Answers[q.Key], f.Notes[q.Key]
		switch {
		case a == "":
			unanswered = append(unanswered, "“"+q.Label+"”")
		case a == "no" && n == "":
			noNote = append(noNote, "“"+q.Label+"”")
		}
		if a == "no" {
			noes = append(noes, "“"+q.Label+"”")
		}
		if utf8.RuneCountInString(n) > submission.MaxReviewNoteRunes {
			tooLong = append(tooLong, "“"+q.Label+"”")
		}
	}
	if len(unanswered) > 0 {
		problems = append(problems, "请对"+strings.Join(unanswered, "、")+"选择“是”或“否”。")
	}
	if len(noNote) > 0 {
		problems = append(problems, strings.Join(noNote, "、")+"选择了“否”，请在说明里写明哪里不符合（将写入补正告知，申报单位会看到）。")
	}
	if len(tooLong) > 0 {
		problems = append(problems, strings.Join(tooLong, "、")+fmt.Sprintf("的说明太长了：每项请写在 %d 字以内。", submission.MaxReviewNoteRunes))
	}
	if utf8.RuneCountInString(f.Note) > archive.MaxNoteRunes {
		problems = append(problems, fmt.Sprintf("说明太长了：请写在 %d 字以内。", archive.MaxNoteRunes))
	}
	return problems, noes
}

// noticeNote is what the one-time notice's note starts as when a review
// returns the application: the questions answered no, with their notes.
func (f reviewForm) noticeNote() string {
	var parts []string
	for _, q := range submission.ReviewQuestions {
		if f.Answers[q.Key] == "no" {
			parts = append(parts, q.Label+"：否（"+f.Notes[q.Key]+"）")
		}
	}
	return "乡镇（街道）初审：" + strings.Join(parts, "；") + "。"
}

// reviewCreate records a township's 初审 and recommendation on an
// application of a call whose recommendation is online, at 已受理 or
// 已补正: the three answers, then either 推荐 — the stamped 推荐意见
// uploaded here (sniffed like the intake's files, stored as the case's
// attachment with its SHA-256, the applicant's files untouched) or the
// applicant's confirmed — which moves the case to 初审通过（已推荐） by an
// event carrying the review (submission.TownshipReview), written
// conditionally after the event the page showed; or 退回补正, which shows
// the one-time notice form filled in with the answers that were no, to
// issue it as correctionCreate does. Every answer must be yes to
// recommend: the form says which is not and offers 退回. A township
// account reviews the applications naming its township (others are not
// found, as on the case page); the secretariat may record it too, as
// itself. Audited ("township-review"); the applicant is emailed the move.
func (s *Server) reviewCreate(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	ref := submission.NormalizeReference(mux.Vars(r)["reference"])
	v, err := s.caseView(r.Context(), me, ref)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	f := parseReviewForm(r.PostForm)
	refuse := func(status int, msg string) {
		v.Message = msg
		if v.ReviewForm != nil {
			v.ReviewForm = f.view(v)
		}
		s.render(w, r, me, status, "case.html", v.Summary.KindLabel+" "+v.Summary.Reference, v)
	}
	if v.ReviewForm == nil {
		refuse(http.StatusUnprocessableEntity, reviewNotOffered(v))
		return
	}
	problems, noes := f.check()
	switch {
	case len(problems) > 0:
		refuse(http.StatusUnprocessableEntity, strings.Join(problems, " "))
		return
	case f.Action == reviewReturn && len(noes) == 0:
		refuse(http.StatusUnprocessableEntity, "初审三项都是“是”：可以推荐。确需退回补正的，请把不符合的一项改为“否”并写明原因。")
		return
	case f.Action == reviewReturn:
		if v.NoticeForm == nil {
			refuse(http.StatusUnprocessableEntity, "案件现在处于“"+v.Summary.Stage.Label+"”，不能出具补正告知。")
			return
		}
		v.ReviewForm = f.view(v)
		v.NoticeForm.Note = f.noticeNote()
		v.ReturnReview = v.ReviewForm.Questions
		v.Info = strings.Join(noes, "、") + "为“否”：请在下面“一次性告知”一栏逐项勾选需要补正的材料或填报内容，写明原因和期限，再点“出具补正告知”。初审意见已写入告知的说明，可以修改。"
		s.render(w, r, me, http.StatusOK, "case.html", v.Summary.KindLabel+" "+v.Summary.Reference, v)
		return
	case f.Action != reviewRecommend:
		refuse(http.StatusUnprocessableEntity, "请选择“推荐”或“退回补正”。")
		return
	case len(noes) > 0:
		refuse(http.StatusUnprocessableEntity, strings.Join(noes, "、")+"为“否”，不能推荐：三项都为“是”才能推荐。请点“退回补正”，出具一次性告知请申报单位补正。")
		return
	}
	rev := f.review() // every answer yes, as checked
	rev.Township, rev.Reviewer, rev.At = v.Summary.Township, me.Account.Name, s.now()
	switch f.Source {
	case sourceConfirm:
		if v.ReviewForm.ApplicantFile == 0 {
			refuse(http.StatusUnprocessableEntity, "申报单位没有上传推荐意见：请选择“上传盖章的推荐意见”，并选择扫描件。")
			return
		}
		rev.Recommendation = submission.RecommendationConfirmed
	case sourceUpload:
		file, msg, status := s.storeRecommendation(r, ref)
		if msg != "" {
			refuse(status, msg)
			return
		}
		rev.Recommendation, rev.File = submission.RecommendationUploaded, &file
	default:
		refuse(http.StatusUnprocessableEntity, "请选择推荐意见的来源：上传盖章的推荐意见，或确认申报单位已上传的推荐意见。")
		return
	}
	ev, err := s.archive.AppendEvent(r.Context(), submission.Status{Reference: ref, Stage: submission.StageRecommended, Note: f.Note,
		Operator: me.Account.Name, At: rev.At, Review: rev}, f.After)
	if err != nil && rev.File != nil {
		if err := s.archive.RemoveAttachment(r.Context(), ref, *rev.File); err != nil {
			s.log.Warn("attachment of a refused review not removed", "reference", ref, "err", err)
		}
	}
	if s.eventRefused(w, r, me, ref, err, &v, refuse) {
		return
	}
	details := map[string]any{"seq": ev.Seq, "township": rev.Township, "complete": rev.Complete, "true": rev.True,
		"lawful": rev.Lawful, "recommendation": rev.Recommendation}
	if rev.File != nil {
		details["sha256"], details["size"], details["type"] = rev.File.SHA256, rev.File.Size, rev.File.Type
	}
	s.audit(r, me, "township-review", ref, details)
	s.tellSubmitter(r.Context(), ref, ev)
	http.Redirect(w, r, Prefix+"cases/"+ref+"?done=review", http.StatusSeeOther)
}

// reviewNotOffered says why the case page offers no 初审 form.
func reviewNotOffered(v *caseView) string {
	switch {
	case v.Summary.Kind != kindApplication:
		return "异议不经乡镇（街道）初审。"
	case v.recommendationMode != submission.RecommendationOnline:
		return "本次征集的推荐意见由申报单位盖章后上传，初审结果由秘书处在“办理”一栏记录，不在这里填写。"
	}
	return "案件现在处于“" + v.Summary.Stage.Label + "”：只有“已受理”或“已补正”的申报可以记录初审、推荐。"
}

// storeRecommendation stores the form's stamped 推荐意见 ("file": one, of
// a type recommendationTypes has, detected from its content, within the
// slot's size) as the case's attachment; else what to tell the person and
// the status to answer with.
func (s *Server) storeRecommendation(r *http.Request, ref string) (submission.File, string, int) {
	var files []*multipart.FileHeader
	if r.MultipartForm != nil {
		files = r.MultipartForm.File["file"]
	}
	switch {
	case len(files) == 0 || files[0].Size == 0 && files[0].Filename == "":
		return submission.File{}, "请选择盖章推荐意见的扫描件（PDF、OFD、JPEG 或 PNG），或选择“确认申报单位已上传的推荐意见”。", http.StatusUnprocessableEntity
	case len(files) > 1:
		return submission.File{}, "推荐意见请只上传一个文件（多页的请合成一个 PDF）。", http.StatusUnprocessableEntity
	}
	fh := files[0]
	name := submission.SanitizeFileName(fh.Filename)
	if fh.Size == 0 {
		return submission.File{}, "文件“" + name + "”是空文件，请选择正确的扫描件。", http.StatusUnprocessableEntity
	}
	if fh.Size > maxRecommendationBytes() {
		return submission.File{}, fmt.Sprintf("文件“%s”超过 %s 的上限，没有保存。请压缩或重新扫描后再上传。", name, submission.FileSize(maxRecommendationBytes())), http.StatusRequestEntityTooLarge
	}
	body, err := fh.Open()
	if err != nil {
		return submission.File{}, "文件“" + name + "”无法读取，请重新选择后再上传。", http.StatusBadRequest
	}
	defer body.Close()
	head := make([]byte, submission.SniffBytes)
	n, err := io.ReadFull(body, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return submission.File{}, "文件“" + name + "”无法读取，请重新选择后再上传。", http.StatusBadRequest
	}
	head = head[:n]
	typ := submission.DetectType(head)
	if !slices.Contains(recommendationTypes, typ) {
		return submission.File{}, "文件“" + name + "”不是 PDF、OFD、JPEG 或 PNG 格式（按文件内容识别，不看扩展名），没有保存。请上传盖章推荐意见的扫描件。", http.StatusUnsupportedMediaType
	}
	// The whole file is checked as the intake checks its files (cut off,
	// a ZIP bomb for an OFD) before anything is stored, then read again
	// from its start to store it.
	check, err := submission.NewContentCheck(typ)
	if err != nil {
		s.log.Error("recommendation not checked", "reference", ref, "err", err)
		return submission.File{}, errorPage(err).Message, errorPage(err).Status
	}
	defer check.Close()
	if _, err := io.Copy(check, io.MultiReader(bytes.NewReader(head), body)); err != nil {
		return submission.File{}, "文件“" + name + "”无法读取，请重新选择后再上传。", http.StatusBadRequest
	}
	if why := check.Verdict(); why != "" {
		return submission.File{}, "文件“" + name + "”" + why + "，没有保存。请检查扫描件后重新上传。", http.StatusUnsupportedMediaType
	}
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return submission.File{}, "文件“" + name + "”无法读取，请重新选择后再上传。", http.StatusBadRequest
	}
	stored, err := s.archive.PutAttachment(r.Context(), ref, submission.SlotRecommendation, name, typ, body, maxRecommendationBytes())
	switch {
	case errors.Is(err, archive.ErrTooLarge):
		return submission.File{}, fmt.Sprintf("文件“%s”超过 %s 的上限，没有保存。", name, submission.FileSize(maxRecommendationBytes())), http.StatusRequestEntityTooLarge
	case err != nil:
		s.log.Error("recommendation not stored", "reference", ref, "err", err)
		return submission.File{}, errorPage(err).Message, errorPage(err).Status
	}
	return stored, "", 0
}

// reviewRow is a recorded review as the case page lists it.
type reviewRow struct {
	Seq                int
	Township, Reviewer string
	At                 time.Time
	Answers            []reviewQuestionView
	Recommendation     string
	Returned           bool // the review returned the application for correction
	Note               string
	// File is the number of the uploaded 推荐意见 among the case's files,
	// 0 when the applicant's was confirmed.
	File     int
	FileName string
	SHA256   string
}

// reviews are the case's recorded township reviews, oldest first; files
// are the case's files as the page numbers them.
func reviews(c *archive.Case, files []caseFile) []reviewRow {
	var out []reviewRow
	for _, e := range c.Events {
		rv := e.Review
		if rv == nil {
			continue
		}
		row := reviewRow{Seq: e.Seq, Township: rv.Township, Reviewer: rv.Reviewer, At: rv.At, Recommendation: rv.RecommendationLabel(),
			Returned: rv.Recommendation == "", Note: e.Note}
		yes, notes := rv.Answers()
		for _, q := range submission.ReviewQuestions {
			a := "否"
			if yes[q.Key] {
				a = "是"
			}
			row.Answers = append(row.Answers, reviewQuestionView{Key: q.Key, Label: q.Label, Answer: a, Note: notes[q.Key]})
		}
		if rv.File != nil {
			row.FileName, row.SHA256 = rv.File.Name, rv.File.SHA256
			for _, f := range files {
				if f.Key == rv.File.Key {
					row.File = f.N
				}
			}
		}
		out = append(out, row)
	}
	return out
}

// returnReview reads the 初审 a one-time notice carries when a township
// review returned the application (the notice form's review-<question>
// and review-note-<question>, as reviewCreate filled them in): nil when
// the form has none; the questions to carry again when the notice is
// refused.
func returnReview(form url.Values) (*submission.TownshipReview, []reviewQuestionView) {
	f := parseAnswers(form, "review-")
	if len(f.Answers) == 0 {
		return nil, nil
	}
	return f.review(), f.questions()
}

// mayReview reports whether me may record a township review: a township
// account (for its own applications: caseView finds no other) or the
// secretariat.
func mayReview(me *who) bool {
	return me.Account.Role == staff.Township || me.Account.Role == staff.Secretariat
}
