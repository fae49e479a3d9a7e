package export

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// identity is the shape the intake seals for an objector.
type identity struct {
	Type       string `json:"type"`
	Name       string `json:"name"`
	IDNumber   string `json:"idNumber,omitempty"`
	CreditCode string `json:"creditCode,omitempty"`
	Phone      string `json:"phone"`
}

type testFile struct{ field, name, data string }

type fixture struct {
	t      *testing.T
	store  storage.Store
	sealer *submission.Sealer
	// statuses are the status records Options.Statuses lists, latest
	// first, by reference.
	statuses map[string][]submission.Status
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	store, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return newFixtureOn(t, store)
}

func newFixtureOn(t *testing.T, store storage.Store) *fixture {
	t.Helper()
	sealer, err := submission.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, store: store, sealer: sealer, statuses: map[string][]submission.Status{}}
}

// add stores a submission as the intake commits it: files, then manifest.
func (fx *fixture) add(kind, ref string, at time.Time, fields map[string]string, id any, files ...testFile) *submission.Manifest {
	t := fx.t
	t.Helper()
	ctx := context.Background()
	m := &submission.Manifest{Version: submission.Version, Kind: kind, Reference: ref,
		TokenHash: submission.HashToken(submission.NewToken()), ReceivedAt: at, Fields: fields, Files: []submission.File{}}
	for i, f := range files {
		key := submission.FileKey(kind, ref, i+1)
		if _, err := fx.store.Put(ctx, key, strings.NewReader(f.data), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(f.data))
		m.Files = append(m.Files, submission.File{Field: f.field, Name: f.name, Key: key, Size: int64(len(f.data)),
			SHA256: hex.EncodeToString(sum[:]), Type: "application/pdf"})
	}
	if id != nil {
		sealed, err := fx.sealer.Seal(ref, id)
		if err != nil {
			t.Fatal(err)
		}
		m.Identity = sealed
	}
	data, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.store.Put(ctx, submission.ManifestKey(kind, ref), bytes.NewReader(data), storage.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	return m
}

func (fx *fixture) options(out string) Options {
	return Options{Store: fx.store, Sealer: fx.sealer, Out: out, Operator: "李四",
		Now: func() time.Time { return time.Date(2026, 11, 28, 1, 2, 3, 456, time.UTC) },
		Statuses: func(_ context.Context, ref string) ([]submission.Status, error) {
			return fx.statuses[ref], nil
		}}
}

func objectionFields(pub, cand string) map[string]string {
	return map[string]string{"publicity": pub, "publicityTitle": "2026年度县长质量奖拟授奖名单公示", "candidate": cand,
		"candidateName": "郑州市某某食品有限公司", "candidateCreditCode": "91410122MA44ABCD1X",
		"objectorType": "individual", "statement": "该企业2026年6月发生产品质量抽检不合格，与申报材料所述不符。", "consent": "yes", "notice": "v1"}
}

// Times: 2026-11-20T16:30Z is 2026-11-21 00:30 in Shanghai.
var (
	t1 = time.Date(2026, 11, 20, 16, 30, 0, 0, time.UTC)
	t2 = time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
	t3 = time.Date(2026, 11, 26, 15, 59, 59, 0, time.UTC) // 2026-11-26 23:59:59 in Shanghai
)

// standard stores three objections and one application.
func (fx *fixture) standard() {
	fx.add(submission.KindObjection, "K7M2-QX9D", t1, objectionFields("p2026", "c01"),
		identity{Type: "individual", Name: "张三", IDNumber: "11010519491231002X", Phone: "13812345678"},
		testFile{"evidence", "证明材料.pdf", "%PDF-1 first"}, testFile{"evidence", "证明材料.pdf", "%PDF-1 second, same name"})
	fx.statuses["K7M2-QX9D"] = []submission.Status{ // latest first
		{Reference: "K7M2-QX9D", State: "核实中", Note: "已转县市场监管局核实", Operator: "王科员", At: t2},
		{Reference: "K7M2-QX9D", State: "已受理", Operator: "王科员", At: t1.Add(time.Hour)},
	}
	org := objectionFields("p2026", "c02")
	org["objectorType"] = "organization"
	fx.add(submission.KindObjection, "A2B3-C4D5", t2, org,
		identity{Type: "organization", Name: "中牟县某某商会", CreditCode: "51410122MJ0000000X", Phone: "0371-62196035"},
		testFile{"evidence", "../../etc/扫描件.jpg", "JPEG bytes"})
	fx.add(submission.KindObjection, "ZZZZ-9999", t3, objectionFields("p2025", "c09"),
		identity{Type: "individual", Name: "王五", IDNumber: "110105194912310029", Phone: "13900000000"},
		testFile{"evidence", "说明.pdf", "%PDF-1 third"})
	fx.add(submission.KindApplication, "APPL-2345", t2, applicationFields("2026-apply", codeA, "郑州市某某食品有限公司", "littleGiantCert,creditReport"),
		contact("赵六", "13700000000"),
		testFile{"license", "营业执照.pdf", "license"}, testFile{"selfAssessment", "自评报告.pdf", "report"})
	fx.statuses["APPL-2345"] = []submission.Status{{Reference: "APPL-2345", State: "初审通过（已推荐）", Operator: "王科员", At: t3}}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExportAll(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	out := filepath.Join(t.TempDir(), "导出")
	rep, err := Run(context.Background(), fx.options(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Submissions) != 4 || rep.ByKind["objection"] != 3 || rep.ByKind["application"] != 1 || rep.Files != 6 || rep.Identities != 4 {
		t.Fatalf("report: %+v", rep)
	}
	if len(rep.Mismatches) != 0 || len(rep.IdentityErrors) != 0 {
		t.Fatalf("mismatches: %+v %+v", rep.Mismatches, rep.IdentityErrors)
	}

	// Folder layout: date in Shanghai, reference; files numbered.
	dir := filepath.Join(out, "objection", "2026-11-21_K7M2-QX9D")
	stored, _, err := fx.store.Get(context.Background(), "objections/k7m2-qx9d/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(stored)
	stored.Close()
	if got := readFile(t, filepath.Join(dir, "manifest.json")); got != string(want) {
		t.Errorf("manifest.json differs from the stored one")
	}
	if got := readFile(t, filepath.Join(dir, "01_evidence_证明材料.pdf")); got != "%PDF-1 first" {
		t.Errorf("file 1: %q", got)
	}
	if got := readFile(t, filepath.Join(dir, "02_evidence_证明材料.pdf")); got != "%PDF-1 second, same name" {
		t.Errorf("file 2: %q", got)
	}
	if got := readFile(t, filepath.Join(out, "objection", "2026-11-22_A2B3-C4D5", "01_evidence_扫描件.jpg")); got != "JPEG bytes" {
		t.Errorf("sanitised file: %q", got)
	}
	if got := readFile(t, filepath.Join(out, "application", "2026-apply", codeA+"_郑州市某某食品有限公司", "v1_2026-11-22_APPL-2345", "02_自评报告_自评报告.pdf")); got != "report" {
		t.Errorf("application file: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"01_evidence_证明材料.pdf", "02_evidence_证明材料.pdf", "identity.json", "manifest.json"}) {
		t.Errorf("folder holds %q", names)
	}

	// identity.json: decrypted, private.
	idPath := filepath.Join(dir, "identity.json")
	var id identity
	if err := json.Unmarshal([]byte(readFile(t, idPath)), &id); err != nil || id.Name != "张三" || id.IDNumber != "11010519491231002X" {
		t.Errorf("identity.json: %v %+v", err, id)
	}
	if fi, err := os.Stat(idPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("identity.json mode: %v %v", fi.Mode(), err)
	}

	// The spreadsheet.
	if rep.Summary != filepath.Join(out, "汇总.xlsx") {
		t.Errorf("summary %q", rep.Summary)
	}
	f, err := excelize.OpenFile(rep.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"异议", "申报", "申报-最新"}) {
		t.Errorf("sheets %q", got)
	}
	rows, err := f.GetRows("异议")
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"受理编号", "收到时间", "办理阶段", "公示", "候选组织", "异议人类型", "姓名或单位", "证件号码", "联系电话", "事实和理由", "文件数", "文件（名称、大小、SHA-256）", "校验结果", "材料来源", "补正记录", "来件方式"}
	if !slices.Equal(rows[0], header) {
		t.Errorf("header %q", rows[0])
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	r := rows[1]
	if r[0] != "K7M2-QX9D" || r[1] != "2026-11-21 00:30:00" || r[2] != "核实中" || r[3] != "2026年度县长质量奖拟授奖名单公示（p2026）" ||
		r[4] != "郑州市某某食品有限公司\n统一社会信用代码：91410122MA44ABCD1X" || r[5] != "个人" || r[6] != "张三" ||
		r[7] != "11010519491231002X" || r[8] != "13812345678" || r[10] != "2" || r[12] != "一致" || r[13] != "证明材料：2 份（原件，2026-11-21）" || len(r) != 16 || r[15] != "网上" {
		t.Errorf("row 1: %q", r)
	}
	sum := sha256.Sum256([]byte("%PDF-1 first"))
	if !strings.Contains(r[11], "01 证明材料.pdf，12 字节，SHA-256 "+hex.EncodeToString(sum[:])) || strings.Count(r[11], "\n") != 1 {
		t.Errorf("files cell: %q", r[11])
	}
	if r := rows[2]; r[2] != "已收件（待受理）" || r[5] != "单位" || r[6] != "中牟县某某商会" || r[7] != "51410122MJ0000000X" || r[8] != "0371-62196035" {
		t.Errorf("row 2: %q", r)
	}
	if r := rows[3]; r[0] != "ZZZZ-9999" || r[1] != "2026-11-26 23:59:59" || r[7] != "110105194912310029" {
		t.Errorf("row 3: %q", r)
	}
	// ID numbers are strings styled as text, also when they look like numbers.
	for _, cell := range []string{"H2", "H3", "H4", "I3"} {
		typ, err := f.GetCellType("异议", cell)
		if err != nil || typ != excelize.CellTypeSharedString {
			t.Errorf("%s: type %v %v", cell, typ, err)
		}
		styleID, _ := f.GetCellStyle("异议", cell)
		st, err := f.GetStyle(styleID)
		if err != nil || st.NumFmt != 49 {
			t.Errorf("%s: number format %+v %v", cell, st, err)
		}
	}
	if v, _ := f.GetCellValue("异议", "H4", excelize.Options{RawCellValue: true}); v != "110105194912310029" {
		t.Errorf("raw H4 %q", v)
	}
	styleID, _ := f.GetCellStyle("异议", "A1")
	if st, err := f.GetStyle(styleID); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header not bold: %+v %v", st, err)
	}
	if panes, err := f.GetPanes("异议"); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v %v", panes, err)
	}
	if w, _ := f.GetColWidth("异议", "J"); w < 40 {
		t.Errorf("statement column width %v", w)
	}
	apps, _ := f.GetRows("申报")
	if !slices.Equal(apps[0], applicationHeader) {
		t.Errorf("application header %q", apps[0])
	}
	if a := apps[1]; len(apps) != 2 || a[0] != "APPL-2345" || a[1] != "第1版（最新）" || a[6] != codeA || a[19] != "赵六" || a[22] != "一致" {
		t.Errorf("application rows %q", apps)
	}

	// The audit record: in storage, returned, without identities.
	infos, err := fx.store.List(context.Background(), "audit/export/")
	if err != nil || len(infos) != 1 || infos[0].Key != rep.AuditKey {
		t.Fatalf("audit objects %+v %v (report %q)", infos, err, rep.AuditKey)
	}
	if !strings.HasPrefix(rep.AuditKey, "audit/export/2026-11-28t01-02-03.000000456z-") {
		t.Errorf("audit key %q", rep.AuditKey)
	}
	rc, _, _ := fx.store.Get(context.Background(), rep.AuditKey)
	raw, _ := io.ReadAll(rc)
	rc.Close()
	for _, secret := range []string{"张三", "11010519491231002X", "13812345678", "王五", "赵六", fx.sealer.KeyID()} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("audit record contains %q", secret)
		}
	}
	var rec struct {
		Action  string
		Details Audit
	}
	if err := json.Unmarshal(raw, &rec); err != nil || rec.Action != AuditAction {
		t.Fatalf("audit record %s: %v", raw, err)
	}
	a := rec.Details
	if a.Operator != "李四" || a.Count != 4 || a.Files != 6 || !a.Options.Decrypt || len(a.Mismatches) != 0 ||
		!a.Time.Equal(time.Date(2026, 11, 28, 1, 2, 3, 456, time.UTC)) || !slices.Contains(a.References, "objection/K7M2-QX9D") {
		t.Errorf("audit %+v", a)
	}
	if a.Operator != rep.Audit.Operator || a.Count != rep.Audit.Count {
		t.Errorf("report audit %+v", rep.Audit)
	}
	if bytes.Count(raw, []byte("\n")) != 1 {
		t.Errorf("audit record is not one line: %s", raw)
	}
}

func TestExportWithoutSealer(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	o := fx.options(t.TempDir())
	o.Sealer = nil
	o.Kind = submission.KindObjection
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Identities != 0 || rep.Audit.Options.Decrypt {
		t.Errorf("report %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(o.Out, "objection", "2026-11-21_K7M2-QX9D", "identity.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("identity.json written without a key: %v", err)
	}
	f, err := excelize.OpenFile(rep.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"异议"}) {
		t.Errorf("sheets %q", got)
	}
	rows, _ := f.GetRows("异议")
	if r := rows[1]; r[5] != "个人" || r[6] != "未解密" || r[7] != "未解密" || r[8] != "未解密" {
		t.Errorf("row %q", r)
	}
}

func TestExportWrongKey(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	o := fx.options(t.TempDir())
	o.Sealer, _ = submission.NewSealer(bytes.Repeat([]byte{9}, 32))
	o.Kind = submission.KindObjection
	rep, err := Run(context.Background(), o)
	if !errors.Is(err, ErrIdentity) || errors.Is(err, ErrMismatch) {
		t.Fatalf("err %v", err)
	}
	if len(rep.IdentityErrors) != 3 || rep.IdentityErrors[0].Reason != "密钥不符" || len(rep.Submissions) != 3 || rep.Files != 4 {
		t.Errorf("report %+v", rep)
	}
	f, _ := excelize.OpenFile(rep.Summary)
	defer f.Close()
	if v, _ := f.GetCellValue("异议", "G2"); v != "无法解密（密钥不符）" {
		t.Errorf("G2 %q", v)
	}
}

func TestExportFilters(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	shanghai := shanghai()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, shanghai) }
	cases := []struct {
		name string
		set  func(*Options)
		want []string
	}{
		{"all", func(*Options) {}, []string{"K7M2-QX9D", "A2B3-C4D5", "ZZZZ-9999", "APPL-2345"}},
		{"kind objection", func(o *Options) { o.Kind = "objection" }, []string{"K7M2-QX9D", "A2B3-C4D5", "ZZZZ-9999"}},
		{"kind application", func(o *Options) { o.Kind = "application" }, []string{"APPL-2345"}},
		{"publicity", func(o *Options) { o.Publicity = "p2025" }, []string{"ZZZZ-9999"}},
		{"call", func(o *Options) { o.Call = "2026-apply" }, []string{"APPL-2345"}},
		{"other call", func(o *Options) { o.Call = "2025-apply" }, nil},
		{"publicity and call", func(o *Options) { o.Publicity, o.Call = "p2025", "2026-apply" }, []string{"ZZZZ-9999", "APPL-2345"}},
		{"kind and call", func(o *Options) { o.Kind, o.Call = "application", "2026-apply" }, []string{"APPL-2345"}},
		{"from inclusive", func(o *Options) { o.From = t2 }, []string{"A2B3-C4D5", "ZZZZ-9999", "APPL-2345"}},
		{"to exclusive", func(o *Options) { o.To = t2 }, []string{"K7M2-QX9D"}},
		{"days", func(o *Options) { o.From, o.To = day(21), day(26) }, []string{"K7M2-QX9D", "A2B3-C4D5", "APPL-2345"}},
		{"days to 27", func(o *Options) { o.From, o.To, o.Kind = day(22), day(27), "objection" }, []string{"A2B3-C4D5", "ZZZZ-9999"}},
		{"nothing", func(o *Options) { o.Publicity = "none" }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := fx.options(filepath.Join(t.TempDir(), "out"))
			c.set(&o)
			rep, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range rep.Submissions {
				got = append(got, s.Reference)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("exported %q, want %q", got, c.want)
			}
			if rep.Audit.Count != len(c.want) {
				t.Errorf("audit count %d", rep.Audit.Count)
			}
			f, err := excelize.OpenFile(rep.Summary)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			n := 0
			for _, sheet := range f.GetSheetList() {
				if sheet == "申报-最新" {
					continue // the latest versions again
				}
				rows, _ := f.GetRows(sheet)
				n += len(rows) - 1
			}
			if n != len(c.want) {
				t.Errorf("%d spreadsheet rows", n)
			}
		})
	}
}

func TestExportMismatchAndMissing(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	ctx := context.Background()
	// After the manifest: one file's bytes change, another's disappear.
	if _, err := fx.store.Put(ctx, "objections/k7m2-qx9d/files/002", strings.NewReader("tampered!"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := fx.store.Delete(ctx, "objections/a2b3-c4d5/files/001"); err != nil {
		t.Fatal(err)
	}
	o := fx.options(t.TempDir())
	rep, err := Run(ctx, o)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("err %v, want ErrMismatch", err)
	}
	if rep == nil || len(rep.Submissions) != 4 || rep.Files != 5 || len(rep.Mismatches) != 2 {
		t.Fatalf("report %+v", rep)
	}
	m := rep.Mismatches[0]
	sum := sha256.Sum256([]byte("%PDF-1 second, same name"))
	bad := sha256.Sum256([]byte("tampered!"))
	if m.Reference != "K7M2-QX9D" || m.File != "02 证明材料.pdf" || m.Key != "objections/k7m2-qx9d/files/002" ||
		m.Expected != "24 字节，SHA-256 "+hex.EncodeToString(sum[:]) || m.Got != "9 字节，SHA-256 "+hex.EncodeToString(bad[:]) {
		t.Errorf("mismatch %+v", m)
	}
	if m := rep.Mismatches[1]; m.Reference != "A2B3-C4D5" || m.Got != "文件缺失" || m.File != "01 扫描件.jpg" {
		t.Errorf("missing %+v", m)
	}
	// Everything else is exported; the tampered bytes are kept as found.
	dir := filepath.Join(o.Out, "objection", "2026-11-21_K7M2-QX9D")
	if got := readFile(t, filepath.Join(dir, "01_evidence_证明材料.pdf")); got != "%PDF-1 first" {
		t.Errorf("good file %q", got)
	}
	if got := readFile(t, filepath.Join(dir, "02_evidence_证明材料.pdf")); got != "tampered!" {
		t.Errorf("tampered file %q", got)
	}
	if got := readFile(t, filepath.Join(o.Out, "objection", "2026-11-26_ZZZZ-9999", "01_evidence_说明.pdf")); got != "%PDF-1 third" {
		t.Errorf("other submission %q", got)
	}
	f, err := excelize.OpenFile(rep.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("异议")
	if !strings.HasPrefix(rows[1][12], "不一致：02 证明材料.pdf 与受理时不符") || rows[2][12] != "不一致：01 扫描件.jpg 文件缺失" || rows[3][12] != "一致" {
		t.Errorf("校验结果 %q / %q / %q", rows[1][12], rows[2][12], rows[3][12])
	}
	if len(rep.Audit.Mismatches) != 2 || rep.AuditKey == "" || rep.Audit.Mismatches[1].Got != "文件缺失" {
		t.Errorf("audit %+v", rep.Audit)
	}
}

func TestExportUnreadableManifest(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	if _, err := fx.store.Put(context.Background(), "objections/bbbb-cccc/manifest.json", strings.NewReader(`{"version":9}`), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), fx.options(t.TempDir()))
	if !errors.Is(err, ErrMismatch) || len(rep.Submissions) != 4 || len(rep.Mismatches) != 1 || rep.Mismatches[0].Reference != "BBBB-CCCC" {
		t.Fatalf("%v %+v", err, rep)
	}
}

func TestExportOut(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := fx.options(out)
	if _, err := Run(context.Background(), o); !errors.Is(err, ErrOutNotEmpty) {
		t.Fatalf("non-empty out: %v", err)
	}
	if infos, _ := fx.store.List(context.Background(), "audit/"); len(infos) != 0 {
		t.Error("a refused export was recorded")
	}
	o.Force = true
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	// Again with -force and a narrower filter: the earlier export is replaced,
	// other files are left alone.
	o.Kind = submission.KindApplication
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "objection")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("earlier export left: %v", err)
	}
	if readFile(t, filepath.Join(out, "notes.txt")) != "keep" {
		t.Error("notes.txt changed")
	}
	if infos, _ := fx.store.List(context.Background(), "audit/export/"); len(infos) != 2 {
		t.Errorf("%d audit records", len(infos))
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := Run(context.Background(), fx.options(file)); err == nil {
		t.Error("exported into a file")
	}
}

func TestOptionsChecked(t *testing.T) {
	fx := newFixture(t)
	for name, set := range map[string]func(*Options){
		"kind":                      func(o *Options) { o.Kind = "objections" },
		"operator":                  func(o *Options) { o.Operator = " " },
		"range":                     func(o *Options) { o.From, o.To = t2, t1 },
		"call of objections":        func(o *Options) { o.Kind, o.Call = "objection", "2026-apply" },
		"publicity of applications": func(o *Options) { o.Kind, o.Publicity = "application", "p2026" },
		"out":                       func(o *Options) { o.Out = "" },
	} {
		o := fx.options(filepath.Join(t.TempDir(), "out"))
		set(&o)
		if _, err := Run(context.Background(), o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestFileNames(t *testing.T) {
	long := strings.Repeat("长", 100) + ".pdf"
	name := fileName(3, "evidence", long)
	if len(name) > maxNameBytes || !strings.HasPrefix(name, "03_evidence_长") || !strings.HasSuffix(name, "长.pdf") {
		t.Errorf("long name %q (%d bytes)", name, len(name))
	}
	if got := fileName(12, "", "a/b\\..\\c:d.PDF"); got != "12_file_c_d.PDF" {
		t.Errorf("sanitised %q", got)
	}
	used := map[string]bool{}
	a, b, c := uniqueName("01_x_a.pdf", used), uniqueName("01_x_A.pdf", used), uniqueName("01_x_a.pdf", used)
	if a != "01_x_a.pdf" || b != "01_x_A~2.pdf" || c != "01_x_a~3.pdf" {
		t.Errorf("unique %q %q %q", a, b, c)
	}
	// A long name is written as a file.
	fx := newFixture(t)
	fx.add(submission.KindObjection, "LLLL-2222", t1, objectionFields("p", "c"), nil, testFile{"evidence", long, "x"})
	rep, err := Run(context.Background(), fx.options(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(rep.Out, "objection", "2026-11-21_LLLL-2222", fileName(1, "evidence", long))); got != "x" {
		t.Errorf("long-named file %q", got)
	}
	f, _ := excelize.OpenFile(rep.Summary)
	defer f.Close()
	if v, _ := f.GetCellValue("异议", "G2"); v != "（无）" {
		t.Errorf("no identity: %q", v)
	}
}

func TestCellText(t *testing.T) {
	if got := cellText("a\r\nb\x00c\x1b\td"); got != "a\nbc\td" {
		t.Errorf("%q", got)
	}
	long := cellText(strings.Repeat("字", 40000))
	if n := len([]rune(long)); n > 32767 || !strings.HasSuffix(long, "manifest.json）") {
		t.Errorf("long cell: %d characters", n)
	}
}

// Text that a spreadsheet program would take for a formula is written as
// typed, as a string cell with the quotePrefix style; other text is not.
func TestFormulaLikeCells(t *testing.T) {
	typed := []string{`=HYPERLINK("http://x","y")`, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "  =1+1", "\n@x"}
	fx := newFixture(t)
	at := t1
	for i, text := range typed {
		fields := objectionFields("p2026", "c01")
		fields["statement"] = text
		fields["candidateName"] = text
		fx.add(submission.KindObjection, fmt.Sprintf("FFFF-%04d", i), at, fields,
			identity{Type: "individual", Name: text, IDNumber: "11010519491231002X", Phone: "13812345678"})
		at = at.Add(time.Minute)
	}
	fx.add(submission.KindObjection, "PPPP-2222", at, objectionFields("p2026", "c01"),
		identity{Type: "individual", Name: "张三", IDNumber: "11010519491231002X", Phone: "0371-62196035"})
	rep, err := Run(context.Background(), fx.options(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(rep.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	quoted := quotePrefixes(t, rep.Summary)
	check := func(cell, want string, quote bool) {
		t.Helper()
		if v, err := f.GetCellValue("异议", cell); err != nil || v != want {
			t.Errorf("%s: value %q %v, want %q", cell, v, err, want)
		}
		if v, err := f.GetCellFormula("异议", cell); err != nil || v != "" {
			t.Errorf("%s: formula %q %v", cell, v, err)
		}
		if typ, err := f.GetCellType("异议", cell); err != nil || typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s: type %v %v", cell, typ, err)
		}
		styleID, err := f.GetCellStyle("异议", cell)
		if err != nil || styleID >= len(quoted) {
			t.Fatalf("%s: style %d of %d: %v", cell, styleID, len(quoted), err)
		}
		if quoted[styleID] != quote {
			t.Errorf("%s %q: quotePrefix %v, want %v", cell, want, quoted[styleID], quote)
		}
		if st, err := f.GetStyle(styleID); err != nil || st.NumFmt != 49 {
			t.Errorf("%s: number format %+v %v", cell, st, err)
		}
	}
	for i, text := range typed {
		row := i + 2
		check(fmt.Sprintf("G%d", row), text, true) // 姓名或单位
		check(fmt.Sprintf("J%d", row), text, true) // 事实和理由
		check(fmt.Sprintf("E%d", row), text+"\n统一社会信用代码：91410122MA44ABCD1X", true)
	}
	plain := len(typed) + 2
	check(fmt.Sprintf("G%d", plain), "张三", false)
	check(fmt.Sprintf("I%d", plain), "0371-62196035", false)
	check(fmt.Sprintf("J%d", plain), objectionFields("", "")["statement"], false)
}

// quotePrefixes reads the quotePrefix attribute of every cell style (xf of
// cellXfs) straight from the xlsx file's styles.xml.
func quotePrefixes(t *testing.T, name string) []bool {
	t.Helper()
	z, err := zip.OpenReader(name)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	r, err := z.Open("xl/styles.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var styles struct {
		Xfs []struct {
			QuotePrefix string `xml:"quotePrefix,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := xml.NewDecoder(r).Decode(&styles); err != nil {
		t.Fatal(err)
	}
	quoted := make([]bool, len(styles.Xfs))
	for i, xf := range styles.Xfs {
		quoted[i] = xf.QuotePrefix == "1" || xf.QuotePrefix == "true"
	}
	return quoted
}

func TestFormulaLike(t *testing.T) {
	for s, want := range map[string]bool{
		"=1": true, "+1": true, "-1": true, "@a": true, "\t1": true, "\r1": true, " =1": true, "\u3000=1": true, "\n-1": true,
		"": false, "  ": false, "1-1": false, "a=1": false, "张三": false, "0371-62196035": false, "＝1": false,
	} {
		if got := formulaLike(s); got != want {
			t.Errorf("formulaLike(%q) = %v", s, got)
		}
	}
}

// A column title (a field name, for kinds without sheets of their own) is
// quoted the same way.
func TestFormulaLikeHeader(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		t.Fatal(err)
	}
	cols := []column{{"=cmd|' /C calc'!A0", 0, func(*item) any { return "x" }}, {"topic", 0, func(*item) any { return "-1" }}}
	if err := writeSheet(f, "Sheet1", cols, []*item{{}}, st); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "t.xlsx")
	if err := f.SaveAs(name); err != nil {
		t.Fatal(err)
	}
	quoted := quotePrefixes(t, name)
	for cell, want := range map[string]bool{"A1": true, "B1": false, "A2": false, "B2": true} {
		id, err := f.GetCellStyle("Sheet1", cell)
		if err != nil || id >= len(quoted) || quoted[id] != want {
			t.Errorf("%s: style %d, quotePrefix want %v (%v)", cell, id, want, err)
		}
	}
	if id, _ := f.GetCellStyle("Sheet1", "A1"); id != st.quotedHeader {
		t.Errorf("A1 style %d, want the quoted header style %d", id, st.quotedHeader)
	}
}
