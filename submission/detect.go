package submission

import (
	"bytes"

	"github.com/gabriel-vasile/mimetype"
)

// SniffBytes is how much of a file's beginning decides its type
// (DetectType).
const SniffBytes = 16 << 10

// DetectType names a file's type from its first bytes (up to SniffBytes),
// whatever its name or declared type says: one of DocumentTypes, or "" for
// anything else. The intake and the console both decide by it.
func DetectType(head []byte) string {
	for m := mimetype.Detect(head); m != nil; m = m.Parent() {
		for _, t := range sniffable {
			if m.Is(t) {
				return t
			}
		}
		if m.Is("application/zip") {
			if isOFD(head) {
				return TypeOFD
			}
			return ""
		}
	}
	return ""
}

// sniffable are the types mimetype names directly (OFD is a ZIP it does not
// know, recognised by isOFD).
var sniffable = []string{TypePDF, TypeJPEG, TypePNG, TypeTIFF, TypeHEIC, TypeDOCX, TypeXLSX, TypeDOC, TypeXLS}

// isOFD reports whether a ZIP's first local file headers hold OFD.xml at
// the root, as GB/T 33190 requires of an OFD document.
func isOFD(head []byte) bool {
	sig := []byte("PK\x03\x04")
	for i := 0; ; {
		j := bytes.Index(head[i:], sig)
		if j < 0 || i+j+30 > len(head) {
			return false
		}
		h := head[i+j:]
		nameLen := int(h[26]) | int(h[27])<<8
		if 30+nameLen <= len(h) && string(h[30:30+nameLen]) == "OFD.xml" {
			return true
		}
		i += j + 4
	}
}

// typeNames are the DocumentTypes as people know them.
var typeNames = map[string]string{
	TypePDF: "PDF", TypeOFD: "OFD", TypeJPEG: "JPEG", TypePNG: "PNG", TypeTIFF: "TIFF",
	TypeHEIC: "HEIC（手机照片）", TypeDOCX: "Word（.docx）", TypeXLSX: "Excel（.xlsx）",
	TypeDOC: "Word 97-2003（.doc）", TypeXLS: "Excel 97-2003（.xls）",
}

// TypeName is a media type of DocumentTypes as people know it ("PDF",
// "Word（.docx）"), "" for any other.
func TypeName(t string) string { return typeNames[t] }
