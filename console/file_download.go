package console

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"
)

// fileDownload sends one of a case's files as stored (to those who may see
// the case; audited): file n of archive.Case.Materials, the original's
// first and then each supplement's, as the case page numbers them. With ?inline=1 a PDF or picture opens in the
// browser under a sandbox policy (no script, no access to the console's
// origin); anything else is always a download. The stored name is given
// as the file name; the bytes are never interpreted by the console.
func (s *Server) fileDownload(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	v, err := s.caseView(r.Context(), me, mux.Vars(r)["reference"])
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	n, _ := strconv.Atoi(mux.Vars(r)["n"])
	m := v.manifest
	materials := caseFiles(v.kase)
	if n < 1 || n > len(materials) {
		s.fail(w, r, me, errNoFile)
		return
	}
	mt := materials[n-1]
	f := mt.File
	body, info, err := s.archive.Store().Get(r.Context(), f.Key)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	defer body.Close()
	if info.Size != f.Size {
		s.log.Error("stored file differs in size from its manifest", "reference", m.Reference, "file", n)
		s.fail(w, r, me, errInternal)
		return
	}
	inline := r.URL.Query().Get("inline") != "" && inlineType(f.Type)
	s.audit(r, me, "download", m.Reference, map[string]any{"file": n, "sha256": f.SHA256, "inline": inline, "origin": mt.OriginLabel()})
	h := w.Header()
	disposition := "attachment"
	if inline {
		disposition = "inline"
		h.Set("Content-Type", f.Type)
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	} else {
		h.Set("Content-Type", "application/octet-stream")
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("X-Content-SHA256", f.SHA256)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(w, body); err != nil {
		s.log.Warn("file download cut short", "reference", m.Reference, "file", n, "err", err)
	}
}
