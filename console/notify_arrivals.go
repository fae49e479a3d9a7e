package console

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/notify"
)

// arrivalHorizon: at start, submissions received longer ago than this are
// taken as already told about (an old store is not announced again).
const arrivalHorizon = 7 * 24 * time.Hour

// Run does the console's background work until ctx is done: the
// secretariat's mail about new submissions (see tellArrivals) and, every
// hour, the pruning of ended sessions and old sign-in records.
func (s *Server) Run(ctx context.Context) {
	go s.runArrivals(ctx)
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := s.staff.Prune(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sessions not pruned", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// runArrivals tells the secretariat (Config.NotifyTo) about new
// submissions until ctx is done: a message for each (Digest "each"), or one
// a day at DigestHour listing the previous day's (Digest "daily"). Message
// IDs name the submission or the day, so that replicas running this at
// once queue each message once.
func (s *Server) runArrivals(ctx context.Context) {
	if s.outbox == nil || len(s.cfg.NotifyTo) == 0 {
		return
	}
	told := map[string]bool{}
	t := time.NewTicker(s.cfg.WatchEvery)
	defer t.Stop()
	for {
		if err := s.tellArrivals(ctx, told); err != nil && ctx.Err() == nil {
			s.log.Warn("arrival mail not queued", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// tellArrivals queues what is due now; told remembers what this process
// has queued already (an optimisation: the queue itself refuses twins).
func (s *Server) tellArrivals(ctx context.Context, told map[string]bool) error {
	all, err := s.cases.all(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	if s.cfg.Digest == "daily" {
		local := now.In(s.loc)
		if local.Hour() < s.cfg.DigestHour {
			return nil
		}
		day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.loc)
		id := "digest-" + day.Format("2006-01-02")
		if told[id] {
			return nil
		}
		var b strings.Builder
		n := 0
		for _, c := range all {
			if !c.ReceivedAt.Before(day.AddDate(0, 0, -1)) && c.ReceivedAt.Before(day) {
				n++
				fmt.Fprintf(&b, "  %s  %s  %s  %s\n", c.Reference, c.KindLabel, c.ReceivedAt.In(s.loc).Format("01-02 15:04"), c.Org)
			}
		}
		body := fmt.Sprintf("%s 共收到 %d 件申报和异议：\n\n%s\n请登录秘书处工作台查看：%s\n", day.AddDate(0, 0, -1).Format("2006年1月2日"), n, b.String(), s.consoleLink())
		if err := s.toStaff(ctx, id, fmt.Sprintf("【县长质量奖】%s 收件汇总：%d 件", day.AddDate(0, 0, -1).Format("1月2日"), n), body); err != nil {
			return err
		}
		told[id] = true
		return nil
	}
	for _, c := range all {
		id := "new-" + c.Reference
		if told[id] || now.Sub(c.ReceivedAt) > arrivalHorizon {
			continue
		}
		body := fmt.Sprintf("收到一件新的%s：\n\n  受理编号：%s\n  收到时间：%s\n  征集或公示：%s\n  单位：%s\n\n请登录秘书处工作台查看：%s\n",
			c.KindLabel, c.Reference, c.ReceivedAt.In(s.loc).Format("2006年1月2日 15:04"), c.WindowTitle, c.Org, s.consoleLink())
		if err := s.toStaff(ctx, id, fmt.Sprintf("【县长质量奖】新收到%s %s", c.KindLabel, c.Reference), body); err != nil {
			return err
		}
		told[id] = true
	}
	return nil
}

// toStaff queues one message to each of the secretariat's addresses.
func (s *Server) toStaff(ctx context.Context, id, subject, body string) error {
	for i, to := range s.cfg.NotifyTo {
		m := notify.Message{ID: fmt.Sprintf("%s-%d", id, i+1), To: to, Subject: subject, Body: body}
		if err := s.outbox.Enqueue(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// consoleLink is where staff sign in, as this console is configured.
func (s *Server) consoleLink() string {
	if s.cfg.URL != "" {
		return s.cfg.URL
	}
	return "http://" + s.cfg.Addr + Prefix
}
