// Package formtemplates makes the paper forms an applicant downloads from
// the call notice: the 申报表 (application form) and the 承诺书
// (commitment), each as DOCX (to fill in on a computer, in Word or WPS) and
// as PDF (to print and fill in by hand).
//
// Both formats are written by this package's own code from one
// description of each form (Doc), so that the two never differ: DOCX as a
// ZIP of WordprocessingML parts (entries stored, fixed times), PDF 1.4 with
// the predefined Chinese font STSong-Light in the UniGB-UCS2-H encoding,
// which every PDF reader supplies, so that no font is embedded. The output
// depends on nothing but the code: the same code makes the same bytes.
//
// The files are committed beside the call notice (content/notices/, see
// Dir), which links them relatively; TestCommittedFilesCurrent fails when
// they are not what Files makes, and `go generate ./internal/formtemplates`
// rewrites them.
package formtemplates

//go:generate go test -run TestCommittedFilesCurrent -update .

// Dir is where the files live, relative to the repository root: beside
// the call notice (content/notices/2026-call.md) that links them.
const Dir = "content/notices"

// Align is a paragraph's or cell's horizontal alignment.
type Align int

// Alignments.
const (
	Left Align = iota
	Center
	Right
)

// Doc is one form: a title and blocks, laid out on A4 pages.
type Doc struct {
	Name   string // file name without extension ("申报表模板")
	Title  string // the form's title, the PDF's and DOCX's title too
	Blocks []Block
}

// Block is a Heading, a Para or a Table.
type Block interface{ block() }

// Heading is a section heading ("一、申报组织基本情况").
type Heading struct{ Text string }

// Para is a paragraph. Indent indents its first line by two characters;
// Small sets it in the table size (notes); Space is extra space before it,
// in points (room to sign).
type Para struct {
	Text   string
	Align  Align
	Indent bool
	Small  bool
	Space  float64
}

// Table is a bordered table. Cols are the columns' relative widths.
type Table struct {
	Cols []float64
	Rows []Row
}

// Row is a table row at least MinHeight points high.
type Row struct {
	Cells     []Cell
	MinHeight float64
}

// Cell is a table cell spanning Span columns (0 means 1). A "\n" in Text
// starts a new line. Top sets the text at the top of the cell (a box for
// writing in) instead of the middle.
type Cell struct {
	Text  string
	Span  int
	Align Align
	Head  bool // a label: set in the heading font
	Top   bool
}

func (Heading) block() {}
func (Para) block()    {}
func (Table) block()   {}

func (c Cell) span() int {
	if c.Span < 1 {
		return 1
	}
	return c.Span
}

// Files returns every file this package makes, by file name.
func Files() map[string][]byte {
	out := map[string][]byte{}
	for _, d := range Docs() {
		out[d.Name+".docx"] = DOCX(d)
		out[d.Name+".pdf"] = PDF(d)
	}
	return out
}

// Docs returns the forms: the 申报表 and the 承诺书.
func Docs() []Doc { return []Doc{ApplicationForm(), Commitment()} }
