package formtemplates

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"strings"
)

// Page geometry of the DOCX, in twentieths of a point (twips): A4 with
// 20 mm margins, as the PDF.
const (
	twPageW, twPageH = 11906, 16838
	twMargin         = 1134
	twTextW          = twPageW - 2*twMargin
)

// dosDate is every ZIP entry's modification date, 2026-01-01 in MS-DOS
// form (time 00:00), so that the same code makes the same bytes.
const dosDate = (2026-1980)<<9 | 1<<5 | 1

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// DOCX renders d as a Word document (Office Open XML, ISO/IEC 29500
// transitional): A4, 宋体 text and 黑体 headings, tables with borders and
// rows of a least height, page numbers in the footer. Entries are stored
// uncompressed with a fixed time.
func DOCX(d Doc) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", coreProps(d.Title)},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/styles.xml", styles},
		{"word/footer1.xml", footer},
		{"word/document.xml", document(d)},
	} {
		body := []byte(xml.Header + part.body)
		// Sizes and checksum go in the local header (no data descriptor),
		// which every ZIP reader takes, streaming ones too. CreateRaw
		// writes the MS-DOS date as given (it ignores Modified).
		//lint:ignore SA1019 CreateRaw takes only the MS-DOS fields
		w, err := zw.CreateRaw(&zip.FileHeader{Name: part.name, Method: zip.Store, ModifiedDate: dosDate,
			CRC32: crc32.ChecksumIEEE(body), CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(body))})
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		_, _ = w.Write(body)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

const contentTypes = `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`</Types>`

const rootRels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`</Relationships>`

const documentRels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`</Relationships>`

// styles sets the defaults: 宋体 (Times New Roman for Latin) 小四, lines
// of 1.25.
const styles = `<w:styles ` + wNS + `>` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman"/>` +
	`<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="300" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:before="120" w:after="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/></w:rPr></w:style>` +
	`</w:styles>`

const footer = `<w:ftr ` + wNS + `><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>` +
	`<w:r><w:t xml:space="preserve">第 </w:t></w:r><w:fldSimple w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>` +
	`<w:r><w:t xml:space="preserve"> 页 共 </w:t></w:r><w:fldSimple w:instr="NUMPAGES"><w:r><w:t>1</w:t></w:r></w:fldSimple>` +
	`<w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p></w:ftr>`

func coreProps(title string) string {
	return `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
		`<dc:title>` + esc(title) + `</dc:title><dc:creator>中牟县县长质量奖评定委员会秘书处</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>`
}

func document(d Doc) string {
	var b strings.Builder
	b.WriteString(`<w:document ` + wNS + `><w:body>`)
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>` + run(d.Title, false, 0) + `</w:p>`)
	for _, blk := range d.Blocks {
		switch blk := blk.(type) {
		case Heading:
			b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>` + run(blk.Text, false, 0) + `</w:p>`)
		case Para:
			size := 0
			if blk.Small {
				size = 21
			}
			b.WriteString(paragraph(blk.Text, blk.Align, blk.Indent, blk.Space, size, false))
		case Table:
			b.WriteString(table(blk))
		}
	}
	fmt.Fprintf(&b, `<w:sectPr><w:footerReference w:type="default" r:id="rId2"/><w:pgSz w:w="%d" w:h="%d"/>`+
		`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>`,
		twPageW, twPageH, twMargin, twMargin, twMargin, twMargin)
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

// paragraph is one w:p; size is in half-points (0: the default).
func paragraph(text string, align Align, indent bool, space float64, size int, bold bool) string {
	var p strings.Builder
	p.WriteString(`<w:p><w:pPr>`)
	if space > 0 {
		fmt.Fprintf(&p, `<w:spacing w:before="%d"/>`, int(space*20))
	}
	if indent {
		p.WriteString(`<w:ind w:firstLineChars="200" w:firstLine="480"/>`)
	}
	switch align {
	case Center:
		p.WriteString(`<w:jc w:val="center"/>`)
	case Right:
		p.WriteString(`<w:jc w:val="right"/>`)
	}
	p.WriteString(`</w:pPr>` + run(text, bold, size) + `</w:p>`)
	return p.String()
}

func run(text string, bold bool, size int) string {
	if text == "" {
		return ""
	}
	var rpr string
	if bold {
		rpr += `<w:b/>`
	}
	if size > 0 {
		rpr += fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, size, size)
	}
	if rpr != "" {
		rpr = `<w:rPr>` + rpr + `</w:rPr>`
	}
	return `<w:r>` + rpr + `<w:t xml:space="preserve">` + esc(text) + `</w:t></w:r>`
}

func table(t Table) string {
	total := 0.0
	for _, c := range t.Cols {
		total += c
	}
	widths := make([]int, len(t.Cols))
	sum := 0
	for i, c := range t.Cols {
		widths[i] = int(c / total * twTextW)
		sum += widths[i]
	}
	widths[len(widths)-1] += twTextW - sum
	var b strings.Builder
	border := `w:val="single" w:sz="4" w:space="0" w:color="000000"`
	fmt.Fprintf(&b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`+
		`<w:top %[2]s/><w:left %[2]s/><w:bottom %[2]s/><w:right %[2]s/><w:insideH %[2]s/><w:insideV %[2]s/></w:tblBorders>`+
		`<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`, twTextW, border)
	for _, w := range widths {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	for _, row := range t.Rows {
		fmt.Fprintf(&b, `<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="%d" w:hRule="atLeast"/></w:trPr>`, int(row.MinHeight*20))
		col := 0
		for _, c := range row.Cells {
			w := 0
			for k := 0; k < c.span() && col < len(widths); k++ {
				w += widths[col]
				col++
			}
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w)
			if c.span() > 1 {
				fmt.Fprintf(&b, `<w:gridSpan w:val="%d"/>`, c.span())
			}
			if c.Top {
				b.WriteString(`<w:vAlign w:val="top"/>`)
			} else {
				b.WriteString(`<w:vAlign w:val="center"/>`)
			}
			b.WriteString(`</w:tcPr>`)
			for _, line := range strings.Split(c.Text, "\n") {
				b.WriteString(paragraph(line, c.Align, false, 0, 21, c.Head))
			}
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	// Word joins two tables that touch; a paragraph keeps them apart.
	b.WriteString(`<w:p><w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr></w:p>`)
	return b.String()
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
