package site

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/zhongmou/award/schedule"
)

// Content types with a window.
const (
	TypePublicity = "publicity"
	TypeCall      = "call"
)

// readWindow reads the window of a publicity or call page from its front
// matter; problems name the file, the field and its line.
// Only pages whose front matter says the type carry a window (not the
// section's list page, whose type defaults to the section's name).
func (b *builder) readWindow(p *Page, explicitType string, fm []byte, ps *problems) {
	if p.Kind != KindPage || (explicitType != TypePublicity && explicitType != TypeCall) {
		return
	}
	file := b.contentName(p.File)
	if b.opts.Calendar == nil {
		ps.add(file, 1, "没有载入节假日安排（holidays.yaml），无法计算公示和申报期限")
		return
	}
	loc := b.cfg.Location()
	rules := schedule.Rules{
		Calendar: b.opts.Calendar, Location: loc, CloseTime: b.cfg.PublicityCloseTime,
		ParseTime: func(s string) (time.Time, error) { return ParseDate(s, loc) },
	}
	var errs []schedule.FieldError
	if explicitType == TypePublicity {
		p.Publicity, errs = schedule.ParsePublicity(fm, rules)
	} else {
		p.Call, errs = schedule.ParseCall(fm, rules)
	}
	for _, e := range errs {
		line := 1
		if e.Line > 0 {
			line = e.Line + 1 // front matter starts on the file's second line
		}
		ps.add(file, line, "%s", e.Error())
	}
}

// linkWindows gives windows their URLs, lists them on the site, checks that
// ids are unique and that the forms they link to are part of the site.
func (b *builder) linkWindows() {
	ids := map[string]*Page{}
	for _, p := range b.pages {
		var id string
		switch {
		case p.Publicity != nil:
			id = p.Publicity.ID
			p.Publicity.Title, p.Publicity.URL = p.Title, p.RelPermalink
			for i := range p.Publicity.Candidates {
				c := &p.Publicity.Candidates[i]
				c.FormURL = b.cfg.RelURL(b.cfg.ObjectionForm) + "?" + url.Values{"publicity": {id}, "candidate": {c.ID}}.Encode()
			}
			b.site.Publicities = append(b.site.Publicities, p)
			b.checkForm(p, b.cfg.ObjectionForm)
		case p.Call != nil:
			id = p.Call.ID
			p.Call.Title, p.Call.URL = p.Title, p.RelPermalink
			p.Call.FormURL = b.cfg.RelURL(b.cfg.ApplicationForm) + "?" + url.Values{"call": {id}}.Encode()
			b.site.Calls = append(b.site.Calls, p)
			b.checkForm(p, b.cfg.ApplicationForm)
		default:
			continue
		}
		if other, dup := ids[id]; dup {
			b.probs.add(b.contentName(p.File), 1, "id %q 已被 %s 使用：每个公示和申报通知的 id 必须唯一", id, b.contentName(other.File))
		}
		ids[id] = p
	}
	sort.SliceStable(b.site.Publicities, func(i, j int) bool {
		return b.site.Publicities[i].Publicity.Opens.After(b.site.Publicities[j].Publicity.Opens)
	})
	sort.SliceStable(b.site.Calls, func(i, j int) bool {
		return b.site.Calls[i].Call.Opens.After(b.site.Calls[j].Call.Opens)
	})
}

// checkForm adds a form's path to the page's links for checking, unless it
// is the intake's (under /api/), which the build cannot see.
func (b *builder) checkForm(p *Page, form string) {
	if strings.HasPrefix(form, intakePrefix) {
		return
	}
	p.links = append(p.links, pageLink{dest: form, target: form, line: 1})
	p.ownLinks = len(p.links)
}

// manifestJob writes windows.json: every call and publicity, for the intake.
func (b *builder) manifestJob() job {
	return job{name: schedule.ManifestName, source: "windows manifest", render: func() ([]byte, error) {
		m := &schedule.Manifest{
			Version: schedule.ManifestVersion, TimeZone: b.cfg.TimeZone,
			Calls: []schedule.Call{}, Publicities: []schedule.Publicity{},
		}
		for _, p := range b.site.Calls {
			m.Calls = append(m.Calls, *p.Call)
		}
		for _, p := range b.site.Publicities {
			m.Publicities = append(m.Publicities, *p.Publicity)
		}
		return m.Encode()
	}}
}
