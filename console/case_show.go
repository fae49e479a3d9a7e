package console

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
)

// labelled is one field of a case as the page shows it.
type labelled struct{ Label, Value string }

// declaration is one of the nine Art. 14 situations and the answer.
type declaration struct {
	N            int
	Text, Answer string
}

// caseFile is one stored file as the case page lists it: the original's
// and then each supplement's (archive.Case.Materials), so that the
// original's files keep their numbers when supplements come.
type caseFile struct {
	N      int    // 1-based, as in the download path
	Field  string // the slot's name
	Key    string // where it is stored (not shown)
	Slot   string
	Name   string
	Size   int64
	Type   string
	SHA256 string
	Inline bool // PDF or picture: can be opened in the browser's sandboxed view
	// Origin is 原件, 补正 n or archive.AttachmentOrigin (a township's
	// upload); ReceivedAt when it came; Superseded: a later supplement
	// brought the same slot again (已被补正替换).
	Origin     string
	ReceivedAt time.Time
	Superseded bool
}

// fieldCorrection is a field a supplement corrected, as the page lists it.
type fieldCorrection struct {
	Label, Value, Was, Origin string
	ReceivedAt                time.Time
}

// historyRow is one event as the case page lists it.
type historyRow struct {
	State    string
	At       time.Time
	Operator string
	Note     string
	Internal bool
	// Detail says what the event did besides its stage (a notice's items,
	// a supplement, an extension, a new receipt link): PublicEvent.Detail.
	Detail string
	// Notice is the event's number when it issued a notice (for the link
	// to its 补正告知书), else 0.
	Notice int
	// RevokedBy is the objection found 查实 that revoked the candidacy;
	// Revoked the application an objection's 查实 revoked.
	RevokedBy, Revoked string
}

// caseView is the case page.
type caseView struct {
	// manifest and kase are the case as read, for the handlers that go on
	// to its files or identity (not shown as such).
	manifest         *submission.Manifest
	kase             *archive.Case
	Summary          caseSummary
	Fields           []labelled
	Declarations     []declaration
	Eligibility      string
	Files            []caseFile
	FieldCorrections []fieldCorrection
	Versions         []caseSummary // the same organisation's other applications
	History          []historyRow
	Next             []submission.Stage
	Seq              int
	Assignees        []string
	Reviewers        []string // accounts that could be assigned
	// Identity is shown only after a reason was given (identityShow).
	Identity     []labelled
	IdentityNote string
	// Notice is the case's latest one-time notice, nil when it has none.
	Notice *noticeView
	// NoticeForm issues a notice: nil when the person may not, or the
	// case cannot move to correction from where it is.
	NoticeForm *noticeForm
	// ReviewForm records a township's 初审 and recommendation: nil when
	// the person may not, the call's recommendation is not online, or the
	// case is not at accepted or corrected. Reviews are those recorded.
	ReviewForm *reviewFormView
	Reviews    []reviewRow
	// ReturnReview is the 初审 a review that returned the application
	// hands to the notice form (hidden fields), so that the notice's event
	// records it (correctionCreate); nil otherwise.
	ReturnReview []reviewQuestionView
	// recommendationMode is the call's recommendation as the application
	// was received (submission.RecommendationOnline or "").
	recommendationMode string
	// Extension keeps what was typed when an extension was refused.
	Extension extensionForm
	// Reissued is the new receipt link, on receiptReissue's answer alone;
	// ReissueNote what was typed when a reissue was refused.
	Reissued, ReissueNote string
	// Can: what the person may do here.
	CanIdentity, CanMove, CanAssign, CanExtend, CanReissue bool
	Message, Info                                          string
	// Form keeps what the person typed when a move was refused.
	Form eventForm
	// Revokes says, on an objection that may be found 查实, which
	// application that revokes, or why none can be (outcomeTarget).
	Revokes string
}

// caseShow shows one case to those who may see it; the view is audited.
func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	v, err := s.caseView(r.Context(), me, mux.Vars(r)["reference"])
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "event":
		v.Info = "办理阶段已更新为“" + v.Summary.Stage.Label + "”。"
	case "assign":
		v.Info = "已分配评审员。"
	case "paper":
		v.Info = "纸质" + v.Summary.KindLabel + "已登记，受理编号 " + v.Summary.Reference + "。请把受理编号写在原件上归档；留有电子邮箱的，办理进度会发邮件告知。"
	case "review":
		v.Info = "已记录初审并推荐，案件进入“" + v.Summary.Stage.Label + "”，转秘书处资格审核。"
	case "notice":
		if n := v.Notice; n != nil {
			v.Info = fmt.Sprintf("已出具补正告知（共 %d 项），补正期限至 %s。请打印补正告知书；提交人留有电子邮箱的，已发邮件告知。", len(n.Items), n.Due)
		}
	case "extend":
		if n := v.Notice; n != nil {
			v.Info = "补正期限已延长至 " + n.Due + "。"
		}
	}
	s.audit(r, me, "case-view", v.Summary.Reference, nil)
	s.render(w, r, me, http.StatusOK, "case.html", v.Summary.KindLabel+" "+v.Summary.Reference, v)
}

// caseView reads the case ref as me may see it: errNoCase when it does not
// exist or me may not see it (the two are not told apart).
func (s *Server) caseView(ctx context.Context, me *who, ref string) (*caseView, error) {
	ref = submission.NormalizeReference(ref)
	if ref == "" {
		return nil, errNoCase
	}
	c, err := s.archive.Case(ctx, ref)
	if err != nil {
		return nil, err
	}
	m := c.Manifest
	sum := summarize(m)
	sum.Signed = s.archive.Signer().Verify(m) == nil
	sum.Stage, sum.Seq = c.Current, c.Seq
	if !s.canSee(ctx, me, sum) {
		return nil, errNoCase
	}
	v := &caseView{manifest: m, kase: c, Summary: *sum, Seq: c.Seq}
	secretariat := me.Account.Role == staff.Secretariat
	v.CanIdentity, v.CanMove, v.CanAssign, v.CanReissue = secretariat && m.Identity != nil, secretariat, secretariat, secretariat
	v.History = history(c, me)
	// Notices go through their own form, supplements come from the
	// submitter: the stage form offers neither.
	if m.Kind == kindApplication {
		v.recommendationMode = m.Application().RecommendationMode
	}
	online := v.recommendationMode == submission.RecommendationOnline
	for _, st := range submission.Next(m.Kind, c.Current.Code) {
		// With an online recommendation, 已推荐 comes only with the
		// township's review (reviewCreate).
		if st.Code != submission.StageCorrection && st.Code != submission.StageCorrected && !(online && st.Code == submission.StageRecommended) {
			v.Next = append(v.Next, st)
		}
	}
	if secretariat {
		v.Revokes = s.outcomeTarget(ctx, m, v.Next)
	}
	if n := c.Notice(); n != nil {
		v.Notice = s.noticeView(c, n)
		v.CanExtend = secretariat && n.Extension == nil &&
			(c.Current.Code == submission.StageCorrection || c.Current.Code == submission.StageCorrected)
	}
	// A township returns its own applications for correction too (初审
	// 退回补正); caseView has found only those.
	if (secretariat || me.Account.Role == staff.Township) && submission.CanMove(m.Kind, c.Current.Code, submission.StageCorrection) {
		v.NoticeForm = correctionForm{}.view(m.Kind)
	}
	v.Extension.Days = strconv.Itoa(archive.DefaultNoticeDays)
	for i, mt := range caseFiles(c) {
		v.Files = append(v.Files, caseFile{N: i + 1, Field: mt.Field, Key: mt.Key, Slot: submission.SlotLabelOf(m.Kind, mt.Field), Name: mt.Name, Size: mt.Size, Type: mt.Type,
			SHA256: mt.SHA256, Inline: inlineType(mt.Type), Origin: mt.OriginLabel(), ReceivedAt: mt.ReceivedAt, Superseded: mt.Superseded})
	}
	v.Reviews = reviews(c, v.Files)
	if online && mayReview(me) && (c.Current.Code == submission.StageAccepted || c.Current.Code == submission.StageCorrected) {
		v.ReviewForm = reviewForm{}.view(v)
	}
	for _, fc := range c.FieldCorrections() {
		v.FieldCorrections = append(v.FieldCorrections, fieldCorrection{Label: fc.Label, Value: fc.Value, Was: fc.Was,
			Origin: archive.OriginLabel(fc.Origin), ReceivedAt: fc.ReceivedAt})
	}
	if m.Kind == kindApplication {
		f := m.Application()
		v.Fields = applicationFields(f)
		v.Eligibility = f.Eligibility
		for i := range submission.Declarations {
			v.Declarations = append(v.Declarations, declaration{N: i + 1, Text: f.DeclarationTexts[i], Answer: declarationAnswer(f.Declarations[i])})
		}
		if v.Versions, err = s.versions(ctx, me, sum); err != nil {
			return nil, err
		}
	} else if m.Kind == submission.KindReport {
		v.Fields = reportFields(m.Report())
	} else {
		v.Fields = objectionFields(m.Objection())
	}
	if secretariat {
		if v.Assignees, err = s.assignees(ctx, ref); err != nil {
			return nil, err
		}
		accts, err := s.staff.List(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range accts {
			if a.Role == staff.Reviewer && !a.Disabled {
				v.Reviewers = append(v.Reviewers, a.Name)
			}
		}
	}
	return v, nil
}

// caseFiles are the case's files as the page numbers them: the
// original's and the supplements' (archive.Case.Materials), then the
// attachments staff added (archive.Case.Attachments), so that a file keeps
// its number.
func caseFiles(c *archive.Case) []archive.Material {
	return append(c.Materials(), c.Attachments()...)
}

// history is the case's events as me may see them, each with what it did
// (PublicEvent.Detail): all of them, the internal notes too, for the
// secretariat and townships; for reviewers without the notes marked
// internal.
func history(c *archive.Case, me *who) []historyRow {
	pub := c.Public()
	out := make([]historyRow, len(c.Events))
	for i, e := range c.Events {
		row := historyRow{State: e.State, At: e.At, Operator: e.Operator, Note: e.Note, Internal: e.Internal, Detail: pub[i].Detail}
		if row.State == "" {
			row.State = pub[i].Stage.Label
		}
		if e.Correction != nil {
			row.Notice = e.Seq
		}
		if me.Account.Role == staff.Secretariat {
			row.RevokedBy = e.RevokedBy
			if e.Outcome != nil && e.Outcome.Result == submission.StageSubstantiated {
				row.Revoked = e.Outcome.Application
			}
		}
		if e.Internal && me.Account.Role == staff.Reviewer {
			row.Note = ""
		}
		out[i] = row
	}
	return out
}

// versions are the other applications of the same organisation (credit
// code) that the person may see, newest first.
func (s *Server) versions(ctx context.Context, me *who, c *caseSummary) ([]caseSummary, error) {
	if c.CreditCode == "" {
		return nil, nil
	}
	all, err := s.cases.all(ctx)
	if err != nil {
		return nil, err
	}
	assigned, err := s.assignedTo(ctx, me)
	if err != nil {
		return nil, err
	}
	var out []caseSummary
	for i := range all {
		o := &all[i]
		if o.Kind == kindApplication && o.CreditCode == c.CreditCode && o.Reference != c.Reference && s.visible(me, o, assigned) {
			out = append(out, *o)
		}
	}
	return out, nil
}

// inlineType reports whether a file of type t opens in the browser: PDF
// and pictures, in a sandbox (see fileDownload).
func inlineType(t string) bool {
	return t == "application/pdf" || t == "image/png" || t == "image/jpeg"
}

func declarationAnswer(a string) string {
	switch a {
	case "none", "no":
		return "不存在此情形"
	case "yes":
		return "存在此情形"
	case "":
		return "未作声明"
	}
	return a
}

func applicationFields(f submission.ApplicationFields) []labelled {
	yesNo := map[string]string{"yes": "是", "no": "否"}
	return nonEmpty([]labelled{
		{"申报的征集", firstNonEmpty(f.CallTitle, f.Call)},
		{"来件方式", paperLabel(f.Channel)},
		{"邮戳（送达）日期", f.Postmarked},
		{"单位名称", f.OrgName},
		{"统一社会信用代码", f.CreditCode},
		{"单位类型", f.OrgKind},
		{"成立日期", f.Established},
		{"专精特新“小巨人”企业", firstNonEmpty(yesNo[f.LittleGiant], f.LittleGiant)},
		{"所属行业", f.Industry},
		{"所在乡镇（街道）", f.Township},
		{"单位地址", f.Address},
		{"推荐单位", f.Recommender},
		{"导入卓越绩效管理模式时间", f.ExcellenceSince},
		{"内部公示", publicity(f)},
		{"未提交的选交材料", slotNames(f.MissingSlots)},
	})
}

func publicity(f submission.ApplicationFields) string {
	if f.InternalPublicityStart == "" {
		return ""
	}
	s := f.InternalPublicityStart + " 至 " + f.InternalPublicityEnd
	if f.InternalPublicityWorkingDays != "" {
		s += "（" + f.InternalPublicityWorkingDays + " 个工作日）"
	}
	return s
}

func slotNames(list string) string {
	if list == "" {
		return ""
	}
	var out []string
	for _, n := range strings.Split(list, ",") {
		out = append(out, firstNonEmpty(submission.SlotLabel(n), n))
	}
	return strings.Join(out, "、")
}

func objectionFields(f submission.ObjectionFields) []labelled {
	kinds := map[string]string{"individual": "个人", "organization": "单位"}
	return nonEmpty([]labelled{
		{"公示", firstNonEmpty(f.PublicityTitle, f.Publicity)},
		{"被异议对象", f.CandidateName},
		{"被异议对象统一社会信用代码", f.CandidateCreditCode},
		{"异议人类型", firstNonEmpty(kinds[f.ObjectorType], f.ObjectorType)},
		{"异议的事实和理由", f.Statement},
		{"来件方式", paperLabel(f.Channel)},
		{"邮戳（送达）日期", f.Postmarked},
	})
}

func nonEmpty(in []labelled) []labelled {
	out := in[:0]
	for _, l := range in {
		if l.Value != "" {
			out = append(out, l)
		}
	}
	return out
}

// paperLabel is the 来件方式 row: 纸质（代录） for a paper submission,
// nothing (no row) for one received online.
func paperLabel(channel string) string {
	if channel == submission.ChannelPaper {
		return "纸质（代录）"
	}
	return ""
}
