package export

import (
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/zhongmou/award/submission"
)

// reportSheetName is the sheet of the winners' annual reports.
const reportSheetName = "年度报告"

// reportColumns are the columns of the 年度报告 sheet: one row per report,
// the fund use's amounts by purpose (Art. 24) in yuan as numbers, their
// total, then the contact and the files.
func (e *exporter) reportColumns() []column {
	cols := []column{
		{"受理编号", 12, func(it *item) any { return it.ref }},
		{"收到时间", 20, func(it *item) any { return it.m.ReceivedAt.In(e.o.Location).Format(timeLayout) }},
	}
	cols = append(cols, e.stageColumn()...)
	cols = append(cols, []column{
		{"年度报告通知", 30, func(it *item) any { f := it.m.Report(); return titleAndID(f.CallTitle, f.Call) }},
		{"报告年度", 9, func(it *item) any { return it.m.Report().Year }},
		{"获奖组织", 30, func(it *item) any { return it.m.Report().OrgName }},
		{"统一社会信用代码", 22, func(it *item) any { return it.m.Report().CreditCode }},
		{"获奖届次", 9, func(it *item) any { return it.m.Report().Session }},
		{"获奖年度", 9, func(it *item) any { return it.m.Report().AwardYear }},
		{"自评得分", 9, func(it *item) any { return it.m.Report().Score }},
		{"营业收入（万元）", 12, func(it *item) any { return it.m.Report().Revenue }},
		{"利税总额（万元）", 12, func(it *item) any { return it.m.Report().ProfitTax }},
	}...)
	for i, fp := range submission.FundPurposes {
		cols = append(cols, column{fp.Label + "（元）", 14, func(it *item) any { return int(it.m.Report().Amounts()[i]) }})
	}
	return append(cols, []column{
		{"奖金使用合计（元）", 14, func(it *item) any { return int(it.m.Report().FundTotal()) }},
		{"其他用途说明", 30, func(it *item) any { return it.m.Report().FundOtherNote }},
		{"联系人", 12, func(it *item) any { return identityField(it, "contactName") }},
		{"联系电话", 16, func(it *item) any { return identityField(it, "phone") }},
		{"电子邮箱", 24, func(it *item) any { return identityField(it, "email") }},
		{"文件数", 8, func(it *item) any { return len(it.m.Files) }},
		{"文件（名称、大小、SHA-256）", 70, func(it *item) any { return filesText(it, true) }},
		{"校验结果", 30, func(it *item) any { return checkText(it) }},
		{"材料来源", 40, func(it *item) any { return e.materialsText(it) }},
		{"补正记录", 60, func(it *item) any { return e.supplementsText(it) }},
	}...)
}

// reportTotals is the 合计 row under the reports: the amounts summed by
// purpose, and their total, under their columns; the count of reports
// under the first.
func reportTotals(cols []column, items []*item) []any {
	row := make([]any, len(cols))
	row[0] = "合计"
	if len(cols) > 1 {
		row[1] = itoaReports(len(items))
	}
	for c, col := range cols {
		if !isAmountColumn(col.title) {
			continue
		}
		sum := 0
		for _, it := range items {
			if v, ok := col.value(it).(int); ok {
				sum += v
			}
		}
		row[c] = sum
	}
	return row
}

func itoaReports(n int) string { return "共 " + strconv.Itoa(n) + " 份" }

// isAmountColumn reports whether a 年度报告 column holds yuan to sum.
func isAmountColumn(title string) bool {
	if title == "奖金使用合计（元）" {
		return true
	}
	for _, fp := range submission.FundPurposes {
		if title == fp.Label+"（元）" {
			return true
		}
	}
	return false
}

// writeTotalRow writes row (strings and ints) as the sheet's row n, bold
// like the header.
func writeTotalRow(f *excelize.File, sheet string, n int, row []any, st sheetStyles) error {
	for c, v := range row {
		cell, _ := excelize.CoordinatesToCellName(c+1, n)
		var err error
		switch v := v.(type) {
		case int:
			if err = f.SetCellInt(sheet, cell, int64(v)); err == nil {
				err = f.SetCellStyle(sheet, cell, cell, st.header)
			}
		case string:
			err = setText(f, sheet, cell, v, st.header, st.quotedHeader)
		default:
			err = f.SetCellStyle(sheet, cell, cell, st.header)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
