package notify_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/mailpittest"
	"github.com/zhongmou/award/internal/notify"
)

func mailpitSMTP(t *testing.T, srv *mailpittest.Server, user string) *notify.SMTP {
	t.Helper()
	cfg := notify.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: notify.TLSNone, From: "县市场监管局评奖办公室 <award@example.gov.cn>"}
	if user != "" {
		cfg.Username, cfg.Password = user, "s3cret-password"
	}
	s, err := notify.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A queued message arrives at a real SMTP server (Mailpit) as written:
// subject and body in Chinese, the Message-ID made of the message's ID
// and the sender's domain, Auto-Submitted set, the relay signed in to
// (PLAIN, allowed without TLS only because the relay is on loopback), and
// nobody's address or password in the log.
func TestDeliveryToMailpit(t *testing.T) {
	srv := mailpittest.Start(t)
	store := stores[0].open(t)
	var logs logBuffer
	o := notify.NewOutbox(store, newSealer(t, 7), mailpitSMTP(t, srv, "award"), nil, logs.logger())
	body := "王五您好：\n\n您提交的异议（编号 K7M2-QX9D）已进入“核查中”阶段。\n查看回执：https://award.example.gov.cn/receipts/K7M2-QX9D\n\n县市场监管局评奖办公室\n"
	m := notify.Message{ID: "stage-K7M2-QX9D-3", To: "王五 <wang.wu@example.cn>", Subject: "您的异议 K7M2-QX9D 已进入核查阶段", Body: body}
	if err := o.Enqueue(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if d := deliver(t, o); d != [2]int{1, 0} {
		t.Fatalf("pass: %v\n%s", d, logs.String())
	}
	got := srv.Messages(t)
	if len(got) != 1 {
		t.Fatalf("Mailpit has %d messages", len(got))
	}
	g := got[0]
	if g.MessageID != "stage-k7m2-qx9d-3@example.gov.cn" || g.Subject != m.Subject || g.From != "award@example.gov.cn" ||
		len(g.To) != 1 || g.To[0] != "wang.wu@example.cn" || g.Username != "award" {
		t.Fatalf("delivered: %+v", g)
	}
	if strings.TrimRight(g.Text, "\n") != strings.TrimRight(body, "\n") {
		t.Fatalf("body:\n%q\nwant\n%q", g.Text, body)
	}
	if h := g.Headers["Auto-Submitted"]; len(h) != 1 || h[0] != "auto-generated" {
		t.Errorf("Auto-Submitted: %v", g.Headers)
	}
	if d := deliver(t, o); d != [2]int{0, 0} || len(srv.Messages(t)) != 1 {
		t.Fatal("sent again")
	}
	for _, secret := range []string{"wang.wu", "s3cret", "王五", "核查"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log shows %q:\n%s", secret, logs.String())
		}
	}
}

// While the SMTP server is down the message waits (failing, not lost);
// once it is back, the retry after the backoff delivers it, once.
func TestRetryAfterSMTPDown(t *testing.T) {
	srv := mailpittest.Start(t)
	store := stores[0].open(t)
	clk := newClock()
	var logs logBuffer
	o := notify.NewOutbox(store, newSealer(t, 7), mailpitSMTP(t, srv, ""), clk.Now, logs.logger())
	srv.Stop()
	if err := o.Enqueue(t.Context(), newArrival); err != nil {
		t.Fatal(err)
	}
	if d := deliver(t, o); d != [2]int{0, 1} {
		t.Fatalf("with the server down: %v", d)
	}
	if c := counts(t, o); c != [3]int{1, 0, 1} {
		t.Fatalf("counts with the server down: %v", c)
	}
	srv.Restart(t)
	if d := deliver(t, o); d != [2]int{0, 0} {
		t.Fatalf("retried before the backoff: %v", d)
	}
	clk.Add(notify.Backoff(1))
	if d := deliver(t, o); d != [2]int{1, 0} {
		t.Fatalf("after the server came back: %v", d)
	}
	got := srv.Messages(t)
	if len(got) != 1 || got[0].MessageID != "new-k7m2-qx9d@example.gov.cn" || got[0].Subject != newArrival.Subject {
		t.Fatalf("delivered: %+v", got)
	}
	if c := counts(t, o); c != [3]int{0, 1, 0} {
		t.Fatalf("final counts: %v", c)
	}
	if !strings.Contains(logs.String(), "mail not sent; will retry") || strings.Contains(logs.String(), "zhang.san") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// Two replicas sending through the real server from one store (MinIO, as
// in production with replicas): every message arrives exactly once.
func TestReplicasToMailpit(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			srv := mailpittest.Start(t)
			store := st.open(t)
			sealer := newSealer(t, 7)
			a := notify.NewOutbox(store, sealer, mailpitSMTP(t, srv, ""), nil, nil)
			b := notify.NewOutbox(store, sealer, mailpitSMTP(t, srv, ""), nil, nil)
			const n = 10
			for i := range n {
				m := notify.Message{ID: fmt.Sprintf("new-K7M2-QX%02d", i), To: fmt.Sprintf("staff%d@example.cn", i),
					Subject: "收到新的申报", Body: "请登录工作台查看。"}
				for _, o := range []*notify.Outbox{a, b} {
					if err := o.Enqueue(t.Context(), m); err != nil {
						t.Fatal(err)
					}
				}
			}
			if sent := passes(t, 2, a, b); sent != n {
				t.Fatalf("sent %d, want %d", sent, n)
			}
			got := srv.Messages(t)
			ids := map[string]bool{}
			for _, m := range got {
				ids[m.MessageID] = true
			}
			if len(got) != n || len(ids) != n {
				t.Fatalf("Mailpit has %d messages with %d Message-IDs, want %d", len(got), len(ids), n)
			}
		})
	}
}
