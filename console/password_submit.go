package console

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/zhongmou/award/internal/staff"
)

// passwordSubmit changes the person's own password: the old one, the new
// one twice. Every other session of the account ends; this one goes on.
func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	old, pw, again := r.PostForm.Get("old"), r.PostForm.Get("new"), r.PostForm.Get("again")
	v := passwordView{Forced: me.Account.MustChangePassword, Fields: map[string]string{}}
	if pw != again {
		v.Fields["again"] = "两次输入的新密码不一样，请重新输入。"
	}
	if len(v.Fields) == 0 {
		err := s.staff.ChangePassword(r.Context(), me.Session.ID, old, pw)
		var policy *staff.PolicyError
		var locked *staff.LockedError
		switch {
		case err == nil:
			s.audit(r, me, "password-change", "", nil)
			http.Redirect(w, r, Prefix+"password?done=1", http.StatusSeeOther)
			return
		case errors.Is(err, staff.ErrBadCredentials):
			v.Fields["old"] = "原密码不对，请重新输入。"
		case errors.As(err, &locked):
			if locked.Started {
				s.audit(r, me, "locked", "", map[string]string{"until": locked.Until.In(s.loc).Format("2006-01-02 15:04")})
			}
			t := locked.Until.In(s.loc)
			v.Fields["old"] = fmt.Sprintf("原密码连续输错 %d 次，账号已锁定到 %02d:%02d，到时再修改。", staff.MaxFailures, t.Hour(), t.Minute())
		case errors.As(err, &policy):
			v.Fields["new"] = policy.Error()
		default:
			s.fail(w, r, me, err)
			return
		}
	}
	v.Message = "密码没有修改，请按下面的提示改正后再提交。"
	s.render(w, r, me, http.StatusUnprocessableEntity, "password.html", "修改密码", v)
}
