package intake

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zhongmou/award/internal/pagechrome"
)

// siteChrome is a chrome as the site build writes it, with the main menu
// and the footer's identifiers.
var siteChrome = pagechrome.Chrome{Version: pagechrome.Version,
	Header: `<header class="site-header"><p class="site-title"><a href="/">中牟县县长质量奖</a></p>` +
		`<div class="display-modes" role="group" aria-label="显示设置"><button type="button" class="mode-toggle" data-mode="large-text" aria-pressed="false">大字模式</button></div>` +
		`<nav class="main-nav" aria-label="主导航"><ul class="menu"><li><a href="/">首页</a></li><li><a href="/policy/">政策文件</a></li><li><a href="/winners/">获奖组织风采</a></li><li><a href="/search/">站内搜索</a></li></ul></nav></header>` + "\n",
	Footer: `<footer class="site-footer"><nav class="footer-links" aria-label="网站信息"><ul><li><a href="/about/">关于本站</a></li></ul></nav>` +
		`<p>主办单位：中牟县市场监督管理局</p><p>网站标识码：4101220001　<a href="https://beian.miit.gov.cn/">豫ICP备00000000号-1</a>　<a href="https://beian.mps.gov.cn/">豫公网安备41012202000000号</a></p></footer>` + "\n",
}

// chromeWants are what the site's chrome brings to every page: its menu
// entries and the footer's identifiers, none of which the intake's own
// plain header and footer have.
var chromeWants = []string{`<li><a href="/policy/">政策文件</a></li>`, `<li><a href="/winners/">获奖组织风采</a></li>`, `<li><a href="/search/">站内搜索</a></li>`,
	`<a href="/about/">关于本站</a>`, "网站标识码：4101220001", `<a href="https://beian.miit.gov.cn/">豫ICP备00000000号-1</a>`,
	`<a href="https://beian.mps.gov.cn/">豫公网安备41012202000000号</a>`}

// pageKeeps are what every page has whichever header and footer it shows.
var pageKeeps = []string{`<a class="skip" href="#main">跳到正文</a>`, `<main id="main" tabindex="-1">`, `<script src="/js/display-modes.js" defer></script>`,
	`<script src="/js/form-checks.js" defer></script>`, `<script src="/js/form-errors.js" defer></script>`, `data-mode="large-text"`}

// intakePages fetches a form, a receipt and an error page.
func intakePages(t *testing.T, e *testEnv) map[string]string {
	t.Helper()
	got := decode[objectionResponse](t, e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json"))
	return map[string]string{
		"form":    getBody(t, e.http.URL+"/api/objections/new?publicity=pub-2026&candidate=c01", http.StatusOK),
		"receipt": getBody(t, e.http.URL+got.Receipt, http.StatusOK),
		"error":   getBody(t, e.http.URL+"/api/no-such-page", http.StatusNotFound),
	}
}

// TestPagesShowSiteChrome: the intake's pages show the header and footer
// the site build wrote, as they are, in place of their own, and pick up the
// chrome file when it is written after the start; without it they show
// their plain header and footer, and the server says so in its log.
func TestPagesShowSiteChrome(t *testing.T) {
	fsys := fstest.MapFS{}
	chrome := pagechrome.Open(fsys, 0)
	e := newEnv(t, dirStore(t), nil)
	e.srv.pages.chrome = chrome

	for name, page := range intakePages(t, e) {
		for _, w := range pageKeeps {
			if !strings.Contains(page, w) {
				t.Errorf("without chrome, the %s page lacks %s", name, w)
			}
		}
		if !strings.Contains(page, "主办单位："+e.srv.cfg.Secretariat) || !strings.Contains(page, `<span class="site-org">中牟县人民政府</span>中牟县县长质量奖`) {
			t.Errorf("without chrome, the %s page lacks the plain header or footer:\n%s", name, page)
		}
		if strings.Contains(page, "网站标识码") {
			t.Errorf("without chrome, the %s page shows identifiers it has no source for", name)
		}
	}

	data, err := siteChrome.Encode()
	if err != nil {
		t.Fatal(err)
	}
	fsys[pagechrome.Name] = &fstest.MapFile{Data: data, ModTime: time.Unix(1, 0)}
	for name, page := range intakePages(t, e) {
		for _, w := range append(append([]string{siteChrome.Header, siteChrome.Footer}, chromeWants...), pageKeeps...) {
			if !strings.Contains(page, w) {
				t.Errorf("the %s page lacks %s", name, w)
			}
		}
		if strings.Count(page, "<header") != 1 || strings.Count(page, "<footer") != 1 || strings.Count(page, `aria-label="主导航"`) != 1 {
			t.Errorf("the %s page has more than the site's header and footer:\n%s", name, page)
		}
		head, rest, _ := strings.Cut(page, siteChrome.Header)
		if !strings.HasSuffix(strings.TrimSpace(head), `<a class="skip" href="#main">跳到正文</a>`) ||
			!strings.HasPrefix(strings.TrimSpace(rest), `<main id="main"`) || !strings.Contains(rest, "</main>\n"+siteChrome.Footer) {
			t.Errorf("the %s page does not put the header between the skip link and <main>, and the footer after it:\n%s", name, page)
		}
	}
}

// TestMissingChromeLogged: without the site's chrome the server warns,
// naming the file and why; with it, it does not.
func TestMissingChromeLogged(t *testing.T) {
	var log bytes.Buffer
	p := &pages{chrome: pagechrome.Open(fstest.MapFS{}, 0)}
	p.warnNoChrome(slog.New(slog.NewTextHandler(&log, nil)))
	if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), pagechrome.Name) || !strings.Contains(log.String(), "file does not exist") {
		t.Errorf("no warning about the missing chrome; log:\n%s", log.String())
	}
	log.Reset()
	(&pages{}).warnNoChrome(slog.New(slog.NewTextHandler(&log, nil)))
	if !strings.Contains(log.String(), "level=WARN") {
		t.Errorf("no warning without any chrome source; log:\n%s", log.String())
	}
	log.Reset()
	data, _ := siteChrome.Encode()
	p = &pages{chrome: pagechrome.Open(fstest.MapFS{pagechrome.Name: {Data: data}}, 0)}
	p.warnNoChrome(slog.New(slog.NewTextHandler(&log, nil)))
	if log.Len() > 0 {
		t.Errorf("a warning although the chrome is there:\n%s", log.String())
	}
}
