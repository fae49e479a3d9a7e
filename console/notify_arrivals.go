package console

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/submission"
)

// arrivalHorizon: at start, submissions received longer ago than this are
// taken as already told about (an old store is not announced again).
const arrivalHorizon = 7 * 24 * time.Hour

// Run does the console's background work until ctx is done: the
// secretariat's mail about new submissions (see tellArrivals), the
// winners' report reminders (see remindReports) and, every
// hour, the pruning of ended sessions and old sign-in records.
func (s *Server) Run(ctx context.Context) {
	go s.runArrivals(ctx)
	go s.runReminders(ctx)
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
// Supplements (answers to a notice, with a deadline running) are told one
// message each whatever the Digest (tellSupplements).
func (s *Server) tellArrivals(ctx context.Context, told map[string]bool) error {
	if err := s.tellSupplements(ctx, told); err != nil {
		return err
	}
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

// tellSupplements queues a message to the secretariat for each
// supplement received (收到补正材料): the reference, 补正 n, when, the
// items it brought and the console's link to the case; never an identity.
// One listing of supplements/ per pass; a supplement's record is read once
// per process (told). Its ID names the supplement, so that replicas queue
// it once. Supplements stored longer ago than arrivalHorizon are taken as
// told about.
func (s *Server) tellSupplements(ctx context.Context, told map[string]bool) error {
	infos, err := s.archive.Store().List(ctx, "supplements/")
	if err != nil {
		return fmt.Errorf("list supplements: %w", err)
	}
	now := s.now()
	for _, in := range infos {
		of, own, ok := submission.SupplementOf(in.Key)
		if !ok {
			continue
		}
		id := "supplement-" + own
		if told[id] {
			continue
		}
		if now.Sub(in.Modified) > arrivalHorizon {
			told[id] = true
			continue
		}
		c, err := s.archive.Case(ctx, of)
		if err != nil {
			s.log.Warn("supplement mail not queued: case not read", "reference", of, "supplement", own, "err", err)
			continue
		}
		n := c.SupplementNumber(own)
		if n == 0 {
			s.log.Warn("supplement mail not queued: supplement not read with its case", "reference", of, "supplement", own)
			continue
		}
		sup := c.Supplements[n-1]
		sum := summarize(c.Manifest)
		moved := ""
		if c.Current.Code == submission.StageCorrected {
			moved = "\n  当前阶段：" + c.Current.Label
		}
		body := fmt.Sprintf("收到一份补正材料：\n\n  受理编号：%s（%s）\n  单位：%s\n  补正：%s（答复第 %d 号办理记录的补正告知）\n  收到时间：%s\n  补正的项目：%s%s\n\n请登录秘书处工作台查看：%s\n",
			c.Manifest.Reference, sum.KindLabel, sum.Org, archive.OriginLabel(n), sup.Notice, sup.ReceivedAt.In(s.loc).Format("2006年1月2日 15:04"),
			suppliedItems(c.Manifest.Kind, sup), moved, s.caseLink(c.Manifest.Reference))
		if err := s.toStaff(ctx, id, fmt.Sprintf("【县长质量奖】收到补正材料 %s（%s）", c.Manifest.Reference, archive.OriginLabel(n)), body); err != nil {
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

// caseLink is the console's page of the case ref.
func (s *Server) caseLink(ref string) string {
	return strings.TrimSuffix(s.consoleLink(), "/") + "/cases/" + ref
}
