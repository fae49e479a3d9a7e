package console

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
)

// route is one of the console's routes, with a path that names a case.
type route struct {
	method, path string
}

func routes(ref string) []route {
	return []route{
		{"GET", "/staff/"}, {"GET", "/staff/cases/" + ref}, {"POST", "/staff/cases/" + ref + "/identity"},
		{"POST", "/staff/cases/" + ref + "/events"}, {"POST", "/staff/cases/" + ref + "/assignees"},
		{"GET", "/staff/cases/" + ref + "/files/1"}, {"GET", "/staff/export"}, {"POST", "/staff/export"},
		{"GET", "/staff/audit"}, {"GET", "/staff/password"}, {"POST", "/staff/password"}, {"POST", "/staff/logout"},
		{"POST", "/staff/cases/" + ref + "/corrections"}, {"GET", "/staff/cases/" + ref + "/corrections/1"},
		{"POST", "/staff/cases/" + ref + "/corrections/1/extension"}, {"POST", "/staff/cases/" + ref + "/receipt"},
		{"POST", "/staff/cases/" + ref + "/review"}, {"GET", "/staff/reports"},
	}
}

func (c *client) do(rt route, form url.Values) (*http.Response, string) {
	if rt.method == "POST" {
		return c.post(rt.path, form)
	}
	return c.get(rt.path)
}

// TestWithoutSession: every route but sign-in, without a session (none,
// or a cookie the server never issued), redirects to sign-in and shows
// nothing of the page.
func TestWithoutSession(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addObjection()
	for _, cookie := range []string{"", "forged-session-id-that-the-server-never-issued"} {
		for _, rt := range routes(m.Reference) {
			c := e.client()
			if cookie != "" {
				u, _ := url.Parse(e.ts.URL + "/staff/")
				c.http.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: cookie}})
			}
			resp, body := c.do(rt, url.Values{"csrf": {"x"}, "stage": {"accepted"}, "reason": {"看看是谁提的异议"}})
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/staff/login") {
				t.Errorf("%s %s without a session: %d → %q", rt.method, rt.path, resp.StatusCode, resp.Header.Get("Location"))
			}
			if strings.Contains(body, "中牟县某某食品有限公司") || strings.Contains(body, "质量事故") || strings.Contains(body, "evidence") || strings.Contains(body, objector.Name) {
				t.Errorf("%s %s without a session shows the case", rt.method, rt.path)
			}
		}
	}
	if c, _ := e.arch.Case(context.Background(), m.Reference); c.Seq != 0 {
		t.Fatal("a post without a session moved the case")
	}
}

// TestRoles: each role against each route, on the server.
func TestRoles(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	obj := e.addObjection()
	mine := e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	other := e.addApplication("官渡镇某某纺织有限公司", "91410122MA45BBBB2B", "官渡镇")
	sec := e.signIn("mishu", staff.Secretariat, "")
	town := e.signIn("hansi", staff.Township, "韩寺镇")
	rev := e.signIn("pingshen", staff.Reviewer, "")
	aud := e.signIn("shenji", staff.Auditor, "")

	status := func(c *client, rt route) int {
		resp, _ := c.do(rt, url.Values{"reason": {"核对材料需要联系人"}})
		return resp.StatusCode
	}
	// Inbox: each sees only what the role allows.
	_, body := town.get("/staff/")
	if !strings.Contains(body, mine.Reference) || strings.Contains(body, other.Reference) || strings.Contains(body, obj.Reference) {
		t.Fatalf("township inbox shows other townships' applications or objections:\n%s", body)
	}
	_, body = rev.get("/staff/")
	if strings.Contains(body, mine.Reference) || strings.Contains(body, obj.Reference) {
		t.Fatal("reviewer inbox shows unassigned cases")
	}
	for _, c := range []struct {
		who  *client
		name string
		rt   route
		want int
	}{
		{town, "township, its own application", route{"GET", "/staff/cases/" + mine.Reference}, 200},
		{town, "township, another township's", route{"GET", "/staff/cases/" + other.Reference}, 404},
		{town, "township, an objection", route{"GET", "/staff/cases/" + obj.Reference}, 404},
		{town, "township, identity", route{"POST", "/staff/cases/" + mine.Reference + "/identity"}, 403},
		{town, "township, stage", route{"POST", "/staff/cases/" + mine.Reference + "/events"}, 403},
		{town, "township, export", route{"GET", "/staff/export"}, 403},
		{town, "township, audit", route{"GET", "/staff/audit"}, 403},
		{town, "township, reports", route{"GET", "/staff/reports"}, 403},
		{rev, "reviewer, unassigned case", route{"GET", "/staff/cases/" + mine.Reference}, 404},
		{rev, "reviewer, unassigned file", route{"GET", "/staff/cases/" + mine.Reference + "/files/1"}, 404},
		{rev, "reviewer, identity", route{"POST", "/staff/cases/" + mine.Reference + "/identity"}, 403},
		{rev, "reviewer, audit", route{"GET", "/staff/audit"}, 403},
		{rev, "reviewer, reports", route{"GET", "/staff/reports"}, 403},
		{aud, "auditor, inbox", route{"GET", "/staff/"}, 403},
		{aud, "auditor, case", route{"GET", "/staff/cases/" + obj.Reference}, 403},
		{aud, "auditor, export", route{"GET", "/staff/export?download=1"}, 403},
		{aud, "auditor, audit", route{"GET", "/staff/audit"}, 200},
		{aud, "auditor, reports", route{"GET", "/staff/reports"}, 403},
		{sec, "secretariat, reports", route{"GET", "/staff/reports"}, 200},
		{sec, "secretariat, audit", route{"GET", "/staff/audit"}, 200},
		{sec, "secretariat, another township's case", route{"GET", "/staff/cases/" + other.Reference}, 200},
	} {
		if got := status(c.who, c.rt); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// Assigned, the reviewer sees the case, without identities or notes
	// marked internal.
	sec.get("/staff/cases/" + mine.Reference)
	if resp, body := sec.post("/staff/cases/"+mine.Reference+"/assignees", url.Values{"reviewer": {"pingshen"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", resp.StatusCode, body)
	}
	sec.get("/staff/cases/" + mine.Reference)
	sec.post("/staff/cases/"+mine.Reference+"/events", url.Values{"stage": {"accepted"}, "note": {"内部：材料齐全"}, "internal": {"1"}, "after": {"0"}})
	resp, body := rev.get("/staff/cases/" + mine.Reference)
	if resp.StatusCode != 200 || strings.Contains(body, "李建国") || strings.Contains(body, "查看身份信息") || strings.Contains(body, "内部：材料齐全") {
		t.Fatalf("assigned reviewer: %d, identity form or internal note shown", resp.StatusCode)
	}
	_, body = rev.get("/staff/")
	if !strings.Contains(body, mine.Reference) {
		t.Fatal("assigned case missing from the reviewer's inbox")
	}
	if n := len(e.audits("forbidden")); n < 6 {
		t.Fatalf("%d refusals audited, want every 403", n)
	}
	// Each refusal of the reports page is audited with its path.
	reportRefusals := 0
	for _, rec := range e.audits("forbidden") {
		if strings.Contains(detailText(rec.Details), "/staff/reports") {
			reportRefusals++
		}
	}
	if reportRefusals != 3 {
		t.Fatalf("%d refusals of /staff/reports audited, want 3 (township, reviewer, auditor)", reportRefusals)
	}
}

// TestCSRF: a post without the session's token, or with another
// session's, is refused and changes nothing.
func TestCSRF(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addObjection()
	a := e.signIn("clerka", staff.Secretariat, "")
	b := e.signIn("clerkb", staff.Secretariat, "")
	a.get("/staff/cases/" + m.Reference)
	b.get("/staff/cases/" + m.Reference)
	for _, tok := range []string{"", b.csrf, "x" + a.csrf} {
		resp, _ := a.post("/staff/cases/"+m.Reference+"/events", url.Values{"csrf": {tok}, "stage": {"accepted"}, "after": {"0"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("token %q: %d, want 403", tok, resp.StatusCode)
		}
	}
	if c, _ := e.arch.Case(context.Background(), m.Reference); c.Seq != 0 {
		t.Fatal("a post with a wrong token moved the case")
	}
	// The sign-in form has a token of its own.
	c := e.client()
	resp, _ := c.post("/staff/login", url.Values{"csrf": {"made-up"}, "name": {"clerka"}, "password": {"x"}, "otp": {"123456"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in without its token: %d", resp.StatusCode)
	}
}

// TestLockout: the fifth failure locks the account for 15 minutes, said
// plainly and audited once; the right credentials are refused meanwhile.
func TestLockout(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	secret, initial := e.account("suoding", staff.Secretariat, "")
	c := e.client()
	for i := 1; i <= staff.MaxFailures; i++ {
		resp, body := c.login("suoding", "wrong-password", secret)
		want := http.StatusUnauthorized
		if i == staff.MaxFailures {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("failure %d: %d, want %d", i, resp.StatusCode, want)
		}
		if i < staff.MaxFailures && !strings.Contains(body, "账号、密码或动态验证码不对") {
			t.Fatalf("failure %d: message missing", i)
		}
		if i == staff.MaxFailures && !strings.Contains(body, "已锁定到") {
			t.Fatalf("lock not said: %s", body)
		}
		if strings.Contains(body, "wrong-password") {
			t.Fatal("the password typed is echoed")
		}
	}
	resp, _ := c.login("suoding", initial, secret)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right credentials while locked: %d", resp.StatusCode)
	}
	if n := len(e.audits("locked")); n != 1 {
		t.Fatalf("%d lock audits, want 1", n)
	}
	if n := len(e.audits("login-failed")); n != staff.MaxFailures {
		t.Fatalf("%d failure audits, want %d", n, staff.MaxFailures)
	}
	for _, rec := range e.audits("") {
		if strings.Contains(detailText(rec.Details), "wrong-password") || strings.Contains(rec.Operator, "wrong") {
			t.Fatal("the audit log holds a password typed")
		}
	}
	e.clock.add(staff.LockFor)
	if resp, _ := c.login("suoding", initial, secret); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the lock: %d", resp.StatusCode)
	}
}

// TestSessionEnds: idle timeout, absolute timeout, sign-out, disabling and
// a password change elsewhere each end a session on the server.
func TestSessionEnds(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	alive := func(c *client) bool {
		resp, _ := c.get("/staff/")
		return resp.StatusCode == http.StatusOK
	}
	c := e.signIn("kongxian", staff.Secretariat, "")
	e.clock.add(staff.IdleTimeout + time.Minute)
	if alive(c) {
		t.Error("session alive after 31 idle minutes")
	}

	c = e.signIn("changshi", staff.Secretariat, "")
	for range 12 * 3 {
		e.clock.add(20 * time.Minute)
		if !alive(c) {
			break
		}
	}
	if alive(c) {
		t.Error("session alive after 12 hours of use")
	}

	c = e.signIn("tuichu", staff.Secretariat, "")
	cookie := sessionOf(t, c)
	c.get("/staff/")
	if resp, _ := c.post("/staff/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	replay := e.client()
	setSession(t, replay, cookie)
	if alive(replay) {
		t.Error("session alive after sign-out (old cookie replayed)")
	}

	c = e.signIn("tingyong", staff.Secretariat, "")
	if err := e.dir.Disable(context.Background(), "tingyong"); err != nil {
		t.Fatal(err)
	}
	if alive(c) {
		t.Error("session alive after the account was disabled")
	}
}

func sessionOf(t *testing.T, c *client) string {
	u, _ := url.Parse(c.e.ts.URL + "/staff/")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func setSession(t *testing.T, c *client, v string) {
	u, _ := url.Parse(c.e.ts.URL + "/staff/")
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: v}})
}

// TestCookieAndHeaders: the session cookie is HttpOnly, SameSite=Strict,
// for /staff/ only, Secure over TLS (direct, or the trusted proxy's); no
// answer may be cached.
func TestCookieAndHeaders(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	secret, initial := e.account("cookie", staff.Secretariat, "")
	c := e.client()
	c.e.clock.add(30 * time.Second)
	resp, _ := c.login("cookie", initial, secret)
	var sc *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			sc = ck
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.Path != "/staff/" || sc.Secure {
		t.Fatalf("session cookie over plain HTTP: %+v", sc)
	}
	for _, p := range []string{"/staff/login", "/staff/", "/staff/audit", "/staff/nothing"} {
		resp, _ := c.get(p)
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: headers %v", p, resp.Header)
		}
	}
	// Behind the trusted proxy, over https.
	e.srv.cfg.TrustProxy = true
	req := httptest.NewRequest("GET", "/staff/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if ck := rec.Result().Cookies(); len(ck) == 0 || !ck[0].Secure {
		t.Fatalf("sign-in token cookie behind a TLS proxy not Secure: %v", ck)
	}
	// Served over TLS itself.
	tlsSrv := httptest.NewTLSServer(e.srv)
	defer tlsSrv.Close()
	cl := tlsSrv.Client()
	cl.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	r2, err := cl.Get(tlsSrv.URL + "/staff/login")
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if ck := r2.Cookies(); len(ck) == 0 || !ck[0].Secure {
		t.Fatalf("cookie over TLS not Secure: %v", ck)
	}
}

// TestEventConflict: two clerks who opened the same case both move it;
// the second is told to reload and nothing of theirs is written.
func TestEventConflict(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addObjection()
	a := e.signIn("jiaa", staff.Secretariat, "")
	b := e.signIn("yib", staff.Secretariat, "")
	a.get("/staff/cases/" + m.Reference)
	b.get("/staff/cases/" + m.Reference)
	resp, _ := a.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {"accepted"}, "after": {"0"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first clerk: %d", resp.StatusCode)
	}
	resp, body := b.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {"not-accepted"}, "note": {"不属于受理范围"}, "after": {"0"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "刷新") || !strings.Contains(body, "不属于受理范围") {
		t.Fatalf("second clerk: %d (want 409 saying to reload, with the note kept)\n%s", resp.StatusCode, body)
	}
	c, _ := e.arch.Case(context.Background(), m.Reference)
	if c.Seq != 1 || c.Current.Code != submission.StageAccepted {
		t.Fatalf("after the conflict: seq %d stage %s", c.Seq, c.Current.Code)
	}
	// A move the flow does not allow, and a refusal without its reason.
	resp, _ = a.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {"substantiated"}, "after": {"1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("move not allowed: %d", resp.StatusCode)
	}
}

// TestDownload: a file comes as stored, inline only for PDF and pictures
// and then under a sandbox policy; each download is audited.
func TestDownload(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addObjection()
	c := e.signIn("xiazai", staff.Secretariat, "")
	resp, body := c.get("/staff/cases/" + m.Reference + "/files/1")
	if resp.StatusCode != 200 || body != "%PDF-1.4 evidence" || resp.Header.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	resp, _ = c.get("/staff/cases/" + m.Reference + "/files/1?inline=1")
	if resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("inline: %v", resp.Header)
	}
	if resp, _ := c.get("/staff/cases/" + m.Reference + "/files/2"); resp.StatusCode != 404 {
		t.Fatalf("file 2 of 1: %d", resp.StatusCode)
	}
	if n := len(e.audits("download")); n != 2 {
		t.Fatalf("%d download audits, want 2", n)
	}
}
