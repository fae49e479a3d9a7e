package intake

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formToken opens the objection form, as a browser does, and returns its
// csrf token.
func (e *testEnv) formToken() string {
	e.t.Helper()
	page := getBody(e.t, e.http.URL+"/api/objections/new", http.StatusOK)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		e.t.Fatal("the form page has no csrf field")
	}
	return m[1]
}

// withToken adds a fresh form token to the fields of a browser post (one
// not asking for JSON) unless they carry one already.
func (e *testEnv) withToken(fields map[string]string, accept string) map[string]string {
	e.t.Helper()
	if strings.Contains(accept, "application/json") {
		return fields
	}
	if _, ok := fields["csrf"]; ok {
		return fields
	}
	out := map[string]string{"csrf": e.formToken()}
	for k, v := range fields {
		out[k] = v
	}
	return out
}

// sendWith posts an objection with extra request headers.
func (e *testEnv) sendWith(fields map[string]string, files []upload, accept string, header map[string]string) *http.Response {
	e.t.Helper()
	body, ct := multipartBody(e.t, fields, files)
	req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/api/objections", body)
	req.Header.Set("Content-Type", ct)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return string(b)
}

// Stored submissions count against the tight budget (RateLimits.Submit),
// refused posts do not: two typos first, then two objections stored; the
// third is refused with 429, Retry-After and when to try again, nothing of
// it stored, and a browser gets the form again with the entries.
func TestRateLimitSubmissions(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) { c.RateLimits.Submit = "2/1h,2"; c.RateLimits.Refusal = "20/1h,20" })
	bad := goodFields()
	bad["phone"] = "12345" // refused as invalid, so nothing is stored
	for i := range 3 {
		resp := e.post(bad, []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
		if got := decode[apiError](t, resp); got.Error.Code != "invalid" {
			t.Fatalf("typo %d: %d %s", i+1, resp.StatusCode, got.Error.Code)
		}
	}
	for i := range 2 {
		resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("objection %d after three typos: %d, want 201 (refusals must not take from the stored budget)", i+1, resp.StatusCode)
		}
	}
	stored := len(e.keys())
	resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	retry := resp.Header.Get("Retry-After")
	got := decode[apiError](t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || got.Error.Code != "rate_limited" {
		t.Fatalf("third objection: %d %q, want 429 rate_limited", resp.StatusCode, got.Error.Code)
	}
	if retry == "" || retry == "0" {
		t.Errorf("Retry-After %q", retry)
	}
	if !regexp.MustCompile(`请在\d+分钟后再试（即\d\d:\d\d以后）`).MatchString(got.Error.Message) {
		t.Errorf("message does not say when to try again: %s", got.Error.Message)
	}
	if n := e.rejections("objection", "rate_limited"); n != "1" {
		t.Errorf("rate_limited rejections counted %s, want 1", n)
	}
	// A browser gets the form again, with what was typed, and the status.
	typed := goodFields()
	typed["statement"] = "该组织2025年10月在韩寺镇的生产线发生质量事故，有市场监管部门的处罚决定书为证。"
	resp = e.post(typed, []upload{{"evidence", "a.pdf", pdfBytes}}, "text/html")
	page := readAll(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("browser: %d Retry-After %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, want := range []string{"后再试", typed["statement"] + "</textarea>", `value="张三"`, `value="13800138000"`, `id="f-consent" name="consent" value="yes" checked`, `name="csrf" value="`} {
		if !strings.Contains(page, want) {
			t.Errorf("the 429 page lacks %q:\n%s", want, page)
		}
	}
	// The application budget is the same one, per client.
	resp = e.apply(goodApplication(), allDocuments(), "application/json")
	if got := decode[apiError](t, resp); resp.StatusCode != http.StatusTooManyRequests || got.Error.Code != "rate_limited" {
		t.Errorf("application: %d %q", resp.StatusCode, got.Error.Code)
	}
	resp = e.apply(goodApplication(), allDocuments(), "text/html")
	page = readAll(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, `value="中牟县示例食品有限公司"`) || !strings.Contains(page, `value="中牟县示例大道88号"`) {
		t.Errorf("application from a browser: %d, want 429 with the entries kept:\n%s", resp.StatusCode, page)
	}
	if n := len(e.keys()); n != stored {
		t.Errorf("posts refused with 429 stored objects: %d before, %d after", stored, n)
	}
}

func TestRateLimitReceiptsAndClients(t *testing.T) {
	for _, trust := range []bool{false, true} {
		t.Run(fmt.Sprint("trustProxy=", trust), func(t *testing.T) {
			e := newEnv(t, dirStore(t), func(c *Config) { c.RateLimits.Receipt = "2/1m"; c.TrustProxy = trust })
			get := func(ip string) *http.Response {
				req, _ := http.NewRequest(http.MethodGet, e.http.URL+"/api/receipts/ABCD-EFGH?token=x", nil)
				req.Header.Set("X-Real-IP", ip)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp
			}
			for range 2 {
				if resp := get("203.0.113.1"); resp.StatusCode != http.StatusNotFound {
					t.Fatalf("lookup: %d", resp.StatusCode)
				}
			}
			resp := get("203.0.113.1")
			if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("third lookup: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			// Another address behind a trusted proxy has its own budget;
			// without trust the header is ignored and the peer is the same.
			want := http.StatusTooManyRequests
			if trust {
				want = http.StatusNotFound
			}
			if resp := get("203.0.113.2"); resp.StatusCode != want {
				t.Errorf("other client: %d, want %d", resp.StatusCode, want)
			}
		})
	}
}

func TestLimiterEvictsIdleClients(t *testing.T) {
	spec, err := parseRate("10/1h,5")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	set := newLimiterSet(spec, func() time.Time { mu.Lock(); defer mu.Unlock(); return now }, 0)
	for i := range 100 {
		set.allow(fmt.Sprintf("198.51.100.%d", i))
	}
	if set.size() != 100 {
		t.Fatalf("size %d", set.size())
	}
	mu.Lock()
	now = now.Add(31 * time.Minute) // 5 tokens at 10/h refill in 30 minutes
	mu.Unlock()
	set.allow("192.0.2.1")
	if set.size() != 1 {
		t.Errorf("after idling, %d clients remembered, want 1", set.size())
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]rateSpec{
		"10/1h,5": {Limit: 10.0 / 3600, Burst: 5}, "60/m": {Limit: 1, Burst: 60}, "off": {}, "": {}, "3/30s": {Limit: 0.1, Burst: 3},
	} {
		got, err := parseRate(in)
		if err != nil || got != want {
			t.Errorf("parseRate(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"10", "x/1h", "10/fortnight", "10/1h,0", "-1/1h"} {
		if _, err := parseRate(in); err == nil {
			t.Errorf("parseRate(%q) accepted", in)
		}
	}
	env := map[string]string{"AWARD_RATE_SUBMIT": "3/1h,2", "AWARD_RATE_RECEIPT": "off", "AWARD_TRUST_PROXY": "1",
		"AWARD_PUBLIC_ORIGIN": "https://zlj.example.gov.cn", "AWARD_STALL_TIMEOUT": "30s", "AWARD_CSRF_KEY": strings.Repeat("k", 32)}
	cfg, err := LoadConfig("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RateLimits.Submit != "3/1h,2" || cfg.RateLimits.Receipt != "off" || !cfg.TrustProxy ||
		cfg.PublicOrigin != "https://zlj.example.gov.cn" || cfg.StallTimeout != 30*time.Second || cfg.CSRFKey == "" {
		t.Errorf("config from env: %+v", cfg)
	}
	for k, v := range map[string]string{"AWARD_RATE_SUBMIT": "lots", "AWARD_PUBLIC_ORIGIN": "zlj.example.gov.cn", "AWARD_CSRF_KEY": "short"} {
		if _, err := LoadConfig("", func(name string) string {
			if name == k {
				return v
			}
			return ""
		}); err == nil {
			t.Errorf("%s=%s accepted", k, v)
		}
	}
}

func TestHoneypot(t *testing.T) {
	for _, accept := range []string{"application/json", "text/html"} {
		t.Run(accept, func(t *testing.T) {
			e := newEnv(t, dirStore(t), nil)
			f := goodFields()
			f["website"] = "http://spam.example"
			resp := e.post(f, []upload{{"evidence", "a.pdf", pdfBytes}}, accept)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
			if strings.Contains(body, "website\"") && accept == "application/json" || strings.Contains(body, "蜜罐") {
				t.Errorf("the answer points at the honeypot: %s", body)
			}
			if accept == "application/json" && !strings.Contains(body, `"invalid"`) {
				t.Errorf("code: %s", body)
			}
			e.assertNothingStored()
		})
	}
	// The field is on both forms, hidden by a class, out of the tab order.
	e := newEnv(t, dirStore(t), nil)
	for _, path := range []string{"/api/objections/new", "/api/applications/new"} {
		page := getBody(t, e.http.URL+path, http.StatusOK)
		if !strings.Contains(page, `<div class="hp-field"><label for="f-website">请勿填写此栏（留空即可）</label><input id="f-website" name="website" type="text" value="" tabindex="-1" autocomplete="off"></div>`) {
			t.Errorf("%s: no honeypot field", path)
		}
		if !csrfField.MatchString(page) {
			t.Errorf("%s: no csrf field", path)
		}
	}
}

func TestCSRF(t *testing.T) {
	pdf := []upload{{"evidence", "a.pdf", pdfBytes}}
	browser := func() map[string]string {
		f := goodFields()
		delete(f, "publicity")
		delete(f, "candidate")
		f["target"] = "pub-2026/c01"
		return f
	}
	refused := func(t *testing.T, e *testEnv, resp *http.Response, accept string) {
		t.Helper()
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
		if accept == "application/json" && !strings.Contains(body, `"code":"forbidden"`) {
			t.Errorf("body %s", body)
		}
		if accept != "application/json" && !strings.Contains(body, "没有保存任何内容") {
			t.Errorf("page does not say nothing was kept:\n%s", body)
		}
		e.assertNothingStored()
	}
	t.Run("cross-origin post", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		f := e.withToken(browser(), "text/html")
		refused(t, e, e.sendWith(f, pdf, "text/html", map[string]string{"Origin": "https://evil.example"}), "text/html")
		refused(t, e, e.sendWith(goodFields(), pdf, "application/json", map[string]string{"Origin": "https://evil.example"}), "application/json")
		refused(t, e, e.sendWith(f, pdf, "text/html", map[string]string{"Referer": "https://evil.example/page"}), "text/html")
		// Origin: null comes from a no-referrer page: refused when fetch
		// metadata says another site sent it, or without a form token.
		refused(t, e, e.sendWith(f, pdf, "text/html", map[string]string{"Origin": "null", "Sec-Fetch-Site": "cross-site"}), "text/html")
		refused(t, e, e.sendWith(goodFields(), pdf, "text/html", map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"}), "text/html")
		if n := e.rejections("objection", "forbidden"); n != "5" {
			t.Errorf("forbidden rejections %s, want 5", n)
		}
	})
	t.Run("post from the site's own no-referrer page", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		for _, site := range []string{"same-origin", ""} {
			resp := e.sendWith(e.withToken(browser(), "text/html"), pdf, "text/html", map[string]string{"Origin": "null", "Sec-Fetch-Site": site})
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("Origin: null, Sec-Fetch-Site %q, valid token: %d, want 303 to the receipt", site, resp.StatusCode)
			}
		}
	})
	t.Run("browser post without a token", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		f := browser()
		f["csrf"] = ""
		refused(t, e, e.post(f, pdf, "text/html"), "text/html")
	})
	t.Run("bad token", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		f := browser()
		tok := e.formToken()
		f["csrf"] = tok[:len(tok)-2] + "xx"
		refused(t, e, e.post(f, pdf, "text/html"), "text/html")
		// A token signed with another key (another process) is refused too.
		other := newEnv(t, dirStore(t), nil)
		f["csrf"] = other.formToken()
		refused(t, e, e.post(f, pdf, "text/html"), "text/html")
	})
	t.Run("expired token", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		f := browser()
		f["csrf"] = e.formToken()
		e.setNow(duringPublicity.Add(12*time.Hour + time.Minute))
		resp := e.post(f, pdf, "text/html")
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "已过期") || !strings.Contains(body, `value="张三"`) {
			t.Errorf("status %d; the form again with the entries and a fresh token expected:\n%s", resp.StatusCode, body)
		}
		// The refreshed form's token works.
		f["csrf"] = csrfField.FindStringSubmatch(body)[1]
		e.assertNothingStored()
		resp = e.post(f, pdf, "text/html")
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("with the refreshed token: %d", resp.StatusCode)
		}
	})
	t.Run("same-origin browser post with its token", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		f := e.withToken(browser(), "text/html")
		resp := e.sendWith(f, pdf, "text/html", map[string]string{"Origin": e.http.URL, "Referer": e.http.URL + "/api/objections/new"})
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", resp.StatusCode)
		}
	})
	t.Run("JSON with an Origin needs the token; without, not", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		refused(t, e, e.sendWith(goodFields(), pdf, "application/json", map[string]string{"Origin": e.http.URL}), "application/json")
		f := goodFields()
		f["csrf"] = e.formToken()
		resp := e.sendWith(f, pdf, "application/json", map[string]string{"Origin": e.http.URL})
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("same-origin JSON with token: %d %s", resp.StatusCode, readAll(t, resp))
		} else {
			resp.Body.Close()
		}
	})
	t.Run("public origin", func(t *testing.T) {
		e := newEnv(t, dirStore(t), func(c *Config) { c.PublicOrigin = "https://zlj.example.gov.cn"; c.CSRFKey = strings.Repeat("s", 32) })
		f := e.withToken(browser(), "text/html")
		refused(t, e, e.sendWith(f, pdf, "text/html", map[string]string{"Origin": e.http.URL}), "text/html")
		// Replicas sharing the key accept each other's tokens.
		other := newEnv(t, dirStore(t), func(c *Config) { c.PublicOrigin = "https://zlj.example.gov.cn"; c.CSRFKey = strings.Repeat("s", 32) })
		f["csrf"] = other.formToken()
		resp := e.sendWith(f, pdf, "text/html", map[string]string{"Origin": "https://zlj.example.gov.cn"})
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("from the public origin: %d", resp.StatusCode)
		}
	})
	t.Run("application form", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		f := goodApplication()
		f["csrf"] = "1.x"
		refused(t, e, e.apply(f, allDocuments(), "text/html"), "text/html")
		delete(f, "csrf")
		resp := e.apply(f, allDocuments(), "text/html") // apply fetches a token
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("application with token: %d", resp.StatusCode)
		}
	})
}

func TestStalledUploadDropped(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) {
		c.StallTimeout = 300 * time.Millisecond
		c.Limits.MaxFileBytes = 64 << 20
		c.Limits.MaxRequestBytes = 128 << 20
	})
	body, ct := multipartBody(t, goodFields(), []upload{{"evidence", "a.pdf", bigPDF(4 << 20)}})
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/api/objections", pr)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	req.ContentLength = -1
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	// Send the fields and 1 MB of the file, then stall with the connection open.
	if _, err := io.CopyN(pw, body, 1<<20); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	select {
	case r := <-done:
		if r.err == nil && r.status != http.StatusBadRequest {
			t.Errorf("stalled upload answered %d, want 400", r.status)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled upload was not dropped")
	}
	pw.CloseWithError(io.ErrClosedPipe)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("dropped after %v", d)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(e.keys()) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	e.assertNothingStored()
	// A steady upload with pauses shorter than the limit goes through.
	body, ct = multipartBody(t, goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}})
	pr, pw = io.Pipe()
	go func() {
		data, _ := io.ReadAll(body)
		for len(data) > 0 {
			n := min(len(data), 100)
			pw.Write(data[:n])
			data = data[n:]
			time.Sleep(100 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ = http.NewRequest(http.MethodPost, e.http.URL+"/api/objections", pr)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("slow but steady upload: %d", resp.StatusCode)
	}
}

func TestSecurityHeadersAndRequestID(t *testing.T) {
	var logBuf syncBuffer
	e := newEnv(t, dirStore(t), func(c *Config) { c.TrustProxy = true })
	e.srv.log = slog.New(slog.NewTextHandler(&logBuf, nil))
	check := func(path, referrer string, noStore bool) *http.Response {
		t.Helper()
		resp, err := http.Get(e.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if h.Get("Content-Security-Policy") != ContentSecurityPolicy || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "SAMEORIGIN" || h.Get("Referrer-Policy") != referrer {
			t.Errorf("%s: headers %v", path, h)
		}
		if noStore && h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, h.Get("Cache-Control"))
		}
		return resp
	}
	check("/api/objections/new", "no-referrer", true)
	check("/api/receipts/ABCD-EFGH?token=secret-token", "no-referrer", true)
	check("/api/nowhere", "no-referrer", true)
	check("/healthz", "no-referrer", true)
	// A good objection: the JSON answer is not cached, and the receipt
	// page sends no referrer.
	resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("API answer Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	got := decode[objectionResponse](t, resp)
	check(got.Receipt, "no-referrer", true)

	// Request ids: random, or the trusted proxy's.
	r1 := check("/healthz", "no-referrer", true)
	r2 := check("/healthz", "no-referrer", true)
	if id := r1.Header.Get("X-Request-ID"); len(id) != 24 || id == r2.Header.Get("X-Request-ID") {
		t.Errorf("request ids %q %q", id, r2.Header.Get("X-Request-ID"))
	}
	req, _ := http.NewRequest(http.MethodGet, e.http.URL+"/api/objections/new", nil)
	req.Header.Set("X-Request-ID", "nginx-req-42")
	r3, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r3.Body.Close()
	if r3.Header.Get("X-Request-ID") != "nginx-req-42" {
		t.Errorf("proxy's id not kept: %q", r3.Header.Get("X-Request-ID"))
	}
	log := logBuf.String()
	for end := time.Now().Add(5 * time.Second); !strings.Contains(log, "request_id=nginx-req-42") && time.Now().Before(end); log = logBuf.String() {
		time.Sleep(10 * time.Millisecond) // the line is written just after the answer
	}
	if !strings.Contains(log, "request_id=nginx-req-42") {
		t.Errorf("log lacks the request id:\n%s", log)
	}
	for _, secret := range []string{"secret-token", got.Token, "张三", "13800138000", "127.0.0.1"} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds %q:\n%s", secret, log)
		}
	}
	// Without a trusted proxy the header is not taken.
	e2 := newEnv(t, dirStore(t), nil)
	req, _ = http.NewRequest(http.MethodGet, e2.http.URL+"/healthz", nil)
	req.Header.Set("X-Request-ID", "forged")
	r4, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r4.Body.Close()
	if id := r4.Header.Get("X-Request-ID"); id == "forged" || id == "" {
		t.Errorf("untrusted id: %q", id)
	}
}

// The pages work under the CSP: no inline scripts, event handlers or style
// attributes.
func TestPagesNeedNoInlineCode(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	got := decode[objectionResponse](t, resp)
	inline := regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]|<script(?:(?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>(?:[^<]|<[^/])|\son[a-z]+\s*=|\sstyle\s*=|<style|javascript:`)
	for _, path := range []string{"/api/objections/new", "/api/applications/new", got.Receipt, "/api/nowhere"} {
		resp, err := http.Get(e.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		page := readAll(t, resp)
		if m := inline.FindString(page); m != "" {
			t.Errorf("%s has inline code %q", path, m)
		}
		for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1) {
			if !strings.Contains(tag, ` src="/`) {
				t.Errorf("%s: script not from the site: %s", path, tag)
			}
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// rejections reads award_rejections_total{kind,code} from /metrics.
func (e *testEnv) rejections(kind, code string) string {
	e.t.Helper()
	page := getBody(e.t, e.http.URL+"/metrics", http.StatusOK)
	m := regexp.MustCompile(`award_rejections_total\{code="` + code + `",kind="` + kind + `"\} (\S+)`).FindStringSubmatch(page)
	if m == nil {
		return "0"
	}
	return m[1]
}
