package submission

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
)

// Limits on what a ZIP-based document (DOCX, XLSX, OFD) may unpack to: a
// "ZIP bomb" is a small file that unpacks to gigabytes and fells whoever
// opens it later (the secretariat's office software, an indexer).
const (
	zipMaxEntries  = 10000
	zipMaxUnpacked = 1 << 30 // bytes, all entries together
	zipMaxRatio    = 200     // unpacked / packed
	tailBytes      = 1024    // how much of a file's end is kept to check it is whole
)

// ContentCheck inspects a file of a type DetectType named as it streams
// by (written to it), for the checks that need more than its first bytes:
// that a PDF, JPEG or PNG is whole (not cut off), and that a ZIP-based
// document is a readable archive that does not unpack to far more than it
// weighs. ZIP-based files are spooled to a temporary file (bounded by what
// the caller lets through) because a ZIP's directory is at its end. The
// intake and the console both check their files by it; Close it when done.
type ContentCheck struct {
	typ   string
	tail  []byte
	spool *os.File
}

// NewContentCheck starts a check of a file of type typ.
func NewContentCheck(typ string) (*ContentCheck, error) {
	c := &ContentCheck{typ: typ}
	if isZipType(typ) {
		f, err := os.CreateTemp("", "award-zip-*")
		if err != nil {
			return nil, fmt.Errorf("spool zip: %w", err)
		}
		c.spool = f
	}
	return c, nil
}

func isZipType(t string) bool { return t == TypeDOCX || t == TypeXLSX || t == TypeOFD }

// Write implements io.Writer: it keeps the tail and spools ZIPs.
func (c *ContentCheck) Write(p []byte) (int, error) {
	if len(p) >= tailBytes {
		c.tail = append(c.tail[:0], p[len(p)-tailBytes:]...)
	} else {
		c.tail = append(c.tail, p...)
		if len(c.tail) > tailBytes {
			c.tail = append(c.tail[:0], c.tail[len(c.tail)-tailBytes:]...)
		}
	}
	if c.spool != nil {
		return c.spool.Write(p)
	}
	return len(p), nil
}

// Close removes the spool file.
func (c *ContentCheck) Close() {
	if c.spool != nil {
		name := c.spool.Name()
		c.spool.Close()
		os.Remove(name)
	}
}

// Verdict says what is wrong with the whole file (what was written), in
// words for its sender to follow "文件“…”", or "" if nothing is.
func (c *ContentCheck) Verdict() string {
	end := bytes.TrimRightFunc(c.tail, unicode.IsSpace)
	switch c.typ {
	case TypePDF:
		if !bytes.Contains(c.tail, []byte("%%EOF")) {
			return "不完整（PDF 文件缺少结尾，可能下载或复制时被截断）"
		}
	case TypePNG:
		if !bytes.Contains(c.tail, []byte("IEND")) {
			return "不完整（PNG 图片缺少结尾，可能被截断）"
		}
	case TypeJPEG:
		if len(end) < 2 || !bytes.Contains(end[max(0, len(end)-64):], []byte{0xFF, 0xD9}) {
			return "不完整（JPEG 图片缺少结尾，可能被截断）"
		}
	}
	if c.spool == nil {
		return ""
	}
	size, err := c.spool.Seek(0, io.SeekEnd)
	if err != nil {
		return "无法检查"
	}
	zr, err := zip.NewReader(c.spool, size)
	if err != nil {
		return "已损坏或不完整（无法作为 " + TypeName(c.typ) + " 文件打开）"
	}
	if len(zr.File) > zipMaxEntries {
		return "包含的文件过多，疑似恶意压缩文件"
	}
	var unpacked uint64
	for _, f := range zr.File {
		unpacked += f.UncompressedSize64
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			return "内部路径异常，疑似恶意文件"
		}
	}
	if unpacked > zipMaxUnpacked || (size > 0 && unpacked/uint64(size) > zipMaxRatio) {
		return fmt.Sprintf("解压后大小异常（%d MB 解压为 %d MB），疑似“压缩炸弹”", size>>20, unpacked>>20)
	}
	return ""
}
