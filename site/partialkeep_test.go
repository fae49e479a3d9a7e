package site

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zhongmou/award/bench/corpus"
)

// TestSessionKeptParts: a session keeps the list entries (partialCached
// of a partial that reads only its page's own fields) from build to build
// and renders them again only for the pages that change; a partial that
// reads another page (here the page's section title) is never kept. After
// every kind of change the output equals a clean build's.
func TestSessionKeptParts(t *testing.T) {
	content := corpusFS(200, 7)
	theme := treeCopy(t, "../bench/themes/award")
	theme["layouts/partials/pagelist.html"] = &fstest.MapFile{Data: []byte(`<ul class="page-list">
{{ range . }}{{ partialCached "partials/pageitem.html" . }}{{ partialCached "partials/up.html" . }}
{{ end }}</ul>`)}
	theme["layouts/partials/up.html"] = &fstest.MapFile{Data: []byte(`{{ with .Parent }}<span class="up">{{ .Title }}</span>{{ end }}`)}
	sess, out, opts, now, _ := builtSession(t, content, theme)

	th := sess.theme
	for name, want := range map[string]bool{"partials/pageitem.html": true, "partials/up.html": false} {
		if got := th.own[th.shared.Lookup(name)]; got != want {
			t.Errorf("%s: own = %v, want %v", name, got, want)
		}
	}
	kept := func() map[string]string { // page path → its kept entry
		m := map[string]string{}
		for path, parts := range th.kept.byPath {
			for sub, html := range parts {
				if sub.name != "partials/pageitem.html" {
					t.Errorf("%s: %s kept, though it reads another page", path, sub.name)
				}
				m[path] = string(html)
			}
		}
		return m
	}
	var pages []string // published notices, by file
	for _, n := range slices.Sorted(maps.Keys(content)) {
		if strings.HasPrefix(n, "notices/p") && !corpus.IsDraft(content[n].Data) {
			pages = append(pages, n)
		}
	}
	pathOf := func(file string) string { return "/" + strings.TrimSuffix(file, ".md") + "/" }
	first := kept()
	if len(first) < len(pages) {
		t.Fatalf("%d entries kept after the first build, want one for each of at least %d notices", len(first), len(pages))
	}
	build := func(what string, names ...string) {
		t.Helper()
		rebuildEqualsClean(t, sess, out, opts, now, what, names...)
	}
	edit := func(name, old, new string) {
		t.Helper()
		text := string(content[name].Data)
		if !strings.Contains(text, old) {
			t.Fatalf("%s lacks %q", name, old)
		}
		content[name] = &fstest.MapFile{Data: []byte(strings.Replace(text, old, new, 1))}
	}

	// A title and a date (the full path): the page's entry is rendered
	// again, every other page's is the one kept.
	a := pages[3]
	content[a] = &fstest.MapFile{Data: []byte(dateLine.ReplaceAllString(titleLine.ReplaceAllString(string(content[a].Data), `title: "改过的标题"`), "date: 2026-11-20T09:00:00"))}
	build("title and date", a)
	second := kept()
	if !strings.Contains(second[pathOf(a)], "改过的标题") {
		t.Errorf("the edited page's entry is %q", second[pathOf(a)])
	}
	for path, html := range first {
		if path != pathOf(a) && second[path] != html {
			t.Errorf("%s: entry changed though its page did not: %q → %q", path, html, second[path])
		}
	}
	// The section's title, read by up.html through .Parent.
	edit("notices/_index.md", "title: ", "title: 新栏目名")
	build("section title", "notices/_index.md")
	if data, _ := out.File("notices/index.html"); !strings.Contains(string(data), `<span class="up">新栏目名`) {
		t.Error("the list does not show the new section title")
	}
	// A new page, a body edit (the fast path), a title-only edit (its fast
	// path), a deleted page.
	content["notices/zz-new.md"] = &fstest.MapFile{Data: []byte("---\ntitle: 新页面\ndate: 2026-10-01T09:00:00\n---\n新页面正文。\n")}
	build("new page", "notices/zz-new.md")
	if !strings.Contains(kept()["/notices/zz-new/"], "新页面") {
		t.Error("the new page has no entry kept")
	}
	b := pages[5]
	content[b] = &fstest.MapFile{Data: append([]byte(strings.Replace(string(content[b].Data), "\n---\n", "\n---\n换了的第一句。", 1)), "\n"...)}
	build("body edit", b)
	c := pages[7]
	content[c] = &fstest.MapFile{Data: []byte(titleLine.ReplaceAllString(string(content[c].Data), `title: "只改标题"`))}
	build("title edit", c)
	if !strings.Contains(kept()[pathOf(c)], "只改标题") {
		t.Errorf("after a title edit the entry is %q", kept()[pathOf(c)])
	}
	// A failed build (a broken link) and then the fix: the build after a
	// failed one cannot compare, so it keeps nothing from before.
	d := pages[11]
	broken := titleLine.ReplaceAllString(string(content[d].Data), `title: "失败后的标题"`) + "\n[坏链接](/no/such/page/)\n"
	content[d] = &fstest.MapFile{Data: []byte(dateLine.ReplaceAllString(broken, "date: 2026-11-21T09:00:00"))}
	if _, err := sess.Build(context.Background(), Change{Content: []string{d}}, now); err == nil {
		t.Fatal("a broken link did not fail the build")
	}
	content[d] = &fstest.MapFile{Data: []byte(strings.Replace(string(content[d].Data), "[坏链接](/no/such/page/)", "", 1))}
	build("fixed after a failed build", d)

	gone := unlinkedPage(content, "notices/p")
	if gone == "" {
		t.Fatal("every notice is linked to")
	}
	delete(content, gone)
	build("deleted page", gone)
	if _, ok := kept()[pathOf(gone)]; ok {
		t.Error("a deleted page's entry is still kept")
	}
}
