package submission

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// TestContentCheck: a whole PDF, PNG or JPEG passes, one cut off does not;
// a ZIP-based document that is no readable archive, or unpacks to far
// more than it weighs, does not.
func TestContentCheck(t *testing.T) {
	zipOf := func(size int) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, f := range []struct {
			name string
			size int
		}{{"OFD.xml", 0}, {"Doc_0/zeros.bin", size}} {
			w, _ := zw.Create(f.name)
			w.Write(make([]byte, f.size))
		}
		zw.Close()
		return b.Bytes()
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR...IEND\xaeB`\x82")
	jpeg := []byte("\xff\xd8\xff\xe0 picture \xff\xd9\n")
	ofd := zipOf(1 << 10)
	for _, c := range []struct {
		name, typ string
		data      []byte
		says      string // "" when it passes
	}{
		{"whole PDF", TypePDF, pdf, ""},
		{"cut-off PDF", TypePDF, pdf[:40], "PDF 文件缺少结尾"},
		{"whole PNG", TypePNG, png, ""},
		{"cut-off PNG", TypePNG, png[:16], "PNG 图片缺少结尾"},
		{"whole JPEG", TypeJPEG, jpeg, ""},
		{"cut-off JPEG", TypeJPEG, jpeg[:10], "JPEG 图片缺少结尾"},
		{"OFD", TypeOFD, ofd, ""},
		{"cut-off OFD", TypeOFD, ofd[:len(ofd)/2], "无法作为 OFD 文件打开"},
		{"OFD bomb", TypeOFD, zipOf(20 << 20), "压缩炸弹"},
	} {
		check, err := NewContentCheck(c.typ)
		if err != nil {
			t.Fatal(err)
		}
		for p := c.data; len(p) > 0; p = p[min(len(p), 7):] { // in pieces, as a stream comes
			check.Write(p[:min(len(p), 7)])
		}
		got := check.Verdict()
		check.Close()
		if (c.says == "") != (got == "") || !strings.Contains(got, c.says) {
			t.Errorf("%s: %q, want %q", c.name, got, c.says)
		}
	}
}
