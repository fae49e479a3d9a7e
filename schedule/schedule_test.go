package schedule

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zhongmou/award/workday"
)

func rules(t *testing.T) Rules {
	t.Helper()
	cal, err := workday.Load(os.DirFS(".."), "holidays.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	return Rules{Calendar: cal, Location: sh, ParseTime: func(s string) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		for _, l := range []string{"2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.ParseInLocation(l, s, sh); err == nil {
				return t, nil
			}
		}
		return time.Parse(time.RFC3339, s)
	}}
}

const candidates = `
candidates:
  - {id: c01, name: 中牟县示例食品有限公司, creditCode: 91410122MA00J8NW0M, industry: 食品制造, township: 雁鸣湖镇}
  - {id: c02, name: 郑州示例机械有限公司, creditCode: 91410122MA0E24W21B, industry: 装备制造, township: 姚家镇}
`

func TestPublicityWorkingDays(t *testing.T) {
	r := rules(t)
	p, errs := ParsePublicity([]byte("id: pub-2026\ntitle: 公示\nstart: 2026-11-20\nworkingDays: 5\n"+candidates), r)
	if errs != nil {
		t.Fatal(errs)
	}
	if p.LastDay != workday.D(2026, 11, 26) || p.WorkingDays != 5 {
		t.Errorf("last day %s (%d days), want 2026-11-26 (5)", p.LastDay, p.WorkingDays)
	}
	if got := p.Opens.Format(time.RFC3339) + " " + p.Closes.Format(time.RFC3339); got != "2026-11-20T00:00:00+08:00 2026-11-27T00:00:00+08:00" {
		t.Errorf("window %s", got)
	}
	if p.Period() != "2026年11月20日至2026年11月26日（5个工作日）" {
		t.Errorf("period %q", p.Period())
	}
	sh := r.Location
	for _, c := range []struct {
		at    time.Time
		state string
	}{
		{time.Date(2026, 11, 19, 23, 59, 59, 0, sh), "未开始"},
		{time.Date(2026, 11, 20, 0, 0, 0, 0, sh), "公示中"},
		{time.Date(2026, 11, 26, 23, 59, 59, 0, sh), "公示中"},
		{time.Date(2026, 11, 27, 0, 0, 0, 0, sh), "已结束"},
		{time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC), "已结束"}, // 00:00 on the 27th in Shanghai
	} {
		if got := p.StateLabel(c.at); got != c.state {
			t.Errorf("state at %v = %s, want %s", c.at, got, c.state)
		}
		if p.OpenAt(c.at) != (c.state == "公示中") {
			t.Errorf("OpenAt(%v) = %v", c.at, p.OpenAt(c.at))
		}
	}
	if p.Candidate("c02") == nil || p.Candidate("c09") != nil {
		t.Error("Candidate lookup")
	}
}

func TestPublicityEndAndCloseTime(t *testing.T) {
	r := rules(t)
	r.CloseTime = "17:30"
	p, errs := ParsePublicity([]byte("id: pub\nstart: 2026-09-30\nend: 2026-10-12\n"+candidates), r)
	if errs != nil {
		t.Fatal(errs)
	}
	if p.WorkingDays != 5 || p.Closes.Format(time.RFC3339) != "2026-10-12T17:30:00+08:00" {
		t.Errorf("%d days, closes %v", p.WorkingDays, p.Closes)
	}
	if p.Period() != "2026年9月30日至2026年10月12日17:30（5个工作日）" {
		t.Errorf("period %q", p.Period())
	}
}

func TestPublicityRejections(t *testing.T) {
	r := rules(t)
	cases := []struct {
		name, fm string
		field    string
		line     int
		msg      string
	}{
		{"four working days", "id: p\nstart: 2026-11-20\nworkingDays: 4\n" + candidates, "workingDays", 3, "不得少于5个工作日"},
		{"end too early across 国庆", "id: p\nstart: 2026-09-30\nend: 2026-10-09\n" + candidates, "end", 3, "只有3个工作日"},
		{"into 2027", "id: p\nstart: 2026-12-28\nworkingDays: 5\n" + candidates, "workingDays", 3, "2027年的节假日安排尚未载入"},
		{"both", "id: p\nstart: 2026-11-20\nworkingDays: 5\nend: 2026-11-30\n" + candidates, "end", 4, "只能写一个"},
		{"neither", "id: p\nstart: 2026-11-20\n" + candidates, "workingDays", 0, "请写 workingDays"},
		{"bad start", "id: p\nstart: 2026-11-31\nworkingDays: 5\n" + candidates, "start", 2, "不是日期"},
		{"bad id", "id: 公示\nstart: 2026-11-20\nworkingDays: 5\n" + candidates, "id", 1, "稳定的 id"},
		{"bad credit code", "id: p\nstart: 2026-11-20\nworkingDays: 5\ncandidates:\n  - {id: c01, name: a, creditCode: 91410122MA00J8NW0X, industry: b, township: c}\n", "candidates[0].creditCode", 5, "校验位不正确"},
		{"duplicate candidate", "id: p\nstart: 2026-11-20\nworkingDays: 5\ncandidates:\n  - {id: c01, name: a, creditCode: 91410122MA00J8NW0M, industry: b, township: c}\n  - {id: c01, name: b, creditCode: 91410122MA0E24W21B, industry: b, township: c}\n", "candidates[1].id", 6, "与第1个重复"},
		{"no candidates", "id: p\nstart: 2026-11-20\nworkingDays: 5\n", "candidates", 0, "没有候选组织"},
		{"bad close time", "id: p\nstart: 2026-11-20\nworkingDays: 5\ncloseTime: 25:00\n" + candidates, "closeTime", 4, "截止时刻"},
	}
	for _, c := range cases {
		p, errs := ParsePublicity([]byte(c.fm), r)
		if p != nil || len(errs) == 0 {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		found := false
		for _, e := range errs {
			if e.Field == c.field && strings.Contains(e.Msg, c.msg) {
				found = true
				if e.Line != c.line {
					t.Errorf("%s: %s on line %d, want %d", c.name, e.Field, e.Line, c.line)
				}
			}
		}
		if !found {
			t.Errorf("%s: errors %v lack %s: …%s…", c.name, errs, c.field, c.msg)
		}
	}
}

func TestCall(t *testing.T) {
	r := rules(t)
	c, errs := ParseCall([]byte("id: call-2026\nsession: 7\nyear: 2026\nopens: 2026-03-02T09:00:00\ncloses: 2026-04-30T17:30:00\n"), r)
	if errs != nil {
		t.Fatal(errs)
	}
	if c.Period() != "2026年3月2日9:00至2026年4月30日17:30" {
		t.Errorf("period %q", c.Period())
	}
	if c.StateLabel(time.Date(2026, 4, 30, 17, 29, 0, 0, r.Location)) != "申报中" || c.StateLabel(time.Date(2026, 4, 30, 17, 30, 0, 0, r.Location)) != "已截止" {
		t.Error("call closes at 17:30")
	}
	c, errs = ParseCall([]byte("id: c\nsession: 7\nyear: 2026\nopens: 2026-03-02\ncloses: 2026-04-30\n"), r)
	if errs != nil || c.Closes.Format(time.RFC3339) != "2026-05-01T00:00:00+08:00" {
		t.Errorf("date-only closes: %v %v", c, errs)
	}
	_, errs = ParseCall([]byte("id: c\nsession: 0\nopens: 2026-05-02\ncloses: 2026-04-30\n"), r)
	var fieldsHit []string
	for _, e := range errs {
		fieldsHit = append(fieldsHit, e.Field)
	}
	if strings.Join(fieldsHit, ",") != "session,year,closes" {
		t.Errorf("errors on %v, want session, year, closes", fieldsHit)
	}
}

func TestManifestRoundTripAndReload(t *testing.T) {
	r := rules(t)
	p, _ := ParsePublicity([]byte("id: pub-2026\nstart: 2026-11-20\nworkingDays: 5\n"+candidates), r)
	m := &Manifest{Version: ManifestVersion, TimeZone: "Asia/Shanghai", Publicities: []Publicity{*p}}
	data, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{ManifestName: {Data: data, ModTime: time.Unix(1, 0)}}
	mf, err := OpenManifest(fsys, ManifestName, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := mf.Current().Publicity("pub-2026")
	if got == nil || !got.Closes.Equal(p.Closes) || got.LastDay != p.LastDay || len(got.Candidates) != 2 {
		t.Fatalf("round trip lost data: %+v", got)
	}
	m.Publicities[0].ID = "pub-renamed"
	data, _ = m.Encode()
	fsys[ManifestName] = &fstest.MapFile{Data: data, ModTime: time.Unix(2, 0)}
	if mf.Current().Publicity("pub-renamed") == nil {
		t.Error("changed manifest not reloaded")
	}
	fsys[ManifestName] = &fstest.MapFile{Data: []byte(`{"version": 99}`), ModTime: time.Unix(3, 0)}
	if mf.Current().Publicity("pub-renamed") == nil || mf.Err() == nil || !strings.Contains(mf.Err().Error(), "version 99") {
		t.Errorf("a bad manifest replaced the good one or went unreported: %v", mf.Err())
	}
}

// TestCallRecommendation: recommendation: online says the township
// recommends in the console; upload or nothing keeps the applicant's
// stamped upload (""); anything else is refused, naming the field.
func TestCallRecommendation(t *testing.T) {
	r := rules(t)
	base := "id: c\nsession: 7\nyear: 2026\nopens: 2026-03-02\ncloses: 2026-04-30\n"
	for fm, want := range map[string]string{"": "", "recommendation: upload\n": "", "recommendation: online\n": RecommendationOnline} {
		c, errs := ParseCall([]byte(base+fm), r)
		if errs != nil || c.Recommendation != want || c.RecommendsOnline() != (want == RecommendationOnline) {
			t.Errorf("%q: %+v %v", fm, c, errs)
		}
	}
	_, errs := ParseCall([]byte(base+"recommendation: paper\n"), r)
	if len(errs) != 1 || errs[0].Field != "recommendation" || !strings.Contains(errs[0].Msg, "online") {
		t.Errorf("recommendation: paper: %v", errs)
	}
}
