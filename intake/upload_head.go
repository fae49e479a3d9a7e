package intake

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"
)

// uploadHead answers HEAD /api/uploads/{id}: how many bytes the server
// has (Upload-Offset), of how many (Upload-Length), and until when it
// keeps them (Upload-Expires). 404 for an unknown or removed upload, 410
// for an expired one.
func (s *Server) uploadHead(w http.ResponseWriter, r *http.Request) {
	st, offset, err := s.archive.StagedUpload(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		s.fail(w, r, asProblem(s.log, err), nil)
		return
	}
	h := w.Header()
	h.Set("Upload-Offset", strconv.FormatInt(offset, 10))
	h.Set("Upload-Length", strconv.FormatInt(st.Length, 10))
	h.Set("Upload-Expires", httpDate(st.Expires))
	w.WriteHeader(http.StatusOK)
}
