package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestServeIntakeChrome: under award serve the intake's pages show the
// header and footer the site build renders from site.yaml, and follow
// them: a theme that gains the intake partials, and then an edit of the
// menu and of the footer identifiers in site.yaml, reach an intake page
// without a restart. Before there is any chrome the page has its plain
// header and footer.
func TestServeIntakeChrome(t *testing.T) {
	root, url := devSite(t)
	page := url + "api/no-such-page" // the intake's error page
	plain := waitFor(t, page, "主办单位：")
	if strings.Contains(plain, "网站标识码") || strings.Contains(plain, "主导航") {
		t.Errorf("without chrome the intake's page shows a site header or footer:\n%s", plain)
	}
	yaml := func(siteCode, extraMenu string) string {
		return "title: 测试\nbaseURL: https://www.example.gov.cn/zlj/\nfooter:\n  sponsor: 测试单位\n  siteCode: \"" + siteCode + "\"\n" +
			"  icp: 豫ICP备00000000号\n  publicSec: 豫公网安备41012202000000号\nmenus:\n  main:\n    - {name: 首页, url: /}\n    - {name: 通知公告, url: /notices/}\n" + extraMenu
	}
	saveAtomically(t, filepath.Join(root, "site.yaml"), yaml("4101220001", ""))
	writeTree(t, root, map[string]string{
		"theme/layouts/partials/header.html":        `<header><nav aria-label="主导航"><ul>{{ range index .Menus "main" }}<li><a href="{{ relURL .URL }}">{{ .Name }}</a></li>{{ end }}</ul></nav></header>`,
		"theme/layouts/partials/footer.html":        `<footer>{{ with .Site.Footer }}<p>主办单位：{{ .Sponsor }}</p><p>网站标识码：{{ .SiteCode }}　{{ .ICP }}　{{ .PublicSec }}</p>{{ end }}</footer>`,
		"theme/layouts/partials/intake-header.html": `{{ template "partials/header.html" .Site }}`,
		"theme/layouts/partials/intake-footer.html": `{{ template "partials/footer.html" . }}`,
	})
	got := waitFor(t, page, "网站标识码：4101220001")
	for _, w := range []string{`<li><a href="/zlj/notices/">通知公告</a></li>`, "豫ICP备00000000号", "豫公网安备41012202000000号", "主办单位：测试单位"} {
		if !strings.Contains(got, w) {
			t.Errorf("the intake's page lacks %s:\n%s", w, got)
		}
	}
	if strings.Contains(got, `<span class="site-org">`) {
		t.Errorf("the intake's page shows its plain header besides the site's:\n%s", got)
	}
	saveAtomically(t, filepath.Join(root, "site.yaml"), yaml("4101220002", "    - {name: 公示, url: /publicity/}\n"))
	got = waitFor(t, page, "网站标识码：4101220002")
	if !strings.Contains(got, `<li><a href="/zlj/publicity/">公示</a></li>`) {
		t.Errorf("a menu entry added to site.yaml did not reach the intake's page:\n%s", got)
	}
}
