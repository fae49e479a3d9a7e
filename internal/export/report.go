package export

import (
	"fmt"
	"strings"
	"time"

	"github.com/zhongmou/award/submission"
)

// writeReport writes 校验报告.txt: what the export holds and what its
// checks found, for whoever opens the export without the console or the
// command's output at hand. It names no identity.
func (e *exporter) writeReport() error {
	text := e.reportText()
	if err := writeWhole(e.sink, ReportName, []byte(text)); err != nil {
		return fmt.Errorf("无法写入校验报告：%w", err)
	}
	e.rep.Report = e.sink.display(ReportName)
	return nil
}

// reportText is the text of 校验报告.txt.
func (e *exporter) reportText() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	rep, o := e.rep, e.o
	line("导出校验报告")
	line("")
	line("导出时间：%s（%s）", o.Now().In(o.Location).Format(timeLayout), o.Location)
	line("导出人：%s", o.Operator)
	if o.Reason != "" {
		line("导出原因：%s", o.Reason)
	}
	line("导出范围：%s", e.scopeText())

	var parts []string
	for _, kind := range e.o.kinds() {
		if kind == submission.KindReport && rep.ByKind[kind] == 0 && e.o.Kind == "" {
			continue // said only when there are reports
		}
		parts = append(parts, fmt.Sprintf("%s %d 份", kindName(kind), rep.ByKind[kind]))
	}
	line("导出 %d 份（%s），文件 %d 个，共 %s。", len(rep.Submissions), strings.Join(parts, "，"), rep.Files, submission.FileSize(rep.Bytes))
	if rep.Supplements > 0 {
		with := 0
		for _, s := range rep.Submissions {
			if s.Supplements > 0 {
				with++
			}
		}
		line("其中补正材料：%d 件有补正，共补正 %d 次，文件 %d 个，存放在各件文件夹的“补正1”“补正2”……中（含各次的补正记录 manifest.json）；"+
			"原件与补正合并后的现行材料及每个文件的来源（原件/补正 n）和日期，见各件文件夹中的 %s 和汇总表“材料来源”列，被替换的材料照原样导出并注明“已被补正 n 替换”。",
			with, rep.Supplements, rep.SupplementFiles, MaterialsName)
	}

	switch {
	case o.Sealer == nil:
		line("身份信息：未包含（未解密，汇总表显示“未解密”）。")
	default:
		line("身份信息：已解密 %d 份，保存在各件文件夹的 identity.json 中。", rep.Identities)
	}
	for _, ie := range rep.IdentityErrors {
		line("  身份信息无法解密：%s（%s）", ie.Reference, ie.Reason)
	}

	switch {
	case len(rep.Mismatches) == 0 && rep.Supplements > 0:
		line("文件校验：全部文件（含补正材料 %d 个）与受理或收到时记录的大小和 SHA-256 一致。", rep.SupplementFiles)
	case len(rep.Mismatches) == 0:
		line("文件校验：全部文件与受理时记录的大小和 SHA-256 一致。")
	default:
		line("文件校验：不一致 %d 处（其余内容已导出）：", len(rep.Mismatches))
		for _, m := range rep.Mismatches {
			line("  %s", m)
		}
	}

	switch {
	case o.Signer == nil:
		line("防篡改核验：未进行（未提供记录密钥）。")
	case len(rep.Findings) == 0 && rep.Supplements > 0:
		line("防篡改核验：导出的受理记录和账本未发现问题，补正记录的校验码均有效。")
	case len(rep.Findings) == 0:
		line("防篡改核验：导出的受理记录和账本未发现问题。")
	default:
		line("防篡改核验：发现问题 %d 处（可运行 award audit verify 核验全部记录；处理办法见运维手册“防篡改核验”）：", len(rep.Findings))
		for _, f := range rep.Findings {
			line("  %s", f)
		}
	}
	line("")
	line("各件的校验结果另见 %s 的“校验结果”列。", SummaryName)
	if rep.ByKind[submission.KindApplication] > 0 {
		line("申报按组织分版本存放：application/<申报通知>/<统一社会信用代码>_<组织名称>/v<版本>_<日期>_<受理编号>/，各组织的最新版本见其文件夹中的 %s 和汇总表“申报-最新”。", LatestName)
	}
	if rep.ByKind[submission.KindReport] > 0 {
		line("获奖组织的年度报告见汇总表“年度报告”：每份一行，奖金使用金额按《管理办法》第二十四条所列用途分列，最后一行为各用途的合计。")
	}
	line("本导出含有个人信息，请妥善保管，用毕及时删除。")
	return b.String()
}

// scopeText says in words what the options selected.
func (e *exporter) scopeText() string {
	o := e.o
	var parts []string
	if o.Kind == "" && e.rep.ByKind[submission.KindReport] > 0 {
		parts = append(parts, "异议、申报和年度报告")
	} else if o.Kind == "" {
		parts = append(parts, "异议和申报")
	} else {
		parts = append(parts, "仅"+kindName(o.Kind))
	}
	if o.Publicity != "" {
		parts = append(parts, "公示 "+o.Publicity+" 的异议")
	}
	if o.Call != "" {
		parts = append(parts, "申报通知 "+o.Call+" 的申报")
	}
	day := func(t time.Time) string { return t.In(o.Location).Format(timeLayout) }
	switch {
	case !o.From.IsZero() && !o.To.IsZero():
		parts = append(parts, "收到时间 "+day(o.From)+" 起、"+day(o.To)+" 前")
	case !o.From.IsZero():
		parts = append(parts, "收到时间 "+day(o.From)+" 起")
	case !o.To.IsZero():
		parts = append(parts, "收到时间 "+day(o.To)+" 前")
	}
	return strings.Join(parts, "；")
}
