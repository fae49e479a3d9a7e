package console

import (
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/zhongmou/award/internal/drafts"
	"github.com/zhongmou/award/internal/drafts/contentdir"
)

// draftPublish publishes a draft (secretariat): clears draft in the file,
// if it is still the page the publisher previewed (its SHA-256, posted as
// sha256); with publishing.twoPerson, only an account other than the one
// that generated it. Audited.
func (s *Server) draftPublish(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	refuse := func(status int, msg string) {
		v := s.draftsView(r, me, draftForm{})
		v.Message = msg
		s.render(w, r, me, status, "drafts.html", "公示与获奖名单", v)
	}
	if s.site == nil || s.site.Content == "" {
		refuse(http.StatusNotFound, "本工作台没有配置网站内容目录，草稿须下载后放入 content/，按网站的发布流程发布。")
		return
	}
	name, sum := strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("sha256"))
	if contentdir.CheckName(name) != nil {
		refuse(http.StatusBadRequest, "请从草稿列表中选择要发布的页面。")
		return
	}
	e, err := contentdir.Read(s.site.Content, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		refuse(http.StatusNotFound, "内容目录中没有 "+name+"，可能已被移走。")
		return
	case err != nil:
		s.fail(w, r, me, err)
		return
	}
	if !e.Draft {
		refuse(http.StatusConflict, name+" 已经发布，不是草稿。")
		return
	}
	if s.cfg.Publishing.TwoPerson && (e.GeneratedBy == "" || e.GeneratedBy == me.Account.Name) {
		who := "您生成的草稿"
		if e.GeneratedBy == "" {
			who = "这份草稿没有写明生成人（generatedBy），"
		}
		refuse(http.StatusForbidden, who+"须由另一位秘书处工作人员审核发布（已开启双人审核 publishing.twoPerson）。")
		return
	}
	_, err = contentdir.Publish(s.site.Content, name, sum)
	switch {
	case errors.Is(err, contentdir.ErrChanged):
		refuse(http.StatusConflict, err.Error())
		return
	case errors.Is(err, drafts.ErrNotDraft):
		refuse(http.StatusConflict, name+" 已经发布，不是草稿。")
		return
	case err != nil:
		s.fail(w, r, me, err)
		return
	}
	s.audit(r, me, actionDraftPublish, "", map[string]string{"file": name, "sha256": sum, "generatedBy": e.GeneratedBy})
	http.Redirect(w, r, "/staff/drafts?"+url.Values{"published": {name}}.Encode(), http.StatusSeeOther)
}
