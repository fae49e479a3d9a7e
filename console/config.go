package console

import (
	"fmt"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/winners"
)

// DefaultAddr is where the console listens unless STAFF_ADDR says otherwise:
// loopback, so that only the machine itself (or the intranet proxy in front
// of it) reaches it.
const DefaultAddr = "127.0.0.1:8081"

// Config is the console's configuration: the "staff" section of intake.yaml,
// overridden by the environment.
type Config struct {
	// Addr is the console's listen address (env STAFF_ADDR).
	Addr string `yaml:"addr"`
	// URL is where staff reach the console, for the links in their mail
	// (https://zlj.scjgj.zhongmou.lan/staff/ behind the intranet nginx; env
	// STAFF_URL). Empty: http://Addr/staff/.
	URL string `yaml:"url"`
	// PublicURL is the public site's address as applicants reach it
	// (https://zlj.zhongmou.gov.cn/), for the receipt links in mail
	// (env AWARD_PUBLIC_URL). Empty: the links are relative paths.
	PublicURL string `yaml:"publicURL"`
	// NotifyTo are the secretariat's addresses told when something new
	// arrives (env AWARD_STAFF_NOTIFY, comma-separated). Empty: nobody.
	NotifyTo []string `yaml:"notifyTo"`
	// Digest is "each" (a message per new submission, the default) or
	// "daily" (one message a day at DigestHour, local time, listing the
	// day's arrivals) (env AWARD_STAFF_DIGEST, AWARD_STAFF_DIGEST_HOUR).
	Digest     string `yaml:"digest"`
	DigestHour int    `yaml:"digestHour"`
	// PageSize is how many submissions the inbox shows on a page.
	PageSize int `yaml:"pageSize"`
	// TimeZone of the dates shown (default Asia/Shanghai).
	TimeZone string `yaml:"timeZone"`
	// TrustProxy takes the client's address from X-Real-IP and the scheme
	// from X-Forwarded-Proto (the console behind the intranet nginx); the
	// intake's AWARD_TRUST_PROXY sets it too.
	TrustProxy bool `yaml:"trustProxy"`
	// WatchEvery is how often the console looks for new submissions to
	// tell the secretariat about (default one minute).
	WatchEvery time.Duration `yaml:"watchEvery"`
	// MailEvery is how often the outbox tries to send what waits in it
	// (default one minute; env AWARD_MAIL_EVERY).
	MailEvery time.Duration `yaml:"mailEvery"`
	// Contact is whom a submitter calls about their case, as the
	// 补正告知书 and the mail to submitters name it (env AWARD_CONTACT;
	// default DefaultContact), e.g. "中牟县县长质量奖评定委员会秘书处
	// （中牟县市场监督管理局），联系电话 0371-62196035".
	Contact string `yaml:"contact"`
	// Publishing is how drafts generated from the records are published
	// (审核发布).
	Publishing Publishing `yaml:"publishing"`
	// Reports are the winners' annual reports: validity, prize, reminders
	// (see winners.Config). Beside the intake (award intake, award serve)
	// they are the intake's reports: and its retention.validityYears, not
	// set under staff:.
	Reports winners.Config `yaml:"-"`
}

// Publishing configures 审核发布.
type Publishing struct {
	// TwoPerson requires that a draft is published by another account
	// than the one that generated it (its front matter's generatedBy; env
	// AWARD_PUBLISHING_TWO_PERSON).
	TwoPerson bool `yaml:"twoPerson"`
}

// DefaultContact is Config.Contact when none is set.
const DefaultContact = "中牟县县长质量奖评定委员会秘书处（中牟县市场监督管理局）"

// DefaultConfig is the configuration of make run.
func DefaultConfig() Config {
	return Config{Addr: DefaultAddr, Digest: "each", DigestHour: 8, PageSize: 50, TimeZone: "Asia/Shanghai", WatchEvery: time.Minute, MailEvery: time.Minute,
		Reports: winners.DefaultConfig()}
}

// ApplyEnv sets what the environment says.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	env := archive.Env{Getenv: getenv}
	env.Str("STAFF_ADDR", &c.Addr)
	env.Str("STAFF_URL", &c.URL)
	env.Str("AWARD_PUBLIC_URL", &c.PublicURL)
	env.Str("AWARD_CONTACT", &c.Contact)
	env.Str("AWARD_STAFF_DIGEST", &c.Digest)
	env.Int("AWARD_STAFF_DIGEST_HOUR", &c.DigestHour, 0, "每日汇总邮件的发送时刻（0–23）")
	env.Flag("AWARD_TRUST_PROXY", &c.TrustProxy)
	env.Flag("AWARD_PUBLISHING_TWO_PERSON", &c.Publishing.TwoPerson)
	env.Duration("AWARD_STAFF_WATCH_EVERY", &c.WatchEvery, "1m")
	env.Duration("AWARD_MAIL_EVERY", &c.MailEvery, "1m")
	if v := strings.TrimSpace(getenv("AWARD_STAFF_NOTIFY")); v != "" {
		c.NotifyTo = nil
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				c.NotifyTo = append(c.NotifyTo, a)
			}
		}
	}
	if env.Err != nil {
		return env.Err
	}
	if err := c.Reports.ApplyEnv(getenv); err != nil {
		return err
	}
	return c.Check()
}

// Check refuses settings the console cannot work with.
func (c *Config) Check() error {
	switch c.Digest {
	case "", "each", "daily":
	default:
		return fmt.Errorf("staff.digest %q：只能是 each（每件新收到的都通知）或 daily（每天汇总一次）", c.Digest)
	}
	if c.DigestHour < 0 || c.DigestHour > 23 {
		return fmt.Errorf("staff.digestHour %d：请写 0 到 23 之间的整点", c.DigestHour)
	}
	for _, a := range c.NotifyTo {
		if !strings.Contains(a, "@") {
			return fmt.Errorf("staff.notifyTo %q 不是电子邮箱地址", a)
		}
	}
	if c.PublicURL != "" && !strings.HasPrefix(c.PublicURL, "https://") && !strings.HasPrefix(c.PublicURL, "http://") {
		return fmt.Errorf("staff.publicURL %q：请写完整地址，如 https://zlj.zhongmou.gov.cn/", c.PublicURL)
	}
	return nil
}

func (c *Config) fill() {
	d := DefaultConfig()
	if c.Addr == "" {
		c.Addr = d.Addr
	}
	if c.Digest == "" {
		c.Digest = d.Digest
	}
	if c.PageSize <= 0 {
		c.PageSize = d.PageSize
	}
	if c.TimeZone == "" {
		c.TimeZone = d.TimeZone
	}
	if c.WatchEvery <= 0 {
		c.WatchEvery = d.WatchEvery
	}
	if c.MailEvery <= 0 {
		c.MailEvery = d.MailEvery
	}
	if c.Contact = strings.TrimSpace(c.Contact); c.Contact == "" {
		c.Contact = DefaultContact
	}
	if c.Reports.ValidityYears == 0 && c.Reports.PrizeYuan == 0 && c.Reports.RemindDays == 0 {
		c.Reports = d.Reports
	}
	c.Reports = c.Reports.WithDefaults()
}
