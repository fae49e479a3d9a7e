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

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/internal/export"
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
					if len(lines) != len(c.Want)+2 {
						t.Fatalf("%d lines, want %d findings, the summary and the head:\n%s", len(lines), len(c.Want), out.String())
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
					if !strings.HasPrefix(lines[len(lines)-1], "账本最新位置：") {
						t.Errorf("no head line:\n%s", out.String())
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
	head, _, _ := strings.Cut(strings.TrimPrefix(last[len(last)-1], "账本最新位置："), "（")
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
