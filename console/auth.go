package console

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/zhongmou/award/internal/staff"
)

// sessionCookie holds the session's ID; the store keeps only its SHA-256.
const sessionCookie = "award_staff"

// maxFormBytes bounds a console form's body: notes and reasons are short.
const maxFormBytes = 64 << 10

// who is the signed-in member of staff a request acts for.
type who struct {
	Session staff.Session
	Account staff.Account
}

type whoKey struct{}

// whoOf returns the request's member of staff (set by signedIn).
func whoOf(r *http.Request) *who {
	w, _ := r.Context().Value(whoKey{}).(*who)
	return w
}

// signedIn serves next only to a valid session of one of roles: without one
// it redirects to the sign-in page (nothing of the page is shown); with
// another role it answers 403; a POST must carry the session's CSRF token;
// a person who must still set their own password is sent to do so first.
func (s *Server) signedIn(roles []staff.Role, next http.HandlerFunc) http.Handler {
	return s.guard(roles, 0, next)
}

// maxFormMemory is how much of a multipart form is kept in memory; the
// rest of its files wait in temporary files, removed after the request.
const maxFormMemory = 8 << 20

// signedInUpload is signedIn for a form that carries a file
// (multipart/form-data, at most maxBytes): the role is checked before the
// body is read, the CSRF token after; the files are in r.MultipartForm,
// removed when the handler returns. A plain form is read as signedIn reads
// it.
func (s *Server) signedInUpload(roles []staff.Role, maxBytes int64, next http.HandlerFunc) http.Handler {
	return s.guard(roles, maxBytes, next)
}

// guard is signedIn (upload 0) and signedInUpload (upload: the largest
// multipart body taken).
func (s *Server) guard(roles []staff.Role, upload int64, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			s.toLogin(w, r)
			return
		}
		sess, acct, err := s.staff.Session(r.Context(), c.Value)
		if errors.Is(err, staff.ErrNoSession) {
			s.clearCookie(w, r)
			s.toLogin(w, r)
			return
		}
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		me := &who{Session: sess, Account: acct}
		r = r.WithContext(context.WithValue(r.Context(), whoKey{}, me))
		if r.Method == http.MethodPost {
			multi := upload > 0 && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
			if multi && !slices.Contains(roles, acct.Role) {
				s.audit(r, me, "forbidden", "", map[string]string{"path": r.URL.Path})
				s.fail(w, r, me, errForbidden)
				return
			}
			var err error
			if multi {
				r.Body = http.MaxBytesReader(w, r.Body, upload)
				err = r.ParseMultipartForm(maxFormMemory)
				if r.MultipartForm != nil {
					defer r.MultipartForm.RemoveAll()
				}
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
				err = r.ParseForm()
			}
			var tooLarge *http.MaxBytesError
			if multi && errors.As(err, &tooLarge) {
				s.fail(w, r, me, errTooLarge)
				return
			}
			if err != nil {
				s.fail(w, r, me, errBadForm)
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(sess.CSRF)) != 1 {
				s.audit(r, me, "csrf-refused", "", map[string]string{"path": r.URL.Path})
				s.fail(w, r, me, errCSRF)
				return
			}
		}
		if acct.MustChangePassword && r.URL.Path != Prefix+"password" && r.URL.Path != Prefix+"logout" {
			http.Redirect(w, r, Prefix+"password", http.StatusSeeOther)
			return
		}
		if !slices.Contains(roles, acct.Role) {
			s.audit(r, me, "forbidden", "", map[string]string{"path": r.URL.Path})
			s.fail(w, r, me, errForbidden)
			return
		}
		next(w, r)
	})
}

// toLogin redirects to the sign-in page, remembering where the person was
// going when it was a page (GET) of the console.
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	target := Prefix + "login"
	if r.Method == http.MethodGet && r.URL.Path != Prefix {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// safeNext is where to go after signing in: a console path, never another
// site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") || strings.HasPrefix(next, Prefix+"login") {
		return Prefix
	}
	return next
}

// setCookie gives the browser its session: HttpOnly, SameSite=Strict,
// Secure over TLS, for the console's path only, ending with the browser.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: Prefix, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.overTLS(r)})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.overTLS(r)})
}

// canSee reports whether the member of staff may see a case (see
// visible), looking up the case's assignment for a reviewer.
func (s *Server) canSee(ctx context.Context, me *who, c *caseSummary) bool {
	var assigned map[string]bool
	if me.Account.Role == staff.Reviewer {
		assigned = map[string]bool{c.Reference: s.assigned(ctx, c.Reference, me.Account.Name)}
	}
	return s.visible(me, c, assigned)
}
