package intake

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/submission"
)

// Staged uploads: /api/uploads/ speaks the tus resumable upload protocol,
// version 1.0.0, with its creation, termination and expiration extensions
// (https://tus.io/protocols/resumable-upload). Each file a person chooses
// is sent ahead of the form, resumably; the form then names it by id in a
// `staged` field (see stagedPart). The uploads live in the archive
// (archive.Staged): offsets and part records in the store, written only
// if absent, so that any replica continues any upload and no lock is held.
//
// A request but OPTIONS without Tus-Resumable: 1.0.0 gets 412. Answers
// carry Tus-Resumable and, on error, the intake's problem JSON.
const (
	tusVersion    = "1.0.0"
	tusExtensions = "creation,termination,expiration"
	tusOctets     = "application/offset+octet-stream"
)

func (s *Server) uploadRoutes(api *mux.Router) {
	create := s.checkOrigin("upload")(s.rateLimit(s.uploadLim, "upload")(http.HandlerFunc(s.uploadCreate)))
	patch := s.checkOrigin("upload")(s.dropStalled(http.HandlerFunc(s.uploadPatch)))
	remove := s.checkOrigin("upload")(http.HandlerFunc(s.uploadDelete))
	for _, p := range []string{"/uploads", "/uploads/"} {
		api.Handle(p, tusAnswers(http.HandlerFunc(s.uploadOptions))).Methods(http.MethodOptions)
		api.Handle(p, tusAnswers(create)).Methods(http.MethodPost)
	}
	api.Handle("/uploads/{id}", tusAnswers(http.HandlerFunc(s.uploadOptions))).Methods(http.MethodOptions)
	api.Handle("/uploads/{id}", tusAnswers(http.HandlerFunc(s.uploadHead))).Methods(http.MethodHead, http.MethodGet).Name("upload")
	api.Handle("/uploads/{id}", tusAnswers(patch)).Methods(http.MethodPatch)
	api.Handle("/uploads/{id}", tusAnswers(remove)).Methods(http.MethodDelete)
}

// tusAnswers makes every answer of the upload routes a protocol answer:
// Tus-Resumable set, never cached, errors as JSON (problems, for the
// uploading script to show); and refuses with 412 a request that does not
// speak the protocol's version.
func tusAnswers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Tus-Resumable", tusVersion)
		w.Header().Set("Cache-Control", "no-store")
		r.Header.Set("Accept", "application/json")
		if r.Method != http.MethodOptions && r.Header.Get("Tus-Resumable") != tusVersion {
			w.Header().Set("Tus-Version", tusVersion)
			writeJSON(w, http.StatusPreconditionFailed, problemJSON(&problem{Status: http.StatusPreconditionFailed, Code: "invalid",
				Message: "上传方式不受支持（需要 Tus-Resumable: 1.0.0）。请通过网页表单上传文件。"}))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// uploadOptions answers OPTIONS: the protocol's version, extensions and
// the largest upload any slot takes.
func (s *Server) uploadOptions(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Tus-Version", tusVersion)
	h.Set("Tus-Extension", tusExtensions)
	h.Set("Tus-Max-Size", strconv.FormatInt(s.maxStagedBytes(), 10))
	w.WriteHeader(http.StatusNoContent)
}

// stagedSlot is what a staged upload for field of a form of kind may be:
// the slot's types, size and count. A supplement may carry any slot of an
// application or an objection; the notice narrows it when the form is
// posted.
func (s *Server) stagedSlot(kind, field string) (fileSlot, bool) {
	evidence := fileSlot{maxCount: s.cfg.Limits.MaxFiles, maxBytes: s.cfg.Limits.MaxFileBytes, types: s.cfg.Limits.AllowedTypes}
	if (kind == submission.KindObjection || kind == submission.KindSupplement) && field == submission.EvidenceSlot {
		return evidence, true
	}
	if kind == submission.KindReport || kind == submission.KindSupplement {
		if sl, ok := reportSlot(field); ok {
			return slotLimits(sl), true
		}
	}
	if kind == submission.KindApplication || kind == submission.KindSupplement {
		for _, sl := range submission.ApplicationSlots() {
			if sl.Name == field {
				return slotLimits(sl), true
			}
		}
	}
	return fileSlot{}, false
}

// maxStagedBytes is the largest file any slot takes.
func (s *Server) maxStagedBytes() int64 {
	n := s.cfg.Limits.MaxFileBytes
	for _, sl := range submission.ApplicationSlots() {
		n = max(n, sl.MaxBytes)
	}
	return n
}

// parseTusMetadata reads Upload-Metadata: comma-separated pairs of a key
// and a base64 value (the value may be absent). ok is false when a value
// is not base64.
func parseTusMetadata(h string) (map[string]string, bool) {
	md := map[string]string{}
	for _, pair := range strings.Split(h, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		key, val, _ := strings.Cut(pair, " ")
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(val))
		if err != nil {
			return nil, false
		}
		md[key] = string(b)
	}
	return md, true
}

// httpDate is the protocol's form of Upload-Expires (RFC 7231).
func httpDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }
