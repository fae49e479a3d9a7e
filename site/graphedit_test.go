package site

import (
	"context"
	"fmt"
	"os"
	"testing"
	"testing/fstest"
)

// TestSessionGraphEdit: changes that move pages in the graph (a date, a
// weight in place, tags respelled, added and dropped, new pages in a
// section and in a folder without a list) take the graph edit, rendering a
// small part of the site, and each leaves the output a clean build makes,
// a term page no page has any more removed. A new page with a broken link,
// and a term dropped while a page links to its page, fail as a clean
// build does and write nothing.
func TestSessionGraphEdit(t *testing.T) {
	content := corpusFS(200, 5)
	page := func(title, date, tags, body string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: " + date + "\nweight: 0\ntags: [" + tags + "]\n---\n" + body + "\n")}
	}
	content["notices/a-first.md"] = page("甲", "2026-03-01T09:00:00", "Quality, 独有标签", "正文甲。")
	content["notices/b-second.md"] = page("乙", "2026-03-02T09:00:00", "quality", "正文乙。")
	content["notices/z-oldest.md"] = page("最早", "2001-01-01T09:00:00", "quality", "最早的一页。")
	content["notices/links-tag.md"] = page("链接", "2026-02-01T09:00:00", "", "见[独有标签](/tags/独有标签/)。")
	cfg, err := ParseConfig([]byte("search: false\n")) // the index renumbers when a page moves: the property test has it
	if err != nil {
		t.Fatal(err)
	}
	sess, out, opts, now, full := builtSessionConfig(t, content, os.DirFS("../themes/default"), cfg)

	steps := []struct {
		what  string
		name  string
		data  *fstest.MapFile
		fails bool // as a clean build does, writing nothing; the edit is then undone
	}{
		{"date moves the page to the top", "notices/b-second.md", page("乙", "2026-11-24T09:00:00", "quality", "正文乙。"), false},
		{"title and weight in place", "notices/b-second.md", &fstest.MapFile{Data: []byte("---\ntitle: 乙改\ndate: 2026-11-24T09:00:00\nweight: 2\ntags: [quality]\n---\n正文乙。\n")}, false},
		{"the oldest page moves to the top", "notices/z-oldest.md", page("最早", "2026-11-25T08:00:00", "quality", "最早的一页。"), false},
		{"the term's first page respells it", "notices/a-first.md", page("甲", "2026-03-01T09:00:00", "QUALITY, 独有标签", "正文甲。"), false},
		{"the only page of a term drops it, a link to its page left", "notices/a-first.md", page("甲", "2026-03-01T09:00:00", "QUALITY", "正文甲。"), true},
		{"a link to the term page goes", "notices/links-tag.md", page("链接", "2026-02-01T09:00:00", "", "见[甲](/notices/a-first/)。"), false},
		{"the only page of a term drops it", "notices/a-first.md", page("甲", "2026-03-01T09:00:00", "QUALITY", "正文甲。"), false},
		{"a new page in a section, with a new tag", "notices/c-new.md", page("丙", "2026-11-23T09:00:00", "新近标签", "见[甲](/notices/a-first/)。"), false},
		{"a new page in a folder without a list", "policy/deep/d-new.md", page("丁", "2026-01-05T09:00:00", "quality", "正文丁。"), false},
		{"a new page with a broken link", "notices/e-broken.md", page("戊", "2026-11-22T09:00:00", "quality", "见[无此页](/notices/nowhere/)。"), true},
		{"the new page with its link mended", "notices/e-broken.md", page("戊", "2026-11-22T09:00:00", "quality", "见[甲](/notices/a-first/)。"), false},
	}
	for _, st := range steps {
		saved := content[st.name]
		before := snapshot(out)
		content[st.name] = st.data
		rep, err := sess.Build(context.Background(), Change{Content: []string{st.name}}, now)
		if st.fails {
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
		if !st.fails && (!rep.Partial || rep.Rendered > full.Rendered/5) {
			t.Errorf("%s: partial=%v, rendered %d of %d outputs", st.what, rep.Partial, rep.Rendered, full.Rendered)
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
		if st.fast && (!rep.Partial || rep.Rendered > full.Rendered/2) {
			t.Errorf("%s: partial=%v, rendered %d of %d outputs", st.what, rep.Partial, rep.Rendered, full.Rendered)
		}
	}
	if _, ok := out.File("tags/index.html"); !ok {
		t.Error("the site's first tag made no tags page")
	}
}
