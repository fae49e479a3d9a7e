package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/internal/export"
	"github.com/zhongmou/award/storage"
)

// auditEnv points the award command at a store (the backend's environment)
// with the fixture's record key and no identity key.
func auditEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, name := range []string{"AWARD_S3_ENDPOINT", "AWARD_S3_BUCKET", "AWARD_S3_ACCESS_KEY", "AWARD_S3_SECRET_KEY", "AWARD_S3_INSECURE",
		"AWARD_S3_SSE", "AWARD_DATA_DIR", "AWARD_IDENTITY_KEY", "AWARD_IDENTITY_KEY_FILE", "AWARD_RECORD_KEY_FILE", "AWARD_RECORD_KEYS_OLD"} {
		t.Setenv(name, env[name])
	}
	t.Setenv("AWARD_RECORD_KEY", base64.StdEncoding.EncodeToString(ledgertest.Key))
}

// findingLine is how a finding is printed: its label, then the reference
// (or, for a missing ledger entry, the entry).
func findingLine(w ledgertest.Want) string {
	if w.Kind == ledger.LedgerMissing {
		return fmt.Sprintf("%s：%s：", w.Kind.Label(), ledger.Key(w.Seq))
	}
	return w.Kind.Label() + "：" + w.Reference
}

// TestAuditVerify tampers with a store in every way of ledgertest.Cases,
// directly in the store (a directory, and a real MinIO), and checks that
// award audit verify prints one line per finding naming exactly the
// affected reference and the kind of finding, a summary with the count,
// and ends with an error exactly when something is wrong; and that award
// export lists the same findings (a replaced file as its usual mismatch)
// and ends with export.ErrRecords.
func TestAuditVerify(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, c := range ledgertest.Cases() {
				t.Run(c.Name, func(t *testing.T) {
					store, env := b.New(t)
					auditEnv(t, env)
					fx := ledgertest.Setup(t, store)
					if c.Tamper != nil {
						c.Tamper(t, fx)
					}
					dir := t.TempDir()
					cfgArgs := []string{"-intake-config", filepath.Join(dir, "none.yaml")}
					var out bytes.Buffer
					err := run(context.Background(), append([]string{"audit", "verify"}, cfgArgs...), &out, io.Discard)
					lines := strings.Split(strings.TrimSpace(out.String()), "\n")
					if len(lines) != len(c.Want)+4 {
						t.Fatalf("%d lines, want %d findings, the two summaries and the two heads:\n%s", len(lines), len(c.Want), out.String())
					}
					for i, w := range c.Want {
						found := false
						for _, line := range lines[:len(c.Want)] {
							found = found || strings.HasPrefix(line, findingLine(w))
						}
						if !found {
							t.Errorf("finding %d (%s) not printed as %q…:\n%s", i, w, findingLine(w), out.String())
						}
					}
					summary := lines[len(c.Want)]
					if len(c.Want) == 0 {
						if err != nil || !strings.Contains(summary, "未发现问题") || !strings.Contains(summary, "另有按保存期限删除的 1 份") {
							t.Errorf("untouched: %v\n%s", err, out.String())
						}
					} else if err == nil || !strings.Contains(summary, fmt.Sprintf("发现问题 %d 处", len(c.Want))) {
						t.Errorf("tampered: error %v\n%s", err, out.String())
					}
					if !strings.HasPrefix(lines[len(c.Want)+1], "审计日志：核验 0 条；未发现问题。") ||
						!strings.HasPrefix(lines[len(lines)-2], "账本最新位置：") || !strings.HasPrefix(lines[len(lines)-1], "审计日志为空") {
						t.Errorf("no audit summary or head lines:\n%s", out.String())
					}

					out.Reset()
					err = run(context.Background(), append([]string{"export", "-out", filepath.Join(dir, "out"), "-operator", "王科员", "-no-identity"}, cfgArgs...), &out, io.Discard)
					records := 0
					for _, w := range c.Want {
						if w.Kind == ledger.FileReplaced {
							if !strings.Contains(out.String(), "校验不一致："+w.Reference) || !errors.Is(err, export.ErrMismatch) {
								t.Errorf("export: replaced file of %s not reported: %v\n%s", w.Reference, err, out.String())
							}
							continue
						}
						records++
						if !strings.Contains(out.String(), "  "+findingLine(w)) {
							t.Errorf("export: finding %s not listed:\n%s", w, out.String())
						}
					}
					if (records > 0) != errors.Is(err, export.ErrRecords) {
						t.Errorf("export: error %v with %d findings:\n%s", err, records, out.String())
					}
				})
			}
		})
	}
}

// TestAuditVerifyHead checks -head: a ledger cut short since the head was
// noted is reported; a bad -head is refused.
func TestAuditVerifyHead(t *testing.T) {
	store, env := ledgertest.Backends(t)[0].New(t)
	auditEnv(t, env)
	fx := ledgertest.Setup(t, store)
	cfg := []string{"-intake-config", filepath.Join(t.TempDir(), "none.yaml")}
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"audit", "verify", "-no-files"}, cfg...), &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "文件未重新读取") {
		t.Errorf("-no-files not said:\n%s", out.String())
	}
	last := strings.Split(strings.TrimSpace(out.String()), "\n")
	head, _, _ := strings.Cut(strings.TrimPrefix(last[len(last)-2], "账本最新位置："), "（")
	// The newest entry (the purge of ledgertest.Purged) removed.
	ledgertest.Delete(t, fx.Store, ledger.Key(6))
	out.Reset()
	err := run(context.Background(), append([]string{"audit", "verify", "-head", head}, cfg...), &out, io.Discard)
	if err == nil || !strings.Contains(out.String(), "登记的第 6 条不存在") {
		t.Errorf("cut ledger with -head %s: %v\n%s", head, err, out.String())
	}
	for _, args := range [][]string{{"-head", "6"}, {"extra"}, {"-head", "x:y"}} {
		if err := run(context.Background(), append(append([]string{"audit", "verify"}, cfg...), args...), io.Discard, io.Discard); err == nil {
			t.Errorf("audit verify %v accepted", args)
		}
	}
	for _, args := range [][]string{{"audit"}, {"audit", "check"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	t.Setenv("AWARD_RECORD_KEY", "")
	t.Setenv("AWARD_RECORD_KEY_FILE", filepath.Join(t.TempDir(), "record.key"))
	if err := run(context.Background(), append([]string{"audit", "verify"}, cfg...), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "记录密钥") {
		t.Errorf("audit verify without a record key: %v", err)
	}
}

// TestAuditAdopt: a manifest stored before the record key is reported by
// award audit verify until award audit adopt records it; -dry-run only
// lists it; an operator is required.
func TestAuditAdopt(t *testing.T) {
	store, env := ledgertest.Backends(t)[0].New(t)
	auditEnv(t, env)
	fx := ledgertest.Setup(t, store)
	ledgertest.CaseNamed(t, "unsigned manifest added").Tamper(t, fx) // EEEE-6666, as an old install left it
	cfg := []string{"-intake-config", filepath.Join(t.TempDir(), "none.yaml")}
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"audit", "verify"}, cfg...), &out, io.Discard); err == nil ||
		!strings.Contains(out.String(), "受理记录被改动：EEEE-6666") || !strings.Contains(out.String(), "award audit adopt") {
		t.Fatalf("before adoption: %v\n%s", err, out.String())
	}
	if err := run(context.Background(), append([]string{"audit", "adopt"}, cfg...), io.Discard, io.Discard); err == nil {
		t.Error("adopt without -operator accepted")
	}
	out.Reset()
	if err := run(context.Background(), append([]string{"audit", "adopt", "-dry-run"}, cfg...), &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "待登记：EEEE-6666") || !strings.Contains(out.String(), "共 1 份记录待登记") {
		t.Fatalf("dry run: %v\n%s", err, out.String())
	}
	if err := run(context.Background(), append([]string{"audit", "verify"}, cfg...), io.Discard, io.Discard); err == nil {
		t.Error("the dry run recorded something")
	}
	out.Reset()
	if err := run(context.Background(), append([]string{"audit", "adopt", "-operator", "王科员"}, cfg...), &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "已登记：EEEE-6666") || !strings.Contains(out.String(), "账本第 7 条") {
		t.Fatalf("adopt: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), append([]string{"audit", "verify"}, cfg...), &out, io.Discard); err != nil {
		t.Errorf("after adoption: %v\n%s", err, out.String())
	}
}

// TestAuditVerifyAuditLog: award audit verify also walks the audit log's
// chain and names, in Chinese, the first broken link of a record changed,
// deleted or reordered directly in the store (a directory, and a real
// MinIO); -audit-head shows the newest records cut off.
func TestAuditVerifyAuditLog(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, store storage.Store, keys []string)
		want   []string
	}{
		{"untouched", func(*testing.T, storage.Store, []string) {}, []string{"审计日志：核验 5 条（另有升级前保存、未入链的 1 条，无法核验）；未发现问题。"}},
		{"changed", func(t *testing.T, store storage.Store, keys []string) {
			ledgertest.Put(t, store, keys[1], bytes.Replace(ledgertest.Get(t, store, keys[1]), []byte("王科员"), []byte("李科长"), 1))
		}, []string{"审计记录被改动：audit/log/000000000002.json：第 2 条被改动：记录与其校验码不符", "审计日志从第 2 条起断开：第 2 条被改动"}},
		{"deleted", func(t *testing.T, store storage.Store, keys []string) {
			ledgertest.Delete(t, store, keys[2])
		}, []string{"审计记录缺失：audit/log/000000000003.json：第 3 条不存在", "审计日志从第 3 条起断开：第 3 条不存在"}},
		{"reordered", func(t *testing.T, store storage.Store, keys []string) {
			second, third := ledgertest.Get(t, store, keys[1]), ledgertest.Get(t, store, keys[2])
			ledgertest.Put(t, store, keys[1], third)
			ledgertest.Put(t, store, keys[2], second)
		}, []string{"审计记录顺序被打乱：audit/log/000000000002.json：第 2 条的位置上是第 3 条的内容", "审计日志从第 2 条起断开"}},
	}
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					store, env := b.New(t)
					auditEnv(t, env)
					ctx := context.Background()
					if _, err := archive.WriteAudit(ctx, store, archive.AuditRecord{Operator: "旧记录", Action: "status"}); err != nil {
						t.Fatal(err)
					}
					a := archive.New(store, nil, ledger.New(store, ledgertest.Signer(t), nil), archive.DefaultConfig(), archive.Options{})
					var keys []string
					for i := range 5 {
						k, err := a.Audit(ctx, archive.AuditRecord{Operator: "王科员", Action: archive.ActionCaseView, From: "192.0.2.1", Reference: fmt.Sprintf("K7M2-QX9%d", i)})
						if err != nil {
							t.Fatal(err)
						}
						keys = append(keys, k)
					}
					c.tamper(t, store, keys)
					cfg := []string{"-intake-config", filepath.Join(t.TempDir(), "none.yaml"), "-no-files"}
					var out bytes.Buffer
					err := run(ctx, append([]string{"audit", "verify"}, cfg...), &out, io.Discard)
					for _, w := range c.want {
						if !strings.Contains(out.String(), w) {
							t.Errorf("%q not printed:\n%s", w, out.String())
						}
					}
					if (err == nil) != (c.name == "untouched") {
						t.Errorf("error %v:\n%s", err, out.String())
					}
					if c.name != "untouched" {
						return
					}
					lines := strings.Split(strings.TrimSpace(out.String()), "\n")
					auditHead, _, _ := strings.Cut(strings.TrimPrefix(lines[len(lines)-1], "审计日志最新位置："), "（")
					if _, err := ledger.ParseHead(auditHead); err != nil || !strings.HasPrefix(auditHead, "5:") {
						t.Fatalf("audit head %q: %v\n%s", auditHead, err, out.String())
					}
					ledgertest.Delete(t, store, keys[4])
					out.Reset()
					if err := run(ctx, append([]string{"audit", "verify"}, cfg...), &out, io.Discard); err != nil {
						t.Errorf("cut short, no head: %v\n%s", err, out.String())
					}
					out.Reset()
					err = run(ctx, append([]string{"audit", "verify", "-audit-head", auditHead}, cfg...), &out, io.Discard)
					if err == nil || !strings.Contains(out.String(), "审计记录缺失：audit/log/000000000005.json：登记的第 5 条不存在：审计日志被截短或删除") {
						t.Errorf("cut short with -audit-head: %v\n%s", err, out.String())
					}
					if err := run(ctx, append([]string{"audit", "verify", "-audit-head", "5"}, cfg...), io.Discard, io.Discard); err == nil {
						t.Error("bad -audit-head accepted")
					}
				})
			}
		})
	}
}
