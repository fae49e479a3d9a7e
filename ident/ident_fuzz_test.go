package ident

import (
	"strings"
	"testing"
	"time"
)

// FuzzCreditCode checks CheckCreditCode on arbitrary text, and that any 17
// characters of the alphabet completed with CreditCheckChar make a valid
// code while any other 18th character makes an invalid one.
func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{"91410122MA00J8NW0M", "91410122MA0E24W21B", "91410122MA00J8NW0X", "914101", "91410122ma00j8nw0m", "91410122MA00J8NWOM"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, alt uint8) {
		err := CheckCreditCode(s)
		if err == nil {
			if len(s) != 18 || strings.Trim(s, creditAlphabet) != "" {
				t.Fatalf("accepted %q", s)
			}
			if c, _ := CreditCheckChar(s[:17]); c != s[17] {
				t.Fatalf("accepted %q, check character is %c", s, c)
			}
		}
		if NormalizeCreditCode(s) == s && err == nil && CheckCreditCode(strings.ToLower(s)) == nil && strings.ToLower(s) != s {
			t.Fatalf("accepted lower-case %q", strings.ToLower(s))
		}
		// Map the input onto 17 characters of the alphabet.
		var b [17]byte
		for i := range b {
			v := 0
			if i < len(s) {
				v = int(s[i])
			}
			b[i] = creditAlphabet[v%len(creditAlphabet)]
		}
		first17 := string(b[:])
		c, err := CreditCheckChar(first17)
		if err != nil {
			t.Fatalf("CreditCheckChar(%q): %v", first17, err)
		}
		if err := CheckCreditCode(first17 + string(c)); err != nil {
			t.Fatalf("%q + %c: %v", first17, c, err)
		}
		other := creditAlphabet[(strings.IndexByte(creditAlphabet, c)+1+int(alt)%(len(creditAlphabet)-1))%len(creditAlphabet)]
		if other == c {
			t.Fatalf("test bug: same character")
		}
		if CheckCreditCode(first17+string(other)) == nil {
			t.Fatalf("%q + %c accepted; check character is %c", first17, other, c)
		}
		if _, err := CreditCheckChar(s); err == nil && len(s) != 17 {
			t.Fatalf("CreditCheckChar accepted %d characters", len(s))
		}
	})
}

// FuzzIDNumber checks CheckIDNumber on arbitrary text: no panics, and any
// accepted number has 18 characters, 17 digits, a birth date that exists
// and is not after today, and the right check character.
func FuzzIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", "11010520260230002X", "11010519491231002x", "1101051949123100", "11010518790101001X", "110105202611260011"} {
		f.Add(s)
	}
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if CheckIDNumber(s, today) != nil {
			return
		}
		if len(s) != 18 || strings.Trim(s[:17], "0123456789") != "" {
			t.Fatalf("accepted %q", s)
		}
		birth, err := time.Parse("20060102", s[6:14])
		if err != nil || birth.Format("20060102") != s[6:14] || birth.After(today) || birth.Year() < 1880 {
			t.Fatalf("accepted %q with birth date %q (%v)", s, s[6:14], err)
		}
		sum := 0
		for i := 0; i < 17; i++ {
			sum += int(s[i]-'0') * idWeights[i]
		}
		if want := (12 - sum%11) % 11; (want == 10 && s[17] != 'X') || (want < 10 && s[17] != byte('0'+want)) {
			t.Fatalf("accepted %q, check character should be %d", s, want)
		}
		for _, c := range "0123456789X" {
			if byte(c) != s[17] && CheckIDNumber(s[:17]+string(c), today) == nil {
				t.Fatalf("%q accepted with last character %c too", s, c)
			}
		}
	})
}
