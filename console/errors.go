package console

import (
	"errors"
	"net/http"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/storage"
)

// pageError is an error a member of staff sees: its HTTP status, a title
// and what to do, in Chinese. Every error a handler meets is mapped to one
// here (errorPage), in one place.
type pageError struct {
	Status  int
	Title   string
	Message string
}

func (e *pageError) Error() string { return e.Title + "：" + e.Message }

var (
	errForbidden = &pageError{http.StatusForbidden, "没有权限", "您的账号角色不能查看或办理这一项。如确需办理，请联系秘书处管理员调整账号角色。"}
	errCSRF      = &pageError{http.StatusForbidden, "页面已过期", "这个表单不是从您当前登录的页面提交的，或登录已重新开始。请返回上一页，刷新后再提交一次。"}
	errBadForm   = &pageError{http.StatusBadRequest, "表单内容无法读取", "提交的内容过长或格式不对。请返回上一页，检查后再提交。"}
	errTooLarge  = &pageError{http.StatusRequestEntityTooLarge, "文件太大", "上传的文件超过了大小上限（推荐意见每份不超过 50 MB；代录纸质来件的文件合计不超过网上申报的上限），没有保存任何内容。请压缩或重新扫描（300 dpi 即可）后再上传。"}
	errNoCase    = &pageError{http.StatusNotFound, "没有这个受理编号", "没有找到这个受理编号的申报或异议，或者您的账号不能查看它。请回到收件箱核对编号。"}
	errNoFile    = &pageError{http.StatusNotFound, "没有这个文件", "这份材料里没有这个文件。请回到案件页面重新选择。"}
	errNoNotice  = &pageError{http.StatusNotFound, "没有这份补正告知", "这个案件没有这一号补正告知。请回到案件页面，从“一次性告知”一栏进入。"}
	errNotFound  = &pageError{http.StatusNotFound, "没有这个页面", "请从收件箱进入。"}
	errMethod    = &pageError{http.StatusMethodNotAllowed, "不能这样打开这个页面", "请从收件箱或案件页面上的按钮进入。"}
	errInternal  = &pageError{http.StatusInternalServerError, "系统出错", "这次操作没有完成。请稍后再试；如仍不行，请联系县信息中心，并告知出错的时间。"}
	errStore     = &pageError{http.StatusServiceUnavailable, "存储暂时不可用", "系统暂时读写不了存储，这次操作没有完成。请过几分钟再试；如仍不行，请联系县信息中心。"}
	errConflict  = &pageError{http.StatusConflict, "案件刚被他人更新", "您打开页面之后，已有其他人更新了这个案件的办理阶段，您的这次操作没有保存。请刷新案件页面，看过最新情况后再操作。"}
	errNoPreview = &pageError{http.StatusNotFound, "不能预览", "本工作台没有配置网站内容目录和主题（与 award serve 在同一台机器上运行时才能预览）。请下载草稿，用 award build -drafts 预览。"}
	errNoKey     = &pageError{http.StatusServiceUnavailable, "身份信息无法解密", "本服务没有身份信息密钥，不能显示身份信息。请联系县信息中心。"}
)

// errorPage maps err to what the person is shown.
func errorPage(err error) *pageError {
	var pe *pageError
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, archive.ErrNotFound):
		return errNoCase
	case errors.Is(err, archive.ErrConflict):
		return errConflict
	case errors.Is(err, archive.ErrNoIdentityKey), errors.Is(err, archive.ErrIdentityLocked):
		return errNoKey
	case storage.KindOf(err) == storage.Unavailable:
		return errStore
	}
	return errInternal
}

// fail answers the request with err's page; errors the person cannot mend
// are logged (without personal data: only the path and the error).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, me *who, err error) {
	pe := errorPage(err)
	if pe.Status >= 500 {
		s.log.Error("console request failed", "path", r.URL.Path, "err", err)
	}
	s.render(w, r, me, pe.Status, "error.html", pe.Title, pe)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) { s.fail(w, r, nil, errNotFound) }

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, nil, errMethod)
}

// eventRefused answers a case event that the archive did not record
// (err != nil), with the case page again where the clerk can act on it:
// a conflict (someone moved the case meanwhile) shows the case as it is
// now, 409; a refused move or notice says why, 422 (ErrStage, ErrNotice;
// their text is for the clerk); anything else is an error page. v is the
// page refuse renders; on a conflict it is replaced by the case read
// again. It reports whether it answered.
func (s *Server) eventRefused(w http.ResponseWriter, r *http.Request, me *who, ref string, err error, v **caseView, refuse func(status int, msg string)) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, archive.ErrConflict):
		fresh, err := s.caseView(r.Context(), me, ref)
		if err != nil {
			s.fail(w, r, me, err)
			return true
		}
		*v = fresh
		refuse(http.StatusConflict, errConflict.Message)
	case errors.Is(err, archive.ErrNotice), errors.Is(err, archive.ErrStage):
		refuse(http.StatusUnprocessableEntity, err.Error())
	default:
		s.fail(w, r, me, err)
	}
	return true
}
