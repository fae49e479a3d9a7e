package site

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// TestSessionLinkChecks: a session's build checks again only the links
// that can have gone bad since its last good build, yet every way a link
// goes bad still fails it: a new page's broken link, an old page's new
// one (with a front-matter change, so the full path), an anchor taken out
// of a page another links to (with a front-matter change, so the full
// path), a page deleted that another links to.
func TestSessionLinkChecks(t *testing.T) {
	content := fstest.MapFS{
		"_index.md":         {Data: []byte("---\ntitle: 首页\n---\n")},
		"notices/_index.md": {Data: []byte("---\ntitle: 通知公告\n---\n")},
		"notices/a.md":      {Data: []byte("---\ntitle: 甲\ndate: 2026-01-01\n---\n## 第一节 {#intro}\n\n甲的正文。\n")},
		"notices/b.md":      {Data: []byte("---\ntitle: 乙\ndate: 2026-03-01\n---\n见[甲的第一节](/notices/a/#intro)。\n")},
	}
	sess, _, _, now, _ := builtSession(t, content, defaultTheme(t))
	step := func(what, wantErr string, names ...string) {
		t.Helper()
		_, err := sess.Build(context.Background(), Change{Content: names}, now)
		switch {
		case wantErr == "" && err != nil:
			t.Fatalf("%s: %v", what, err)
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
			t.Fatalf("%s: err = %v, want a problem with %q", what, err, wantErr)
		}
	}
	set := func(name, text string) { content[name] = &fstest.MapFile{Data: []byte(text)} }

	set("notices/c.md", "---\ntitle: 丙\ndate: 2026-04-01\n---\n见[无此页](/notices/none/)。\n")
	step("a new page's broken link", "notices/c.md", "notices/c.md")
	set("notices/c.md", "---\ntitle: 丙\ndate: 2026-04-01\n---\n见[乙](/notices/b/)。\n")
	step("fixed", "", "notices/c.md")
	set("notices/a.md", "---\ntitle: 甲\ndate: 2026-01-02\n---\n## 第一节 {#other}\n\n甲的正文。\n")
	step("an anchor taken out", "notices/b.md", "notices/a.md")
	set("notices/a.md", "---\ntitle: 甲\ndate: 2026-01-01\n---\n## 第一节 {#intro}\n\n甲的正文。\n")
	step("the anchor back", "", "notices/a.md")
	set("notices/c.md", "---\ntitle: 丙\ndate: 2026-04-02\n---\n见[无此页](/notices/none/)。\n")
	step("an old page's new broken link", "notices/c.md", "notices/c.md")
	set("notices/c.md", "---\ntitle: 丙\ndate: 2026-04-01\n---\n见[乙](/notices/b/)。\n")
	step("fixed again", "", "notices/c.md")
	delete(content, "notices/b.md")
	step("a page linked to deleted", "notices/c.md", "notices/b.md")
}
