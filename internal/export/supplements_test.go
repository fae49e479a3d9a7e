package export

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Times of the supplements fixture, in Shanghai: the application and the
// objection arrive on 2026-11-22, the notices are issued on 2026-11-30
// (deadline 2026-12-04), supplements arrive on 2026-12-01 and 2026-12-02.
var (
	noticeAt = time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	supAt1   = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	supAt2   = time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)
)

// supFixture is an application and an objection committed through the
// archive, each with a notice and supplements: the application's
// 补正 1 brings a new 自评报告, the missing 推荐意见 and a corrected 成立日期,
// its 补正 2 another 自评报告 (replacing 补正 1's); the objection's 补正 1
// more evidence.
type supFixture struct {
	*fixture
	a              *archive.Archive
	app, obj       *submission.Manifest
	appSup1        *submission.Supplement
	appSup2        *submission.Supplement
	objSup1        *submission.Supplement
	appDir, objDir string // set by the test from the report
}

func newSupFixture(t *testing.T) *supFixture {
	t.Helper()
	fx := &supFixture{fixture: newFixture(t)}
	now := func() time.Time { return supAt2.Add(time.Hour) }
	fx.a = archive.New(fx.store, fx.sealer, ledger.New(fx.store, ledgertest.Signer(t), now), archive.DefaultConfig(), archive.Options{Now: now})
	fx.app = fx.commit(submission.KindApplication, t2,
		applicationFields("2026-apply", codeA, "郑州市某某食品有限公司", "littleGiantCert,creditReport"), contact("赵六", "13700000000"),
		testFile{"applicationForm", "申报表.pdf", "form v1"}, testFile{"selfAssessment", "自评报告.pdf", "report v1"},
		testFile{"license", "营业执照.pdf", "license"})
	fx.obj = fx.commit(submission.KindObjection, t2, objectionFields("p2026", "c01"),
		identity{Type: "individual", Name: "张三", IDNumber: "11010519491231002X", Phone: "13812345678"},
		testFile{"evidence", "证明材料.pdf", "evidence 1"}, testFile{"evidence", "照片.jpg", "evidence 2"})
	appNotice := fx.notice(fx.app,
		submission.CorrectionItem{Slot: "selfAssessment", Label: "自评报告", Reason: "未按 GB/T 19580 的结构编写"},
		submission.CorrectionItem{Slot: "recommendation", Label: "推荐意见", Reason: "缺少推荐单位盖章的推荐意见"},
		submission.CorrectionItem{Field: "established", Label: "成立日期", Reason: "与营业执照不符"})
	objNotice := fx.notice(fx.obj, submission.CorrectionItem{Slot: submission.EvidenceSlot, Label: "证据", Reason: "请补充抽检报告"})
	fx.appSup1 = fx.supplement(fx.app, appNotice, supAt1, map[string]string{"established": "2018-03-16"},
		testFile{"selfAssessment", "自评报告（修订）.pdf", "report v2"}, testFile{"recommendation", "推荐意见.pdf", "recommendation"})
	fx.appSup2 = fx.supplement(fx.app, appNotice, supAt2, nil, testFile{"selfAssessment", "自评报告（定稿）.pdf", "report v3"})
	fx.objSup1 = fx.supplement(fx.obj, objNotice, supAt1, nil, testFile{"evidence", "抽检报告.pdf", "evidence 3"})
	return fx
}

func (fx *supFixture) commit(kind string, at time.Time, fields map[string]string, id any, files ...testFile) *submission.Manifest {
	t := fx.t
	t.Helper()
	ctx := context.Background()
	up, err := fx.a.Begin(ctx, kind)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := up.Commit(ctx, archive.Commitment{ReceivedAt: at, Fields: fields, Identity: id, Files: fx.put(up, files)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (fx *supFixture) put(up *archive.Upload, files []testFile) []submission.File {
	fx.t.Helper()
	var out []submission.File
	for _, f := range files {
		st, err := up.Put(context.Background(), strings.NewReader(f.data), "application/pdf")
		if err != nil {
			fx.t.Fatal(err)
		}
		out = append(out, submission.File{Field: f.field, Name: f.name, Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: "application/pdf"})
	}
	return out
}

// notice issues a one-time notice for items and returns its event's number.
func (fx *supFixture) notice(m *submission.Manifest, items ...submission.CorrectionItem) int {
	fx.t.Helper()
	st, err := fx.a.AppendEvent(context.Background(), submission.Status{Reference: m.Reference, Stage: submission.StageCorrection,
		Operator: "王科员", At: noticeAt, Correction: &submission.Correction{Items: items, WorkingDays: 5, Deadline: "2026-12-04"}}, 0)
	if err != nil {
		fx.t.Fatal(err)
	}
	return st.Seq
}

func (fx *supFixture) supplement(m *submission.Manifest, notice int, at time.Time, fields map[string]string, files ...testFile) *submission.Supplement {
	t := fx.t
	t.Helper()
	ctx := context.Background()
	up, err := fx.a.BeginSupplement(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	sup, _, err := up.CommitSupplement(ctx, archive.SupplementCommitment{Notice: notice, ReceivedAt: at, Fields: fields, Files: fx.put(up, files)})
	if err != nil {
		up.Discard()
		t.Fatal(err)
	}
	return sup
}

func (fx *supFixture) options(out string) Options {
	o := fx.fixture.options(out)
	o.Signer, o.Statuses = ledgertest.Signer(fx.t), fx.a.Statuses
	return o
}

// run exports everything into a new directory and finds the two
// submissions' folders.
func (fx *supFixture) run(t *testing.T) (*Report, error) {
	t.Helper()
	rep, err := Run(context.Background(), fx.options(filepath.Join(t.TempDir(), "导出")))
	if rep == nil {
		t.Fatal(err)
	}
	for _, s := range rep.Submissions {
		switch s.Reference {
		case fx.app.Reference:
			fx.appDir = filepath.Join(rep.Out, filepath.FromSlash(s.Dir))
		case fx.obj.Reference:
			fx.objDir = filepath.Join(rep.Out, filepath.FromSlash(s.Dir))
		}
	}
	return rep, err
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// sheetRow is the row of the reference on a sheet of 汇总.xlsx.
func sheetRow(t *testing.T, summary, sheet, ref string) []string {
	t.Helper()
	f, err := excelize.OpenFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) > 0 && r[0] == ref {
			return r
		}
	}
	t.Fatalf("no row of %s on %s", ref, sheet)
	return nil
}

// cell is a row's cell, "" past the row's end (empty cells at the end of
// a row are not read back).
func cell(r []string, i int) string {
	if i < len(r) {
		return r[i]
	}
	return ""
}

// Supplements are exported into their submission's folder, checked, with
// their records; the sheets show the merged materials with each one's
// origin and date, the corrected fields and the supplements; replaced
// files are exported and marked; 校验报告 counts them; the ZIP holds the
// same.
func TestExportSupplements(t *testing.T) {
	fx := newSupFixture(t)
	rep, err := fx.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Mismatches) != 0 || len(rep.Findings) != 0 {
		t.Fatalf("mismatches %v, findings %v", rep.Mismatches, rep.Findings)
	}
	if rep.Supplements != 3 || rep.SupplementFiles != 4 || rep.Files != 3+2+4 || rep.Audit.Supplements != 3 || rep.Audit.Files != 9 {
		t.Errorf("report: %d supplements, %d of their files, %d files; audit %+v", rep.Supplements, rep.SupplementFiles, rep.Files, rep.Audit)
	}
	for _, s := range rep.Submissions {
		if s.Reference == fx.app.Reference && (s.Files != 6 || s.Supplements != 2) || s.Reference == fx.obj.Reference && (s.Files != 3 || s.Supplements != 1) {
			t.Errorf("exported %+v", s)
		}
	}

	// The folders: the original as before, each supplement in 补正<n>/
	// with its record; every file's bytes and SHA-256 as received.
	if got, want := dirNames(t, fx.appDir), []string{"01_申报表_申报表.pdf", "02_自评报告_自评报告.pdf", "03_营业执照或登记证书_营业执照.pdf",
		"identity.json", "manifest.json", MaterialsName, "补正1", "补正2"}; !slices.Equal(got, want) {
		t.Errorf("application folder holds %q, want %q", got, want)
	}
	for dir, want := range map[string]map[string]string{
		filepath.Join(fx.appDir, "补正1"): {"01_自评报告_自评报告（修订）.pdf": "report v2", "02_推荐意见_推荐意见.pdf": "recommendation"},
		filepath.Join(fx.appDir, "补正2"): {"01_自评报告_自评报告（定稿）.pdf": "report v3"},
		filepath.Join(fx.objDir, "补正1"): {"01_evidence_抽检报告.pdf": "evidence 3"},
		fx.objDir:                       {"01_evidence_证明材料.pdf": "evidence 1", "02_evidence_照片.jpg": "evidence 2"},
	} {
		for name, data := range want {
			if got := readFile(t, filepath.Join(dir, name)); got != data {
				t.Errorf("%s/%s: %q, want %q", dir, name, got, data)
			}
		}
	}
	for dir, sup := range map[string]*submission.Supplement{filepath.Join(fx.appDir, "补正1"): fx.appSup1,
		filepath.Join(fx.appDir, "补正2"): fx.appSup2, filepath.Join(fx.objDir, "补正1"): fx.objSup1} {
		names := dirNames(t, dir)
		if len(names) != len(sup.Files)+1 || names[len(names)-1] != "manifest.json" {
			t.Errorf("%s holds %q", dir, names)
			continue
		}
		key := submission.SupplementKey(sup.Of, sup.Reference)
		if got := readFile(t, filepath.Join(dir, "manifest.json")); got != string(ledgertest.Get(t, fx.store, key)) {
			t.Errorf("%s/manifest.json differs from %s", dir, key)
		}
		for i, f := range sup.Files {
			if got := hashOf([]byte(readFile(t, filepath.Join(dir, names[i])))); got != f.SHA256 {
				t.Errorf("%s/%s: SHA-256 %s, recorded %s", dir, names[i], got, f.SHA256)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(fx.objDir, MaterialsName)); err != nil {
		t.Errorf("objection: %v", err)
	}

	// 申报: the original's columns as before, then 材料来源, 更正内容, 补正记录.
	r := sheetRow(t, rep.Summary, "申报", fx.app.Reference)
	if r[3] != "已补正" || r[8] != "2018-03-15" || r[22] != "一致" ||
		!strings.HasPrefix(r[17], "申报表：1 份\n自评报告：1 份\n推荐意见：未提交\n") {
		t.Errorf("original columns %q", r)
	}
	wantMaterials := "申报表：1 份（原件，2026-11-22）\n" +
		"自评报告：1 份（补正 2，2026-12-02）；已替换 1 份（原件）、1 份（补正 1）\n" +
		"推荐意见：1 份（补正 1，2026-12-01）\n" +
		"内部公示证明：未提交\n营业执照或登记证书：1 份（原件，2026-11-22）\n承诺书：未提交\n财务报表（近3年）：未提交\n" +
		"信用报告：不适用\n专精特新“小巨人”证书：不适用\n证实性材料：不适用"
	if got := cell(r, 23); got != wantMaterials {
		t.Errorf("材料来源\n got %q\nwant %q", got, wantMaterials)
	}
	if got := cell(r, 24); got != "成立日期：2018-03-16，补正 1（2026-12-01）；原填 2018-03-15" {
		t.Errorf("更正内容 %q", got)
	}
	records := cell(r, 25)
	for _, want := range []string{
		"补正 1（补正编号 " + fx.appSup1.Reference + "）2026-12-01 10:00:00 收到，存放于 补正1/：\n" +
			"01 [自评报告] 自评报告（修订）.pdf，9 字节，SHA-256 " + fx.appSup1.Files[0].SHA256 + "（已被补正 2 替换）\n" +
			"02 [推荐意见] 推荐意见.pdf，14 字节，SHA-256 " + fx.appSup1.Files[1].SHA256 + "\n" +
			"更正 成立日期：2018-03-16\n",
		"补正 2（补正编号 " + fx.appSup2.Reference + "）2026-12-02 10:00:00 收到，存放于 补正2/：\n" +
			"01 [自评报告] 自评报告（定稿）.pdf，9 字节，SHA-256 " + fx.appSup2.Files[0].SHA256,
	} {
		if !strings.Contains(records, want) {
			t.Errorf("补正记录 lacks %q:\n%s", want, records)
		}
	}
	if strings.Contains(records, "定稿）.pdf，9 字节，SHA-256 "+fx.appSup2.Files[0].SHA256+"（") {
		t.Errorf("the current 自评报告 is marked replaced:\n%s", records)
	}
	if latest := sheetRow(t, rep.Summary, "申报-最新", fx.app.Reference); cell(latest, 23) != wantMaterials {
		t.Errorf("申报-最新 材料来源 %q", cell(latest, 23))
	}

	// 异议: more evidence adds to the evidence, replacing none.
	r = sheetRow(t, rep.Summary, "异议", fx.obj.Reference)
	if r[2] != "已补充证据" || r[10] != "2" || r[12] != "一致" || strings.Contains(r[11], "替换") {
		t.Errorf("objection row %q", r)
	}
	if got := cell(r, 13); got != "证明材料：2 份（原件，2026-11-22）、1 份（补正 1，2026-12-01）" {
		t.Errorf("objection 材料来源 %q", got)
	}
	if got := cell(r, 14); !strings.HasPrefix(got, "补正 1（补正编号 "+fx.objSup1.Reference+"）2026-12-01 10:00:00 收到，存放于 补正1/：\n01 [证明材料] 抽检报告.pdf") {
		t.Errorf("objection 补正记录 %q", got)
	}

	// 材料清单.txt: the current materials and the replaced ones, each
	// with where it was exported, its origin and date.
	list := readFile(t, filepath.Join(fx.appDir, MaterialsName))
	for _, want := range []string{
		"材料清单：" + fx.app.Reference + "（原件及补正材料）",
		"补正 1：2026-12-01 10:00:00 收到，补正编号 " + fx.appSup1.Reference + "，补正记录 补正1/manifest.json",
		"现行材料（原件与补正材料合并，同一项材料以最新补正的为准）：\n" +
			"  申报表：01_申报表_申报表.pdf（原件，2026-11-22 收到；7 字节，SHA-256 " + hashOf([]byte("form v1")) + "；校验一致）\n" +
			"  自评报告：补正2/01_自评报告_自评报告（定稿）.pdf（补正 2，2026-12-02 收到；9 字节，SHA-256 " + hashOf([]byte("report v3")) + "；校验一致）\n" +
			"  推荐意见：补正1/02_推荐意见_推荐意见.pdf（补正 1，2026-12-01 收到；",
		"已被替换的材料（照原样导出，供查对）：\n" +
			"  自评报告：02_自评报告_自评报告.pdf（原件，2026-11-22 收到；9 字节，SHA-256 " + hashOf([]byte("report v1")) + "；校验一致）（已被补正 2 替换）\n" +
			"  自评报告：补正1/01_自评报告_自评报告（修订）.pdf（补正 1，2026-12-01 收到；",
		"更正的填报内容：\n  成立日期：2018-03-16，补正 1（2026-12-01）；原填 2018-03-15\n",
	} {
		if !strings.Contains(list, want) {
			t.Errorf("%s lacks %q:\n%s", MaterialsName, want, list)
		}
	}

	report := readFile(t, rep.Report)
	for _, want := range []string{"导出 2 份（异议 1 份，申报 1 份），文件 9 个", "其中补正材料：2 件有补正，共补正 3 次，文件 4 个",
		"文件校验：全部文件（含补正材料 4 个）与受理或收到时记录的大小和 SHA-256 一致。", "补正记录的校验码均有效"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}

	// The ZIP holds the same files.
	o := fx.options("")
	var buf bytes.Buffer
	zipRep, err := WriteZIP(context.Background(), &buf, o)
	if err != nil {
		t.Fatal(err)
	}
	inDir, inZIP := dirFiles(t, rep.Out), zipFiles(t, buf.Bytes())
	if a, b := slices.Sorted(maps.Keys(inDir)), slices.Sorted(maps.Keys(inZIP)); !slices.Equal(a, b) {
		t.Fatalf("ZIP entries\n%q\ndirectory files\n%q", b, a)
	}
	for name, data := range inDir {
		if name != SummaryName && name != ReportName && !bytes.Equal(inZIP[name], data) {
			t.Errorf("%s differs in the ZIP", name)
		}
	}
	if zipRep.Supplements != rep.Supplements || zipRep.SupplementFiles != rep.SupplementFiles || zipRep.Files != rep.Files {
		t.Errorf("ZIP report %+v", zipRep)
	}
}

// A supplement's file replaced in storage is a mismatch; a supplement
// record changed or deleted a finding (the record's verification covers
// supplements); an unreadable one both. Everything else is still
// exported, and 校验结果, 校验报告 and the audit record say so.
func TestExportSupplementTampered(t *testing.T) {
	fx := newSupFixture(t)
	ctx := context.Background()
	replaced := fx.appSup2.Files[0]
	if _, err := fx.store.Put(ctx, replaced.Key, strings.NewReader("tampered report"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	changedKey := submission.SupplementKey(fx.appSup1.Of, fx.appSup1.Reference)
	changed := bytes.Replace(ledgertest.Get(t, fx.store, changedKey), []byte(`"2018-03-16"`), []byte(`"2017-01-01"`), 1)
	ledgertest.Put(t, fx.store, changedKey, changed)
	junkRef := submission.NewReference()
	junkKey := submission.SupplementKey(fx.obj.Reference, junkRef)
	ledgertest.Put(t, fx.store, junkKey, []byte("not a record"))
	deletedKey := submission.SupplementKey(fx.objSup1.Of, fx.objSup1.Reference)
	ledgertest.Delete(t, fx.store, deletedKey)

	rep, err := fx.run(t)
	if !errors.Is(err, ErrMismatch) || !errors.Is(err, ErrRecords) {
		t.Fatalf("err %v", err)
	}
	var got []string
	for _, m := range rep.Mismatches {
		got = append(got, m.Reference+" "+m.File+" "+m.Key)
	}
	want := []string{fx.obj.Reference + " 补正记录 " + junkRef + " " + junkKey, fx.app.Reference + " 补正2/01 自评报告（定稿）.pdf " + replaced.Key}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("mismatches %q, want %q", got, want)
	}
	got = nil
	for _, f := range rep.Findings {
		got = append(got, string(f.Kind)+" "+f.Reference+" "+f.Key)
	}
	want = []string{string(ledger.ManifestChanged) + " " + fx.app.Reference + " " + changedKey,
		string(ledger.ManifestChanged) + " " + fx.obj.Reference + " " + junkKey,
		string(ledger.SubmissionDeleted) + " " + fx.obj.Reference + " " + deletedKey}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(rep.Audit.Findings) != 3 {
		t.Errorf("findings %q, want %q", got, want)
	}
	// Exported all the same, as found.
	if got := readFile(t, filepath.Join(fx.appDir, "补正2", "01_自评报告_自评报告（定稿）.pdf")); got != "tampered report" {
		t.Errorf("replaced file exported as %q", got)
	}
	if got := readFile(t, filepath.Join(fx.appDir, "补正1", "manifest.json")); got != string(changed) {
		t.Errorf("changed record exported as %q", got)
	}
	if rep.Supplements != 2 {
		t.Errorf("%d supplements exported", rep.Supplements)
	}

	check := sheetRow(t, rep.Summary, "申报", fx.app.Reference)[22]
	for _, want := range []string{"不一致：", "受理记录被改动（补正材料记录：记录与其校验码不符", "补正2/01 自评报告（定稿）.pdf 与收到时不符（15 字节"} {
		if !strings.Contains(check, want) {
			t.Errorf("校验结果 lacks %q: %q", want, check)
		}
	}
	obj := sheetRow(t, rep.Summary, "异议", fx.obj.Reference)
	if check := obj[12]; !strings.Contains(check, "补正记录 "+junkRef+" 无法读取") || !strings.Contains(check, "整件被删除（账本第 ") {
		t.Errorf("objection 校验结果 %q", check)
	}
	if cell(obj, 13) != "证明材料：2 份（原件，2026-11-22）" || cell(obj, 14) != "" || strings.Contains(obj[11], "替换") {
		t.Errorf("objection without its deleted supplement %q", obj)
	}
	if list := readFile(t, filepath.Join(fx.appDir, MaterialsName)); !strings.Contains(list, "补正2/01_自评报告_自评报告（定稿）.pdf（补正 2，2026-12-02 收到；9 字节，SHA-256 "+
		replaced.SHA256+"；校验不一致：补正2/01 自评报告（定稿）.pdf 与收到时不符") {
		t.Errorf("%s:\n%s", MaterialsName, list)
	}
	report := readFile(t, rep.Report)
	for _, want := range []string{"文件校验：不一致 2 处", "  " + fx.app.Reference + " 补正2/01 自评报告（定稿）.pdf：应为 9 字节，SHA-256 " + replaced.SHA256 +
		"，实为 15 字节", "防篡改核验：发现问题 3 处", "受理记录被改动：" + fx.app.Reference + "（" + changedKey + "）"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	var keys []string
	for _, m := range rep.Audit.Mismatches {
		keys = append(keys, m.Key)
	}
	if !slices.Contains(keys, replaced.Key) || !slices.Contains(keys, junkKey) {
		t.Errorf("audit mismatches %+v", rep.Audit.Mismatches)
	}
}
