package intake

import (
	"container/list"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/zhongmou/award/internal/connguard"
)

// RateLimits are the per-client budgets, each written "N/PERIOD" or
// "N/PERIOD,BURST": N requests per PERIOD on average (a Go duration such as
// 1h or 30m, or a bare unit s, m, h, d), with up to BURST at once (default
// N). "off" disables the budget. A client is its IPv4 address or its IPv6
// prefix of Config.ClientIPv6Prefix bits, /64 by default (see
// Config.TrustProxy for where the address comes from).
type RateLimits struct {
	// Submit bounds form posts (objections and applications); env
	// AWARD_RATE_SUBMIT. Default "10/1h,5".
	Submit string `yaml:"submit"`
	// Receipt bounds receipt lookups; env AWARD_RATE_RECEIPT. Default
	// "60/1m,20".
	Receipt string `yaml:"receipt"`
	// Progress bounds progress lookups by reference and code (GET
	// /api/progress), a budget of its own, tighter than receipts', since
	// a lookup is a guess at a code; env AWARD_RATE_PROGRESS. Default
	// "10/1m,5".
	Progress string `yaml:"progress"`
	// Upload bounds the creation of staged uploads (POST /api/uploads/,
	// one per file chosen); env AWARD_RATE_UPLOAD. Default "60/1h,30".
	Upload string `yaml:"upload"`
	// MaxClients bounds how many clients each budget remembers (env
	// AWARD_RATE_MAX_CLIENTS); past it the least recently seen is
	// forgotten. Default 50000.
	MaxClients int `yaml:"maxClients"`
}

// rateSpec is a parsed budget; zero Burst means off.
type rateSpec struct {
	Limit rate.Limit
	Burst int
}

// parseRate reads "N/PERIOD[,BURST]" or "off".
func parseRate(s string) (rateSpec, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "off") || s == "0" {
		return rateSpec{}, nil
	}
	bad := fmt.Errorf("rate %q: write N/PERIOD or N/PERIOD,BURST, e.g. 10/1h,5 or 60/1m, or off", s)
	spec, burstText, hasBurst := strings.Cut(s, ",")
	nText, perText, ok := strings.Cut(spec, "/")
	if !ok {
		return rateSpec{}, bad
	}
	n, err := strconv.Atoi(strings.TrimSpace(nText))
	if err != nil || n < 1 {
		return rateSpec{}, bad
	}
	perText = strings.TrimSpace(perText)
	var per time.Duration
	switch perText {
	case "s":
		per = time.Second
	case "m":
		per = time.Minute
	case "h":
		per = time.Hour
	case "d":
		per = 24 * time.Hour
	default:
		if per, err = time.ParseDuration(perText); err != nil || per <= 0 {
			return rateSpec{}, bad
		}
	}
	burst := n
	if hasBurst {
		if burst, err = strconv.Atoi(strings.TrimSpace(burstText)); err != nil || burst < 1 {
			return rateSpec{}, bad
		}
	}
	return rateSpec{Limit: rate.Limit(float64(n) / per.Seconds()), Burst: burst}, nil
}

// limiterSet holds a token bucket per client, forgetting clients idle long
// enough for their bucket to be full again (so forgetting loses nothing),
// and at most max clients: past that the least recently seen is forgotten,
// so that a flood of new addresses costs bounded memory.
type limiterSet struct {
	spec    rateSpec
	idle    time.Duration
	now     func() time.Time
	max     int
	mu      sync.Mutex
	clients map[string]*list.Element // of *clientLimiter
	recent  *list.List               // most recently seen first
}

type clientLimiter struct {
	key  string
	lim  *rate.Limiter
	last time.Time
}

// defaultMaxClients bounds a limiter set's table unless configured.
const defaultMaxClients = 50000

func newLimiterSet(spec rateSpec, now func() time.Time, maxClients int) *limiterSet {
	if spec.Burst == 0 {
		return nil
	}
	if maxClients <= 0 {
		maxClients = defaultMaxClients
	}
	idle := time.Duration(float64(spec.Burst) / float64(spec.Limit) * float64(time.Second))
	return &limiterSet{spec: spec, idle: max(idle, time.Minute), now: now, max: maxClients,
		clients: map[string]*list.Element{}, recent: list.New()}
}

// allow takes one token for client, or says how long to wait for one.
func (l *limiterSet) allow(client string) (ok bool, wait time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	// Forget, from the least recently seen, clients idle past l.idle.
	for e := l.recent.Back(); e != nil && now.Sub(e.Value.(*clientLimiter).last) > l.idle; e = l.recent.Back() {
		l.forget(e)
	}
	var c *clientLimiter
	if e, ok := l.clients[client]; ok {
		c = e.Value.(*clientLimiter)
		l.recent.MoveToFront(e)
	} else {
		for l.recent.Len() >= l.max {
			l.forget(l.recent.Back())
		}
		c = &clientLimiter{key: client, lim: rate.NewLimiter(l.spec.Limit, l.spec.Burst)}
		l.clients[client] = l.recent.PushFront(c)
	}
	c.last = now
	res := c.lim.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Hour
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (l *limiterSet) forget(e *list.Element) {
	delete(l.clients, e.Value.(*clientLimiter).key)
	l.recent.Remove(e)
}

// size is the number of clients remembered.
func (l *limiterSet) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.recent.Len()
}

// clientIP is the client's address (connguard.ClientIP, trusting the
// proxy's headers only with Config.TrustProxy).
func (s *Server) clientIP(r *http.Request) string { return connguard.ClientIP(r, s.cfg.TrustProxy) }

// clientKey is the client a request counts against: its address, an
// IPv6 one cut to its prefix of ClientIPv6Prefix bits (so that the many
// addresses of one household or office count as one).
func (s *Server) clientKey(r *http.Request) string {
	ip := s.clientIP(r)
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	return connguard.ClientPrefix(addr, s.cfg.ClientIPv6Prefix).String()
}

// rateLimit refuses a client over its budget with 429 rate_limited, before
// anything is read or stored. kind labels the rejection in the metrics.
func (s *Server) rateLimit(set *limiterSet, kind string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ok, wait := set.allow(s.clientKey(r))
			if ok {
				next.ServeHTTP(w, r)
				return
			}
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			what := "提交"
			switch kind {
			case "receipt":
				what = "查询回执"
			case "progress":
				what = "查询办理进度"
			case "upload":
				what = "上传文件"
			}
			s.metrics.rejections.WithLabelValues(kind, "rate_limited").Inc()
			s.fail(w, r, &problem{Status: http.StatusTooManyRequests, Code: "rate_limited",
				Message: what + "过于频繁，本次请求没有处理，也没有保存任何内容。请在" + waitText(secs) + "后再试；如急需办理，请联系秘书处。"}, nil)
		})
	}
}

// waitText says a wait in plain Chinese, rounded up.
func waitText(secs int) string {
	switch {
	case secs < 60:
		return strconv.Itoa(max(secs, 1)) + "秒"
	case secs < 3600:
		return strconv.Itoa((secs+59)/60) + "分钟"
	default:
		h, m := secs/3600, (secs%3600+59)/60
		if m == 60 {
			h, m = h+1, 0
		}
		if m == 0 {
			return strconv.Itoa(h) + "小时"
		}
		return strconv.Itoa(h) + "小时" + strconv.Itoa(m) + "分钟"
	}
}
