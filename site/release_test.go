package site

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

// TestReleaseContent builds a small site twice: with the test theme, whose
// templates read Content only of the job's own page, every page's Content is
// dropped once written; with a list template that prints its pages'
// Content, nothing is dropped and the list shows every body.
func TestReleaseContent(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/theme.txtar")
	if err != nil {
		t.Fatal(err)
	}
	content := fstest.MapFS{
		"_index.md":         {Data: []byte("---\ntitle: 首页\n---\n首页正文。\n")},
		"notices/_index.md": {Data: []byte("---\ntitle: 通知公告\n---\n")},
		"notices/a.md":      {Data: []byte("---\ntitle: 甲\ndate: 2026-01-01\n---\n甲的正文。\n")},
		"notices/b.md":      {Data: []byte("---\ntitle: 乙\ndate: 2026-03-01\n---\n乙的正文。\n")},
	}
	build := func(t *testing.T, list string) (*builder, *MemOutput) {
		theme := fstest.MapFS{}
		for _, f := range ar.Files {
			theme[f.Name] = &fstest.MapFile{Data: f.Data}
		}
		if list != "" {
			theme["layouts/_default/list.html"] = &fstest.MapFile{Data: []byte(list)}
		}
		out := NewMemOutput()
		o := Options{Content: content, Theme: theme, Output: out, Workers: 1,
			Now: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
		cfg, err := ParseConfig(nil)
		if err != nil {
			t.Fatal(err)
		}
		o.Config = cfg
		b := &builder{opts: o, cfg: &o.Config, report: &Report{}, md: NewMarkdown()}
		if err := b.build(context.Background()); err != nil {
			t.Fatal(err)
		}
		return b, out
	}
	regular := func(b *builder) []*Page {
		var ps []*Page
		for _, p := range b.pages {
			if p.Kind == KindPage {
				ps = append(ps, p)
			}
		}
		if len(ps) != 2 {
			t.Fatalf("%d regular pages, want 2", len(ps))
		}
		return ps
	}

	t.Run("own", func(t *testing.T) {
		b, out := build(t, "")
		for _, p := range b.pages {
			if p.Content != "" {
				t.Errorf("%s: Content kept after the build: %q", p.Path, p.Content)
			}
		}
		for _, p := range regular(b) {
			data, _ := out.File(outputName(p.Path))
			page := string(data)
			if want := p.Title + "的正文。"; !strings.Contains(page, want) {
				t.Errorf("%s lacks its body %q:\n%s", p.Path, want, page)
			}
		}
	})
	t.Run("through", func(t *testing.T) {
		list := `{{ define "main" }}{{ range .Page.Pages }}<div>{{ .Content }}</div>{{ end }}{{ end }}`
		b, out := build(t, list)
		for _, p := range regular(b) {
			if p.Content == "" {
				t.Errorf("%s: Content dropped though a list reads it", p.Path)
			}
		}
		data, _ := out.File("notices/index.html")
		section := string(data)
		for _, want := range []string{"甲的正文。", "乙的正文。"} {
			if !strings.Contains(section, want) {
				t.Errorf("the section list lacks %q:\n%s", want, section)
			}
		}
	})
}

// TestReleaseLinks: a one-off build still checks every body link (a broken
// one fails it) and then drops the pages' links; a session keeps them.
func TestReleaseLinks(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/theme.txtar")
	if err != nil {
		t.Fatal(err)
	}
	theme := fstest.MapFS{}
	for _, f := range ar.Files {
		theme[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	cfg, err := ParseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	content := func(link string) fstest.MapFS {
		return fstest.MapFS{
			"_index.md":         {Data: []byte("---\ntitle: 首页\n---\n")},
			"notices/_index.md": {Data: []byte("---\ntitle: 通知公告\n---\n")},
			"notices/a.md":      {Data: []byte("---\ntitle: 甲\ndate: 2026-01-01\n---\n见[乙](" + link + ")。\n")},
			"notices/b.md":      {Data: []byte("---\ntitle: 乙\ndate: 2026-03-01\n---\n乙的正文。\n")},
		}
	}
	build := func(link string, sess *Session) (*builder, error) {
		o := Options{Content: content(link), Theme: theme, Config: cfg, Output: NewMemOutput(), Workers: 1,
			Now: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
		b := &builder{opts: o, cfg: &o.Config, report: &Report{}, md: NewMarkdown(), sess: sess}
		if sess != nil {
			sess.opts = o
			b.change = Change{Full: true}
		}
		return b, b.build(context.Background())
	}
	linksOf := func(b *builder) int {
		n := 0
		for _, p := range b.pages {
			n += len(p.links)
		}
		return n
	}

	if _, err := build("c.md", nil); err == nil || !strings.Contains(err.Error(), "c.md") {
		t.Fatalf("a link to a missing page: err = %v, want a problem naming c.md", err)
	}
	b, err := build("b.md", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := linksOf(b); n != 0 {
		t.Errorf("a one-off build kept %d links after checking them", n)
	}
	sess, err := NewSession(Options{Content: content("b.md"), Theme: theme, Config: cfg, Output: NewMemOutput()})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = build("b.md", sess); err != nil {
		t.Fatal(err)
	}
	if n := linksOf(b); n == 0 {
		t.Error("a session build dropped its pages' links")
	}
}
