package intake

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/budget"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// problem is a request the intake turns down, said for the person: message
// and field messages in plain Chinese, each saying what to do. It is the one
// place rejections become HTTP answers (see respondProblem).
type problem struct {
	Status  int
	Code    string            // stable, for programs: invalid, not_found, window_closed, too_large, unsupported_type, rate_limited, forbidden, ineligible, unavailable, internal
	Message string            // for people
	Fields  map[string]string // field → what is wrong with it
	// RetryAfter, when positive, is sent as the Retry-After header (seconds).
	RetryAfter int
}

func (p *problem) Error() string { return p.Code + ": " + p.Message }

func invalid(fields map[string]string) *problem {
	return &problem{Status: http.StatusBadRequest, Code: "invalid",
		Message: "提交的内容有" + itoaCN(len(fields)) + "处需要修改，请按提示改正后重新提交。", Fields: fields}
}

func itoaCN(n int) string {
	digits := "〇一二三四五六七八九十"
	if n >= 0 && n <= 10 {
		return string([]rune(digits)[n])
	}
	return "多"
}

var (
	errUnavailable = &problem{Status: http.StatusServiceUnavailable, Code: "unavailable",
		Message: "系统暂时无法保存您的材料，本次提交没有保存任何内容。请稍后再试；如急需提交，请联系秘书处。"}
	errInternal = &problem{Status: http.StatusInternalServerError, Code: "internal",
		Message: "系统出现内部错误，本次提交没有保存任何内容。请稍后再试，或联系秘书处。"}
	// errSwept: the upload stalled so long that the janitor cleared it.
	errSwept = &problem{Status: http.StatusServiceUnavailable, Code: "unavailable",
		Message: "上传中断的时间过长，已按中断处理并清除，本次提交没有保存任何内容。请检查网络后重新提交。"}
	// errBusy: the memory budget had no room for this request in time.
	errBusy = &problem{Status: http.StatusServiceUnavailable, Code: "unavailable", RetryAfter: 60,
		Message: "当前提交的人较多，系统暂时无法接收您的材料，本次提交没有保存任何内容。请在1分钟后重新提交；填写的内容已为您保留。"}
	errNotMultipart = &problem{Status: http.StatusBadRequest, Code: "invalid",
		Message: "提交格式不正确：请通过网页表单提交（multipart/form-data）。"}
)

// stagedProblems answer the protocol's errors of a staged upload
// (/api/uploads/); the uploading script shows the message.
var stagedProblems = map[error]*problem{
	archive.ErrStagedNotFound: {Status: http.StatusNotFound, Code: "not_found",
		Message: "没有这个上传（可能已取消、已提交或已清除）。请重新选择文件。"},
	archive.ErrStagedExpired: {Status: http.StatusGone, Code: "expired",
		Message: "这次上传已过保留期限，已清除。请重新选择文件。"},
	archive.ErrStagedOffset: {Status: http.StatusConflict, Code: "conflict",
		Message: "上传位置与服务器记录不一致（可能在另一窗口继续了上传）。页面会从服务器已收到的位置继续。"},
	archive.ErrStagedTooLong: {Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message: "发送的内容超过了开始上传时告知的文件大小。请重新选择文件。"},
	archive.ErrStagedIncomplete: {Status: http.StatusBadRequest, Code: "invalid",
		Message: "文件尚未上传完成，请等待上传完成后再提交。"},
}

// stagedProblem is the problem of the archive's staged-upload error err
// matches, or nil.
func stagedProblem(err error) *problem {
	for e, p := range stagedProblems {
		if errors.Is(err, e) {
			return p
		}
	}
	return nil
}

// errUploadInterrupted: a PATCH's body broke off (a dropped connection, a
// stalled client). What arrived is kept; 408, so that the page's script
// asks where the server is and resumes from there.
var errUploadInterrupted = &problem{Status: http.StatusRequestTimeout, Code: "interrupted",
	Message: "上传中断（网络中断或长时间没有收到数据）。已收到的部分已保存，页面会从中断处继续上传。"}

// isStoreError reports whether err came from the store (not from the
// request's body).
func isStoreError(err error) bool {
	var se *storage.Error
	return errors.As(err, &se)
}

// storageProblem maps a storage failure to what the person is told.
func storageProblem(err error) *problem {
	if storage.KindOf(err) == storage.Unavailable {
		return errUnavailable
	}
	return errInternal
}

// asProblem returns err as a problem, logging anything unexpected.
func asProblem(log *slog.Logger, err error) *problem {
	var p *problem
	if errors.As(err, &p) {
		return p
	}
	if errors.Is(err, budget.ErrBusy) {
		return errBusy
	}
	if errors.Is(err, archive.ErrSwept) {
		return errSwept
	}
	if p := stagedProblem(err); p != nil {
		return p
	}
	if isStoreError(err) {
		log.Error("storage failure", "err", err)
		return storageProblem(err)
	}
	log.Error("internal failure", "err", err)
	return errInternal
}

// contact is whom the person is told to call (Config.Contact, else the
// secretariat).
func (s *Server) contact() string {
	if c := strings.TrimSpace(s.cfg.Contact); c != "" {
		return c
	}
	return s.cfg.Secretariat
}

// noticeClosedWhy says, for the submitter, why case c takes no supplement
// at t: it has no notice, its handling has moved on, or the deadline has
// passed; "" when it takes one.
func (s *Server) noticeClosedWhy(c *archive.Case, t time.Time) string {
	n, err := c.AcceptsSupplement(t, s.loc)
	switch {
	case err == nil:
		return ""
	case n == nil:
		return "本件没有补正告知，不接收补正材料。"
	case c.Current.Code != submission.StageCorrection && c.Current.Code != submission.StageCorrected:
		return fmt.Sprintf("本件的办理已进入“%s”阶段，补正已经结束，不再接收补正材料。", c.Status().Stage.Label)
	default:
		return "补正期限已于" + archive.ChineseDate(n.Due()) + "届满（截至当日24时），不再接收补正材料。"
	}
}

// noticeProblem is the one place the archive's refusals of a supplement
// become answers: err comes from Case.AcceptsSupplement or
// Upload.CommitSupplement, c is the case as stored now (nil when it could
// not be read), at the moment the supplement counts as received, late
// whether its upload began while the notice was still open.
//
//   - archive.ErrNoticeClosed: 403 window_closed, saying why (no notice,
//     handling moved on, deadline passed — for a late upload with the rule
//     that its last part decides — or the notice replaced meanwhile) and
//     whom to call (Config.Contact).
//   - archive.ErrNotInNotice: 400 invalid, naming the item.
//
// Anything else is asProblem's.
func (s *Server) noticeProblem(c *archive.Case, at time.Time, late bool, err error) *problem {
	switch {
	case errors.Is(err, archive.ErrNotInNotice):
		return &problem{Status: http.StatusBadRequest, Code: "invalid",
			Message: err.Error() + "。本次提交没有保存任何内容。请只提交本页补正告知中列明的材料和内容。"}
	case !errors.Is(err, archive.ErrNoticeClosed):
		return asProblem(s.log, err)
	}
	why := err.Error() + "。"
	deadline := false
	if c != nil {
		if why = s.noticeClosedWhy(c, at); why == "" {
			why = "补正告知在您提交期间已更新，请按本页最新的补正告知重新提交。"
		}
		n := c.Notice()
		deadline = n != nil && !at.Before(n.Ends(s.loc)) &&
			(c.Current.Code == submission.StageCorrection || c.Current.Code == submission.StageCorrected)
	}
	call := "如有疑问，请联系" + s.contact() + "。"
	if late && deadline {
		return lateProblem(&problem{Status: http.StatusForbidden, Code: "window_closed", Message: why + call}, "补正期限")
	}
	return &problem{Status: http.StatusForbidden, Code: "window_closed", Message: why + "本次提交没有保存任何内容。" + call}
}

// wantsJSON reports whether the client asked for JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// problemJSON is the error body of the API:
// {"error": {"code": …, "message": …, "fields": {field: message}}}.
func problemJSON(p *problem) any {
	body := map[string]any{"code": p.Code, "message": p.Message}
	if len(p.Fields) > 0 {
		body["fields"] = p.Fields
	}
	return map[string]any{"error": body}
}
