package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/zhongmou/award/internal/archive"
)

// auditPageSize is how many records the audit page shows at once.
const auditPageSize = 50

// actionLabels are the audit log's actions as people read them.
var actionLabels = map[string]string{
	"login": "登录", "login-failed": "登录失败", "locked": "账号锁定", "login-refused-locked": "锁定期间尝试登录",
	"login-refused-disabled": "停用账号尝试登录", "logout": "退出登录", "password-change": "修改密码",
	"draft-generate": "生成草稿", "draft-download": "下载草稿", "draft-preview": "预览草稿", "draft-publish": "发布草稿",
	"case-view": "查看案件", "identity-view": "查看身份信息", "download": "下载材料", "export": "导出材料",
	"stage": "变更办理阶段", "status": "更新办理状态（命令行）", "assign": "分配评审员", "forbidden": "越权访问被拒绝",
	"csrf-refused": "表单令牌不符被拒绝", "account-add": "新建账号", "account-passwd": "重置密码",
	"account-disable": "停用账号", "audit-verify": "核验记录",
	"correction-notice": "出具补正告知", "correction-print": "打印补正告知书", "correction-extend": "延长补正期限",
	"receipt-reissue": "重新发放回执链接",
}

// auditRow is one record as the page shows it.
type auditRow struct {
	archive.AuditRecord
	ActionLabel string
	DetailText  string
}

// auditView is the audit page.
type auditView struct {
	Rows             []auditRow
	Action, Operator string
	Actions          []option
	// NextURL is the pager's link, whole (see inboxView.NextURL).
	NextURL string
}

// auditShow lists the audit log, newest first, a page at a time, with
// filters by action and operator. Records failing their check are shown
// with what is wrong.
func (s *Server) auditShow(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	q := r.URL.Query()
	v := auditView{Action: q.Get("action"), Operator: strings.TrimSpace(q.Get("operator"))}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	recs, err := s.archive.AuditLog(r.Context(), archive.AuditQuery{Before: before, Limit: auditPageSize, Action: v.Action, Operator: v.Operator})
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	for _, rec := range recs {
		v.Rows = append(v.Rows, auditRow{AuditRecord: rec, ActionLabel: firstNonEmpty(actionLabels[rec.Action], rec.Action), DetailText: detailText(rec.Details)})
	}
	for code, label := range actionLabels {
		v.Actions = append(v.Actions, option{code, label})
	}
	sortOptions(v.Actions)
	if len(recs) == auditPageSize && recs[len(recs)-1].Seq > 1 {
		next := url.Values{"before": {strconv.FormatInt(recs[len(recs)-1].Seq, 10)}}
		if v.Action != "" {
			next.Set("action", v.Action)
		}
		if v.Operator != "" {
			next.Set("operator", v.Operator)
		}
		v.NextURL = Prefix + "audit?" + next.Encode()
	}
	s.render(w, r, me, http.StatusOK, "audit.html", "操作记录", v)
}

// detailText is a record's details as one line: key=value pairs.
func detailText(d any) string {
	raw, ok := d.(json.RawMessage)
	if !ok {
		b, err := json.Marshal(d)
		if err != nil || string(b) == "null" {
			return ""
		}
		raw = b
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return string(raw)
	}
	var parts []string
	for k, val := range m {
		b, _ := json.Marshal(val)
		parts = append(parts, k+"="+strings.Trim(string(b), `"`))
	}
	slices.Sort(parts)
	return strings.Join(parts, "，")
}
