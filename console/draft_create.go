package console

import (
	"archive/zip"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/zhongmou/award/internal/drafts"
	"github.com/zhongmou/award/internal/drafts/contentdir"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/workday"
)

// parseDraftForm reads a generation form.
func parseDraftForm(form url.Values) draftForm {
	g := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	return draftForm{Kind: g("kind"), Call: g("call"), Publicity: g("publicity"), Start: g("start"), Date: g("date"), Action: g("action")}
}

// draftRequest checks the form and makes the generation it asks for; a
// problem is a message for the clerk.
func (s *Server) draftRequest(f draftForm, me *who) (*drafts.Request, string) {
	today := workday.DateOf(s.now().In(s.loc))
	req := &drafts.Request{Kind: f.Kind, Call: f.Call, Publicity: f.Publicity, Today: today, Windows: s.windowsNow(),
		Calendar: s.calendar, GeneratedBy: me.Account.Name}
	if s.site != nil {
		req.CloseTime = s.site.Config.PublicityCloseTime
		req.Contact = drafts.ContactLines(s.site.Config.Footer.Address, s.site.Config.Footer.Phone)
	}
	switch f.Kind {
	case drafts.KindPublicity, drafts.KindWinners:
		if f.Call == "" {
			return nil, "请选择申报通知。"
		}
	case drafts.KindResult:
		if f.Publicity == "" {
			return nil, "请选择公示。"
		}
	default:
		return nil, "请从本页的按钮生成草稿。"
	}
	var err error
	if f.Kind == drafts.KindPublicity {
		if req.Start, err = workday.ParseDate(f.Start); err != nil {
			return nil, "公示开始日期无法识别，请写成 2026-11-20 的形式。"
		}
	} else if f.Date != "" {
		if req.Date, err = workday.ParseDate(f.Date); err != nil {
			return nil, "发布日期无法识别，请写成 2026-11-30 的形式。"
		}
	}
	return req, ""
}

// draftCreate generates a draft (secretariat): with the content directory,
// written into it (never over a file) and back to the drafts page;
// without, downloaded. "计算截止日" (action=end) only shows the end of the
// window the chosen start gives. Audited.
func (s *Server) draftCreate(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	f := parseDraftForm(r.PostForm)
	refuse := func(status int, msg string) {
		v := s.draftsView(r, me, f)
		v.Message = msg
		s.render(w, r, me, status, "drafts.html", "公示与获奖名单", v)
	}
	req, msg := s.draftRequest(f, me)
	if msg != "" {
		refuse(http.StatusUnprocessableEntity, msg)
		return
	}
	if f.Kind == drafts.KindPublicity {
		start, err := req.PublicityStart()
		var last workday.Date
		if err == nil {
			o := drafts.PublicityOptions{Start: start, Calendar: s.calendar}
			last, err = o.Window()
		}
		if err != nil {
			refuse(http.StatusUnprocessableEntity, err.Error())
			return
		}
		if f.Action == "end" {
			v := s.draftsView(r, me, f)
			v.End = fmt.Sprintf("公示期为%s至%s，共%d个工作日。", start.Chinese(), last.Chinese(), schedule.MinWorkingDays)
			s.render(w, r, me, http.StatusOK, "drafts.html", "公示与获奖名单", v)
			return
		}
	}
	cases, err := s.archive.Applications(r.Context())
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	apps, err := drafts.FromCases(cases, s.archive.Signer().Verify)
	if err != nil {
		refuse(http.StatusConflict, err.Error())
		return
	}
	ds, err := req.Generate(apps)
	if err != nil {
		refuse(http.StatusUnprocessableEntity, err.Error())
		return
	}
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
	}
	details := map[string]string{"kind": f.Kind, "call": f.Call, "publicity": f.Publicity, "files": strings.Join(names, ",")}
	if s.site == nil || s.site.Content == "" {
		s.audit(r, me, actionDraftDownload, "", details)
		s.downloadDrafts(w, ds)
		return
	}
	if err := contentdir.Write(s.site.Content, ds); err != nil {
		var ex *contentdir.ExistsError
		if errors.As(err, &ex) {
			refuse(http.StatusConflict, err.Error())
			return
		}
		s.fail(w, r, me, err)
		return
	}
	s.audit(r, me, actionDraftGenerate, "", details)
	http.Redirect(w, r, "/staff/drafts?"+url.Values{"made": names}.Encode(), http.StatusSeeOther)
}

// downloadDrafts sends one draft as its .md file, several as a ZIP.
func (s *Server) downloadDrafts(w http.ResponseWriter, ds []drafts.Draft) {
	h := w.Header()
	if len(ds) == 1 {
		h.Set("Content-Type", "text/markdown; charset=utf-8")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(ds[0].Name)}))
		w.Write(ds[0].Data)
		return
	}
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "获奖名单草稿.zip"}))
	zw := zip.NewWriter(w)
	for _, d := range ds {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: "content/" + d.Name, Method: zip.Deflate, Modified: s.now()})
		if err != nil {
			s.log.Error("draft zip", "err", err)
			panic(http.ErrAbortHandler)
		}
		fw.Write(d.Data)
	}
	if err := zw.Close(); err != nil {
		panic(http.ErrAbortHandler)
	}
}
