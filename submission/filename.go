package submission

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SanitizeFileName makes an uploaded file's name safe to show and to use as
// a file name on export: no directories, no control or reserved characters,
// valid UTF-8, at most 100 characters (keeping the extension); "" becomes
// "file".
func SanitizeFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), strings.ContainsRune(`/\:*?"<>|`, r), r == utf8.RuneError,
			unicode.Is(unicode.Bidi_Control, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(strings.TrimSpace(b.String()), ".")
	if name == "" {
		return "file"
	}
	if r := []rune(name); len(r) > 100 {
		ext := path.Ext(name)
		if len([]rune(ext)) > 10 {
			ext = ""
		}
		keep := 100 - len([]rune(ext))
		name = string(r[:keep]) + ext
	}
	return name
}
