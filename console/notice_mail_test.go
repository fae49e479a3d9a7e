package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/mailpittest"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/internal/staff"
)

// TestNoticeMail: through a real SMTP server (Mailpit), the applicant is
// sent the notice — each item with its reason, the deadline as a date,
// how to submit with the receipt link — and then the extension; the
// secretariat is sent one message for the supplement (收到补正材料), with
// the reference and 补正 1 and no identity, queued once however often
// the watcher runs.
func TestNoticeMail(t *testing.T) {
	mp := mailpittest.Start(t)
	smtp, err := notify.NewSMTP(notify.SMTPConfig{Host: mp.Host, Port: mp.Port, TLS: notify.TLSNone, From: "award@zhongmou.example.gov.cn"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, dirStore(t), smtp)
	m := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	clerk := e.signIn("youjian", staff.Secretariat, "")
	if resp, body := clerk.issue(m.Reference, 0, "5", twoSlots); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("notice: %d %s", resp.StatusCode, body)
	}
	clerk.get("/staff/cases/" + m.Reference)
	if resp, body := clerk.post("/staff/cases/"+m.Reference+"/corrections/1/extension",
		url.Values{"days": {"3"}, "reason": {"审计机构重新出具报表需要时间"}, "after": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("extension: %d %s", resp.StatusCode, body)
	}
	e.clock.add(time.Hour)
	e.supplement(m, nil, "自评报告（补正）.pdf", "%PDF-1.4 new report")
	for range 2 { // a second pass, later, as another replica would: nothing more
		if err := e.srv.tellArrivals(context.Background(), map[string]bool{}); err != nil {
			t.Fatal(err)
		}
		e.clock.add(time.Minute)
	}
	sent, failed, err := e.outbox.DeliverDue(context.Background())
	// The notice, the extension, the new application and the supplement.
	if err != nil || sent != 4 || failed != 0 {
		t.Fatalf("delivered %d, failed %d, %v; want 4 sent", sent, failed, err)
	}
	link := "https://zlj.example.gov.cn/api/receipts/" + m.Reference + "?token="
	var notice, extension, supplement int
	for _, msg := range mp.Messages(t) {
		for _, secret := range []string{"李建国", "赵敏", "13800001111"} {
			if strings.Contains(msg.Text, secret) || strings.Contains(msg.Subject, secret) {
				t.Fatalf("mail %q holds the applicant's %q", msg.Subject, secret)
			}
		}
		to := strings.Join(msg.To, ",")
		switch {
		case strings.Contains(to, "zhaomin@example.com") && strings.Contains(msg.Subject, "需补正"):
			notice++
			for _, want := range []string{m.Reference, "2026年12月8日", "共 2 项", "自评报告", twoSlots["slot:selfAssessment"],
				"财务报表（近3年）", twoSlots["slot:financials"], link, "补正告知", DefaultContact} {
				if !strings.Contains(msg.Text+msg.Subject, want) {
					t.Errorf("notice mail lacks %q:\n%s", want, msg.Text)
				}
			}
		case strings.Contains(to, "zhaomin@example.com") && strings.Contains(msg.Subject, "延长"):
			extension++
			for _, want := range []string{"2026年12月8日", "2026年12月11日", "审计机构重新出具报表需要时间", twoSlots["slot:financials"], link} {
				if !strings.Contains(msg.Text+msg.Subject, want) {
					t.Errorf("extension mail lacks %q:\n%s", want, msg.Text)
				}
			}
		case strings.Contains(to, "mishuchu@example.gov.cn") && strings.Contains(msg.Subject, "收到补正材料"):
			supplement++
			for _, want := range []string{m.Reference, "补正 1", "自评报告（1 个文件）", "2026年12月1日 11:", "/staff/cases/" + m.Reference, "已补正"} {
				if !strings.Contains(msg.Text+msg.Subject, want) {
					t.Errorf("supplement mail lacks %q:\n%s", want, msg.Text)
				}
			}
			if strings.Contains(msg.Text, "token=") || strings.Contains(msg.Text, "zhaomin") {
				t.Fatal("the secretariat's mail holds a receipt link or the applicant's address")
			}
		case strings.Contains(to, "mishuchu@example.gov.cn") && strings.Contains(msg.Subject, "新收到"):
		default:
			t.Errorf("mail %q to %v", msg.Subject, msg.To)
		}
	}
	if notice != 1 || extension != 1 || supplement != 1 {
		t.Fatalf("%d notice, %d extension, %d supplement mails; want one each", notice, extension, supplement)
	}
}
