package intake

import (
	"mime"
	"mime/multipart"
	"strings"
	"unicode"
)

// unsafeName reports whether an uploaded file's name, as the client sent it,
// tries to reach outside the upload (a ".." element) or hides characters
// (control or bidirectional-override characters). A plain path, as old
// browsers send ("C:\\Users\\…\\扫描件.pdf"), is not unsafe: its last element
// is kept.
func unsafeName(name string) bool {
	for _, el := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if el == ".." {
			return true
		}
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return true
		}
	}
	return false
}

// rawFileName is the filename parameter exactly as the client sent it
// (multipart.Part.FileName already reduces it to its last element).
func rawFileName(part *multipart.Part) string {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return part.FileName()
	}
	return params["filename"]
}
