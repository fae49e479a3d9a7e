package console

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"

	"github.com/zhongmou/award/internal/staff"
)

// loginCookie carries the sign-in form's token (a double-submit token: the
// form's hidden field must equal it), so that another site cannot sign a
// browser in to an account of its choosing.
const loginCookie = "award_staff_login"

// loginView is the sign-in form.
type loginView struct {
	Token, Next, Name string
	Message, Info     string
	MaxFailures       int
}

// loginShow shows the sign-in form.
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	v := loginView{Next: safeNext(r.URL.Query().Get("next")), MaxFailures: staff.MaxFailures}
	if r.URL.Query().Get("ended") != "" {
		v.Info = "您已退出登录。"
	}
	v.Token = s.loginToken(w, r)
	s.render(w, r, nil, http.StatusOK, "login.html", "登录", v)
}

// loginToken returns the browser's sign-in token, setting a fresh one when
// it has none.
func (s *Server) loginToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	var b [32]byte
	rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: Prefix + "login", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.overTLS(r)})
	return tok
}
