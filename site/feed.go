package site

import (
	"bytes"
	"encoding/xml"
	"time"
)

// Atom feed elements (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title     string   `xml:"title"`
	ID        string   `xml:"id"`
	Link      atomLink `xml:"link"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Summary   atomText `xml:"summary"`
	Content   atomText `xml:"content"`
}

// feedJobs makes the site's feed (/atom.xml) and one per top-level section
// (/<section>/atom.xml), each of the newest FeedLimit pages. The site's
// feed carries the pages of the sections only: pages at the top of the
// content tree (search, the forms, 关于本站, 联系我们, the sitemap) are the
// site's own furniture, not news a subscriber wants.
func (b *builder) feedJobs() []job {
	var sitePages []*Page
	bySection := map[string][]*Page{}
	for _, p := range b.site.RegularPages { // newest first
		if p.Section == "" {
			continue
		}
		if len(sitePages) < b.cfg.FeedLimit {
			sitePages = append(sitePages, p)
		}
		if len(bySection[p.Section]) < b.cfg.FeedLimit {
			bySection[p.Section] = append(bySection[p.Section], p)
		}
	}
	jobs := []job{{name: "atom.xml", kind: jobFeed, source: "site feed", shows: sitePages, render: func() ([]byte, error) {
		return b.feed(b.site.Home, "/atom.xml", sitePages)
	}}}
	for _, s := range b.site.Sections {
		pages := bySection[s.Section]
		jobs = append(jobs, job{name: outputName(s.Path + "atom.xml"), kind: jobFeed, source: "feed of " + s.Path, shows: pages, render: func() ([]byte, error) {
			return b.feed(s, s.Path+"atom.xml", pages)
		}})
	}
	return jobs
}

// feed renders the Atom feed of list, its entries pages (newest first, at
// most FeedLimit).
func (b *builder) feed(list *Page, self string, pages []*Page) ([]byte, error) {
	title := b.cfg.Title
	if list != b.site.Home {
		title = list.Title + " - " + b.cfg.Title
	}
	f := atomFeed{
		Lang: b.cfg.Language, Title: title, ID: list.Permalink,
		Links: []atomLink{
			{Href: b.cfg.AbsURL(self), Rel: "self", Type: "application/atom+xml"},
			{Href: list.Permalink, Rel: "alternate", Type: "text/html"},
		},
		Author: atomPerson{Name: b.cfg.Footer.Sponsor},
	}
	if f.Author.Name == "" {
		f.Author.Name = b.cfg.Title
	}
	var updated time.Time
	for _, p := range pages {
		if p.Lastmod.After(updated) {
			updated = p.Lastmod
		}
		f.Entries = append(f.Entries, atomEntry{
			Title: p.Title, ID: p.Permalink, Link: atomLink{Href: p.Permalink, Rel: "alternate"},
			Published: b.feedTime(p.Date), Updated: b.feedTime(p.Lastmod),
			Summary: atomText{Type: "text", Body: p.Summary},
			Content: atomText{Type: "html", Body: string(p.Content)},
		})
	}
	f.Updated = b.feedTime(updated)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// feedTime formats a time for Atom in the site's zone; the zero time (no
// date given) is the build time, which Atom requires to be present.
func (b *builder) feedTime(t time.Time) string {
	if t.IsZero() {
		t = b.opts.Now
	}
	return t.In(b.cfg.Location()).Format(time.RFC3339)
}
