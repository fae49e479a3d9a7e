package staff

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStaffCheckPassword(t *testing.T) {
	cases := []struct {
		name, old, pw string
		ok            bool
		reason        string
	}{
		{"wang", "old", "correct horse battery", true, ""},
		{"wang", "old", "十二个汉字组成的一句口令啊", true, ""},
		{"wang", "old", "eleven char", false, "至少要 12 个字符"},
		{"wang", "old", strings.Repeat("abcdef", 22), false, "最多 128"},
		{"wang", "old", "1111111111111111", false, "不同的字符"},
		{"wang", "old", "my name is WANG ok", false, "账号名"},
		{"wang", "same old passw", "same old passw", false, "原密码"},
		{"wang", "old", "line\nbreak in it", false, "控制字符"},
		{"wang", "old", "bad utf8 \xff here", false, "无法识别"},
	}
	for _, c := range cases {
		err := CheckPassword(c.name, c.old, c.pw)
		var pe *PolicyError
		if c.ok && err != nil || !c.ok && (!errors.As(err, &pe) || !strings.Contains(pe.Error(), c.reason)) {
			t.Errorf("CheckPassword(%q): %v, want ok=%v %q", c.pw, err, c.ok, c.reason)
		}
	}
}

func TestStaffPasswordHash(t *testing.T) {
	h := hashPassword("a passphrase of some length")
	if h2 := hashPassword("a passphrase of some length"); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	if ok, err := verifyPassword(h, "a passphrase of some length"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, err := verifyPassword(h, "a passphrase of some lengtH"); ok || err != nil {
		t.Errorf("wrong password: %v %v", ok, err)
	}
	parts := strings.Split(h, "$")
	bad := []string{
		"", "plain", strings.Replace(h, "argon2id", "argon2i", 1), strings.Replace(h, "v=19", "v=16", 1),
		strings.Replace(h, "m=19456", "m=99999999", 1), strings.Replace(h, "t=2", "t=100", 1), strings.Replace(h, "p=1", "p=0", 1),
		strings.Join(append(parts[:4:4], "!!", parts[5]), "$"), strings.Join(append(parts[:5:5], "c2hvcnQ"), "$"),
	}
	for _, b := range bad {
		if _, err := verifyPassword(b, "x"); !errors.Is(err, errBadHash) {
			t.Errorf("hash %q: %v, want errBadHash", b, err)
		}
	}
	if p := newInitialPassword(); len(p) != 19 || strings.Count(p, "-") != 3 || strings.ContainsAny(p, "01lIO") {
		t.Errorf("initial password %q", p)
	}
}

func TestStaffLockedUntil(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	at := func(mins ...float64) []mark {
		var out []mark
		for _, m := range mins {
			out = append(out, mark{at: t0.Add(time.Duration(m * float64(time.Minute)))})
		}
		return out
	}
	late := t0.Add(24 * time.Hour)
	cases := []struct {
		fails []mark
		want  time.Time
	}{
		{at(0, 1, 2, 3), time.Time{}},
		{at(0, 1, 2, 3, 4), t0.Add(4*time.Minute + LockFor)},
		{at(0, 4, 8, 12, 15), time.Time{}},                         // the first is 15 minutes before the fifth: out of the window
		{at(0, 1, 2, 3, 4, 5, 6), t0.Add(4*time.Minute + LockFor)}, // failures during a lock do not count
		{at(0, 1, 2, 3, 4, 19, 20, 21, 22, 23), t0.Add(23*time.Minute + LockFor)},
	}
	for i, c := range cases {
		if got := lockedUntil(c.fails, late); !got.Equal(c.want) {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
}

func TestStaffRoleAndName(t *testing.T) {
	if Township.Label() != "乡镇（街道）" || Secretariat.Label() != "秘书处" || Reviewer.Label() != "评审员" || Auditor.Label() != "审计员" {
		t.Error("labels")
	}
	if Role("admin").Valid() || !Auditor.Valid() {
		t.Error("Valid")
	}
	if n, err := CanonicalName("Wang.Ke-Yuan_2"); err != nil || n != "wang.ke-yuan_2" {
		t.Errorf("%q %v", n, err)
	}
	if accountID("wang") != "wang" || accountID("王") != "_e78e8b" || accountID("a王") != "_61e78e8b" {
		t.Error("accountID")
	}
}
