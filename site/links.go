package site

import (
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// intakePrefix is the intake's part of the site's URL space: the build
// produces nothing there and cannot check links into it.
const intakePrefix = "/api/"

// checkLinks fails the build for every internal link whose target file or
// anchor the build does not produce. When the target is a page left out of
// this build (a draft, a page whose publish time is still to come, an
// expired page), the message names that file and the cause. It checks the
// links of pages (b.pages: every page's).
func (b *builder) checkLinks(jobs []job, pages []*Page) {
	byName := b.jobIndex(jobs)
	for _, p := range pages {
		for _, l := range p.links {
			if strings.HasPrefix(l.target, intakePrefix) {
				continue // the intake's, served beside the site
			}
			name, j := resolveTarget(byName, l.target)
			file := b.contentName(p.File)
			if j == nil {
				if why := b.unpublishedCause(l.target); why != "" {
					b.probs.add(file, l.line, "链接 %s 无效：%s", strconv.Quote(l.dest), why)
					continue
				}
				b.probs.add(file, l.line, "链接 %s 无效：网站上没有 %s 这个页面或文件。请改正链接，或补上该页面", strconv.Quote(l.dest), l.target)
				continue
			}
			if l.frag == "" || !strings.HasSuffix(name, ".html") {
				continue
			}
			if j.page == nil || j.page.anchors == nil || !j.page.anchors[l.frag] {
				b.probs.add(file, l.line, "链接 %s 无效：页面 %s 中没有锚点 #%s（对应的标题不存在或已改名）。请改正链接或标题", strconv.Quote(l.dest), l.target, l.frag)
			}
		}
	}
}

// linkChecked returns the pages whose links checkLinks must check: every
// page, unless the build is a session's after a good build (all of whose
// links held) and keeps every output of it. Then a link can only have gone
// bad if it is new: the pages whose links differ from the last build's
// page at their path (a new page, a new or re-rendered body, a window's
// form link), or every page when some page's anchors changed.
func (b *builder) linkChecked(jobs []job) []*Page {
	if !b.keepsAllNames(b.jobIndex(jobs)) {
		return b.pages // not comparable, or a link's target may be gone
	}
	old := b.sess.last
	var out []*Page
	for _, p := range b.pages {
		o := old.site.byPath[p.Path]
		if o == nil || !sameLinks(p.links, o.links) {
			out = append(out, p)
			continue
		}
		if !sameMap(p.anchors, o.anchors) {
			return b.pages
		}
	}
	return out
}

// sameLinks reports whether two pages' links are the same.
func sameLinks(a, b []pageLink) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0] || slices.Equal(a, b)
}

// jobIndex maps the names of jobs to them, kept for the builder's jobs
// while they stay the same slice (a session's body edits reuse it).
func (b *builder) jobIndex(jobs []job) map[string]*job {
	if len(jobs) > 0 && b.byName != nil && len(b.byName) == len(jobs) && b.byNameFirst == &jobs[0] {
		return b.byName
	}
	byName := make(map[string]*job, len(jobs))
	for i := range jobs {
		byName[jobs[i].name] = &jobs[i]
	}
	if len(jobs) > 0 && len(byName) == len(jobs) {
		b.byName, b.byNameFirst = byName, &jobs[0]
	}
	return byName
}

// unpublishedCause says why the page at a site path is not in this build,
// naming its file and the date that keeps it out, or "" when no page left
// out of the build has that path.
func (b *builder) unpublishedCause(target string) string {
	p := b.unpublished[target]
	if p == nil && !strings.HasSuffix(target, "/") && path.Ext(target) == "" {
		p = b.unpublished[target+"/"]
	}
	if p == nil {
		return ""
	}
	file := b.contentName(p.File)
	stamp := func(t time.Time) string { return t.In(b.cfg.Location()).Format("2006-01-02 15:04") }
	switch b.skipReason(p) {
	case "draft":
		return file + " 是草稿（draft: true），本次未发布。请去掉该文件的 draft: true，或改正链接"
	case "future":
		key := "date"
		if !p.PublishDate.Equal(p.Date) {
			key = "publishDate"
		}
		return file + " 的发布时间（" + key + "）为 " + stamp(p.PublishDate) + "，晚于本次生成的时间 " + stamp(b.opts.Now) +
			"，尚未发布。请改正该文件的日期，或等到发布时间以后再生成"
	case "expired":
		return file + " 已于 " + stamp(p.ExpiryDate) + " 过期（expiryDate），本次未发布。请改正链接，或改正该文件的 expiryDate"
	}
	return ""
}

// resolveTarget finds the output serving a site path: the file itself, or
// the index.html of the folder it names.
func resolveTarget(byName map[string]*job, target string) (string, *job) {
	name := outputName(target)
	if j, ok := byName[name]; ok {
		return name, j
	}
	if !strings.HasSuffix(target, "/") && path.Ext(target) == "" {
		name = outputName(target + "/")
		if j, ok := byName[name]; ok {
			return name, j
		}
	}
	return name, nil
}

// attachmentJobs publishes the files that pages link to relatively from
// beside their Markdown. A relative link ("申报表模板.docx") resolves, as a
// browser resolves it, against the page's address (/notices/2026-call/);
// when nothing else is published there but the content file at the same
// relative path from the page's Markdown file exists
// (notices/申报表模板.docx beside notices/2026-call.md), that file is also
// published at the address the link points to
// (notices/2026-call/申报表模板.docx), so that the link works and the file
// stays beside the page in the content folder. (A page bundle's files are
// published beside its page anyway.) jobs are the outputs planned so far;
// the result holds only new ones.
func (b *builder) attachmentJobs(jobs []job) []job {
	if len(b.resources) == 0 {
		return nil
	}
	have := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		have[j.name] = true
	}
	resources := make(map[string]bool, len(b.resources))
	for _, r := range b.resources {
		resources[r.name] = true
	}
	var out []job
	for _, p := range b.pages {
		if p.File == "" {
			continue
		}
		for _, l := range p.links[p.ownLinks:] {
			rel := relativeFile(l.dest)
			if rel == "" || strings.HasPrefix(l.target, intakePrefix) {
				continue
			}
			name := outputName(l.target)
			if have[name] || strings.HasSuffix(l.target, "/") {
				continue
			}
			file := path.Join(path.Dir(p.File), rel)
			if !resources[file] {
				continue
			}
			have[name] = true
			fsys, src := b.opts.Content, file
			out = append(out, job{name: name, source: b.contentName(file) + "（" + b.contentName(p.File) + " 的附件）", render: func() ([]byte, error) {
				return fs.ReadFile(fsys, src)
			}})
		}
	}
	return out
}

// relativeFile is the file path a relative link names ("申报表模板.docx",
// "files/表.pdf"), unescaped and without query or fragment; "" for links
// that are root-relative, external, to Markdown files or to folders.
func relativeFile(dest string) string {
	if dest == "" || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "#") || isExternal(dest) {
		return ""
	}
	p, _, _ := strings.Cut(dest, "#")
	p, _, _ = strings.Cut(p, "?")
	if up, err := url.PathUnescape(p); err == nil {
		p = up
	}
	if p == "" || strings.HasSuffix(p, "/") || strings.HasSuffix(p, ".md") {
		return ""
	}
	return p
}
