package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

// runStatus records the next stage of a submission's handling (an event:
// submission.Stages), which its receipt then shows, and writes an audit
// record. -stage takes a stage's code or label; -state, its old name, is
// the same flag. An objection's 查实, 不属实 or 不予受理 is its outcome,
// recorded as the console records it (archive.RecordOutcome, a note
// required); 查实 also revokes the candidacy of the application -application
// names. Like export, it needs the storage credentials.
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("award status", "-ref 受理编号 -stage 阶段 [参数]", "记录申报或异议的下一个办理阶段（回执页面即时显示），并写入操作记录。\n需要存储的访问权和记录密钥（与 award export 相同的环境变量，或 -intake-config 指定的文件）。", stderr)
	var inf intakeFlags
	inf.register(fs)
	ref := fs.String("ref", "", "受理`编号`，如 K7M2-QX9D（必填）")
	var stage string
	fs.StringVar(&stage, "stage", "", "新的办理`阶段`：代码或名称，如 accepted 或 已受理（必填；不填时列出可选的阶段）")
	fs.StringVar(&stage, "state", "", "同 -stage（旧名）")
	note := fs.String("note", "", "回执上给提交人看的`说明`（不要写个人信息）")
	internal := fs.Bool("internal", false, "说明仅供秘书处内部查看，不在回执上显示")
	operator := fs.String("operator", os.Getenv("USER"), "办理人`姓名`，记入办理记录和操作记录（默认 $USER）")
	application := fs.String("application", "", "异议“查实”时，被异议的候选组织的申报`受理编号`：其候选资格同时取消")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	reference := submission.NormalizeReference(*ref)
	switch {
	case reference == "":
		return errors.New("请用 -ref 给出受理编号，如 K7M2-QX9D")
	case strings.TrimSpace(*operator) == "":
		return errors.New("请用 -operator 注明办理人")
	}
	cfg, err := archive.LoadConfig(inf.config, os.Getenv)
	if err != nil {
		return err
	}
	if err := requireStore(cfg, inf.config); err != nil {
		return err
	}
	a, err := archive.Open(ctx, cfg, archive.Options{Log: cliLogger(stderr), WithoutIdentityKey: true})
	if err != nil {
		return err
	}
	c, err := a.Case(ctx, reference)
	if errors.Is(err, archive.ErrNotFound) {
		return fmt.Errorf("没有受理编号为 %s 的申报或异议，请核对", reference)
	}
	if err != nil {
		return fmt.Errorf("读取办理记录出错：%w", err)
	}
	if strings.TrimSpace(stage) == "" {
		return fmt.Errorf("请用 -stage 给出新的办理阶段：%s目前是“%s”，%s", reference, c.Current.Label, movesHint(c))
	}
	st := submission.Status{Reference: reference, Stage: strings.TrimSpace(stage), Note: *note, Internal: *internal,
		Operator: strings.TrimSpace(*operator), At: time.Now()}
	if to, ok := submission.ParseStage(c.Manifest.Kind, st.Stage); ok {
		st.Stage = to.Code
	}
	outcome := isOutcomeMove(c, st.Stage)
	if *application != "" && (!outcome || st.Stage != submission.StageSubstantiated) {
		return errors.New("-application 只在把异议改为“查实”时使用（取消该申报的候选资格）")
	}
	var revoked *submission.Status
	if outcome {
		st, revoked, err = recordOutcome(ctx, a, c, st, *application)
	} else {
		st, err = a.AppendEvent(ctx, st, c.Seq)
	}
	switch {
	case st.Seq != 0:
		// Stored; err, if any, is a revocation that did not follow.
	case errors.Is(err, archive.ErrStage), errors.Is(err, archive.ErrNotCandidate):
		return fmt.Errorf("%s：%w", reference, err)
	case errors.Is(err, archive.ErrConflict):
		return fmt.Errorf("%s 的办理记录刚被他人更新，请重新执行本命令：%w", reference, err)
	case err != nil:
		return fmt.Errorf("保存办理阶段出错：%w", err)
	}
	if aerr := auditStage(ctx, a, st, map[string]string{"from": c.Current.Code}); aerr != nil {
		return aerr
	}
	shown := "回执页面即时显示"
	if st.Internal && st.Note != "" {
		shown += "（说明仅内部可见，回执上不显示）"
	}
	fmt.Fprintf(stdout, "已将 %s 的办理阶段由“%s”改为“%s”（第 %d 条办理记录）；%s。\n", reference, c.Current.Label, st.State, st.Seq, shown)
	if revoked != nil {
		if aerr := auditStage(ctx, a, *revoked, map[string]string{"from": submission.StageCandidate, "revokedBy": reference}); aerr != nil {
			return aerr
		}
		fmt.Fprintf(stdout, "已将申报 %s 由“候选”改为“%s”（第 %d 条办理记录）。\n", revoked.Reference, revoked.State, revoked.Seq)
	}
	if err != nil {
		return fmt.Errorf("%w。请核对该申报的办理情况", err)
	}
	return nil
}

// isOutcomeMove reports whether moving c to stage records an objection's
// outcome (查实, 不属实, 不予受理) — a move the flow allows; any other is
// refused by AppendEvent with its own message.
func isOutcomeMove(c *archive.Case, stage string) bool {
	return c.Manifest.Kind == submission.KindObjection && slices.Contains(submission.OutcomeResults, stage) &&
		submission.CanMove(c.Manifest.Kind, c.Current.Code, stage)
}

// recordOutcome records the objection c's outcome st.Stage with its note,
// as the console does (archive.RecordOutcome): 查实 needs the candidate's
// application, whose candidacy it revokes.
func recordOutcome(ctx context.Context, a *archive.Archive, c *archive.Case, st submission.Status, application string) (submission.Status, *submission.Status, error) {
	label := st.Stage
	if to, ok := submission.StageOf(c.Manifest.Kind, st.Stage); ok {
		label = to.Label
	}
	switch {
	case strings.TrimSpace(st.Note) == "":
		return submission.Status{}, nil, fmt.Errorf("核查结论“%s”须写明理由：请用 -note 写清楚核查了什么、结论是什么（异议人会看到，不要写异议人或其他人的个人信息）", label)
	case st.Stage == submission.StageSubstantiated && submission.NormalizeReference(application) == "":
		return submission.Status{}, nil, errors.New("“查实”须同时取消被异议的候选组织的候选资格：请用 -application 给出该组织申报的受理编号，或在秘书处工作台的异议页面记录（工作台会自动找到该申报）")
	}
	st.Outcome = &submission.ObjectionOutcome{Result: st.Stage, Note: st.Note, Application: application}
	return a.RecordOutcome(ctx, st, c.Seq)
}

// auditStage writes the audit record of the event st written by award
// status, with details beside the event's own.
func auditStage(ctx context.Context, a *archive.Archive, st submission.Status, details map[string]string) error {
	details["via"], details["stage"], details["seq"] = "award status", st.Stage, fmt.Sprint(st.Seq)
	details["record"] = submission.EventKey(st.Reference, st.Seq)
	if _, err := a.Audit(ctx, archive.AuditRecord{Time: st.At, Operator: st.Operator, Action: "stage", Reference: st.Reference, Details: details}); err != nil {
		return fmt.Errorf("办理阶段已保存，但审计记录写入失败：%w", err)
	}
	return nil
}

// movesHint lists the stages a case may move to, code and label, for the
// command line.
func movesHint(c *archive.Case) string {
	next := c.Next()
	if len(next) == 0 {
		return "这是办理结果，不能再改。"
	}
	var b strings.Builder
	b.WriteString("可以改为：")
	for i, s := range next {
		if i > 0 {
			b.WriteString("、")
		}
		fmt.Fprintf(&b, "%s（%s）", s.Label, s.Code)
	}
	b.WriteString("。")
	return b.String()
}

// requireStore checks, before anything is opened, that cfg names a store
// that is there: S3 (AWARD_S3_ENDPOINT), or a storage directory that
// exists. The commands that read or amend what the intake stored (status,
// export, audit verify) call it, so that run where no store is configured
// they say so — naming the settings to make — instead of opening (and so
// creating) an empty ./data and then blaming the reference or finding
// nothing. configFile is the -intake-config file, named in the message.
func requireStore(cfg archive.Config, configFile string) error {
	if cfg.S3.Endpoint != "" {
		return nil
	}
	st, err := os.Stat(cfg.DataDir)
	if err == nil && st.IsDir() {
		return nil
	}
	dir := cfg.DataDir
	if abs, aerr := filepath.Abs(dir); aerr == nil {
		dir = abs
	}
	why := "不存在"
	if err == nil {
		why = "不是目录"
	}
	return fmt.Errorf("这里没有配置受理记录的存储：没有设置 S3 存储（AWARD_S3_ENDPOINT），存储目录 %s %s。"+
		"请在运行受理服务的目录下执行本命令，或设置受理服务所用的存储：环境变量 AWARD_DATA_DIR（或配置文件 %s 中的 dataDir）指向其存储目录，"+
		"或设置 AWARD_S3_ENDPOINT、AWARD_S3_BUCKET、AWARD_S3_ACCESS_KEY、AWARD_S3_SECRET_KEY；配置文件可用 -intake-config 指定。"+
		"本命令不会新建存储目录", dir, why, configFile)
}
