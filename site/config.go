package site

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the site configuration, read from site.yaml. Every field has a
// default (see DefaultConfig), so an empty file is a valid configuration.
type Config struct {
	// Title is the site's name, shown in the header, feeds and meta tags.
	Title string `yaml:"title"`
	// BaseURL is the absolute URL of the site's root. It may carry a
	// sub-path ("https://www.zhongmou.gov.cn/zlj/") so that the site can live
	// as a column under the county portal; every generated link carries it.
	BaseURL string `yaml:"baseURL"`
	// Language is the page language (the html lang attribute).
	Language string `yaml:"language"`
	// TimeZone is the IANA zone in which dates without an offset are read.
	TimeZone string `yaml:"timeZone"`
	// Paginate is the number of pages per list page.
	Paginate int `yaml:"paginate"`
	// SummaryLength is the length of automatic summaries, in characters.
	SummaryLength int `yaml:"summaryLength"`
	// FeedLimit is the number of entries in each Atom feed.
	FeedLimit int `yaml:"feedLimit"`
	// Description is the site's description (meta description, feeds).
	Description string `yaml:"description"`
	// Footer holds the identifiers a government site shows on every page.
	Footer Footer `yaml:"footer"`
	// Menus are named lists of links, e.g. menus.main for the navigation.
	Menus map[string][]MenuItem `yaml:"menus"`
	// PublicityCloseTime is the time of day ("HH:MM") a publicity window
	// closes on its last day; "24:00" (the default) is the end of the day.
	PublicityCloseTime string `yaml:"publicityCloseTime"`
	// ObjectionForm and ApplicationForm are the site paths of the objection
	// and application forms; candidates and calls link to them. Paths under
	// /api/ belong to the intake, which serves them on the same origin; the
	// build checks every other form path like a link.
	ObjectionForm   string `yaml:"objectionForm"`
	ApplicationForm string `yaml:"applicationForm"`
	// Search turns the site's search index (search/) on or off; on unless
	// set to false.
	Search *bool `yaml:"search"`
	// Params are free values for themes.
	Params map[string]any `yaml:"params"`

	loc      *time.Location
	basePath string
	origin   string
}

// Footer carries the identifiers required in a government site's footer.
type Footer struct {
	Sponsor      string `yaml:"sponsor"`      // 主办单位
	Organizer    string `yaml:"organizer"`    // 承办单位
	Address      string `yaml:"address"`      // 地址
	Phone        string `yaml:"phone"`        // 联系电话
	Email        string `yaml:"email"`        // 电子邮箱
	SiteCode     string `yaml:"siteCode"`     // 政府网站标识码
	ICP          string `yaml:"icp"`          // ICP备案号
	ICPLink      string `yaml:"icpLink"`      // ICP备案查询地址
	PublicSec    string `yaml:"publicSec"`    // 公安机关备案号
	PublicSecURL string `yaml:"publicSecURL"` // 公安机关备案查询地址
	GovMarkURL   string `yaml:"govMarkURL"`   // 党政机关网站标识链接
	// GovMarkImage is the picture of the 党政机关网站标识 issued for the site
	// (a site path such as "/img/dzjg.png", a file of the theme's or the
	// site's static folder): the footer shows it centred at the bottom,
	// linked to GovMarkURL when that is set. The build fails when the site
	// publishes no such file.
	GovMarkImage string `yaml:"govMarkImage"`
	// GovMarkWidth and GovMarkHeight are the picture's size in pixels, read
	// from the file by the build (PNG, JPEG or GIF) for the img element.
	GovMarkWidth  int `yaml:"-"`
	GovMarkHeight int `yaml:"-"`
}

// MenuItem is one entry of a menu. URL is site-relative ("/policy/").
type MenuItem struct {
	Name   string `yaml:"name"`
	URL    string `yaml:"url"`
	Weight int    `yaml:"weight"`
}

// DefaultConfig returns the configuration used where site.yaml is silent.
func DefaultConfig() Config {
	return Config{
		Title:         "中牟县县长质量奖",
		BaseURL:       "http://127.0.0.1:8080/",
		Language:      "zh-CN",
		TimeZone:      "Asia/Shanghai",
		Paginate:      10,
		SummaryLength: 120,
		FeedLimit:     20,

		PublicityCloseTime: "24:00",
		ObjectionForm:      "/api/objections/new",
		ApplicationForm:    "/api/applications/new",
	}
}

// ParseConfig reads a YAML site configuration over the defaults.
// Unknown keys are an error, so that a misspelt key is not silently ignored.
func ParseConfig(data []byte) (Config, error) {
	cfg := DefaultConfig()
	if len(bytes.TrimSpace(data)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil {
			return Config{}, fmt.Errorf("站点配置有误：%w", err)
		}
	}
	if err := cfg.normalize(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// normalize checks the configuration and derives the location and base path.
func (c *Config) normalize() error {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return fmt.Errorf("站点配置 timeZone %q 无效：%w", c.TimeZone, err)
	}
	c.loc = loc
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("站点配置 baseURL %q 必须是完整网址，如 https://www.example.gov.cn/zlj/", c.BaseURL)
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	c.basePath = p
	c.origin = u.Scheme + "://" + u.Host
	c.BaseURL = c.origin + p
	if c.Paginate < 1 {
		return fmt.Errorf("站点配置 paginate 至少为 1，现为 %d", c.Paginate)
	}
	if c.SummaryLength < 1 {
		return fmt.Errorf("站点配置 summaryLength 至少为 1，现为 %d", c.SummaryLength)
	}
	if c.FeedLimit < 1 {
		return fmt.Errorf("站点配置 feedLimit 至少为 1，现为 %d", c.FeedLimit)
	}
	return nil
}

// Location is the time zone in which dates without an offset are read.
func (c *Config) Location() *time.Location { return c.loc }

// Local reports whether BaseURL names this machine (localhost or a
// loopback address): a build for development or a demonstration, not for
// the public.
func (c *Config) Local() bool {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// BasePath is the path part of BaseURL, always with leading and trailing "/".
func (c *Config) BasePath() string { return c.basePath }

// WithBaseURL returns a copy of the configuration serving from another base URL
// (the development server uses it to serve on its own address).
func (c Config) WithBaseURL(base string) (Config, error) {
	c.BaseURL = base
	if err := c.normalize(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// RelURL turns a site-relative path ("/policy/") into a path carrying the base path.
func (c *Config) RelURL(p string) string {
	if isExternal(p) {
		return p
	}
	return c.basePath + strings.TrimPrefix(p, "/")
}

// AbsURL turns a site-relative path into an absolute URL.
func (c *Config) AbsURL(p string) string {
	if isExternal(p) {
		return p
	}
	return c.origin + c.RelURL(p)
}

// isExternal reports whether a link leaves the site (has a scheme or a host).
func isExternal(link string) bool {
	if strings.HasPrefix(link, "//") {
		return true
	}
	for i := 0; i < len(link); i++ {
		c := link[i]
		switch {
		case c == ':':
			return i > 0
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return false
}

// searchOn reports whether the build writes the search index.
func (c *Config) searchOn() bool { return c.Search == nil || *c.Search }
