package site

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zhongmou/award/schedule"
)

// TestReportCall: the repository's report call (content/notices/
// 2026-report-call.md) and the winner pages reach windows.json — the call
// with its window and form link, the winners with their session, award
// year and, when the page gives one, credit code — and the call's page
// says who files, until when, and links the form; a report call without
// its id or year fails the build naming the field.
func TestReportCall(t *testing.T) {
	content := repoContent(t)
	content["winners/coded.md"] = &fstest.MapFile{Data: []byte("---\ntitle: 中牟县示例代码有限公司\ndate: 2026-06-26T09:00:00\ntype: winner\n" +
		"session: 7\nawardYear: 2025\ncreditCode: 91410122ma00j8nw0m\n---\n正文。\n")}
	cfg := repoConfig(t)
	build := func(c fs.FS) (*MemOutput, error) {
		out := NewMemOutput()
		_, err := Build(context.Background(), Options{Content: c, Theme: os.DirFS("../themes/default"), Config: cfg, Output: out,
			Now: time.Date(2026, 12, 2, 12, 0, 0, 0, cfg.Location()), ContentLabel: "content", Calendar: repoCalendar(t)})
		return out, err
	}
	out, err := build(content)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := out.File(schedule.ManifestName)
	m, err := schedule.DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	c := m.ReportCall("report-2026")
	if c == nil || c.Year != 2026 || c.FormURL != "/api/reports/new?call=report-2026" || c.URL != "/notices/2026-report-call/" ||
		c.Closes.In(cfg.Location()).Format("2006-01-02 15:04") != "2026-12-31 17:30" {
		t.Fatalf("report call in the manifest: %+v", c)
	}
	var coded *schedule.Winner
	for i, w := range m.Winners {
		if w.OrgName == "中牟县示例代码有限公司" {
			coded = &m.Winners[i]
		}
	}
	if len(m.Winners) < 2 || coded == nil || coded.CreditCode != "91410122MA00J8NW0M" || coded.Session != 7 || coded.AwardYear != 2025 {
		t.Fatalf("winners in the manifest: %+v", m.Winners)
	}
	page, _ := out.File("notices/2026-report-call/index.html")
	for _, want := range []string{`id="who"`, "获奖有效期内的县长质量奖获奖组织", "2026年12月31日17:30", `href="/api/reports/new?call=report-2026"`, "第二十四条"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report call page lacks %q", want)
		}
	}
	content["notices/bad-report.md"] = &fstest.MapFile{Data: []byte("---\ntitle: 缺少年度\ndate: 2026-11-20T09:00:00\ntype: report-call\n" +
		"id: report-bad\nopens: 2026-12-01T09:00:00\ncloses: 2026-12-31\n---\n正文。\n")}
	if _, err := build(content); err == nil || !strings.Contains(err.Error(), "year") || !strings.Contains(err.Error(), "bad-report.md") {
		t.Errorf("a report call without its year: %v", err)
	}
}
