package site

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

// FuzzBuildPage builds a one-page site whose Markdown body is arbitrary.
// The build either fails with a *BuildError or succeeds; on success no
// output holds a raw "<script" (raw HTML in Markdown is escaped), and the
// page itself is written.
func FuzzBuildPage(f *testing.F) {
	ar, err := txtar.ParseFile("testdata/theme.txtar")
	if err != nil {
		f.Fatal(err)
	}
	theme := fstest.MapFS{}
	for _, file := range ar.Files {
		theme[file.Name] = &fstest.MapFile{Data: file.Data}
	}
	cfg, err := ParseConfig(nil)
	if err != nil {
		f.Fatal(err)
	}
	cal := repoCalendar(f)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, s := range []string{
		"# 标题\n\n正文**加粗**。\n",
		"<script>alert(1)</script>\n",
		"text <script src=x></script> inline\n",
		"<div>\n<script>\nalert(1)\n</script>\n</div>\n",
		"[x](javascript:alert(1)) <SCRIPT>x</SCRIPT>\n",
		"```html\n<script>\n```\n",
		"<!-- <script> -->\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		src := append([]byte("---\ntitle: 测试页\ndate: 2026-11-20\n---\n"), body...)
		content := fstest.MapFS{"posts/page.md": &fstest.MapFile{Data: src}}
		out := NewMemOutput()
		o := Options{Content: content, Theme: theme, Config: cfg, Output: out, Now: now,
			ContentLabel: "content", ThemeLabel: "theme", Calendar: cal, Workers: 1}
		_, err := Build(context.Background(), o)
		if err != nil {
			var be *BuildError
			if !errors.As(err, &be) {
				t.Fatalf("error is %T, want *BuildError: %v", err, err)
			}
			return
		}
		page, ok := out.File("posts/page/index.html")
		if !ok {
			t.Fatalf("page not written; outputs: %v", out.Names())
		}
		if !bytes.Contains(page, []byte("测试页")) {
			t.Fatalf("page lacks its title:\n%s", page)
		}
		for _, name := range out.Names() {
			data, _ := out.File(name)
			if i := bytes.Index(bytes.ToLower(data), []byte("<script")); i >= 0 {
				t.Fatalf("%s holds a raw <script at byte %d:\n%s", name, i, data)
			}
		}
	})
}
