package console

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/zhongmou/award/internal/export"
)

// exportView is the export page.
type exportView struct {
	Message string
	Reason  string
}

// exportDownload makes what award export makes — every file verified
// against its SHA-256, 汇总.xlsx, 校验报告.txt — as one ZIP streamed to the
// browser. GET ?download=1 exports without identities; POST with a reason
// exports with them (the secretariat only, like the route). GET alone
// shows the page with both buttons. The export writes its own audit record
// (who, why, what, counts).
func (s *Server) exportDownload(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	withIdentities := r.Method == http.MethodPost
	if !withIdentities && r.URL.Query().Get("download") == "" {
		s.render(w, r, me, http.StatusOK, "export.html", "导出本轮材料", exportView{})
		return
	}
	o := export.Options{Store: s.archive.Store(), Signer: s.archive.Signer(), Statuses: s.archive.Statuses,
		Operator: me.Account.Name, Client: s.clientIP(r), Now: s.now, Location: s.loc}
	if withIdentities {
		reason := strings.TrimSpace(r.PostForm.Get("reason"))
		if utf8.RuneCountInString(reason) < 4 {
			s.render(w, r, me, http.StatusUnprocessableEntity, "export.html", "导出本轮材料",
				exportView{Message: "导出身份信息须写明原因（至少 4 个字，如“报送评审委员会存档”）。", Reason: reason})
			return
		}
		if s.archive.Sealer() == nil {
			s.fail(w, r, me, errNoKey)
			return
		}
		o.Sealer, o.Reason = s.archive.Sealer(), reason
	}
	name := fmt.Sprintf("县长质量奖材料-%s", s.now().In(s.loc).Format("20060102-1504"))
	if withIdentities {
		name += "-含身份信息"
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".zip"}))
	rep, err := export.WriteZIP(r.Context(), w, o)
	switch {
	case err == nil, errors.Is(err, export.ErrMismatch), errors.Is(err, export.ErrIdentity), errors.Is(err, export.ErrRecords):
		// Written whole; what the checks found is in 校验报告.txt.
		if err != nil {
			s.log.Warn("export found problems", "operator", me.Account.Name, "err", err)
		}
	default:
		// Cut short: the browser sees a broken download, not a ZIP that
		// looks whole.
		s.log.Error("export failed", "operator", me.Account.Name, "err", err)
		panic(http.ErrAbortHandler)
	}
	s.log.Info("export streamed", "operator", me.Account.Name, "submissions", len(rep.Submissions), "identities", withIdentities)
}
