package console

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/staff"
)

var pagerLink = regexp.MustCompile(`<a href="([^"]+)" rel="(prev|next)">`)

// TestInboxPagerKeepsFilters follows the pager's 下一页 and 上一页 links of a
// filtered inbox (three cases a page): each page keeps the filter and
// names its number.
func TestInboxPagerKeepsFilters(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	for range 4 {
		e.addApplication("中牟县某某食品有限公司", "91410122MA44XXXX1X", "韩寺镇")
	}
	for range 3 {
		e.addApplication("中牟县另一家公司", "91410122MA44YYYY2Y", "官渡镇")
	}
	e.addObjection()
	clerk := e.signIn("zhangli", staff.Secretariat, "")

	links := func(page string) map[string]string {
		out := map[string]string{}
		for _, m := range pagerLink.FindAllStringSubmatch(page, -1) {
			out[m[2]] = html.UnescapeString(m[1])
		}
		return out
	}
	resp, page := clerk.get("/staff/?" + url.Values{"kind": {"application"}, "township": {"韩寺镇"}}.Encode())
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "符合条件的 4 件，第 1 / 2 页") {
		t.Fatalf("first page: %d\n%s", resp.StatusCode, page)
	}
	next := links(page)["next"]
	if next == "" {
		t.Fatalf("first page has no 下一页:\n%s", page)
	}
	resp, page = clerk.get(next)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "符合条件的 4 件，第 2 / 2 页") {
		t.Fatalf("下一页 %s: %d, the filter or the page lost:\n%s", next, resp.StatusCode, page)
	}
	prev := links(page)["prev"]
	if prev == "" {
		t.Fatalf("second page has no 上一页:\n%s", page)
	}
	resp, page = clerk.get(prev)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "符合条件的 4 件，第 1 / 2 页") {
		t.Fatalf("上一页 %s: %d, the filter or the page lost:\n%s", prev, resp.StatusCode, page)
	}
}

// TestAuditPagerKeepsFilter follows the audit log's 更早的记录 link of a
// filtered log: the next page keeps the filter and starts before the
// first page's last record.
func TestAuditPagerKeepsFilter(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	for i := range auditPageSize + 5 {
		if _, err := e.arch.Audit(t.Context(), archive.AuditRecord{Operator: "wangke", Action: archive.ActionExport, Details: map[string]int{"n": i}}); err != nil {
			t.Fatal(err)
		}
	}
	clerk := e.signIn("zhangli", staff.Secretariat, "")
	resp, page := clerk.get("/staff/audit?" + url.Values{"operator": {"wangke"}}.Encode())
	m := pagerLink.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("first page: %d, no 更早的记录 link", resp.StatusCode)
	}
	next := html.UnescapeString(m[1])
	u, err := url.Parse(next)
	if err != nil || u.Query().Get("operator") != "wangke" || u.Query().Get("before") == "" {
		t.Fatalf("更早的记录 %q loses the filter or the page", next)
	}
	resp, page = clerk.get(next)
	if resp.StatusCode != http.StatusOK || strings.Count(page, "wangke") < 5 {
		t.Errorf("the next page %s: %d, the 5 earlier records not shown", next, resp.StatusCode)
	}
}
