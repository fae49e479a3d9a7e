package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
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
	cfg, err := loadIntakeConfig(inf.config)
	if err != nil {
		return err
	}
	signer, err := openSigner(cfg, slog.New(slog.NewTextHandler(stderr, nil)), false)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	found := false
	for _, kind := range []string{submission.KindObjection, submission.KindApplication} {
		rd, _, err := store.Get(ctx, submission.ManifestKey(kind, reference))
		if err == nil {
			rd.Close()
			found = true
			break
		}
		if storage.KindOf(err) != storage.NotFound {
			return fmt.Errorf("读取 %s 出错：%w", reference, err)
		}
	}
	if !found {
		return fmt.Errorf("没有受理编号为 %s 的申报或异议，请核对", reference)
	}
	now := time.Now()
	st := &submission.Status{Reference: reference, State: *state, Note: strings.TrimSpace(*note), Operator: strings.TrimSpace(*operator), At: now}
	if err := signer.Sign(st); err != nil {
		return fmt.Errorf("办理状态无法签名：%w", err)
	}
	key := submission.StatusKey(reference, now)
	data, err := putJSON(ctx, store, key, st)
	if err != nil {
		return fmt.Errorf("保存办理状态出错：%w", err)
	}
	// The record first, then its ledger entry: a record without an entry
	// is recorded by the intake's janitor.
	if _, err := ledger.New(store, signer, nil).Record(ctx, ledger.KindStatus, reference, key, data); err != nil {
		return fmt.Errorf("办理状态已保存，但未能记入账本：%w（受理服务的清理任务会在约 10 分钟内补记；之后可运行 award audit verify 核对）", err)
	}
	audit := map[string]any{"time": now.UTC().Format(time.RFC3339Nano), "operator": st.Operator, "action": "status",
		"reference": reference, "state": st.State}
	if _, err := putJSON(ctx, store, "audit/status/"+strings.TrimPrefix(key, "status/"), audit); err != nil {
		return fmt.Errorf("办理状态已保存，但审计记录写入失败：%w", err)
	}
	fmt.Fprintf(stdout, "已将 %s 的办理状态更新为“%s”；回执页面即时显示。\n", reference, st.State)
	return nil
}

// putJSON stores v as JSON under key, never overwriting, and returns the
// bytes stored.
func putJSON(ctx context.Context, store storage.Store, key string, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	_, err = store.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	return data, err
}
