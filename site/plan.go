package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/zhongmou/award/workday"
)

// job is one output file and how to make it.
type job struct {
	name   string                 // output file name
	kind   jobKind                // what sort of output
	page   *Page                  // the page it shows, for anchors; nil for other files
	shows  []*Page                // list pages and feeds: the pages listed on this one
	pager  *Pager                 // list pages: the Paginator
	render func() ([]byte, error) // its bytes
	source string                 // for messages: where its bytes come from
	// recycle: render's bytes come from builder.buffers and go back to it
	// once written.
	recycle bool
}

// jobKind sorts outputs for incremental builds.
type jobKind int

const (
	jobOther   jobKind = iota // robots, manifest, aliases, static files, 404
	jobPage                   // a content page
	jobList                   // one page of a section, tag or tags list
	jobHome                   // the home page
	jobFeed                   // an Atom feed
	jobSearch                 // a file of the search index
	jobSitemap                // sitemap.xml
)

// plan lists every output file of the build.
func (b *builder) plan() []job {
	var jobs, lists []job
	add := func(j job) { jobs = append(jobs, j) }
	for _, p := range b.pages {
		switch p.Kind {
		case KindPage:
			j := b.pageJob(p, p.Path, nil)
			j.kind = jobPage
			add(j)
		case KindHome:
			j := b.pageJob(p, p.Path, nil)
			j.kind = jobHome
			lists = append(lists, j)
		case KindSection, KindTerms, KindTerm, KindSession:
			l := b.listJobs(p)
			lists = append(lists, l...)
			b.report.Lists += len(l)
		}
	}
	jobs = append(jobs, lists...)
	b.report.Lists++ // home
	if tmpl, _ := b.theme.templateFor(&Page{Kind: Kind404}); tmpl != nil {
		nf := &Page{Kind: Kind404, Title: "页面未找到", Path: "/404.html", Parent: b.site.Home}
		nf.RelPermalink, nf.Permalink = b.cfg.pageURLs(nf.Path)
		add(b.pageJob(nf, nf.Path, nil))
	}
	for _, p := range b.pages {
		for _, a := range p.Aliases {
			add(b.aliasJob(p, a))
		}
	}
	for _, j := range b.feedJobs() {
		add(j)
	}
	add(job{name: "sitemap.xml", kind: jobSitemap, source: "sitemap", render: b.sitemap})
	add(b.manifestJob())
	if b.opts.Calendar != nil {
		// The working-day calendar for the forms' scripts (workday.Published).
		add(job{name: workday.PublishedName, source: "holiday schedule", render: b.opts.Calendar.PublishJSON})
	}
	if j, ok := b.chromeJob(); ok {
		add(j)
	}
	if b.cfg.searchOn() {
		if s := b.sess; s != nil && s.built && s.last != nil && s.last.search != nil && !b.change.Full {
			if touched, ok := s.last.search.reindex(b.site.RegularPages); ok {
				b.search, b.searchTouched = s.last.search, touched
			}
		}
		if b.search == nil {
			b.search = newSearchIndex(b.site.RegularPages, b.cfg)
		}
		jobs = append(jobs, b.search.jobs()...)
	}
	add(job{name: "robots.txt", source: "robots", render: func() ([]byte, error) {
		return []byte("User-agent: *\nAllow: /\nSitemap: " + b.cfg.AbsURL("/sitemap.xml") + "\n"), nil
	}})
	jobs = append(jobs, b.staticJobs()...)
	return b.dedupe(jobs)
}

// listJobs are a list page's outputs, one per page of its Paginator.
func (b *builder) listJobs(p *Page) []job {
	var jobs []job
	for _, pg := range paginate(p.Path, p.Pages, b.cfg.Paginate) {
		j := b.pageJob(p, pagerURL(p.Path, pg.Number), pg)
		j.kind, j.shows, j.pager = jobList, pg.Pages, pg
		jobs = append(jobs, j)
	}
	return jobs
}

// dedupe reports outputs that two sources would write, keeping the first.
func (b *builder) dedupe(jobs []job) []job {
	seen := make(map[string]string, len(jobs))
	out := jobs[:0]
	for _, j := range jobs {
		if other, ok := seen[j.name]; ok {
			b.probs.add(j.source, 0, "输出文件 %s 同时由 %s 生成。请给其中一个改名", j.name, other)
			continue
		}
		seen[j.name] = j.source
		out = append(out, j)
	}
	return out
}

// pageJob renders a page (or one list page of it) through its template.
func (b *builder) pageJob(p *Page, urlPath string, pg *Pager) job {
	src := b.contentName(p.File)
	if p.File == "" {
		src = "page " + p.Path
	}
	return job{name: outputName(urlPath), page: p, source: src, render: func() ([]byte, error) {
		tmpl, tried := b.theme.templateFor(p)
		if tmpl == nil {
			return nil, &Problem{File: src, Msg: fmt.Sprintf("主题中没有适用于此页面（%s）的模板。请在主题中添加以下之一：layouts/%s", p.Kind, strings.Join(tried, "、layouts/"))}
		}
		buf := b.buffers.get(len(p.Content) + 8<<10)
		if err := tmpl.Execute(buf, &View{Site: b.site, Page: p, Paginator: pg}); err != nil {
			b.buffers.put(buf.Bytes())
			return nil, &Problem{File: src, Msg: "模板出错：" + err.Error()}
		}
		return buf.Bytes(), nil
	}, recycle: true}
}

var aliasTemplate = template.Must(template.New("alias").Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.}}</title><link rel="canonical" href="{{.}}"><meta name="robots" content="noindex"><meta http-equiv="refresh" content="0; url={{.}}"></head>
<body><p>本页已迁移至 <a href="{{.}}">{{.}}</a>。</p></body></html>
`))

// aliasJob writes a redirect from an old address to the page.
func (b *builder) aliasJob(p *Page, alias string) job {
	a := alias
	if !strings.HasPrefix(a, "/") {
		a = "/" + a
	}
	if !strings.HasSuffix(a, "/") && path.Ext(a) == "" {
		a += "/"
	}
	return job{name: outputName(a), source: b.contentName(p.File) + " (alias " + alias + ")", render: func() ([]byte, error) {
		var buf bytes.Buffer
		err := aliasTemplate.Execute(&buf, p.Permalink)
		return buf.Bytes(), err
	}}
}

// staticJobs copies the theme's static files, the site's static files, and
// content resources (page bundles' files go beside their page).
func (b *builder) staticJobs() []job {
	var jobs []job
	copyTree := func(fsys fs.FS, root, label string) {
		if fsys == nil {
			return
		}
		_ = fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // no static folder
			}
			if d.IsDir() || ignoredName(d.Name()) {
				return nil
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(name, root), "/")
			jobs = append(jobs, job{name: rel, source: joinLabel(label, name), render: func() ([]byte, error) {
				return fs.ReadFile(fsys, name)
			}})
			return nil
		})
	}
	copyTree(b.opts.Theme, "static", b.opts.ThemeLabel)
	copyTree(b.opts.Static, ".", "static")
	// The site's static files override the theme's.
	seen := map[string]int{}
	var merged []job
	for _, j := range jobs {
		if i, ok := seen[j.name]; ok {
			merged[i] = j
			continue
		}
		seen[j.name] = len(merged)
		merged = append(merged, j)
	}
	for _, r := range b.resources {
		name := r.name
		if owner := b.bundleOwner(name); owner != nil {
			name = strings.TrimPrefix(owner.Path, "/") + strings.TrimPrefix(name, bundleDir(owner.File)+"/")
		} else if b.inUnpublishedBundle(name) {
			continue
		}
		fsys, file := b.opts.Content, r.name
		merged = append(merged, job{name: name, source: b.contentName(file), render: func() ([]byte, error) {
			return fs.ReadFile(fsys, file)
		}})
	}
	return merged
}

// bundleOwner returns the published page bundle a resource belongs to.
func (b *builder) bundleOwner(resource string) *Page {
	for dir := path.Dir(resource); dir != "."; dir = path.Dir(dir) {
		if p := b.site.byFile[dir+"/index.md"]; p != nil {
			return p
		}
	}
	return nil
}

// inUnpublishedBundle reports whether a resource sits in a bundle whose page
// was left out (a draft, say); its files are left out with it.
func (b *builder) inUnpublishedBundle(resource string) bool {
	for _, s := range b.report.Skipped {
		if dir := bundleDir(strings.TrimPrefix(s.File, b.opts.ContentLabel+"/")); dir != "" && strings.HasPrefix(resource, dir+"/") {
			return true
		}
	}
	return false
}
