package intake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

// uploadCreate answers POST /api/uploads/ (tus creation): a staged upload
// of Upload-Length bytes for the form of Upload-Metadata's kind and its
// file slot field, named filename (or name). The length must be known
// (no Upload-Defer-Length) and within the slot's limit; nothing is stored
// for a refused one. 201 with Location and Upload-Expires.
func (s *Server) uploadCreate(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upload-Defer-Length") != "" {
		s.fail(w, r, &problem{Status: http.StatusBadRequest, Code: "invalid", Message: "上传前需要告知文件大小（不支持 Upload-Defer-Length）。请通过网页表单上传文件。"}, nil)
		return
	}
	length, err := strconv.ParseInt(r.Header.Get("Upload-Length"), 10, 64)
	if err != nil || length < 0 {
		s.fail(w, r, &problem{Status: http.StatusBadRequest, Code: "invalid", Message: "缺少文件大小（Upload-Length）。请通过网页表单上传文件。"}, nil)
		return
	}
	md, ok := parseTusMetadata(r.Header.Get("Upload-Metadata"))
	if !ok {
		s.fail(w, r, &problem{Status: http.StatusBadRequest, Code: "invalid", Message: "上传信息（Upload-Metadata）格式不正确。请通过网页表单上传文件。"}, nil)
		return
	}
	kind, field := md["kind"], md["field"]
	name := md["filename"]
	if name == "" {
		name = md["name"]
	}
	slot, ok := s.stagedSlot(kind, field)
	if !ok {
		s.fail(w, r, &problem{Status: http.StatusBadRequest, Code: "invalid", Message: "不接受这个文件栏目，请通过网页表单上传文件。"}, nil)
		return
	}
	display := submission.SanitizeFileName(name)
	fail := func(status int, code, msg string) {
		s.metrics.rejections.WithLabelValues("upload", code).Inc()
		s.fail(w, r, &problem{Status: status, Code: code, Message: msg, Fields: map[string]string{field: msg}}, nil)
	}
	switch {
	case strings.TrimSpace(name) == "" || display == "" || display == "." || unsafeName(name):
		fail(http.StatusBadRequest, "invalid", "文件名“"+display+"”含有不允许的字符（路径符号 / \\ 、“..” 或控制字符）或为空，请把文件改为普通的名称后重新选择。")
	case length == 0:
		fail(http.StatusBadRequest, "invalid", "文件“"+display+"”是空文件，请选择正确的文件。")
	case length > slot.maxBytes:
		fail(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("文件“%s”超过单个文件%s的上限，请压缩或拆分后重新选择。", display, sizeText(slot.maxBytes)))
	default:
		st, err := s.archive.CreateStaged(r.Context(), archive.Staged{Kind: kind, Field: field, Name: display, Length: length})
		if err != nil {
			s.fail(w, r, asProblem(s.log, err), nil)
			return
		}
		w.Header().Set("Location", s.URL("upload", "id", st.ID))
		w.Header().Set("Upload-Expires", httpDate(st.Expires))
		w.WriteHeader(http.StatusCreated)
	}
}
