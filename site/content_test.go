package site

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/workday"
)

// TestRealContent builds the repository's own content with the default
// theme: the site the public sees must build, with every link whole.
func TestRealContent(t *testing.T) {
	cfgText, err := os.ReadFile("../site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(cfgText)
	if err != nil {
		t.Fatal(err)
	}
	out := NewMemOutput()
	rep, err := Build(context.Background(), Options{
		Content: os.DirFS("../content"), Theme: os.DirFS("../themes/default"), Config: cfg, Output: out,
		Now: time.Date(2026, 11, 25, 12, 0, 0, 0, cfg.Location()), ContentLabel: "content",
		Calendar: repoCalendar(t),
	})
	if err != nil {
		t.Fatal(err)
	}
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

// repoCalendar loads the repository's holiday schedule.
func repoCalendar(t testing.TB) *workday.Calendar {
	t.Helper()
	cal, err := workday.Load(os.DirFS(".."), "holidays.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cal
}
