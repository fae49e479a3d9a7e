// Package winners is the register of the award's winners: who won, in
// which session and year, and until when the award is valid — the winners
// who must file an annual report (年度报告: the 《自评报告》 of Art. 29 and
// the 奖金使用情况 of Art. 24 of the Measures) in a report call.
//
// The register is built from two sources (Build): the archive's
// applications at 获奖 (their call's session and year from the windows
// manifest), and, for earlier sessions that never came through the online
// intake, the site's winner pages (type "winner", in windows.json as
// schedule.Manifest.Winners). A winner found in both is the record's.
//
// The package is pure: it reads nothing and stores nothing; Records
// (records.go) is the Register over an archive and a windows manifest.
package winners

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/zhongmou/award/schedule"
)

// Entry is one winner in the register.
type Entry struct {
	OrgName string
	// CreditCode is the 统一社会信用代码; "" for a winner page without one
	// (such a winner cannot file online until the page gives it).
	CreditCode string
	Session    int // 届次
	AwardYear  int // 获奖年度
	// ValidUntil is the last year the award is valid (inclusive).
	ValidUntil int
	// Application is the winning application's reference; "" for a winner
	// taken from the site's pages.
	Application string
}

// ValidIn reports whether the award is valid in year: from its award year
// to ValidUntil, both included.
func (e Entry) ValidIn(year int) bool { return year >= e.AwardYear && year <= e.ValidUntil }

// Validity is the period in words: "2026—2028年".
func (e Entry) Validity() string { return fmt.Sprintf("%d—%d年", e.AwardYear, e.ValidUntil) }

// Register gives the current register of winners.
type Register interface {
	Winners(ctx context.Context) ([]Entry, error)
}

// Config is the reports part of the configuration (intake.yaml and
// console.yaml: reports:).
type Config struct {
	// ValidityYears is how many years an award is valid, counted from its
	// award year: the default 3 is the award year and the next two. The
	// Measures say only 获奖有效期 (Art. 29) without its length; three years
	// is the assumption, as for the provincial and municipal awards,
	// until the county states otherwise. It is not set here: the program
	// takes it from the archive's retention.validityYears
	// (AWARD_VALIDITY_YEARS), the one setting of the award's validity,
	// which the retention of winners' files counts from as well.
	ValidityYears int `yaml:"-"`
	// PrizeYuan is the prize in yuan, which a winner's fund use may not
	// exceed (default 300000; env AWARD_PRIZE_YUAN).
	PrizeYuan int64 `yaml:"prizeYuan"`
	// RemindDays is how many working days before a report call closes the
	// winners who have not filed are reminded by mail (and again on the
	// close day) (default 5; env AWARD_REPORT_REMIND_DAYS; 0: only on the
	// close day).
	RemindDays int `yaml:"remindDays"`
}

// DefaultConfig is the configuration of `make run`.
func DefaultConfig() Config {
	return Config{ValidityYears: 3, PrizeYuan: 300000, RemindDays: 5}
}

// ApplyEnv overrides c from AWARD_PRIZE_YUAN and AWARD_REPORT_REMIND_DAYS, fills what is unset from the defaults
// (WithDefaults) and checks the result.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	for _, v := range []struct {
		name string
		set  func(int64)
	}{
		{"AWARD_PRIZE_YUAN", func(n int64) { c.PrizeYuan = n }},
		{"AWARD_REPORT_REMIND_DAYS", func(n int64) { c.RemindDays = int(n) }},
	} {
		s := strings.TrimSpace(getenv(v.name))
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("环境变量 %s=%q 无效：请写成不小于 0 的整数", v.name, s)
		}
		v.set(n)
	}
	*c = c.WithDefaults()
	return c.Check()
}

// Check refuses a configuration that cannot be applied.
func (c Config) Check() error {
	if c.ValidityYears < 1 {
		return fmt.Errorf("配置有误：retention.validityYears（获奖有效期年数，AWARD_VALIDITY_YEARS）应至少为 1")
	}
	if c.PrizeYuan < 1 {
		return fmt.Errorf("配置有误：reports.prizeYuan（奖金金额，元）应大于 0")
	}
	if c.RemindDays < 0 {
		return fmt.Errorf("配置有误：reports.remindDays（截止前几个工作日提醒）不能为负数")
	}
	return nil
}

// WithDefaults fills what is unset (zero) from DefaultConfig.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	if c.ValidityYears == 0 {
		c.ValidityYears = d.ValidityYears
	}
	if c.PrizeYuan == 0 {
		c.PrizeYuan = d.PrizeYuan
	}
	return c
}

// years is the validity in years, the default when unset.
func (c Config) years() int {
	if c.ValidityYears > 0 {
		return c.ValidityYears
	}
	return DefaultConfig().ValidityYears
}

// Awarded is an application at 获奖, as Build reads it.
type Awarded struct {
	Reference, OrgName, CreditCode string
	Session, AwardYear             int
}

// Build is the register: the awarded applications, then the site's winners
// not among them (by credit code, else by name), newest session first,
// then by name.
func Build(cfg Config, apps []Awarded, site []schedule.Winner) []Entry {
	var out []Entry
	seen := map[string]bool{}
	for _, a := range apps {
		e := Entry{OrgName: a.OrgName, CreditCode: NormalizeCode(a.CreditCode), Session: a.Session, AwardYear: a.AwardYear, Application: a.Reference}
		e.ValidUntil = e.AwardYear + cfg.years() - 1
		out = append(out, e)
		seen["code:"+e.CreditCode], seen["name:"+strings.TrimSpace(e.OrgName)] = true, true
	}
	for _, w := range site {
		code := NormalizeCode(w.CreditCode)
		if code != "" && seen["code:"+code] || seen["name:"+strings.TrimSpace(w.OrgName)] {
			continue
		}
		e := Entry{OrgName: strings.TrimSpace(w.OrgName), CreditCode: code, Session: w.Session, AwardYear: w.AwardYear}
		e.ValidUntil = e.AwardYear + cfg.years() - 1
		out = append(out, e)
		seen["name:"+e.OrgName] = true
		if code != "" {
			seen["code:"+code] = true
		}
	}
	slices.SortStableFunc(out, func(x, y Entry) int {
		if x.Session != y.Session {
			return y.Session - x.Session
		}
		return strings.Compare(x.OrgName, y.OrgName)
	})
	return out
}

// InValidity are the entries whose award is valid in year, in order.
func InValidity(entries []Entry, year int) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.ValidIn(year) {
			out = append(out, e)
		}
	}
	return out
}

// ByCode finds the entry with the credit code among entries; the latest
// session's when the organisation won more than once.
func ByCode(entries []Entry, code string) (Entry, bool) {
	code = NormalizeCode(code)
	if code == "" {
		return Entry{}, false
	}
	var best Entry
	found := false
	for _, e := range entries {
		if e.CreditCode == code && (!found || e.Session > best.Session) {
			best, found = e, true
		}
	}
	return best, found
}

// NormalizeCode is a credit code as compared: upper case, without spaces.
func NormalizeCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}
