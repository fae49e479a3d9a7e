package console

import (
	"net/http"
	"strings"

	"github.com/zhongmou/award/internal/connguard"
)

// contentSecurityPolicy allows only the console's own stylesheet and no
// script at all: the console works with forms and links alone.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'"

// headers sets on every answer what keeps staff pages private: never
// cached (a shared office computer, a proxy), never framed by another
// site, no referrer, no MIME sniffing.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// recoverPanics answers a handler's panic with a plain 500 page and logs it.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("console handler panicked", "path", r.URL.Path, "panic", v)
				s.fail(w, r, nil, errInternal)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// clientIP is the client's address (connguard.ClientIP, trusting the
// proxy's headers only with Config.TrustProxy).
func (s *Server) clientIP(r *http.Request) string { return connguard.ClientIP(r, s.cfg.TrustProxy) }

// overTLS reports whether the browser reached the console over TLS: the
// connection itself, or the trusted proxy's X-Forwarded-Proto. Cookies are
// then Secure.
func (s *Server) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.cfg.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
