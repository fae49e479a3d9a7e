package intake

import (
	"context"
	"net/http"
	"time"

	"github.com/zhongmou/award/storage"
)

// healthz answers 200 while the process serves.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 when storage is reachable and the windows manifest is
// loaded, else 503 saying which is missing.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status, body := http.StatusOK, "ok\n"
	if p, ok := s.archive.Store().(storage.Pinger); ok {
		if err := p.Ping(ctx); err != nil {
			status, body = http.StatusServiceUnavailable, "storage unreachable\n"
		}
	}
	if m := s.manifest(); m == nil {
		status, body = http.StatusServiceUnavailable, "windows manifest not loaded\n"
	} else if status == http.StatusOK {
		status, body = s.readyWindows(ctx, w, m)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
