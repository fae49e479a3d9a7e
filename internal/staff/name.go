package staff

import (
	"encoding/hex"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen is the longest account name, in characters.
const MaxNameLen = 32

// CanonicalName checks an account name and returns it as stored: ASCII
// letters lower-cased (names are case-insensitive). A name is 1 to MaxNameLen
// letters (ASCII), digits, Chinese characters and . - _, starting with a
// letter, digit or Chinese character. Anything else is ErrBadName.
func CanonicalName(name string) (string, error) {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > MaxNameLen || !utf8.ValidString(name) {
		return "", ErrBadName
	}
	out := make([]rune, 0, n)
	for i, c := range []rune(name) {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', unicode.Is(unicode.Han, c):
		case i > 0 && (c == '.' || c == '-' || c == '_'):
		default:
			return "", ErrBadName
		}
		out = append(out, c)
	}
	return string(out), nil
}

// accountID is the key element of a canonical name: the name itself when it
// is ASCII (only [a-z0-9._-], not starting with one of ._-), else "_" and the
// hex of its UTF-8, which no ASCII name can be.
func accountID(canonical string) string {
	for i := 0; i < len(canonical); i++ {
		if canonical[i] >= utf8.RuneSelf {
			return "_" + hex.EncodeToString([]byte(canonical))
		}
	}
	return canonical
}

func accountPrefix(id string) string     { return "staff/accounts/" + id + "/" }
func versionKey(id string, v int) string { return fmt.Sprintf("%sv/%06d.json", accountPrefix(id), v) }

// sealRef binds a sealed TOTP secret to its account, apart from any
// submission's reference.
func sealRef(id string) string { return "staff-account:" + id }
