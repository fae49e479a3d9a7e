package notify_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/storage"
)

var (
	newArrival = notify.Message{ID: "new-K7M2-QX9D", To: "zhang.san@example.cn",
		Subject: "收到新的异议：K7M2-QX9D", Body: "秘书处：\n收到一件新的异议，编号 K7M2-QX9D，请登录工作台查看。\n"}
	stageChange = notify.Message{ID: "stage-K7M2-QX9D-3", To: "Li.Si@Example.cn",
		Subject: "您的异议 K7M2-QX9D 已进入核查阶段", Body: "您好：\n您提交的异议（编号 K7M2-QX9D）已进入“核查中”阶段。\n"}
)

// The outbox's life on one store: what each step leaves in storage is what
// the package doc promises, a message is sent once, a failing one is
// retried after 1 and then 2 minutes, and neither the store nor the log
// shows an address, a subject or a body.
func runOutbox(t *testing.T, store storage.Store) {
	ctx := t.Context()
	clk := newClock()
	f := newFake()
	var logs logBuffer
	o := notify.NewOutbox(store, newSealer(t, 7), f, clk.Now, logs.logger())
	reg := prometheus.NewRegistry()
	reg.MustRegister(o)

	if err := o.Enqueue(ctx, newArrival); err != nil {
		t.Fatal(err)
	}
	again := newArrival
	again.ID = strings.ToLower(again.ID)
	if err := o.Enqueue(ctx, again); err != nil { // another replica queues the same event
		t.Fatalf("the same ID again: %v", err)
	}
	if k := keys(t, store, "outbox/"); k != "new-k7m2-qx9d/message.json" {
		t.Fatalf("after enqueue: %s", k)
	}
	if c := counts(t, o); c != [3]int{1, 0, 0} {
		t.Fatalf("counts after enqueue: %v", c)
	}
	if d := deliver(t, o); d != [2]int{1, 0} {
		t.Fatalf("first pass: %v", d)
	}
	got := f.sentMessages()
	if len(got) != 1 || got[0] != (notify.Message{ID: "new-k7m2-qx9d", To: newArrival.To, Subject: newArrival.Subject, Body: newArrival.Body}) {
		t.Fatalf("sent: %+v", got)
	}
	if k := keys(t, store, "outbox/"); k != "new-k7m2-qx9d/attempt-000001.json new-k7m2-qx9d/message.json new-k7m2-qx9d/sent.json" {
		t.Fatalf("after sending: %s", k)
	}
	if d := deliver(t, o); d != [2]int{0, 0} || len(f.sentMessages()) != 1 {
		t.Fatalf("a sent message went again: %v", d)
	}
	if c := counts(t, o); c != [3]int{0, 1, 0} {
		t.Fatalf("counts after sending: %v", c)
	}

	// The relay refuses, quoting the address (as SMTP servers and go-mail do).
	f.setFail(func(m notify.Message, try int) error {
		return errors.New("550 5.1.1 <li.si@example.cn>: mailbox unavailable, affected recipient(s): " + m.To)
	})
	if err := o.Enqueue(ctx, stageChange); err != nil {
		t.Fatal(err)
	}
	if d := deliver(t, o); d != [2]int{0, 1} {
		t.Fatalf("failing pass: %v", d)
	}
	if c := counts(t, o); c != [3]int{1, 1, 1} {
		t.Fatalf("counts with a failing message: %v", c)
	}
	clk.Add(time.Minute - time.Second)
	if d := deliver(t, o); d != [2]int{0, 0} {
		t.Fatalf("retried before the backoff: %v", d)
	}
	clk.Add(time.Second)
	if d := deliver(t, o); d != [2]int{0, 1} {
		t.Fatalf("second attempt: %v", d)
	}
	clk.Add(2*time.Minute - time.Second)
	if d := deliver(t, o); d != [2]int{0, 0} {
		t.Fatalf("retried before the second backoff (2 min): %v", d)
	}
	f.setFail(nil)
	clk.Add(time.Second)
	if d := deliver(t, o); d != [2]int{1, 0} {
		t.Fatalf("third attempt: %v", d)
	}
	if got := f.sentMessages(); len(got) != 2 || got[1].ID != "stage-k7m2-qx9d-3" || got[1].To != stageChange.To {
		t.Fatalf("sent: %+v", got)
	}
	want := "stage-k7m2-qx9d-3/attempt-000001.json stage-k7m2-qx9d-3/attempt-000002.json stage-k7m2-qx9d-3/attempt-000003.json " +
		"stage-k7m2-qx9d-3/failed-000001.json stage-k7m2-qx9d-3/failed-000002.json stage-k7m2-qx9d-3/message.json stage-k7m2-qx9d-3/sent.json"
	if k := keys(t, store, "outbox/"); !strings.HasSuffix(k, " "+want) {
		t.Fatalf("after the retries:\n%s\nwant\n%s", k, want)
	}
	if c := counts(t, o); c != [3]int{0, 2, 0} {
		t.Fatalf("final counts: %v", c)
	}

	all, log := everything(t, store), logs.String()
	for _, secret := range []string{"zhang.san", "li.si", "Li.Si", "example.cn", "收到新的异议", "核查", "秘书处"} {
		if strings.Contains(all, secret) {
			t.Errorf("the store shows %q:\n%s", secret, all)
		}
		if strings.Contains(log, secret) {
			t.Errorf("the log shows %q:\n%s", secret, log)
		}
	}
	if !strings.Contains(all, `mailbox unavailable, affected recipient(s): \u003caddress\u003e`) ||
		!strings.Contains(log, "id=stage-k7m2-qx9d-3 attempt=2") || !strings.Contains(log, "affected recipient(s): <address>") {
		t.Errorf("the failure is not recorded and logged without the address:\n%s\n%s", all, log)
	}

	assertMetric(t, reg, "award_mail_sent_total", 2)
	assertMetric(t, reg, "award_mail_failed_total", 2)
	assertMetric(t, reg, "award_mail_pending", 0)
}

func assertMetric(t *testing.T, reg *prometheus.Registry, name string, want float64) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		got := m.GetCounter().GetValue() + m.GetGauge().GetValue()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
		return
	}
	t.Errorf("%s not collected", name)
}

func TestOutboxDirStore(t *testing.T) { runOutbox(t, stores[0].open(t)) }
func TestOutboxMinIO(t *testing.T)    { runOutbox(t, stores[1].open(t)) }

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 6: 32 * time.Minute,
		7: time.Hour, 8: time.Hour, 1000: time.Hour} {
		if got := notify.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

// A replica that claimed an attempt and died leaves a claim without an
// outcome: nobody sends while it may still be running, and after
// AttemptLease the next attempt does. The message counts as failing then.
func TestAbandonedAttempt(t *testing.T) {
	store := stores[0].open(t)
	clk := newClock()
	f := newFake()
	o := notify.NewOutbox(store, newSealer(t, 7), f, clk.Now, nil)
	if err := o.Enqueue(t.Context(), newArrival); err != nil {
		t.Fatal(err)
	}
	claim := `{"attempt":1,"at":"` + clk.Now().Format(time.RFC3339Nano) + `","by":"dead/1"}`
	if _, err := store.Put(t.Context(), "outbox/new-k7m2-qx9d/attempt-000001.json", strings.NewReader(claim), storage.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	clk.Add(notify.AttemptLease - time.Second)
	if d := deliver(t, o); d != [2]int{0, 0} {
		t.Fatalf("sent while the first attempt may still run: %v", d)
	}
	if c := counts(t, o); c != [3]int{1, 0, 0} {
		t.Fatalf("counts while it may run: %v", c)
	}
	clk.Add(time.Second)
	if c := counts(t, o); c != [3]int{1, 0, 1} {
		t.Fatalf("counts after the lease: %v", c)
	}
	if d := deliver(t, o); d != [2]int{1, 0} {
		t.Fatalf("after the lease: %v", d)
	}
	if k := keys(t, store, "outbox/"); !strings.Contains(k, "attempt-000002.json") || !strings.HasSuffix(k, "sent.json") {
		t.Fatalf("keys: %s", k)
	}
}

// A message the outbox cannot open (sealed under another key) is never
// dropped: each attempt fails, it stays pending, and an outbox with the
// right key sends it.
func TestUnreadableMessageKept(t *testing.T) {
	store := stores[0].open(t)
	clk := newClock()
	f := newFake()
	if err := notify.NewOutbox(store, newSealer(t, 7), f, clk.Now, nil).Enqueue(t.Context(), newArrival); err != nil {
		t.Fatal(err)
	}
	wrong := notify.NewOutbox(store, newSealer(t, 8), f, clk.Now, nil)
	if d := deliver(t, wrong); d != [2]int{0, 1} {
		t.Fatalf("with the wrong key: %v", d)
	}
	if c := counts(t, wrong); c != [3]int{1, 0, 1} {
		t.Fatalf("counts: %v", c)
	}
	clk.Add(time.Minute)
	right := notify.NewOutbox(store, newSealer(t, 7), f, clk.Now, nil)
	if d := deliver(t, right); d != [2]int{1, 0} || len(f.sentMessages()) != 1 {
		t.Fatalf("with the right key: %v", d)
	}
}

// Enqueue refuses what breaks the rules of Message, says so with
// ErrInvalid, never repeats the recipient, and stores nothing.
func TestEnqueueRefuses(t *testing.T) {
	store := stores[0].open(t)
	smtp, err := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", TLS: "none", From: "award@example.gov.cn"})
	if err != nil {
		t.Fatal(err)
	}
	o := notify.NewOutbox(store, newSealer(t, 7), smtp, nil, nil)
	ok := newArrival
	for name, m := range map[string]notify.Message{
		"empty ID":             {ID: "", To: ok.To, Subject: ok.Subject, Body: ok.Body},
		"ID with a slash":      {ID: "new/K7M2", To: ok.To, Subject: ok.Subject, Body: ok.Body},
		"ID with a dash first": {ID: "-new", To: ok.To, Subject: ok.Subject, Body: ok.Body},
		"Chinese ID":           {ID: "新件", To: ok.To, Subject: ok.Subject, Body: ok.Body},
		"long ID":              {ID: strings.Repeat("a", notify.MaxIDLength+1), To: ok.To, Subject: ok.Subject, Body: ok.Body},
		"no recipient":         {ID: ok.ID, Subject: ok.Subject, Body: ok.Body},
		"not an address":       {ID: ok.ID, To: "zhang.san at example.cn", Subject: ok.Subject, Body: ok.Body},
		"header injection":     {ID: ok.ID, To: "zhang.san@example.cn\r\nBcc: all@example.cn", Subject: ok.Subject, Body: ok.Body},
		"subject on two lines": {ID: ok.ID, To: ok.To, Subject: "a\r\nBcc: all@example.cn", Body: ok.Body},
		"no body":              {ID: ok.ID, To: ok.To, Subject: ok.Subject},
		"long body":            {ID: ok.ID, To: ok.To, Subject: ok.Subject, Body: strings.Repeat("长", notify.MaxBodyLength)},
	} {
		err := o.Enqueue(t.Context(), m)
		if !errors.Is(err, notify.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		} else if strings.Contains(err.Error(), "zhang.san") {
			t.Errorf("%s: the error shows the recipient: %v", name, err)
		}
	}
	if k := keys(t, store, ""); k != "" {
		t.Fatalf("stored: %s", k)
	}
	named := ok
	named.To = "张三 <zhang.san@example.cn>"
	if err := o.Enqueue(t.Context(), named); err != nil {
		t.Fatalf("an address with a name: %v", err)
	}
}

// Run delivers what is queued, again and again, and returns when its
// context ends.
func TestRun(t *testing.T) {
	store := stores[0].open(t)
	f := newFake()
	o := notify.NewOutbox(store, newSealer(t, 7), f, nil, nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { o.Run(ctx, 10*time.Millisecond); close(done) }()
	for _, m := range []notify.Message{newArrival, stageChange} {
		if err := o.Enqueue(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !bytes.Contains([]byte(keys(t, store, "outbox/")), []byte(strings.ToLower(m.ID)+"/sent.json")) {
			if time.Now().After(deadline) {
				t.Fatalf("%s not sent by Run", m.ID)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if got := f.sentMessages(); len(got) != 2 {
		t.Fatalf("sent %d", len(got))
	}
}
