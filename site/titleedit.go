package site

import (
	"bytes"
	"context"
	"time"
)

// titleEdit is the fast path for an edit to the titles of existing
// published pages and nothing else of theirs (the rest of the front matter
// decodes the same, the body is byte for byte the same): a title is shown
// by the page, its lists, its neighbours, feeds and the search index, but
// it moves nothing in the page graph as long as every list that holds the
// page keeps it in the same place (titles break ties in the order). Then
// the last build's graph still holds: the new titles are put into its
// pages, and the outputs whose templates read a changed title (affected,
// comparing each edited page with a copy of itself from before) are
// rendered, with the search-index files the titles are in
// (builder.searchTouched). Pages with a publicity or application window,
// a report call or a winner's record (whose titles go into windows.json)
// take the full path, as does any other change: ok is false, and nothing
// has been changed.
func (s *Session) titleEdit(ctx context.Context, edits []pageEdit, now time.Time) (rep *Report, ok bool, err error) {
	for _, ed := range edits {
		p := ed.page
		if p.Publicity != nil || p.Call != nil || p.ReportCall != nil || p.Type == TypeWinner ||
			ed.old.md == nil || len(ed.entry.warnings) > 0 || len(ed.old.warnings) > 0 || !sameParsedBut(ed.entry.page, ed.old.page, carryTitle) {
			return nil, false, nil
		}
	}
	// Put the new titles in, and take them out again unless every edited
	// page keeps its place.
	before := make(map[*Page]*Page, len(edits))
	for _, ed := range edits {
		if _, dup := before[ed.page]; !dup {
			o := *ed.page
			before[ed.page] = &o
		}
		ed.page.Title = ed.entry.page.Title
	}
	for _, ed := range edits {
		if !keepsPlace(ed.page) {
			for p, o := range before {
				p.Title = o.Title
			}
			return nil, false, nil
		}
	}
	// From here on the change is ours; the cache takes the new sources,
	// with the rendered bodies (the bodies are the same).
	for _, ed := range edits {
		ed.entry.md = ed.old.md
		s.cache[ed.page.File] = ed.entry
		ed.page.entry = ed.entry
	}
	b := s.last
	oldSite := *b.site // for the Site's fields as the last build had them
	b.resume(now)
	for p := range before {
		b.theme.kept.forget(p.Path)
	}

	if b.search != nil {
		b.searchTouched = map[string]bool{} // the index files dirty renders
		for p, o := range before {
			for sh := range b.search.update(p, pageText(o.Title, string(p.Content)), pageText(p.Title, string(p.Content))) {
				b.searchTouched[shardName(sh)] = true
			}
			if id, ok := b.search.ids[p]; ok {
				b.searchTouched[docShardName(id/searchDocShard)] = true
			}
		}
	}
	a := editedAffected(b, &oldSite, b.jobIndex(b.jobs), before, nil)
	var toWrite []job
	for i := range b.jobs {
		if a.dirty(&b.jobs[i]) {
			toWrite = append(toWrite, b.jobs[i])
		}
	}
	return b.writeSome(ctx, toWrite, "title")
}

// sameParsedBut reports whether two parsed pages (cacheEntry.page) differ
// in nothing but the fields carry copies from o to a copy of p.
func sameParsedBut(p, o *Page, carry func(q, o *Page)) bool {
	q := *p
	carry(&q, o)
	return !fieldDiffers(&q, o, "*") && bytes.Equal(q.body, o.body) && q.bodyLine == o.bodyLine &&
		q.ownLinks == o.ownLinks && len(q.links) == len(o.links)
}

// carryTitle copies the field a title edit changes (sameParsedBut).
func carryTitle(q, o *Page) { q.Title = o.Title }

// keepsPlace reports whether p still sorts between its neighbours in every
// list that holds it: its section's (or home's) and its tags'.
func keepsPlace(p *Page) bool {
	lists := [][]*Page{nil}
	if p.Parent != nil {
		lists[0] = p.Parent.Pages
	}
	for _, tp := range p.TagPages {
		lists = append(lists, tp.Pages)
	}
	for _, list := range lists {
		i := -1
		for k, q := range list {
			if q == p {
				i = k
				break
			}
		}
		if i < 0 ||
			(i > 0 && comparePages(list[i-1], p) >= 0) ||
			(i < len(list)-1 && comparePages(p, list[i+1]) >= 0) {
			return false
		}
	}
	return true
}

// editedAffected is the comparison for a build that changed the last
// build's graph in place: the pages in before (each with its copy from
// before the change) differ, the pages in fresh are new, every other page
// is the same, the Site's fields are compared with oldSite's and the
// outputs with the last build's, whose jobs by name are oldJobs.
func editedAffected(b *builder, oldSite *Site, oldJobs map[string]*job, before map[*Page]*Page, fresh map[*Page]bool) *affected {
	a := comparing(&builder{site: oldSite}, b, oldJobs, len(before))
	same := func(p *Page) { // (changed needs no oldOf for a page the same)
		if _, edited := before[p]; !edited && !fresh[p] {
			p.cmp = cmpSame
		}
	}
	for _, p := range b.pages {
		same(p)
	}
	for i := range b.jobs {
		if p := b.jobs[i].page; p != nil {
			same(p) // the 404 page, outside the graph
		}
	}
	for p, o := range before {
		p.cmp = cmpDiffers
		a.oldOf[p] = o
		a.differing = append(a.differing, p)
	}
	for p := range fresh {
		p.cmp = cmpDiffers
		a.differing = append(a.differing, p)
	}
	a.added = len(fresh) > 0 || len(oldSite.byPath) != len(b.site.byPath)
	return a
}
