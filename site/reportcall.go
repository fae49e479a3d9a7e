package site

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/zhongmou/award/schedule"
)

// TypeReportCall is the content type of a winners' annual report call
// (年度报告通知: the 《自评报告》 of Art. 29 and the 奖金使用情况 of Art. 24 of
// the Measures): front matter id, year, opens and closes, like a call.
const TypeReportCall = "report-call"

// reportFormPath is the intake's report form, which report calls link to
// (?call=ID).
const reportFormPath = "/api/reports/new"

// readReportCall reads the window of a report call page from its front
// matter; problems name the file, the field and its line.
func (b *builder) readReportCall(p *Page, explicitType string, fm []byte, ps *problems) {
	if p.Kind != KindPage || explicitType != TypeReportCall {
		return
	}
	var errs []schedule.FieldError
	p.ReportCall, errs = schedule.ParseReportCall(fm, b.windowRules())
	addFieldErrors(ps, b.contentName(p.File), errs)
}

// linkReportCalls gives report calls their URLs and form links, and checks
// that their ids are unique among report calls.
func (b *builder) linkReportCalls() {
	ids := map[string]*Page{}
	for i, p := range slices.Concat(b.pages, b.pending) {
		c := p.ReportCall
		if c == nil {
			continue
		}
		if i >= len(b.pages) {
			p.RelPermalink, p.Permalink = b.cfg.pageURLs(p.Path)
		}
		c.Title, c.URL = p.Title, p.RelPermalink
		c.FormURL = b.cfg.RelURL(reportFormPath) + "?" + url.Values{"call": {c.ID}}.Encode()
		if other, dup := ids[c.ID]; dup {
			b.probs.add(b.contentName(p.File), 1, "id %q 已被 %s 使用：每个年度报告通知的 id 必须唯一", c.ID, b.contentName(other.File))
		}
		ids[c.ID] = p
	}
}

// addReports puts the report calls (published and pending) and the
// winners of the published winner pages into the windows manifest, for the
// intake's report form and the console's register of winners.
func (b *builder) addReports(m *schedule.Manifest) {
	for _, p := range slices.Concat(b.pages, b.pending) {
		if p.ReportCall != nil {
			m.ReportCalls = append(m.ReportCalls, *p.ReportCall)
		}
	}
	slices.SortFunc(m.ReportCalls, func(x, y schedule.ReportCall) int {
		return cmp.Or(y.Opens.Compare(x.Opens), strings.Compare(x.ID, y.ID))
	})
	for _, p := range b.pages {
		if p.Kind != KindPage || p.Type != TypeWinner {
			continue
		}
		session, ok1 := winnerInt(p.Params["session"])
		year, ok2 := winnerInt(p.Params["awardYear"])
		if !ok1 || !ok2 || session <= 0 || year == 0 {
			continue
		}
		name := strings.TrimSpace(p.Title)
		if org, ok := p.Params["organisation"].(string); ok && strings.TrimSpace(org) != "" {
			name = strings.TrimSpace(org)
		}
		code := ""
		if v, ok := p.Params["creditCode"]; ok && v != nil {
			code = strings.ToUpper(strings.TrimSpace(fmt.Sprint(v)))
		}
		m.Winners = append(m.Winners, schedule.Winner{OrgName: name, CreditCode: code, Session: session, AwardYear: year, URL: p.RelPermalink})
	}
	slices.SortFunc(m.Winners, func(x, y schedule.Winner) int {
		return cmp.Or(y.Session-x.Session, strings.Compare(x.OrgName, y.OrgName))
	})
}
