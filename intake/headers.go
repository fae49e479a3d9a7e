package intake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
)

// ContentSecurityPolicy is the policy of every intake answer and of the
// site as award serve serves it: only same-origin scripts, styles and
// forms; no inline script or style attribute; no framing by other sites.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'self'; base-uri 'self'; object-src 'none'"

// securityHeaders sets the headers every intake answer carries. Receipt
// pages carry their token in the URL, and a form re-shown after a refusal
// may carry personal entries: every intake page sends no referrer at all
// (Referrer-Policy: no-referrer; browsers then post the forms with
// Origin: null, which checkOrigin accepts from the site's own pages).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "no-referrer")
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

type requestIDKey struct{}

// requestID gives each request an id, answered in X-Request-ID and logged:
// the proxy's (X-Request-ID, e.g. nginx $request_id) when the proxy is
// trusted and the id is well formed, else a random one. It carries nothing
// about the person.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ""
		if s.cfg.TrustProxy {
			id = r.Header.Get("X-Request-ID")
			if !wellFormedID(id) {
				id = ""
			}
		}
		if id == "" {
			b := make([]byte, 12)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

func wellFormedID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// requestIDOf returns the request's id, or "".
func requestIDOf(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}
