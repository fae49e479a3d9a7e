package drafts

import (
	"fmt"
	"strings"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/workday"
)

// Kinds of generation (Request.Kind).
const (
	KindPublicity = "publicity" // 候选组织名单公示
	KindResult    = "result"    // 候选组织公示结果
	KindWinners   = "winners"   // 获奖组织页面和获奖通报
)

// Request is one generation as the command line and the console ask for
// it: the call or publicity by id (looked up in Windows, the built site's
// windows.json), the dates, and who asks.
type Request struct {
	Kind, Call, Publicity string
	// ID is the publicity's id (KindPublicity; default PublicityID).
	ID string
	// Start is the publicity's first day (default: the next working day
	// after Today); Date the page's date (default Today).
	Start, Date, Today workday.Date
	Windows            *schedule.Manifest
	Calendar           *workday.Calendar
	// CloseTime and Contact are the site's publicityCloseTime and its
	// footer's address and telephone (ContactLines).
	CloseTime   string
	Contact     []string
	GeneratedBy string
}

// PublicityStart is the publicity's first day the request gives.
func (r *Request) PublicityStart() (workday.Date, error) {
	if !r.Start.IsZero() {
		if r.Start.Before(r.Today) {
			return r.Start, fmt.Errorf("公示开始日期%s早于今天", r.Start.Chinese())
		}
		return r.Start, nil
	}
	if r.Calendar == nil {
		return r.Start, fmt.Errorf("没有载入节假日安排（holidays.yaml），无法计算公示期")
	}
	return r.Calendar.AddWorkingDays(r.Today, 1)
}

// Generate makes the request's drafts from the applications.
func (r *Request) Generate(apps []Application) ([]Draft, error) {
	if r.Windows == nil {
		r.Windows = &schedule.Manifest{}
	}
	date := r.Date
	if date.IsZero() {
		date = r.Today
	}
	prov := Provenance{GeneratedBy: r.GeneratedBy, Date: date}
	var call *schedule.Call
	if r.Kind != KindResult {
		if call = r.Windows.Call(r.Call); call == nil {
			return nil, fmt.Errorf("已生成的网站（windows.json）中没有编号为 %q 的申报通知：请核对编号，或先生成网站", r.Call)
		}
	}
	switch r.Kind {
	case KindPublicity:
		start, err := r.PublicityStart()
		if err != nil {
			return nil, err
		}
		prov.Date = r.Today
		d, err := Publicity(apps, PublicityOptions{Call: *call, ID: r.ID, Start: start, Calendar: r.Calendar,
			CloseTime: r.CloseTime, Contact: r.Contact, Provenance: prov})
		if err != nil {
			return nil, err
		}
		id := strings.TrimSuffix(strings.TrimPrefix(d.Name, SectionPublicity+"/"), ".md")
		if r.Windows.Publicity(id) != nil {
			return nil, fmt.Errorf("公示编号 %s 已被网站上的公示使用：请另取一个编号", id)
		}
		return []Draft{*d}, nil
	case KindResult:
		p := r.Windows.Publicity(r.Publicity)
		if p == nil {
			return nil, fmt.Errorf("已生成的网站（windows.json）中没有编号为 %q 的公示：请核对编号；公示须先发布，公示结果在公示期满后生成", r.Publicity)
		}
		d, err := Result(apps, ResultOptions{Publicity: *p, Provenance: prov})
		if err != nil {
			return nil, err
		}
		return []Draft{*d}, nil
	case KindWinners:
		return Winners(apps, WinnersOptions{Call: *call, Provenance: prov})
	}
	return nil, fmt.Errorf("unknown draft kind %q", r.Kind)
}
