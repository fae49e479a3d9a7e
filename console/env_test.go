package console

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// clock is a settable clock shared by the archive, the directory and the
// console of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer collects a test's log lines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// env is one console over one store, with its clock and log.
type env struct {
	t      testing.TB
	store  storage.Store
	clock  *clock
	arch   *archive.Archive
	dir    *staff.Directory
	outbox *notify.Outbox
	srv    *Server
	ts     *httptest.Server
	logs   *syncBuffer
}

var testSealKey = bytes.Repeat([]byte{7}, 32)

// newEnv starts a console over store; sender may be nil (mail queued only).
func newEnv(t testing.TB, store storage.Store, sender notify.Notifier) *env {
	t.Helper()
	return newEnvAt(t, store, sender, &clock{t: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)})
}

// newEnvAt is newEnv on a given clock (replicas share one).
func newEnvAt(t testing.TB, store storage.Store, sender notify.Notifier, clk *clock) *env {
	t.Helper()
	e := &env{t: t, store: store, clock: clk, logs: &syncBuffer{}}
	sealer, err := submission.NewSealer(testSealKey)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	e.arch = archive.New(store, sealer, ledger.New(store, ledgertest.Signer(t), e.clock.now), archive.DefaultConfig(), archive.Options{Now: e.clock.now, Log: log})
	e.dir = staff.NewDirectory(store, sealer, e.clock.now)
	e.outbox = notify.NewOutbox(store, sealer, sender, e.clock.now, log)
	cfg := DefaultConfig()
	cfg.PageSize = 3
	cfg.PublicURL = "https://zlj.example.gov.cn/"
	cfg.NotifyTo = []string{"mishuchu@example.gov.cn"}
	e.srv, err = New(cfg, Deps{Archive: e.arch, Staff: e.dir, Outbox: e.outbox, Log: log, Now: e.clock.now,
		Townships: []string{"韩寺镇", "官渡镇"}, Calendar: testCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewServer(e.srv)
	t.Cleanup(e.srv.cases.wait) // after the server's close, before the store's removal
	t.Cleanup(e.ts.Close)
	return e
}

// testCalendar is the repository's holiday schedule (holidays.yaml).
func testCalendar(t testing.TB) *workday.Calendar {
	t.Helper()
	cal, err := workday.Load(os.DirFS(".."), "holidays.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// objector is the identity the test objections carry: none of it may
// appear outside the identity view.
var objector = submission.ObjectorIdentity{Type: "individual", Name: "王秀英", IDNumber: "11010519491231002X", Phone: "13912345678", Email: "wangxiuying@example.com"}

// addObjection commits an objection with one evidence file.
func (e *env) addObjection() *submission.Manifest {
	e.t.Helper()
	ctx := context.Background()
	up, err := e.arch.Begin(ctx, submission.KindObjection)
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := up.Put(ctx, strings.NewReader("%PDF-1.4 evidence"), "application/pdf")
	if err != nil {
		e.t.Fatal(err)
	}
	f := submission.ObjectionFields{Publicity: "2026-candidates", PublicityTitle: "第三届县长质量奖候选名单公示", Candidate: "c1",
		CandidateName: "中牟县某某食品有限公司", CandidateCreditCode: "91410122MA44XXXX1X", ObjectorType: "individual",
		Statement: "该企业2025年曾发生质量事故。", Consent: "yes", Notice: "2026-11"}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: f.Map(), Identity: objector,
		Files: []submission.File{{Field: "evidence", Name: "证据.pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: "application/pdf"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.add(time.Second)
	return m
}

// addApplication commits an application of township.
func (e *env) addApplication(org, credit, township string) *submission.Manifest {
	e.t.Helper()
	ctx := context.Background()
	up, err := e.arch.Begin(ctx, submission.KindApplication)
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := up.Put(ctx, strings.NewReader("%PDF-1.4 report"), "application/pdf")
	if err != nil {
		e.t.Fatal(err)
	}
	f := submission.ApplicationFields{Call: "2026-call", CallTitle: "第三届县长质量奖申报", OrgName: org, CreditCode: credit,
		OrgKind: "企业", Township: township, Address: "中牟县某路1号", LittleGiant: "no", MissingSlots: "honors"}
	for i := range f.Declarations {
		f.Declarations[i], f.DeclarationTexts[i] = "none", "情形"+string(rune('一'+i))
	}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: f.Map(),
		Identity: submission.ApplicantIdentity{LegalRepresentative: "李建国", ContactName: "赵敏", Phone: "13800001111", Email: "zhaomin@example.com"},
		Files:    []submission.File{{Field: submission.SlotSelfAssessment, Name: "自评报告.pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: "application/pdf"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.add(time.Second)
	return m
}

// account creates an account and returns its TOTP secret and initial
// password.
func (e *env) account(name string, role staff.Role, township string) (secret, password string) {
	e.t.Helper()
	_, password, uri, err := e.dir.Add(context.Background(), name, role, township)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := url.Parse(uri)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Query().Get("secret"), password
}

// client is a browser: a cookie jar, no redirects followed.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches path and remembers the page's CSRF token.
func (c *client) get(path string) (*http.Response, string) {
	c.e.t.Helper()
	resp, err := c.http.Get(c.e.ts.URL + path)
	if err != nil {
		c.e.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfField.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return resp, string(body)
}

// post posts a form (with the last CSRF token seen unless form sets one).
func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	resp, err := c.http.PostForm(c.e.ts.URL+path, form)
	if err != nil {
		c.e.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfField.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return resp, string(body)
}

// login signs in with a fresh TOTP code (the clock moves to the next
// 30-second step first, since a step is accepted once).
func (c *client) login(name, password, secret string) (*http.Response, string) {
	c.e.t.Helper()
	c.e.clock.add(30 * time.Second)
	c.get("/staff/login")
	code, err := totp.GenerateCode(secret, c.e.clock.now())
	if err != nil {
		c.e.t.Fatal(err)
	}
	return c.post("/staff/login", url.Values{"name": {name}, "password": {password}, "otp": {code}})
}

// signIn makes an account of role and signs a new client in with it,
// setting its own password at the first sign-in.
func (e *env) signIn(name string, role staff.Role, township string) *client {
	e.t.Helper()
	secret, initial := e.account(name, role, township)
	c := e.client()
	resp, body := c.login(name, initial, secret)
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign-in of %s: %d %s", name, resp.StatusCode, body)
	}
	c.get("/staff/password")
	resp, body = c.post("/staff/password", url.Values{"old": {initial}, "new": {"一句只有我知道的话-秋天的稻田"}, "again": {"一句只有我知道的话-秋天的稻田"}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("password change of %s: %d %s", name, resp.StatusCode, body)
	}
	return c
}

// audits are the audit log's records of action (all when "").
func (e *env) audits(action string) []archive.AuditRecord {
	e.t.Helper()
	recs, err := e.arch.AuditLog(context.Background(), archive.AuditQuery{Limit: 1000, Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	return recs
}
