package notify_test

import (
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/notify"
)

// The environment overrides the file's settings; a bad port is refused.
func TestSMTPConfigEnv(t *testing.T) {
	cfg := notify.SMTPConfig{Host: "file.example.cn", Port: 25, TLS: "none", From: "a@example.cn"}
	env := map[string]string{"AWARD_SMTP_HOST": "smtp.example.gov.cn", "AWARD_SMTP_PORT": "465", "AWARD_SMTP_TLS": "tls",
		"AWARD_SMTP_USER": "award", "AWARD_SMTP_PASSWORD": "pw", "AWARD_SMTP_FROM": "评奖办 <award@example.gov.cn>"}
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	want := notify.SMTPConfig{Host: "smtp.example.gov.cn", Port: 465, TLS: "tls", Username: "award", Password: "pw", From: "评奖办 <award@example.gov.cn>"}
	if cfg != want {
		t.Fatalf("%+v, want %+v", cfg, want)
	}
	if err := cfg.Check(); err != nil {
		t.Fatal(err)
	}
	unset := cfg
	if err := unset.ApplyEnv(func(string) string { return "" }); err != nil || unset != cfg {
		t.Fatalf("empty variables changed %+v: %v", unset, err)
	}
	env = map[string]string{"AWARD_SMTP_PORT": "smtp"}
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "AWARD_SMTP_PORT") {
		t.Fatalf("bad port: %v", err)
	}
}

// Check says in Chinese what to set; NewSMTP refuses what Check refuses.
func TestSMTPConfigCheck(t *testing.T) {
	ok := notify.SMTPConfig{Host: "smtp.example.gov.cn", From: "award@example.gov.cn"}
	if err := ok.Check(); err != nil {
		t.Fatalf("defaults (starttls, 587): %v", err)
	}
	for name, tc := range map[string]struct {
		cfg  notify.SMTPConfig
		want string
	}{
		"no host":          {notify.SMTPConfig{From: ok.From}, "AWARD_SMTP_HOST"},
		"bad TLS":          {notify.SMTPConfig{Host: ok.Host, From: ok.From, TLS: "ssl"}, "AWARD_SMTP_TLS"},
		"bad port":         {notify.SMTPConfig{Host: ok.Host, From: ok.From, Port: 70000}, "AWARD_SMTP_PORT"},
		"no sender":        {notify.SMTPConfig{Host: ok.Host}, "AWARD_SMTP_FROM"},
		"sender no domain": {notify.SMTPConfig{Host: ok.Host, From: "award"}, "AWARD_SMTP_FROM"},
		"password no user": {notify.SMTPConfig{Host: ok.Host, From: ok.From, Password: "pw"}, "AWARD_SMTP_USER"},
	} {
		err := tc.cfg.Check()
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "配置有误") {
			t.Errorf("%s: %v, want a message naming %s", name, err, tc.want)
		}
		if _, err := notify.NewSMTP(tc.cfg); err == nil {
			t.Errorf("%s: NewSMTP accepted it", name)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("%s: the password in the error", name)
		}
	}
}
