package console

import (
	"context"
	"fmt"
	"strings"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/submission"
)

// tellSubmitter queues the mail that tells a submitter their case moved
// to another stage, when they gave an address: the reference, the new
// stage, the public note and the receipt link, and no other personal data.
// Its ID names the case and the event, so that it is queued once however
// often this runs (replicas, retries). Failures are logged: the move itself
// is stored and shown on the receipt.
func (s *Server) tellSubmitter(ctx context.Context, ref string, ev submission.Status) {
	if s.outbox == nil {
		return
	}
	c, err := s.archive.Case(ctx, ref)
	if err != nil {
		s.log.Warn("stage mail not queued: submission not read", "reference", ref, "err", err)
		return
	}
	m := c.Manifest
	addr, err := s.submitterAddress(m)
	if err != nil {
		s.log.Warn("stage mail not queued: identity not opened", "reference", ref, "err", err)
		return
	}
	if addr == "" {
		return
	}
	st, _ := submission.StageOf(m.Kind, ev.Stage)
	what := "申报"
	if m.Kind == kindObjection {
		what = "异议"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "您好：\n\n您提交的中牟县县长质量奖%s（受理编号 %s）办理进度有更新：\n\n    当前阶段：%s\n", what, m.Reference, st.Label)
	if ev.Note != "" && !ev.Internal {
		fmt.Fprintf(&b, "    说明：%s\n", ev.Note)
	}
	if link := s.receiptLink(c); link != "" {
		fmt.Fprintf(&b, "\n查看回执和办理进度：%s\n", link)
	} else {
		b.WriteString("\n请用提交时保存的回执链接查看办理进度。\n")
	}
	b.WriteString("\n本邮件由系统自动发送，请勿直接回复。如有疑问，请致电中牟县县长质量奖评审委员会办公室（县市场监管局）。\n")
	msg := notify.Message{ID: fmt.Sprintf("stage-%s-%d", m.Reference, ev.Seq), To: addr,
		Subject: fmt.Sprintf("【中牟县县长质量奖】受理编号 %s 办理进度：%s", m.Reference, st.Label), Body: b.String()}
	if err := s.outbox.Enqueue(ctx, msg); err != nil {
		s.log.Error("stage mail not queued", "reference", ref, "err", err)
	}
}

// submitterAddress is the address the submitter gave, "" if none.
func (s *Server) submitterAddress(m *submission.Manifest) (string, error) {
	if m.Identity == nil {
		return "", nil
	}
	id, err := s.archive.OpenIdentity(m)
	if err != nil {
		return "", err
	}
	return id.NotifyEmail(), nil
}

// receiptLink is the submission's receipt page on the public site, "" when
// the receipt token was not kept for it.
func (s *Server) receiptLink(c *archive.Case) string {
	m := c.Manifest
	tok, err := s.archive.ReceiptToken(c)
	if err != nil || tok == "" {
		return ""
	}
	return strings.TrimSuffix(s.cfg.PublicURL, "/") + "/api/receipts/" + m.Reference + "?token=" + tok
}
