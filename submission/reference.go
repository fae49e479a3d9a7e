package submission

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// referenceAlphabet has no 0, O, 1 or I, which people confuse when reading
// a reference aloud or typing it from paper.
const referenceAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// NewReference returns a fresh reference such as "K7M2-QX9D": 8 characters
// (40 random bits) in two groups.
func NewReference() string {
	var b [8]byte
	rand.Read(b[:]) // crypto/rand.Read never fails
	out := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, referenceAlphabet[int(c)%len(referenceAlphabet)])
	}
	return string(out)
}

// NormalizeReference upper-cases a reference as typed and restores its dash;
// it returns "" if the text cannot be a reference.
func NormalizeReference(s string) string {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
	if len(s) != 8 {
		return ""
	}
	for _, c := range s {
		if !strings.ContainsRune(referenceAlphabet, c) {
			return ""
		}
	}
	return s[:4] + "-" + s[4:]
}

// keyRef is a reference as it appears in storage keys ("k7m2-qx9d").
func keyRef(reference string) string { return strings.ToLower(reference) }

// NewToken returns a receipt token: 128 random bits, base32 without padding.
func NewToken() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// HashToken is what the manifest keeps of a token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// TokenMatches reports in constant time whether token hashes to hash.
func TokenMatches(token, hash string) bool {
	return subtle.ConstantTimeCompare([]byte(HashToken(token)), []byte(hash)) == 1
}
