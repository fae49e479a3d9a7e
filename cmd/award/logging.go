package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Log formats of the -log flag (serve, intake).
const (
	logAuto = "auto" // Chinese lines on a terminal, else JSON
	logJSON = "json" // one JSON object per line (for journald, a log collector)
	logText = "text" // one Chinese line per event, even when not a terminal
)

// beijing is the time zone of every logged time: China Standard Time,
// +08:00, without daylight saving (a fixed zone needs no tzdata on the
// server).
var beijing = time.FixedZone("CST", 8*60*60)

// newLogger returns the logger of the services for w: with format auto,
// one readable Chinese line per event when w is a terminal (zhHandler),
// else JSON lines; json and text force one or the other. Times are in
// +08:00 either way; the level is Info.
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "", logAuto:
		if isTerminal(w) {
			return slog.New(newZhHandler(w)), nil
		}
		return slog.New(newJSONHandler(w)), nil
	case logJSON:
		return slog.New(newJSONHandler(w)), nil
	case logText:
		return slog.New(newZhHandler(w)), nil
	}
	return nil, fmt.Errorf("-log %q：只能是 auto（终端上显示中文，否则 JSON）、json 或 text（中文）", format)
}

// cliLogger is the logger of the one-shot commands (status, export,
// staff, audit): Chinese lines on a terminal, else JSON.
func cliLogger(w io.Writer) *slog.Logger {
	l, _ := newLogger(w, logAuto)
	return l
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newJSONHandler is slog's JSON handler with times in +08:00.
func newJSONHandler(w io.Writer) slog.Handler {
	return slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
			a.Value = slog.TimeValue(a.Value.Time().In(beijing))
		}
		return a
	}})
}

// zhHandler writes one line per record, for a person at a terminal:
//
//	2026-11-24 10:00:00 信息 请求 POST /api/objections → 303（12 毫秒，请求体 2048 字节，请求编号 …）
//	2026-11-24 10:00:05 警告 发件失败，稍后重试：错误=dial tcp: … 次数=2
//
// The time is in +08:00; the level, the messages the services log
// (zhMessages) and the attributes' names (zhKeys) are said in Chinese, a
// message or name not in the tables as it is. Line breaks inside values
// are written as ⏎ so that one event stays one line.
type zhHandler struct {
	mu     *sync.Mutex
	w      io.Writer
	attrs  []slog.Attr // from WithAttrs, already prefixed with their groups
	prefix string      // the open groups, "g1.g2."
}

func newZhHandler(w io.Writer) *zhHandler { return &zhHandler{mu: new(sync.Mutex), w: w} }

func (h *zhHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *zhHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs = slices.Clone(h.attrs)
	for _, a := range as {
		h2.attrs = append(h2.attrs, slog.Attr{Key: h.prefix + a.Key, Value: a.Value})
	}
	return &h2
}

func (h *zhHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix += name + "."
	return &h2
}

func (h *zhHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	b.WriteString(t.In(beijing).Format("2006-01-02 15:04:05"))
	b.WriteByte(' ')
	b.WriteString(zhLevel(r.Level))
	b.WriteByte(' ')
	attrs := slices.Clone(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		attrs = appendFlat(attrs, h.prefix, a)
		return true
	})
	if r.Message == "request" && h.prefix == "" {
		b.WriteString(requestLine(attrs))
	} else {
		b.WriteString(zhMessage(r.Message))
		sep := "："
		for _, a := range attrs {
			b.WriteString(sep)
			sep = " "
			b.WriteString(zhKey(a.Key))
			b.WriteByte('=')
			b.WriteString(oneLine(a.Value.String()))
		}
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// appendFlat appends a, its groups opened into dotted names.
func appendFlat(as []slog.Attr, prefix string, a slog.Attr) []slog.Attr {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return as
	}
	if a.Value.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range a.Value.Group() {
			as = appendFlat(as, p, g)
		}
		return as
	}
	if a.Value.Kind() == slog.KindTime {
		a.Value = slog.StringValue(a.Value.Time().In(beijing).Format("2006-01-02 15:04:05"))
	}
	return append(as, slog.Attr{Key: prefix + a.Key, Value: a.Value})
}

// requestLine says the intake's request log (intake's requestLog:
// request_id, method, path, status, ms, bytes_in) as one sentence.
func requestLine(attrs []slog.Attr) string {
	v := map[string]string{}
	var rest []string
	for _, a := range attrs {
		switch a.Key {
		case "method", "path", "status", "ms", "bytes_in", "request_id":
			v[a.Key] = oneLine(a.Value.String())
		default:
			rest = append(rest, zhKey(a.Key)+"="+oneLine(a.Value.String()))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "请求 %s %s → %s（%s 毫秒", v["method"], v["path"], v["status"], v["ms"])
	if n := v["bytes_in"]; n != "" && n != "0" && n != "-1" {
		fmt.Fprintf(&b, "，请求体 %s 字节", n)
	}
	if id := v["request_id"]; id != "" {
		fmt.Fprintf(&b, "，请求编号 %s", id)
	}
	b.WriteString("）")
	if len(rest) > 0 {
		b.WriteString(" " + strings.Join(rest, " "))
	}
	return b.String()
}

func zhLevel(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "错误"
	case l >= slog.LevelWarn:
		return "警告"
	case l >= slog.LevelInfo:
		return "信息"
	}
	return "调试"
}

func oneLine(s string) string {
	return strings.NewReplacer("\r\n", "⏎", "\n", "⏎", "\r", "⏎").Replace(s)
}

func zhMessage(m string) string {
	if zh, ok := zhMessages[m]; ok {
		return zh
	}
	return m
}

func zhKey(k string) string {
	if zh, ok := zhKeys[k]; ok {
		return zh
	}
	return k
}

// zhMessages says in Chinese the messages the services log (intake,
// console, archive, notify, storage); kept beside the code that logs
// them in English for the JSON log, which log collectors match on.
var zhMessages = map[string]string{
	"abort incomplete upload failed; the janitor will retry":          "未能中止未完成的上传，清理任务会重试",
	"applications not listed for an outcome":                          "记录核查结论时未能列出申报",
	"arrival mail not queued":                                         "收件通知邮件未能放入发件箱",
	"assignees not listed":                                            "未能列出承办人",
	"attachment of a refused review not removed":                      "被拒绝的评审意见的附件未能删除",
	"attachment over its limit not removed":                           "超过大小限制的附件未能删除",
	"audit record not written":                                        "审计记录未能写入",
	"case not read again after the receipt link was reissued":         "重新发放回执链接后未能再次读取该件",
	"cleanup failed; the janitor will retry":                          "清理失败，清理任务会重试",
	"cleanup of in-flight record failed; the janitor will retry":      "未能清理提交中的记录，清理任务会重试",
	"cleanup of the claim failed; the janitor will retry":             "未能清理领取记录，清理任务会重试",
	"console handler panicked":                                        "工作台处理请求时程序出错",
	"console request failed":                                          "工作台请求处理失败",
	"console template failed":                                         "工作台页面模板出错",
	"console template missing":                                        "缺少工作台页面模板",
	"draft zip":                                                       "草稿压缩包",
	"drafts not listed":                                               "未能列出草稿",
	"export failed":                                                   "导出失败",
	"export found problems":                                           "导出时发现问题",
	"export streamed":                                                 "已导出（下载）",
	"extension mail not queued: its notice not found":                 "延期通知邮件未能放入发件箱：找不到对应的通知",
	"file download cut short":                                         "文件下载中断",
	"in-flight record not refreshed":                                  "提交中的记录未能更新",
	"in-flight record not removed; the janitor will":                  "提交中的记录未能删除，清理任务会删除",
	"internal failure":                                                "内部错误",
	"janitor sweep failed":                                            "清理任务失败",
	"janitor sweep":                                                   "清理任务完成",
	"ledger entry not written; the janitor will record it":            "账本条目未能写入，清理任务会补记",
	"inbox snapshot not used: the store is listed instead":            "收件列表快照未采用（读不出或校验码不符），改为列出存储",
	"inbox snapshot not written":                                      "收件列表快照未能写入，下次再写",
	"purge: inbox snapshots not removed; the next purge removes them": "按期删除：收件列表快照未能删除，下次删除时再删",
	"ledger unreadable: the inbox lists the store":                    "读不出账本：收件列表改为列出存储",
	"ledger entry not authentic: the inbox lists the store (run award audit verify)": "账本条目不可信：收件列表改为列出存储（请运行 award audit verify）",
	"inbox: listing the store failed; the ledger is followed meanwhile":              "收件列表：列出存储失败，暂按账本更新",
	"mail not sent; will retry": "邮件未能发出，稍后重试",
	"mail queued":               "邮件已放入发件箱",
	"mail sent":                 "邮件已发出",
	"manifest unreadable, left out of the inbox":       "受理记录无法读取，未列入收件箱",
	"memory limit set":                                 "已设置内存上限",
	"object among the status records passed over":      "办理状态记录中有无关的对象，已跳过",
	"objection substantiated, candidacy not revoked":   "异议已查实，但候选资格未能取消",
	"outbox pass failed; next pass retries":            "处理发件箱失败，下一轮重试",
	"outbox record unreadable; using the store's time": "发件箱记录无法读取，改用存储记录的时间",
	"panic":                  "程序出错",
	"progress lookup failed": "进度查询失败",
	"purge: manifest not as committed, not purged; run award audit verify": "到期删除：受理记录与提交时不符，未删除；请运行 award audit verify",
	"purge: unreadable manifest":                          "到期删除：受理记录无法读取",
	"purged submission past its retention period":         "已删除超过保存期限的件",
	"report reminders queued":                             "年度报告提醒邮件已放入发件箱",
	"report reminders not all queued":                     "有的年度报告提醒邮件没能放入发件箱，下次检查时再试",
	"reminder record not removed":                         "年度报告提醒的记录没能删除",
	"reports page":                                        "年度报告页面出错",
	"recommendation not checked":                          "推荐意见未能核对",
	"recommendation not stored":                           "推荐意见未能保存",
	"recorded in the ledger after an interrupted commit":  "提交中断后已补记入账本",
	"refused staged upload not removed; the janitor will": "被拒绝的分段上传未能删除，清理任务会删除",
	"request":               "请求",
	"sessions not pruned":   "过期的登录会话未能清理",
	"stage mail not queued": "办理阶段通知邮件未能放入发件箱",
	"stage mail not queued: identity not opened":                                        "办理阶段通知邮件未能放入发件箱：身份信息无法解密",
	"stage mail not queued: submission not read":                                        "办理阶段通知邮件未能放入发件箱：无法读取该件",
	"staged upload interrupted":                                                         "分段上传中断",
	"staged upload not removed after commit; it expires":                                "提交后分段上传未能删除，到期后自动清理",
	"status record unreadable, passed over":                                             "办理状态记录无法读取，已跳过",
	"storage failure":                                                                   "存储出错",
	"stored file differs in size from its manifest":                                     "存储的文件大小与受理记录不符",
	"supplement committed, case not moved to corrected":                                 "补正材料已保存，但该件未能改为“已补正”",
	"supplement committed, case not moved to corrected: other events kept coming first": "补正材料已保存，但该件未能改为“已补正”：其他办理记录一直抢先",
	"supplement mail not queued: case not read":                                         "补正通知邮件未能放入发件箱：无法读取该件",
	"supplement mail not queued: supplement not read with its case":                     "补正通知邮件未能放入发件箱：无法与该件一起读取补正材料",
	"supplement unreadable, passed over":                                                "补正材料无法读取，已跳过",
	"sweep: removed interrupted submission":                                             "清理：已删除中断的提交",
	"sweep: unreadable in-flight record":                                                "清理：提交中的记录无法读取",
	"the ledger's chain is broken: run award audit verify":                              "账本的链条断开：请运行 award audit verify",
	"townships not read; the inbox has no township filter":                              "未能读取乡镇名单，收件箱不能按乡镇筛选",
	"visit not recorded":                                                                "访问未能记录",
	"windows manifest not recorded in the store":                                        "申报和公示期限清单未能记入存储",
	"windows manifest recorded in the store":                                            "申报和公示期限清单已记入存储",
	"readyz: the published windows manifest could not be read":                          "就绪检查：无法读取已发布的申报和公示期限清单",
	"purge: unreadable handling record, not purged":                                     "到期删除：办理记录无法读取，未删除",
	"janitor: lease not released; another replica takes over when it expires":           "清理任务：租约未能释放，到期后由另一台受理服务接手",
	"janitor: lease not taken":                                                          "清理任务：未能取得租约",
	"janitor: lease ran out during a sweep, stopping it":                                "清理任务：清理中租约到期，停止本次清理",
	"janitor: lease lost during a sweep, stopping it":                                   "清理任务：清理中失去租约，停止本次清理",
	"release report claim":                                                              "释放报告的领取记录",
	"windows manifest not read; the console works without it":                           "未能读取申报和公示期限清单，工作台照常工作",
}

// zhKeys names in Chinese the attributes the services log.
var zhKeys = map[string]string{
	"err": "错误", "error": "错误", "reference": "受理编号", "ref": "受理编号", "key": "存储键", "id": "编号",
	"supplement": "补正", "path": "路径", "file": "文件", "operator": "操作人", "seq": "序号", "panic": "出错信息",
	"name": "名称", "attempt": "次数", "action": "操作", "submissions": "件数", "status": "状态码", "sent": "已发",
	"reviewer": "评审员", "retry_at": "重试时间", "request_id": "请求编号", "refused": "拒绝", "recorded": "已记录",
	"problems": "问题", "offset": "偏移", "objects": "对象数", "method": "方法", "kind": "类别", "inflight": "提交中",
	"identities": "身份信息", "head": "账本位置", "files": "文件数", "failed": "失败", "committed": "已提交",
	"candidates": "候选", "bytes": "字节", "application": "申报", "ms": "毫秒", "bytes_in": "请求体字节",
}
