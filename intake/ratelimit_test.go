package intake

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhongmou/award/storage"
)

// A 政务服务大厅 kiosk: five people, one address, the default budgets. Each
// first sends the form with two typos (a wrong ID number, then a wrong
// phone number), then correctly: all five objections are stored, since
// refusals take nothing from the budget of stored submissions. The sixth
// stored one is over that budget: 429, the form again with the typed
// statement, nothing stored.
func TestKioskNotShutOutByTypos(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) { c.RateLimits = DefaultConfig().RateLimits })
	people := []string{"张三", "李四", "王五", "赵六", "钱七"}
	for i, name := range people {
		f := goodFields()
		f["name"] = name
		f["statement"] = name + "反映：该组织2025年发生过产品质量责任事故，有处罚决定书为证。"
		typo := map[string]string{}
		for k, v := range f {
			typo[k] = v
		}
		typo["idNumber"] = "110105194912310021"
		for _, field := range []string{"idNumber", "phone"} {
			if field == "phone" {
				typo["idNumber"], typo["phone"] = f["idNumber"], "1380013800"
			}
			resp := e.post(typo, []upload{{"evidence", "a.pdf", pdfBytes}}, "text/html")
			page := readAll(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, f["statement"]+"</textarea>") {
				t.Fatalf("%s, typo in %s: %d, want 400 with the entries", name, field, resp.StatusCode)
			}
		}
		resp := e.post(f, []upload{{"evidence", "a.pdf", pdfBytes}}, "text/html")
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("person %d (%s), after two typos: %d, want 303 to the receipt: shut out by others' typos", i+1, name, resp.StatusCode)
		}
	}
	stored := len(e.keys())
	f := goodFields()
	f["statement"] = "第六位：该组织2025年发生过产品质量责任事故，有处罚决定书为证。"
	resp := e.post(f, []upload{{"evidence", "a.pdf", pdfBytes}}, "text/html")
	page := readAll(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth objection from the kiosk: %d Retry-After %q, want 429", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, want := range []string{f["statement"] + "</textarea>", "共用一个网络地址", "分钟后再试", "您填写的内容已保留在下方", "出于安全考虑，已选择的文件需要重新选择"} {
		if !strings.Contains(page, want) {
			t.Errorf("the 429 page lacks %q:\n%s", want, page)
		}
	}
	if n := len(e.keys()); n != stored {
		t.Errorf("the refused post stored objects: %d before, %d after", stored, n)
	}
}

// The refusal budget (RateLimits.Refusal), larger than the stored one,
// still stops a flood: past it every post, good or bad, is refused with
// 429 before any file is read or stored, the text before the first file
// still shown again; the stored budget is untouched by the flood, and the
// budget comes back with time.
func TestRefusalBudgetStopsFlood(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) { c.RateLimits.Submit = "10/1h,10"; c.RateLimits.Refusal = "3/1m,3" })
	bad := goodFields()
	bad["phone"] = "12345"
	for i := range 3 {
		resp := e.post(bad, []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
		if got := decode[apiError](t, resp); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("bad post %d: %d %s, want 400", i+1, resp.StatusCode, got.Error.Code)
		}
	}
	resp := e.post(bad, []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	got := decode[apiError](t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || got.Error.Code != "rate_limited" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("fourth bad post: %d %q Retry-After %q, want 429", resp.StatusCode, got.Error.Code, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(got.Error.Message, "被退回（内容有误等）的提交过多") || !strings.Contains(got.Error.Message, "秒后再试") {
		t.Errorf("flood message: %s", got.Error.Message)
	}
	// A good post too, and the form comes back with what was typed.
	resp = e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "text/html")
	page := readAll(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, goodFields()["statement"]+"</textarea>") {
		t.Errorf("good post during the flood: %d, want 429 with the statement kept:\n%s", resp.StatusCode, page)
	}
	e.assertNothingStored()
	// The file part of a flood post is not read: the gate answers at it,
	// while the client has sent only the text and the file's beginning.
	body, ct := multipartBody(t, e.withToken(goodFields(), "text/html"), []upload{{"evidence", "a.pdf", append(append([]byte{}, pdfBytes...), make([]byte, 900<<10)...)}})
	all, _ := io.ReadAll(body)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/objections HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ct, len(all))
	conn.Write(all[:len(all)-800<<10]) // the rest is never sent
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	flood, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the file is still on its way: %v", err)
	}
	page = readAll(t, flood)
	if flood.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, goodFields()["statement"]+"</textarea>") {
		t.Errorf("flood post with a file: %d, want 429 with the statement kept", flood.StatusCode)
	}
	if n := e.rejections("objection", "rate_limited"); n != "3" {
		t.Errorf("rate_limited rejections %s, want 3", n)
	}
	e.assertNothingStored()
	// A minute later the budget has room again.
	e.srv.refusalLim.now = func() time.Time { return time.Now().Add(time.Minute) }
	resp = e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("after the refusal budget refilled: %d, want 201", resp.StatusCode)
	}
}

// manifestDown is a store whose manifests cannot be written while down.
type manifestDown struct {
	storage.Store
	down atomic.Bool
}

func (s *manifestDown) Put(ctx context.Context, key string, r io.Reader, opts storage.PutOptions) (storage.Info, error) {
	if s.down.Load() && strings.HasSuffix(key, "manifest.json") {
		return storage.Info{}, &storage.Error{Kind: storage.Unavailable, Op: "put", Key: key}
	}
	return s.Store.Put(ctx, key, r, opts)
}

// A submission the store fails to commit (503) gives its token of the
// stored budget back, and the server's failure is not counted as the
// person's refusal.
func TestFailedCommitCostsNothing(t *testing.T) {
	store := &manifestDown{Store: dirStore(t)}
	e := newEnv(t, store, func(c *Config) { c.RateLimits.Submit = "1/1h,1"; c.RateLimits.Refusal = "1/1h,1" })
	store.down.Store(true)
	for i := range 3 {
		resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
		if got := decode[apiError](t, resp); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("post %d while the store is down: %d %s, want 503", i+1, resp.StatusCode, got.Error.Code)
		}
	}
	store.down.Store(false)
	resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("after the store is back: %d, want 201 (the failed commits took the token)", resp.StatusCode)
	}
}

// peek takes nothing; take takes one token, and its giveBack returns it.
func TestLimiterPeekTakeGiveBack(t *testing.T) {
	spec, _ := parseRate("1/1h,1")
	var mu sync.Mutex
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)
	set := newLimiterSet(spec, func() time.Time { mu.Lock(); defer mu.Unlock(); return now }, 10)
	for range 3 {
		if ok, _ := set.peek("a"); !ok {
			t.Fatal("peek took a token")
		}
	}
	ok, _, giveBack := set.take("a")
	if !ok {
		t.Fatal("first take refused")
	}
	if ok, wait := set.peek("a"); ok || wait < 59*time.Minute || wait > time.Hour {
		t.Errorf("peek after the take: %v, wait %v; want refused, about 1h", ok, wait)
	}
	giveBack()
	if ok, _, _ := set.take("a"); !ok {
		t.Error("the token given back is not there")
	}
	if ok, wait, gb := set.take("a"); ok || gb != nil || wait <= 0 {
		t.Errorf("second take: %v %v", ok, wait)
	}
	var off *limiterSet // "off"
	if ok, _ := off.peek("a"); !ok {
		t.Error("an off budget refused")
	}
	if ok, _, gb := off.take("a"); !ok || gb == nil {
		t.Error("an off budget refused")
	}
}

// The refusal budget has a default, an environment variable and a check
// naming it.
func TestRefusalBudgetConfig(t *testing.T) {
	cfg, err := LoadConfig("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RateLimits.Refusal != "60/1h,30" || cfg.RateLimits.Submit != "10/1h,5" {
		t.Errorf("defaults: refusal %q, submit %q", cfg.RateLimits.Refusal, cfg.RateLimits.Submit)
	}
	stored, _ := parseRate(cfg.RateLimits.Submit)
	refused, _ := parseRate(cfg.RateLimits.Refusal)
	if refused.Burst <= stored.Burst || refused.Limit <= stored.Limit {
		t.Errorf("the refusal budget %+v is not larger than the stored one %+v", refused, stored)
	}
	cfg, err = LoadConfig("", func(k string) string { return map[string]string{"AWARD_RATE_REFUSAL": "100/1h,40"}[k] })
	if err != nil || cfg.RateLimits.Refusal != "100/1h,40" {
		t.Errorf("from env: %q %v", cfg.RateLimits.Refusal, err)
	}
	_, err = LoadConfig("", func(k string) string { return map[string]string{"AWARD_RATE_REFUSAL": "many"}[k] })
	if err == nil || !strings.Contains(err.Error(), "AWARD_RATE_REFUSAL") {
		t.Errorf("bad AWARD_RATE_REFUSAL: %v", err)
	}
}

// A supplement is a stored submission too: over the budget, 429 and the
// receipt page again with the refusal and the supplement form, nothing
// stored.
func TestSupplementRateLimited(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) { c.RateLimits.Submit = "1/1h,1"; c.RateLimits.Refusal = "20/1h,20" })
	ref, token := e.applyOpen() // the one stored submission of the budget
	e.setNow(noticeIssued)
	e.issueNotice(ref, licenseItem)
	e.setNow(noticeIssued.Add(24 * time.Hour))
	before := e.keys()
	resp := e.supplement(ref, token, map[string]string{"note": "重新扫描的营业执照"}, []upload{{"license", "营业执照.pdf", pdfBytes}}, "text/html")
	page := readAll(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("supplement over the budget: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, want := range []string{`id="error-summary"`, "1小时后再试（即", `id="supplement-form"`, "补正材料没有保存"} {
		if !strings.Contains(page, want) {
			t.Errorf("the 429 receipt page lacks %q", want)
		}
	}
	if after := e.keys(); len(after) != len(before) {
		t.Errorf("the refused supplement stored objects: %v → %v", before, after)
	}
}

// When to try again: in so much time, and at what time of day (rounded
// up to the minute, with the date when it is another day); a wait under a
// minute needs no clock.
func TestTooManySaysWhen(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	e.setNow(time.Date(2026, 11, 25, 10, 0, 30, 0, shanghai))
	for wait, want := range map[time.Duration]string{
		90 * time.Second: "请在2分钟后再试（即10:02以后）；",
		20 * time.Second: "请在20秒后再试；",
		20 * time.Hour:   "请在20小时后再试（即11月26日 06:01以后）；",
	} {
		if p := e.srv.tooMany(wait, "", ""); !strings.HasPrefix(p.Message, want) || p.Status != http.StatusTooManyRequests || p.RetryAfter != int(wait.Seconds()) {
			t.Errorf("wait %v: %q (Retry-After %d), want %q", wait, p.Message, p.RetryAfter, want)
		}
	}
}
