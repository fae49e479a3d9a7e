package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zhongmou/award/workday"
)

// TestRealContent builds the repository's own content with the default
// theme: the site the public sees must build, with every link whole.
func TestRealContent(t *testing.T) {
	rep, out := buildRepo(t, repoConfig(t), os.DirFS("../themes/default"))
	if rep.Pages < 15 {
		t.Errorf("only %d pages published", rep.Pages)
	}
	for _, w := range rep.Warnings {
		t.Errorf("warning: %v", w)
	}
	page, ok := out.File("policy/measures/index.html")
	if !ok {
		t.Fatal("policy/measures/index.html missing")
	}
	for _, art := range []string{"第一条", "第十三条", "第十四条", "第十七条", "第三十条", "第三十一条"} {
		if !strings.Contains(string(page), `id="`+art+`"`) {
			t.Errorf("measures page has no anchor %s", art)
		}
	}
	for _, name := range []string{"index.html", "404.html", "sitemap.xml", "robots.txt", "atom.xml", "notices/atom.xml", "css/site.css", "guide/index.html", "winners/index.html", "publicity/index.html", "contact/index.html"} {
		if _, ok := out.File(name); !ok {
			t.Errorf("%s missing", name)
		}
	}
}

// repoConfig is the repository's site.yaml.
func repoConfig(t testing.TB) Config { return configFile(t, "../site.yaml") }

// buildRepo builds the repository's content with cfg and theme, as the site
// stands on 2026-11-25 at noon.
func buildRepo(t testing.TB, cfg Config, theme fs.FS) (*Report, *MemOutput) {
	t.Helper()
	out := NewMemOutput()
	rep, err := Build(context.Background(), Options{
		Content: os.DirFS("../content"), Theme: theme, Config: cfg, Output: out,
		Now: time.Date(2026, 11, 25, 12, 0, 0, 0, cfg.Location()), ContentLabel: "content",
		Calendar: repoCalendar(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep, out
}

// defaultTheme is a copy of the default theme that a test may edit.
func defaultTheme(t testing.TB) fstest.MapFS { return treeCopy(t, "../themes/default") }

// repoCalendar loads the repository's holiday schedule.
func repoCalendar(t testing.TB) *workday.Calendar {
	t.Helper()
	cal, err := workday.Load(os.DirFS(".."), "holidays.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestPageWeight holds every page of the real site, with its stylesheet, to
// at most 40 KB once compressed, as a phone on a slow line needs; no script
// may block rendering (each is deferred or async, none inline) and every
// image declares its size, so that nothing jumps as it loads.
func TestPageWeight(t *testing.T) {
	_, out := buildRepo(t, repoConfig(t), os.DirFS("../themes/default"))
	css, _ := out.File("css/site.css")
	cssSize := gzipSize(css)
	pages := 0
	for _, name := range out.Names() {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		page, _ := out.File(name)
		pages++
		if total := gzipSize(page) + cssSize; total > 40<<10 {
			t.Errorf("%s weighs %d bytes compressed with its stylesheet; the limit is 40 KB", name, total)
		}
		scripts := scriptTag.FindAllString(string(page), -1)
		if strings.HasSuffix(name, "index.html") && len(scripts) == 0 {
			t.Errorf("%s: no script tags found; is the pattern right?", name)
		}
		for _, tag := range scripts {
			if !strings.Contains(tag, " src=") || !(strings.Contains(tag, " defer") || strings.Contains(tag, " async")) {
				t.Errorf("%s: %s blocks rendering (give it a src and defer)", name, tag)
			}
		}
		for _, tag := range imgTag.FindAllString(string(page), -1) {
			if !strings.Contains(tag, " width=") || !strings.Contains(tag, " height=") {
				t.Errorf("%s: %s has no width and height", name, tag)
			}
		}
	}
	if pages < 20 {
		t.Errorf("only %d pages checked", pages)
	}
}

var (
	scriptTag = regexp.MustCompile(`<script\b[^>]*>`)
	imgTag    = regexp.MustCompile(`<img\b[^>]*>`)
)

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Len()
}
