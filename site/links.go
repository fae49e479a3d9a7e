package site

import (
	"path"
	"strconv"
	"strings"
)

// intakePrefix is the intake's part of the site's URL space: the build
// produces nothing there and cannot check links into it.
const intakePrefix = "/api/"

// checkLinks fails the build for every internal link whose target file or
// anchor the build does not produce.
func (b *builder) checkLinks(jobs []job) {
	byName := make(map[string]*job, len(jobs))
	for i := range jobs {
		byName[jobs[i].name] = &jobs[i]
	}
	for _, p := range b.pages {
		for _, l := range p.links {
			if strings.HasPrefix(l.target, intakePrefix) {
				continue // the intake's, served beside the site
			}
			name, j := resolveTarget(byName, l.target)
			file := b.contentName(p.File)
			if j == nil {
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
