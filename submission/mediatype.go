package submission

// Media types of the files the intake accepts, as it detects them from
// their content (never from their names).
const (
	TypePDF  = "application/pdf"
	TypeOFD  = "application/ofd"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeTIFF = "image/tiff"
	TypeHEIC = "image/heic"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypeDOC  = "application/msword"
	TypeXLS  = "application/vnd.ms-excel"
)

// DocumentTypes are the files a clerk reasonably receives: PDF and OFD
// documents, scans and photos, Word and Excel files.
func DocumentTypes() []string {
	return []string{TypePDF, TypeOFD, TypeJPEG, TypePNG, TypeTIFF, TypeHEIC, TypeDOCX, TypeXLSX, TypeDOC, TypeXLS}
}
