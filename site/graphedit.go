package site

import (
	"context"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// graphEdit is the fast path for the changes that move pages within the
// last build's graph without making it anew: edits to existing published
// pages that change nothing of theirs but the title, the dates, the weight
// and the tags (the body byte for byte the same, though it may start on
// another line of the file), and new pages in a
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
// new bundles, new pages with aliases, removed or renamed files and new
// sections take the full path, as does any other change: ok is false, and nothing has been
// changed. When the edited graph has a problem (a broken link, two outputs
// of one name, the first or last tag of the site), graphEdit gives way to
// the full path with ok false, the session's last build dropped, so that
// the problems reported are a clean build's.
func (s *Session) graphEdit(ctx context.Context, edits []pageEdit, others []string, now time.Time) (rep *Report, ok bool, err error) {
	g, ok := s.planGraphEdit(edits, others)
	if !ok {
		return nil, false, nil
	}
	// From here on the change is ours; the cache and listing take the new
	// sources, with the rendered bodies of the edited pages (their bodies
	// are the same).
	b := s.last
	e := &graphEditor{
		b: b, oldSite: *b.site, oldJobs: b.jobs,
		before: map[*Page]*Page{}, fresh: map[*Page]bool{}, moved: map[*Page]bool{},
	}
	oldIndex := b.jobIndex(b.jobs)
	b.resume(now)
	for _, ed := range g.edits {
		ed.entry.md = movedBody(ed.old.md, ed.entry.page.bodyLine-ed.old.page.bodyLine)
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

	a := editedAffected(b, &e.oldSite, oldIndex, e.before, e.fresh)
	b.theme.kept.forgetChanged(a)
	var toWrite []job
	for i := range b.jobs {
		if a.dirty(&b.jobs[i]) {
			toWrite = append(toWrite, b.jobs[i])
		}
	}
	rep, ok, err = b.writeSome(ctx, toWrite, "graph")
	if err != nil || len(e.dropped) == 0 {
		return rep, ok, err
	}
	if err := b.removeStale(b.jobs); err != nil {
		return nil, true, err
	}
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

// planGraphEdit says whether graphEdit takes a change: the edits of the
// last build's pages (editedPages) and the other files it names, which it
// reads as new pages. It changes nothing.
func (s *Session) planGraphEdit(edits []pageEdit, others []string) (*graphChange, bool) {
	last := s.last
	for _, ed := range edits {
		e, old := ed.entry, ed.old
		if !last.plainPage(e) || !last.plainPage(old) || old.md == nil ||
			!sameParsedBut(e.page, old.page, carryPlace) || !distinctTerms(old.page.Tags) || !distinctTerms(e.page.Tags) {
			return nil, false
		}
	}
	g := &graphChange{edits: edits}
	paths := map[string]bool{} // the new pages' addresses
	for _, name := range others {
		if _, listed := slices.BinarySearchFunc(s.files, name, compareWalkOrder); listed ||
			!strings.HasSuffix(name, ".md") || ignoredPath(name) || bundleDir(name) != "" || path.Base(name) == "_index.md" {
			return nil, false // a file of the listing that is not published, or not a page
		}
		src, err := fs.ReadFile(s.opts.Content, name)
		if err != nil {
			return nil, false // removed, renamed away, or a folder
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

// carryPlace copies the fields a graph edit may change (sameParsedBut),
// and the body's first line: a front matter line more or less moves the
// body, whose rendering is kept with its lines moved (movedBody).
func carryPlace(q, o *Page) {
	q.Title, q.Date, q.PublishDate, q.Lastmod, q.Weight, q.Tags = o.Title, o.Date, o.PublishDate, o.Lastmod, o.Weight, o.Tags
	q.bodyLine = o.bodyLine
}

// movedBody returns rb with the file lines of its links and problems
// moved by delta, for a body that now starts delta lines further down.
func movedBody(rb *renderedBody, delta int) *renderedBody {
	if delta == 0 {
		return rb
	}
	m := *rb
	m.res.links = slices.Clone(rb.res.links)
	for i := range m.res.links {
		m.res.links[i].line += delta
	}
	m.res.probs = make([]*Problem, len(rb.res.probs))
	for i, p := range rb.res.probs {
		q := *p
		if q.Line > 0 {
			q.Line += delta
		}
		m.res.probs[i] = &q
	}
	return &m
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
