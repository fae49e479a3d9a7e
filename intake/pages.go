package intake

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/pagechrome"
	"github.com/zhongmou/award/submission"
)

//go:embed templates/*.html
var templateFS embed.FS

// noticeVersion names the privacy notice shown with the forms; the manifest
// records which one a person accepted.
const noticeVersion = "2026-12"

// pages renders the intake's HTML pages.
type pages struct {
	t   *template.Template
	cfg Config
	// csrf issues the form token each page embeds (see csrf.go).
	csrf func() string
	// chrome is the site's header and footer; nil: the layout's own.
	chrome Chrome
}

// currentChrome is the site's chrome, or nil.
func (p *pages) currentChrome() *pagechrome.Chrome {
	if p.chrome == nil {
		return nil
	}
	return p.chrome.Current()
}

// warnNoChrome logs a warning, for the person running the intake, when
// there is no site chrome (yet): the pages then show their plain header
// and footer until the site build writes it. The error of a source that
// has one (pagechrome.File's Err) says why.
func (p *pages) warnNoChrome(log *slog.Logger) {
	if p.currentChrome() != nil {
		return
	}
	var args []any
	if e, ok := p.chrome.(interface{ Err() error }); ok && e.Err() != nil {
		args = append(args, "err", e.Err().Error())
	}
	log.Warn("未读到网站生成的页眉页脚（"+pagechrome.Name+"）：受理页面暂用简易页眉页脚，没有网站导航和网站标识码、备案号；运行 award build 后自动改用网站的页眉页脚", args...)
}

func loadPages(cfg Config) (*pages, error) {
	loc, _ := time.LoadLocation(cfg.TimeZone)
	funcs := template.FuncMap{
		"cnTime": func(t time.Time) string {
			t = t.In(loc)
			return fmt.Sprintf("%d年%d月%d日 %02d:%02d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second())
		},
		"size":     submission.FileSize,
		"sizeText": sizeText,
		"add":      func(a, b int) int { return a + b },
		"site":     func(p string) string { return strings.TrimSuffix(cfg.BasePath, "/") + p },
		"fieldErr": func(p *problem, name string) string {
			if p == nil {
				return ""
			}
			return p.Fields[name]
		},
	}
	t, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("intake templates: %w", err)
	}
	return &pages{t: t, cfg: cfg}, nil
}

// formDescriptions are the meta descriptions of the blank forms, the only
// intake pages that search engines may index; receipts and answers to a
// post are personal and carry noindex.
var formDescriptions = map[string]string{
	"objection.html":   "公示期内对中牟县县长质量奖候选组织提出书面异议：实名填写异议人信息和事实理由，上传证明材料，提交后取得受理回执。",
	"application.html": "在线申报中牟县县长质量奖：填写组织信息和逐项声明，上传申报材料，提交后取得收件清单。",
}

// pageData is common to every page.
type pageData struct {
	Title       string
	Description string // set on an indexable page (a blank form)
	SiteTitle   string
	Cfg         Config
	Notice      string
	CSRF        string // the form token, field csrf
	// Header and Footer are the site's chrome, from its own build (so not
	// escaped); empty, the layout shows a plain header or footer instead.
	Header, Footer template.HTML
	Body           any
}

func (p *pages) render(w http.ResponseWriter, status int, name, title string, body any) {
	var buf bytes.Buffer
	data := pageData{Title: title, SiteTitle: p.cfg.SiteTitle, Cfg: p.cfg, Notice: noticeVersion, Body: body}
	if status == http.StatusOK {
		data.Description = formDescriptions[name]
	}
	if p.csrf != nil {
		data.CSRF = p.csrf()
	}
	if c := p.currentChrome(); c != nil {
		data.Header, data.Footer = template.HTML(c.Header), template.HTML(c.Footer)
	}
	if err := p.t.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "页面生成出错，请稍后再试。", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// formView is a form page that can be shown again with a problem.
type formView interface {
	// page names the template and the title.
	page() (name, title string)
	// setProblem records the problem to summarise above the form.
	setProblem(*problem)
}

// fail answers a turned-down request: JSON for programs; for people, the
// form again with their entries and an error summary when there is a form,
// else an error page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, p *problem, form formView) {
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	if wantsJSON(r) {
		writeJSON(w, p.Status, problemJSON(p))
		return
	}
	if form != nil {
		form.setProblem(p)
		name, title := form.page()
		s.pages.render(w, p.Status, name, title, form)
		return
	}
	s.pages.render(w, p.Status, "error.html", "无法完成", p)
}
