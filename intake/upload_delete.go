package intake

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/archive"
)

// uploadDelete answers DELETE /api/uploads/{id} (tus termination): the
// staged upload and everything stored of it are removed; 204. An unknown
// one gets 404.
func (s *Server) uploadDelete(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, _, err := s.archive.StagedUpload(r.Context(), id); err != nil && err != archive.ErrStagedExpired {
		s.fail(w, r, asProblem(s.log, err), nil)
		return
	}
	if err := s.archive.RemoveStaged(r.Context(), id); err != nil {
		s.fail(w, r, asProblem(s.log, err), nil)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
