package intake

import (
	"fmt"
	"math"
	"net/url"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/winners"
)

// Config configures the intake. Defaults (DefaultConfig) suit `make run`:
// storage in ./data, no other service. A YAML file (intake.yaml) overrides
// the defaults, and AWARD_* environment variables override the file.
type Config struct {
	// Config is the archive's part: storage, keys, retention, janitor
	// (the same keys at the top level of intake.yaml).
	archive.Config `yaml:",inline"`
	// Manifest is the windows manifest the site build writes.
	Manifest string `yaml:"manifest"`
	// Holidays and Townships are the data files of the working-day calendar
	// and of the county's townships and sub-districts.
	Holidays  string `yaml:"holidays"`
	Townships string `yaml:"townships"`
	// TimeZone is the zone of receipts and of the windows' days.
	TimeZone string `yaml:"timeZone"`
	// Limits bound what one request may carry.
	Limits Limits `yaml:"limits"`
	// Reports are the winners' annual reports: prize and reminders (env
	// AWARD_PRIZE_YUAN, AWARD_REPORT_REMIND_DAYS; see winners.Config); the
	// validity is the archive's retention.validityYears (AWARD_VALIDITY_YEARS).
	Reports winners.Config `yaml:"reports"`
	// Secretariat names who processes the data, for the privacy notice.
	Secretariat string `yaml:"secretariat"`
	// Contact is whom a submitter is told to call (a closed supplement
	// window, a lost receipt link on the progress page), e.g.
	// "中牟县县长质量奖评定委员会秘书处（中牟县市场监督管理局），联系电话
	// 0371-62196035" (env AWARD_CONTACT). Empty: the Secretariat.
	Contact string `yaml:"contact"`
	// SiteTitle is shown in the intake's pages.
	SiteTitle string `yaml:"siteTitle"`
	// BasePath is the site's base path, for links back to it.
	BasePath string `yaml:"basePath"`
	// RateLimits are the per-client budgets of stored submissions, refused
	// posts, receipt lookups, progress lookups and staged uploads (env
	// AWARD_RATE_SUBMIT, AWARD_RATE_REFUSAL, AWARD_RATE_RECEIPT,
	// AWARD_RATE_PROGRESS, AWARD_RATE_UPLOAD; see RateLimits).
	RateLimits RateLimits `yaml:"rateLimits"`
	// TrustProxy makes the intake take the client's address from X-Real-IP
	// (or X-Forwarded-For) and the request id from X-Request-ID, as set by
	// the reverse proxy in front of it (env AWARD_TRUST_PROXY=1). Set it
	// only behind such a proxy: otherwise clients could pick their address.
	TrustProxy bool `yaml:"trustProxy"`
	// PublicOrigin is the site's origin as browsers see it, e.g.
	// https://zlj.zhongmou.gov.cn (env AWARD_PUBLIC_ORIGIN); posts from any
	// other origin are refused. Empty: the request's Host.
	PublicOrigin string `yaml:"publicOrigin"`
	// CSRFKey signs the forms' csrf tokens (env AWARD_CSRF_KEY, at least 32
	// characters); give every replica the same. Empty: a random key per
	// process (forms opened before a restart must then be reloaded).
	CSRFKey string `yaml:"csrfKey"`
	// CSRFMaxAge is how long a form page's token stays valid.
	CSRFMaxAge time.Duration `yaml:"csrfMaxAge"`
	// StallTimeout drops an upload from which no byte arrives for this long
	// (env AWARD_STALL_TIMEOUT, e.g. 60s).
	StallTimeout time.Duration `yaml:"stallTimeout"`
	// Connections bound the connections clients may hold open
	// (see Connections).
	Connections Connections `yaml:"connections"`
	// Memory bounds what requests in progress hold in all (see Memory).
	Memory Memory `yaml:"memory"`
	// ClientIPv6Prefix is how many leading bits of an IPv6 address make one
	// client, for rate limits and connection limits (env
	// AWARD_CLIENT_IPV6_PREFIX): default 64, what an ISP gives one
	// household or office; IPv4 clients are their address.
	ClientIPv6Prefix int `yaml:"clientIPv6Prefix"`
}

// Limits bound uploads.
type Limits struct {
	MaxFileBytes    int64 `yaml:"maxFileBytes"`    // one file
	MaxRequestBytes int64 `yaml:"maxRequestBytes"` // the whole request
	// ApplicationMaxRequestBytes bounds an application with all its
	// documents (scans run to hundreds of MB).
	ApplicationMaxRequestBytes int64 `yaml:"applicationMaxRequestBytes"`
	// MaxFormTextBytes bounds the text fields of one request together.
	MaxFormTextBytes int64    `yaml:"maxFormTextBytes"`
	MaxFiles         int      `yaml:"maxFiles"`     // evidence files per objection
	StatementMin     int      `yaml:"statementMin"` // characters
	StatementMax     int      `yaml:"statementMax"` // characters
	AllowedTypes     []string `yaml:"allowedTypes"` // media types, detected from content
}

// DefaultConfig returns the configuration of `make run`.
func DefaultConfig() Config {
	return Config{
		Config:           archive.DefaultConfig(),
		Manifest:         "public/windows.json",
		Holidays:         "holidays.yaml",
		Townships:        "townships.yaml",
		TimeZone:         "Asia/Shanghai",
		Secretariat:      "中牟县县长质量奖评定委员会秘书处（中牟县市场监督管理局）",
		Contact:          "中牟县县长质量奖评定委员会秘书处（中牟县市场监督管理局）",
		SiteTitle:        "中牟县县长质量奖",
		BasePath:         "/",
		RateLimits:       RateLimits{Submit: "10/1h,5", Refusal: "60/1h,30", Receipt: "60/1m,20", Progress: "10/1m,5", Upload: "60/1h,30"},
		CSRFMaxAge:       12 * time.Hour,
		StallTimeout:     60 * time.Second,
		Connections:      DefaultConnections(),
		Memory:           DefaultMemory(),
		ClientIPv6Prefix: 64,
		Reports:          winners.DefaultConfig(),
		Limits: Limits{
			MaxFileBytes:               50 << 20,
			MaxRequestBytes:            200 << 20,
			ApplicationMaxRequestBytes: 1 << 30,
			MaxFormTextBytes:           256 << 10,
			MaxFiles:                   10,
			StatementMin:               20,
			StatementMax:               5000,
			AllowedTypes:               DefaultAllowedTypes(),
		},
	}
}

// LoadConfig reads a YAML file over the defaults (a missing file is fine)
// and then the environment.
func LoadConfig(file string, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	if err := archive.ReadConfigFile(file, &cfg, true); err != nil {
		return Config{}, fmt.Errorf("intake %w", err)
	}
	return cfg, cfg.Finish(getenv)
}

// Finish applies the environment over settings read from a file and checks
// them: what LoadConfig does after reading, for a caller whose file holds
// other services' settings beside the intake's (award serve: the console's).
func (c *Config) Finish(getenv func(string) string) error {
	if err := c.applyEnv(getenv); err != nil {
		return err
	}
	return c.check()
}

func (c *Config) applyEnv(getenv func(string) string) error {
	if err := c.Config.ApplyEnv(getenv); err != nil {
		return err
	}
	// The award's validity is the archive's (retention.validityYears).
	c.Reports.ValidityYears = c.Retention.ValidityYears
	if err := c.Reports.ApplyEnv(getenv); err != nil {
		return err
	}
	env := archive.Env{Getenv: getenv}
	env.Str("AWARD_MANIFEST", &c.Manifest)
	env.Str("AWARD_HOLIDAYS", &c.Holidays)
	env.Str("AWARD_BASE_PATH", &c.BasePath)
	env.Str("AWARD_TOWNSHIPS", &c.Townships)
	env.Str("AWARD_RATE_SUBMIT", &c.RateLimits.Submit)
	env.Str("AWARD_RATE_REFUSAL", &c.RateLimits.Refusal)
	env.Str("AWARD_RATE_RECEIPT", &c.RateLimits.Receipt)
	env.Str("AWARD_RATE_PROGRESS", &c.RateLimits.Progress)
	env.Str("AWARD_RATE_UPLOAD", &c.RateLimits.Upload)
	env.Str("AWARD_CONTACT", &c.Contact)
	env.Int("AWARD_RATE_MAX_CLIENTS", &c.RateLimits.MaxClients, 1, "个数")
	env.Flag("AWARD_TRUST_PROXY", &c.TrustProxy)
	env.Str("AWARD_PUBLIC_ORIGIN", &c.PublicOrigin)
	env.Str("AWARD_CSRF_KEY", &c.CSRFKey)
	env.Bytes("AWARD_MAX_FILE_BYTES", &c.Limits.MaxFileBytes, math.MinInt64)
	env.Bytes("AWARD_MAX_REQUEST_BYTES", &c.Limits.MaxRequestBytes, math.MinInt64)
	env.Bytes("AWARD_APPLICATION_MAX_REQUEST_BYTES", &c.Limits.ApplicationMaxRequestBytes, math.MinInt64)
	env.Duration("AWARD_STALL_TIMEOUT", &c.StallTimeout, "10m 或 2h")
	c.applyGuardEnv(&env)
	env.Int("AWARD_MAX_FILES", &c.Limits.MaxFiles, math.MinInt, "个数")
	return env.Err
}

func (c *Config) check() error {
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		return fmt.Errorf("intake config: timeZone: %w", err)
	}
	if err := c.Config.Check(); err != nil {
		return err
	}
	l := c.Limits
	if l.MaxFileBytes < 1 || l.MaxRequestBytes < l.MaxFileBytes || l.MaxFiles < 1 || l.StatementMin < 1 || l.StatementMax < l.StatementMin {
		return fmt.Errorf("intake config: limits out of order: %+v", l)
	}
	for name, v := range map[string]string{"rateLimits.submit (AWARD_RATE_SUBMIT)": c.RateLimits.Submit, "rateLimits.receipt (AWARD_RATE_RECEIPT)": c.RateLimits.Receipt,
		"rateLimits.progress (AWARD_RATE_PROGRESS)": c.RateLimits.Progress, "rateLimits.upload (AWARD_RATE_UPLOAD)": c.RateLimits.Upload,
		"rateLimits.refusal (AWARD_RATE_REFUSAL)": c.RateLimits.Refusal} {
		if _, err := parseRate(v); err != nil {
			return fmt.Errorf("intake config: %s: %w", name, err)
		}
	}
	if c.PublicOrigin != "" {
		u, err := url.Parse(c.PublicOrigin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("intake config: publicOrigin (AWARD_PUBLIC_ORIGIN) %q: write scheme and host only, e.g. https://example.gov.cn", c.PublicOrigin)
		}
	}
	if c.CSRFKey != "" && len(c.CSRFKey) < 32 {
		return fmt.Errorf("intake config: csrfKey (AWARD_CSRF_KEY) is too short: use at least 32 random characters")
	}
	if c.CSRFMaxAge <= 0 {
		return fmt.Errorf("intake config: csrfMaxAge must be positive, e.g. 12h")
	}
	if err := c.checkGuards(); err != nil {
		return err
	}
	for _, t := range l.AllowedTypes {
		if _, ok := knownTypes[t]; !ok {
			return fmt.Errorf("intake config: allowed type %q is not one the intake can recognise", t)
		}
	}
	return nil
}
