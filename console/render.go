package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
)

//go:embed templates/*.html templates/print/*.html static/console.css static/print.css
var assets embed.FS

// pages are the console's templates: templates/layout.html around one page
// template each. A page template defines "content"; it is given a page
// value whose Data is the handler's own view. The templates under
// templates/print/ are documents to print (the 补正告知书): whole pages of
// their own, without the console's layout, named "print/<file>".
type pages struct {
	byName   map[string]*template.Template
	css      []byte
	printCSS []byte
}

// page is what every template is given.
type page struct {
	Title string
	Me    *who
	// CSRF is the session's token, for every form's hidden csrf field.
	CSRF string
	Data any
}

// Nav reports which navigation items the person's role has.
func (p page) Nav() map[string]bool {
	if p.Me == nil {
		return nil
	}
	r := p.Me.Account.Role
	return map[string]bool{
		"inbox":   r != staff.Auditor,
		"export":  r == staff.Secretariat,
		"drafts":  r == staff.Secretariat,
		"reports": r == staff.Secretariat,
		"paper":   r == staff.Secretariat,
		"audit":   r == staff.Secretariat || r == staff.Auditor,
	}
}

func loadPages(loc *time.Location) (*pages, error) {
	funcs := template.FuncMap{
		"cnTime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			t = t.In(loc)
			return fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
		},
		"isoTime": func(t time.Time) string { return t.In(loc).Format(time.RFC3339) },
		"size":    submission.FileSize,
		"query":   func(v url.Values) string { return v.Encode() },
		"add":     func(a, b int) int { return a + b },
		"cnDate":  func(t time.Time) string { return cnDate(t, loc) },
	}
	p := &pages{byName: map[string]*template.Template{}}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		name := strings.TrimPrefix(n, "templates/")
		if name == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("console templates: %w", err)
		}
		p.byName[name] = t
	}
	prints, err := fs.Glob(assets, "templates/print/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range prints {
		name := strings.TrimPrefix(n, "templates/")
		t, err := template.New(path.Base(n)).Funcs(funcs).ParseFS(assets, n)
		if err != nil {
			return nil, fmt.Errorf("console templates: %w", err)
		}
		p.byName[name] = t
	}
	if p.css, err = assets.ReadFile("static/console.css"); err != nil {
		return nil, err
	}
	if p.printCSS, err = assets.ReadFile("static/print.css"); err != nil {
		return nil, err
	}
	return p, nil
}

// cnDate writes the day of t in loc as people read it: 2026年12月1日.
func cnDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// render writes the page name with data, or a plain 500 when the template
// fails (logged), never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, me *who, status int, name, title string, data any) {
	t := s.pages.byName[name]
	p := page{Title: title, Me: me, Data: data}
	if me != nil {
		p.CSRF = me.Session.CSRF
	}
	var buf bytes.Buffer
	if t == nil {
		s.log.Error("console template missing", "name", name)
		http.Error(w, "系统出错，请稍后再试", http.StatusInternalServerError)
		return
	}
	if err := t.Execute(&buf, p); err != nil {
		s.log.Error("console template failed", "name", name, "err", err)
		http.Error(w, "系统出错，请稍后再试", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// stylesheet serves the console's stylesheet.
func (s *Server) stylesheet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Write(s.pages.css)
}

// printStylesheet serves the stylesheet of the documents to print (A4).
func (s *Server) printStylesheet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Write(s.pages.printCSS)
}
