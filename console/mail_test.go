package console

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/mailpittest"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/internal/staff"
)

// TestMail: through a real SMTP server (Mailpit), the objector is told of
// each stage with the reference, the stage and a receipt link that opens
// the receipt, and no other personal data; the secretariat is told of the
// new objection, also without the identity.
func TestMail(t *testing.T) {
	mp := mailpittest.Start(t)
	smtp, err := notify.NewSMTP(notify.SMTPConfig{Host: mp.Host, Port: mp.Port, TLS: notify.TLSNone, From: "award@zhongmou.example.gov.cn"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, dirStore(t), smtp)
	m := e.addObjection()
	clerk := e.signIn("youjian", staff.Secretariat, "")
	clerk.get("/staff/cases/" + m.Reference)
	clerk.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {"accepted"}, "note": {"已受理，将在十个工作日内核查"}, "after": {"0"}})
	clerk.get("/staff/cases/" + m.Reference)
	clerk.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {"investigating"}, "note": {"内部：联系质监科"}, "internal": {"1"}, "after": {"1"}})
	if err := e.srv.tellArrivals(context.Background(), map[string]bool{}); err != nil {
		t.Fatal(err)
	}
	sent, failed, err := e.outbox.DeliverDue(context.Background())
	if err != nil || sent != 3 || failed != 0 {
		t.Fatalf("delivered %d, failed %d, %v; want 3 sent", sent, failed, err)
	}
	msgs := mp.Messages(t)
	if len(msgs) != 3 {
		t.Fatalf("%d messages in Mailpit, want 3", len(msgs))
	}
	c, err := e.arch.CaseOf(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	token, err := e.arch.ReceiptToken(c)
	if err != nil || token == "" {
		t.Fatalf("receipt token: %q %v", token, err)
	}
	var stages []string
	for _, msg := range msgs {
		for _, secret := range []string{objector.Name, objector.IDNumber, objector.Phone} {
			if strings.Contains(msg.Text, secret) || strings.Contains(msg.Subject, secret) {
				t.Fatalf("mail %q holds the objector's %q", msg.Subject, secret)
			}
		}
		if strings.Contains(msg.Text, "内部：联系质监科") {
			t.Fatal("an internal note was mailed")
		}
		if !strings.Contains(msg.Subject, m.Reference) {
			t.Fatalf("mail without the reference: %q", msg.Subject)
		}
		to := strings.Join(msg.To, ",")
		switch {
		case strings.Contains(to, objector.Email):
			if strings.Contains(msg.Text, objector.Email) {
				t.Fatal("the objector's address is in the body")
			}
			if !strings.Contains(msg.Text, "https://zlj.example.gov.cn/api/receipts/"+m.Reference+"?token="+token) {
				t.Fatalf("stage mail without the receipt link:\n%s", msg.Text)
			}
			for _, st := range []string{"已受理", "核查中"} {
				if strings.Contains(msg.Subject, st) {
					stages = append(stages, st)
				}
			}
		case strings.Contains(to, "mishuchu@example.gov.cn"):
			if !strings.Contains(msg.Text, "中牟县某某食品有限公司") {
				t.Fatalf("arrival mail without the candidate:\n%s", msg.Text)
			}
		default:
			t.Fatalf("mail to %v", msg.To)
		}
	}
	if strings.Join(stages, ",") != "已受理,核查中" && strings.Join(stages, ",") != "核查中,已受理" {
		t.Fatalf("stage mails: %v", stages)
	}
	// Queued again (another replica, a retry): nothing more is sent.
	if err := e.srv.tellArrivals(context.Background(), map[string]bool{}); err != nil {
		t.Fatal(err)
	}
	e.clock.add(time.Hour)
	if sent, _, _ := e.outbox.DeliverDue(context.Background()); sent != 0 {
		t.Fatalf("%d sent again", sent)
	}
}
