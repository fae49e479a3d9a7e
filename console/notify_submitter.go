package console

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/submission"
)

// tellSubmitter queues the mail that tells a submitter their case moved
// to another stage, when they gave an address: the reference, the new
// stage, the public note and the receipt link, and no other personal data.
// A notice (Status.Correction) and an extension of its deadline
// (Status.Extension) are written out: each item with its reason, the
// deadline as a date, and how to submit. Its ID names the case and the
// event, so that it is queued once however often this runs (replicas,
// retries). Failures are logged: the move itself is stored and shown on
// the receipt.
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
	if m.Kind == submission.KindReport {
		what = "年度报告"
	}
	link := s.receiptLink(c)
	subject := fmt.Sprintf("【中牟县县长质量奖】受理编号 %s 办理进度：%s", m.Reference, st.Label)
	var b strings.Builder
	switch n := noticeAt(c, ev.Seq); {
	case ev.Correction != nil && n != nil:
		subject = fmt.Sprintf("【中牟县县长质量奖】受理编号 %s %s：请于 %s 前补正", m.Reference, st.Label, archive.ChineseDate(n.Due()))
		fmt.Fprintf(&b, "您好：\n\n您提交的中牟县县长质量奖%s（受理编号 %s）经秘书处审查，%s。现一次性告知需要补正的全部内容（共 %d 项）：\n\n",
			what, m.Reference, st.Label, len(n.Items))
		writeNotice(&b, n, ev.Note)
		s.writeHowToSupplement(&b, link)
	case ev.Extension != nil:
		n = noticeAt(c, ev.Extension.Notice)
		if n == nil {
			s.log.Warn("extension mail not queued: its notice not found", "reference", ref, "seq", ev.Seq)
			return
		}
		subject = fmt.Sprintf("【中牟县县长质量奖】受理编号 %s 补正期限延长至 %s", m.Reference, archive.ChineseDate(ev.Extension.To))
		fmt.Fprintf(&b, "您好：\n\n您提交的中牟县县长质量奖%s（受理编号 %s）的补正期限，由 %s 延长至 %s（含当日）。\n",
			what, m.Reference, archive.ChineseDate(ev.Extension.From), archive.ChineseDate(ev.Extension.To))
		if ev.Note != "" && !ev.Internal {
			fmt.Fprintf(&b, "    理由：%s\n", ev.Note)
		}
		b.WriteString("\n补正告知所列各项：\n\n")
		writeNotice(&b, n, "")
		s.writeHowToSupplement(&b, link)
	case ev.Outcome != nil:
		// The outcome of this objection only: the publicity it was
		// about, the finding and its note; never the application
		// revoked or anyone's data.
		subject = fmt.Sprintf("【中牟县县长质量奖】受理编号 %s 异议核查结论：%s", m.Reference, st.Label)
		fmt.Fprintf(&b, "您好：\n\n您对%s提出的异议（受理编号 %s）已办结，核查结论：%s。\n", publicityName(m.Objection().PublicityTitle), m.Reference, st.Label)
		if ev.Note != "" && !ev.Internal {
			fmt.Fprintf(&b, "    说明：%s\n", ev.Note)
		}
		if ev.Outcome.Result == submission.StageSubstantiated {
			b.WriteString("\n依照《中牟县县长质量奖管理办法》第十七条第（八）项，异议查实的，取消该组织的候选资格；公示结果另行公布。\n")
		}
		if link != "" {
			fmt.Fprintf(&b, "\n查看回执和办理进度：%s\n", link)
		}
		b.WriteString("\n感谢您对县长质量奖评选工作的监督。\n")
	default:
		fmt.Fprintf(&b, "您好：\n\n您提交的中牟县县长质量奖%s（受理编号 %s）办理进度有更新：\n\n    当前阶段：%s\n", what, m.Reference, st.Label)
		if ev.Note != "" && !ev.Internal {
			fmt.Fprintf(&b, "    说明：%s\n", ev.Note)
		}
		if link != "" {
			fmt.Fprintf(&b, "\n查看回执和办理进度：%s\n", link)
		} else {
			b.WriteString("\n请用提交时保存的回执链接查看办理进度。\n")
		}
	}
	fmt.Fprintf(&b, "\n本邮件由系统自动发送，请勿直接回复。如有疑问，请联系%s。\n", s.cfg.Contact)
	msg := notify.Message{ID: fmt.Sprintf("stage-%s-%d", m.Reference, ev.Seq), To: addr, Subject: subject, Body: b.String()}
	if err := s.outbox.Enqueue(ctx, msg); err != nil {
		s.log.Error("stage mail not queued", "reference", ref, "err", err)
	}
}

// writeNotice writes a notice's items with their reasons, its deadline
// and its public note (note: the event's own, for a new notice).
func writeNotice(b *strings.Builder, n *archive.Notice, note string) {
	for i, it := range n.Items {
		fmt.Fprintf(b, "  %d. %s\n     原因：%s\n", i+1, it.Label, it.Reason)
	}
	fmt.Fprintf(b, "\n补正期限：请于 %s（含当日）前补正。\n", archive.ChineseDate(n.Due()))
	if note != "" {
		fmt.Fprintf(b, "说明：%s\n", note)
	}
}

// writeHowToSupplement says how to answer a notice.
func (s *Server) writeHowToSupplement(b *strings.Builder, link string) {
	b.WriteString("\n补正方式：\n")
	if link != "" {
		fmt.Fprintf(b, "  打开回执链接 %s ，在“补正告知”下逐项上传所列材料或填写更正后的内容；\n", link)
	} else {
		b.WriteString("  打开提交时保存的回执链接，在“补正告知”下逐项上传所列材料或填写更正后的内容；\n")
	}
	b.WriteString("  只需补正所列各项，未列的不必重新提交；期限届满当日 24 时后网上不再接收。\n")
	b.WriteString("  也可以在期限内把材料送到秘书处。回执链接遗失的，请联系秘书处核实身份后重新发放。\n")
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

// receiptLink is the submission's receipt page on the public site, with
// its current token, "" when the receipt token was not kept for it.
func (s *Server) receiptLink(c *archive.Case) string {
	tok, err := s.archive.ReceiptToken(c)
	if err != nil || tok == "" {
		return ""
	}
	return s.receiptURL(c.Manifest.Reference, tok)
}

// receiptURL is the receipt page of ref with token, on the public site
// (Config.PublicURL; a path when it is not set).
func (s *Server) receiptURL(ref, token string) string {
	return strings.TrimSuffix(s.cfg.PublicURL, "/") + "/api/receipts/" + ref + "?token=" + url.QueryEscape(token)
}

// publicityName is how the mail names the publicity an objection was
// about: its title in 《》, or 候选组织公示 when it has none.
func publicityName(title string) string {
	if title = strings.TrimSpace(title); title == "" {
		return "候选组织公示"
	}
	return "《" + strings.Trim(title, "《》") + "》"
}
