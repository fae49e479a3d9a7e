package ident

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCreditCode(t *testing.T) {
	valid := []string{
		"91110000600037341L", // the example of GB 32100-2015's annex
		"91410122MA00J8NW0M", "91410122MA0E24W21B", "93410122MAKDT1JD35", "91410122MAU87AW67U",
	}
	for _, s := range valid {
		if err := CheckCreditCode(s); err != nil {
			t.Errorf("CheckCreditCode(%q): %v", s, err)
		}
		c, err := CreditCheckChar(s[:17])
		if err != nil || c != s[17] {
			t.Errorf("CreditCheckChar(%q) = %c, %v; want %c", s[:17], c, err, s[17])
		}
	}
	invalid := map[string]string{
		"91110000600037341M":  "校验位",
		"9111000060003734":    "18位",
		"91110000600037341L1": "18位",
		"91110000600O37341L":  "第12位",
		"9111000060003734IL":  "第17位",
	}
	for s, want := range invalid {
		err := CheckCreditCode(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckCreditCode(%q) = %v; want an error about %s", s, err, want)
		}
	}
	if NormalizeCreditCode(" 91110000 600037341l ") != "91110000600037341L" || NormalizeCreditCode("９１１１００００６０００３７３４１Ｌ") != "91110000600037341L" {
		t.Error("normalisation")
	}
	// Every single-character change of a valid code is caught.
	base := []byte("91410122MA00J8NW0M")
	for i := range base {
		for _, c := range []byte(creditAlphabet) {
			if c == base[i] {
				continue
			}
			m := append([]byte(nil), base...)
			m[i] = c
			if CheckCreditCode(string(m)) == nil {
				t.Errorf("substitution at %d (%s) not caught", i+1, m)
			}
		}
	}
}

func TestIDNumber(t *testing.T) {
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"11010519491231002X"} { // GB 11643-1999's own example

		if err := CheckIDNumber(s, today); err != nil {
			t.Errorf("CheckIDNumber(%q): %v", s, err)
		}
	}
	invalid := map[string]string{
		"110105194912310021": "身份证号码有误，请对照身份证逐位核对",
		"110105194912310012": "身份证号码有误，请对照身份证逐位核对", // two digits swapped
		"11010519491231002":  "18位",
		"1101051949123100AX": "前17位",
		"110105194913310029": "出生日期",
		"110105203012310029": "出生日期",
	}
	for s, want := range invalid {
		err := CheckIDNumber(s, today)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckIDNumber(%q) = %v; want an error about %s", s, err, want)
		}
	}
	// A wrong check character says exactly this, nothing about which digit.
	for _, s := range []string{"110105194912310021", "110105194912310012", "210105194912310020"} {
		if err := CheckIDNumber(s, today); err == nil || err.Error() != "身份证号码有误，请对照身份证逐位核对" || !errors.Is(err, ErrIDNumberMistyped) {
			t.Errorf("CheckIDNumber(%q) = %v; want exactly 身份证号码有误，请对照身份证逐位核对", s, err)
		}
	}
	if NormalizeIDNumber("11010519491231002x ") != "11010519491231002X" || NormalizeIDNumber("１１０１０５１９４９１２３１００２ｘ") != "11010519491231002X" {
		t.Error("normalisation")
	}
}
