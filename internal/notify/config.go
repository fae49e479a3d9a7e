package notify

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/zhongmou/award/internal/archive"
)

// TLS modes of SMTPConfig.TLS.
const (
	TLSNone     = "none"     // plain SMTP: only for a relay on the same host or a test server
	TLSStartTLS = "starttls" // STARTTLS, required (the default; port 587)
	TLSImplicit = "tls"      // TLS from the first byte, "SMTPS" (port 465)
)

// SMTPConfig says how to reach the mail relay. In the intake's YAML file
// under smtp:, overridden by AWARD_SMTP_HOST, AWARD_SMTP_PORT,
// AWARD_SMTP_TLS, AWARD_SMTP_USER, AWARD_SMTP_PASSWORD and AWARD_SMTP_FROM
// (ApplyEnv). An empty Host means no mail relay is configured.
type SMTPConfig struct {
	Host string `yaml:"host"`
	// Port defaults by TLS: 25 for none, 587 for starttls, 465 for tls.
	Port int `yaml:"port"`
	// TLS is none, starttls (the default) or tls. With starttls and tls
	// the server's certificate is verified against the system's roots.
	TLS string `yaml:"tls"`
	// Username and Password sign in to the relay, with the strongest
	// mechanism it offers (PLAIN and LOGIN only over TLS or to localhost);
	// no sign-in when Username is empty. The password is never logged.
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// From is the sender, an address with an optional name:
	// "县市场监管局评奖办公室 <award@example.gov.cn>". Its domain also ends
	// every Message-ID.
	From string `yaml:"from"`
}

// ApplyEnv sets what the AWARD_SMTP_* environment variables say; an unset
// or empty variable leaves its setting alone.
func (c *SMTPConfig) ApplyEnv(getenv func(string) string) error {
	env := archive.Env{Getenv: getenv}
	env.Str("AWARD_SMTP_HOST", &c.Host)
	env.Int("AWARD_SMTP_PORT", &c.Port, 1, "端口号")
	env.Str("AWARD_SMTP_TLS", &c.TLS)
	env.Str("AWARD_SMTP_USER", &c.Username)
	env.Str("AWARD_SMTP_PASSWORD", &c.Password)
	env.Str("AWARD_SMTP_FROM", &c.From)
	return env.Err
}

// withDefaults fills in the TLS mode and the port.
func (c SMTPConfig) withDefaults() SMTPConfig {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		switch c.TLS {
		case TLSNone:
			c.Port = 25
		case TLSImplicit:
			c.Port = 465
		default:
			c.Port = 587
		}
	}
	return c
}

// Check refuses settings mail cannot be sent with, saying in Chinese what
// to set.
func (c SMTPConfig) Check() error {
	c = c.withDefaults()
	if c.Host == "" {
		return errors.New("配置有误：请设置邮件服务器 smtp.host（AWARD_SMTP_HOST）")
	}
	if c.Port < 1 || c.Port > 65535 {
		return fmt.Errorf("配置有误：smtp.port（AWARD_SMTP_PORT）应为 1 到 65535 之间的端口号，现为 %d", c.Port)
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("配置有误：smtp.tls（AWARD_SMTP_TLS）应为 none、starttls 或 tls，现为 %q", c.TLS)
	}
	if c.Password != "" && c.Username == "" {
		return errors.New("配置有误：设置了 smtp.password（AWARD_SMTP_PASSWORD），还需要设置 smtp.username（AWARD_SMTP_USER）")
	}
	if _, err := fromDomain(c.From); err != nil {
		return errors.New("配置有误：请把 smtp.from（AWARD_SMTP_FROM）设为发件地址，例如 县市场监管局评奖办公室 <award@example.gov.cn>")
	}
	return nil
}

// fromDomain returns the domain of the sender's address.
func fromDomain(from string) (string, error) {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return "", err
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 0 || at == len(a.Address)-1 {
		return "", errors.New("no domain")
	}
	return strings.ToLower(a.Address[at+1:]), nil
}
