package intake

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/budget"
	"github.com/zhongmou/award/storage"
)

// problem is a request the intake turns down, said for the person: message
// and field messages in plain Chinese, each saying what to do. It is the one
// place rejections become HTTP answers (see respondProblem).
type problem struct {
	Status  int
	Code    string            // stable, for programs: invalid, not_found, window_closed, too_large, unsupported_type, rate_limited, unavailable, internal
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
	var se *storage.Error
	if errors.As(err, &se) {
		log.Error("storage failure", "err", err)
		return storageProblem(err)
	}
	log.Error("internal failure", "err", err)
	return errInternal
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
