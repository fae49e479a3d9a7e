package staff

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// The argon2id parameters of new hashes (OWASP's recommended minimum:
// 19 MiB, 2 passes, 1 lane). Verification reads them from the stored hash, so
// they can be raised later without invalidating passwords.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Limits on the parameters a stored hash may ask for, so that a damaged or
// forged record cannot make a sign-in exhaust memory or time.
const (
	maxArgonMemory = 1024 * 1024 // 1 GiB
	maxArgonTime   = 16
)

var b64 = base64.RawStdEncoding

// hashPassword returns the argon2id hash of password in PHC string form.
func hashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("stored password hash is not an argon2id PHC string")

// verifyPassword reports whether password matches the PHC hash, in time
// independent of where they differ.
func verifyPassword(phc, password string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var m, t uint32
	var p uint8
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 ||
		m == 0 || m > maxArgonMemory || t == 0 || t > maxArgonTime || p == 0 || m < 8*uint32(p) {
		return false, errBadHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(want) < 16 || len(want) > 64 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when there is no account, so that an
// unknown name takes as long to refuse as a wrong password.
var dummyHash = sync.OnceValue(func() string { return hashPassword("no account has this password") })

// initialAlphabet has no characters easily confused when read out or typed
// (no 0/O, 1/l/I).
const initialAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newInitialPassword is a random password of four groups of four
// characters (about 79 bits), for the operator to hand over once.
func newInitialPassword() string {
	var b strings.Builder
	for i := range 16 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(initialAlphabet[randIntn(len(initialAlphabet))])
	}
	return b.String()
}

// randIntn is a uniform random number in [0, n) from crypto/rand.
func randIntn(n int) int {
	var b [1]byte
	limit := 256 - 256%n
	for {
		rand.Read(b[:])
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

// The password policy's bounds, in characters.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
	minDistinct    = 5
)

// CheckPassword applies the password policy to a new password chosen by the
// account name's holder, whose password was old: at least MinPasswordLen and
// at most MaxPasswordLen characters, no control characters, at least five
// different characters, not containing the account name, not the old
// password. A refusal is a *PolicyError saying what to change.
func CheckPassword(name, old, password string) error {
	n := utf8.RuneCountInString(password)
	distinct := map[rune]bool{}
	for _, c := range password {
		if unicode.IsControl(c) || c == utf8.RuneError {
			return &PolicyError{"新密码不能包含控制字符或无法识别的字符，请只用可见的字符和空格"}
		}
		distinct[unicode.ToLower(c)] = true
	}
	lower := strings.ToLower(password)
	switch {
	case n < MinPasswordLen:
		return &PolicyError{fmt.Sprintf("新密码太短：至少要 %d 个字符（现在 %d 个）；可以用一句好记的话", MinPasswordLen, n)}
	case n > MaxPasswordLen:
		return &PolicyError{fmt.Sprintf("新密码太长：最多 %d 个字符", MaxPasswordLen)}
	case len(distinct) < minDistinct:
		return &PolicyError{fmt.Sprintf("新密码太简单：请至少用 %d 个不同的字符，不要重复同一串字符", minDistinct)}
	case name != "" && strings.Contains(lower, strings.ToLower(name)):
		return &PolicyError{"新密码不能包含账号名，请换一个"}
	case password == old:
		return &PolicyError{"新密码不能与原密码相同，请换一个"}
	}
	return nil
}
