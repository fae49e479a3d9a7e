package site

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// sourceFile is a file of the content tree.
type sourceFile struct {
	name string // slash path within the content FS
	page bool   // a Markdown page (else a resource copied as it is)
}

// listContent walks the content FS. Hidden files and editor leftovers are ignored.
func listContent(fsys fs.FS) ([]sourceFile, error) {
	var files []sourceFile
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read content: %w", err)
		}
		base := d.Name()
		if name != "." && ignoredName(base) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		files = append(files, sourceFile{name: name, page: strings.HasSuffix(base, ".md")})
		return nil
	})
	return files, err
}

// ignoredName reports whether a file or folder is not part of the site:
// hidden files, editor backups and swap files.
func ignoredName(base string) bool {
	return strings.HasPrefix(base, ".") || strings.HasPrefix(base, "#") ||
		strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") ||
		strings.HasSuffix(base, ".tmp")
}

// pagePlace derives a page's kind, section and URL path from its content
// path and slug. content/_index.md is the home page; <dir>/_index.md a list
// page; <dir>/index.md a page bundle at <dir>/; other .md files are pages at
// their own path without the extension. A slug replaces the last element.
func pagePlace(file, slug string) (kind, section, urlPath string) {
	dir, base := path.Split(file)
	dir = strings.TrimSuffix(dir, "/")
	if dir != "" {
		section, _, _ = strings.Cut(dir, "/")
	}
	switch base {
	case "_index.md":
		if dir == "" {
			return KindHome, "", "/"
		}
		return KindSection, section, "/" + dir + "/"
	case "index.md":
		if dir == "" {
			return KindHome, "", "/"
		}
		parent, last := path.Split(dir)
		if slug != "" {
			last = slug
		}
		return KindPage, section, "/" + parent + last + "/"
	}
	name := strings.TrimSuffix(base, ".md")
	if slug != "" {
		name = slug
	}
	if dir == "" {
		return KindPage, "", "/" + name + "/"
	}
	return KindPage, section, "/" + dir + "/" + name + "/"
}

// bundleDir returns the folder of a page bundle ("notices/call" for
// notices/call/index.md), or "" when the file is not a bundle's index.
func bundleDir(file string) string {
	if path.Base(file) == "index.md" && path.Dir(file) != "." {
		return path.Dir(file)
	}
	return ""
}

// outputName maps a site path to the output file that serves it.
func outputName(urlPath string) string {
	p := strings.TrimPrefix(urlPath, "/")
	if p == "" || strings.HasSuffix(p, "/") {
		return p + "index.html"
	}
	return p
}

// ownSlug reports whether termSlug leaves tag (trimmed) as it is: valid
// UTF-8 without an upper-case ASCII letter, space, slash, backslash, ? or #.
func ownSlug(tag string) bool {
	for i := 0; i < len(tag); i++ {
		switch c := tag[i]; {
		case c >= 'A' && c <= 'Z', c == ' ', c == '/', c == '\\', c == '?', c == '#':
			return false
		}
	}
	return utf8.ValidString(tag)
}

// termSlug turns a tag into its URL element: trimmed, ASCII lower-cased,
// spaces, slashes, backslashes, ? and # made "-".
func termSlug(tag string) string {
	tag = strings.TrimSpace(tag)
	if ownSlug(tag) {
		return tag // most tags: Chinese words
	}
	var b strings.Builder
	for _, r := range tag {
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		case r == ' ' || r == '/' || r == '\\' || r == '?' || r == '#':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
