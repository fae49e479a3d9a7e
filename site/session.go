package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"
)

// Change says what changed since a session's last build.
type Change struct {
	// Content lists the content files (slash paths within Options.Content)
	// that were written, created, renamed or removed.
	Content []string
	// Theme reports a change anywhere in the theme.
	Theme bool
	// Full asks for everything to be read again (a change of unknown extent).
	Full bool
}

// Session builds one site again and again, for the development server. It
// keeps each content file's bytes, parsed front matter and rendered
// Markdown, and re-reads only the files a Change names. Outputs are written
// only when their bytes change, and an incremental build writes exactly
// what a clean build would (the session tests prove it). When the only
// change is to the bodies of existing published pages (their front matter
// byte for byte the same), it keeps the last build's page graph and renders
// just those pages, the lists and feeds they appear in, the home page and
// the search-index files their text is in: the template contract for that
// is that no other page shows another page's Content or Summary. Edits
// of titles, dates, weights and tags, and new pages, are put into the last
// build's graph in place (titleEdit, graphEdit). Any other change builds
// the graph anew and compares it with the last build's (affected.go).
//
// A session's Options (configuration, calendar) are fixed: start a new
// session when they change. Build is safe to call from one goroutine at a
// time; concurrent calls wait.
type Session struct {
	opts  Options
	mu    sync.Mutex
	theme *theme
	files []sourceFile // the content listing of the last build
	cache map[string]*cacheEntry
	built bool     // a build has succeeded
	last  *builder // the last successful build's pages, site and jobs

	cacheMu sync.Mutex // guards cache during a build's parallel phases

	readsMu sync.Mutex
	readsOf *theme                            // the theme reads were analysed for
	reads   map[*template.Template][]pageRead // an entry template's reads (depend.go)
}

// NewSession starts a session; its first Build reads everything.
func NewSession(o Options) (*Session, error) {
	if o.Config.loc == nil {
		if err := o.Config.normalize(); err != nil {
			return nil, err
		}
	}
	return &Session{opts: o, cache: map[string]*cacheEntry{}}, nil
}

// Build builds the site after change, writing through the session's
// Output. On problems it returns a *BuildError and writes nothing; the
// session then still knows the sources, and the next Build continues from
// them. opts.Now is taken from now (zero: time.Now()).
func (s *Session) Build(ctx context.Context, change Change, now time.Time) (*Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	o := s.opts
	o.Now = now
	if o.Now.IsZero() {
		o.Now = start
	}
	if rep, ok, err := s.fastPath(ctx, change, o.Now); ok {
		if err != nil {
			s.built, s.last = false, nil
			return nil, err
		}
		rep.Duration = time.Since(start)
		return rep, nil
	}
	b := &builder{opts: o, cfg: &o.Config, report: &Report{}, md: NewMarkdown(), sess: s, change: change}
	if err := b.build(ctx); err != nil {
		s.built, s.last = false, nil // what failed was not written: the next build renders all
		return nil, err
	}
	s.built, s.last = true, b
	b.report.Duration = time.Since(start)
	return b.report, nil
}

// fastPath builds a change on the last build's graph when one of the
// fast paths takes it (bodyEdit, titleEdit, graphEdit); ok is false when
// none does, and Build renders every output the change affects.
func (s *Session) fastPath(ctx context.Context, change Change, now time.Time) (rep *Report, ok bool, err error) {
	edits, others, ok := s.editedPages(change)
	if !ok {
		return nil, false, nil
	}
	if len(others) == 0 {
		for _, fast := range [...]func(context.Context, []pageEdit, time.Time) (*Report, bool, error){s.bodyEdit, s.titleEdit} {
			if rep, ok, err := fast(ctx, edits, now); ok {
				return rep, true, err
			}
		}
	}
	return s.graphEdit(ctx, edits, others, now)
}

// cacheEntry is what a session keeps of one Markdown file.
type cacheEntry struct {
	src      []byte
	fm       []byte     // front matter, a slice of src
	page     *Page      // as the front matter gives it; nil if problems stop it
	problems []*Problem // problems of the file itself
	warnings []*Problem
	md       *renderedBody // nil until rendered
}

// renderedBody is a page's rendered Markdown and the .md link targets it
// was rendered against.
type renderedBody struct {
	res     markdownResult
	deps    []bodyDep       // the .md links' files, each once
	summary string          // the automatic summary
	anchors map[string]bool // shared, read-only
}

// bodyDep is a content file a body links to and the page path it
// resolved to ("" if none).
type bodyDep struct{ file, path string }

// instance returns a fresh page for one build: the parsed fields, with
// everything the build derives left empty.
func (e *cacheEntry) instance() *Page {
	p := *e.page
	p.entry = e
	if p.Publicity != nil {
		pub := *p.Publicity
		pub.Candidates = append(pub.Candidates[:0:0], pub.Candidates...)
		p.Publicity = &pub
	}
	if p.Call != nil {
		c := *p.Call
		p.Call = &c
	}
	return &p
}

// listing returns the content files. In a session it edits the last
// listing by the files the change names (stat each: new pages, deletions,
// renames), and walks the content again only when a named path is a folder
// or cannot be read, or after a Full change.
func (b *builder) listing() ([]sourceFile, error) {
	s := b.sess
	if s == nil || !s.built || b.change.Full || s.files == nil {
		return b.relist()
	}
	files := s.files
	for _, name := range b.change.Content {
		at, listed := slices.BinarySearchFunc(files, name, compareWalkOrder)
		st, err := fs.Stat(b.opts.Content, name)
		switch {
		case err == nil && st.Mode().IsRegular():
			if listed || ignoredPath(name) {
				continue
			}
			files = slices.Insert(slices.Clip(files), at, sourceFile{name: name, page: strings.HasSuffix(name, ".md")})
		case errors.Is(err, fs.ErrNotExist):
			if !listed && at < len(files) && strings.HasPrefix(files[at].name, name+"/") {
				return b.relist() // a folder removed or moved away, with its files
			}
			if !listed {
				continue // never listed: a hidden file, or one gone again
			}
			files = slices.Delete(slices.Clone(files), at, at+1)
			delete(s.cache, name)
		default:
			return b.relist() // a folder (its files unnamed), or unreadable
		}
	}
	s.files = files
	return files, nil
}

// compareWalkOrder orders a listing's entry against a name as fs.WalkDir
// visits files: folder by folder, each folder's names in lexical order.
func compareWalkOrder(f sourceFile, name string) int {
	a, b := f.name, name
	for {
		ae, arest, amore := strings.Cut(a, "/")
		be, brest, bmore := strings.Cut(b, "/")
		if c := strings.Compare(ae, be); c != 0 {
			return c
		}
		if !amore || !bmore { // a folder and a path in it: the folder first
			return strings.Compare(a, b)
		}
		a, b = arest, brest
	}
}

// ignoredPath reports whether listContent leaves out the file: it or a
// folder it is in has an ignored name.
func ignoredPath(name string) bool {
	for _, el := range strings.Split(name, "/") {
		if ignoredName(el) {
			return true
		}
	}
	return false
}

func (b *builder) relist() ([]sourceFile, error) {
	files, err := listContent(b.opts.Content)
	if err != nil {
		return nil, err
	}
	if b.sess != nil {
		b.sess.files = files
		known := make(map[string]bool, len(files))
		for _, f := range files {
			known[f.name] = true
		}
		for name := range b.sess.cache {
			if !known[name] {
				delete(b.sess.cache, name)
			}
		}
	}
	return files, nil
}

// source returns a content file's entry: the cached one when the file is
// unchanged, else parsed from its bytes.
func (b *builder) source(name string) (*cacheEntry, error) {
	s := b.sess
	var old *cacheEntry
	if s != nil {
		s.cacheMu.Lock()
		old = s.cache[name]
		s.cacheMu.Unlock()
		if old != nil && !b.change.Full && !b.changed(name) {
			return old, nil
		}
	}
	src, err := fs.ReadFile(b.opts.Content, name)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if old != nil && bytes.Equal(old.src, src) {
		return old, nil // saved unchanged: keep its parse and rendered body
	}
	e := b.parseSource(name, src)
	if s != nil {
		s.cacheMu.Lock()
		s.cache[name] = e
		s.cacheMu.Unlock()
	}
	return e, nil
}

func (b *builder) changed(name string) bool {
	for _, c := range b.change.Content {
		if c == name {
			return true
		}
	}
	return false
}

// cachedBody returns p's rendered Markdown if it is still valid: the file
// is unchanged and every .md link resolves as before.
func (b *builder) cachedBody(p *Page) *renderedBody {
	if b.sess == nil {
		return nil
	}
	e := p.entry
	if e == nil || e.md == nil {
		return nil
	}
	for _, d := range e.md.deps {
		cur := ""
		if t, ok := b.site.byFile[d.file]; ok {
			cur = t.Path
		}
		if cur != d.path {
			return nil
		}
	}
	return e.md
}

func (b *builder) storeBody(p *Page, rb *renderedBody) {
	if b.sess == nil {
		return
	}
	b.sess.cacheMu.Lock()
	defer b.sess.cacheMu.Unlock()
	if e := b.sess.cache[p.File]; e != nil {
		e.md = rb
	}
}

// selectJobs keeps the jobs a body-only edit of files affects: those pages,
// the list pages and feeds showing them, and the home page.
func selectJobs(jobs []job, files map[string]bool) []job {
	var out []job
	for _, j := range jobs {
		switch {
		case j.kind == jobHome:
			out = append(out, j)
		case j.kind == jobPage && j.page != nil && files[j.page.File]:
			out = append(out, j)
		case j.kind == jobList, j.kind == jobFeed:
			for _, p := range j.shows {
				if files[p.File] {
					out = append(out, j)
					break
				}
			}
		}
	}
	return out
}

// pageEdit is a changed content file of a published page of the last
// build.
type pageEdit struct {
	page  *Page       // the last build's page
	old   *cacheEntry // the file as the last build read it
	entry *cacheEntry // the file as it is now
}

// editedPages reads the files a content change names as edits of the last
// build's published pages, for the fast paths: the edits (each file once,
// files whose bytes are unchanged left out), and the other files named,
// which were no pages of the last build (graphEdit reads those). ok is
// false when a file is no longer such a page's (removed or renamed away,
// with problems, or now left out: a draft, future, expired), or the last
// build's page there is not a regular page.
func (s *Session) editedPages(change Change) (edits []pageEdit, others []string, ok bool) {
	last := s.last
	if last == nil || !s.built || change.Full || change.Theme || len(change.Content) == 0 {
		return nil, nil, false
	}
	seen := make(map[string]bool, len(change.Content))
	for _, name := range change.Content {
		if seen[name] {
			continue
		}
		seen[name] = true
		p := last.site.byFile[name]
		if p == nil {
			others = append(others, name)
			continue
		}
		old := s.cache[name]
		if old == nil || old.page == nil || p.Kind != KindPage {
			return nil, nil, false
		}
		src, err := fs.ReadFile(s.opts.Content, name)
		if err != nil {
			return nil, nil, false // removed or renamed away: the full path handles it
		}
		if bytes.Equal(src, old.src) {
			continue
		}
		e := last.parseSource(name, src)
		if e.page == nil || len(e.problems) > 0 || last.skipReason(e.page) != "" {
			return nil, nil, false
		}
		edits = append(edits, pageEdit{p, old, e})
	}
	return edits, others, true
}

// resume readies the last build for a fast path's build at now: a fresh
// report (the counts, skipped pages and warnings carried over), no
// problems, no partial results kept.
func (b *builder) resume(now time.Time) {
	b.opts.Now, b.site.BuildTime = now, now
	b.report = &Report{Pages: b.report.Pages, Lists: b.report.Lists, Skipped: b.report.Skipped, Warnings: b.report.Warnings}
	b.probs = problems{}
	b.theme.cache.Clear()
	b.theme.kept.begin(b.site.byPath)
	b.searchTouched = nil
}

// bodyEdit is the fast path for the commonest change, an edit to the body
// of existing published pages: their front matter is unchanged, so the
// last build's page graph (lists, order, tags, URLs) still holds. It
// renders the new bodies into the last build's pages and re-renders only
// the outputs that show them. ok is false when the change is anything else
// (nothing has then been changed), and Build renders every output.
func (s *Session) bodyEdit(ctx context.Context, edits []pageEdit, now time.Time) (rep *Report, ok bool, err error) {
	for _, ed := range edits {
		if !bytes.Equal(ed.entry.fm, ed.old.fm) {
			return nil, false, nil
		}
	}
	// From here on the change is ours; the cache takes the new sources.
	for _, ed := range edits {
		s.cache[ed.page.File] = ed.entry
	}
	b := s.last
	b.resume(now)
	edited := map[string]bool{}
	for _, ed := range edits {
		p := ed.page
		b.theme.kept.forget(p.Path)
		p.body, p.bodyLine, p.Summary = ed.entry.page.body, ed.entry.page.bodyLine, ed.entry.page.Summary
		p.entry = ed.entry // its front matter, so its parsed fields, unchanged
		edited[p.File] = true
	}
	var pages []*Page
	oldText := map[*Page]string{}
	oldAnchors := map[*Page]map[string]bool{}
	for _, ed := range edits {
		pages = append(pages, ed.page)
		oldAnchors[ed.page] = ed.page.anchors
		if b.search != nil {
			oldText[ed.page] = pageText(ed.page.Title, string(ed.page.Content))
		}
	}
	if err := b.renderPages(ctx, pages); err != nil {
		return nil, true, err
	}
	// The last build's links were all good (a failed build ends the
	// session's reuse): unless an edited page's anchors changed, which links
	// elsewhere may name, only the edited pages' links need checking.
	checked := pages
	for _, p := range pages {
		if !sameMap(oldAnchors[p], p.anchors) {
			checked = b.pages
		}
	}
	extra := map[string]bool{}
	if b.search != nil {
		for _, p := range pages {
			for sh := range b.search.update(p, oldText[p], pageText(p.Title, string(p.Content))) {
				extra[shardName(sh)] = true
			}
			if id, ok := b.search.ids[p]; ok {
				extra[docShardName(id/searchDocShard)] = true
			}
		}
	}
	attached := b.attachmentJobs(b.jobs) // files newly linked from beside an edited page
	b.jobs = append(b.jobs, attached...)
	b.checkLinks(b.jobs, checked)
	if err := b.probs.err(); err != nil {
		return nil, true, err
	}
	toWrite := append(selectJobs(b.jobs, edited), attached...)
	for _, j := range b.jobs {
		if extra[j.name] {
			toWrite = append(toWrite, j)
		}
	}
	return b.writeSome(ctx, toWrite, "body")
}

// writeSome renders and writes the jobs of fast path path, the rest of the
// last build's outputs left as they are.
func (b *builder) writeSome(ctx context.Context, toWrite []job, path string) (*Report, bool, error) {
	b.report.Rendered, b.report.Partial, b.report.fastPath = len(toWrite), true, path
	if err := b.write(ctx, toWrite); err != nil {
		return nil, true, err
	}
	if err := b.probs.err(); err != nil {
		return nil, true, err
	}
	b.report.Unchanged += len(b.jobs) - len(toWrite)
	return b.report, true, nil
}
