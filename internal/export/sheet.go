package export

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/zhongmou/award/submission"
)

// sheetName is the spreadsheet sheet of a kind.
func sheetName(kind string) string {
	switch kind {
	case submission.KindObjection:
		return "异议"
	case submission.KindApplication:
		return "申报"
	case submission.KindReport:
		return reportSheetName
	}
	return kind
}

// column is one column of a sheet.
type column struct {
	title string
	width float64 // 0: from the content
	value func(it *item) any
}

// Widths and lengths of cells.
const (
	timeLayout = "2006-01-02 15:04:05"
	// maxCellChars is what a cell may hold (Excel's limit is 32767).
	maxCellChars = 32000
	minWidth     = 8
	maxWidth     = 60
)

// Texts of identity cells that hold no identity.
const (
	textSealed   = "未解密"
	textNone     = "（无）"
	textWrongKey = "无法解密（密钥不符）"
	textDamaged  = "无法解密（数据损坏）"
)

// objectionColumns are the columns of the 异议 sheet.
func (e *exporter) objectionColumns() []column {
	cols := []column{
		{"受理编号", 12, func(it *item) any { return it.ref }},
		{"收到时间", 20, func(it *item) any { return it.m.ReceivedAt.In(e.o.Location).Format(timeLayout) }},
	}
	return append(append(cols, e.stageColumn()...), []column{
		{"公示", 30, func(it *item) any { f := it.m.Objection(); return titleAndID(f.PublicityTitle, f.Publicity) }},
		{"候选组织", 32, func(it *item) any { return candidate(it.m.Objection()) }},
		{"异议人类型", 11, func(it *item) any { return objectorType(it) }},
		{"姓名或单位", 24, func(it *item) any { return identityField(it, "name") }},
		{"证件号码", 22, func(it *item) any {
			if v := identityField(it, "idNumber"); v != "" {
				return v
			}
			return identityField(it, "creditCode")
		}},
		{"联系电话", 16, func(it *item) any { return identityField(it, "phone") }},
		{"事实和理由", 60, func(it *item) any { return it.m.Objection().Statement }},
		{"文件数", 8, func(it *item) any { return len(it.m.Files) }},
		{"文件（名称、大小、SHA-256）", 70, func(it *item) any { return filesText(it, false) }},
		{"校验结果", 30, func(it *item) any { return checkText(it) }},
		// The supplements' (补充证据) columns, after the original's.
		{"材料来源", 40, func(it *item) any { return e.materialsText(it) }},
		{"补正记录", 60, func(it *item) any { return e.supplementsText(it) }},
		{"来件方式", 22, func(it *item) any { f := it.m.Objection(); return channelText(f.Channel, f.Postmarked) }},
	}...)
}

// genericColumns are the columns of any other kind's sheet: its Fields by
// sorted name, the identity if any submission has one, then the files.
func (e *exporter) genericColumns(items []*item) []column {
	cols := []column{
		{"受理编号", 12, func(it *item) any { return it.ref }},
		{"收到时间", 20, func(it *item) any { return it.m.ReceivedAt.In(e.o.Location).Format(timeLayout) }},
	}
	cols = append(cols, e.stageColumn()...)
	var names []string
	withIdentity := false
	for _, it := range items {
		for k := range it.m.Fields {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
		withIdentity = withIdentity || it.m.Identity != nil
	}
	slices.Sort(names)
	for _, k := range names {
		cols = append(cols, column{k, 0, func(it *item) any { return it.m.Fields[k] }})
	}
	if withIdentity {
		cols = append(cols, column{"身份信息", 40, identityText})
	}
	return append(cols,
		column{"文件数", 8, func(it *item) any { return len(it.m.Files) }},
		column{"文件（名称、大小、SHA-256）", 70, func(it *item) any { return filesText(it, true) }},
		column{"校验结果", 30, func(it *item) any { return checkText(it) }},
	)
}

// sheet is one sheet of 汇总.xlsx.
type sheet struct {
	name  string
	cols  []column
	items []*item // its rows, in order
	// total, when set, is a row written under the items (年度报告's 合计).
	total []any
}

// sheets are the sheets of a kind: 异议; 申报 with every version and
// 申报-最新 with the latest; for any other kind one sheet of its fields.
func (e *exporter) sheets(kind string, items []*item) []sheet {
	switch kind {
	case submission.KindObjection:
		return []sheet{{name: sheetName(kind), cols: e.objectionColumns(), items: items}}
	case submission.KindApplication:
		all, latest := applicationRows(items)
		cols := e.applicationColumns()
		return []sheet{{name: sheetName(kind), cols: cols, items: all}, {name: latestSheet, cols: cols, items: latest}}
	case submission.KindReport:
		cols := e.reportColumns()
		return []sheet{{sheetName(kind), cols, items, reportTotals(cols, items)}}
	}
	return []sheet{{name: sheetName(kind), cols: e.genericColumns(items), items: items}}
}

// writeSummary writes 汇总.xlsx: the sheets of every exported kind.
func (e *exporter) writeSummary() (string, error) {
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newStyles(f)
	if err != nil {
		return "", summaryError(err)
	}
	var sheets []sheet
	for _, kind := range e.o.kinds() {
		var items []*item
		for _, it := range e.subs {
			if it.kind == kind {
				items = append(items, it)
			}
		}
		if kind == submission.KindReport && len(items) == 0 && e.o.Kind == "" {
			continue // no 年度报告 sheet in an export without reports
		}
		sheets = append(sheets, e.sheets(kind, items)...)
	}
	for i, sh := range sheets {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), sh.name)
		} else {
			_, err = f.NewSheet(sh.name)
		}
		if err != nil {
			return "", summaryError(err)
		}
		if err := writeSheet(f, sh.name, sh.cols, sh.items, styles); err != nil {
			return "", summaryError(err)
		}
		if sh.total != nil {
			if err := writeTotalRow(f, sh.name, len(sh.items)+2, sh.total, styles); err != nil {
				return "", summaryError(err)
			}
		}
	}
	f.SetActiveSheet(0)
	out, err := e.sink.create(SummaryName)
	if err != nil {
		return "", summaryError(err)
	}
	if _, err := f.WriteTo(out); err != nil {
		out.discard()
		return "", summaryError(err)
	}
	if err := out.Close(); err != nil {
		return "", summaryError(err)
	}
	return e.sink.display(SummaryName), nil
}

func summaryError(err error) error { return fmt.Errorf("无法写入汇总表：%w", err) }

// sheetStyles are the cell styles of 汇总.xlsx. The quoted ones are the
// header and text styles with the xf's quotePrefix set: see formulaLike.
type sheetStyles struct{ header, text, number, quotedHeader, quotedText int }

func newStyles(f *excelize.File) (sheetStyles, error) {
	var s sheetStyles
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    border,
	}); err != nil {
		return s, err
	}
	// NumFmt 49 is "@", text: what is typed or pasted later stays text too.
	if s.text, err = f.NewStyle(&excelize.Style{
		NumFmt:    49,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
		Border:    border,
	}); err != nil {
		return s, err
	}
	if s.number, err = f.NewStyle(&excelize.Style{
		NumFmt:    1,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"},
		Border:    border,
	}); err != nil {
		return s, err
	}
	// Last, so that NewStyle, which matches existing styles without regard
	// to quotePrefix, never hands out a quoted style for another.
	if s.quotedHeader, err = quotePrefixed(f, s.header); err != nil {
		return s, err
	}
	s.quotedText, err = quotePrefixed(f, s.text)
	return s, err
}

// quotePrefixed adds a cell style equal to style but with the xf's
// quotePrefix attribute (Excel's leading apostrophe: the cell stays text when
// it is edited, copied or filled) and returns its index. excelize v2.11's
// Style has no field for it, so the xf is copied in the workbook's parsed
// styles.xml (File.Styles), which excelize writes back as it is on save.
func quotePrefixed(f *excelize.File, style int) (int, error) {
	if _, err := f.GetStyle(style); err != nil { // also loads f.Styles
		return 0, err
	}
	xfs := f.Styles.CellXfs
	xf := xfs.Xf[style]
	quote := true
	xf.QuotePrefix = &quote
	xfs.Xf = append(xfs.Xf, xf)
	xfs.Count = len(xfs.Xf)
	return len(xfs.Xf) - 1, nil
}

// formulaLike reports whether a spreadsheet program could take text as a
// formula if the text were typed, pasted or saved as CSV (OWASP "CSV
// injection"): its first character is a tab or carriage return, or its
// first character other than white space is '=', '+', '-' or '@'. Such
// cells keep their text as it is and get the quoted style.
func formulaLike(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '\t' || s[0] == '\r' {
		return true
	}
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	return s != "" && strings.ContainsRune("=+-@", rune(s[0]))
}

// Rows and printing.
const (
	headerHeight = 30 // points
	lineHeight   = 15 // points per line of 11-point text
	// maxRowHeight is the tallest row Excel allows, in points.
	maxRowHeight = 409
)

// writeSheet writes the header row of cols and a row per item: ints as
// numbers, strings (through cellText) as string cells styled as text. No
// cell is ever a formula. Rows are made tall enough for their wrapped
// lines, and the sheet prints landscape on A4, fitted to one page wide,
// the header repeated on every page.
func writeSheet(f *excelize.File, sheet string, cols []column, items []*item, st sheetStyles) error {
	widths := make([]float64, len(cols))
	for c, col := range cols {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := setText(f, sheet, cell, col.title, st.header, st.quotedHeader); err != nil {
			return err
		}
		widths[c] = col.width
		if widths[c] == 0 {
			widths[c] = displayWidth(col.title) + 2
		}
	}
	rows := make([][]any, len(items))
	for r, it := range items {
		rows[r] = make([]any, len(cols))
		for c, col := range cols {
			v := col.value(it)
			if s, ok := v.(string); ok {
				v = cellText(s)
				if col.width == 0 {
					widths[c] = max(widths[c], min(longestLine(v.(string))+2, maxWidth))
				}
			}
			rows[r][c] = v
		}
	}
	for c := range widths {
		widths[c] = max(widths[c], minWidth)
	}
	for r, row := range rows {
		lines := 1
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			var err error
			switch v := v.(type) {
			case int:
				err = f.SetCellInt(sheet, cell, int64(v))
				if err == nil {
					err = f.SetCellStyle(sheet, cell, cell, st.number)
				}
			case string:
				// Set as a string, styled as text: ID numbers and credit
				// codes are never turned into numbers.
				err = setText(f, sheet, cell, v, st.text, st.quotedText)
				lines = max(lines, wrappedLines(v, widths[c]))
			default:
				err = fmt.Errorf("列“%s”的值类型 %T 无法写入汇总表", cols[c].title, v)
			}
			if err != nil {
				return err
			}
		}
		if lines > 1 {
			if err := f.SetRowHeight(sheet, r+2, rowHeight(lines)); err != nil {
				return err
			}
		}
	}
	if err := f.SetRowHeight(sheet, 1, headerHeight); err != nil {
		return err
	}
	for c, w := range widths {
		name, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(sheet, name, name, w); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(len(cols), len(items)+1)
	if err := f.AutoFilter(sheet, "A1:"+end, nil); err != nil {
		return err
	}
	return printSetup(f, sheet) // after AutoFilter, which replaces the sheet's properties
}

// printSetup makes the sheet print landscape on A4, as many pages high as
// it takes and one page wide, with the header row on every page.
func printSetup(f *excelize.File, sheet string) error {
	landscape, a4, wide, high, fit := "landscape", 9, 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &wide, FitToHeight: &high}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet})
}

// wrappedLines estimates how many lines text takes in a wrapping cell of
// width (Excel's character units): each line of it, wrapped at the width.
func wrappedLines(text string, width float64) int {
	usable := max(width-1, 1)
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		n += max(1, int(math.Ceil(displayWidth(line)/usable)))
	}
	return n
}

// rowHeight is the height in points of a row of lines lines, at most
// Excel's maximum (a longer cell then scrolls within its row).
func rowHeight(lines int) float64 {
	return min(float64(lines*lineHeight+4), maxRowHeight)
}

// setText writes text as a string cell (never a formula, whatever it looks
// like) with style, or with quoted if the text is formulaLike.
func setText(f *excelize.File, sheet, cell, text string, style, quoted int) error {
	if err := f.SetCellStr(sheet, cell, text); err != nil {
		return err
	}
	if formulaLike(text) {
		style = quoted
	}
	return f.SetCellStyle(sheet, cell, cell, style)
}

// cellText makes a value fit a cell: line ends unified, control characters
// dropped, at most maxCellChars characters.
func cellText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > maxCellChars {
		s = string([]rune(s)[:maxCellChars]) + "……（内容过长，已截断；全文见文件夹中的 manifest.json）"
	}
	return s
}

// displayWidth approximates a text's width in Excel's character units: wide
// (CJK) characters count two.
func displayWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF {
			w += 2
		} else {
			w++
		}
	}
	return w
}

func longestLine(s string) float64 {
	w := 0.0
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, displayWidth(line))
	}
	return w
}

func titleAndID(title, id string) string {
	switch {
	case title == "":
		return id
	case id == "":
		return title
	}
	return title + "（" + id + "）"
}

func candidate(f submission.ObjectionFields) string {
	name := f.CandidateName
	if name == "" {
		name = f.Candidate
	}
	if code := f.CandidateCreditCode; code != "" {
		return name + "\n统一社会信用代码：" + code
	}
	return name
}

func objectorType(it *item) string {
	t := it.m.Objection().ObjectorType
	if t == "" {
		t = identityField(it, "type")
	}
	switch t {
	case "individual":
		return "个人"
	case "organization":
		return "单位"
	}
	return t
}

// identityField is one field of the decrypted identity, or what stands in
// for it.
func identityField(it *item, name string) string {
	switch it.identity.state {
	case identityNone:
		return textNone
	case identitySealed:
		return textSealed
	case identityWrongKey:
		return textWrongKey
	case identityDamaged:
		return textDamaged
	}
	var id map[string]any
	if json.Unmarshal(it.identity.raw, &id) != nil {
		return textDamaged
	}
	switch v := id[name].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// identityText is a generic identity as "name：value" lines.
func identityText(it *item) any {
	if it.identity.state != identityOpen {
		return identityField(it, "")
	}
	var id map[string]any
	if json.Unmarshal(it.identity.raw, &id) != nil {
		return textDamaged
	}
	keys := make([]string, 0, len(id))
	for k := range id {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + "：" + identityField(it, k)
	}
	return strings.Join(lines, "\n")
}

// filesText lists the manifest's files, one per line: number, name, size,
// SHA-256, and for a file a supplement replaced, by which (the
// supplements' own files are in 补正记录).
func filesText(it *item, withField bool) string {
	lines := make([]string, 0, len(it.m.Files))
	for i, f := range it.m.Files {
		line := fmt.Sprintf("%02d ", i+1)
		if withField {
			line += "[" + f.Field + "] "
		}
		line += submission.SanitizeFileName(f.Name) + "，" + submission.FileSize(f.Size) + "，SHA-256 " + strings.ToLower(f.SHA256)
		if i < len(it.files) {
			line += replacedNote(it.files[i])
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// checkText is the 校验结果 cell: 一致, or 不一致 with what differs.
func checkText(it *item) string {
	problems := slices.Clone(it.problems)
	for _, r := range it.allFiles() {
		if r.problem != "" {
			problems = append(problems, r.problem)
		}
	}
	if len(problems) == 0 {
		return "一致"
	}
	return "不一致：" + strings.Join(problems, "；")
}

// channelText is the 来件方式 column: 网上, or 纸质 with the postmark or
// hand-in date that decided whether it came in time (代录).
func channelText(channel, postmarked string) string {
	if channel != submission.ChannelPaper {
		return "网上"
	}
	return "纸质（邮戳或送达 " + postmarked + "）"
}
