package site

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"
)

// graphEdit is the fast path for the changes that move pages within the
// last build's graph without making it anew: edits to existing published
// pages that change nothing of theirs but the title, the dates, the weight
// and the tags (the body byte for byte the same), and new pages in a
// folder whose list page exists. It edits the last build's graph in place
// as structure would have built it: each moved page taken out of the sorted
// lists that hold it (its parent's, its tags', the Site's regular pages)
// and put back at its new place, neighbours linked again, term pages made,
// retitled or dropped, and the list pages, feeds and search-index files of
// the changed lists planned again. Every page it changes is first copied,
// so that affected compares each with its copy and renders only the
// outputs whose templates read something that changed.
//
// Pages with a publicity or application window, a report call or a
// winner's record, pages with warnings, drafts, future and expired pages,
// new bundles, new pages with aliases, edits that move the body's first
// line, removed or renamed files and new sections take the full path, as does any other change: ok is false, and nothing has been
// changed. When the edited graph has a problem (a broken link, two outputs
// of one name, the first or last tag of the site), graphEdit gives way to
// the full path with ok false, the session's last build dropped, so that
// the problems reported are a clean build's.
func (s *Session) graphEdit(ctx context.Context, change Change, now time.Time) (rep *Report, ok bool, err error) {
	g, ok := s.planGraphEdit(change)
	if !ok {
		return nil, false, nil
	}
	// From here on the change is ours; the cache and listing take the new
	// sources, with the rendered bodies of the edited pages (their bodies
	// are the same).
	b := s.last
	e := &graphEditor{
		b: b, oldSite: *b.site, oldJobs: b.jobs, oldPages: b.pages,
		before: map[*Page]*Page{}, fresh: map[*Page]bool{}, moved: map[*Page]bool{},
	}
	oldIndex := b.jobIndex(b.jobs)
	b.resume(now)
	for _, ed := range g.edits {
		ed.entry.md = ed.old.md
		s.cache[ed.page.File] = ed.entry
		e.edit(ed)
	}
	for _, ne := range g.added {
		s.cache[ne.page.File] = ne
		at, _ := slices.BinarySearchFunc(s.files, ne.page.File, compareWalkOrder)
		s.files = slices.Insert(slices.Clip(s.files), at, sourceFile{name: ne.page.File, page: true})
		e.add(ne)
	}
	if !e.relink() {
		return s.giveWay()
	}
	b.theme.kept.begin(b.site.byPath)
	if len(e.added) > 0 {
		if err := b.renderPages(ctx, e.added); err != nil {
			s.built, s.last = false, nil
			return nil, true, err
		}
	}
	if !e.replan() {
		return s.giveWay()
	}

	old := &builder{site: &e.oldSite, pages: e.oldPages, jobs: e.oldJobs}
	a := editedAffected(b, old, oldIndex, e.before, e.fresh)
	b.theme.kept.forgetChanged(a)
	var toWrite []job
	for i := range b.jobs {
		if a.dirty(&b.jobs[i]) {
			toWrite = append(toWrite, b.jobs[i])
		}
	}
	rep, ok, err = b.writeSome(ctx, toWrite)
	if err != nil || len(e.dropped) == 0 {
		return rep, ok, err
	}
	keep := make(map[string]bool, len(b.jobs))
	for _, j := range b.jobs {
		keep[j.name] = true
	}
	removed, err := b.opts.Output.RemoveExcept(keep)
	if err != nil {
		return nil, true, err
	}
	rep.Removed = removed
	return rep, true, nil
}

// giveWay drops the last build, whose graph graphEdit has changed, so that
// Build continues on the full path with every output rendered.
func (s *Session) giveWay() (*Report, bool, error) {
	s.built, s.last = false, nil
	return nil, false, nil
}

// graphChange is a change graphEdit takes: the edits of existing pages
// and the entries of new ones.
type graphChange struct {
	edits []pageEdit
	added []*cacheEntry
}

// planGraphEdit reads the files change names and says whether graphEdit
// takes them, changing nothing.
func (s *Session) planGraphEdit(change Change) (*graphChange, bool) {
	last := s.last
	if last == nil || !s.built || change.Full || change.Theme || len(change.Content) == 0 {
		return nil, false
	}
	g := &graphChange{}
	names, paths := map[string]bool{}, map[string]bool{} // files named, and the new pages' addresses
	for _, name := range change.Content {
		if names[name] {
			continue
		}
		names[name] = true
		src, err := fs.ReadFile(s.opts.Content, name)
		if err != nil {
			return nil, false // removed, renamed away, or a folder
		}
		if p := last.site.byFile[name]; p != nil {
			old := s.cache[name]
			if old == nil || old.page == nil || p.Kind != KindPage {
				return nil, false
			}
			if bytes.Equal(src, old.src) {
				continue
			}
			e := last.parseSource(name, src)
			if !last.plainPage(e) || !last.plainPage(old) || old.md == nil ||
				!sameParsedBut(e.page, old.page, carryPlace) || !distinctTerms(old.page.Tags) || !distinctTerms(e.page.Tags) {
				return nil, false
			}
			g.edits = append(g.edits, pageEdit{p, old, e})
			continue
		}
		if _, listed := slices.BinarySearchFunc(s.files, name, compareWalkOrder); listed ||
			!strings.HasSuffix(name, ".md") || ignoredPath(name) || bundleDir(name) != "" || path.Base(name) == "_index.md" {
			return nil, false // a file of the listing that is not published, or not a page
		}
		e := last.parseSource(name, src)
		if !last.plainPage(e) || e.page.Kind != KindPage || len(e.page.Aliases) > 0 || paths[e.page.Path] ||
			last.site.byPath[e.page.Path] != nil || last.unpublished[e.page.Path] != nil || listFor(last.site, e.page) == nil ||
			!distinctTerms(e.page.Tags) || linkedBefore(s.cache, name) {
			return nil, false
		}
		paths[e.page.Path] = true
		g.added = append(g.added, e)
	}
	if terms := last.site.byPath["/tags/"]; terms == nil || terms.Kind != KindTerms {
		// The site's first tag makes the tags page: structure's.
		for _, ed := range g.edits {
			if hasTerms(ed.entry.page.Tags) {
				return nil, false
			}
		}
		for _, e := range g.added {
			if hasTerms(e.page.Tags) {
				return nil, false
			}
		}
	}
	return g, len(g.edits)+len(g.added) > 0
}

// hasTerms reports whether tags name a term.
func hasTerms(tags []string) bool {
	return slices.ContainsFunc(tags, func(t string) bool { return termSlug(t) != "" })
}

// plainPage reports whether a parsed file is a published page that
// nothing but its lists and itself depend on: no problems or warnings, not
// left out, no window, report call or winner's record.
func (b *builder) plainPage(e *cacheEntry) bool {
	p := e.page
	return p != nil && len(e.problems) == 0 && len(e.warnings) == 0 && b.skipReason(p) == "" &&
		p.Publicity == nil && p.Call == nil && p.ReportCall == nil && p.Type != TypeWinner
}

// carryPlace copies the fields a graph edit may change (sameParsedBut).
func carryPlace(q, o *Page) {
	q.Title, q.Date, q.PublishDate, q.Lastmod, q.Weight, q.Tags = o.Title, o.Date, o.PublishDate, o.Lastmod, o.Weight, o.Tags
}

// distinctTerms reports whether tags name each term at most once (a page
// listed twice in a term's list is left to the full path).
func distinctTerms(tags []string) bool {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		slug := termSlug(t)
		if slug != "" && seen[slug] {
			return false
		}
		seen[slug] = true
	}
	return true
}

// listFor returns the list page a new regular page (not a bundle's) would
// have as its Parent in site, as structure finds it: the list of its
// folder or the nearest folder above; nil when its section has no list
// page yet (structure would imply one).
func listFor(site *Site, p *Page) *Page {
	at := func(dir string) *Page {
		if l := site.byFile[dir+"/_index.md"]; l != nil && l.Kind == KindSection {
			return l
		}
		if l := site.byPath["/"+dir+"/"]; l != nil && l.Kind == KindSection && l.File == "" {
			return l // an implied section
		}
		return nil
	}
	if p.Section != "" && at(p.Section) == nil {
		return nil
	}
	for dir := path.Dir(p.File); dir != "."; dir = path.Dir(dir) {
		if l := at(dir); l != nil {
			return l
		}
	}
	return site.Home
}

// linkedBefore reports whether a kept rendering resolved a link to file
// (which was then no page): its body must be rendered again.
func linkedBefore(cache map[string]*cacheEntry, file string) bool {
	for _, e := range cache {
		if e.md == nil {
			continue
		}
		for _, d := range e.md.deps {
			if d.file == file {
				return true
			}
		}
	}
	return false
}

// graphEditor edits a build's graph in place for graphEdit.
type graphEditor struct {
	b        *builder
	oldSite  Site
	oldJobs  []job
	oldPages []*Page
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
				tp.RelPermalink, tp.Permalink = b.cfg.RelURL(tp.Path), b.cfg.AbsURL(tp.Path)
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
