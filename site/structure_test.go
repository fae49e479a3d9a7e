package site

import (
	"context"
	"testing"
	"testing/fstest"
	"time"
)

// TestNeighboursWithinSection: Prev and Next are a page's neighbours in
// its section's order, whatever tags it shares with pages further away.
func TestNeighboursWithinSection(t *testing.T) {
	content := fstest.MapFS{
		"_index.md":         {Data: []byte("---\ntitle: 首页\n---\n")},
		"notices/_index.md": {Data: []byte("---\ntitle: 通知公告\n---\n")},
		"notices/a.md":      {Data: []byte("---\ntitle: 甲\ndate: 2026-01-01\ntags: [标甲]\n---\n")},
		"notices/b.md":      {Data: []byte("---\ntitle: 乙\ndate: 2026-02-01\n---\n")},
		"notices/c.md":      {Data: []byte("---\ntitle: 丙\ndate: 2026-03-01\ntags: [标甲]\n---\n")},
	}
	cfg, err := ParseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Content: content, Theme: defaultTheme(t), Config: cfg, Output: NewMemOutput(),
		Now: time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())}
	b := &builder{opts: o, cfg: &o.Config, report: &Report{}, md: NewMarkdown()}
	if err := b.build(context.Background()); err != nil {
		t.Fatal(err)
	}
	title := func(p *Page) string {
		if p == nil {
			return "-"
		}
		return p.Title
	}
	// Newest first: 丙, 乙, 甲.
	for path, want := range map[string][2]string{
		"/notices/c/": {"-", "乙"},
		"/notices/b/": {"丙", "甲"},
		"/notices/a/": {"乙", "-"},
	} {
		p := b.site.byPath[path]
		if got := [2]string{title(p.Prev), title(p.Next)}; got != want {
			t.Errorf("%s: Prev, Next = %v, want %v", path, got, want)
		}
	}
}
