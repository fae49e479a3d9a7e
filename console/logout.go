package console

import "net/http"

// logout ends the session on the server and in the browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	if err := s.staff.Logout(r.Context(), me.Session.ID); err != nil {
		s.fail(w, r, me, err)
		return
	}
	s.clearCookie(w, r)
	s.audit(r, me, "logout", "", nil)
	http.Redirect(w, r, Prefix+"login?ended=1", http.StatusSeeOther)
}
