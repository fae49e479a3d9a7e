package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP is the Notifier that sends email through a relay. It is safe for
// concurrent use: each Send opens its own connection.
type SMTP struct {
	cfg    SMTPConfig // with defaults
	domain string     // of From, for Message-IDs
}

// NewSMTP checks the configuration (SMTPConfig.Check) and returns a sender;
// it does not connect.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	domain, _ := fromDomain(cfg.From) // Check parsed it
	return &SMTP{cfg: cfg, domain: domain}, nil
}

// CheckRecipient implements RecipientChecker: to must be one email address
// (an optional name allowed). The error does not contain it.
func (s *SMTP) CheckRecipient(to string) error {
	if _, err := mail.ParseAddress(to); err != nil {
		return errors.New("the recipient is not an email address")
	}
	return nil
}

// Send implements Notifier: one plain-text UTF-8 message with a
// Message-ID of <m.ID@From's domain>, so that a copy sent again is
// recognisable, and Auto-Submitted: auto-generated (RFC 3834), so that
// auto-responders stay quiet. Unless TLS is none, the connection is
// encrypted and the server's certificate verified. The password travels
// in the clear only to a relay on localhost: to any other without TLS
// only a challenge-response (SCRAM, CRAM-MD5) is used.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg(gomail.WithEncoding(gomail.EncodingB64))
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("smtp: sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("smtp: recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID + "@" + s.domain)
	msg.SetDateWithValue(time.Now())
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)

	client, err := gomail.NewClient(s.cfg.Host, s.options()...)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

func (s *SMTP) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port)}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		// The strongest mechanism the server offers; PLAIN and LOGIN, which
		// send the password itself, only over TLS or to localhost (go-mail
		// refuses them otherwise).
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
			gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}
