package export

import (
	"context"
	"encoding/json"
	"errors"
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

// Credit codes with valid GB 32100 check characters; codeA is all digits,
// which a spreadsheet would turn into a number if it were not kept as text.
const (
	codeA = "914101221701547840"
	codeB = "524101220000000041"
)

// applicationHeader is the header of the 申报 and 申报-最新 sheets.
var applicationHeader = []string{"受理编号", "版本", "收到时间", "办理阶段", "申报通知", "组织名称", "统一社会信用代码", "组织类型", "成立日期",
	"专精特新“小巨人”", "所属行业", "所在乡镇（街道）", "地址", "推荐单位", "卓越绩效实施起始", "内部公示", "资格审核", "申报材料",
	"法定代表人", "联系人", "电话", "邮箱", "校验结果", "材料来源", "更正内容", "补正记录", "来件方式",
	"初审推荐人", "初审推荐时间", "初审意见"}

// applicationFields are the fields the intake stores for an application.
func applicationFields(call, creditCode, orgName, missing string) map[string]string {
	f := map[string]string{
		"call": call, "callTitle": "2026年度中牟县县长质量奖申报通知", "orgName": orgName, "creditCode": creditCode,
		"orgKind": "企业", "established": "2018-03-15", "littleGiant": "no", "industry": "食品制造业", "township": "韩寺镇",
		"address": "中牟县韩寺镇工业园区8号", "recommender": "韩寺镇人民政府", "excellenceSince": "2024-01-01",
		"internalPublicityStart": "2026-10-08", "internalPublicityEnd": "2026-10-14", "internalPublicityWorkingDays": "5",
		"consent": "yes", "notice": "v1", "eligibility": "运营满3年（8年7个月）；实施卓越绩效模式满1年；已获推荐：韩寺镇人民政府",
		"missingSlots": missing, "slotsReceived": "applicationForm,selfAssessment,license",
	}
	for i := range 9 {
		n := string(rune('1' + i))
		f["declaration"+n] = "none"
		f["declarationText"+n] = "近三年未发生重大质量、安全、环境事故（第" + n + "项）"
	}
	return f
}

func contact(name, phone string) map[string]string {
	return map[string]string{"legalRepresentative": "法人" + name, "contactName": name, "phone": phone, "email": "contact@example.cn"}
}

// versions adds, to the standard fixture's APPL-2345 (organisation A's
// first application to 2026-apply), A's second application under a new
// name, organisation B's, and A's to another call.
func (fx *fixture) versions() {
	fx.add(submission.KindApplication, "APPL-3456", t3, applicationFields("2026-apply", codeA, "郑州市某某食品股份有限公司", ""),
		contact("赵六", "13700000001"),
		testFile{"applicationForm", "申报表.pdf", "form v2"}, testFile{"selfAssessment", "自评报告.pdf", "report v2"},
		testFile{"license", "营业执照.pdf", "license"}, testFile{"littleGiantCert", "证书.pdf", "cert"}, testFile{"creditReport", "信用.pdf", "credit"})
	b := applicationFields("2026-apply", codeB, "中牟县某某/农业合作社", "financials")
	b["orgKind"], b["littleGiant"] = "社会组织", "yes"
	fx.add(submission.KindApplication, "BBBB-7777", t1, b, contact("钱七", "0371-62190000"),
		testFile{"applicationForm", "申报表.pdf", "form B"}, testFile{"supporting", "照片.jpg", "photo 1"}, testFile{"supporting", "照片.jpg", "photo 2"})
	fx.add(submission.KindApplication, "CCCC-8888", t1, applicationFields("2025-apply", codeA, "郑州市某某食品有限公司", ""),
		contact("赵六", "13700000000"), testFile{"applicationForm", "2025申报表.pdf", "form 2025"})
}

func TestExportApplications(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	fx.versions()
	out := filepath.Join(t.TempDir(), "导出")
	rep, err := Run(context.Background(), fx.options(out))
	if err != nil {
		t.Fatal(err)
	}
	if rep.ByKind["application"] != 4 || rep.ByKind["objection"] != 3 || rep.Identities != 7 {
		t.Fatalf("report %+v", rep)
	}

	// One folder per organisation and call, named after the latest name;
	// one folder per version.
	orgA := filepath.Join(out, "application", "2026-apply", codeA+"_郑州市某某食品股份有限公司")
	orgB := filepath.Join(out, "application", "2026-apply", codeB+"_中牟县某某_农业合作社")
	for dir, want := range map[string][]string{
		orgA: {"v1_2026-11-22_APPL-2345", "v2_2026-11-26_APPL-3456", "最新版本.txt"},
		orgB: {"v1_2026-11-21_BBBB-7777", "最新版本.txt"},
		filepath.Join(out, "application", "2025-apply", codeA+"_郑州市某某食品有限公司"): {"v1_2026-11-21_CCCC-8888", "最新版本.txt"},
		filepath.Join(out, "application"): {"2025-apply", "2026-apply"},
		filepath.Join(orgA, "v2_2026-11-26_APPL-3456"): {"01_申报表_申报表.pdf", "02_自评报告_自评报告.pdf", "03_营业执照或登记证书_营业执照.pdf",
			"04_专精特新“小巨人”证书_证书.pdf", "05_信用报告_信用.pdf", "identity.json", "manifest.json"},
		filepath.Join(orgB, "v1_2026-11-21_BBBB-7777"): {"01_申报表_申报表.pdf", "02_证实性材料_照片.jpg", "03_证实性材料_照片.jpg", "identity.json", "manifest.json"},
	} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, want) {
			t.Errorf("%s holds %q, want %q", dir, names, want)
		}
	}
	if got := readFile(t, filepath.Join(orgA, "最新版本.txt")); got != "v2_2026-11-26_APPL-3456\n" {
		t.Errorf("最新版本.txt: %q", got)
	}
	if got := readFile(t, filepath.Join(orgB, "最新版本.txt")); got != "v1_2026-11-21_BBBB-7777\n" {
		t.Errorf("最新版本.txt of B: %q", got)
	}
	if got := readFile(t, filepath.Join(orgA, "v1_2026-11-22_APPL-2345", "02_自评报告_自评报告.pdf")); got != "report" {
		t.Errorf("version 1 kept: %q", got)
	}
	if got := readFile(t, filepath.Join(orgA, "v2_2026-11-26_APPL-3456", "02_自评报告_自评报告.pdf")); got != "report v2" {
		t.Errorf("version 2: %q", got)
	}
	idPath := filepath.Join(orgA, "v2_2026-11-26_APPL-3456", "identity.json")
	var id map[string]string
	if err := json.Unmarshal([]byte(readFile(t, idPath)), &id); err != nil || id["contactName"] != "赵六" || id["legalRepresentative"] != "法人赵六" {
		t.Errorf("identity.json %v %q", err, id)
	}
	if fi, err := os.Stat(idPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("identity.json mode %v %v", fi, err)
	}
	if i := slices.IndexFunc(rep.Submissions, func(s Exported) bool { return s.Reference == "APPL-3456" }); i < 0 ||
		rep.Submissions[i].Dir != "application/2026-apply/"+codeA+"_郑州市某某食品股份有限公司/v2_2026-11-26_APPL-3456" || rep.Submissions[i].Files != 5 {
		t.Errorf("submissions %+v", rep.Submissions)
	}

	f, err := excelize.OpenFile(rep.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"异议", "申报", "申报-最新"}) {
		t.Errorf("sheets %q", got)
	}
	if rows, _ := f.GetRows("异议"); len(rows) != 4 {
		t.Errorf("objections: %d rows", len(rows))
	}
	rows, err := f.GetRows("申报")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], applicationHeader) {
		t.Errorf("header %q", rows[0])
	}
	// By call; organisations by their first application; latest first.
	var got [][2]string
	for _, r := range rows[1:] {
		got = append(got, [2]string{r[0], r[1]})
	}
	want := [][2]string{{"CCCC-8888", "第1版（最新）"}, {"BBBB-7777", "第1版（最新）"}, {"APPL-3456", "第2版（最新）"}, {"APPL-2345", "第1版"}}
	if !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	v1 := rows[4]
	wantV1 := []string{"APPL-2345", "第1版", "2026-11-22 10:00:00", "初审通过（已推荐）", "2026年度中牟县县长质量奖申报通知（2026-apply）", "郑州市某某食品有限公司",
		codeA, "企业", "2018-03-15", "否", "食品制造业", "韩寺镇", "中牟县韩寺镇工业园区8号", "韩寺镇人民政府", "2024-01-01", "2026-10-08 至 2026-10-14，5个工作日",
		"运营满3年（8年7个月）；实施卓越绩效模式满1年；已获推荐：韩寺镇人民政府",
		// Only the license and the self-assessment came; the standard
		// fixture's missingSlots names the 小巨人 certificate and the
		// credit report as optional for this organisation.
		"申报表：未提交\n自评报告：1 份\n推荐意见：未提交\n内部公示证明：未提交\n营业执照或登记证书：1 份\n承诺书：未提交\n财务报表（近3年）：未提交\n" +
			"信用报告：不适用\n专精特新“小巨人”证书：不适用\n证实性材料：不适用",
		"法人赵六", "赵六", "13700000000", "contact@example.cn", "一致",
		// 材料来源: all from the original; no 更正内容, no 补正记录;
		// 来件方式 网上.
		"申报表：未提交\n自评报告：1 份（原件，2026-11-22）\n推荐意见：未提交\n内部公示证明：未提交\n营业执照或登记证书：1 份（原件，2026-11-22）\n承诺书：未提交\n" +
			"财务报表（近3年）：未提交\n信用报告：不适用\n专精特新“小巨人”证书：不适用\n证实性材料：不适用", "", "", "网上",
		// 初审、推荐: recorded as a stage (before township reviews).
		"王科员", "2026-11-26 23:59:59", "办理阶段记录（推荐意见由申报单位上传）"}
	if !slices.Equal(v1, wantV1) {
		t.Errorf("version 1 row\n got %q\nwant %q", v1, wantV1)
	}
	if r := rows[3]; r[3] != "已收件（待受理）" || r[5] != "郑州市某某食品股份有限公司" || r[17] != "申报表：1 份\n自评报告：1 份\n推荐意见：未提交\n内部公示证明：未提交\n"+
		"营业执照或登记证书：1 份\n承诺书：未提交\n财务报表（近3年）：未提交\n信用报告：1 份\n专精特新“小巨人”证书：1 份\n证实性材料：不适用" {
		t.Errorf("version 2 row %q", r)
	}
	// B claims to be a 小巨人: its certificate is needed, not 不适用.
	if r := rows[2]; r[5] != "中牟县某某/农业合作社" || r[6] != codeB || r[7] != "社会组织" || r[9] != "是" ||
		r[17] != "申报表：1 份\n自评报告：未提交\n推荐意见：未提交\n内部公示证明：未提交\n营业执照或登记证书：未提交\n承诺书：未提交\n"+
			"财务报表（近3年）：不适用\n信用报告：未提交\n专精特新“小巨人”证书：未提交\n证实性材料：2 份" ||
		r[18] != "法人钱七" || r[19] != "钱七" || r[20] != "0371-62190000" {
		t.Errorf("organisation B row %q", r)
	}
	// Credit codes are text, also when all digits.
	for _, cell := range []string{"G2", "G4", "G5"} {
		typ, err := f.GetCellType("申报", cell)
		if err != nil || typ != excelize.CellTypeSharedString {
			t.Errorf("%s: type %v %v", cell, typ, err)
		}
		styleID, _ := f.GetCellStyle("申报", cell)
		if st, err := f.GetStyle(styleID); err != nil || st.NumFmt != 49 {
			t.Errorf("%s: number format %+v %v", cell, st, err)
		}
	}
	if v, _ := f.GetCellValue("申报", "G5", excelize.Options{RawCellValue: true}); v != codeA {
		t.Errorf("raw G5 %q", v)
	}

	latest, err := f.GetRows("申报-最新")
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, r := range latest[1:] {
		got = append(got, [2]string{r[0], r[1]})
	}
	if !slices.Equal(latest[0], applicationHeader) || !slices.Equal(got, want[:3]) {
		t.Errorf("latest sheet %q / %q", latest[0], got)
	}
	if panes, err := f.GetPanes("申报-最新"); err != nil || !panes.Freeze {
		t.Errorf("panes %+v %v", panes, err)
	}
}

// Versions are numbered over all of an organisation's applications to a
// call, whatever the filters select.
func TestExportApplicationFilters(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	fx.versions()
	export := func(t *testing.T, set func(*Options)) (*Report, *excelize.File) {
		t.Helper()
		o := fx.options(filepath.Join(t.TempDir(), "out"))
		set(&o)
		rep, err := Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(rep.Summary)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return rep, f
	}
	refs := func(rep *Report) []string {
		var refs []string
		for _, s := range rep.Submissions {
			refs = append(refs, s.Kind+"/"+s.Reference)
		}
		return refs
	}

	t.Run("call", func(t *testing.T) {
		rep, f := export(t, func(o *Options) { o.Call = "2025-apply" })
		if got := refs(rep); !slices.Equal(got, []string{"application/CCCC-8888"}) {
			t.Errorf("exported %q", got)
		}
		if _, err := os.Stat(filepath.Join(rep.Out, "application", "2026-apply")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("other call exported: %v", err)
		}
		if rows, _ := f.GetRows("申报"); len(rows) != 2 || rows[1][0] != "CCCC-8888" || rows[1][1] != "第1版（最新）" {
			t.Errorf("rows %q", rows)
		}
		if rep.Audit.Options.Call != "2025-apply" {
			t.Errorf("audit options %+v", rep.Audit.Options)
		}
	})

	t.Run("later version not selected", func(t *testing.T) {
		rep, f := export(t, func(o *Options) { o.Kind, o.Call, o.To = "application", "2026-apply", t3 })
		if got := refs(rep); !slices.Equal(got, []string{"application/BBBB-7777", "application/APPL-2345"}) {
			t.Errorf("exported %q", got)
		}
		org := filepath.Join(rep.Out, "application", "2026-apply", codeA+"_郑州市某某食品股份有限公司")
		if got := readFile(t, filepath.Join(org, "v1_2026-11-22_APPL-2345", "01_营业执照或登记证书_营业执照.pdf")); got != "license" {
			t.Errorf("file %q", got)
		}
		note := readFile(t, filepath.Join(org, "最新版本.txt"))
		if !strings.HasPrefix(note, "v2_2026-11-26_APPL-3456\n") || !strings.Contains(note, "不在本次导出范围内") || !strings.Contains(note, "v1_2026-11-22_APPL-2345") {
			t.Errorf("最新版本.txt %q", note)
		}
		rows, _ := f.GetRows("申报-最新")
		if len(rows) != 3 || rows[2][0] != "APPL-2345" || rows[2][1] != "第1版（最新为第2版，不在本次导出范围内）" {
			t.Errorf("latest rows %q", rows)
		}
		if f.GetSheetList()[0] != "申报" {
			t.Errorf("sheets %q", f.GetSheetList())
		}
	})

	t.Run("earlier version not selected", func(t *testing.T) {
		rep, f := export(t, func(o *Options) { o.Kind, o.From = "application", t3 })
		if got := refs(rep); !slices.Equal(got, []string{"application/APPL-3456"}) {
			t.Errorf("exported %q", got)
		}
		if _, err := os.Stat(filepath.Join(rep.Out, "application", "2026-apply", codeA+"_郑州市某某食品股份有限公司", "v2_2026-11-26_APPL-3456", "manifest.json")); err != nil {
			t.Error(err)
		}
		if v, _ := f.GetCellValue("申报", "B2"); v != "第2版（最新）" {
			t.Errorf("版本 %q", v)
		}
	})

	t.Run("without key", func(t *testing.T) {
		rep, f := export(t, func(o *Options) { o.Sealer, o.Kind = nil, "application" })
		if _, err := os.Stat(filepath.Join(rep.Out, "application", "2025-apply", codeA+"_郑州市某某食品有限公司", "v1_2026-11-21_CCCC-8888", "identity.json")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("identity.json without a key: %v", err)
		}
		rows, _ := f.GetRows("申报")
		if r := rows[1]; r[18] != "未解密" || r[19] != "未解密" || r[20] != "未解密" || r[21] != "未解密" {
			t.Errorf("row %q", r)
		}
	})
}

func TestExportApplicationMismatch(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	fx.versions()
	ctx := context.Background()
	if _, err := fx.store.Put(ctx, "applications/appl-3456/files/001", strings.NewReader("tampered!"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	o := fx.options(t.TempDir())
	o.Kind = submission.KindApplication
	rep, err := Run(ctx, o)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("err %v, want ErrMismatch", err)
	}
	if len(rep.Mismatches) != 1 || len(rep.Submissions) != 4 {
		t.Fatalf("report %+v", rep)
	}
	if m := rep.Mismatches[0]; m.Kind != "application" || m.Reference != "APPL-3456" || m.File != "01 申报表.pdf" ||
		m.Key != "applications/appl-3456/files/001" || !strings.HasPrefix(m.Expected, "7 字节") || !strings.HasPrefix(m.Got, "9 字节") {
		t.Errorf("mismatch %+v", m)
	}
	v2 := filepath.Join(o.Out, "application", "2026-apply", codeA+"_郑州市某某食品股份有限公司", "v2_2026-11-26_APPL-3456")
	if got := readFile(t, filepath.Join(v2, "01_申报表_申报表.pdf")); got != "tampered!" {
		t.Errorf("tampered file %q", got)
	}
	f, err := excelize.OpenFile(rep.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, sheet := range []string{"申报", "申报-最新"} {
		rows, _ := f.GetRows(sheet)
		for _, r := range rows[1:] {
			ok := r[22] == "一致"
			if r[0] == "APPL-3456" {
				ok = strings.HasPrefix(r[22], "不一致：01 申报表.pdf 与受理时不符")
			}
			if !ok {
				t.Errorf("%s %s: 校验结果 %q", sheet, r[0], r[22])
			}
		}
	}
	if len(rep.Audit.Mismatches) != 1 || rep.Audit.Mismatches[0].Reference != "application/APPL-3456" {
		t.Errorf("audit %+v", rep.Audit.Mismatches)
	}
}

// A kind without sheets of its own gets one of its fields.
func TestGenericSheet(t *testing.T) {
	e := &exporter{o: Options{Location: time.UTC}}
	it := &item{kind: "survey", ref: "SSSS-2222", m: &submission.Manifest{ReceivedAt: t1,
		Fields: map[string]string{"topic": "质量", "answer": "是"}, Files: []submission.File{{Field: "attachment", Name: "a.pdf"}}}}
	sheets := e.sheets("survey", []*item{it})
	if len(sheets) != 1 || sheets[0].name != "survey" || len(sheets[0].items) != 1 {
		t.Fatalf("sheets %+v", sheets)
	}
	var titles []string
	for _, c := range sheets[0].cols {
		titles = append(titles, c.title)
	}
	if !slices.Equal(titles, []string{"受理编号", "收到时间", "answer", "topic", "文件数", "文件（名称、大小、SHA-256）", "校验结果"}) {
		t.Errorf("columns %q", titles)
	}
	if v := sheets[0].cols[5].value(it); !strings.HasPrefix(v.(string), "01 [attachment] a.pdf") {
		t.Errorf("files %q", v)
	}
}

func TestApplicationCells(t *testing.T) {
	// Every slot given: counts, in form order, then fields that are no slot.
	var all []submission.File
	for _, sl := range submission.ApplicationSlots() {
		all = append(all, submission.File{Field: sl.Name})
	}
	all = append(all, submission.File{Field: "y"}, submission.File{Field: "x"}, submission.File{Field: "supporting"}, submission.File{Field: "x"})
	got := slotsText(submission.ApplicationFields{LittleGiant: "yes"}, all)
	if want := "申报表：1 份\n自评报告：1 份\n推荐意见：1 份\n内部公示证明：1 份\n营业执照或登记证书：1 份\n承诺书：1 份\n财务报表（近3年）：1 份\n" +
		"信用报告：1 份\n专精特新“小巨人”证书：1 份\n证实性材料：2 份\nx：2 份\ny：1 份"; got != want {
		t.Errorf("all given:\n got %q\nwant %q", got, want)
	}
	// Not needed: optional slots, the certificate of a non-小巨人 (by the
	// rule, also without missingSlots, and by missingSlots however
	// separated); needed and absent: 未提交.
	lines := func(f submission.ApplicationFields) map[string]string {
		m := map[string]string{}
		for l := range strings.SplitSeq(slotsText(f, nil), "\n") {
			k, v, _ := strings.Cut(l, "：")
			m[k] = v
		}
		return m
	}
	for _, c := range []struct {
		f                    submission.ApplicationFields
		cert, supporting, cr string
	}{
		{submission.ApplicationFields{LittleGiant: "no"}, "不适用", "不适用", "未提交"},
		{submission.ApplicationFields{}, "不适用", "不适用", "未提交"},
		{submission.ApplicationFields{LittleGiant: "yes"}, "未提交", "不适用", "未提交"},
		{submission.ApplicationFields{LittleGiant: "yes", MissingSlots: " littleGiantCert，creditReport、supporting"}, "不适用", "不适用", "不适用"},
	} {
		m := lines(c.f)
		if m["专精特新“小巨人”证书"] != c.cert || m["证实性材料"] != c.supporting || m["信用报告"] != c.cr || m["申报表"] != "未提交" || len(m) != 10 {
			t.Errorf("%+v: %q", c.f, m)
		}
	}
	if got := internalPublicity(submission.ApplicationFields{InternalPublicityStart: "2026-10-08"}); got != "2026-10-08 起" {
		t.Errorf("publicity %q", got)
	}
	if got := segment(" ../a\\b:c ", "x"); got != "_a_b_c" {
		t.Errorf("segment %q", got)
	}
	if got := segment(" .. ", "无"); got != "无" {
		t.Errorf("empty segment %q", got)
	}
	long := segment(strings.Repeat("某", 150), "x")
	if len(long) > maxNameBytes || !strings.HasPrefix(long, "某某") {
		t.Errorf("long segment %d bytes", len(long))
	}
}
