package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates files under dir from a name → content map.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func smallSite(t *testing.T) (root string) {
	root = t.TempDir()
	writeTree(t, root, map[string]string{
		"content/_index.md":                  "---\ntitle: 首页\n---\n",
		"content/notices/_index.md":          "---\ntitle: 通知公告\n---\n",
		"content/notices/a.md":               "---\ntitle: 甲\ndate: 2026-01-01\n---\n见[乙](/notices/b/)。\n",
		"content/notices/b.md":               "---\ntitle: 乙\ndate: 2026-01-02\n---\n乙。\n",
		"theme/layouts/_default/single.html": "<h1>{{ .Page.Title }}</h1>{{ .Page.Content }}",
		"theme/layouts/_default/list.html":   "<h1>{{ .Page.Title }}</h1>",
		"theme/layouts/404.html":             "<h1>没有这个页面</h1>",
		"site.yaml":                          "title: 测试\nbaseURL: https://www.example.gov.cn/zlj/\n",
	})
	return root
}

func buildArgs(root string) []string {
	return []string{"build", "-content", filepath.Join(root, "content"), "-theme", filepath.Join(root, "theme"),
		"-out", filepath.Join(root, "public"), "-config", filepath.Join(root, "site.yaml"), "-static", filepath.Join(root, "static"),
		"-holidays", "../../holidays.yaml"}
}

func TestBuildWritesOnlyChangedFilesAndPrunes(t *testing.T) {
	root := smallSite(t)
	var out bytes.Buffer
	if err := run(context.Background(), buildArgs(root), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "内容页 2 个") {
		t.Errorf("report: %s", out.String())
	}
	a := filepath.Join(root, "public/notices/a/index.html")
	st1, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), buildArgs(root), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "写入 0 个文件") {
		t.Errorf("second build rewrote files: %s", out.String())
	}
	st2, _ := os.Stat(a)
	if !st2.ModTime().Equal(st1.ModTime()) {
		t.Error("an unchanged file was rewritten")
	}
	// Editing one page rewrites it (and the lists it appears in), not everything.
	writeTree(t, root, map[string]string{"content/notices/b.md": "---\ntitle: 乙\ndate: 2026-01-02\n---\n乙，改。\n"})
	out.Reset()
	if err := run(context.Background(), buildArgs(root), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "写入 0 个文件") {
		t.Errorf("edit not written: %s", out.String())
	}
	st3, _ := os.Stat(a)
	if !st3.ModTime().Equal(st1.ModTime()) {
		t.Error("a page untouched by the edit was rewritten")
	}
	// Deleting a page removes its output; a link to it then fails the build.
	if err := os.Remove(filepath.Join(root, "content/notices/a.md")); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), buildArgs(root), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a); !os.IsNotExist(err) {
		t.Errorf("output of a deleted page is still there: %v", err)
	}
	if err := os.Remove(filepath.Join(root, "content/notices/b.md")); err != nil {
		t.Fatal(err)
	}
	writeTree(t, root, map[string]string{"content/notices/c.md": "---\ntitle: 丙\n---\n见[乙](/notices/b/)。\n"})
	err = run(context.Background(), buildArgs(root), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "notices/c.md:4: 链接") {
		t.Errorf("broken link not reported with file and line: %v", err)
	}
}

func TestSiteHandler(t *testing.T) {
	root := smallSite(t)
	if err := run(context.Background(), buildArgs(root), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(siteHandler(filepath.Join(root, "public"), "/zlj/", ""))
	defer srv.Close()
	cases := []struct {
		path   string
		status int
		body   string
	}{
		{"/zlj/notices/a/", 200, "<h1>甲</h1>"},
		{"/zlj/", 200, "<h1>首页</h1>"},
		{"/zlj/nothing/", 404, "没有这个页面"},
		{"/other/", 404, "没有这个页面"},
	}
	for _, c := range cases {
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b), c.body) {
			t.Errorf("GET %s = %d %q; want %d with %q", c.path, resp.StatusCode, b, c.status, c.body)
		}
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/zlj/" {
		t.Errorf("GET / = %d to %q; want a redirect to /zlj/", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestRunUsage(t *testing.T) {
	if err := run(context.Background(), nil, io.Discard, io.Discard); err == nil {
		t.Error("no command accepted")
	}
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard); err == nil {
		t.Error("unknown command accepted")
	}
	err := run(context.Background(), []string{"build", "-content", t.TempDir() + "/none"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "找不到目录") {
		t.Errorf("missing content dir: %v", err)
	}
}
