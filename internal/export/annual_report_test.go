package export

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zhongmou/award/submission"
)

// TestExportReportSheet: 汇总.xlsx has a 年度报告 sheet, one row per report
// with the amounts by purpose, and a 合计 row summing each purpose and the
// total.
func TestExportReportSheet(t *testing.T) {
	fx := newFixture(t)
	contact := submission.ApplicantIdentity{ContactName: "王五", Phone: "0371-62196035", Email: "zhiliang@example.com"}
	r1 := submission.ReportFields{Call: "report-2026", CallTitle: "2026年度报告通知", Year: "2026", OrgName: "甲公司", CreditCode: "91410122MA00J8NW0M",
		Session: "7", AwardYear: "2025", Score: "612.5", Revenue: "12500", ProfitTax: "860.3",
		Fund: [8]string{"50000", "", "", "80000", "100000", "", "", "20000"}, FundOtherNote: "信用体系建设"}
	r2 := submission.ReportFields{Call: "report-2026", CallTitle: "2026年度报告通知", Year: "2026", OrgName: "乙公司", CreditCode: "91410122MAU87AW67U",
		Session: "8", AwardYear: "2026", Score: "580", Revenue: "3000", ProfitTax: "200",
		Fund: [8]string{"10000", "20000", "30000", "", "", "40000", "5000", ""}}
	fx.add(submission.KindReport, "B2C3-D4E5", time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC), r1.Map(), contact, testFile{"selfAssessmentReport", "自评报告.pdf", "%PDF-1 a"})
	fx.add(submission.KindReport, "C3D4-E5F6", time.Date(2026, 12, 11, 2, 0, 0, 0, time.UTC), r2.Map(), contact, testFile{"selfAssessmentReport", "自评报告.pdf", "%PDF-1 b"})
	out := filepath.Join(t.TempDir(), "导出")
	rep, err := Run(context.Background(), fx.options(out))
	if err != nil {
		t.Fatal(err)
	}
	if rep.ByKind[submission.KindReport] != 2 {
		t.Fatalf("report: %+v", rep.ByKind)
	}
	if got := readFile(t, filepath.Join(out, "report", "2026-12-10_B2C3-D4E5", "01_自评报告_自评报告.pdf")); got != "%PDF-1 a" {
		t.Errorf("report file: %q", got)
	}
	f, err := excelize.OpenFile(filepath.Join(out, SummaryName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !slices.Contains(f.GetSheetList(), "年度报告") {
		t.Fatalf("sheets %v", f.GetSheetList())
	}
	rows, err := f.GetRows("年度报告")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want header, 2 reports, 合计: %v", len(rows), rows)
	}
	col := func(title string) int {
		i := slices.Index(rows[0], title)
		if i < 0 {
			t.Fatalf("no column %q in %v", title, rows[0])
		}
		return i
	}
	cell := func(r int, title string) string {
		c := col(title)
		if c >= len(rows[r]) {
			return ""
		}
		return rows[r][c]
	}
	if cell(1, "受理编号") != "B2C3-D4E5" || cell(1, "获奖组织") != "甲公司" || cell(1, "质量攻关（元）") != "100000" ||
		cell(1, "奖金使用合计（元）") != "250000" || cell(1, "联系人") != "王五" || cell(2, "品牌建设（元）") != "20000" {
		t.Errorf("report rows: %v | %v", rows[1], rows[2])
	}
	want := map[string]string{
		"质量宣传（元）": "60000", "品牌建设（元）": "20000", "先进质量管理方法推广与分享（元）": "30000", "质量管理人员培训和奖励（元）": "80000",
		"质量攻关（元）": "100000", "质量检验机构和实验室建设（元）": "40000", "质量公益活动（元）": "5000", "其他（元）": "20000",
		"奖金使用合计（元）": "355000",
	}
	if rows[3][0] != "合计" || rows[3][1] != "共 2 份" {
		t.Errorf("total row starts %v", rows[3][:2])
	}
	for title, sum := range want {
		if got := cell(3, title); got != sum {
			t.Errorf("合计 %s = %q, want %s", title, got, sum)
		}
	}
}
