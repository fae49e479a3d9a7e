package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode/qr"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// award staff add, passwd, totp, disable and list, on a data directory: what they
// print lets the person sign in, each change is audited without the
// password, and bad input is refused with a message saying what to do.
func TestStaffCommand(t *testing.T) {
	dir := t.TempDir()
	identityKey := bytes.Repeat([]byte{3}, 32)
	t.Setenv("AWARD_DATA_DIR", dir)
	t.Setenv("AWARD_S3_ENDPOINT", "")
	t.Setenv("AWARD_RECORD_KEY_FILE", "")
	t.Setenv("AWARD_RECORD_KEY", base64.StdEncoding.EncodeToString(ledgertest.Key))
	t.Setenv("AWARD_IDENTITY_KEY_FILE", "")
	t.Setenv("AWARD_IDENTITY_KEY", base64.StdEncoding.EncodeToString(identityKey))
	t.Setenv("AWARD_TOWNSHIPS", filepath.Join("..", "..", "townships.yaml"))
	ctx := context.Background()
	cfg := []string{"-intake-config", filepath.Join(dir, "none.yaml")}
	staffRun := func(sub string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append(append([]string{"staff", sub}, cfg...), args...), &out, &errOut)
		return out.String(), err
	}

	out, err := staffRun("add", "-name", "WangKeyuan", "-role", "secretariat", "-operator", "李主任")
	if err != nil {
		t.Fatal(err)
	}
	pw := regexp.MustCompile(`(?m)^    ([a-z2-9]{4}(?:-[a-z2-9]{4}){3})$`).FindStringSubmatch(out)
	uri := regexp.MustCompile(`(?m)^    (otpauth://totp/\S+)$`).FindStringSubmatch(out)
	if pw == nil || uri == nil || !strings.Contains(out, "秘书处") || !strings.Contains(out, "█") {
		t.Fatalf("add printed:\n%s", out)
	}
	// The QR code drawn is the URI's.
	if got, want := readQR(t, out), qrMatrix(t, uri[1]); got != want {
		t.Errorf("QR code drawn:\n%s\nwant the modules\n%s", got, want)
	}
	// What was printed signs in.
	store, err := storage.NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	sealer, _ := submission.NewSealer(identityKey)
	now := time.Now()
	d := staff.NewDirectory(store, sealer, func() time.Time { return now }) // moved by hand, a time step per sign-in
	key, err := otp.NewKeyFromURL(uri[1])
	if err != nil {
		t.Fatal(err)
	}
	code := func(at time.Time) string {
		c, _ := totp.GenerateCodeCustom(key.Secret(), at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix})
		return c
	}
	s, err := d.Login(ctx, "wangkeyuan", pw[1], code(now), "127.0.0.1")
	if err != nil {
		t.Fatalf("login with what add printed: %v", err)
	}

	// Refusals, each with a message saying what to do.
	bad := []struct {
		sub  string
		args []string
		msg  string
	}{
		{"add", []string{"-name", "wangkeyuan", "-role", "reviewer", "-operator", "李主任"}, "已有人使用"},
		{"add", []string{"-name", "zhao", "-role", "admin", "-operator", "李主任"}, "-role"},
		{"add", []string{"-name", "zhao", "-role", "township", "-operator", "李主任"}, "-township"},
		{"add", []string{"-name", "zhao", "-role", "township", "-township", "不存在镇", "-operator", "李主任"}, "韩寺镇"},
		{"add", []string{"-name", "zhao", "-role", "reviewer", "-township", "韩寺镇", "-operator", "李主任"}, "其他角色"},
		{"add", []string{"-name", "a/b", "-role", "reviewer", "-operator", "李主任"}, "账号名只能"},
		{"add", []string{"-role", "reviewer", "-operator", "李主任"}, "-name"},
		{"add", []string{"-name", "zhao", "-role", "reviewer", "-operator", " "}, "-operator"},
		{"passwd", []string{"-name", "nobody", "-operator", "李主任"}, "没有这个账号"},
		{"disable", []string{"-name", "nobody", "-operator", "李主任"}, "没有这个账号"},
		{"totp", []string{"-name", "nobody", "-operator", "李主任"}, "没有这个账号"},
		{"totp", []string{"-operator", "李主任"}, "-name"},
		{"frobnicate", nil, "不认识的子命令"},
	}
	for _, b := range bad {
		if _, err := staffRun(b.sub, b.args...); err == nil || !strings.Contains(err.Error(), b.msg) {
			t.Errorf("staff %s %v: %v, want a refusal mentioning %q", b.sub, b.args, err, b.msg)
		}
	}
	if _, err := staffRun("add", "-name", "韩寺镇办", "-role", "township", "-township", "韩寺镇", "-operator", "李主任"); err != nil {
		t.Fatalf("add township account: %v", err)
	}

	// passwd: a new initial password, the session ended, the old password refused.
	out, err = staffRun("passwd", "-name", "WANGKEYUAN", "-operator", "李主任")
	if err != nil {
		t.Fatal(err)
	}
	pw2 := regexp.MustCompile(`(?m)^    ([a-z2-9]{4}(?:-[a-z2-9]{4}){3})$`).FindStringSubmatch(out)
	if pw2 == nil || pw2[1] == pw[1] {
		t.Fatalf("passwd printed:\n%s", out)
	}
	if _, _, err := d.Session(ctx, s.ID); !errors.Is(err, staff.ErrNoSession) {
		t.Errorf("session after passwd: %v", err)
	}
	now = now.Add(30 * time.Second)
	s2, err := d.Login(ctx, "wangkeyuan", pw2[1], code(now), "")
	if err != nil {
		t.Fatalf("login with the new initial password: %v", err)
	}

	// totp (a lost phone): a new otpauth URI and its QR code, printed as add
	// prints them; the session ended, the old secret's codes refused, the
	// new one's accepted with the same password.
	out, err = staffRun("totp", "-name", "WangKeyuan", "-operator", "李主任")
	if err != nil {
		t.Fatal(err)
	}
	uri2 := regexp.MustCompile(`(?m)^    (otpauth://totp/\S+)$`).FindStringSubmatch(out)
	if uri2 == nil || uri2[1] == uri[1] || !strings.Contains(out, "█") || !strings.Contains(out, "身份验证器") {
		t.Fatalf("totp printed:\n%s", out)
	}
	if got, want := readQR(t, out), qrMatrix(t, uri2[1]); got != want {
		t.Errorf("totp's QR code drawn:\n%s\nwant the modules\n%s", got, want)
	}
	if _, _, err := d.Session(ctx, s2.ID); !errors.Is(err, staff.ErrNoSession) {
		t.Errorf("session after totp: %v", err)
	}
	oldKey := key
	if key, err = otp.NewKeyFromURL(uri2[1]); err != nil || key.Secret() == oldKey.Secret() {
		t.Fatalf("totp's URI %q: %v", uri2[1], err)
	}
	now = now.Add(30 * time.Second)
	oldCode, _ := totp.GenerateCodeCustom(oldKey.Secret(), now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix})
	if _, err := d.Login(ctx, "wangkeyuan", pw2[1], oldCode, ""); err != staff.ErrBadCredentials {
		t.Errorf("login with the old secret's code after totp: %v", err)
	}
	now = now.Add(30 * time.Second)
	if _, err := d.Login(ctx, "wangkeyuan", pw2[1], code(now), ""); err != nil {
		t.Errorf("login with the new secret's code: %v", err)
	}

	// disable, then list.
	if _, err := staffRun("disable", "-name", "wangkeyuan", "-operator", "李主任"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(30 * time.Second)
	if _, err := d.Login(ctx, "wangkeyuan", pw2[1], code(now), ""); err != staff.ErrDisabled {
		t.Errorf("login after disable: %v", err)
	}
	out, err = staffRun("list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "wangkeyuan") || !strings.Contains(lines[1], "已停用") ||
		!strings.Contains(lines[2], "韩寺镇办") || !strings.Contains(lines[2], "乡镇（街道）") || !strings.Contains(lines[2], "待本人改密码") {
		t.Errorf("list:\n%s", out)
	}

	// Each change is audited, with the operator, never with a password or
	// the TOTP secret.
	infos, err := store.List(ctx, "audit/")
	if err != nil {
		t.Fatal(err)
	}
	var audit strings.Builder
	for _, in := range infos {
		rc, _, err := store.Get(ctx, in.Key)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		audit.Write(data)
	}
	all := audit.String()
	for action, n := range map[string]int{`"account-add"`: 2, `"account-passwd"`: 1, `"account-totp"`: 1, `"account-disable"`: 1} {
		if got := strings.Count(all, action); got != n {
			t.Errorf("%d audit records of %s, want %d:\n%s", got, action, n, all)
		}
	}
	if strings.Count(all, "李主任") != 5 || strings.Contains(all, pw[1]) || strings.Contains(all, pw2[1]) ||
		strings.Contains(all, oldKey.Secret()) || strings.Contains(all, key.Secret()) {
		t.Errorf("audit records:\n%s", all)
	}

	// Without the identity key, add and totp refuse (they seal the TOTP
	// secret).
	t.Setenv("AWARD_IDENTITY_KEY", "")
	t.Setenv("AWARD_IDENTITY_KEY_FILE", filepath.Join(dir, "none.key"))
	if _, err := staffRun("add", "-name", "zhao", "-role", "reviewer", "-operator", "李主任"); err == nil || !strings.Contains(err.Error(), "身份密钥") {
		t.Errorf("add without the identity key: %v", err)
	}
	if _, err := staffRun("totp", "-name", "wangkeyuan", "-operator", "李主任"); err == nil || !strings.Contains(err.Error(), "身份密钥") {
		t.Errorf("totp without the identity key: %v", err)
	}
	if _, err := staffRun("list"); err != nil {
		t.Errorf("list without the identity key: %v", err)
	}
}

// readQR reads the half-block drawing in out back into module rows ('#'
// dark, '.' light), without the quiet zone.
func readQR(t *testing.T, out string) string {
	t.Helper()
	var rows [][]bool // true: light
	for _, line := range strings.Split(out, "\n") {
		if !strings.ContainsAny(line, "█▀▄") || strings.ContainsFunc(line, func(r rune) bool { return !strings.ContainsRune("█▀▄ ", r) }) {
			continue
		}
		var top, bottom []bool
		for _, r := range line {
			top = append(top, r == '█' || r == '▀')
			bottom = append(bottom, r == '█' || r == '▄')
		}
		rows = append(rows, top, bottom)
	}
	if len(rows) < 2*qrQuiet+21 {
		t.Fatalf("no QR code in:\n%s", out)
	}
	n := len(rows[0]) - 2*qrQuiet
	var b strings.Builder
	for y := qrQuiet; y < qrQuiet+n; y++ {
		for x := qrQuiet; x < qrQuiet+n; x++ {
			if rows[y][x] {
				b.WriteByte('.')
			} else {
				b.WriteByte('#')
			}
		}
		b.WriteByte('\n')
	}
	// The quiet zone is light all round.
	for y, row := range rows[:2*qrQuiet+n] {
		for x, light := range row {
			if (y < qrQuiet || y >= qrQuiet+n || x < qrQuiet || x >= qrQuiet+n) && !light {
				t.Errorf("quiet zone dark at %d,%d", x, y)
			}
		}
	}
	return b.String()
}

// qrMatrix is text's QR code as module rows, as readQR gives them.
func qrMatrix(t *testing.T, text string) string {
	code, err := qr.Encode(text, qr.L, qr.Auto)
	if err != nil {
		t.Fatal(err)
	}
	n := code.Bounds().Dx()
	var b strings.Builder
	for y := range n {
		for x := range n {
			if r, _, _, _ := code.At(x, y).RGBA(); r > 0x7fff {
				b.WriteByte('.')
			} else {
				b.WriteByte('#')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
