package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/internal/winners"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/workday"
)

// Which reminder of a report call a mail is.
const (
	remindBefore = "before" // reports.remindDays working days before the close
	remindClose  = "close"  // on the close day
)

// reminderPrefix is where the reminders sent are recorded, one record per
// (call, winner, which), written only if absent.
const reminderPrefix = "report-reminders/"

// reminderKey is the record of one reminder.
func reminderKey(call, code, which string) string {
	return reminderPrefix + keyPart(call) + "/" + keyPart(code) + "-" + which + ".json"
}

// keyPart is s as a storage key element: lower case, letters, digits, '-'.
func keyPart(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}

// runReminders sends the report reminders that are due (remindReports)
// at start and then every hour until ctx is done.
func (s *Server) runReminders(ctx context.Context) {
	if s.outbox == nil {
		return
	}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := s.remindReports(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("report reminders not all queued", "queued", n, "err", err)
		} else if n > 0 {
			s.log.Info("report reminders queued", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// reminderDue says which reminder of the report call is due on today:
// remindClose on its close day (the day of its last moment), remindBefore
// on the working day with reports.remindDays working days after it up to
// the close day, "" on any other day or when the call is not open now.
func (s *Server) reminderDue(c schedule.ReportCall, now time.Time) string {
	if !c.OpenAt(now) {
		return ""
	}
	today := workday.DateOf(now.In(s.loc))
	closeDay := workday.DateOf(c.Closes.Add(-time.Nanosecond).In(s.loc))
	if today == closeDay {
		return remindClose
	}
	n := s.cfg.Reports.RemindDays
	if n <= 0 || s.calendar == nil {
		return ""
	}
	if ok, err := s.calendar.IsWorkingDay(today); err != nil || !ok {
		return ""
	}
	left, err := s.calendar.CountWorkingDays(today.AddDays(1), closeDay)
	if err != nil || left != n {
		return ""
	}
	return remindBefore
}

// remindReports mails, for each open report call whose reminder is due
// today, every winner in validity that has not filed: once per (call,
// winner, which reminder), whichever replica runs it first — the send is
// claimed by writing its record only if absent, then queued in the outbox
// (whose message IDs are unique too). The address is the winning
// application's contact email, unsealed only to send. A winner without an
// application (taken from the site's pages) has no address and is left to
// the secretariat's list. It returns how many reminders it queued.
func (s *Server) remindReports(ctx context.Context) (int, error) {
	if s.outbox == nil {
		return 0, nil
	}
	now := s.now()
	m := s.windowsNow()
	type dueCall struct {
		call  schedule.ReportCall
		which string
	}
	var due []dueCall
	for _, c := range m.ReportCalls {
		if w := s.reminderDue(c, now); w != "" {
			due = append(due, dueCall{c, w})
		}
	}
	if len(due) == 0 {
		return 0, nil
	}
	all, err := s.register().Winners(ctx)
	if err != nil {
		return 0, err
	}
	reports, err := s.archive.Reports(ctx)
	if err != nil {
		return 0, err
	}
	store := s.archive.Store()
	queued := 0
	var errs []error
	for _, d := range due {
		c := d.call
		// The reminders already recorded, listed once per run, so that an
		// hourly run on a due day does not open every winner's
		// application again; the claim in remind stays the guard.
		recorded, err := store.List(ctx, reminderPrefix+keyPart(c.ID)+"/")
		if err != nil {
			errs = append(errs, fmt.Errorf("reminders of %s: %w", c.ID, err))
			continue
		}
		done := make(map[string]bool, len(recorded))
		for _, info := range recorded {
			done[info.Key] = true
		}
		for _, row := range s.reportStatus(c, all, reports).Rows {
			if row.Filed || row.Application == "" || row.CreditCode == "" || done[reminderKey(c.ID, row.CreditCode, d.which)] {
				continue
			}
			sent, err := s.remind(ctx, c, row.Entry, d.which)
			if err != nil {
				errs = append(errs, err)
			}
			if sent {
				queued++
			}
		}
	}
	return queued, errors.Join(errs...)
}

// remind claims and queues one reminder; false when another run had it.
func (s *Server) remind(ctx context.Context, c schedule.ReportCall, e winners.Entry, which string) (bool, error) {
	app, err := s.archive.Find(ctx, e.Application)
	if err != nil {
		return false, fmt.Errorf("reminder %s %s: %w", c.ID, e.Application, err)
	}
	id, err := s.archive.OpenApplicant(app)
	if err != nil {
		return false, fmt.Errorf("reminder %s %s: %w", c.ID, e.Application, err)
	}
	if id.Email == "" {
		return false, nil
	}
	key := reminderKey(c.ID, e.CreditCode, which)
	rec, _ := json.Marshal(struct {
		Call, Application, Which string
		At                       time.Time
	}{c.ID, e.Application, which, s.now().UTC()})
	store := s.archive.Store()
	if _, err := store.Put(ctx, key, bytes.NewReader(rec), storage.PutOptions{IfAbsent: true, ContentType: "application/json"}); errors.Is(err, storage.ErrExists) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("reminder %s: %w", key, err)
	}
	msg := notify.Message{ID: "remind-" + keyPart(c.ID) + "-" + keyPart(e.CreditCode) + "-" + which, To: id.Email,
		Subject: s.reminderSubject(c, which), Body: s.reminderBody(c, e, which)}
	if err := s.outbox.Enqueue(ctx, msg); err != nil {
		// Not queued: let a later run try again.
		if derr := store.Delete(ctx, key); derr != nil {
			s.log.Warn("reminder record not removed", "key", key, "err", derr)
		}
		return false, fmt.Errorf("reminder %s: %w", key, err)
	}
	return true, nil
}

func (s *Server) reminderSubject(c schedule.ReportCall, which string) string {
	if which == remindClose {
		return fmt.Sprintf("今天截止：请报送%d年度自评报告和奖金使用情况", c.Year)
	}
	return fmt.Sprintf("提醒：请于%s前报送%d年度自评报告和奖金使用情况", cnDeadline(c.Closes, s.loc), c.Year)
}

func (s *Server) reminderBody(c schedule.ReportCall, e winners.Entry, which string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s：\n\n", e.OrgName)
	if which == remindClose {
		fmt.Fprintf(&b, "《%s》规定的报送今天截止（%s）。", c.Title, cnDeadline(c.Closes, s.loc))
	} else {
		fmt.Fprintf(&b, "《%s》规定的报送将于%s截止。", c.Title, cnDeadline(c.Closes, s.loc))
	}
	fmt.Fprintf(&b, "贵单位于%d年获第%d届中牟县县长质量奖，获奖有效期为%s，截至目前尚未报送%d年度报告。\n\n", e.AwardYear, e.Session, e.Validity(), c.Year)
	b.WriteString("请按《中牟县县长质量奖管理办法》第二十四条、第二十九条，在截止前通过网站在线报送《自评报告》（PDF、OFD 或 Word 文件）和奖金使用情况（按用途分项填写金额，附使用凭证）：\n")
	fmt.Fprintf(&b, "%s\n\n", s.publicLink(c.FormURL))
	b.WriteString("报送时请填写本单位的统一社会信用代码（须与获奖时一致）和名称。是否在截止前报送，以全部内容上传完成的时间为准。已经报送的，请忽略本邮件。\n\n")
	fmt.Fprintf(&b, "如有疑问，请联系%s。\n", s.cfg.Contact)
	return b.String()
}

// publicLink is a site path as applicants reach it (Config.PublicURL).
func (s *Server) publicLink(path string) string {
	if path == "" {
		path = "/"
	}
	return strings.TrimSuffix(s.cfg.PublicURL, "/") + path
}

// cnDeadline writes a window's end (exclusive) as people read it:
// 2026年12月31日17:30; a window ending at midnight is the day before's 24:00.
func cnDeadline(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if t.Hour() == 0 && t.Minute() == 0 {
		d := t.Add(-time.Nanosecond)
		return fmt.Sprintf("%d年%d月%d日24:00", d.Year(), int(d.Month()), d.Day())
	}
	return fmt.Sprintf("%d年%d月%d日%d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
}
