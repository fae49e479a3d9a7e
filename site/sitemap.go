package site

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// sitemapURL is one <url> of the sitemap.
type sitemapURL struct {
	Loc     string
	Lastmod string // YYYY-MM-DD, or "" for none
}

// sitemap lists every page and the first page of every list, with the date
// each was last changed, in the sitemaps.org 0.9 format, sorted by address.
func (b *builder) sitemap() ([]byte, error) {
	urls := make([]sitemapURL, 0, len(b.pages))
	for _, p := range b.pages {
		if p.Kind == Kind404 {
			continue
		}
		lm := latestChange(p)
		u := sitemapURL{Loc: p.Permalink}
		if !lm.IsZero() {
			u.Lastmod = lm.In(b.cfg.Location()).Format("2006-01-02")
		}
		urls = append(urls, u)
	}
	sortURLs(urls)
	var buf bytes.Buffer
	buf.Grow(len(urls) * 96)
	buf.WriteString(xml.Header)
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, u := range urls {
		buf.WriteString("  <url>\n    <loc>")
		if xmlVerbatim(u.Loc) {
			buf.WriteString(u.Loc)
		} else if err := xml.EscapeText(&buf, []byte(u.Loc)); err != nil {
			return nil, err
		}
		buf.WriteString("</loc>\n")
		if u.Lastmod != "" {
			buf.WriteString("    <lastmod>" + u.Lastmod + "</lastmod>\n")
		}
		buf.WriteString("  </url>\n")
	}
	buf.WriteString("</urlset>\n")
	return buf.Bytes(), nil
}

// xmlVerbatim reports whether xml.EscapeText would write s unchanged: no
// character it escapes, and only characters XML allows.
func xmlVerbatim(s string) bool {
	for _, r := range s {
		switch {
		case r == '"', r == '\'', r == '&', r == '<', r == '>':
			return false
		case r < 0x20, r == utf8.RuneError, r > 0xd7ff && r < 0xe000, r == 0xfffe, r == 0xffff:
			return false // a control character (escaped or replaced), invalid UTF-8
		}
	}
	return true
}

// latestChange is the newest Lastmod of a page and of everything it lists.
func latestChange(p *Page) time.Time {
	lm := p.Lastmod
	for _, c := range p.Pages {
		if t := latestChange(c); t.After(lm) {
			lm = t
		}
	}
	return lm
}

func sortURLs(u []sitemapURL) {
	slices.SortFunc(u, func(a, b sitemapURL) int { return strings.Compare(a.Loc, b.Loc) })
}
