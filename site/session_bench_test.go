package site

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// liveSession is a Session over a generated 10,000-page site with the
// benchmark's configuration and theme (as livebench runs award serve),
// after its first build, and a published page of it.
func liveSession(b *testing.B) (*Session, fstest.MapFS, fstest.MapFS, string, time.Time) {
	return liveSessionT(b)
}

func liveSessionT(b testing.TB) (*Session, fstest.MapFS, fstest.MapFS, string, time.Time) {
	b.Helper()
	content := corpusFS(10000, 1)
	cfg := benchConfig(b)
	theme := treeCopy(b, "../bench/themes/award")
	sess, err := NewSession(Options{Content: content, Theme: theme, Config: cfg, Output: NewMemOutput()})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())
	if _, err := sess.Build(context.Background(), Change{Full: true}, now); err != nil {
		b.Fatal(err)
	}
	name := publishedPage(content, "notices/p")
	if name == "" {
		b.Fatal("the corpus has no published notice")
	}
	return sess, content, theme, name, now
}

// BenchmarkSessionTitleEdit times a page's title edited on a 10,000-page
// site: the page, its lists, its neighbours and whatever else shows its
// title are rendered again.
func BenchmarkSessionTitleEdit(b *testing.B) {
	sess, content, _, name, now := liveSession(b)
	benchContentEdits(b, sess, now, func(i int) string {
		content[name] = &fstest.MapFile{Data: titleLine.ReplaceAll(content[name].Data, fmt.Appendf(nil, "title: \"修订标题%d\"", i))}
		return name
	})
}

// BenchmarkSessionDateEdit times a page's date edited on a 10,000-page
// site: the page moves in its lists, so the graph is built again and
// compared with the last build's (the path a tag or weight edit takes too).
func BenchmarkSessionDateEdit(b *testing.B) {
	sess, content, _, name, now := liveSession(b)
	benchContentEdits(b, sess, now, func(i int) string {
		content[name] = &fstest.MapFile{Data: dateLine.ReplaceAll(content[name].Data, fmt.Appendf(nil, "date: 2026-%02d-%02dT09:00:00", 1+i%9, 1+i%28))}
		return name
	})
}

// BenchmarkSessionTagEdit times a page given a new tag on a 10,000-page
// site, as livebench's tag edit: a new term page, and the page in the
// tag lists (the path a tag edit to an existing tag takes too).
func BenchmarkSessionTagEdit(b *testing.B) {
	sess, content, _, name, now := liveSession(b)
	benchContentEdits(b, sess, now, func(i int) string {
		content[name] = &fstest.MapFile{Data: []byte(replaceFirstTag(string(content[name].Data), fmt.Sprintf("标签标记%d", i)))}
		return name
	})
}

// BenchmarkSessionNewPage times a new page added to a 10,000-page site.
func BenchmarkSessionNewPage(b *testing.B) {
	sess, content, _, _, now := liveSession(b)
	benchContentEdits(b, sess, now, func(i int) string {
		name := fmt.Sprintf("notices/new%05d.md", i)
		content[name] = &fstest.MapFile{Data: fmt.Appendf(nil, "---\ntitle: 新页面%d\ndate: 2026-10-01T09:00:00\n---\n新页面正文%d。\n", i, i)}
		return name
	})
}

// benchContentEdits times b.N session builds, each after edit(i) has
// changed the content file it returns, and reports the outputs rendered.
func benchContentEdits(b *testing.B, sess *Session, now time.Time, edit func(i int) string) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		name := edit(i)
		rep, err := sess.Build(context.Background(), Change{Content: []string{name}}, now)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Rendered), "rendered/op")
	}
}

// BenchmarkSessionTemplateEdit times an edit to the single-page template
// of a 10,000-page site: every page is rendered again, no Markdown is.
func BenchmarkSessionTemplateEdit(b *testing.B) {
	sess, _, theme, _, now := liveSession(b)
	const tpl = "layouts/_default/single.html"
	orig := theme[tpl].Data
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := string(orig)
		at := strings.LastIndex(s, "{{ end }}")
		theme[tpl] = &fstest.MapFile{Data: []byte(s[:at] + fmt.Sprintf("<i hidden>mark-%d</i>", i) + s[at:])}
		if _, err := sess.Build(context.Background(), Change{Theme: true}, now); err != nil {
			b.Fatal(err)
		}
	}
}
