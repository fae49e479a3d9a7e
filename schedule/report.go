package schedule

import (
	"fmt"
	"strings"
	"time"
)

// ReportCall is the annual call for the winners' reports (年度报告：《自评报告》
// per Art. 29 of the Measures and the 奖金使用情况 per Art. 24), content type
// "report-call": the winners whose award is valid in Year file through its
// form between Opens and Closes (exclusive).
type ReportCall struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Year    int       `json:"year"`
	URL     string    `json:"url"`
	FormURL string    `json:"formURL"`
	Opens   time.Time `json:"opens"`
	Closes  time.Time `json:"closes"` // exclusive
}

// Winner is an organisation that won the award, as a winner's page of the
// site (type "winner", 获奖组织风采) states it: the register of winners
// (internal/winners) takes the earlier sessions' winners from these.
type Winner struct {
	OrgName    string `json:"orgName"`
	CreditCode string `json:"creditCode,omitempty"`
	Session    int    `json:"session"`
	AwardYear  int    `json:"awardYear"`
	URL        string `json:"url,omitempty"`
}

// ReportCall returns a report call by id, or nil.
func (m *Manifest) ReportCall(id string) *ReportCall {
	for i := range m.ReportCalls {
		if m.ReportCalls[i].ID == id {
			return &m.ReportCalls[i]
		}
	}
	return nil
}

// OpenAt reports whether reports are accepted at now.
func (c *ReportCall) OpenAt(now time.Time) bool { return stateAt(c.Opens, c.Closes, now) == Open }

// StateAt returns the report call's state at now.
func (c *ReportCall) StateAt(now time.Time) State { return stateAt(c.Opens, c.Closes, now) }

// StateLabel is the state at now in words: 未开始, 报送中 or 已截止.
func (c *ReportCall) StateLabel(now time.Time) string {
	return [...]string{"未开始", "报送中", "已截止"}[c.StateAt(now)]
}

// Period states the window, e.g. "2027年3月1日9:00至2027年3月31日17:30".
func (c *ReportCall) Period() string {
	return (&Call{Opens: c.Opens, Closes: c.Closes}).Period()
}

type reportCallFM struct {
	Title  string `yaml:"title"`
	ID     string `yaml:"id"`
	Year   int    `yaml:"year"`
	Opens  string `yaml:"opens"`
	Closes string `yaml:"closes"`
}

// ParseReportCall reads and checks a report call's front matter: id, year
// (the year whose reports are called for), opens and closes (date-times;
// a closes without a time means the end of that day), closes after opens.
func ParseReportCall(fm []byte, r Rules) (*ReportCall, []FieldError) {
	f, err := newFields(fm)
	if err != nil {
		return nil, []FieldError{{Field: "front matter", Msg: err.Error()}}
	}
	var v reportCallFM
	if err := f.root.Decode(&v); err != nil {
		return nil, []FieldError{{Field: "front matter", Msg: err.Error()}}
	}
	c := &ReportCall{ID: v.ID, Title: v.Title, Year: v.Year}
	if !idPattern.MatchString(v.ID) {
		f.fail("年度报告通知需要稳定的 id，只用小写字母、数字和连字符，如 report-2026", "id")
	}
	if v.Year < 2000 {
		f.fail("请写明报告年度（获奖组织报送哪一年的自评报告和奖金使用情况），如 year: 2026", "year")
	}
	opens, err := r.ParseTime(v.Opens)
	if err != nil || opens.IsZero() {
		f.fail("报送开始时间 opens "+errText(v.Opens == "", "缺失，请写成 2026-12-01T09:00:00", err), "opens")
	}
	closes, err := r.ParseTime(v.Closes)
	if err != nil || closes.IsZero() {
		f.fail("报送截止时间 closes "+errText(v.Closes == "", "缺失，请写成 2026-12-31T17:30:00", err), "closes")
	} else if len(strings.TrimSpace(v.Closes)) == len("2006-01-02") {
		closes = closes.AddDate(0, 0, 1) // a date alone: to the end of that day
	}
	if !opens.IsZero() && !closes.IsZero() && !closes.After(opens) {
		f.fail("报送截止时间必须晚于开始时间", "closes")
	}
	c.Opens, c.Closes = opens, closes
	if len(f.errs) > 0 {
		return nil, f.errs
	}
	return c, nil
}

// checkReports refuses report calls and winners that lack what the intake
// relies on.
func (m *Manifest) checkReports() error {
	for i, c := range m.ReportCalls {
		if c.ID == "" || c.Year == 0 || !c.Closes.After(c.Opens) {
			return fmt.Errorf("report call %d (%q): id, year and a window with closes after opens are required", i, c.ID)
		}
	}
	for i, w := range m.Winners {
		if w.OrgName == "" || w.Session <= 0 || w.AwardYear == 0 {
			return fmt.Errorf("winner %d (%q): orgName, session and awardYear are required", i, w.OrgName)
		}
	}
	return nil
}
