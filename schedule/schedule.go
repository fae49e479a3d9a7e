// Package schedule holds the award's time windows: calls for applications
// (申报通知, content type "call") and publicity lists of candidates (公示,
// content type "publicity"). The site's content is the one place a clerk
// sets them; the site build validates them against the working-day calendar
// and writes them into a manifest (windows.json) that the intake reads. The
// intake decides whether a window is open by its own clock against the
// manifest, with OpenAt; the site only displays.
package schedule

import (
	"fmt"
	"time"

	"github.com/zhongmou/award/workday"
)

// MinWorkingDays is the shortest publicity the measures allow (Art. 17(8)).
const MinWorkingDays = 5

// Publicity is a publicity list of candidates with its objection window.
type Publicity struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	Session     int          `json:"session,omitempty"` // 届
	URL         string       `json:"url"`
	FirstDay    workday.Date `json:"firstDay"` // the start date
	LastDay     workday.Date `json:"lastDay"`  // the last day of the window
	WorkingDays int          `json:"workingDays"`
	// Opens and Closes bound the window [Opens, Closes): Opens is FirstDay
	// 00:00; Closes is LastDay at the closing time (24:00 by default, that is
	// the next day 00:00).
	Opens      time.Time   `json:"opens"`
	Closes     time.Time   `json:"closes"`
	Candidates []Candidate `json:"candidates"`
}

// Candidate is an organisation on a publicity list.
type Candidate struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CreditCode string `json:"creditCode"`
	Industry   string `json:"industry"`
	Township   string `json:"township"`
	Summary    string `json:"summary,omitempty"`
	// Reference is the candidate's application (its 受理编号) on a list
	// generated from the records (internal/drafts); "" on a list typed by
	// hand.
	Reference string `json:"reference,omitempty"`
	// FormURL is the objection form for this candidate.
	FormURL string `json:"formURL"`
}

// Call is a call for applications with its window.
type Call struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Session int       `json:"session"` // 届
	Year    int       `json:"year"`
	URL     string    `json:"url"`
	FormURL string    `json:"formURL"`
	Opens   time.Time `json:"opens"`
	Closes  time.Time `json:"closes"` // exclusive
	// Recommendation is how the township's 初审 and 推荐意见 (Art. 17(3))
	// come: RecommendationOnline, the township recommends in the console
	// and the applicant's stamped upload is optional; "" or
	// RecommendationUpload (front matter default), the applicant uploads
	// the stamped 推荐意见, as before.
	Recommendation string `json:"recommendation,omitempty"`
}

// The calls' recommendation modes (front matter recommendation:).
const (
	RecommendationOnline = "online"
	RecommendationUpload = "upload"
)

// RecommendsOnline reports whether the township recommends in the console.
func (c *Call) RecommendsOnline() bool { return c.Recommendation == RecommendationOnline }

// State is where a window stands at a moment.
type State int

// States of a window.
const (
	NotStarted State = iota
	Open
	Closed
)

func stateAt(opens, closes, now time.Time) State {
	switch {
	case now.Before(opens):
		return NotStarted
	case now.Before(closes):
		return Open
	default:
		return Closed
	}
}

// OpenAt reports whether objections are accepted at now.
func (p *Publicity) OpenAt(now time.Time) bool { return stateAt(p.Opens, p.Closes, now) == Open }

// StateAt returns the window's state at now.
func (p *Publicity) StateAt(now time.Time) State { return stateAt(p.Opens, p.Closes, now) }

// StateLabel is the state at now in words: 未开始, 公示中 or 已结束.
func (p *Publicity) StateLabel(now time.Time) string {
	return [...]string{"未开始", "公示中", "已结束"}[p.StateAt(now)]
}

// Candidate returns a candidate by id, or nil.
func (p *Publicity) Candidate(id string) *Candidate {
	for i := range p.Candidates {
		if p.Candidates[i].ID == id {
			return &p.Candidates[i]
		}
	}
	return nil
}

// Period states the window in full, e.g.
// "2026年11月20日至2026年11月26日（5个工作日）", with the closing time when it
// is not the end of the day.
func (p *Publicity) Period() string {
	end := p.LastDay.Chinese()
	if h, m, _ := p.Closes.Clock(); (h != 0 || m != 0) && workday.DateOf(p.Closes) == p.LastDay {
		end += fmt.Sprintf("%d:%02d", h, m)
	}
	return fmt.Sprintf("%s至%s（%d个工作日）", p.FirstDay.Chinese(), end, p.WorkingDays)
}

// OpenAt reports whether applications are accepted at now.
func (c *Call) OpenAt(now time.Time) bool { return stateAt(c.Opens, c.Closes, now) == Open }

// StateAt returns the call's state at now.
func (c *Call) StateAt(now time.Time) State { return stateAt(c.Opens, c.Closes, now) }

// StateLabel is the state at now in words: 未开始, 申报中 or 已截止.
func (c *Call) StateLabel(now time.Time) string {
	return [...]string{"未开始", "申报中", "已截止"}[c.StateAt(now)]
}

// Period states the call's window, e.g. "2026年3月2日9:00至2026年4月30日17:30".
func (c *Call) Period() string {
	f := func(t time.Time) string {
		return fmt.Sprintf("%d年%d月%d日%d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
	}
	return f(c.Opens) + "至" + f(c.Closes)
}
