package site

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// load reads the content files (in a session, only those that changed),
// parses front matter, places each page and leaves out drafts, future and
// expired pages.
func (b *builder) load(ctx context.Context) error {
	files, err := b.listing()
	if err != nil {
		return err
	}
	var sources []sourceFile
	for _, f := range files {
		if f.page {
			sources = append(sources, f)
		} else {
			b.resources = append(b.resources, f)
		}
	}
	entries := make([]*cacheEntry, len(sources))
	err = forEach(ctx, b.opts.Workers, len(sources), func(i int) {
		e, err := b.source(sources[i].name)
		if err != nil {
			b.probs.addErr(b.contentName(sources[i].name), err)
			return
		}
		entries[i] = e
	})
	if err != nil {
		return err
	}
	seen := make(map[string]*Page, len(entries))
	for i, e := range entries {
		if e == nil {
			continue
		}
		b.probs.addAll(e.problems)
		b.report.Warnings = append(b.report.Warnings, e.warnings...)
		if e.page == nil {
			continue
		}
		if skip := b.skipReason(e.page); skip != "" {
			b.report.Skipped = append(b.report.Skipped, Skipped{File: b.contentName(sources[i].name), Reason: skip})
			if b.unpublished == nil {
				b.unpublished = map[string]*Page{}
			}
			b.unpublished[e.page.Path] = e.page
			if skip == "future" && e.page.hasWindow() && b.skip(e.page, true) == "" {
				b.pending = append(b.pending, e.instance())
			}
			continue
		}
		p := e.instance()
		if b.sess == nil {
			p.entry = nil // nothing compares builds: let the source go once rendered
		}
		if other, ok := seen[p.Path]; ok {
			b.probs.add(b.contentName(p.File), 0, "页面地址 %s 已被 %s 使用。请给其中一个换用其他 slug 或文件名", p.Path, b.contentName(other.File))
			continue
		}
		seen[p.Path] = p
		b.pages = append(b.pages, p)
	}
	return nil
}

// skipReason says why a page is left out of this build, or "".
func (b *builder) skipReason(p *Page) string { return b.skip(p, b.opts.Future) }

// skip is skipReason with future saying whether pages whose publish time is
// after now are included.
//
// A list page (the home page's or a section's _index.md) is left out only
// as a draft: its dates order and stamp it, but the pages it lists decide
// what it shows, so an _index.md dated later than its pages (or expired)
// does not take the section, and every link to it, away.
func (b *builder) skip(p *Page, future bool) string {
	now := b.opts.Now
	switch {
	case p.Draft && !b.opts.Drafts:
		return "draft"
	case p.Kind == KindHome || p.Kind == KindSection:
		return ""
	case p.PublishDate.After(now) && !future:
		return "future"
	case !p.ExpiryDate.IsZero() && !p.ExpiryDate.After(now) && !b.opts.Expired:
		return "expired"
	}
	return ""
}

// parseSource parses one Markdown file's bytes into a cache entry: the page
// as its front matter gives it, or the problems that stop it.
func (b *builder) parseSource(name string, src []byte) *cacheEntry {
	e := &cacheEntry{src: src}
	if bytes.Contains(src, []byte{'\r'}) {
		// Old Mac line endings (a lone CR) end lines too, as for Markdown
		// and YAML; make them LF so that every line count agrees.
		src = bytes.ReplaceAll(bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	}
	fail := func(line int, msg string) *cacheEntry {
		e.problems = append(e.problems, &Problem{File: b.contentName(name), Line: line, Msg: msg})
		return e
	}
	if !utf8.Valid(src) {
		return fail(invalidUTF8Line(src), "文件不是 UTF-8 编码（可能是 GBK）。请用 UTF-8 编码另存此文件（WPS、记事本“另存为”时选择 UTF-8）")
	}
	fmText, body, bodyLine, err := splitFrontMatter(src)
	if err != nil {
		return fail(1, err.Error())
	}
	e.fm = fmText
	fm, params, err := parseFrontMatter(fmText)
	if err != nil {
		return fail(yamlErrLine(err.Error()), err.Error())
	}
	p := &Page{File: name, body: body, bodyLine: bodyLine, Params: params}
	loc := b.cfg.Location()
	dates := []struct {
		key string
		val string
		dst *time.Time
	}{
		{"date", fm.Date, &p.Date},
		{"publishDate", fm.PublishDate, &p.PublishDate},
		{"expiryDate", fm.ExpiryDate, &p.ExpiryDate},
		{"lastmod", fm.Lastmod, &p.Lastmod},
	}
	for _, d := range dates {
		t, err := ParseDate(d.val, loc)
		if err != nil {
			return fail(keyLine(fmText, d.key), "前置信息 "+d.key+"："+err.Error())
		}
		*d.dst = t
	}
	if p.PublishDate.IsZero() {
		p.PublishDate = p.Date
	}
	if p.Lastmod.IsZero() {
		p.Lastmod = p.Date
	}
	p.Title = strings.TrimSpace(fm.Title)
	p.Draft, p.Weight, p.Slug = fm.Draft, fm.Weight, strings.Trim(fm.Slug, "/ ")
	p.Aliases, p.Tags, p.Summary = fm.Aliases, fm.Tags, strings.TrimSpace(fm.Summary)
	p.Type, p.Layout = fm.Type, fm.Layout
	p.Kind, p.Section, p.Path = pagePlace(name, p.Slug)
	p.RelPermalink, p.Permalink = b.cfg.pageURLs(p.Path)
	if p.Type == "" {
		p.Type = p.Section
	}
	if p.Title == "" {
		p.Title = strings.TrimSuffix(path.Base(name), ".md")
		e.warnings = append(e.warnings, &Problem{File: b.contentName(name), Line: 1,
			Msg: fmt.Sprintf("前置信息中没有 title，暂用文件名 %q 作为标题", p.Title)})
	}
	var ps problems
	b.readWindow(p, fm.Type, fmText, &ps)
	if len(ps.list) == 0 {
		b.checkPublishTime(p, fmText, &ps)
	}
	b.readWinner(p, fm.Type, fmText, &ps)
	b.readReportCall(p, fm.Type, fmText, &ps)
	if len(ps.list) > 0 {
		e.problems = append(e.problems, ps.list...)
		return e
	}
	e.page = p
	return e
}

// invalidUTF8Line is the line holding the first byte that is not UTF-8.
func invalidUTF8Line(src []byte) int {
	line := 1
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		if r == utf8.RuneError && size == 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		src = src[size:]
	}
	return line
}

// keyLine is the file line of a top-level front-matter key (front matter
// starts on line 2), or 1 if the key is not found.
func keyLine(fm []byte, key string) int {
	line := 2
	for len(fm) > 0 {
		l, rest, _ := cutLine(fm)
		if bytes.HasPrefix(l, []byte(key+":")) {
			return line
		}
		fm = rest
		line++
	}
	return 1
}

// yamlErrLine extracts the (already shifted) line number from a YAML error.
func yamlErrLine(msg string) int {
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return 1
	}
	n := 0
	fmt.Sscanf(m[1], "%d", &n)
	return n
}
