package intake

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Cross-site request forgery defence on form posts, in two layers.
//
// First, the origin check (checkOrigin): browsers send an Origin header on
// every cross-origin POST (fetch, XMLHttpRequest and HTML forms alike), so a
// post whose Origin — or, when a browser leaves Origin out, whose Referer —
// names another origin than the intake's own is refused 403 forbidden
// before its body is read. The own origin is Config.PublicOrigin when set
// (set it in production behind a TLS proxy), else the request's Host.
//
// Second, a token for the HTML path: each form page carries a hidden field
// csrf, "TIMESTAMP.MAC" with MAC = HMAC-SHA256(key, "csrf|TIMESTAMP"), valid
// for Config.CSRFMaxAge (12 hours). The key is Config.CSRFKey (the same on
// every replica) or a random per-process secret. The token is required on
// every post that does not ask for JSON or that carries an Origin header,
// that is, on every post a browser makes. A JSON API client (Accept:
// application/json) without an Origin header is not a browser acting for a
// cross-site page — browsers always send Origin on cross-origin posts — so
// it needs no token, and programs can post without first fetching a form.
//
// The token binds to no session (the intake has none): it shows that the
// post comes from a form this server rendered recently, which a cross-site
// page cannot read.

// csrfKeyBytes returns the configured key or a fresh random one.
func csrfKeyBytes(cfg Config) []byte {
	if cfg.CSRFKey != "" {
		return []byte(cfg.CSRFKey)
	}
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

func (s *Server) csrfMAC(ts string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte("csrf|" + ts))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfToken returns a fresh form token.
func (s *Server) csrfToken() string {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	return ts + "." + s.csrfMAC(ts)
}

// csrfValid reports whether token is one this server issued within the
// configured age.
func (s *Server) csrfValid(token string) bool {
	ts, mac, ok := strings.Cut(token, ".")
	if !ok {
		return false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	if !hmac.Equal([]byte(mac), []byte(s.csrfMAC(ts))) {
		return false
	}
	age := s.now().Sub(time.Unix(sec, 0))
	return age >= -5*time.Minute && age <= s.cfg.CSRFMaxAge
}

// needsToken reports whether a post must carry the form token.
func needsToken(r *http.Request) bool {
	return !wantsJSON(r) || r.Header.Get("Origin") != ""
}

// ownOrigin reports whether origin (scheme://host[:port]) is the intake's.
func (s *Server) ownOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if s.cfg.PublicOrigin != "" {
		pub, err := url.Parse(s.cfg.PublicOrigin)
		return err == nil && strings.EqualFold(pub.Scheme, u.Scheme) && strings.EqualFold(pub.Host, u.Host)
	}
	// Behind a TLS proxy the request is plain HTTP while the browser's
	// origin is https, so only the host is compared here.
	return strings.EqualFold(u.Host, r.Host)
}

var errForbidden = &problem{Status: http.StatusForbidden, Code: "forbidden",
	Message: "本次提交不是从本网站的表单页面发出的，已被拒绝，没有保存任何内容。请打开本网站的表单页面填写后提交。"}

var errBadTokenJSON = &problem{Status: http.StatusForbidden, Code: "forbidden",
	Message: "缺少有效的表单令牌（csrf），本次提交没有保存任何内容。请从本网站的表单页面提交，或以 Accept: application/json 且不带 Origin 的方式调用接口。"}

var errBadToken = &problem{Status: http.StatusForbidden, Code: "forbidden",
	Message: "表单页面已过期或不完整，本次提交没有保存任何内容。下面是刷新后的表单：请核对内容、重新选择文件后再提交。"}

// errRefused answers a post that is refused without saying why (the
// honeypot): nothing in it tells a program what to change.
var errRefused = &problem{Status: http.StatusBadRequest, Code: "invalid",
	Message: "提交的内容无法受理，本次提交没有保存任何内容。请重新打开表单页面，按页面提示填写后提交。"}

// checkOrigin refuses a post from another origin (see above).
func (s *Server) checkOrigin(kind string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin == "" {
				if ref := r.Header.Get("Referer"); ref != "" {
					if u, err := url.Parse(ref); err == nil {
						origin = u.Scheme + "://" + u.Host
					} else {
						origin = "invalid"
					}
				}
			}
			if origin == "null" && sameOriginFetch(r) {
				// A page with Referrer-Policy: no-referrer (every intake
				// page) makes browsers post its form with Origin: null.
				// Fetch metadata says whether the post came from the
				// site's own page; browsers too old to send it are let
				// through. Either way the form token is then required.
				next.ServeHTTP(w, r)
				return
			}
			if origin != "" && !s.ownOrigin(r, origin) {
				s.metrics.rejections.WithLabelValues(kind, errForbidden.Code).Inc()
				s.fail(w, r, errForbidden, nil)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// honeypotField is a text field hidden from people by CSS (its label asks
// to leave it empty); programs that fill in every field fill it in.
const honeypotField = "website"

// formGuard checks the token (when needed) and the honeypot on the fields
// read so far. It runs before the first file is stored and again at the
// end of the form.
func (s *Server) formGuard(r *http.Request) func(url.Values) *problem {
	token := needsToken(r)
	return func(v url.Values) *problem {
		if v.Get(honeypotField) != "" {
			return errRefused
		}
		if token && !s.csrfValid(v.Get("csrf")) {
			if wantsJSON(r) {
				return errBadTokenJSON
			}
			return errBadToken
		}
		return nil
	}
}

// sameOriginFetch reports whether a request's fetch metadata
// (Sec-Fetch-Site) says it came from a page of the same origin, or is
// absent, as from browsers that do not send it.
func sameOriginFetch(r *http.Request) bool {
	site := r.Header.Get("Sec-Fetch-Site")
	return site == "" || site == "same-origin"
}
