package site

import (
	"html/template"
	"reflect"
	"slices"
	"strings"
	"time"
)

// affected decides which outputs of a session's build must be rendered
// again: it compares this build's page graph with the last build's, page
// by page (matched by path) and field by field, and keeps a job when one
// of its template's reads (depend.go) reaches a page whose field changed,
// when its pager changed, or when it is new. The sitemap is rendered when
// a page's kind, address, latest change or list changed; other outputs not
// made by a page template (feeds, manifests, static files) always, and the
// search index's files always unless the index was carried over from the
// last build (reindex: then those that changed); writing skips those whose
// bytes are unchanged.
type affected struct {
	old, cur *builder
	oldJobs  map[string]*job
	oldOf    map[*Page]*Page // this build's page → the last build's at the same path
	site     map[string]bool // Site field or list → changed
	roots    map[pageRead]bool
	memo     map[reachKey]bool
	fields   map[pageField]bool
	plans    map[*template.Template]*readPlan
	// differing are this build's pages that differ from the last build's
	// page at their path in some field, or have none.
	differing []*Page
	added     bool // a page appeared or went away
}

// pageCmp is how a page compares with the last build's page at its path.
type pageCmp uint8

const (
	cmpUnknown pageCmp = iota // not compared yet (a page outside the graph: 404)
	cmpSame                   // equal in every field
	cmpDiffers                // differs in some field, or has no old page
)

type pageField struct {
	p     *Page
	field string
}

type reachKey struct {
	p     *Page
	steps string
	field string
}

// selectChanged returns the jobs of a session's build that must be
// rendered: all of them unless the last build's graph can be compared (no
// Full change, and a theme the same as the last build's but for the
// sources of entry templates). Every job of an edited entry template is
// rendered; of the others, those a change of the graph reaches (dirty).
func (b *builder) selectChanged(jobs []job) []job {
	s := b.sess
	if s == nil {
		return jobs
	}
	kept := b.theme.kept
	defer kept.begin(b.site.byPath)
	if !s.built || s.last == nil || b.change.Full {
		kept.forgetAll()
		return jobs
	}
	var edited map[*template.Template]bool // entry templates whose source changed
	if s.last.theme != b.theme {
		var ok bool
		if edited, ok = editedEntries(s.last.theme, b.theme); !ok {
			kept.forgetAll()
			return jobs
		}
		kept = s.last.theme.kept // the partials are the same
		b.theme.kept = kept
	}
	a := newAffected(s.last, b)
	kept.forgetChanged(a)
	out := make([]job, 0, 64)
	for i := range jobs {
		j := &jobs[i]
		if len(edited) > 0 && j.page != nil {
			if tmpl, _ := b.theme.templateFor(j.page); edited[tmpl] {
				out = append(out, *j)
				continue
			}
		}
		if a.dirty(j) {
			out = append(out, *j)
		}
	}
	b.report.Partial = len(out) < len(jobs)
	return out
}

// templateReads returns the reads of an entry template, analysed once per
// theme (the Site's constant fields are the session's).
func (s *Session) templateReads(t *theme, tmpl *template.Template, site *Site) []pageRead {
	s.readsMu.Lock()
	defer s.readsMu.Unlock()
	if s.readsOf != t {
		s.readsOf, s.reads = t, map[*template.Template][]pageRead{}
	}
	r, ok := s.reads[tmpl]
	if !ok {
		r = templateReads(t, tmpl, site)
		s.reads[tmpl] = r
	}
	return r
}

// keepsAllNames reports whether every output of the last build is still
// an output of this one, whose jobs by name are byName (nothing to
// remove, no link target gone).
func (b *builder) keepsAllNames(byName map[string]*job) bool {
	s := b.sess
	if s == nil || !s.built || s.last == nil || b.change.Full || len(byName) < len(s.last.jobs) {
		return false
	}
	for i := range s.last.jobs {
		if byName[s.last.jobs[i].name] == nil {
			return false
		}
	}
	return true
}

// comparing returns an affected with nothing compared yet: cur against
// old, whose jobs by name are oldJobs (read only), for about compared
// pages.
func comparing(old, cur *builder, oldJobs map[string]*job, compared int) *affected {
	return &affected{
		old: old, cur: cur, oldJobs: oldJobs,
		oldOf:  make(map[*Page]*Page, compared),
		site:   map[string]bool{},
		roots:  map[pageRead]bool{},
		memo:   map[reachKey]bool{},
		fields: map[pageField]bool{},
		plans:  map[*template.Template]*readPlan{},
	}
}

func newAffected(old, cur *builder) *affected {
	a := comparing(old, cur, old.jobIndex(old.jobs), len(cur.pages)+8)
	for _, p := range cur.pages {
		o := old.site.byPath[p.Path]
		if o == nil {
			p.cmp = cmpDiffers
			a.differing = append(a.differing, p)
			continue
		}
		if a.compare(p, o) == cmpDiffers {
			a.differing = append(a.differing, p)
		}
	}
	a.added = len(old.site.byPath) != len(cur.site.byPath)
	if !a.added {
		for path := range cur.site.byPath {
			if _, ok := old.site.byPath[path]; !ok {
				a.added = true
				break
			}
		}
	}
	return a
}

// compare notes o as p's page in the last build and whether the two are
// equal in every field (p.cmp), which it returns.
func (a *affected) compare(p, o *Page) pageCmp {
	a.oldOf[p] = o
	p.cmp = cmpSame
	if fieldDiffers(p, o, "*") {
		p.cmp = cmpDiffers
	}
	return p.cmp
}

// dirty reports whether j must be rendered.
func (a *affected) dirty(j *job) bool {
	o := a.oldJobs[j.name]
	if o == nil {
		return true
	}
	if j.kind == jobSitemap {
		return a.sitemapChanged()
	}
	if j.kind == jobSearch && a.cur.searchTouched != nil {
		return a.cur.searchTouched[j.name] // the index carried over (reindex)
	}
	if j.page == nil || o.page == nil || j.kind == jobSearch {
		return true // not a page template's output
	}
	if j.page.cmp == cmpUnknown { // the 404 page, outside the graph
		a.compare(j.page, o.page)
	}
	for _, f := range [...]string{"Kind", "Type", "Layout", "Section"} { // the template's choice
		if a.changed(j.page, f) {
			return true
		}
	}
	tmpl, _ := a.cur.theme.templateFor(j.page)
	if tmpl == nil {
		return true
	}
	plan := a.plan(tmpl)
	if a.sharedChanged(plan) {
		return true
	}
	if j.page.cmp != cmpSame {
		for _, f := range plan.own {
			if a.changed(j.page, f) {
				return true
			}
		}
	}
	for _, r := range plan.through {
		if a.reaches(j, o, r) {
			return true
		}
	}
	return false
}

// readPlan is an entry template's reads (depend.go) sorted by where they
// start, so that dirty looks at a job's own page only when it differs, and
// decides the reads every job of the template shares once.
type readPlan struct {
	own     []string   // fields read of the job's page itself
	through []pageRead // reads through the job's page's links, or its pager
	shared  []pageRead // reads from a root the same for every job
	// sharedDone and sharedDirty: whether any shared read meets a change,
	// once known (this build's).
	sharedDone, sharedDirty bool
}

// plan returns tmpl's readPlan for this build.
func (a *affected) plan(tmpl *template.Template) *readPlan {
	if p, ok := a.plans[tmpl]; ok {
		return p
	}
	p := &readPlan{}
	for _, r := range a.cur.sess.templateReads(a.cur.theme, tmpl, a.cur.site) {
		switch root, steps := r.root(); {
		case root == "self" && steps == "":
			p.own = append(p.own, r.field)
		case root == "self", root == "pager", root == "pagerinfo":
			p.through = append(p.through, r)
		default:
			p.shared = append(p.shared, r)
		}
	}
	a.plans[tmpl] = p
	return p
}

// sharedChanged reports whether a read of plan that every job shares meets
// a change.
func (a *affected) sharedChanged(p *readPlan) bool {
	if !p.sharedDone {
		p.sharedDone = true
		for _, r := range p.shared {
			if a.sharedRead(r) {
				p.sharedDirty = true
				break
			}
		}
	}
	return p.sharedDirty
}

// sitemapChanged reports whether the sitemap (sitemap.go: every page's
// kind, address and latest change, through its lists) may differ from the
// last build's.
func (a *affected) sitemapChanged() bool {
	if a.added {
		return true
	}
	for _, p := range a.differing {
		for _, f := range [...]string{"Kind", "Permalink", "Lastmod", "Pages"} {
			if a.changed(p, f) {
				return true
			}
		}
	}
	return false
}

// reaches reports whether read r of job j (o in the last build) meets a change.
func (a *affected) reaches(j, o *job, r pageRead) bool {
	root, steps := r.root()
	switch root {
	case "self": // a page is one job's self: nothing to share by memo at this step
		return a.reachStep(j.page, steps, r.field)
	case "pager", "pagerinfo":
		if !samePager(j.pager, o.pager) {
			return true
		}
		if root == "pagerinfo" || j.pager == nil {
			return false
		}
		for _, p := range j.pager.Pages {
			if a.reach(p, steps, r.field) {
				return true
			}
		}
		return false
	}
	return a.sharedRead(r)
}

// sharedRead reports whether r, a read from a root that is the same for
// every job, meets a change: evaluated once per build.
func (a *affected) sharedRead(r pageRead) bool {
	if v, ok := a.roots[r]; ok {
		return v
	}
	root, steps := r.root()
	v := a.rootReach(root, steps, r.field)
	a.roots[r] = v
	return v
}

// rootReach evaluates a read from a root that is the same for every job.
func (a *affected) rootReach(root, steps, field string) bool {
	cur, old := a.cur.site, a.old.site
	var set []*Page
	switch {
	case root == "site":
		return a.siteField(field)
	case root == "site.Home":
		set = []*Page{cur.Home}
	case strings.HasPrefix(root, "site."):
		name := strings.TrimPrefix(root, "site.")
		nl, ol := siteList(cur, name), siteList(old, name)
		if !samePaths(nl, ol) {
			return true
		}
		set = nl
	case strings.HasPrefix(root, "get="):
		ref := strings.TrimPrefix(root, "get=")
		n, o := cur.GetPage(ref), old.GetPage(ref)
		if pathOf(n) != pathOf(o) {
			return true
		}
		if n != nil {
			set = []*Page{n}
		}
	case strings.HasPrefix(root, "get^"):
		prefix := strings.TrimPrefix(root, "get^")
		n, o := lookupPrefix(cur, prefix), lookupPrefix(old, prefix)
		if len(n) != len(o) {
			return true
		}
		for key, p := range n {
			if op, ok := o[key]; !ok || pathOf(op) != p.Path {
				return true
			}
			set = append(set, p)
		}
	default: // any
		if a.added {
			return true
		}
		if steps == "" { // only a page that differs can have a field changed
			set = a.differing
		} else {
			set = a.cur.pages
		}
	}
	for _, p := range set {
		if a.reach(p, steps, field) {
			return true
		}
	}
	return false
}

// reach reports whether following steps from p meets a changed field.
func (a *affected) reach(p *Page, steps, field string) bool {
	if p == nil || steps == "" {
		return a.reachStep(p, steps, field)
	}
	k := reachKey{p, steps, field}
	if v, ok := a.memo[k]; ok {
		return v
	}
	v := a.reachStep(p, steps, field)
	a.memo[k] = v
	return v
}

// reachStep is reach without its memo: the first of steps from p, then
// the rest by reach. (Each call takes a step, so that it ends.)
func (a *affected) reachStep(p *Page, steps, field string) bool {
	if p == nil {
		return false
	}
	if steps == "" {
		return a.changed(p, field)
	}
	step, rest, _ := strings.Cut(steps, "/")
	v := a.changed(p, step)
	if !v {
		switch step {
		case "Parent":
			v = a.reach(p.Parent, rest, field)
		case "Prev":
			v = a.reach(p.Prev, rest, field)
		case "Next":
			v = a.reach(p.Next, rest, field)
		case "Pages", "TagPages":
			list := p.Pages
			if step == "TagPages" {
				list = p.TagPages
			}
			for _, q := range list {
				if a.reach(q, rest, field) {
					v = true
					break
				}
			}
		default:
			v = true
		}
	}
	return v
}

// changed reports whether p's field differs from the last build's page at
// p's path ("" is no field; "*" or an unknown name is any field).
func (a *affected) changed(p *Page, field string) bool {
	if field == "" {
		return false
	}
	switch p.cmp {
	case cmpSame:
		return false
	case cmpUnknown:
		return true // not a page of this build's graph
	}
	o := a.oldOf[p]
	if o == nil {
		return true
	}
	k := pageField{p, field}
	if v, ok := a.fields[k]; ok {
		return v
	}
	v := fieldDiffers(p, o, field)
	a.fields[k] = v
	return v
}

// pageFieldComparisons are the Page fields compared one by one, in the
// order "*" compares them; any other name read by a template compares them
// all. parsed fields come from the content file alone (parseSource) and
// no build changes them: two instances of one cache entry have them
// equal.
var pageFieldComparisons = []struct {
	name    string
	parsed  bool
	differs func(p, o *Page) bool
}{
	{"Kind", true, func(p, o *Page) bool { return p.Kind != o.Kind }},
	{"File", true, func(p, o *Page) bool { return p.File != o.File }},
	{"Section", true, func(p, o *Page) bool { return p.Section != o.Section }},
	{"Path", true, func(p, o *Page) bool { return p.Path != o.Path }},
	{"Title", true, func(p, o *Page) bool { return p.Title != o.Title }},
	{"Date", true, func(p, o *Page) bool { return !sameTime(p.Date, o.Date) }},
	{"PublishDate", true, func(p, o *Page) bool { return !sameTime(p.PublishDate, o.PublishDate) }},
	{"ExpiryDate", true, func(p, o *Page) bool { return !sameTime(p.ExpiryDate, o.ExpiryDate) }},
	{"Lastmod", true, func(p, o *Page) bool { return !sameTime(p.Lastmod, o.Lastmod) }},
	{"Draft", true, func(p, o *Page) bool { return p.Draft != o.Draft }},
	{"Weight", true, func(p, o *Page) bool { return p.Weight != o.Weight }},
	{"Slug", true, func(p, o *Page) bool { return p.Slug != o.Slug }},
	{"Aliases", true, func(p, o *Page) bool { return !sameSlice(p.Aliases, o.Aliases) }},
	{"Tags", true, func(p, o *Page) bool { return !sameSlice(p.Tags, o.Tags) }},
	{"TagPages", false, func(p, o *Page) bool { return !samePaths(p.TagPages, o.TagPages) }},
	{"Type", true, func(p, o *Page) bool { return p.Type != o.Type }},
	{"Layout", true, func(p, o *Page) bool { return p.Layout != o.Layout }},
	{"Params", true, func(p, o *Page) bool { return !sameMap(p.Params, o.Params) }},
	{"Publicity", false, func(p, o *Page) bool { return deepDiffers(p.Publicity, o.Publicity) }},
	{"Call", false, func(p, o *Page) bool { return deepDiffers(p.Call, o.Call) }},
	{"ReportCall", false, func(p, o *Page) bool { return deepDiffers(p.ReportCall, o.ReportCall) }},
	{"Summary", false, func(p, o *Page) bool { return p.Summary != o.Summary }},
	{"Content", false, func(p, o *Page) bool { return p.Content != o.Content }},
	{"Headings", false, func(p, o *Page) bool { return !sameSlice(p.Headings, o.Headings) }},
	{"Pages", false, func(p, o *Page) bool { return !samePaths(p.Pages, o.Pages) }},
	{"Prev", false, func(p, o *Page) bool { return pathOf(p.Prev) != pathOf(o.Prev) }},
	{"Next", false, func(p, o *Page) bool { return pathOf(p.Next) != pathOf(o.Next) }},
	{"Parent", false, func(p, o *Page) bool { return pathOf(p.Parent) != pathOf(o.Parent) }},
	{"RelPermalink", false, func(p, o *Page) bool { return p.RelPermalink != o.RelPermalink }},
	{"Permalink", false, func(p, o *Page) bool { return p.Permalink != o.Permalink }},
	{"anchors", false, func(p, o *Page) bool { return !sameMap(p.anchors, o.anchors) }},
}

// deepDiffers reports whether two pointers differ in what they point to
// (the same pointer is equal without a look).
func deepDiffers[T any](a, b *T) bool { return a != b && !reflect.DeepEqual(a, b) }

// pageFieldIndex finds a name's comparison in pageFieldComparisons.
var pageFieldIndex = func() map[string]int {
	m := make(map[string]int, len(pageFieldComparisons))
	for i, c := range pageFieldComparisons {
		m[c.name] = i
	}
	return m
}()

// fieldDiffers reports whether field of p differs from o's: one field when
// it is a name of pageFieldComparisons, every field otherwise ("*").
func fieldDiffers(p, o *Page, field string) bool {
	sameOrigin := p.entry != nil && p.entry == o.entry
	if i, ok := pageFieldIndex[field]; ok {
		c := &pageFieldComparisons[i]
		return !(sameOrigin && c.parsed) && c.differs(p, o)
	}
	for i := range pageFieldComparisons {
		c := &pageFieldComparisons[i]
		if !(sameOrigin && c.parsed) && c.differs(p, o) {
			return true
		}
	}
	return false
}

// siteField reports whether a field of the Site changed.
func (a *affected) siteField(name string) bool {
	if v, ok := a.site[name]; ok {
		return v
	}
	n := reflect.ValueOf(a.cur.site).Elem().FieldByName(name)
	o := reflect.ValueOf(a.old.site).Elem().FieldByName(name)
	v := true
	if n.IsValid() && o.IsValid() && n.CanInterface() {
		if t, ok := n.Interface().(time.Time); ok {
			v = !sameTime(t, o.Interface().(time.Time))
		} else {
			v = !reflect.DeepEqual(n.Interface(), o.Interface())
		}
	}
	a.site[name] = v
	return v
}

func siteList(s *Site, name string) []*Page {
	switch name {
	case "Sections":
		return s.Sections
	case "RegularPages":
		return s.RegularPages
	case "Publicities":
		return s.Publicities
	case "Calls":
		return s.Calls
	case "Tags":
		return s.Tags
	case "Sessions":
		return s.Sessions
	}
	return nil
}

// lookupPrefix returns the pages GetPage finds for refs starting with
// prefix, found once per site (the last build's serves the next build's
// comparison again); the map is read-only.
func lookupPrefix(s *Site, prefix string) map[string]*Page {
	if m, ok := s.prefixed[prefix]; ok {
		return m
	}
	out := map[string]*Page{}
	for k, p := range s.byPath {
		if strings.HasPrefix(k, prefix) {
			out[k] = p
		}
	}
	for k, p := range s.byFile {
		if _, ok := s.byPath[k]; !ok && strings.HasPrefix(k, prefix) {
			out[k] = p
		}
	}
	if s.prefixed == nil {
		s.prefixed = map[string]map[string]*Page{}
	}
	s.prefixed[prefix] = out
	return out
}

// sameSlice and sameMap compare by contents, and first by identity: an
// unchanged file's page shares its slices and maps with the last build's.
func sameSlice[E comparable](a, b []E) bool {
	if len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0]) {
		return true
	}
	return slices.Equal(a, b)
}

func sameMap[V any](a, b map[string]V) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer() {
		return true
	}
	return reflect.DeepEqual(a, b)
}

func sameTime(a, b time.Time) bool { return a.Equal(b) && a.Location() == b.Location() }

func pathOf(p *Page) string {
	if p == nil {
		return "\x00"
	}
	return p.Path
}

func samePaths(a, b []*Page) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Path != b[i].Path {
			return false
		}
	}
	return true
}

// samePager reports whether two list pages show the same pages with the
// same numbers and links.
func samePager(a, b *Pager) bool {
	if a == nil || b == nil {
		return a == b
	}
	// URLs are the base's list pages 1 … TotalPages (paginate).
	return a.Number == b.Number && a.TotalPages == b.TotalPages && a.Prev == b.Prev && a.Next == b.Next &&
		len(a.URLs) > 0 && len(b.URLs) > 0 && a.URLs[0] == b.URLs[0] && samePaths(a.Pages, b.Pages)
}
