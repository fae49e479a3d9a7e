package intake

import "net/http"

// refuseDeclaredTooLarge answers 413 before reading anything when a
// request declares (Content-Length) a body longer than maxBytes, and marks
// the answer Connection: close so that the body is never waited for. A
// body of unknown length is bounded while it is read (MaxBytesReader in
// the handlers).
func (s *Server) refuseDeclaredTooLarge(kind string, maxBytes int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if maxBytes > 0 && r.ContentLength > maxBytes {
				w.Header().Set("Connection", "close")
				p := readProblem(&http.MaxBytesError{Limit: maxBytes})
				s.metrics.rejections.WithLabelValues(kind, p.Code).Inc()
				s.fail(w, r, p, nil)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
