package console

import (
	"io/fs"
	"net/http"
	"os"
	"strings"

	"github.com/zhongmou/award/internal/drafts"
	"github.com/zhongmou/award/internal/drafts/contentdir"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/site"
	"github.com/zhongmou/award/workday"
)

// DraftSite is what the pages generated from the records need: 生成公示,
// 生成公示结果 and 生成获奖名单 (internal/drafts) and their 审核发布.
type DraftSite struct {
	// Content is the site's content directory when the console runs beside
	// award serve on the same machine: drafts are written into it (never
	// over a file), listed, previewed and published there. "": each draft
	// is downloaded as its .md file (a ZIP for the winners), to be put into
	// content/ by hand; nothing is listed.
	Content string
	// Theme and Static are the site's theme and static files, Config its
	// configuration: a preview builds the site with the drafts into memory
	// and shows the page as the site would. Required with Content.
	Theme, Static fs.FS
	Config        site.Config
}

// contentFS is the content directory as a file system.
func (d *DraftSite) contentFS() fs.FS { return os.DirFS(d.Content) }

// Audit actions of the drafts.
const (
	actionDraftGenerate = "draft-generate"
	actionDraftDownload = "draft-download"
	actionDraftPreview  = "draft-preview"
	actionDraftPublish  = "draft-publish"
)

// draftsView is the drafts page: the three generation forms, the drafts
// in the content directory, and what was just done.
type draftsView struct {
	Info, Message string
	// Download: no content directory, drafts are downloaded.
	Download  bool
	TwoPerson bool
	Calls     []schedule.Call
	Pubs      []schedule.Publicity
	Drafts    []draftRow
	Form      draftForm
	// End is the last day of the window the publicity form's start gives.
	End string
}

// callChoice is a generation form's call select: its id, the calls, and
// the one chosen when the form posted was of its kind.
type callChoice struct {
	ID       string
	Calls    []schedule.Call
	Selected string
}

// CallChoice is the call select of the form of kind, with the element id.
func (v draftsView) CallChoice(kind, id string) callChoice {
	c := callChoice{ID: id, Calls: v.Calls}
	if v.Form.Kind == kind {
		c.Selected = v.Form.Call
	}
	return c
}

type draftRow struct {
	contentdir.Entry
	TypeLabel string
	// MayPublish is false when the two-person rule keeps the viewer from
	// publishing it (the viewer generated it).
	MayPublish bool
}

// draftForm is a generation form as posted (kind publicity, result or
// winners).
type draftForm struct {
	Kind, Call, Publicity, Start, Date, Action string
}

// windowsNow is the current windows manifest, or an empty one.
func (s *Server) windowsNow() *schedule.Manifest {
	if s.windows != nil {
		if m := s.windows.Current(); m != nil {
			return m
		}
	}
	return &schedule.Manifest{}
}

// draftList shows the drafts page (secretariat).
func (s *Server) draftList(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	v := s.draftsView(r, me, draftForm{})
	q := r.URL.Query()
	if made := q["made"]; len(made) > 0 {
		var names []string
		for _, n := range made {
			if contentdir.CheckName(n) == nil {
				names = append(names, "content/"+n)
			}
		}
		v.Info = "已生成草稿：" + strings.Join(names, "、") + "。草稿不会出现在网站上，请预览核对后发布。"
	}
	if p := q.Get("published"); contentdir.CheckName(p) == nil {
		v.Info = "已发布 content/" + p + "：网站重新生成后即对外显示（award serve 会自动重新生成）。"
	}
	s.render(w, r, me, http.StatusOK, "drafts.html", "公示与获奖名单", v)
}

// draftsView gathers what the page shows; problems reading the drafts are
// shown on it, not as an error page.
func (s *Server) draftsView(r *http.Request, me *who, f draftForm) draftsView {
	m := s.windowsNow()
	v := draftsView{Form: f, Calls: m.Calls, Pubs: m.Publicities, TwoPerson: s.cfg.Publishing.TwoPerson}
	if v.Form.Start == "" && s.calendar != nil {
		if d, err := s.calendar.AddWorkingDays(workday.DateOf(s.now().In(s.loc)), 1); err == nil {
			v.Form.Start = d.String()
		}
	}
	if v.Form.Date == "" {
		v.Form.Date = workday.DateOf(s.now().In(s.loc)).String()
	}
	if s.site == nil || s.site.Content == "" {
		v.Download = true
		return v
	}
	entries, err := contentdir.List(s.site.Content)
	if err != nil {
		s.log.Error("drafts not listed", "err", err)
		v.Message = "读取内容目录中的草稿出错，列表可能不全。请稍后刷新；如仍不行，请联系县信息中心。"
	}
	for _, e := range entries {
		v.Drafts = append(v.Drafts, draftRow{Entry: e, TypeLabel: draftTypeLabel(e.Name),
			MayPublish: !s.cfg.Publishing.TwoPerson || e.GeneratedBy != me.Account.Name})
	}
	return v
}

func draftTypeLabel(name string) string {
	switch {
	case strings.HasPrefix(name, drafts.SectionPublicity+"/"):
		return "候选组织名单公示"
	case strings.HasPrefix(name, drafts.SectionWinners+"/"):
		return "获奖组织页面"
	case strings.HasSuffix(name, "-result.md"):
		return "公示结果"
	case strings.HasSuffix(name, "-winners.md"):
		return "获奖通报"
	}
	return "通知"
}

// PreviewPath is the draft's page in the preview build:
// publicity/pub-call-2026-candidates.md → publicity/pub-call-2026-candidates/.
func (d draftRow) PreviewPath() string { return strings.TrimSuffix(d.Name, ".md") + "/" }
