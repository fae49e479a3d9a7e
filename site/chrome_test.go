package site

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/pagechrome"
)

// TestChromeOfDefaultTheme builds the repository's site with the footer's
// identifiers filled in and a base path: the chrome the intake reads holds
// the header and footer exactly as the site's pages show them — the
// display-mode buttons, every entry of site.yaml's main menu, 网站标识码,
// ICP备案号 and 公安机关备案号 with their links — and nothing the intake's
// Content-Security-Policy would refuse. A theme without the intake
// partials writes no chrome file.
func TestChromeOfDefaultTheme(t *testing.T) {
	cfg, err := repoConfig(t).WithBaseURL("https://www.zhongmou.gov.cn/zlj/")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Footer.SiteCode, cfg.Footer.ICP, cfg.Footer.ICPLink = "4101220001", "豫ICP备00000000号-1", "https://beian.miit.gov.cn/"
	cfg.Footer.PublicSec, cfg.Footer.PublicSecURL = "豫公网安备41012202000000号", "https://beian.mps.gov.cn/"
	theme := defaultTheme(t)
	_, out := buildRepo(t, cfg, theme)
	data, ok := out.File(pagechrome.Name)
	if !ok {
		t.Fatalf("no %s", pagechrome.Name)
	}
	c, err := pagechrome.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "policy/measures/index.html", "publicity/index.html", "404.html"} {
		page, _ := out.File(name)
		if !strings.Contains(string(page), c.Header) || !strings.Contains(string(page), c.Footer) {
			t.Errorf("%s does not show the chrome's header and footer as they are", name)
		}
	}
	wantHeader := []string{`data-mode="large-text"`, `data-mode="high-contrast"`, `<nav class="main-nav" aria-label="主导航">`, `<a href="/zlj/">`}
	if len(cfg.Menus["main"]) < 5 {
		t.Fatalf("site.yaml's main menu has %d entries", len(cfg.Menus["main"]))
	}
	for _, m := range cfg.Menus["main"] {
		wantHeader = append(wantHeader, `<li><a href="`+cfg.RelURL(m.URL)+`">`+m.Name+`</a></li>`)
	}
	for _, w := range wantHeader {
		if !strings.Contains(c.Header, w) {
			t.Errorf("header lacks %s:\n%s", w, c.Header)
		}
	}
	for _, w := range []string{"主办单位：" + cfg.Footer.Sponsor, "网站标识码：4101220001", `<a href="https://beian.miit.gov.cn/">豫ICP备00000000号-1</a>`,
		`<a href="https://beian.mps.gov.cn/">豫公网安备41012202000000号</a>`, `<a href="/zlj/sitemap/">网站地图</a>`, `<a href="/zlj/contact/">联系我们</a>`} {
		if !strings.Contains(c.Footer, w) {
			t.Errorf("footer lacks %s:\n%s", w, c.Footer)
		}
	}
	if bad := regexp.MustCompile(`<script|<style| style=| on[a-z]+=`).FindString(c.Header + c.Footer); bad != "" {
		t.Errorf("the chrome holds %q, which the intake's Content-Security-Policy refuses", bad)
	}
	delete(theme, "layouts/"+chromeHeader)
	delete(theme, "layouts/"+chromeFooter)
	if _, out := buildRepo(t, cfg, theme); slices.Contains(out.Names(), pagechrome.Name) {
		t.Errorf("a theme without the intake partials wrote %s", pagechrome.Name)
	}
}
