package intake

import (
	"bytes"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/zhongmou/award/submission"
)

// sniffBytes is how much of a file's beginning decides its type.
const sniffBytes = submission.SniffBytes

// Media types the intake can recognise from content, with the names people
// know them by.
const (
	typePDF  = submission.TypePDF
	typeOFD  = submission.TypeOFD
	typeJPEG = submission.TypeJPEG
	typePNG  = submission.TypePNG
	typeTIFF = submission.TypeTIFF
	typeHEIC = submission.TypeHEIC
	typeDOCX = submission.TypeDOCX
	typeXLSX = submission.TypeXLSX
	typeDOC  = submission.TypeDOC
	typeXLS  = submission.TypeXLS
)

// knownTypes are the types the intake recognises, with their names
// (submission.TypeName).
var knownTypes = func() map[string]string {
	m := map[string]string{}
	for _, t := range submission.DocumentTypes() {
		m[t] = submission.TypeName(t)
	}
	return m
}()

// DefaultAllowedTypes are the files a clerk reasonably receives
// (submission.DocumentTypes).
func DefaultAllowedTypes() []string { return submission.DocumentTypes() }

// typeNames lists allowed types as people know them ("PDF、OFD、…").
func typeNames(types []string) string {
	var b bytes.Buffer
	for i, t := range types {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(knownTypes[t])
	}
	return b.String()
}

// detectType names a file's type from its first bytes, whatever its name or
// declared type says (submission.DetectType). It returns "" for anything it
// does not recognise.
func detectType(head []byte) string { return submission.DetectType(head) }

// typeFamilies name, per type, the file-name endings a file picker should
// offer and the first-bytes family the browser's own check recognises
// (themes/default/static/js/form-checks.js: pdf jpeg png tiff heic zip ole).
// The browser refuses a file only when it fits none of a field's families,
// so it never refuses what detectType accepts.
var typeFamilies = map[string]struct{ ends, family string }{
	typePDF: {".pdf", "pdf"}, typeOFD: {".ofd", "zip"}, typeJPEG: {".jpg,.jpeg", "jpeg"}, typePNG: {".png", "png"},
	typeTIFF: {".tif,.tiff", "tiff"}, typeHEIC: {".heic,.heif", "heic"}, typeDOCX: {".docx", "zip"}, typeXLSX: {".xlsx", "zip"},
	typeDOC: {".doc", "ole"}, typeXLS: {".xls", "ole"},
}

// acceptList is the accept attribute of a file field taking types: their
// media types and file-name endings.
func acceptList(types []string) string {
	var parts []string
	for _, t := range types {
		parts = append(parts, t, typeFamilies[t].ends)
	}
	return strings.Join(parts, ",")
}

// Accept is the accept attribute of a file field taking types (the
// console's forms use it as the intake's do).
func Accept(types []string) string { return acceptList(types) }

// typeKinds lists the first-bytes families of types, each once, for the
// field's data-kinds attribute.
func typeKinds(types []string) string {
	var kinds []string
	for _, t := range types {
		if f := typeFamilies[t].family; f != "" && !slices.Contains(kinds, f) {
			kinds = append(kinds, f)
		}
	}
	return strings.Join(kinds, " ")
}

// fileField is what a form's file field shows and carries for the types it
// takes: their names for people, its accept attribute and the browser
// check's first-bytes families.
type fileField struct {
	Types  string // "PDF、OFD、…"
	Accept string
	Kinds  string
}

func newFileField(types []string) fileField {
	return fileField{Types: typeNames(types), Accept: acceptList(types), Kinds: typeKinds(types)}
}

// refusedTypeText says, for the person, why a file named display whose
// content is none of types is refused, in one sentence for the field it
// was chosen in. When its name ends as one of types' files do (".pdf" for
// PDF, ".jpg" for JPEG, …), the name promises a type the content is not:
// "“证据.pdf”：文件内容不是PDF（可能改过扩展名或已损坏），请换用正确的文件。",
// the type named as the ending spells it; mismatch is then true. Otherwise
// the name promises nothing acceptable, and the text lists what is. The
// browser's check (form-checks.js, fileProblem) says the same.
func refusedTypeText(display string, types []string) (text string, mismatch bool) {
	if ext := strings.ToLower(path.Ext(display)); len(ext) > 1 && slices.Contains(strings.Split(acceptList(types), ","), ext) {
		return "“" + display + "”：文件内容不是" + strings.ToUpper(ext[1:]) + "（可能改过扩展名或已损坏），请换用正确的文件。", true
	}
	return "“" + display + "”不是可接受的格式（" + typeNames(types) + "）", false
}

// fileRefused is the problem of one file refused for its content: the
// field says what is wrong, once; the summary above the form only counts
// it (as invalid does), so the page does not say it twice.
func fileRefused(field, text string) *problem {
	return &problem{Status: http.StatusUnsupportedMediaType, Code: "unsupported_type",
		Message: invalid(map[string]string{field: text}).Message, Fields: map[string]string{field: text}}
}
