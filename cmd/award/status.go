package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

// runStatus records the secretariat's update of a submission's status
// (核实中, 需补正, 已办结), which its receipt then shows, and writes an audit
// record. Like export, it needs the storage credentials.
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("award status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var inf intakeFlags
	inf.register(fs)
	ref := fs.String("ref", "", "受理`编号`，如 K7M2-QX9D（必填）")
	state := fs.String("state", "", "新的办理`状态`："+strings.Join(submission.States[1:], "、")+"（必填）")
	note := fs.String("note", "", "回执上给提交人看的`说明`（不要写个人信息）")
	operator := fs.String("operator", os.Getenv("USER"), "更新人`姓名`，记入操作记录（默认 $USER）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	reference := submission.NormalizeReference(*ref)
	switch {
	case reference == "":
		return errors.New("请用 -ref 给出受理编号，如 K7M2-QX9D")
	case !submission.ValidState(*state) || *state == submission.States[0]:
		return fmt.Errorf("请用 -state 给出新的办理状态：%s", strings.Join(submission.States[1:], "、"))
	case strings.TrimSpace(*operator) == "":
		return errors.New("请用 -operator 注明办理人")
	}
	cfg, err := archive.LoadConfig(inf.config, os.Getenv)
	if err != nil {
		return err
	}
	a, err := archive.Open(ctx, cfg, archive.Options{Log: slog.New(slog.NewTextHandler(stderr, nil)), WithoutIdentityKey: true})
	if err != nil {
		return err
	}
	st := submission.Status{Reference: reference, State: *state, Note: strings.TrimSpace(*note), Operator: strings.TrimSpace(*operator), At: time.Now()}
	key, err := a.AppendStatus(ctx, st)
	if errors.Is(err, archive.ErrNotFound) {
		return fmt.Errorf("没有受理编号为 %s 的申报或异议，请核对", reference)
	}
	if err != nil {
		return fmt.Errorf("保存办理状态出错：%w", err)
	}
	if _, err := a.Audit(ctx, archive.AuditRecord{Time: st.At, Operator: st.Operator, Action: "status", Reference: reference,
		Details: map[string]string{"state": st.State, "record": key}}); err != nil {
		return fmt.Errorf("办理状态已保存，但审计记录写入失败：%w", err)
	}
	fmt.Fprintf(stdout, "已将 %s 的办理状态更新为“%s”；回执页面即时显示。\n", reference, st.State)
	return nil
}
