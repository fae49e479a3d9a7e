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
	// Submit bounds the submissions stored (objections, applications,
	// supplements): a post takes from it only once it has been read and
	// checked and is about to be committed (given back if the store then
	// fails), so that a post refused for a typo, a stale form or a closed
	// window costs nothing of it; env AWARD_RATE_SUBMIT. Default "10/1h,5".
	// A post arriving while it is spent is refused with 429 without its
	// files being stored, and the form is shown again with its entries.
	Submit string `yaml:"submit"`
	// Refusal bounds the posts refused for the client's part (every 4xx
	// answer to a post, the 429s of Submit included; not the server's own
	// failures, 5xx), a budget larger than Submit's, so that the typos of
	// the people sharing a kiosk's or village office's address do not shut
	// them out, while a flood of bad posts is still stopped: once it is
	// spent, posts are refused with 429 before any file is read (only the
	// text before the first file part is read, to show the form again);
	// env AWARD_RATE_REFUSAL. Default "60/1h,30".
	Refusal string `yaml:"refusal"`
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
	ok, wait, _ = l.take(client)
	return ok, wait
}

// take is allow, and when it takes a token it also returns giveBack, which
// returns the token (as far as later takes allow): for an action that
// then did not happen.
func (l *limiterSet) take(client string) (ok bool, wait time.Duration, giveBack func()) {
	if l == nil {
		return true, 0, func() {}
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.entry(client, now)
	res := c.lim.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Hour, nil
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d, nil
	}
	return true, 0, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		// As of the moment it was taken: the limiter restores nothing for
		// a later moment. (The refill since is then counted once more: a
		// few seconds' worth, at most.)
		res.CancelAt(now)
	}
}

// peek says whether client has a token now, without taking it, or how
// long until it has one.
func (l *limiterSet) peek(client string) (ok bool, wait time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	tokens := l.entry(client, now).lim.TokensAt(now)
	if tokens >= 1 {
		return true, 0
	}
	return false, time.Duration((1 - tokens) / float64(l.spec.Limit) * float64(time.Second))
}

// entry is client's bucket, made if new, marked as seen at now; l.mu is
// held.
func (l *limiterSet) entry(client string, now time.Time) *clientLimiter {
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
	return c
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
// anything is read or stored: for lookups and staged uploads (the form
// posts' budgets are submit's, see submitGate). kind labels the rejection
// in the metrics.
func (s *Server) rateLimit(set *limiterSet, kind string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ok, wait := set.allow(s.clientKey(r))
			if ok {
				next.ServeHTTP(w, r)
				return
			}
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
			s.fail(w, r, s.tooMany(wait, what+"过于频繁，本次请求没有处理，也没有保存任何内容。", "如急需办理，请联系秘书处。"), nil)
		})
	}
}

// tooMany is a 429 rate_limited answer, after a wait: what happened, when
// to try again (in so many minutes and, for a wait of a minute or more, at
// what time of day, rounded up to the minute), then what else to do.
func (s *Server) tooMany(wait time.Duration, what, then string) *problem {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	when := "请在" + waitText(secs) + "后再试"
	if secs >= 60 {
		at := s.now().Add(time.Duration(secs) * time.Second)
		if t := at.Truncate(time.Minute); t.Before(at) {
			at = t.Add(time.Minute) // not a moment too early
		}
		when += "（即" + s.clockText(at) + "以后）"
	}
	return &problem{Status: http.StatusTooManyRequests, Code: "rate_limited", RetryAfter: secs,
		Message: what + when + "；" + then}
}

// clockText says a moment soon to come as people read it: "14:32" today,
// "12月3日 08:05" another day (in the intake's time zone).
func (s *Server) clockText(t time.Time) string {
	t, now := t.In(s.loc), s.now().In(s.loc)
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04")
	}
	return fmt.Sprintf("%d月%d日 %s", int(t.Month()), t.Day(), t.Format("15:04"))
}

// submitGate decides, before a post's body is read, whether client may
// post now: nil when it may; else the 429 to answer, with flood set when it
// is the refusal budget that is spent (RateLimits.Refusal) rather than the
// budget of stored submissions (RateLimits.Submit). Nothing is taken from
// either budget here: a stored submission takes from Submit when it is
// committed (submit), a refusal from Refusal when it is answered
// (countRefusal).
func (s *Server) submitGate(client string) (p *problem, flood bool) {
	if ok, wait := s.refusalLim.peek(client); !ok {
		return s.tooMany(wait, "同一网络地址短时间内被退回（内容有误等）的提交过多，本次提交没有处理，也没有保存任何内容。",
			"请先核对下方的内容，届时再提交。如急需办理，请联系"+s.contact()+"。"), true
	}
	if ok, wait := s.submitLim.peek(client); !ok {
		return s.storedSpent(wait), false
	}
	return nil, false
}

// storedSpent is the 429 of a post that would be stored while the budget
// of stored submissions (RateLimits.Submit) of its address is spent.
func (s *Server) storedSpent(wait time.Duration) *problem {
	return s.tooMany(wait, "同一网络地址短时间内提交的件数已达上限（政务服务大厅、村（社区）办公室等处的电脑共用一个网络地址，合并计算），本次提交没有保存任何内容。",
		"您填写的内容已保留在下方，届时直接提交即可。如急需办理，请联系"+s.contact()+"。")
}

// countRefusal takes, for a post refused with p, a token of client's
// refusal budget (RateLimits.Refusal) when the refusal is the client's
// part (4xx); the server's own failures (5xx) cost the person nothing.
func (s *Server) countRefusal(client string, p *problem) {
	if p.Status >= 400 && p.Status < 500 {
		s.refusalLim.allow(client)
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
