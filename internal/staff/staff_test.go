package staff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/submission"
)

// clock is a fake clock the tests move by hand.
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

// fixture is a Directory on a fresh store with a fake clock.
type fixture struct {
	store storage.Store
	clk   *clock
	dir   *Directory
}

var testKey = bytes.Repeat([]byte{7}, 32)

func sealer(t *testing.T) *submission.Sealer {
	s, err := submission.NewSealer(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newFixture(t *testing.T, store storage.Store) *fixture {
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	return &fixture{store: store, clk: clk, dir: NewDirectory(store, sealer(t), clk.now)}
}

// code is the account's TOTP code at the fake clock's time.
func (f *fixture) code(t *testing.T, uri string) string {
	t.Helper()
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		t.Fatal(err)
	}
	c, err := totp.GenerateCodeCustom(key.Secret(), f.clk.now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// add adds an account or fails the test.
func (f *fixture) add(t *testing.T, name string, role Role, township string) (Account, string, string) {
	t.Helper()
	a, pw, uri, err := f.dir.Add(t.Context(), name, role, township)
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return a, pw, uri
}

// login signs in with the current code, after moving the clock to the next
// time step so that each call has an unused code.
func (f *fixture) login(t *testing.T, name, pw, uri string) (Session, error) {
	t.Helper()
	f.clk.add(30 * time.Second)
	return f.dir.Login(t.Context(), name, pw, f.code(t, uri), "192.0.2.7")
}

// keys lists the store's keys under prefix.
func (f *fixture) keys(t *testing.T, prefix string) []string {
	t.Helper()
	infos, err := f.store.List(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, in := range infos {
		out = append(out, in.Key)
	}
	return out
}

// everything is the concatenated content of every object under staff/.
func (f *fixture) everything(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, k := range f.keys(t, "staff/") {
		rc, _, err := f.store.Get(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		b.WriteString(k + "\n")
		b.Write(data)
	}
	return b.String()
}

// The directory's behaviour, run on each store.
var scenarios = []struct {
	name string
	run  func(t *testing.T, f *fixture)
}{
	{"Accounts", testAccounts},
	{"Login", testLogin},
	{"BadCredentialsAndReplay", testBadCredentials},
	{"Lockout", testLockout},
	{"Expiry", testExpiry},
	{"Revocation", testRevocation},
	{"ChangePassword", testChangePassword},
	{"ResetTOTP", testResetTOTP},
	{"Replicas", testReplicas},
	{"Prune", testPrune},
}

func runScenarios(t *testing.T, newStore func(t *testing.T, name string) storage.Store) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			sc.run(t, newFixture(t, newStore(t, sc.name)))
		})
	}
}

func TestStaffDirStore(t *testing.T) {
	runScenarios(t, func(t *testing.T, _ string) storage.Store {
		s, err := storage.NewDirStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestStaffMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	runScenarios(t, func(t *testing.T, name string) storage.Store {
		s, err := storage.NewS3Store(t.Context(), storage.S3Config{Endpoint: srv.Endpoint, Bucket: "staff-" + strings.ToLower(name),
			AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Insecure: true})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func testAccounts(t *testing.T, f *fixture) {
	ctx := t.Context()
	a, pw, uri := f.add(t, "张三", Secretariat, "")
	if a.Name != "张三" || a.Role != Secretariat || !a.MustChangePassword || a.Disabled || !a.Created.Equal(f.clk.now()) {
		t.Errorf("added %+v", a)
	}
	if len(pw) != 19 || CheckPassword("张三", "", pw) != nil {
		t.Errorf("initial password %q does not pass the policy", pw)
	}
	key, err := otp.NewKeyFromURL(uri)
	if err != nil || key.Type() != "totp" || key.AccountName() != "张三" || key.Issuer() != DefaultIssuer || len(key.Secret()) != 32 {
		t.Errorf("otp URI %q: %v", uri, err)
	}
	f.add(t, "Li.Si", Township, "韩寺镇")
	f.add(t, "auditor_1", Auditor, "")
	for _, n := range []string{"li.si", "LI.SI"} {
		g, err := f.dir.Get(ctx, n)
		if err != nil || g.Name != "li.si" || g.Role != Township || g.Township != "韩寺镇" {
			t.Errorf("get %s: %+v %v", n, g, err)
		}
	}
	if _, err := f.dir.Get(ctx, "nobody"); !errors.Is(err, ErrNoAccount) {
		t.Errorf("get unknown: %v", err)
	}
	if _, _, _, err := f.dir.Add(ctx, "li.SI", Reviewer, ""); !errors.Is(err, ErrExists) {
		t.Errorf("add taken name (other case): %v", err)
	}
	for _, n := range []string{"", ".x", "_x", "-x", "a b", "a/b", "a:b", "ä", strings.Repeat("a", 33), "x\x00"} {
		if _, _, _, err := f.dir.Add(ctx, n, Reviewer, ""); !errors.Is(err, ErrBadName) {
			t.Errorf("add name %q: %v, want ErrBadName", n, err)
		}
	}
	if _, _, _, err := f.dir.Add(ctx, strings.Repeat("审", 32), Reviewer, ""); err != nil {
		t.Errorf("32 Chinese characters refused: %v", err)
	}
	bad := []struct {
		role Role
		town string
	}{{Township, ""}, {Reviewer, "韩寺镇"}, {"admin", ""}}
	for _, b := range bad {
		if _, _, _, err := f.dir.Add(ctx, "wangwu", b.role, b.town); err == nil {
			t.Errorf("add role %q township %q accepted", b.role, b.town)
		}
	}
	list, err := f.dir.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range list {
		names = append(names, a.Name)
	}
	if got, want := strings.Join(names, ","), "auditor_1,li.si,"+strings.Repeat("审", 32)+",张三"; got != want {
		t.Errorf("list %s, want %s", got, want)
	}
	// Neither the password nor the TOTP secret is stored in clear; the
	// hash is argon2id in PHC form; the Chinese name's key is hex.
	all := f.everything(t)
	if strings.Contains(all, pw) || strings.Contains(all, key.Secret()) {
		t.Error("password or TOTP secret stored in clear")
	}
	if !strings.Contains(all, `"password":"$argon2id$v=19$m=19456,t=2,p=1$`) {
		t.Errorf("no argon2id PHC hash stored:\n%s", all)
	}
	if !strings.Contains(all, "staff/accounts/_e5bca0e4b889/v/000001.json") || !strings.Contains(all, "staff/accounts/li.si/v/000001.json") {
		t.Errorf("account keys:\n%s", strings.Join(f.keys(t, "staff/"), "\n"))
	}
	// A sealed secret cannot be moved to another account.
	zs, _ := f.dir.Get(ctx, "张三")
	li, _ := f.dir.Get(ctx, "li.si")
	var s totpSecret
	if err := f.dir.sealer.Open(sealRef(accountID(li.Name)), zs.rec.TOTP, &s); err == nil {
		t.Error("a TOTP secret opened under another account")
	}
}

func testLogin(t *testing.T, f *fixture) {
	_, pw, uri := f.add(t, "zhao", Secretariat, "")
	s, err := f.login(t, "ZHAO", pw, uri)
	if err != nil {
		t.Fatal(err)
	}
	if s.Account != "zhao" || len(s.ID) != 43 || len(s.CSRF) != 43 || s.ID == s.CSRF || s.From != "192.0.2.7" || !s.Created.Equal(f.clk.now()) {
		t.Errorf("session %+v", s)
	}
	got, a, err := f.dir.Session(t.Context(), s.ID)
	if err != nil || got.Account != "zhao" || got.CSRF != s.CSRF || a.Name != "zhao" || !a.MustChangePassword {
		t.Errorf("Session: %+v %+v %v", got, a, err)
	}
	// The store keeps the ID's hash, never the ID.
	if all := f.everything(t); strings.Contains(all, s.ID) {
		t.Error("session ID stored in clear")
	}
	if keys := f.keys(t, "staff/sessions/"); len(keys) != 1 || len(strings.Split(keys[0], "/")[2]) != 64 {
		t.Errorf("session keys %v", keys)
	}
	for _, id := range []string{"", "x", s.ID + "A", strings.Repeat("A", 43)} {
		if _, _, err := f.dir.Session(t.Context(), id); !errors.Is(err, ErrNoSession) {
			t.Errorf("Session(%q): %v", id, err)
		}
	}
	// A second sign-in is a second session.
	s2, err := f.login(t, "zhao", pw, uri)
	if err != nil || s2.ID == s.ID {
		t.Errorf("second login %v", err)
	}
}

func testBadCredentials(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, pw, uri := f.add(t, "qian", Reviewer, "")
	f.clk.add(30 * time.Second)
	code := f.code(t, uri)
	wrongCode := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
	tries := []struct{ name, pw, code string }{
		{"qian", pw + "x", code}, {"qian", pw, wrongCode}, {"qian", pw, code + "0"},
		{"nobody", pw, code}, {"bad name", pw, code},
	}
	for _, tr := range tries {
		if _, err := f.dir.Login(ctx, tr.name, tr.pw, tr.code, ""); err != ErrBadCredentials {
			t.Errorf("login %+v: %v, want ErrBadCredentials", tr, err)
		}
	}
	// Three were failures of qian's (unknown names record nothing). Then
	// the right code signs in, once only.
	if n := len(f.keys(t, "staff/accounts/qian/failures/")); n != 3 {
		t.Errorf("%d failures recorded, want 3", n)
	}
	if _, err := f.dir.Login(ctx, "qian", pw, code, ""); err != nil {
		t.Fatalf("right credentials: %v", err)
	}
	if _, err := f.dir.Login(ctx, "qian", pw, code, ""); err != ErrBadCredentials {
		t.Errorf("replayed code: %v, want ErrBadCredentials", err)
	}
	// The step before, still within the skew, is accepted once as well.
	prev := f.clk.now().Add(-30 * time.Second)
	key, _ := otp.NewKeyFromURL(uri)
	prevCode, _ := totp.GenerateCodeCustom(key.Secret(), prev, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix})
	if _, err := f.dir.Login(ctx, "qian", pw, prevCode, ""); err != nil {
		t.Errorf("previous step's code: %v", err)
	}
	// A code two steps old is refused: the fifth failure (the replay was
	// the fourth), which locks.
	f.clk.add(60 * time.Second)
	var le *LockedError
	if _, err := f.dir.Login(ctx, "qian", pw, prevCode, ""); !errors.As(err, &le) || !le.Started {
		t.Errorf("code from two steps ago: %v, want the fifth failure to lock", err)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func testLockout(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, pw, uri := f.add(t, "sun", Secretariat, "")
	// Failures spread over more than LockFor do not lock.
	for range 6 {
		if _, err := f.dir.Login(ctx, "sun", "wrong password!", "000000", ""); err != ErrBadCredentials {
			t.Fatalf("spread failure: %v", err)
		}
		f.clk.add(4 * time.Minute)
	}
	if _, err := f.login(t, "sun", pw, uri); err != nil {
		t.Fatalf("after spread failures: %v", err)
	}
	// Five within LockFor: the fifth locks.
	f.clk.add(time.Hour)
	var lockedAt time.Time
	for i := range MaxFailures {
		f.clk.add(time.Minute)
		_, err := f.dir.Login(ctx, "sun", "wrong password!", "000000", "198.51.100.1")
		var le *LockedError
		if i < MaxFailures-1 && err != ErrBadCredentials || i == MaxFailures-1 && (!errors.As(err, &le) || !le.Started) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
		lockedAt = f.clk.now()
	}
	until := lockedAt.Add(LockFor)
	// Locked: even the right credentials are refused, plainly, and the
	// attempts do not extend the lock.
	for _, d := range []time.Duration{time.Second, 7 * time.Minute, 7*time.Minute - 2*time.Second} {
		f.clk.add(d)
		_, err := f.dir.Login(ctx, "sun", pw, f.code(t, uri), "")
		var le *LockedError
		if !errors.As(err, &le) || le.Started || !le.Until.Equal(until) || !strings.Contains(le.Error(), "已锁定") {
			t.Fatalf("while locked: %v", err)
		}
	}
	if !strings.Contains((&LockedError{Until: until}).Error(), until.Add(time.Minute).In(shanghai).Format("15:04")) {
		t.Errorf("lock message %q does not round the time up", (&LockedError{Until: until}).Error())
	}
	f.clk.t = until
	if _, err := f.dir.Login(ctx, "sun", pw, f.code(t, uri), ""); err != nil {
		t.Errorf("at Until: %v", err)
	}
	// A failure after the lock counts afresh: one more does not lock again.
	f.clk.add(time.Minute)
	if _, err := f.dir.Login(ctx, "sun", "wrong password!", "000000", ""); err != ErrBadCredentials {
		t.Errorf("first failure after the lock: %v", err)
	}
}

func testExpiry(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, pw, uri := f.add(t, "li", Auditor, "")
	s, err := f.login(t, "li", pw, uri)
	if err != nil {
		t.Fatal(err)
	}
	// Used within IdleTimeout, it goes on; each use is recorded at most
	// once a minute.
	f.clk.add(IdleTimeout - time.Minute)
	if _, _, err := f.dir.Session(ctx, s.ID); err != nil {
		t.Fatalf("after 29 minutes: %v", err)
	}
	f.clk.add(10 * time.Second)
	got, _, err := f.dir.Session(ctx, s.ID)
	if err != nil || !got.Seen.Equal(f.clk.now().Add(-10*time.Second)) {
		t.Fatalf("Seen %v (%v), want the use 10 s ago", got.Seen, err)
	}
	if seen := f.keys(t, "staff/sessions/"); len(seen) != 2 {
		t.Errorf("after two uses within a minute: %v, want session.json and one seen", seen)
	}
	f.clk.add(IdleTimeout - time.Minute)
	if _, _, err := f.dir.Session(ctx, s.ID); err != nil {
		t.Fatalf("29 minutes after the last use: %v", err)
	}
	f.clk.add(IdleTimeout)
	if _, _, err := f.dir.Session(ctx, s.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("idle 30 minutes: %v", err)
	}
	// Used every 20 minutes, a session still ends AbsoluteTimeout after
	// sign-in.
	s, err = f.login(t, "li", pw, uri)
	if err != nil {
		t.Fatal(err)
	}
	start := f.clk.now()
	for f.clk.now().Sub(start) < AbsoluteTimeout-20*time.Minute {
		f.clk.add(20 * time.Minute)
		if _, _, err := f.dir.Session(ctx, s.ID); err != nil {
			t.Fatalf("at %v: %v", f.clk.now().Sub(start), err)
		}
	}
	f.clk.t = start.Add(AbsoluteTimeout)
	if _, _, err := f.dir.Session(ctx, s.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after 12 hours: %v", err)
	}
	if n := len(f.keys(t, "staff/sessions/")); n > 4 {
		t.Errorf("%d session objects: old uses not dropped", n)
	}
}

func testRevocation(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, pw, uri := f.add(t, "zhou", Secretariat, "")
	s1, err := f.login(t, "zhou", pw, uri)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := f.login(t, "zhou", pw, uri)
	if err != nil {
		t.Fatal(err)
	}
	// Sign-out ends that session only.
	if err := f.dir.Logout(ctx, s1.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.dir.Session(ctx, s1.ID); !errors.Is(err, ErrNoSession) {
		t.Errorf("after logout: %v", err)
	}
	if _, _, err := f.dir.Session(ctx, s2.ID); err != nil {
		t.Errorf("other session after logout: %v", err)
	}
	if err := f.dir.Logout(ctx, s1.ID); err != nil {
		t.Errorf("second logout: %v", err)
	}
	if err := f.dir.Logout(ctx, randomToken()); !errors.Is(err, ErrNoSession) {
		t.Errorf("logout of an unknown session: %v", err)
	}
	// A password reset ends every session; the old password stops working.
	newPw, err := f.dir.ResetPassword(ctx, "ZHOU")
	if err != nil || newPw == pw {
		t.Fatalf("reset: %q %v", newPw, err)
	}
	if _, _, err := f.dir.Session(ctx, s2.ID); !errors.Is(err, ErrNoSession) {
		t.Errorf("after reset: %v", err)
	}
	if _, err := f.login(t, "zhou", pw, uri); err != ErrBadCredentials {
		t.Errorf("old password after reset: %v", err)
	}
	s3, err := f.login(t, "zhou", newPw, uri)
	if err != nil {
		t.Fatalf("new initial password: %v", err)
	}
	if _, a, _ := f.dir.Session(ctx, s3.ID); !a.MustChangePassword {
		t.Error("reset did not ask for a password change")
	}
	if _, err := f.dir.ResetPassword(ctx, "nobody"); !errors.Is(err, ErrNoAccount) {
		t.Errorf("reset unknown: %v", err)
	}
	// Disabling ends the sessions; the right credentials are then ErrDisabled.
	if err := f.dir.Disable(ctx, "zhou"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.dir.Session(ctx, s3.ID); !errors.Is(err, ErrNoSession) {
		t.Errorf("after disable: %v", err)
	}
	if _, err := f.login(t, "zhou", newPw, uri); err != ErrDisabled {
		t.Errorf("login to a disabled account: %v", err)
	}
	if _, err := f.login(t, "zhou", "wrong password!", uri); err != ErrBadCredentials {
		t.Errorf("wrong password to a disabled account: %v (must not say it is disabled)", err)
	}
	before := len(f.keys(t, "staff/accounts/zhou/v/"))
	if err := f.dir.Disable(ctx, "zhou"); err != nil || len(f.keys(t, "staff/accounts/zhou/v/")) != before {
		t.Errorf("disabling again: %v, or it wrote a version", err)
	}
	if a, _ := f.dir.Get(ctx, "zhou"); !a.Disabled {
		t.Error("not disabled")
	}
}

func testChangePassword(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, pw, uri := f.add(t, "wu", Township, "官渡镇")
	s1, err := f.login(t, "wu", pw, uri)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := f.login(t, "wu", pw, uri)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.dir.ChangePassword(ctx, s1.ID, "not the password", "a good long passphrase"); err != ErrBadCredentials {
		t.Errorf("wrong old password: %v", err)
	}
	for _, bad := range []string{"short1!", "aaaaaaaaaaaaaaaa", "ababababcdcdcdcd", "my-WU-password-1", pw, "tab\tinside password"} {
		var pe *PolicyError
		if err := f.dir.ChangePassword(ctx, s1.ID, pw, bad); !errors.As(err, &pe) || pe.Reason == "" {
			t.Errorf("new password %q: %v, want a *PolicyError", bad, err)
		}
	}
	const good = "春天的中牟 fields 2026"
	if err := f.dir.ChangePassword(ctx, s1.ID, pw, good); err != nil {
		t.Fatalf("change: %v", err)
	}
	_, a, err := f.dir.Session(ctx, s1.ID)
	if err != nil || a.MustChangePassword {
		t.Errorf("the changing session after the change: %+v %v", a, err)
	}
	if _, _, err := f.dir.Session(ctx, s2.ID); !errors.Is(err, ErrNoSession) {
		t.Errorf("the other session after the change: %v", err)
	}
	if _, err := f.login(t, "wu", pw, uri); err != ErrBadCredentials {
		t.Errorf("old password after the change: %v", err)
	}
	if _, err := f.login(t, "wu", good, uri); err != nil {
		t.Errorf("new password: %v", err)
	}
	// An ended session cannot change the password.
	if err := f.dir.ChangePassword(ctx, s2.ID, good, "another long passphrase"); !errors.Is(err, ErrNoSession) {
		t.Errorf("change from an ended session: %v", err)
	}
}

// A lost phone: ResetTOTP gives a fresh secret; the old one's codes are
// refused, the new one's accepted, the password kept and every session ended.
func testResetTOTP(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, pw, oldURI := f.add(t, "cao", Reviewer, "")
	s1, err := f.login(t, "cao", pw, oldURI)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := f.login(t, "cao", pw, oldURI)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := f.dir.Get(ctx, "cao")
	newURI, err := f.dir.ResetTOTP(ctx, "CAO")
	if err != nil {
		t.Fatal(err)
	}
	oldKey, _ := otp.NewKeyFromURL(oldURI)
	key, err := otp.NewKeyFromURL(newURI)
	if err != nil || key.Type() != "totp" || key.AccountName() != "cao" || key.Issuer() != DefaultIssuer ||
		len(key.Secret()) != 32 || key.Period() != 30 || key.Digits() != otp.DigitsSix || key.Algorithm() != otp.AlgorithmSHA1 {
		t.Fatalf("otp URI %q: %v", newURI, err)
	}
	if key.Secret() == oldKey.Secret() {
		t.Fatal("ResetTOTP kept the secret")
	}
	// A new version, only the secret and generation changed; nothing in clear.
	after, _ := f.dir.Get(ctx, "cao")
	if after.version != before.version+1 || after.rec.Gen != before.rec.Gen+1 || after.rec.Password != before.rec.Password ||
		after.MustChangePassword != before.MustChangePassword || after.Role != Reviewer {
		t.Errorf("after ResetTOTP: %+v, before %+v", after, before)
	}
	if strings.Contains(f.everything(t), key.Secret()) {
		t.Error("new TOTP secret stored in clear")
	}
	for _, s := range []Session{s1, s2} {
		if _, _, err := f.dir.Session(ctx, s.ID); !errors.Is(err, ErrNoSession) {
			t.Errorf("session after ResetTOTP: %v", err)
		}
	}
	// The old secret's codes are refused (a failure like any wrong code),
	// the new one's accepted, with the same password.
	if _, err := f.login(t, "cao", pw, oldURI); err != ErrBadCredentials {
		t.Errorf("old secret's code after ResetTOTP: %v, want ErrBadCredentials", err)
	}
	s3, err := f.login(t, "cao", pw, newURI)
	if err != nil {
		t.Fatalf("new secret's code: %v", err)
	}
	if _, _, err := f.dir.Session(ctx, s3.ID); err != nil {
		t.Errorf("session with the new secret: %v", err)
	}
	// A password change from a session begun before the reset is refused.
	if err := f.dir.ChangePassword(ctx, s1.ID, pw, "a good long passphrase"); !errors.Is(err, ErrNoSession) {
		t.Errorf("change from a session ended by ResetTOTP: %v", err)
	}
	if _, err := f.dir.ResetTOTP(ctx, "nobody"); !errors.Is(err, ErrNoAccount) {
		t.Errorf("ResetTOTP of an unknown account: %v", err)
	}
	if _, err := f.dir.ResetTOTP(ctx, "a/b"); !errors.Is(err, ErrNoAccount) {
		t.Errorf("ResetTOTP of a bad name: %v", err)
	}
	noKey := NewDirectory(f.store, nil, f.clk.now)
	if _, err := noKey.ResetTOTP(ctx, "cao"); !errors.Is(err, ErrNoSealer) {
		t.Errorf("ResetTOTP without the identity key: %v", err)
	}
	if a, _ := f.dir.Get(ctx, "cao"); a.version != after.version {
		t.Error("a refused ResetTOTP wrote a version")
	}
	// Concurrent resets on two replicas: each success is its own version,
	// and the secret that works is one of those returned.
	other := NewDirectory(f.store, sealer(t), f.clk.now)
	var wg sync.WaitGroup
	uris, errs := make([]string, 4), make([]error, 4)
	for i := range uris {
		wg.Go(func() { uris[i], errs[i] = []*Directory{f.dir, other}[i%2].ResetTOTP(ctx, "cao") })
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, ErrConflict) {
			t.Errorf("concurrent ResetTOTP %d: %v", i, err)
		}
	}
	if n := len(f.keys(t, "staff/accounts/cao/v/")); ok == 0 || n != after.version+ok {
		t.Errorf("%d concurrent resets succeeded, %d versions", ok, n)
	}
	works := 0
	for i, u := range uris {
		if u == "" {
			continue
		}
		f.clk.add(30 * time.Second)
		if _, err := f.dir.Login(ctx, "cao", pw, f.code(t, u), ""); err == nil {
			works++
		} else if err != ErrBadCredentials {
			t.Errorf("login with reset %d's secret: %v", i, err)
		}
	}
	if works != 1 {
		t.Errorf("%d of the returned secrets sign in, want the latest one only", works)
	}
}

// Two replicas share one store: a name is taken once, concurrent changes
// never overwrite each other, and a code signs in once.
func testReplicas(t *testing.T, f *fixture) {
	ctx := t.Context()
	other := NewDirectory(f.store, sealer(t), f.clk.now)
	dirs := []*Directory{f.dir, other}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, _, _, errs[i] = dirs[i%2].Add(ctx, "zheng", Reviewer, "") })
	}
	wg.Wait()
	added := 0
	for _, err := range errs {
		switch {
		case err == nil:
			added++
		case !errors.Is(err, ErrExists):
			t.Errorf("concurrent add: %v", err)
		}
	}
	if added != 1 {
		t.Fatalf("%d concurrent adds of one name succeeded", added)
	}
	pws, resetErrs := make([]string, 6), make([]error, 6)
	for i := range pws {
		wg.Go(func() { pws[i], resetErrs[i] = dirs[i%2].ResetPassword(ctx, "zheng") })
	}
	wg.Wait()
	for _, err := range resetErrs {
		if err != nil && !errors.Is(err, ErrConflict) {
			t.Errorf("concurrent reset: %v", err)
		}
	}
	versions := f.keys(t, "staff/accounts/zheng/v/")
	resets := 0
	for _, p := range pws {
		if p != "" {
			resets++
		}
	}
	if len(versions) != resets+1 || resets == 0 {
		t.Errorf("%d successful resets, versions %v", resets, versions)
	}
	for i, k := range versions {
		if want := versionKey("zheng", i+1); k != want {
			t.Errorf("version %d is %s, want %s", i+1, k, want)
		}
	}
	// The password that works is the one the latest version's reset returned.
	a, _ := f.dir.Get(ctx, "zheng")
	var latest string
	for _, p := range pws {
		if ok, _ := verifyPassword(a.rec.Password, p); ok && p != "" {
			latest = p
		}
	}
	if latest == "" {
		t.Fatal("no returned password matches the latest version")
	}
	_, _, uri := f.add(t, "feng", Reviewer, "")
	f.clk.add(30 * time.Second)
	code := f.code(t, uri)
	pwFeng, _ := f.dir.ResetPassword(ctx, "feng")
	sessions := make([]error, 4)
	for i := range sessions {
		wg.Go(func() { _, sessions[i] = dirs[i%2].Login(ctx, "feng", pwFeng, code, "") })
	}
	wg.Wait()
	ok := 0
	for _, err := range sessions {
		if err == nil {
			ok++
		} else if err != ErrBadCredentials {
			t.Errorf("concurrent login: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("one code signed in %d times", ok)
	}
	// A session begun on one replica is seen, and ended, on the other.
	f.clk.add(30 * time.Second)
	s, err := other.Login(ctx, "feng", pwFeng, f.code(t, uri), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.dir.Session(ctx, s.ID); err != nil {
		t.Errorf("session on the other replica: %v", err)
	}
	if err := f.dir.Logout(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Session(ctx, s.ID); !errors.Is(err, ErrNoSession) {
		t.Errorf("signed out on one replica, alive on the other: %v", err)
	}
}

func testPrune(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, pw, uri := f.add(t, "chen", Secretariat, "")
	old, err := f.login(t, "chen", pw, uri)
	if err != nil {
		t.Fatal(err)
	}
	f.dir.Login(ctx, "chen", "wrong password!", "000000", "")
	f.clk.add(AbsoluteTimeout + 2*time.Hour)
	fresh, err := f.login(t, "chen", pw, uri)
	if err != nil {
		t.Fatal(err)
	}
	f.dir.Login(ctx, "chen", "wrong password!", "000000", "")
	f.clk.add(12 * time.Hour) // the first failure and code are now over a day old
	n, err := f.dir.Prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Removed: the old session's session.json and the first failure and code.
	if n != 3 {
		t.Errorf("pruned %d objects, want 3:\n%s", n, strings.Join(f.keys(t, "staff/"), "\n"))
	}
	oldP, _ := sessionPrefix(old.ID)
	freshP, _ := sessionPrefix(fresh.ID)
	if len(f.keys(t, oldP)) != 0 || len(f.keys(t, freshP)) != 1 {
		t.Errorf("after prune: old %v, fresh %v", f.keys(t, oldP), f.keys(t, freshP))
	}
	if len(f.keys(t, "staff/accounts/chen/failures/")) != 1 || len(f.keys(t, "staff/accounts/chen/otp/")) != 1 {
		t.Errorf("marks after prune: %v", f.keys(t, "staff/accounts/chen/"))
	}
	if len(f.keys(t, "staff/accounts/chen/v/")) != 1 {
		t.Error("prune touched the account")
	}
}
