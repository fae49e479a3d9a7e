package site

import "net/url"

// pageURLs are a page's RelPermalink and Permalink: its path under the
// site's base path, percent-encoded as a URL path (net/url's EscapedPath:
// upper-case hex, as Hugo writes its permalinks). An href of either holds
// only what html/template's URL normalizer keeps, so it is written as it
// is instead of being re-encoded byte by byte on every page that links to
// it, and the sitemap, the feeds and the search index carry valid URLs.
func (c *Config) pageURLs(p string) (rel, abs string) {
	rel = (&url.URL{Path: c.RelURL(p)}).EscapedPath()
	return rel, c.origin + rel
}
