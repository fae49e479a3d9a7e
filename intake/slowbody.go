package intake

import (
	"io"
	"net/http"
	"time"
)

// dropStalled guards against slow uploads (slowloris on the body): the
// connection's read deadline is kept at StallTimeout ahead of every read of
// the body, so an upload from which no byte arrives for that long fails
// its read, is answered as an interrupted submission and leaves nothing
// stored. A steady upload, however slow overall, is never cut off. The
// deadline is left in place when the handler returns: the server must not
// wait without limit for the rest of a body to discard it (the serving
// listener's connguard.ReadDeadlines also marks such answers
// Connection: close, so they are delivered at once).
func (s *Server) dropStalled(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.StallTimeout <= 0 || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(s.cfg.StallTimeout)); err != nil {
			next.ServeHTTP(w, r) // not on a real connection (tests with a recorder)
			return
		}
		r.Body = &stallReader{ReadCloser: r.Body, rc: rc, stall: s.cfg.StallTimeout, set: time.Now()}
		next.ServeHTTP(w, r)
	})
}

// stallReader moves the read deadline forward before each read, at most
// once every tenth of the stall timeout.
type stallReader struct {
	io.ReadCloser
	rc    *http.ResponseController
	stall time.Duration
	set   time.Time
}

func (s *stallReader) Read(p []byte) (int, error) {
	if now := time.Now(); now.Sub(s.set) > s.stall/10 {
		s.set = now
		_ = s.rc.SetReadDeadline(now.Add(s.stall))
	}
	return s.ReadCloser.Read(p)
}
