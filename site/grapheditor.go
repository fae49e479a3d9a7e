package site

import (
	"maps"
	"slices"
	"strings"
)

// graphEditor edits a build's graph in place for graphEdit.
type graphEditor struct {
	b       *builder
	oldSite Site  // the last build's Site fields
	oldJobs []job // the last build's outputs
	// before holds a copy of each page of the last build's graph as it was
	// before its first change; fresh holds the pages new to the graph.
	before map[*Page]*Page
	fresh  map[*Page]bool
	// moved are the edited and new pages, in the order of the change;
	// added the new ones.
	moved      map[*Page]bool
	movedOrder []*Page
	added      []*Page
	gone       map[*Page]bool // term pages no page has any more
	relist     []*Page        // list pages whose outputs are planned again
	dropped    []string       // the last build's outputs that are no more
	mapsCloned bool
}

// touch copies p before its first change.
func (e *graphEditor) touch(p *Page) {
	if _, ok := e.before[p]; ok || e.fresh[p] {
		return
	}
	o := *p
	e.before[p] = &o
}

// edit puts an edit's fields into the graph's page.
func (e *graphEditor) edit(ed pageEdit) {
	p, np := ed.page, ed.entry.page
	e.touch(p)
	p.entry = ed.entry
	p.Title, p.Date, p.PublishDate, p.Lastmod, p.Weight, p.Tags = np.Title, np.Date, np.PublishDate, np.Lastmod, np.Weight, np.Tags
	if rb := ed.entry.md; rb != ed.old.md { // the body moved in its file
		p.bodyLine = np.bodyLine
		p.links = append(p.links[:p.ownLinks:p.ownLinks], rb.res.links...)
	}
	e.moved[p] = true
	e.movedOrder = append(e.movedOrder, p)
}

// add puts a new page into the graph: its place in the build's pages (the
// listing's order), its addresses in the Site's indexes.
func (e *graphEditor) add(ne *cacheEntry) {
	b := e.b
	p := ne.instance()
	p.Parent = listFor(b.site, p)
	e.cloneMaps()
	b.site.byPath[p.Path], b.site.byFile[p.File] = p, p
	files := 0 // the pages read from files come first, in listing order
	for files < len(b.pages) && b.pages[files].File != "" {
		files++
	}
	at, _ := slices.BinarySearchFunc(b.pages[:files], p.File, func(q *Page, name string) int {
		return compareWalkOrder(sourceFile{name: q.File}, name)
	})
	b.pages = slices.Insert(slices.Clip(b.pages), at, p)
	e.fresh[p] = true
	e.moved[p] = true
	e.movedOrder = append(e.movedOrder, p)
	e.added = append(e.added, p)
}

// cloneMaps gives the Site its own page indexes before one changes: the
// last build's Site (oldSite) keeps its own.
func (e *graphEditor) cloneMaps() {
	if e.mapsCloned {
		return
	}
	e.mapsCloned = true
	s := e.b.site
	s.byPath, s.byFile, s.prefixed = maps.Clone(s.byPath), maps.Clone(s.byFile), nil
}

// relink puts the moved pages in their places: in their parents' lists
// (and neighbours), their terms' lists, and the Site's regular pages. It
// reports false when the graph needs structure (a site's first tag, its
// last, a term's address taken).
func (e *graphEditor) relink() bool {
	b := e.b
	parents := map[*Page]bool{}
	for _, p := range e.movedOrder {
		if !parents[p.Parent] {
			parents[p.Parent] = true
			e.relinkParent(p.Parent)
		}
	}
	if !e.retag() {
		return false
	}
	b.site.RegularPages = e.reinsert(b.site.RegularPages, func(p *Page) bool { return e.moved[p] }, compareRegular)
	b.report.Pages = len(b.site.RegularPages)
	return true
}

// reinsert returns list (sorted by cmp) with the moved pages taken out and
// those that belong put back by cmp: sorted again, a new slice.
func (e *graphEditor) reinsert(list []*Page, belongs func(*Page) bool, cmp func(a, c *Page) int) []*Page {
	out := make([]*Page, 0, len(list)+len(e.movedOrder))
	for _, p := range list {
		if !e.moved[p] {
			out = append(out, p)
		}
	}
	for _, p := range e.movedOrder {
		if belongs(p) {
			at, _ := slices.BinarySearchFunc(out, p, cmp)
			out = slices.Insert(out, at, p)
		}
	}
	return out
}

// relinkParent sorts a parent's list again and links its pages to their
// new neighbours.
func (e *graphEditor) relinkParent(l *Page) {
	e.touch(l)
	l.Pages = e.reinsert(l.Pages, func(p *Page) bool { return p.Parent == l }, comparePages)
	var prev *Page
	for _, c := range l.Pages {
		if c.Kind != KindPage || c.Parent != l {
			continue
		}
		if c.Prev != prev {
			e.touch(c)
			c.Prev = prev
		}
		if prev != nil && prev.Next != c {
			e.touch(prev)
			prev.Next = c
		}
		prev = c
	}
	if prev != nil && prev.Next != nil {
		e.touch(prev)
		prev.Next = nil
	}
	if l.Kind != KindHome { // the home page is not paginated
		e.relist = append(e.relist, l)
	}
}

// retag gives the moved pages their term pages and each term touched its
// pages and title, as structure does: a term's title is its tag as the
// first page in listing order spells it.
func (e *graphEditor) retag() bool {
	b := e.b
	terms := b.site.byPath["/tags/"]
	if terms == nil || terms.Kind != KindTerms { // a site without tags
		return !slices.ContainsFunc(e.movedOrder, func(p *Page) bool { return hasTerms(p.Tags) })
	}
	touched := map[*Page]string{} // term page → slug
	var order []*Page
	note := func(tp *Page, slug string) {
		if _, ok := touched[tp]; !ok {
			touched[tp] = slug
			order = append(order, tp)
		}
	}
	for _, p := range e.movedOrder {
		for _, tp := range p.TagPages {
			note(tp, strings.TrimSuffix(strings.TrimPrefix(tp.Path, "/tags/"), "/"))
		}
		var tagPages []*Page
		for _, t := range p.Tags {
			slug := termSlug(t)
			if slug == "" {
				continue
			}
			tp := b.site.byPath["/tags/"+slug+"/"]
			if tp == nil {
				tp = &Page{Kind: KindTerm, Type: "tags", Section: "tags", Title: strings.TrimSpace(t), Path: "/tags/" + slug + "/", Parent: terms}
				tp.RelPermalink, tp.Permalink = b.cfg.pageURLs(tp.Path)
				e.cloneMaps()
				b.site.byPath[tp.Path] = tp
				e.fresh[tp] = true
			} else if tp.Kind != KindTerm {
				return false // the address is a page's: structure reports it
			}
			note(tp, slug)
			tagPages = append(tagPages, tp)
		}
		if !samePaths(tagPages, p.TagPages) {
			e.touch(p)
			p.TagPages = tagPages
		}
	}
	tagsChanged := false
	for _, tp := range order {
		slug := touched[tp]
		has := func(p *Page) bool { return slices.ContainsFunc(p.TagPages, func(q *Page) bool { return q == tp }) }
		e.touch(tp)
		tp.Pages = e.reinsert(tp.Pages, has, comparePages)
		if len(tp.Pages) == 0 {
			if !e.fresh[tp] {
				e.cloneMaps()
				delete(b.site.byPath, tp.Path)
				if e.gone == nil {
					e.gone = map[*Page]bool{}
				}
				e.gone[tp] = true
			}
			delete(e.fresh, tp)
			delete(e.before, tp)
			tagsChanged = true
			continue
		}
		first := tp.Pages[0]
		for _, p := range tp.Pages[1:] {
			if compareWalkOrder(sourceFile{name: p.File}, first.File) < 0 {
				first = p
			}
		}
		for _, t := range first.Tags {
			if termSlug(t) == slug {
				if title := strings.TrimSpace(t); title != tp.Title {
					tp.Title, tagsChanged = title, true
				}
				break
			}
		}
		tagsChanged = tagsChanged || e.fresh[tp]
		e.relist = append(e.relist, tp)
	}
	if !tagsChanged {
		return true
	}
	tags := make([]*Page, 0, len(b.site.Tags)+len(order))
	for _, tp := range b.site.Tags {
		if !e.gone[tp] {
			tags = append(tags, tp)
		}
	}
	var pages []*Page
	for _, p := range b.pages {
		if !e.gone[p] {
			pages = append(pages, p)
		}
	}
	for _, tp := range order {
		if e.fresh[tp] {
			tags = append(tags, tp)
			pages = append(pages, tp)
		}
	}
	if len(tags) == 0 {
		return false // the site's last tag: structure drops the tags page
	}
	slices.SortFunc(tags, func(x, y *Page) int { return strings.Compare(x.Title, y.Title) })
	b.site.Tags, b.pages = tags, pages
	e.touch(terms)
	terms.Pages = tags
	e.relist = append(e.relist, terms)
	return true
}

// replan plans the outputs again where the graph changed: the changed
// lists' pages, the feeds, the search index (carried over when it can
// be), the new pages and the files they link to beside them. It reports
// false when the outputs have a problem (two of one name, a broken link),
// which the full path reports.
func (e *graphEditor) replan() bool {
	b := e.b
	relist := make(map[*Page]bool, len(e.relist))
	for _, l := range e.relist {
		relist[l] = true
	}
	if b.search != nil {
		docs := slices.Clone(b.search.docs) // the last build's documents as they were
		for i, p := range docs {
			if o, ok := e.before[p]; ok {
				docs[i] = o
			}
		}
		b.search.docs = docs
		if touched, ok := b.search.reindex(b.site.RegularPages); ok {
			b.searchTouched = touched
		} else {
			b.search, b.searchTouched = newSearchIndex(b.site.RegularPages, b.cfg), nil
		}
	}
	jobs := make([]job, 0, len(e.oldJobs)+len(e.added)+8)
	planned := map[*Page]bool{}
	feeds, search := false, false
	lists := 1            // the home page
	var replaced []string // the names of the outputs planned again
	for _, j := range e.oldJobs {
		switch {
		case j.kind == jobList && (relist[j.page] || e.gone[j.page]):
			if relist[j.page] && !planned[j.page] {
				planned[j.page] = true
				jobs = append(jobs, b.listJobs(j.page)...)
			}
		case j.kind == jobFeed:
			if !feeds {
				feeds = true
				jobs = append(jobs, b.feedJobs()...)
			}
		case j.kind == jobSearch && b.search != nil:
			if !search {
				search = true
				jobs = append(jobs, b.search.jobs()...)
			}
		default:
			jobs = append(jobs, j)
			continue
		}
		replaced = append(replaced, j.name)
	}
	for _, l := range e.relist {
		if !planned[l] {
			planned[l] = true
			jobs = append(jobs, b.listJobs(l)...)
		}
	}
	// The new pages' outputs go after the other pages' and before the
	// lists, as plan orders them.
	at := slices.IndexFunc(jobs, func(j job) bool { return j.kind == jobList || j.kind == jobHome })
	if at < 0 {
		at = len(jobs)
	}
	for _, p := range e.added {
		j := b.pageJob(p, p.Path, nil)
		j.kind = jobPage
		jobs = slices.Insert(jobs, at, j)
		at++
	}
	for _, j := range jobs {
		if j.kind == jobList {
			lists++
		}
	}
	b.report.Lists = lists
	jobs = append(jobs, b.attachmentJobs(jobs)...)
	byName := b.jobIndex(jobs)
	if len(byName) < len(jobs) {
		return false // two outputs of one name (dedupe)
	}
	b.jobs = jobs
	for _, name := range replaced {
		if byName[name] == nil {
			e.dropped = append(e.dropped, name)
		}
	}
	b.checkLinks(jobs, append(e.added, e.linkingTo(e.dropped)...))
	return b.probs.err() == nil
}

// linkingTo returns the pages with a link that may resolve to one of the
// output names (resolveTarget: /dir/, /dir or /dir/index.html for
// dir/index.html): their links are checked again.
func (e *graphEditor) linkingTo(names []string) []*Page {
	if len(names) == 0 {
		return nil
	}
	prefixes := make([]string, len(names))
	for i, n := range names {
		prefixes[i] = "/" + strings.TrimSuffix(strings.TrimSuffix(n, "index.html"), "/")
	}
	var out []*Page
	for _, p := range e.b.pages {
		if slices.ContainsFunc(p.links, func(l pageLink) bool {
			return slices.ContainsFunc(prefixes, func(pre string) bool { return strings.HasPrefix(l.target, pre) })
		}) {
			out = append(out, p)
		}
	}
	return out
}
