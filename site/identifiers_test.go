package site

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestProductionIdentifiers: a build for the public (a base URL that is not
// this machine) warns about each empty footer identifier, naming its key in
// site.yaml; a local build (make run, the tests) and a complete footer do not.
func TestProductionIdentifiers(t *testing.T) {
	warnings := func(base string, footer Footer) []string {
		t.Helper()
		cfg := repoConfig(t)
		cfg.Footer = footer
		cfg, err := cfg.WithBaseURL(base)
		if err != nil {
			t.Fatal(err)
		}
		rep, _ := buildRepo(t, cfg, os.DirFS("../themes/default"))
		var out []string
		for _, w := range rep.Warnings {
			if w.File == "site.yaml" {
				out = append(out, w.Error())
			}
		}
		return out
	}
	got := warnings("https://www.zhongmou.gov.cn/zlj/", Footer{Sponsor: "秘书处", ICP: "豫ICP备00000000号"})
	if len(got) != 2 {
		t.Fatalf("public build with two empty identifiers: %d warnings, want 2:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i, want := range []string{"footer.siteCode（网站标识码）为空", "footer.publicSec（公安机关备案号）为空"} {
		if !strings.Contains(got[i], want) || !strings.Contains(got[i], "https://www.zhongmou.gov.cn/zlj/") || !strings.Contains(got[i], "请在 site.yaml 的 footer.") {
			t.Errorf("warning %d = %q, want it to hold %q, the base URL and what to do", i, got[i], want)
		}
	}
	if got := warnings("https://www.zhongmou.gov.cn/", Footer{}); len(got) != 3 {
		t.Errorf("public build with no identifiers: %d warnings, want 3:\n%s", len(got), strings.Join(got, "\n"))
	}
	full := Footer{SiteCode: "4101220001", ICP: "豫ICP备00000000号", PublicSec: "豫公网安备41012202000000号"}
	for _, c := range []struct {
		base   string
		footer Footer
	}{{"http://127.0.0.1:8080/", Footer{}}, {"http://localhost:8080/zlj/", Footer{}}, {"http://[::1]:8080/", Footer{}}, {"https://www.zhongmou.gov.cn/zlj/", full}} {
		if got := warnings(c.base, c.footer); len(got) != 0 {
			t.Errorf("%s with %+v: warnings %q, want none", c.base, c.footer, got)
		}
	}
}

// TestGovMark: footer.govMarkImage puts the 党政机关网站标识 at the bottom of
// every page's footer and of the intake's chrome, with its size read from
// the picture and linked to govMarkURL; a missing or unreadable picture
// fails the build naming site.yaml.
func TestGovMark(t *testing.T) {
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 110, 55))); err != nil {
		t.Fatal(err)
	}
	build := func(footer Footer, static fstest.MapFS) (*MemOutput, error) {
		cfg := repoConfig(t)
		cfg.Footer.GovMarkImage, cfg.Footer.GovMarkURL = footer.GovMarkImage, footer.GovMarkURL
		cfg, err := cfg.WithBaseURL("http://127.0.0.1:8080/zlj/")
		if err != nil {
			t.Fatal(err)
		}
		out := NewMemOutput()
		_, err = Build(context.Background(), Options{Content: os.DirFS("../content"), Theme: os.DirFS("../themes/default"), Static: static,
			Config: cfg, Output: out, Now: time.Date(2026, 11, 25, 12, 0, 0, 0, cfg.Location()), ContentLabel: "content", Calendar: repoCalendar(t)})
		return out, err
	}
	out, err := build(Footer{GovMarkImage: "/img/dzjg.png", GovMarkURL: "https://bszs.conac.cn/sitename?method=show&id=0"},
		fstest.MapFS{"img/dzjg.png": {Data: pic.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	want := `<p class="gov-mark"><a href="https://bszs.conac.cn/sitename?method=show&amp;id=0"><img src="/zlj/img/dzjg.png" alt="党政机关网站标识（查看网站开办单位信息）" width="110" height="55"></a></p>`
	for _, name := range []string{"index.html", "notices/2026-call/index.html", "policy/measures/index.html"} {
		page, _ := out.File(name)
		footer := string(page[bytes.Index(page, []byte(`<footer class="site-footer">`)):])
		if i := strings.Index(footer, want); i < 0 || strings.TrimSpace(footer[i+len(want):])[:len("</footer>")] != "</footer>" {
			t.Errorf("%s: footer does not end with the mark %s:\n%s", name, want, footer)
		}
	}
	chrome, _ := out.File("_award/chrome.json")
	if !bytes.Contains(chrome, []byte(`/zlj/img/dzjg.png`)) {
		t.Errorf("the intake's chrome lacks the mark:\n%s", chrome)
	}
	out, err = build(Footer{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := out.File("index.html"); bytes.Contains(page, []byte("gov-mark")) {
		t.Error("no govMarkImage, yet the footer has a mark slot")
	}
	for _, c := range []struct {
		static fstest.MapFS
		want   string
	}{
		{nil, `site.yaml: footer.govMarkImage "/img/dzjg.png" 无效：网站上没有 /img/dzjg.png 这个文件`},
		{fstest.MapFS{"img/dzjg.png": {Data: []byte("not a picture")}}, "site.yaml: footer.govMarkImage：static/img/dzjg.png 不是 PNG、JPEG 或 GIF 图片"},
	} {
		_, err := build(Footer{GovMarkImage: "/img/dzjg.png"}, c.static)
		var be *BuildError
		if !errors.As(err, &be) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("build error %v, want one holding %q", err, c.want)
		}
	}
}

// TestRepoAtEarlierDates builds the real content as it stands on days
// before the publicity window and the winners' pages (make run NOW=…, for
// training): the sections whose _index.md is dated after that day stay,
// and no link breaks.
func TestRepoAtEarlierDates(t *testing.T) {
	cfg := repoConfig(t)
	for _, day := range []string{"2026-03-02T12:00:00+08:00", "2026-06-20T10:00:00+08:00", "2026-11-19T10:00:00+08:00", "2026-11-20T05:00:00+08:00", "2026-11-24T10:00:00+08:00"} {
		now, err := time.Parse(time.RFC3339, day)
		if err != nil {
			t.Fatal(err)
		}
		out := NewMemOutput()
		if _, err := Build(context.Background(), Options{Content: os.DirFS("../content"), Theme: os.DirFS("../themes/default"), Config: cfg,
			Output: out, Now: now, ContentLabel: "content", Calendar: repoCalendar(t)}); err != nil {
			t.Errorf("%s: %v", day, err)
			continue
		}
		for _, name := range []string{"publicity/index.html", "winners/index.html", "notices/index.html"} {
			if _, ok := out.File(name); !ok {
				t.Errorf("%s: %s missing", day, name)
			}
		}
	}
}
