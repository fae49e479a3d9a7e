package site

import (
	"bytes"
	"context"
	"html/template"
	"path"
	"slices"
	"sort"
	"strings"
)

// structure links pages into the site: home, sections (implied where a
// top-level folder has no _index.md), parents, sorted lists, neighbours, tags.
func (b *builder) structure() {
	site := &Site{
		Title: b.cfg.Title, Description: b.cfg.Description, Language: b.cfg.Language,
		BaseURL: b.cfg.BaseURL, BasePath: b.cfg.BasePath(), Footer: b.cfg.Footer,
		Menus: b.cfg.Menus, Params: b.cfg.Params, BuildTime: b.opts.Now, FixedClock: b.opts.FixedClock,
		byPath: make(map[string]*Page, len(b.pages)+64), byFile: make(map[string]*Page, len(b.pages)),
	}
	lists := map[string]*Page{} // content folder → its list page
	for _, p := range b.pages {
		switch p.Kind {
		case KindHome:
			site.Home = p
			lists[""] = p
		case KindSection:
			lists[path.Dir(p.File)] = p
		}
	}
	if site.Home == nil {
		site.Home = &Page{Kind: KindHome, Path: "/", Title: b.cfg.Title}
		lists[""] = site.Home
		b.pages = append(b.pages, site.Home)
	}
	for _, p := range b.pages {
		if p.Kind == KindPage && p.Section != "" && lists[p.Section] == nil {
			s := &Page{Kind: KindSection, Section: p.Section, Type: p.Section, Path: "/" + p.Section + "/", Title: p.Section}
			lists[p.Section] = s
			b.pages = append(b.pages, s)
		}
	}
	for _, p := range b.pages {
		if p.Kind == KindHome {
			continue
		}
		dir := path.Dir(p.File)
		if p.Kind == KindSection || bundleDir(p.File) != "" {
			dir = path.Dir(dir)
		}
		if p.File == "" { // implied section
			dir = "."
		}
		for {
			if dir == "." {
				dir = ""
			}
			if l, ok := lists[dir]; ok {
				p.Parent = l
				break
			}
			dir = path.Dir(dir)
		}
		p.Parent.Pages = append(p.Parent.Pages, p)
	}
	tags := map[string]*Page{}
	for _, p := range b.pages {
		if p.Permalink == "" { // a page the build made (parsed pages have theirs)
			p.RelPermalink, p.Permalink = b.cfg.pageURLs(p.Path)
		}
		site.byPath[p.Path] = p
		if p.File != "" {
			site.byFile[p.File] = p
		}
		if p.Kind != KindPage {
			continue
		}
		site.RegularPages = append(site.RegularPages, p)
		p.TagPages = nil
		for _, t := range p.Tags {
			slug := termSlug(t)
			if slug == "" {
				continue
			}
			tp, ok := tags[slug]
			if !ok {
				tp = &Page{Kind: KindTerm, Type: "tags", Section: "tags", Title: strings.TrimSpace(t), Path: "/tags/" + slug + "/"}
				tags[slug] = tp
			}
			tp.Pages = append(tp.Pages, p)
			p.TagPages = append(p.TagPages, tp)
		}
	}
	if len(tags) > 0 {
		terms := &Page{Kind: KindTerms, Type: "tags", Section: "tags", Title: "标签", Path: "/tags/", Parent: site.Home}
		for _, tp := range tags {
			tp.Parent = terms
			terms.Pages = append(terms.Pages, tp)
			site.Tags = append(site.Tags, tp)
		}
		sort.Slice(site.Tags, func(i, j int) bool { return site.Tags[i].Title < site.Tags[j].Title })
		terms.Pages = site.Tags
		for _, p := range append([]*Page{terms}, site.Tags...) {
			if other, ok := site.byPath[p.Path]; ok {
				b.probs.add(b.contentName(other.File), 0, "页面地址 %s 留给标签页使用。请换用其他 slug", p.Path)
				continue
			}
			p.RelPermalink, p.Permalink = b.cfg.pageURLs(p.Path)
			site.byPath[p.Path] = p
			b.pages = append(b.pages, p)
		}
	}
	// Sort every list, and link each page to its neighbours in its
	// parent's list (not in a tag's), the lists in parallel: each page has
	// one parent. The last task sorts the Site's regular pages.
	var sorted []*Page
	for _, p := range b.pages {
		if p.Kind != KindTerms && len(p.Pages) > 0 {
			sorted = append(sorted, p)
		}
		if p.Kind == KindSection && p.Parent == site.Home {
			site.Sections = append(site.Sections, p)
		}
	}
	_ = forEach(context.Background(), b.opts.Workers, len(sorted)+1, func(i int) {
		if i == len(sorted) {
			slices.SortFunc(site.RegularPages, compareRegular)
			return
		}
		p := sorted[i]
		sortPages(p.Pages)
		var prev *Page
		for _, c := range p.Pages {
			if c.Kind != KindPage || c.Parent != p {
				continue
			}
			if prev != nil {
				prev.Next, c.Prev = c, prev
			}
			prev = c
		}
	})
	sortPages(site.Sections)
	b.addSessions(site)
	b.site = site
	b.report.Pages = len(site.RegularPages)
	b.linkWindows()
	b.linkReportCalls()
}

// sortPages orders a list: by weight (weighted pages first, lightest first),
// then date (newest first), then title, then path.
// Paths are unique, so the order is total and needs no stable sort.
func sortPages(ps []*Page) {
	slices.SortFunc(ps, comparePages)
}

// compareRegular is the order of Site.RegularPages: newest first, then
// by path.
func compareRegular(a, c *Page) int {
	if d := c.Date.Compare(a.Date); d != 0 {
		return d
	}
	return strings.Compare(a.Path, c.Path)
}

func comparePages(a, c *Page) int {
	if a.Weight != c.Weight {
		switch {
		case a.Weight == 0:
			return 1
		case c.Weight == 0:
			return -1
		case a.Weight < c.Weight:
			return -1
		default:
			return 1
		}
	}
	if d := c.Date.Compare(a.Date); d != 0 {
		return d
	}
	if d := strings.Compare(a.Title, c.Title); d != 0 {
		return d
	}
	return strings.Compare(a.Path, c.Path)
}

// renderBodies renders every page's Markdown in parallel.
func (b *builder) renderBodies(ctx context.Context) error {
	var withBody []*Page
	for _, p := range b.pages {
		if p.File != "" {
			withBody = append(withBody, p)
		}
	}
	return b.renderPages(ctx, withBody)
}

// renderPages renders the given pages' Markdown in parallel, reusing a
// session's still valid renderings.
func (b *builder) renderPages(ctx context.Context, withBody []*Page) error {
	resolve := func(file string) (*Page, bool) {
		p, ok := b.site.byFile[file]
		return p, ok
	}
	return forEach(ctx, b.opts.Workers, len(withBody), func(i int) {
		p := withBody[i]
		if rb := b.cachedBody(p); rb != nil {
			b.applyBody(p, rb)
			return
		}
		body, bodyLine := p.body, p.bodyLine
		var deps []bodyDep
		tracked := func(file string) (*Page, bool) {
			t, ok := resolve(file)
			d := bodyDep{file: file}
			if ok {
				d.path = t.Path
			}
			if !slices.Contains(deps, d) {
				deps = append(deps, d)
			}
			return t, ok
		}
		mp := &markdownPage{
			page: p, resolve: tracked, relURL: b.cfg.RelURL, file: b.contentName(p.File),
			lineOf: func(off int) int {
				if off > len(body) {
					off = len(body)
				}
				return bodyLine + bytes.Count(body[:off], []byte{'\n'})
			},
		}
		res, err := renderMarkdown(b.md, mp, body, b.cfg.SummaryLength)
		if err != nil {
			b.probs.add(mp.file, 0, "Markdown 渲染出错：%v", err)
			return
		}
		rb := &renderedBody{res: res, deps: deps, anchors: make(map[string]bool, len(res.headings))}
		for _, h := range res.headings {
			rb.anchors[h.ID] = true
		}
		if res.moreSet {
			rb.summary = res.summary
		} else {
			rb.summary = cutSummary(res.summary, b.cfg.SummaryLength)
		}
		b.storeBody(p, rb)
		b.applyBody(p, rb)
	})
}

// applyBody gives a page its rendered body and what was learnt from it.
func (b *builder) applyBody(p *Page, rb *renderedBody) {
	b.probs.addAll(rb.res.probs)
	p.Content = template.HTML(rb.res.html)
	p.Headings = rb.res.headings
	p.links = p.links[:p.ownLinks:p.ownLinks]
	if len(p.links) == 0 {
		p.links = rb.res.links
	} else {
		p.links = append(p.links, rb.res.links...)
	}
	p.anchors = rb.anchors
	if p.Summary == "" {
		p.Summary = rb.summary
	}
	p.body = nil
}
