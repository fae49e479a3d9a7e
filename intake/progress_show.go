package intake

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// errNoProgress is the one answer to every lookup that finds nothing: an
// unknown or malformed reference, a missing or wrong code, the other
// kind's code, both codes at once. Its JSON body is the same bytes for
// all of them, so that the lookup is no oracle for which references exist
// or of which kind they are.
var errNoProgress = &problem{Status: http.StatusNotFound, Code: "not_found",
	Message: "没有查到：请核对受理编号和号码。申报请填写申报组织的统一社会信用代码；异议请填写异议人身份证号码或统一社会信用代码的后六位；两项只填写其中一项。仍查不到的，请联系秘书处。"}

// A lookup that could not be made says so as a lookup (errUnavailable and
// errInternal speak of submissions).
var (
	errProgressUnavailable = &problem{Status: http.StatusServiceUnavailable, Code: "unavailable",
		Message: "系统暂时无法查询办理进度，请稍后再试；如急需了解，请联系秘书处。"}
	errProgressInternal = &problem{Status: http.StatusInternalServerError, Code: "internal",
		Message: "系统出现内部错误，暂时无法查询办理进度。请稍后再试，或联系秘书处。"}
)

// progressResponse is the whole JSON answer of a lookup that found the
// case: its reference, kind, current stage (code and the label the
// submitter reads) and when that stage was last updated (RFC 3339,
// +08:00) — nothing else, no files, names or notes.
type progressResponse struct {
	Reference string `json:"reference"`
	Kind      string `json:"kind"`
	Stage     string `json:"stage"`
	Label     string `json:"label"`
	At        string `json:"at"`
}

// progressView is the progress page: the form with the entries as typed,
// and the result of the lookup or the problem.
type progressView struct {
	Action                        string
	Reference, CreditCode, IDTail string
	// Result is set when the lookup found the case; KindLabel and At are
	// its kind in words (申报/异议) and the update time.
	Result    *progressResponse
	KindLabel string
	At        time.Time
	Problem   *problem
}

func (v *progressView) page() (string, string) { return "progress.html", "进度查询" }
func (v *progressView) setProblem(p *problem)  { v.Problem = p }

// progressShow answers GET /api/progress?reference=R&creditCode=C (an
// application: the organisation's credit code) or
// ?reference=R&idTail=XXXXXX (an objection: the last six characters of
// the objector's ID number or credit code): the case's current stage
// (progressResponse) for a program asking for JSON, else the page with
// the form and the stage. Whatever fails to match answers errNoProgress
// (404), the same for every cause; a browser with no entries at all gets
// the blank form. The entries are never logged (requestLog drops the
// query; failures are logged without the reference).
func (s *Server) progressShow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Robots-Tag", "noindex")
	q := r.URL.Query()
	view := &progressView{Action: s.URL("progress"), Reference: q.Get("reference"), CreditCode: q.Get("creditCode"), IDTail: q.Get("idTail")}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if !wantsJSON(r) && blank(view.Reference) && blank(view.CreditCode) && blank(view.IDTail) {
		s.pages.render(w, http.StatusOK, "progress.html", "进度查询", view)
		return
	}
	ref := submission.NormalizeReference(view.Reference)
	proof := archive.ProgressProof{CreditCode: strings.TrimSpace(view.CreditCode), IDTail: strings.TrimSpace(view.IDTail)}
	if ref == "" || (proof.CreditCode == "") == (proof.IDTail == "") {
		s.fail(w, r, errNoProgress, view)
		return
	}
	c, err := s.archive.Progress(r.Context(), ref, proof)
	if err != nil {
		s.fail(w, r, s.progressProblem(err, ref), view)
		return
	}
	st := c.Status()
	resp := &progressResponse{Reference: c.Manifest.Reference, Kind: c.Manifest.Kind, Stage: st.Stage.Code,
		Label: st.Stage.Label, At: st.At.In(s.loc).Format(time.RFC3339)}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, resp)
		return
	}
	view.Result, view.At = resp, st.At
	view.KindLabel = "异议"
	if c.Manifest.Kind == submission.KindApplication {
		view.KindLabel = "申报"
	}
	if c.Manifest.Kind == submission.KindReport {
		view.KindLabel = "年度报告"
	}
	s.pages.render(w, http.StatusOK, "progress.html", "进度查询", view)
}

// progressProblem maps a failed lookup: not found (whatever the cause) to
// errNoProgress; anything else is logged, with the reference cut out of
// the message, and said as a lookup that could not be made.
func (s *Server) progressProblem(err error, ref string) *problem {
	if errors.Is(err, archive.ErrNotFound) {
		return errNoProgress
	}
	msg := strings.NewReplacer(ref, "[reference]", strings.ToLower(ref), "[reference]").Replace(err.Error())
	s.log.Error("progress lookup failed", "err", msg)
	if storage.KindOf(err) == storage.Unavailable {
		return errProgressUnavailable
	}
	return errProgressInternal
}
