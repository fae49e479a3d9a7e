package console

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/zhongmou/award/internal/staff"
)

// loginSubmit signs a member of staff in with name, password and a TOTP
// code. A failure says only that something was wrong, never which part;
// the fifth failure in 15 minutes locks the account, and the page says
// until when. Every attempt is audited.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, nil, errBadForm)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	v := loginView{Next: safeNext(r.PostForm.Get("next")), Name: name, MaxFailures: staff.MaxFailures}
	c, err := r.Cookie(loginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostForm.Get("csrf"))) != 1 {
		v.Token = s.loginToken(w, r)
		v.Message = "登录页面已过期，请再输入一次密码和动态验证码后登录。"
		s.render(w, r, nil, http.StatusForbidden, "login.html", "登录", v)
		return
	}
	v.Token = c.Value
	otp := strings.ReplaceAll(r.PostForm.Get("otp"), " ", "")
	sess, err := s.staff.Login(r.Context(), name, r.PostForm.Get("password"), otp, s.clientIP(r))
	var locked *staff.LockedError
	switch {
	case err == nil:
		me := &who{Session: sess}
		if me.Account, err = s.staff.Get(r.Context(), sess.Account); err != nil {
			s.fail(w, r, nil, err)
			return
		}
		s.setCookie(w, r, sess.ID)
		s.audit(r, me, "login", "", nil)
		http.Redirect(w, r, v.Next, http.StatusSeeOther)
		return
	case errors.As(err, &locked):
		if locked.Started {
			s.auditAs(r, name, "login-failed", nil)
			s.auditAs(r, name, "locked", map[string]string{"until": locked.Until.In(s.loc).Format("2006-01-02 15:04")})
		} else {
			s.auditAs(r, name, "login-refused-locked", nil)
		}
		t := locked.Until.In(s.loc)
		v.Message = fmt.Sprintf("这个账号连续输错 %d 次，已锁定到 %d月%d日 %02d:%02d。请到时再登录；如果不是您本人在尝试，请立即告诉秘书处管理员。", staff.MaxFailures, int(t.Month()), t.Day(), t.Hour(), t.Minute())
		s.render(w, r, nil, http.StatusTooManyRequests, "login.html", "登录", v)
	case errors.Is(err, staff.ErrDisabled):
		s.auditAs(r, name, "login-refused-disabled", nil)
		v.Message = "这个账号已停用，不能登录。如需恢复，请联系秘书处管理员。"
		s.render(w, r, nil, http.StatusForbidden, "login.html", "登录", v)
	case errors.Is(err, staff.ErrBadCredentials):
		s.auditAs(r, s.knownName(r, name), "login-failed", nil)
		v.Message = fmt.Sprintf("账号、密码或动态验证码不对，没有登录。请核对后再试：动态验证码每 30 秒变一次，请输入当前显示的数字。连续输错 %d 次，账号将锁定 15 分钟。", staff.MaxFailures)
		s.render(w, r, nil, http.StatusUnauthorized, "login.html", "登录", v)
	default:
		s.fail(w, r, nil, err)
	}
}

// knownName is the name typed if it names an account, else a placeholder:
// what people type into the name field by mistake (a password) is not
// written to the audit log.
func (s *Server) knownName(r *http.Request, name string) string {
	if _, err := s.staff.Get(r.Context(), name); err == nil {
		return name
	}
	return "（不存在的账号）"
}
