package intake

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/archive"
)

// uploadPatch answers PATCH /api/uploads/{id} (tus core): the body's
// bytes are appended at Upload-Offset, which must be what the server has
// (else 409 — another request got there first, or the client's offset is
// stale; a HEAD tells the right one). At offset 0 the first bytes are
// sniffed, as for a file in a form: a type the slot does not take is
// refused (415) and the upload removed. What arrives before a connection
// drops is kept, so the client resumes from the new offset (408, as the
// page's script retries it). 204 with the new Upload-Offset.
func (s *Server) uploadPatch(w http.ResponseWriter, r *http.Request) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != tusOctets {
		s.fail(w, r, &problem{Status: http.StatusUnsupportedMediaType, Code: "invalid",
			Message: "上传内容的类型应为 " + tusOctets + "。请通过网页表单上传文件。"}, nil)
		return
	}
	offset, err := strconv.ParseInt(r.Header.Get("Upload-Offset"), 10, 64)
	if err != nil || offset < 0 {
		s.fail(w, r, &problem{Status: http.StatusBadRequest, Code: "invalid", Message: "缺少上传位置（Upload-Offset）。请通过网页表单上传文件。"}, nil)
		return
	}
	id := mux.Vars(r)["id"]
	var refused *problem
	sniff := func(st archive.Staged, head []byte) error {
		slot, _ := s.stagedSlot(st.Kind, st.Field)
		if typ := detectType(head); !contains(slot.types, typ) {
			msg, mismatch := refusedTypeText(st.Name, slot.types)
			if !mismatch {
				msg = "文件“" + st.Name + "”的格式不在接受范围内（按文件内容判断，可能改过扩展名）。可以上传：" + typeNames(slot.types) + "。"
			}
			refused = &problem{Status: http.StatusUnsupportedMediaType, Code: "unsupported_type", Message: msg, Fields: map[string]string{st.Field: msg}}
			return refused
		}
		return nil
	}
	st, n, err := s.archive.WriteStaged(r.Context(), id, offset, r.Body, sniffBytes, sniff)
	if n > 0 {
		s.metrics.bytes.WithLabelValues("upload").Add(float64(n))
	}
	if refused != nil {
		if err := s.archive.RemoveStaged(r.Context(), id); err != nil {
			s.log.Warn("refused staged upload not removed; the janitor will", "id", id, "err", err)
		}
		s.metrics.rejections.WithLabelValues("upload", refused.Code).Inc()
		s.fail(w, r, refused, nil)
		return
	}
	switch {
	case err == nil:
		w.Header().Set("Upload-Offset", strconv.FormatInt(offset+n, 10))
		w.Header().Set("Upload-Expires", httpDate(st.Expires))
		w.WriteHeader(http.StatusNoContent)
	case stagedProblem(err) != nil || isStoreError(err) && r.Context().Err() == nil:
		s.fail(w, r, asProblem(s.log, err), nil)
	default:
		// The body broke off (a dropped connection, a stalled client):
		// what arrived is kept; the client resumes from a HEAD.
		s.log.Info("staged upload interrupted", "id", id, "offset", offset+n, "err", err)
		w.Header().Set("Upload-Offset", strconv.FormatInt(offset+n, 10))
		s.fail(w, r, errUploadInterrupted, nil)
	}
}
