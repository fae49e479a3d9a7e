package connguard

import (
	"net"
	"net/http"
	"strings"
)

// ClientIP is the address a request comes from: the connection's peer,
// or, behind a proxy the service trusts (trustProxy), the address the
// proxy reports in X-Real-IP (nginx: proxy_set_header X-Real-IP
// $remote_addr), else the last hop of X-Forwarded-For. Without trustProxy
// these headers are ignored, since any client can send them.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if v := strings.TrimSpace(r.Header.Get("X-Real-IP")); v != "" && net.ParseIP(v) != nil {
			return v
		}
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			hops := strings.Split(xff, ",")
			if v := strings.TrimSpace(hops[len(hops)-1]); net.ParseIP(v) != nil {
				return v
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
