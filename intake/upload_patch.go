package intake

import (
	"errors"
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
// drops is kept, so the client resumes from the new offset. 204 with the
// new Upload-Offset.
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
	st, _, err := s.archive.StagedUpload(r.Context(), id)
	if err != nil {
		s.fail(w, r, asProblem(s.log, err), nil)
		return
	}
	slot, _ := s.stagedSlot(st.Kind, st.Field)
	var refused *problem
	sniff := func(head []byte) error {
		if typ := detectType(head); !contains(slot.types, typ) {
			msg := "文件“" + st.Name + "”的格式不在接受范围内（按文件内容判断，可能改过扩展名）。可以上传：" + typeNames(slot.types) + "。"
			refused = &problem{Status: http.StatusUnsupportedMediaType, Code: "unsupported_type", Message: msg, Fields: map[string]string{st.Field: msg}}
			return refused
		}
		return nil
	}
	at, err := s.archive.WriteStaged(r.Context(), id, offset, r.Body, sniffBytes, sniff)
	if at > offset {
		s.metrics.bytes.WithLabelValues("upload").Add(float64(at - offset))
	}
	if refused != nil {
		if err := s.archive.RemoveStaged(r.Context(), id); err != nil {
			s.log.Warn("refused staged upload not removed; the janitor will", "id", id, "err", err)
		}
		s.metrics.rejections.WithLabelValues("upload", refused.Code).Inc()
		s.fail(w, r, refused, nil)
		return
	}
	w.Header().Set("Upload-Offset", strconv.FormatInt(at, 10))
	w.Header().Set("Upload-Expires", httpDate(st.Expires))
	switch {
	case err == nil:
		w.WriteHeader(http.StatusNoContent)
	case errors.Is(err, archive.ErrStagedOffset), errors.Is(err, archive.ErrStagedTooLong),
		errors.Is(err, archive.ErrStagedNotFound), errors.Is(err, archive.ErrStagedExpired):
		s.fail(w, r, asProblem(s.log, err), nil)
	default:
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || r.Context().Err() != nil || !isStoreError(err) {
			// The body broke off (a dropped connection, a stalled client):
			// what arrived is kept; the client resumes from a HEAD.
			s.log.Info("staged upload interrupted", "id", id, "offset", at, "err", err)
			s.fail(w, r, readProblem(err), nil)
			return
		}
		s.fail(w, r, asProblem(s.log, err), nil)
	}
}
