package mailpittest_test

import (
	"net"
	"net/smtp"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/mailpittest"
)

func send(t *testing.T, addr, id, subject string) error {
	t.Helper()
	msg := "From: a@example.cn\r\nTo: b@example.cn\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + ">\r\n" +
		"Auto-Submitted: auto-generated\r\n\r\nfirst line\r\nsecond line\r\n"
	return smtp.SendMail(addr, nil, "a@example.cn", []string{"b@example.cn"}, []byte(msg))
}

// What is sent over SMTP comes back through the API, oldest first, with
// its headers; a stopped server refuses connections and, restarted on the
// same port, still has what it received.
func TestServer(t *testing.T) {
	s := mailpittest.Start(t)
	if host, _, _ := net.SplitHostPort(s.SMTPAddr); host != "127.0.0.1" || s.Host != host || !strings.HasPrefix(s.APIURL, "http://127.0.0.1:") {
		t.Fatalf("not on loopback: %+v", s)
	}
	if got := s.Messages(t); len(got) != 0 {
		t.Fatalf("a new server has %d messages", len(got))
	}
	if err := send(t, s.SMTPAddr, "one@example.cn", "first"); err != nil {
		t.Fatal(err)
	}
	if err := send(t, s.SMTPAddr, "two@example.cn", "second"); err != nil {
		t.Fatal(err)
	}
	got := s.Messages(t)
	if len(got) != 2 || got[0].MessageID != "one@example.cn" || got[1].Subject != "second" {
		t.Fatalf("messages: %+v", got)
	}
	m := got[0]
	if m.From != "a@example.cn" || len(m.To) != 1 || m.To[0] != "b@example.cn" || m.Text != "first line\nsecond line\n" ||
		len(m.Headers["Auto-Submitted"]) != 1 || m.Headers["Auto-Submitted"][0] != "auto-generated" {
		t.Fatalf("message: %+v", m)
	}

	s.Stop()
	if err := send(t, s.SMTPAddr, "three@example.cn", "third"); err == nil {
		t.Fatal("a stopped server took a message")
	}
	s.Restart(t)
	if err := send(t, s.SMTPAddr, "three@example.cn", "third"); err != nil {
		t.Fatal(err)
	}
	if got := s.Messages(t); len(got) != 3 || got[2].MessageID != "three@example.cn" {
		t.Fatalf("after the restart: %+v", got)
	}
}
