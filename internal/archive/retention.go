package archive

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/submission"
)

// Retention is how long submissions are kept, by kind and outcome: what
// each form's privacy notice states (PIPL Art. 17), and what the janitor's
// purge applies, never earlier (PIPL Art. 19 and 47). Periods end at the
// close of a year in the archive's time zone (China Standard Time): "3
// years after the round" of a round in 2026 ends at 2030-01-01 00:00.
//
// A submission is deleted (manifest, files, supplements, attachments; see
// purgeExpired) once the moment Until gives has passed, and, with
// Config.RetentionDays > 0, not before RetentionDays after it was received
// either. A period of 0 years deletes at the end of the base (the round's
// year, the validity); only RetentionDays 0 keeps everything for good.
//
// The audit log is not a submission: nothing deletes it (see audit.go).
type Retention struct {
	// ValidityYears is how long an award is valid, counted from its award
	// year (3: the award year and the next two). It is the validity the
	// winners' annual reports run over (Art. 29) as well (env
	// AWARD_VALIDITY_YEARS).
	ValidityYears int `yaml:"validityYears"`
	// WonYears: an application that won (获奖) is kept until its award's
	// validity ends, then WonYears more (env AWARD_RETENTION_WON_YEARS).
	WonYears int `yaml:"wonYears"`
	// OtherYears: any other application is kept OtherYears after the end of
	// its round: the year of its last handling (its receipt when it has no
	// events) (env AWARD_RETENTION_OTHER_YEARS).
	OtherYears int `yaml:"otherYears"`
	// ObjectionYears: an objection is kept ObjectionYears after the year of
	// its outcome (查实, 不属实, 不予受理); one still open, after the year of
	// its last handling (env AWARD_RETENTION_OBJECTION_YEARS).
	ObjectionYears int `yaml:"objectionYears"`
	// ReportYears: a winner's annual report is kept until the validity of
	// the award it reports on ends, then ReportYears more (env
	// AWARD_RETENTION_REPORT_YEARS).
	ReportYears int `yaml:"reportYears"`
}

// DefaultRetention is the retention of `make run`: winners' applications
// and reports 10 years past the award's validity (the county's archives
// keep award files for 10 years), other applications and objections 3
// years past their round or outcome.
func DefaultRetention() Retention {
	return Retention{ValidityYears: 3, WonYears: 10, OtherYears: 3, ObjectionYears: 3, ReportYears: 10}
}

// check reports a negative period.
func (r Retention) check() error {
	for _, v := range []int{r.ValidityYears, r.WonYears, r.OtherYears, r.ObjectionYears, r.ReportYears} {
		if v < 0 {
			return fmt.Errorf("配置有误：retention 下的年数（validityYears、wonYears、otherYears、objectionYears、reportYears）不能为负数")
		}
	}
	return nil
}

// Decision is when a submission may be deleted, and why.
type Decision struct {
	// Until is the moment from which it may be deleted.
	Until time.Time
	// Rule says which rule gave Until, for the log ("获奖，有效期至（2028年）后10年").
	Rule string
}

// Decide says until when the case's submission is kept, its times read in
// loc. Supplements and attachments go with the submission they belong to.
func (r Retention) Decide(c *Case, loc *time.Location) Decision {
	m := c.Manifest
	last := m.ReceivedAt
	if len(c.Events) > 0 {
		if at := c.Events[len(c.Events)-1].At; at.After(last) {
			last = at
		}
	}
	yearOf := func(t time.Time) int { return t.In(loc).Year() }
	after := func(year, years int, rule string) Decision {
		return Decision{Until: time.Date(year+years+1, 1, 1, 0, 0, 0, 0, loc), Rule: fmt.Sprintf("%s（%d年）%s", rule, year, later(years))}
	}
	switch m.Kind {
	case submission.KindApplication:
		if c.Current.Code == submission.StageAwarded {
			awarded := yearOf(last)
			for _, ev := range c.Events {
				if st, ok := submission.StageOfStatus(m.Kind, ev); ok && st.Code == submission.StageAwarded {
					awarded = yearOf(ev.At)
				}
			}
			return after(r.validityEnd(awarded), r.WonYears, "获奖，有效期至")
		}
		return after(yearOf(last), r.OtherYears, "评选结束")
	case submission.KindObjection:
		for _, ev := range c.Events {
			if ev.Outcome != nil {
				return after(yearOf(ev.At), r.ObjectionYears, "异议办结")
			}
		}
		return after(yearOf(last), r.ObjectionYears, "异议最后办理")
	default:
		// A winner's annual report: the award year it reports on.
		year := yearOf(m.ReceivedAt)
		if y, err := strconv.Atoi(strings.TrimSpace(m.Fields["awardYear"])); err == nil && y > 1900 {
			year = y
		}
		return after(r.validityEnd(year), r.ReportYears, "年度报告，获奖有效期至")
	}
}

// validityEnd is the last year of the validity of an award of the year.
func (r Retention) validityEnd(year int) int {
	if r.ValidityYears <= 0 {
		return year
	}
	return year + r.ValidityYears - 1
}

// ApplicationNotice is the retention sentence of the application form's
// privacy notice.
func (r Retention) ApplicationNotice() string {
	return "保存期限：获奖的，保存至获奖有效期（" + strconv.Itoa(r.ValidityYears) + "年）届满" + later(r.WonYears) +
		"；未获奖的，保存至评选结束当年年底" + later(r.OtherYears) + "。期满后删除申报材料和联系人信息。"
}

// ObjectionNotice is the retention sentence of the objection form's
// privacy notice.
func (r Retention) ObjectionNotice() string {
	return "保存期限：保存至异议办理完结当年年底" + later(r.ObjectionYears) + "，期满后删除异议材料和异议人信息。"
}

// ReportNotice is the retention sentence of the annual report form's
// privacy notice.
func (r Retention) ReportNotice() string {
	return "保存期限：保存至获奖有效期届满" + later(r.ReportYears) + "，期满后删除报告材料和联系人信息。"
}

// later is "后3年" for 3 years, "" for none.
func later(n int) string {
	if n == 0 {
		return ""
	}
	return "后" + strconv.Itoa(n) + "年"
}
