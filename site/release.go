package site

import (
	"html/template"
	"sync/atomic"
)

// contentRelease lets a one-off build (Build, no Session) drop each page's
// rendered Markdown (Page.Content, the largest part of a build's live
// memory) as soon as the last output that reads it is rendered, instead of
// holding every page's Content until the build ends.
//
// The outputs that read a page's Content are its own page and list pages
// (the theme's reads of the job's own page, depend.go) and the feeds that
// list it (feed.go). The search index has read it before any output is
// written (plan). A theme that reads Content any other way (a list
// template ranging over its pages' .Content, a page printed whole, a
// lookup) makes releaseContent return nil: nothing is dropped.
type contentRelease struct {
	left map[*Page]*atomic.Int32 // outputs still to read the page's Content
}

// releaseContent returns the release for jobs, about to be written, or nil
// when Content must stay (a session compares it with the next build's, or
// the theme reads it through other pages).
func (b *builder) releaseContent(jobs []job) *contentRelease {
	if b.sess != nil {
		return nil
	}
	checked := map[*template.Template]bool{}
	safe := func(tmpl *template.Template) bool {
		if tmpl == nil || checked[tmpl] {
			return true
		}
		checked[tmpl] = true
		for _, r := range templateReads(b.theme, tmpl, b.site) {
			if r.field != "Content" && r.field != "*" {
				continue
			}
			if root, steps := r.root(); root != "self" || steps != "" {
				return false
			}
		}
		return true
	}
	if !safe(b.theme.shared.Lookup(chromeHeader)) || !safe(b.theme.shared.Lookup(chromeFooter)) {
		return nil
	}
	r := &contentRelease{left: make(map[*Page]*atomic.Int32, len(b.pages)+1)}
	for i := range jobs {
		j := &jobs[i]
		for _, p := range contentReaders(j) {
			c := r.left[p]
			if c == nil {
				c = new(atomic.Int32)
				r.left[p] = c
			}
			c.Add(1)
		}
		if j.kind != jobFeed && j.page != nil {
			if tmpl, _ := b.theme.templateFor(j.page); !safe(tmpl) {
				return nil
			}
		}
	}
	return r
}

// contentReaders are the pages whose Content j reads.
func contentReaders(j *job) []*Page {
	if j.kind == jobFeed {
		return j.shows
	}
	if j.page != nil {
		return []*Page{j.page}
	}
	return nil
}

// rendered notes that j has read what it needs; the last reader of a
// page's Content drops it. Safe to call from several goroutines; r may be
// nil.
func (r *contentRelease) rendered(j *job) {
	if r == nil {
		return
	}
	for _, p := range contentReaders(j) {
		if c := r.left[p]; c != nil && c.Add(-1) == 0 {
			p.Content = ""
		}
	}
}

// releaseLinks drops, in a one-off build, every page's links once
// checkLinks has read them: nothing written after the checks reads them,
// and they are some 5 MB of a 10,000-page build's live memory. A session
// keeps them to check the next build's links against.
func (b *builder) releaseLinks() {
	if b.sess != nil {
		return
	}
	for _, p := range b.pages {
		p.links, p.ownLinks = nil, 0
	}
}
