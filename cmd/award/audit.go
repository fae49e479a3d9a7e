package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
)

const auditUsage = `用法：award audit <子命令> [参数]

子命令：
  verify  核验存储中的记录：受理记录（manifest）、文件、办理状态是否被改动或删除，
          账本（ledger/）和审计日志（audit/log/）是否完整；只读，不改动存储
  adopt   把升级前保存的、没有校验码的受理记录和办理状态按现状登记入账（升级后做一次）

运行 award audit verify -h 查看参数。
`

// runAudit runs award audit's subcommands.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, auditUsage)
		return errors.New("请给出子命令，如 award audit verify")
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, args[1:], stdout, stderr)
	case "adopt":
		return runAuditAdopt(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, auditUsage)
		return nil
	}
	fmt.Fprint(stderr, auditUsage)
	return fmt.Errorf("不认识的子命令 %q", args[0])
}

// runAuditVerify walks the ledger and the stored records with the record
// keys and prints, in Chinese, one line per finding (naming the reference
// and what is wrong), a summary with counts, and the ledger's head to note
// in the register. It ends with an error, so a non-zero exit status, when
// anything is wrong. It writes nothing to storage.
func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("award audit verify", "[参数]", "", stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `用法：award audit verify [参数]

用记录密钥核验存储中的全部记录，逐条列出发现的问题（受理记录被改动、文件被替换或缺失、
整件被删除、未入账、办理状态被改动或删除、账本被改动、缺失或顺序被打乱；审计记录被改动、
缺失或顺序被打乱，并指出审计日志从哪一条起断开），然后给出统计，最后两行是账本和审计日志的
最新位置。发现问题时以非零状态结束。按保存期限删除的件不算问题。
审计日志只增不删，清理任务从不删除审计记录（至少保存六个月，《网络安全法》第二十一条）。
需要存储的访问权和记录密钥（与 award export 相同的环境变量），不需要身份密钥。

参数：
`)
		printDefaults(fs)
	}
	var inf intakeFlags
	inf.register(fs)
	noFiles := fs.Bool("no-files", false, "不重新读取文件内容（快，但查不出被替换的文件）")
	head := fs.String("head", "", "上次核验时登记的账本位置 `条目号:SHA-256`（上次输出的倒数第二行），用来发现账本被截短")
	auditHead := fs.String("audit-head", "", "上次核验时登记的审计日志位置 `条目号:SHA-256`（上次输出的最后一行），用来发现审计日志被截短")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("多余的参数：%s", strings.Join(fs.Args(), " "))
	}
	o := ledger.VerifyOptions{Files: !*noFiles}
	if *head != "" {
		h, err := ledger.ParseHead(*head)
		if err != nil {
			return fmt.Errorf("-head：%w", err)
		}
		o.Head = h
	}
	var ao archive.AuditVerifyOptions
	if *auditHead != "" {
		h, err := ledger.ParseHead(*auditHead)
		if err != nil {
			return fmt.Errorf("-audit-head：%w", err)
		}
		ao.Head = h
	}
	a, err := openVerifier(ctx, inf.config, stderr)
	if err != nil {
		return err
	}
	rep, err := a.Ledger().Verify(ctx, o)
	if err != nil {
		return fmt.Errorf("核验没有完成（没有得出结论，请排除故障后重新核验）：%w", err)
	}
	arep, err := a.VerifyAudit(ctx, ao)
	if err != nil {
		return fmt.Errorf("审计日志核验没有完成（没有得出结论，请排除故障后重新核验）：%w", err)
	}
	printAuditReport(stdout, rep, arep, o.Files)
	if n := len(rep.Findings) + len(arep.Findings); n > 0 {
		return fmt.Errorf("核验发现 %d 处问题（见上）：请保存以上输出，不要改动存储，按运维手册“防篡改核验”处理", n)
	}
	return nil
}

// printAuditReport prints the findings, one per line (the ledger's, then
// the audit log's), then a summary of each, then the ledger's head and the
// audit log's.
func printAuditReport(w io.Writer, rep *ledger.Report, arep *archive.AuditReport, files bool) {
	for _, f := range rep.Findings {
		fmt.Fprintln(w, f.String())
	}
	for _, f := range arep.Findings {
		fmt.Fprintln(w, f.String())
	}
	fileText := fmt.Sprintf("文件 %d 个", rep.Files)
	if !files {
		fileText = "文件未重新读取（-no-files）"
	}
	summary := fmt.Sprintf("核验完毕：账本 %d 条，受理记录 %d 份（另有按保存期限删除的 %d 份），补正材料 %d 份，%s，办理状态 %d 条；",
		rep.Entries, rep.Submissions, rep.Purged, rep.Supplements, fileText, rep.Statuses)
	if len(rep.Findings) == 0 {
		summary += "未发现问题。"
	} else {
		var counts []string
		for _, k := range ledger.FindingKinds {
			if n := rep.Count(k); n > 0 {
				counts = append(counts, fmt.Sprintf("%s %d 处", k.Label(), n))
			}
		}
		summary += fmt.Sprintf("发现问题 %d 处：%s。", len(rep.Findings), strings.Join(counts, "，"))
		if rep.FirstBroken > 0 {
			summary += fmt.Sprintf("账本从第 %d 条起断开。", rep.FirstBroken)
		}
	}
	fmt.Fprintln(w, summary)
	fmt.Fprintln(w, auditSummary(arep))
	if rep.Head.Seq == 0 {
		fmt.Fprintln(w, "账本为空（还没有受理过任何提交）。")
	} else {
		fmt.Fprintf(w, "账本最新位置：%s（请登记在台账上；下次核验时加 -head %s，可发现账本被截短）\n", rep.Head, rep.Head)
	}
	if arep.Head.Seq == 0 {
		fmt.Fprintln(w, "审计日志为空（还没有记录过任何操作）。")
	} else {
		fmt.Fprintf(w, "审计日志最新位置：%s（请一并登记；下次核验时加 -audit-head %s，可发现审计日志被截短）\n", arep.Head, arep.Head)
	}
}

// auditSummary is the audit log's summary line: the records checked and,
// when the chain is broken, the counts and the first broken link.
func auditSummary(arep *archive.AuditReport) string {
	s := fmt.Sprintf("审计日志：核验 %d 条", arep.Records)
	if arep.Legacy > 0 {
		s += fmt.Sprintf("（另有升级前保存、未入链的 %d 条，无法核验）", arep.Legacy)
	}
	if len(arep.Findings) == 0 {
		return s + "；未发现问题。"
	}
	var counts []string
	for _, k := range []archive.AuditFindingKind{archive.AuditChanged, archive.AuditMissing, archive.AuditReordered} {
		if n := arep.Count(k); n > 0 {
			counts = append(counts, fmt.Sprintf("%s %d 处", k.Label(), n))
		}
	}
	s += fmt.Sprintf("；发现问题 %d 处：%s。", len(arep.Findings), strings.Join(counts, "，"))
	if f, ok := arep.First(); ok && arep.FirstBroken > 0 {
		s += fmt.Sprintf("审计日志从第 %d 条起断开：%s。", arep.FirstBroken, f.Detail)
	}
	return s
}

// openVerifier opens the configured storage with the record keys, without
// the identity key; it never creates a key.
func openVerifier(ctx context.Context, config string, stderr io.Writer) (*archive.Archive, error) {
	cfg, err := archive.LoadConfig(config, os.Getenv)
	if err != nil {
		return nil, err
	}
	if err := requireStore(cfg, config); err != nil {
		return nil, err
	}
	return archive.Open(ctx, cfg, archive.Options{Log: cliLogger(stderr), WithoutIdentityKey: true})
}

// runAuditAdopt records in the ledger, as they are, the manifests and
// status records stored before the record key existed (no MAC), each entry
// naming the operator, and lists them; with -dry-run it only lists them.
func runAuditAdopt(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("award audit adopt", "-operator 姓名 [-dry-run]", "", stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `用法：award audit adopt -operator 姓名 [-dry-run]

升级到有防篡改功能的版本后运行一次：把此前保存的、没有校验码的受理记录和办理状态按现在的
内容登记入账（账本条目注明登记人）。此后 award audit verify 以登记时的内容为准核验它们，
保存期满后清理任务也可以按期删除它们。登记只能证明“登记时是这样”：登记前请先用备份核对
（先加 -dry-run 列出）。有校验码但与之不符的记录不会被登记。

参数：
`)
		printDefaults(fs)
	}
	var inf intakeFlags
	inf.register(fs)
	operator := fs.String("operator", "", "登记人`姓名`，记入每条账本条目（必填）")
	dryRun := fs.Bool("dry-run", false, "只列出将要登记的记录，不写入账本")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("多余的参数：%s", strings.Join(fs.Args(), " "))
	}
	if strings.TrimSpace(*operator) == "" && !*dryRun {
		return errors.New("请用 -operator 注明登记人")
	}
	a, err := openVerifier(ctx, inf.config, stderr)
	if err != nil {
		return err
	}
	l := a.Ledger()
	st, err := l.State(ctx)
	if err != nil {
		return err
	}
	var entries []ledger.Entry
	if *dryRun {
		entries, err = l.Adoptable(ctx, st)
	} else {
		entries, err = l.Adopt(ctx, st, *operator)
	}
	for _, e := range entries {
		if *dryRun {
			fmt.Fprintf(stdout, "待登记：%s（%s）SHA-256 %s\n", e.Reference, e.Key, e.SHA256)
		} else {
			fmt.Fprintf(stdout, "已登记：%s（%s），账本第 %d 条\n", e.Reference, e.Key, e.Seq)
		}
	}
	if err != nil {
		return fmt.Errorf("登记没有完成（已登记 %d 份，重新运行会接着登记其余的）：%w", len(entries), err)
	}
	switch {
	case *dryRun:
		fmt.Fprintf(stdout, "共 %d 份记录待登记（未写入账本；去掉 -dry-run 并加 -operator 即登记）。\n", len(entries))
	default:
		fmt.Fprintf(stdout, "共登记 %d 份此前没有校验码的记录；请运行 award audit verify 核对。\n", len(entries))
	}
	return nil
}
