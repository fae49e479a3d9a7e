package console

import (
	"errors"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/zhongmou/award/site"
)

// previewPrefix is where the preview build is served: the site built with
// its drafts, its links carrying this path as the base path.
const previewPrefix = Prefix + "preview/"

// previewFresh is how long a preview build is served before the next page
// view builds again (the assets a page loads come from the same build).
const previewFresh = 5 * time.Second

// previewCache keeps the latest preview build.
type previewCache struct {
	mu  sync.Mutex
	out *site.MemOutput
	at  time.Time
}

// build returns a preview build no older than previewFresh (fresh: always
// build anew).
func (s *Server) previewBuild(r *http.Request, fresh bool) (*site.MemOutput, error) {
	c := s.preview
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh && c.out != nil && time.Since(c.at) < previewFresh {
		return c.out, nil
	}
	// A fixed origin: links in the preview are relative to previewPrefix
	// whatever Host the request names.
	cfg, err := s.site.Config.WithBaseURL("http://preview.invalid" + previewPrefix)
	if err != nil {
		return nil, err
	}
	out := site.NewMemOutput()
	o := site.Options{Content: s.site.contentFS(), Theme: s.site.Theme, Static: s.site.Static, Config: cfg, Output: out,
		Calendar: s.calendar, Drafts: true, Future: true, Now: s.now(), ContentLabel: "content", ThemeLabel: "theme", Workers: 2}
	if _, err := site.Build(r.Context(), o); err != nil {
		return nil, err
	}
	c.out, c.at = out, time.Now()
	return out, nil
}

// draftPreview serves the site as it would be with its drafts published
// (secretariat), under /staff/preview/: a page view builds the site into
// memory from the content directory (drafts and future pages included),
// the stylesheets and images it loads come from that build. The console's
// headers stay (no script runs, nothing is cached). A build that fails
// shows its problems. A page view is audited.
func (s *Server) draftPreview(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	if s.site == nil || s.site.Content == "" || s.site.Theme == nil {
		s.fail(w, r, me, errNoPreview)
		return
	}
	rel := strings.TrimPrefix(path.Clean("/"+strings.TrimPrefix(r.URL.Path, previewPrefix)), "/")
	name := rel
	isPage := rel == "" || strings.HasSuffix(r.URL.Path, "/") || path.Ext(rel) == ".html"
	if rel == "" || strings.HasSuffix(r.URL.Path, "/") {
		name = strings.TrimPrefix(rel+"/index.html", "/")
	}
	out, err := s.previewBuild(r, isPage)
	if err != nil {
		var be *site.BuildError
		if errors.As(err, &be) {
			v := s.draftsView(r, me, draftForm{})
			v.Message = "预览失败：网站无法生成，草稿或其他页面有问题，请改正后再预览。" + err.Error()
			s.render(w, r, me, http.StatusUnprocessableEntity, "drafts.html", "公示与获奖名单", v)
			return
		}
		s.fail(w, r, me, err)
		return
	}
	data, ok := out.File(name)
	if !ok {
		s.fail(w, r, me, errNotFound)
		return
	}
	if isPage {
		s.audit(r, me, actionDraftPreview, "", map[string]string{"path": "/" + rel})
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}
