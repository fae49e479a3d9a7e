package site

import (
	"context"
	"fmt"
	"os"
	"testing"
	"testing/fstest"
)

// TestSessionGraphEdit: changes that move pages in the graph (a date, a
// title and weight, tags respelled, added and dropped, a front matter line
// that moves the body, new pages in a section and in a folder without a
// list) are built by graphEdit, rendering a small part of the site, and
// each leaves the output a clean build makes, a term page no page has any
// more removed. A new page with a broken link, a term dropped while a page
// links to its page, and a heading removed that a moved body links to
// fail as a clean build does (the same messages, lines included) and
// write nothing. Each change names its file twice, as a burst of events may.
func TestSessionGraphEdit(t *testing.T) {
	content := corpusFS(200, 5)
	page := func(title, date, tags, body string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: " + date + "\nweight: 0\ntags: [" + tags + "]\n---\n" + body + "\n")}
	}
	content["notices/a-first.md"] = page("甲", "2026-03-01T09:00:00", "Quality, 独有标签", "正文甲。")
	content["notices/b-second.md"] = page("乙", "2026-03-02T09:00:00", "quality", "正文乙。")
	content["notices/z-oldest.md"] = page("最早", "2001-01-01T09:00:00", "quality", "最早的一页。")
	content["notices/links-tag.md"] = page("链接", "2026-02-01T09:00:00", "", "见[独有标签](/tags/独有标签/)。")
	content["notices/target.md"] = page("目标", "2026-02-02T09:00:00", "", "## 目标 {#goal}\n\n正文。")
	content["notices/links-goal.md"] = page("引用", "2026-02-03T09:00:00", "", "第一行。\n\n见[目标](/notices/target/#goal)。")
	cfg, err := ParseConfig([]byte("search: false\n")) // the index renumbers when a page moves: the property test has it
	if err != nil {
		t.Fatal(err)
	}
	sess, out, opts, now, full := builtSessionConfig(t, content, os.DirFS("../themes/default"), cfg)

	steps := []struct {
		what string
		name string
		data *fstest.MapFile
		path string // the fast path that takes it; "" for an edit that fails as in a clean build (then undone)
	}{
		{"date moves the page to the top", "notices/b-second.md", page("乙", "2026-11-24T09:00:00", "quality", "正文乙。"), "graph"},
		{"title and weight in place", "notices/b-second.md", &fstest.MapFile{Data: []byte("---\ntitle: 乙改\ndate: 2026-11-24T09:00:00\nweight: 2\ntags: [quality]\n---\n正文乙。\n")}, "graph"},
		{"the oldest page moves to the top", "notices/z-oldest.md", page("最早", "2026-11-25T08:00:00", "quality", "最早的一页。"), "graph"},
		{"the term's first page respells it", "notices/a-first.md", page("甲", "2026-03-01T09:00:00", "QUALITY, 独有标签", "正文甲。"), "graph"},
		{"the only page of a term drops it, a link to its page left", "notices/a-first.md", page("甲", "2026-03-01T09:00:00", "QUALITY", "正文甲。"), ""},
		{"a link to the term page goes", "notices/links-tag.md", page("链接", "2026-02-01T09:00:00", "", "见[甲](/notices/a-first/)。"), "body"},
		{"the only page of a term drops it", "notices/a-first.md", page("甲", "2026-03-01T09:00:00", "QUALITY", "正文甲。"), "graph"},
		{"a new page in a section, with a new tag", "notices/c-new.md", page("丙", "2026-11-23T09:00:00", "新近标签", "见[甲](/notices/a-first/)。"), "graph"},
		{"a new page in a folder without a list", "policy/deep/d-new.md", page("丁", "2026-01-05T09:00:00", "quality", "正文丁。"), "graph"},
		{"a comment line moves a linking page's body", "notices/links-goal.md", &fstest.MapFile{Data: []byte("---\n# 置顶说明\ntitle: 引用\ndate: 2026-02-03T09:00:00\nweight: 1\ntags: []\n---\n第一行。\n\n见[目标](/notices/target/#goal)。\n")}, "graph"},
		{"the heading it links to goes (the error names the moved line)", "notices/target.md", page("目标", "2026-02-02T09:00:00", "", "正文。"), ""},
		{"a new page with a broken link", "notices/e-broken.md", page("戊", "2026-11-22T09:00:00", "quality", "见[无此页](/notices/nowhere/)。"), ""},
		{"the new page with its link mended", "notices/e-broken.md", page("戊", "2026-11-22T09:00:00", "quality", "见[甲](/notices/a-first/)。"), "graph"},
	}
	for _, st := range steps {
		saved := content[st.name]
		before := snapshot(out)
		content[st.name] = st.data
		rep, err := sess.Build(context.Background(), Change{Content: []string{st.name, st.name}}, now)
		if st.path == "" {
			co := opts
			co.Output, co.Now = NewMemOutput(), now
			_, cleanErr := Build(context.Background(), co)
			if err == nil || cleanErr == nil || err.Error() != cleanErr.Error() {
				t.Fatalf("%s: session error %v, clean error %v", st.what, err, cleanErr)
			}
			if !sameFiles(before, snapshot(out)) {
				t.Fatalf("%s: the failed build changed the output", st.what)
			}
			content[st.name] = saved
			if saved == nil {
				delete(content, st.name)
			}
			rep, err = sess.Build(context.Background(), Change{Content: []string{st.name}}, now)
		}
		if err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		if diff := compareOutputs(out, clean0(t, opts, now)); diff != "" {
			t.Fatalf("%s: output differs from a clean build: %s", st.what, diff)
		}
		if st.path != "" && (rep.fastPath != st.path || rep.Rendered > full.Rendered/5) {
			t.Errorf("%s: built by path %q (want %q), rendered %d of %d outputs", st.what, rep.fastPath, st.path, rep.Rendered, full.Rendered)
		}
	}
	if _, ok := out.File("tags/独有标签/index.html"); ok {
		t.Error("the page of a term no page has any more is still in the output")
	}
}

// TestSessionGraphEditWithoutTags: on a site without tags, a date edit and
// a new page take the graph edit, and a page's first tag (which makes the
// tags page) gives a clean build's output.
func TestSessionGraphEditWithoutTags(t *testing.T) {
	content := fstest.MapFS{"_index.md": {Data: []byte("---\ntitle: 首页\n---\n")}}
	for i := range 30 {
		content[fmt.Sprintf("notices/n%02d.md", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, "---\ntitle: 通知%d\ndate: 2026-01-%02dT09:00:00\n---\n正文%d。\n", i, 1+i%28, i)}
	}
	cfg, err := ParseConfig([]byte("search: false\npaginate: 5\n"))
	if err != nil {
		t.Fatal(err)
	}
	sess, out, opts, now, full := builtSessionConfig(t, content, os.DirFS("../themes/default"), cfg)
	for _, st := range []struct {
		what, name, data string
		fast             bool
	}{
		{"a date edit", "notices/n03.md", "---\ntitle: 通知3\ndate: 2026-11-20T09:00:00\n---\n正文3。\n", true},
		{"a new page", "notices/new.md", "---\ntitle: 新通知\ndate: 2026-11-21T09:00:00\n---\n新正文。\n", true},
		{"the site's first tag", "notices/n04.md", "---\ntitle: 通知4\ndate: 2026-01-05T09:00:00\ntags: [首个标签]\n---\n正文4。\n", false},
	} {
		content[st.name] = &fstest.MapFile{Data: []byte(st.data)}
		rep, err := sess.Build(context.Background(), Change{Content: []string{st.name}}, now)
		if err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		if diff := compareOutputs(out, clean0(t, opts, now)); diff != "" {
			t.Fatalf("%s: output differs from a clean build: %s", st.what, diff)
		}
		if st.fast && (rep.fastPath != "graph" || rep.Rendered > full.Rendered/2) {
			t.Errorf("%s: built by path %q, rendered %d of %d outputs", st.what, rep.fastPath, rep.Rendered, full.Rendered)
		}
	}
	if _, ok := out.File("tags/index.html"); !ok {
		t.Error("the site's first tag made no tags page")
	}
}
