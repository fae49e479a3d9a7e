package site

import (
	"cmp"
	"net/url"
	"slices"
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
	rules := b.windowRules()
	var errs []schedule.FieldError
	if explicitType == TypePublicity {
		p.Publicity, errs = schedule.ParsePublicity(fm, rules)
	} else {
		p.Call, errs = schedule.ParseCall(fm, rules)
	}
	addFieldErrors(ps, file, errs)
}

// windowRules are the rules a window's front matter is read by: the
// holiday calendar, the site's time zone and closing time.
func (b *builder) windowRules() schedule.Rules {
	loc := b.cfg.Location()
	return schedule.Rules{
		Calendar: b.opts.Calendar, Location: loc, CloseTime: b.cfg.PublicityCloseTime,
		ParseTime: func(s string) (time.Time, error) { return ParseDate(s, loc) },
	}
}

// addFieldErrors adds the front matter's field errors to ps at their lines
// in file (the front matter starts on the file's second line).
func addFieldErrors(ps *problems, file string, errs []schedule.FieldError) {
	for _, e := range errs {
		line := 1
		if e.Line > 0 {
			line = e.Line + 1
		}
		ps.add(file, line, "%s", e.Error())
	}
}

// hasWindow reports whether the page carries a publicity or call window.
func (p *Page) hasWindow() bool { return p.Publicity != nil || p.Call != nil }

// checkPublishTime fails a publicity or call page that would be published
// after its window opens: its date, or its publishDate if given, must be at
// or before the window's Opens (equal is fine). Otherwise a build made
// before the publish time leaves the page out as "future" while the window
// is already open, and the intake would accept submissions for a window no
// page has announced. Problems name the key's line and both times.
func (b *builder) checkPublishTime(p *Page, fm []byte, ps *problems) {
	loc := b.cfg.Location()
	var opens time.Time
	var what, window, accepts, later string
	switch {
	case p.Publicity != nil:
		opens = p.Publicity.Opens
		what, accepts, later = "公示页面", "异议受理会在页面发布前开始", "或把 start 推迟"
		window = "公示期开始时间（" + showTime(opens, loc) + "，即 start 当天零时）"
	case p.Call != nil:
		opens = p.Call.Opens
		what, accepts, later = "申报通知", "申报受理会在通知发布前开始", "或把 opens 推迟"
		window = "申报开始时间（opens: " + showTime(opens, loc) + "）"
	default:
		return
	}
	for _, d := range []struct {
		key string
		t   time.Time
	}{{"date", p.Date}, {"publishDate", p.PublishDate}} {
		if d.t.IsZero() || !d.t.After(opens) {
			continue // in time
		}
		line := keyLine(fm, d.key)
		if line == 1 {
			continue // not given: publishDate is then date's, reported as date
		}
		ps.add(b.contentName(p.File), line, "%s：%s的发布时间（%s: %s）晚于%s：%s。请把 %s 改为不晚于 %s 的时间（可写 %s 或更早），%s",
			d.key, what, d.key, showTime(d.t, loc), window, accepts,
			d.key, showTime(opens, loc), opens.In(loc).Format("2006-01-02T15:04:05"), later)
	}
}

// showTime is a moment as a clerk reads it: 2026-11-20 09:00 (seconds only
// when there are any), in loc.
func showTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if t.Second() != 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}

// linkWindows gives windows their URLs, lists them on the site, checks that
// ids are unique and that the forms they link to are part of the site.
// Windows of pending pages (published later) get their URLs and count for
// unique ids, but are not listed on the site: they only go into windows.json.
func (b *builder) linkWindows() {
	ids := map[string]*Page{}
	for i, p := range slices.Concat(b.pages, b.pending) {
		published := i < len(b.pages)
		if !published {
			p.RelPermalink, p.Permalink = b.cfg.pageURLs(p.Path)
		}
		var id string
		switch {
		case p.Publicity != nil:
			id = p.Publicity.ID
			p.Publicity.Title, p.Publicity.URL = p.Title, p.RelPermalink
			for i := range p.Publicity.Candidates {
				c := &p.Publicity.Candidates[i]
				c.FormURL = b.cfg.RelURL(b.cfg.ObjectionForm) + "?" + url.Values{"publicity": {id}, "candidate": {c.ID}}.Encode()
			}
			if published {
				b.site.Publicities = append(b.site.Publicities, p)
				b.checkForm(p, b.cfg.ObjectionForm)
			}
		case p.Call != nil:
			id = p.Call.ID
			p.Call.Title, p.Call.URL = p.Title, p.RelPermalink
			p.Call.FormURL = b.cfg.RelURL(b.cfg.ApplicationForm) + "?" + url.Values{"call": {id}}.Encode()
			if published {
				b.site.Calls = append(b.site.Calls, p)
				b.checkForm(p, b.cfg.ApplicationForm)
			}
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

// manifestJob writes windows.json for the intake: every call and publicity
// of the published pages and of the pending ones (published later, so that
// a build made before a page's publish time already carries its window),
// each kind sorted by opening time, newest first, then by id.
func (b *builder) manifestJob() job {
	return job{name: schedule.ManifestName, source: "windows manifest", render: func() ([]byte, error) {
		m := &schedule.Manifest{
			Version: schedule.ManifestVersion, TimeZone: b.cfg.TimeZone,
			Calls: []schedule.Call{}, Publicities: []schedule.Publicity{},
		}
		for _, p := range slices.Concat(b.pages, b.pending) {
			switch {
			case p.Call != nil:
				m.Calls = append(m.Calls, *p.Call)
			case p.Publicity != nil:
				m.Publicities = append(m.Publicities, *p.Publicity)
			}
		}
		slices.SortFunc(m.Calls, func(x, y schedule.Call) int {
			return cmp.Or(y.Opens.Compare(x.Opens), strings.Compare(x.ID, y.ID))
		})
		slices.SortFunc(m.Publicities, func(x, y schedule.Publicity) int {
			return cmp.Or(y.Opens.Compare(x.Opens), strings.Compare(x.ID, y.ID))
		})
		b.addReports(m)
		return m.Encode()
	}}
}
