package ident

import (
	"errors"
	"strconv"
	"strings"
)

// creditAlphabet is GB 32100-2015's character set, in value order (0–30):
// digits and capital letters without I, O, S, V, Z.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the weights of positions 1–17 (GB 32100-2015, 3ⁱ⁻¹ mod 31).
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeCreditCode trims spaces, folds full-width letters and digits (as
// a Chinese input method types them) and upper-cases a credit code.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(foldWidth(strings.Join(strings.Fields(s), "")))
}

// foldWidth turns full-width ASCII letters and digits into their usual forms.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '！' && r <= '～' {
			return r - 0xFEE0
		}
		return r
	}, s)
}

// CheckCreditCode reports whether s (normalised) is a valid unified social
// credit code: 18 characters of the GB 32100 alphabet whose 18th is the
// check character of the first 17.
func CheckCreditCode(s string) error {
	if len(s) != 18 {
		return errors.New("统一社会信用代码应为18位，请对照营业执照或登记证书核对")
	}
	sum := 0
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(creditAlphabet, s[i])
		if v < 0 {
			return errors.New("统一社会信用代码只含数字和大写字母（不含 I、O、S、V、Z），请核对第" + strconv.Itoa(i+1) + "位")
		}
		if i < 17 {
			sum += v * creditWeights[i]
		} else if creditAlphabet[(31-sum%31)%31] != s[17] {
			return errors.New("统一社会信用代码校验位不正确，请对照营业执照或登记证书逐位核对")
		}
	}
	return nil
}

// CreditCheckChar returns the check character for the first 17 characters of
// a credit code, for tools that make test data.
func CreditCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, errors.New("需要17位")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditAlphabet, first17[i])
		if v < 0 {
			return 0, errors.New("含有无效字符")
		}
		sum += v * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31], nil
}
