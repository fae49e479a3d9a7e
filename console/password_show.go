package console

import "net/http"

// passwordView is the password form.
type passwordView struct {
	Forced  bool // the first sign-in: an initial password must be replaced
	Message string
	Fields  map[string]string // messages by field
	Done    bool
}

// passwordShow shows the form to change one's own password.
func (s *Server) passwordShow(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	v := passwordView{Forced: me.Account.MustChangePassword, Done: r.URL.Query().Get("done") != ""}
	s.render(w, r, me, http.StatusOK, "password.html", "修改密码", v)
}
