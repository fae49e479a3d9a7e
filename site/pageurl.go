package site

import "strings"

// pageURLs are a page's RelPermalink and Permalink: its path under the
// site's base path, percent-encoded (upper-case hex, RFC 3986 §2.1) wherever
// html/template's URL normalizer would encode it, and "%", "?" and "#" too
// (in a page's path they are characters, not URL syntax). An href of either
// is written as it is instead of being re-encoded byte by byte on every
// page that links to it, and the sitemap, the feeds and the search index
// carry valid URLs. Hugo encodes its permalinks the same way.
func (c *Config) pageURLs(p string) (rel, abs string) {
	rel = escapeURLPath(c.RelURL(p))
	return rel, c.origin + rel
}

// escapeURLPath percent-encodes the bytes of a URL path other than ASCII
// letters, digits, "/" and the marks "-._~!$&*+,;=:@", which a path keeps
// as they are. It returns p itself when nothing needs encoding.
func escapeURLPath(p string) string {
	n := 0
	for i := 0; i < len(p); i++ {
		if !keptInPath(p[i]) {
			n++
		}
	}
	if n == 0 {
		return p
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p) + 2*n)
	for i := 0; i < len(p); i++ {
		c := p[i]
		if keptInPath(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// keptInPath reports whether escapeURLPath leaves c as it is.
func keptInPath(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("/-._~!$&*+,;=:@", c) >= 0
}
