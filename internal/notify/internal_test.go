package notify

import (
	"errors"
	"testing"
)

func TestDefaults(t *testing.T) {
	for tls, port := range map[string]int{"": 587, TLSStartTLS: 587, TLSNone: 25, TLSImplicit: 465} {
		if c := (SMTPConfig{TLS: tls}).withDefaults(); c.Port != port || c.TLS == "" {
			t.Errorf("TLS %q: %+v, want port %d", tls, c, port)
		}
	}
	if c := (SMTPConfig{TLS: TLSNone, Port: 1025}).withDefaults(); c.Port != 1025 {
		t.Errorf("a set port was changed: %d", c.Port)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"550 <Zhang.San@Example.CN>: no such user":                "550 <<address>>: no such user",
		"affected recipient(s): other@example.cn, x@y.cn":         "affected recipient(s): <address>, <address>",
		"dial tcp 127.0.0.1:25: connect: connection refused":      "dial tcp 127.0.0.1:25: connect: connection refused",
		"sms gateway: 13800138000 rejected (13800138000 blocked)": "sms gateway: <address> rejected (<address> blocked)",
	} {
		to := "zhang.san@example.cn"
		if in[0] == 's' {
			to = "13800138000"
		}
		if got := redact(errors.New(in), to); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}
