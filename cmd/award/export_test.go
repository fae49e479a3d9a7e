package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/internal/export"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// exportSetup writes an intake config with a key file and a local store
// holding one objection, and returns the config's path and the store.
func exportSetup(t *testing.T) (config string, store *storage.DirStore, dir string) {
	t.Helper()
	for _, name := range []string{"AWARD_S3_ENDPOINT", "AWARD_DATA_DIR", "AWARD_IDENTITY_KEY", "AWARD_IDENTITY_KEY_FILE",
		"AWARD_RECORD_KEY", "AWARD_RECORD_KEY_FILE", "AWARD_RECORD_KEYS_OLD"} {
		t.Setenv(name, "")
	}
	dir = t.TempDir()
	key := bytes.Repeat([]byte{3}, 32)
	if err := os.WriteFile(filepath.Join(dir, "identity.key"), []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The record key beside it, as award serve makes them.
	if err := os.WriteFile(filepath.Join(dir, "record.key"), []byte(base64.StdEncoding.EncodeToString(ledgertest.Key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	config = filepath.Join(dir, "intake.yaml")
	yaml := "dataDir: " + filepath.Join(dir, "data") + "\nidentityKeyFile: " + filepath.Join(dir, "identity.key") + "\ntimeZone: Asia/Shanghai\n"
	if err := os.WriteFile(config, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := storage.NewDirStore(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := submission.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const ref = "K7M2-QX9D"
	data := "%PDF-1.7 evidence"
	fileKey := submission.FileKey(submission.KindObjection, ref, 1)
	if _, err := store.Put(ctx, fileKey, strings.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(data))
	sealed, err := sealer.Seal(ref, map[string]string{"type": "individual", "name": "张三", "idNumber": "11010519491231002X", "phone": "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	m := &submission.Manifest{Version: submission.Version, Kind: submission.KindObjection, Reference: ref,
		ReceivedAt: time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC), Identity: sealed,
		Fields: map[string]string{"publicity": "p2026", "candidate": "c01", "candidateName": "某某公司", "objectorType": "individual", "statement": "事实和理由"},
		Files:  []submission.File{{Field: "evidence", Name: "证明.pdf", Key: fileKey, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}}}
	commitManifest(t, store, m)
	return config, store, dir
}

// commitManifest signs a manifest with the fixture's record key, stores it
// and records it in the ledger, as the intake commits.
func commitManifest(t *testing.T, store storage.Store, m *submission.Manifest) {
	t.Helper()
	l := ledger.New(store, ledgertest.Signer(t), nil)
	if err := l.Signer().Sign(m); err != nil {
		t.Fatal(err)
	}
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	key := submission.ManifestKey(m.Kind, m.Reference)
	if _, err := store.Put(context.Background(), key, bytes.NewReader(b), storage.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Record(context.Background(), ledger.KindCommit, m.Reference, key, b); err != nil {
		t.Fatal(err)
	}
}

func TestExportCommand(t *testing.T) {
	config, store, dir := exportSetup(t)
	out := filepath.Join(dir, "导出")
	var stdout, stderr bytes.Buffer
	args := []string{"-out", out, "-intake-config", config, "-operator", "秘书处王某", "-kind", "objection",
		"-publicity", "p2026", "-from", "2026-11-20", "-to", "2026-11-27"}
	if err := runExport(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "导出 1 份（异议 1 份），文件 1 个，校验不一致 0 个，汇总表 "+filepath.Join(out, "汇总.xlsx")) ||
		!strings.Contains(stdout.String(), "身份信息已解密 1 份") || strings.Contains(stdout.String(), "张三") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	var id map[string]string
	b, err := os.ReadFile(filepath.Join(out, "objection", "2026-11-21_K7M2-QX9D", "identity.json"))
	if err != nil || json.Unmarshal(b, &id) != nil || id["idNumber"] != "11010519491231002X" {
		t.Errorf("identity.json %s %v", b, err)
	}
	// 办理阶段 from the archive's status records: none yet.
	if v := summaryCell(t, filepath.Join(out, "汇总.xlsx"), "异议", "C2"); v != "已收件（待受理）" {
		t.Errorf("办理阶段 %q", v)
	}
	if b, err := os.ReadFile(filepath.Join(out, export.ReportName)); err != nil || !strings.Contains(string(b), "导出人：秘书处王某") || strings.Contains(string(b), "张三") {
		t.Errorf("%s: %v\n%s", export.ReportName, err, b)
	}
	// With the record key, the export's record is chained into the audit log.
	infos, err := store.List(context.Background(), archive.AuditPrefix)
	if err != nil || len(infos) != 1 || !strings.HasPrefix(infos[0].Key, archive.AuditLogPrefix) ||
		!strings.Contains(stdout.String(), "导出记录："+infos[0].Key) {
		t.Fatalf("audit %v %v", infos, err)
	}
	rc, _, _ := store.Get(context.Background(), infos[0].Key)
	rec, _ := io.ReadAll(rc)
	rc.Close()
	if !strings.Contains(string(rec), `"operator":"秘书处王某"`) || !strings.Contains(string(rec), `"from":"2026-11-19T16:00:00Z"`) || strings.Contains(string(rec), "张三") {
		t.Errorf("audit record %s", rec)
	}

	// Out is no longer empty: refused, then accepted with -force.
	stdout.Reset()
	if err := run(context.Background(), append([]string{"export"}, args...), &stdout, &stderr); !errors.Is(err, export.ErrOutNotEmpty) {
		t.Fatalf("second export: %v", err)
	}
	stdout.Reset()
	ledgertest.Status(t, ledger.New(store, ledgertest.Signer(t), nil), "K7M2-QX9D", "已受理", time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC))
	if err := run(context.Background(), []string{"export", "-out", out, "-intake-config", config, "-operator", "王某", "-force", "-no-identity"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if v := summaryCell(t, filepath.Join(out, "汇总.xlsx"), "异议", "C2"); v != "已受理" {
		t.Errorf("办理阶段 after a status record: %q", v)
	}
	if !strings.Contains(stdout.String(), "身份信息未解密") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(out, "objection", "2026-11-21_K7M2-QX9D", "identity.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("identity.json after -no-identity: %v", err)
	}

	// A file changed in storage: reported, exit status non-zero.
	if _, err := store.Put(context.Background(), "objections/k7m2-qx9d/files/001", strings.NewReader("changed"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	err = runExport(context.Background(), []string{"-out", filepath.Join(dir, "again"), "-intake-config", config, "-operator", "王某"}, &stdout, &stderr)
	if !errors.Is(err, export.ErrMismatch) || !strings.Contains(stdout.String(), "校验不一致 1 个") ||
		!strings.Contains(stdout.String(), "校验不一致：K7M2-QX9D 01 证明.pdf：应为 17 字节") {
		t.Errorf("tampered: %v\n%s", err, stdout.String())
	}

	// Without the record key the export refuses: it must verify.
	if err := os.Remove(filepath.Join(dir, "record.key")); err != nil {
		t.Fatal(err)
	}
	err = runExport(context.Background(), []string{"-out", filepath.Join(dir, "nokey"), "-intake-config", config, "-operator", "王某", "-no-identity"}, io.Discard, io.Discard)
	if !errors.Is(err, archive.ErrNoRecordKey) || !strings.Contains(err.Error(), "记录密钥") {
		t.Errorf("export without the record key: %v", err)
	}
}

func TestExportCommandErrors(t *testing.T) {
	config, _, dir := exportSetup(t)
	for name, args := range map[string][]string{
		"no out":    {"-intake-config", config},
		"bad kind":  {"-out", filepath.Join(dir, "a"), "-intake-config", config, "-kind", "objections", "-operator", "x"},
		"bad date":  {"-out", filepath.Join(dir, "b"), "-intake-config", config, "-from", "11月20日", "-operator", "x"},
		"no user":   {"-out", filepath.Join(dir, "c"), "-intake-config", config, "-operator", ""},
		"extra arg": {"-out", filepath.Join(dir, "d"), "-intake-config", config, "-operator", "x", "more"},
	} {
		if err := runExport(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Without the key file the export refuses rather than creating a key.
	if err := os.Remove(filepath.Join(dir, "identity.key")); err != nil {
		t.Fatal(err)
	}
	err := runExport(context.Background(), []string{"-out", filepath.Join(dir, "e"), "-intake-config", config, "-operator", "x"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-no-identity") {
		t.Errorf("missing key: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "identity.key")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the export created an identity key")
	}
	if err := runExport(context.Background(), []string{"-out", filepath.Join(dir, "e"), "-intake-config", config, "-operator", "x", "-no-identity"}, io.Discard, io.Discard); err != nil {
		t.Errorf("-no-identity without a key: %v", err)
	}
}

func TestParseDay(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	for in, want := range map[string]time.Time{
		"2026-11-20":                time.Date(2026, 11, 20, 0, 0, 0, 0, loc),
		"2026-11-20 08:30":          time.Date(2026, 11, 20, 8, 30, 0, 0, loc),
		"2026-11-20T00:00:00Z":      time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		"":                          {},
		" 2026-11-27 ":              time.Date(2026, 11, 27, 0, 0, 0, 0, loc),
		"2026-11-20T08:30:00+08:00": time.Date(2026, 11, 20, 8, 30, 0, 0, loc),
	} {
		got, err := parseDay(in, loc)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseDay(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

// addApplication stores an application as the intake commits it.
func addApplication(t *testing.T, store *storage.DirStore, ref string, at time.Time, call, creditCode, orgName string, files ...string) {
	t.Helper()
	ctx := context.Background()
	sealer, err := submission.NewSealer(bytes.Repeat([]byte{3}, 32)) // exportSetup's key
	if err != nil {
		t.Fatal(err)
	}
	m := &submission.Manifest{Version: submission.Version, Kind: submission.KindApplication, Reference: ref, ReceivedAt: at,
		Fields: map[string]string{"call": call, "callTitle": "2026年度申报通知", "orgName": orgName, "creditCode": creditCode,
			"orgKind": "企业", "missingSlots": "littleGiantCert", "eligibility": "运营满3年（5年2个月）"},
		Files: []submission.File{}}
	for i, slot := range files {
		data := "%PDF-1.7 " + ref + " " + slot
		key := submission.FileKey(submission.KindApplication, ref, i+1)
		if _, err := store.Put(ctx, key, strings.NewReader(data), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(data))
		m.Files = append(m.Files, submission.File{Field: slot, Name: slot + ".pdf", Key: key, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	}
	if m.Identity, err = sealer.Seal(ref, map[string]string{"legalRepresentative": "孙八", "contactName": "周九", "phone": "13600000000", "email": "a@example.cn"}); err != nil {
		t.Fatal(err)
	}
	commitManifest(t, store, m)
}

func TestExportCommandApplications(t *testing.T) {
	config, store, dir := exportSetup(t)
	const code = "914101221701547840"
	addApplication(t, store, "APPL-2345", time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC), "2026-apply", code, "郑州市某某食品有限公司", "applicationForm", "license")
	addApplication(t, store, "APPL-3456", time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC), "2026-apply", code, "郑州市某某食品有限公司", "applicationForm")
	addApplication(t, store, "CCCC-8888", time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC), "2025-apply", code, "郑州市某某食品有限公司", "applicationForm")

	out := filepath.Join(dir, "申报导出")
	var stdout, stderr bytes.Buffer
	if err := runExport(context.Background(), []string{"-out", out, "-intake-config", config, "-operator", "王某", "-call", "2026-apply"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "导出 2 份（申报 2 份），文件 3 个，校验不一致 0 个") || !strings.Contains(stdout.String(), "最新版本.txt") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	org := filepath.Join(out, "application", "2026-apply", code+"_郑州市某某食品有限公司")
	if b, err := os.ReadFile(filepath.Join(org, "最新版本.txt")); err != nil || string(b) != "v2_2026-11-25_APPL-3456\n" {
		t.Errorf("最新版本.txt %q %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(org, "v1_2026-11-22_APPL-2345", "02_营业执照或登记证书_license.pdf")); err != nil || string(b) != "%PDF-1.7 APPL-2345 license" {
		t.Errorf("file %q %v", b, err)
	}
	var id map[string]string
	b, err := os.ReadFile(filepath.Join(org, "v2_2026-11-25_APPL-3456", "identity.json"))
	if err != nil || json.Unmarshal(b, &id) != nil || id["contactName"] != "周九" {
		t.Errorf("identity.json %s %v", b, err)
	}
	for _, name := range []string{"objection", filepath.Join("application", "2025-apply")} {
		if _, err := os.Stat(filepath.Join(out, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exported with -call: %v", name, err)
		}
	}

	// -publicity alone exports no applications; -call with -kind objection is refused.
	stdout.Reset()
	if err := runExport(context.Background(), []string{"-out", filepath.Join(dir, "p"), "-intake-config", config, "-operator", "王某", "-publicity", "p2026"}, &stdout, &stderr); err != nil ||
		!strings.Contains(stdout.String(), "导出 1 份（异议 1 份）") {
		t.Errorf("-publicity: %v\n%s", err, stdout.String())
	}
	if err := runExport(context.Background(), []string{"-out", filepath.Join(dir, "q"), "-intake-config", config, "-operator", "王某", "-kind", "objection", "-call", "2026-apply"}, io.Discard, io.Discard); err == nil {
		t.Error("-kind objection -call accepted")
	}

	// A changed application file: reported, exit status non-zero.
	if _, err := store.Put(context.Background(), "applications/appl-3456/files/001", strings.NewReader("changed"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	err = runExport(context.Background(), []string{"-out", filepath.Join(dir, "again"), "-intake-config", config, "-operator", "王某", "-kind", "application"}, &stdout, &stderr)
	if !errors.Is(err, export.ErrMismatch) || !strings.Contains(stdout.String(), "导出 3 份（申报 3 份）") ||
		!strings.Contains(stdout.String(), "校验不一致：APPL-3456 01 applicationForm.pdf：应为") {
		t.Errorf("tampered: %v\n%s", err, stdout.String())
	}
}

// summaryCell reads one cell of an exported 汇总.xlsx.
func summaryCell(t *testing.T, name, sheet, cell string) string {
	t.Helper()
	f, err := excelize.OpenFile(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := f.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
