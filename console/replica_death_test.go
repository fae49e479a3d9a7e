package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/mailpittest"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
)

// TestReplicaDiesSessionAndMail: two consoles on one MinIO bucket, each
// running its outbox against a real SMTP server (Mailpit). A clerk signs
// in on replica A, which then dies (its server closed, its outbox
// stopped); the clerk's session goes on on replica B, where a case is
// moved with B's form token. Every mail queued (by both replicas, for the
// same arrivals, and for the stages set on A and on B) arrives exactly
// once, and nothing stays pending.
func TestReplicaDiesSessionAndMail(t *testing.T) {
	mp := mailpittest.Start(t)
	sender := func() *notify.SMTP {
		s, err := notify.NewSMTP(notify.SMTPConfig{Host: mp.Host, Port: mp.Port, TLS: notify.TLSNone, From: "award@zhongmou.example.gov.cn"})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	store := minioStore(t)
	a := newEnv(t, store, sender())
	b := newEnvAt(t, store, sender(), a.clock)
	var ms []*submission.Manifest
	for range 3 {
		ms = append(ms, a.addObjection())
	}
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { a.outbox.Run(ctxA, 20*time.Millisecond) })
	wg.Go(func() { b.outbox.Run(ctxB, 20*time.Millisecond) })
	defer func() { stopA(); stopB(); wg.Wait() }()
	// Both replicas see the same arrivals and queue the same mails.
	for _, e := range []*env{a, b} {
		if err := e.srv.tellArrivals(context.Background(), map[string]bool{}); err != nil {
			t.Fatal(err)
		}
	}

	clerk := a.signIn("zhaolei", staff.Secretariat, "")
	clerk.get("/staff/cases/" + ms[0].Reference)
	if r, _ := clerk.post("/staff/cases/"+ms[0].Reference+"/events", url.Values{"stage": {"accepted"}, "after": {"0"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("move on A: %d", r.StatusCode)
	}
	cookie := sessionOf(t, clerk)

	// Replica A dies.
	stopA()
	a.ts.CloseClientConnections()
	a.ts.Close()
	if _, err := http.Get(a.ts.URL + "/staff/"); err == nil {
		t.Fatal("replica A still answers")
	}

	onB := b.client()
	setSession(t, onB, cookie)
	resp, body := onB.get("/staff/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, ms[1].Reference) {
		t.Fatalf("the session made on A, on B after A died: %d", resp.StatusCode)
	}
	onB.get("/staff/cases/" + ms[1].Reference)
	if r, _ := onB.post("/staff/cases/"+ms[1].Reference+"/events", url.Values{"stage": {"accepted"}, "after": {"0"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("move on B with the session from A: %d", r.StatusCode)
	}
	c, err := b.arch.Case(context.Background(), ms[1].Reference)
	if err != nil || c.Current.Code != "accepted" || c.Events[len(c.Events)-1].Operator != "zhaolei" {
		t.Fatalf("case moved on B: %+v %v", c, err)
	}

	// Every queued mail arrives once: B delivers what A left.
	var queued int
	deadline := time.Now().Add(20 * time.Second)
	for {
		pending, sent, failing, err := b.outbox.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 && failing == 0 && sent > 0 {
			queued = sent
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox: %d pending, %d sent, %d failing", pending, sent, failing)
		}
		time.Sleep(50 * time.Millisecond)
	}
	msgs := mp.Messages(t)
	ids := map[string]bool{}
	stageMails := 0
	for _, m := range msgs {
		ids[m.MessageID] = true
		if strings.Contains(m.Subject, "已受理") {
			stageMails++
		}
	}
	// 3 arrival notices (queued twice, by both replicas) and 2 stage mails.
	if queued != 5 || len(msgs) != queued || len(ids) != queued || stageMails != 2 {
		t.Fatalf("Mailpit holds %d messages (%d Message-IDs, %d stage mails); the outbox sent %d", len(msgs), len(ids), stageMails, queued)
	}
	t.Logf("%d mails queued by two replicas (arrivals queued by both), %d delivered once each", queued, len(msgs))
}
