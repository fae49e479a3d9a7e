package ident

import (
	"errors"
	"strings"
	"time"
)

// idWeights are the weights of positions 1–17 (GB 11643-1999, 2ⁱ mod 11 from the right).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// ErrIDNumberMistyped is CheckIDNumber's error for a number whose check
// character (GB 11643 mod 11-2) does not fit its first 17 digits: some
// digit is wrong, which one cannot be told.
var ErrIDNumberMistyped = errors.New("身份证号码有误，请对照身份证逐位核对")

// NormalizeIDNumber trims spaces, folds full-width digits and upper-cases
// the final x of an ID number.
func NormalizeIDNumber(s string) string {
	return strings.ToUpper(foldWidth(strings.Join(strings.Fields(s), "")))
}

// CheckIDNumber reports whether s (normalised) is a valid 18-digit citizen
// identity number: 17 digits, a birth date (positions 7–14) that exists and
// is not after today, and the right check character. A wrong check
// character means a digit somewhere was mistyped, not necessarily the last
// one, so its error (ErrIDNumberMistyped) asks for every digit to be
// compared with the card.
func CheckIDNumber(s string, today time.Time) error {
	if len(s) != 18 {
		return errors.New("身份证号码应为18位，请核对")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return errors.New("身份证号码前17位应为数字，请核对")
		}
		sum += int(c-'0') * idWeights[i]
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1880 || birth.After(today) {
		return errors.New("身份证号码中的出生日期（第7至14位）无效，请核对")
	}
	if idCheckChars[sum%11] != s[17] {
		return ErrIDNumberMistyped
	}
	return nil
}
