package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/export"
	"github.com/zhongmou/award/submission"
)

// runExport exports the submissions for the secretariat: folders with the
// files and decrypted identities, 汇总.xlsx, 校验报告.txt, and a record in
// the audit log.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("award export", "-out 目录 [参数]", "从存储中导出申报和异议（文件、解密的身份信息、汇总.xlsx、校验报告.txt），并写入导出记录。\n需要存储的访问权和密钥（AWARD_* 环境变量或 -intake-config 指定的文件）。", stderr)
	var f intakeFlags
	f.register(flags)
	out := flags.String("out", "", "导出到此`目录`（新建，或为空目录；必填）")
	kind := flags.String("kind", "", "只导出一`类别`：objection（异议）、application（申报）或 report（获奖组织年度报告）；默认全部导出")
	publicity := flags.String("publicity", "", "只导出针对此公示`编号`的异议（不加 -call 时不导出申报）")
	call := flags.String("call", "", "只导出此申报通知`编号`的申报（不加 -publicity 时不导出异议）")
	from := flags.String("from", "", "只导出此`日期`（含）以后收到的，如 2026-11-20；也可写到分钟：2026-11-20 08:00")
	to := flags.String("to", "", "只导出此`日期`零时（不含）以前收到的，如 2026-11-27")
	operator := flags.String("operator", os.Getenv("USER"), "导出人`姓名`，记入导出记录（默认 $USER）")
	noIdentity := flags.Bool("no-identity", false, "不解密身份信息（异议人、申报联系人；汇总表显示“未解密”）")
	force := flags.Bool("force", false, "导出目录不为空时，清除上次导出的内容后重新导出")
	if err := parseFlags(flags, args, stdout); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("多余的参数：%s", strings.Join(flags.Args(), " "))
	}
	if *out == "" {
		flags.Usage()
		return errors.New("请用 -out 指定导出目录")
	}
	if strings.TrimSpace(*operator) == "" {
		return errors.New("请用 -operator 注明导出人")
	}
	cfg, err := loadIntakeConfig(f.config)
	if err != nil {
		return err
	}
	if err := requireStore(cfg.Config, f.config); err != nil {
		return err
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return fmt.Errorf("时区 %s：%w", cfg.TimeZone, err)
	}
	opts := export.Options{Out: *out, Force: *force, Kind: *kind, Publicity: strings.TrimSpace(*publicity),
		Call: strings.TrimSpace(*call), Operator: strings.TrimSpace(*operator), Location: loc}
	if opts.From, err = parseDay(*from, loc); err != nil {
		return fmt.Errorf("-from：%w", err)
	}
	if opts.To, err = parseDay(*to, loc); err != nil {
		return fmt.Errorf("-to：%w", err)
	}
	// An export must not create a key: only the intake's key opens what
	// the intake sealed. The record key, always: the export verifies what
	// it exports.
	a, err := archive.Open(ctx, cfg.Config, archive.Options{Log: cliLogger(stderr), WithoutIdentityKey: *noIdentity})
	if errors.Is(err, archive.ErrNoIdentityKey) {
		return fmt.Errorf("找不到身份信息密钥文件 %s（请设置 AWARD_IDENTITY_KEY 或 identityKeyFile；不解密身份信息请加 -no-identity）", cfg.IdentityKeyFile)
	}
	if err != nil {
		return err
	}
	opts.Store, opts.Sealer, opts.Signer, opts.Statuses = a.Store(), a.Sealer(), a.Signer(), a.Statuses
	rep, err := export.Run(ctx, opts)
	if rep != nil {
		printExportReport(stdout, rep, opts.Sealer)
	}
	return err
}

// parseDay reads a -from or -to value: a date (midnight in loc), a date
// and time, or RFC 3339.
func parseDay(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("无法识别的日期 %q，请写成 2026-11-20 或 2026-11-20 08:00", s)
}

func printExportReport(w io.Writer, rep *export.Report, sealer *submission.Sealer) {
	var parts []string
	for _, k := range []struct{ kind, name string }{{submission.KindObjection, "异议"}, {submission.KindApplication, "申报"}, {submission.KindReport, "年度报告"}} {
		if n := rep.ByKind[k.kind]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d 份", k.name, n))
		}
	}
	byKind := ""
	if len(parts) > 0 {
		byKind = "（" + strings.Join(parts, "，") + "）"
	}
	summary := rep.Summary
	if summary == "" {
		summary = "未生成"
	}
	fmt.Fprintf(w, "导出 %d 份%s，文件 %d 个，校验不一致 %d 个，汇总表 %s\n",
		len(rep.Submissions), byKind, rep.Files, len(rep.Mismatches), summary)
	if rep.Supplements > 0 {
		fmt.Fprintf(w, "其中补正材料 %d 次，文件 %d 个，存放在各件文件夹的“补正1”“补正2”……中；现行材料及每个文件的来源（原件/补正 n）和日期见各件的 %s 和汇总表“材料来源”列。\n",
			rep.Supplements, rep.SupplementFiles, export.MaterialsName)
	}
	for _, m := range rep.Mismatches {
		fmt.Fprintf(w, "  校验不一致：%s\n", m)
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintln(w, "防篡改核验：导出的受理记录和账本未发现问题。")
	} else {
		fmt.Fprintf(w, "防篡改核验发现问题 %d 处（可运行 award audit verify 核验全部记录）：\n", len(rep.Findings))
	}
	for _, f := range rep.Findings {
		fmt.Fprintf(w, "  %s\n", f)
	}
	if rep.ByKind[submission.KindApplication] > 0 {
		fmt.Fprintf(w, "申报按组织分版本存放：application/<申报通知>/<统一社会信用代码>_<组织名称>/v<版本>_<日期>_<受理编号>/，各组织的最新版本见其文件夹中的 %s 和汇总表“申报-最新”。\n", export.LatestName)
	}
	switch {
	case sealer == nil:
		fmt.Fprintln(w, "身份信息未解密（-no-identity）。")
	default:
		fmt.Fprintf(w, "身份信息已解密 %d 份，保存在各件文件夹的 identity.json 中。\n", rep.Identities)
	}
	for _, ie := range rep.IdentityErrors {
		fmt.Fprintf(w, "  身份信息无法解密：%s（%s）\n", ie.Reference, ie.Reason)
	}
	if rep.AuditKey != "" {
		fmt.Fprintf(w, "导出记录：%s\n", rep.AuditKey)
	}
	fmt.Fprintf(w, "导出目录 %s 含有个人信息，请妥善保管，用毕及时删除。\n", rep.Out)
}
