package site

import (
	"bytes"
	"encoding/xml"
	"sort"
	"time"
)

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	Lastmod string `xml:"lastmod,omitempty"`
}

// sitemap lists every page and the first page of every list, with the date
// each was last changed.
func (b *builder) sitemap() ([]byte, error) {
	var set sitemapURLSet
	for _, p := range b.pages {
		if p.Kind == Kind404 {
			continue
		}
		lm := latestChange(p)
		u := sitemapURL{Loc: p.Permalink}
		if !lm.IsZero() {
			u.Lastmod = lm.In(b.cfg.Location()).Format("2006-01-02")
		}
		set.URLs = append(set.URLs, u)
	}
	sortURLs(set.URLs)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(set); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
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
	sort.Slice(u, func(i, j int) bool { return u[i].Loc < u[j].Loc })
}
