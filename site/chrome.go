package site

import (
	"bytes"
	"html/template"

	"github.com/zhongmou/award/internal/pagechrome"
)

// The theme partials that render the intake pages' chrome.
const (
	chromeHeader = "partials/intake-header.html"
	chromeFooter = "partials/intake-footer.html"
)

// chromeJob writes the page chrome for the intake (pagechrome.Name) when
// the theme has the intake-header and intake-footer partials: each is
// executed with a *View holding only the Site (the intake's pages are none
// of the site's), and the two fragments go into the file. A theme with
// only one of them fails the build before anything is written. The chrome
// depends on the configuration and the theme alone, so a body-only edit
// leaves it as it is.
func (b *builder) chromeJob() (job, bool) {
	header, footer := b.theme.shared.Lookup(chromeHeader), b.theme.shared.Lookup(chromeFooter)
	if header == nil && footer == nil {
		return job{}, false
	}
	file := func(name string) string { return joinLabel(b.opts.ThemeLabel, "layouts/"+name) }
	if header == nil || footer == nil {
		have, what, lack := chromeHeader, "页眉", chromeFooter
		if header == nil {
			have, what, lack = chromeFooter, "页脚", chromeHeader
		}
		b.probs.add(file(have), 0, "主题有受理页面的%s模板，却没有 layouts/%s：受理页面的页眉和页脚模板须同时提供（或都不提供）", what, lack)
		return job{}, false
	}
	return job{name: pagechrome.Name, source: file(chromeHeader), render: func() ([]byte, error) {
		view := &View{Site: b.site}
		exec := func(t *template.Template, name string) (string, error) {
			var buf bytes.Buffer
			if err := t.Execute(&buf, view); err != nil {
				return "", &Problem{File: file(name), Msg: "模板出错：" + err.Error()}
			}
			return buf.String(), nil
		}
		h, err := exec(header, chromeHeader)
		if err != nil {
			return nil, err
		}
		f, err := exec(footer, chromeFooter)
		if err != nil {
			return nil, err
		}
		c := &pagechrome.Chrome{Version: pagechrome.Version, Header: h, Footer: f}
		return c.Encode()
	}}, true
}
