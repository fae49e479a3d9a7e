package formtemplates

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
)

// Page geometry and type sizes, in points.
const (
	pageW, pageH = 595.28, 841.89 // A4
	margin       = 56.7           // 20 mm
	textW        = pageW - 2*margin
	titleSize    = 18.0 // 小二
	headingSize  = 14.0 // 四号
	bodySize     = 12.0 // 小四
	smallSize    = 10.5 // 五号
	leading      = 1.5  // line height, in type sizes
	cellPad      = 4.0
)

// advance is a character's width in ems: half for ASCII (the proportional
// Latin of Adobe-GB1, given 500 units in the font's W array), full for
// every other character.
func advance(r rune) float64 {
	if r < 0x80 {
		return 0.5
	}
	return 1
}

// closing are characters that may not begin a line (they hang at the end
// of the line before instead).
const closing = "，。、；：？！”’）》」』〕】%"

// wrap breaks text into lines at most width points wide in type size
// (the first line first points wide), keeping runs of Latin letters and
// digits whole and closing punctuation with the character before it.
// "\n" breaks a line.
func wrap(text string, size, first, width float64) []string {
	var lines []string
	limit := func() float64 {
		if len(lines) == 0 {
			return first
		}
		return width
	}
	for _, para := range strings.Split(text, "\n") {
		var line []rune
		w := 0.0
		for _, tok := range tokens(para) {
			tw := 0.0
			for _, r := range tok {
				tw += advance(r) * size
			}
			hang := strings.ContainsRune(closing, tok[0])
			if w+tw > limit()+0.01 && len(line) > 0 && !hang {
				lines = append(lines, strings.TrimRight(string(line), " "))
				line, w = nil, 0
				if tok[0] == ' ' {
					continue
				}
			}
			line = append(line, tok...)
			w += tw
		}
		lines = append(lines, strings.TrimRight(string(line), " "))
	}
	return lines
}

// tokens splits text into unbreakable pieces: one CJK character, or a run
// of ASCII letters, digits and underscores, or any other single character.
func tokens(s string) [][]rune {
	var out [][]rune
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		if isWordRune(rs[i]) {
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
		}
		out = append(out, rs[i:j])
		i = j
	}
	return out
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '.' || r == '-'
}

func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += advance(r) * size
	}
	return w
}

// pdfDoc lays out a Doc on pages of content-stream operators.
type pdfDoc struct {
	pages []*bytes.Buffer
	cur   *bytes.Buffer // the page being written
	y     float64       // baseline cursor, from the bottom
	used  map[rune]bool
}

func (d *pdfDoc) newPage() {
	d.cur = &bytes.Buffer{}
	d.pages = append(d.pages, d.cur)
	d.y = pageH - margin
}

// need starts a new page unless h points are left above the bottom margin.
func (d *pdfDoc) need(h float64) {
	if d.y-h < margin+18 { // room for the page number
		d.newPage()
	}
}

// text sets one line with its left end at x and baseline at y; bold
// strokes the outlines too (the predefined font has no bold face).
func (d *pdfDoc) text(s string, x, y, size float64, bold bool) {
	if s == "" {
		return
	}
	for _, r := range s {
		d.used[r] = true
	}
	b := d.cur
	fmt.Fprintf(b, "BT /F1 %s Tf ", num(size))
	if bold {
		fmt.Fprintf(b, "2 Tr %s w ", num(size/30))
	}
	fmt.Fprintf(b, "%s %s Td <%s> Tj ET\n", num(x), num(y), hexUTF16(s))
}

func (d *pdfDoc) line(s string, align Align, x, w, y, size float64, bold bool) {
	switch align {
	case Center:
		x += (w - textWidth(s, size)) / 2
	case Right:
		x += w - textWidth(s, size)
	}
	d.text(s, x, y, size, bold)
}

func (d *pdfDoc) para(text string, align Align, indent bool, size float64, bold bool) {
	first := 0.0
	if indent {
		first = 2 * size
	}
	lh := size * leading
	lines := wrap(text, size, textW-first, textW)
	for i, l := range lines {
		d.need(lh)
		d.y -= lh
		x := margin
		if i == 0 {
			x += first
		}
		d.line(l, align, x, textW-(x-margin), d.y+size*0.3, size, bold)
	}
}

func (d *pdfDoc) table(t Table) {
	total := 0.0
	for _, c := range t.Cols {
		total += c
	}
	size := smallSize
	lh := size * leading
	for _, row := range t.Rows {
		type placed struct {
			x, w  float64
			lines []string
			cell  Cell
		}
		var cells []placed
		col, x := 0, margin
		h := row.MinHeight
		for _, c := range row.Cells {
			w := 0.0
			for k := 0; k < c.span() && col < len(t.Cols); k++ {
				w += t.Cols[col] / total * textW
				col++
			}
			lines := wrap(c.Text, size, w-2*cellPad, w-2*cellPad)
			if c.Text == "" {
				lines = nil
			}
			if ch := float64(len(lines))*lh + 2*cellPad; ch > h {
				h = ch
			}
			cells = append(cells, placed{x, w, lines, c})
			x += w
		}
		d.need(h)
		b := d.cur
		top := d.y
		for _, c := range cells {
			fmt.Fprintf(b, "%s %s %s %s re S\n", num(c.x), num(top-h), num(c.w), num(h))
			ty := top - cellPad
			if !c.cell.Top {
				ty = top - (h-float64(len(c.lines))*lh)/2
			}
			for _, l := range c.lines {
				ty -= lh
				d.line(l, c.cell.Align, c.x+cellPad, c.w-2*cellPad, ty+size*0.3, size, c.cell.Head)
			}
		}
		d.y = top - h
	}
}

// PDF renders d as a PDF 1.4 file on A4 pages, numbered at the foot.
func PDF(doc Doc) []byte {
	d := &pdfDoc{used: map[rune]bool{}}
	d.newPage()
	d.y -= 8
	d.para(doc.Title, Center, false, titleSize, true)
	d.y -= 10
	for _, b := range doc.Blocks {
		switch b := b.(type) {
		case Heading:
			d.need(headingSize * 3)
			d.y -= 6
			d.para(b.Text, Left, false, headingSize, true)
			d.y -= 2
		case Para:
			d.y -= b.Space
			size := bodySize
			if b.Small {
				size = smallSize
			}
			d.para(b.Text, b.Align, b.Indent, size, false)
		case Table:
			d.table(b)
		}
	}
	for i, p := range d.pages {
		d.cur = p
		d.line(fmt.Sprintf("第 %d 页 共 %d 页", i+1, len(d.pages)), Center, margin, textW, margin-4, smallSize, false)
	}
	return d.file(doc.Title)
}

// file assembles the objects: catalog, pages, the font (Type0 over the
// CID font STSong-Light, UniGB-UCS2-H, not embedded, with a ToUnicode map
// so that text can be searched and copied), contents, info.
func (d *pdfDoc) file(title string) []byte {
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	catalog := add("") // filled in below
	pages := add("")
	font := add("")
	cid := add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor " +
		fmt.Sprint(len(objs)+2) + " 0 R /DW 1000 /W [1 95 500] >>")
	add("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
	toUni := add(stream(d.toUnicode()))
	objs[font-1] = fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", cid, toUni)
	var kids []string
	for _, p := range d.pages {
		content := add(stream(p.String()))
		pg := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pages, num(pageW), num(pageH), font, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
	}
	objs[pages-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Lang (zh-CN) /ViewerPreferences << /DisplayDocTitle true >> >>", pages)
	info := add(fmt.Sprintf("<< /Title <FEFF%s> /Producer (github.com/zhongmou/award internal/formtemplates) >>", hexUTF16(title)))

	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, info, xref)
	return out.Bytes()
}

// toUnicode is a CMap from the character codes used (UCS-2, the code is
// the character) to Unicode.
func (d *pdfDoc) toUnicode() string {
	var rs []rune
	for r := range d.used {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(rs) > 0 {
		n := min(len(rs), 100)
		fmt.Fprintf(&b, "%d beginbfchar\n", n)
		for _, r := range rs[:n] {
			fmt.Fprintf(&b, "<%04X> <%04X>\n", r, r)
		}
		b.WriteString("endbfchar\n")
		rs = rs[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.String()
}

// stream is a stream object holding s (uncompressed, so that the file is
// the same whatever the zlib).
func stream(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(s), s)
}

// hexUTF16 is s in UTF-16BE as hex digits (the forms use the BMP only).
func hexUTF16(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}

// num formats a coordinate with at most two decimals.
func num(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}
