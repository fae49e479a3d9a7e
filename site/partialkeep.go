package site

import (
	"html/template"
	"sync"
)

// keptParts are a session's partialCached results for pages, kept from one
// build to the next by page path, for the partials whose output depends on
// nothing but their page's own fields (ownPartials): a page's entry in
// the lists, say, which a new page would otherwise have rendered again in
// every list it shifts.
//
// An entry holds while its page is unchanged. So before its outputs are
// rendered, every build forgets the pages that may differ from the last
// build's: those the comparison finds differing (selectChanged), those a
// fast path edits, or all of them when the build cannot compare. What is
// left is what the partial would render now. Only the build's own pages
// (graph) are looked up or stored, so that a page outside the graph (the
// 404 page, a copy) never meets another's entry.
//
// A nil *keptParts (a build outside a session) keeps nothing.
type keptParts struct {
	mu     sync.RWMutex
	graph  map[string]*Page // this build's pages by path
	byPath map[string]map[partSub]template.HTML
}

// partSub is one partial rendering of a page: its name and variants.
type partSub struct{ name, variant string }

func newKeptParts() *keptParts {
	return &keptParts{byPath: map[string]map[partSub]template.HTML{}}
}

// begin starts a build whose pages by path are graph, after forgetting
// what the build may have changed.
func (k *keptParts) begin(graph map[string]*Page) {
	if k == nil {
		return
	}
	k.mu.Lock()
	k.graph = graph
	k.mu.Unlock()
}

// forget drops the entries of the pages at paths.
func (k *keptParts) forget(paths ...string) {
	if k == nil {
		return
	}
	k.mu.Lock()
	for _, p := range paths {
		delete(k.byPath, p)
	}
	k.mu.Unlock()
}

// forgetChanged drops the entries of the pages a comparison finds
// differing from the last build's, and of the pages gone since.
func (k *keptParts) forgetChanged(a *affected) {
	for _, p := range a.differing {
		k.forget(p.Path)
	}
	if !a.added {
		return // the same paths: none gone
	}
	for path := range a.old.site.byPath {
		if _, ok := a.cur.site.byPath[path]; !ok {
			k.forget(path)
		}
	}
}

// forgetAll drops every entry.
func (k *keptParts) forgetAll() {
	if k == nil {
		return
	}
	k.mu.Lock()
	clear(k.byPath)
	k.mu.Unlock()
}

// load returns the kept rendering of partial name with variant for p.
func (k *keptParts) load(name, variant string, p *Page) (template.HTML, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.graph[p.Path] != p {
		return "", false
	}
	html, ok := k.byPath[p.Path][partSub{name, variant}]
	return html, ok
}

// store keeps a rendering of partial name with variant for p.
func (k *keptParts) store(name, variant string, p *Page, html template.HTML) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.graph[p.Path] != p {
		return
	}
	m := k.byPath[p.Path]
	if m == nil {
		m = map[partSub]template.HTML{}
		k.byPath[p.Path] = m
	}
	m[partSub{name, variant}] = html
}

// ownPartials finds the partials of t that, executed with a page as dot,
// read nothing but that page's own fields (depend.go): no other page
// through Parent, Pages and the like, nothing unknown. It runs before any
// of them executes (html/template rewrites a template's tree as it first
// executes it).
func ownPartials(t *theme) map[*template.Template]bool {
	own := map[*template.Template]bool{}
	for _, tmpl := range t.shared.Templates() {
		a := &readAnalysis{set: t.shared, theme: t, reads: map[pageRead]bool{}, done: map[string]bool{}}
		a.template(tmpl, pagesAt(false, "self"))
		own[tmpl] = true
		for r := range a.reads {
			if root, steps := r.root(); root != "self" || steps != "" {
				own[tmpl] = false
				break
			}
		}
	}
	return own
}
