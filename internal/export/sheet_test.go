package export

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Every sheet prints landscape on A4, one page wide, the header on each
// page; rows with several lines are tall enough for them; single-line rows
// keep the default height.
func TestSummaryLayout(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	fx.versions()
	rep, err := Run(context.Background(), fx.options(filepath.Join(t.TempDir(), "out")))
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(rep.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	titles := map[string]bool{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles[dn.Scope] = dn.RefersTo == "'"+dn.Scope+"'!$1:$1"
		}
	}
	for _, sheet := range f.GetSheetList() {
		pl, err := f.GetPageLayout(sheet)
		if err != nil || pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 ||
			pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			t.Errorf("%s: page layout %+v %v", sheet, pl, err)
		}
		props, err := f.GetSheetProps(sheet)
		if err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: fit to page not set: %+v %v", sheet, props, err)
		}
		if !titles[sheet] {
			t.Errorf("%s: header row not repeated on printed pages (%v)", sheet, titles)
		}
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if h, _ := f.GetRowHeight(sheet, 1); h != headerHeight {
			t.Errorf("%s: header height %v", sheet, h)
		}
		for r, row := range rows[1:] {
			lines := 1
			for _, cell := range row {
				lines = max(lines, strings.Count(cell, "\n")+1)
			}
			h, err := f.GetRowHeight(sheet, r+2)
			if err != nil {
				t.Fatal(err)
			}
			if lines > 1 && h < float64(lines*lineHeight) || lines == 1 && h > 2*lineHeight {
				t.Errorf("%s row %d: %d lines, height %v", sheet, r+2, lines, h)
			}
		}
	}
	// 申报 rows have ten lines of materials: tall rows, and 不适用 where the
	// organisation needed nothing.
	rows, _ := f.GetRows("申报")
	h, _ := f.GetRowHeight("申报", 2)
	if h < 10*lineHeight || !strings.Contains(rows[1][17], "证实性材料：不适用") {
		t.Errorf("application row height %v, materials %q", h, rows[1][17])
	}
}

func TestWrappedLines(t *testing.T) {
	for _, c := range []struct {
		text  string
		width float64
		want  int
	}{
		{"", 10, 1}, {"abc", 10, 1}, {"a\nb\nc", 10, 3}, {strings.Repeat("字", 9), 10, 2}, {strings.Repeat("x", 27), 10, 3},
	} {
		if got := wrappedLines(c.text, c.width); got != c.want {
			t.Errorf("wrappedLines(%q, %v) = %d, want %d", c.text, c.width, got, c.want)
		}
	}
	if rowHeight(1000) != maxRowHeight || rowHeight(2) != 2*lineHeight+4 {
		t.Errorf("row heights %v %v", rowHeight(1000), rowHeight(2))
	}
}
