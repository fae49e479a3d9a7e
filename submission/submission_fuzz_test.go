package submission

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzSanitizeFileName checks that a sanitized name is valid UTF-8,
// non-empty, at most 100 runes, free of path separators, reserved,
// control and bidi characters, and neither "." nor "..".
func FuzzSanitizeFileName(f *testing.F) {
	for _, s := range []string{"处罚决定书.pdf", "../../etc/passwd", `C:\Users\x\a.pdf`, "\xd6\xd0\xce\xc4.pdf", "a\u202egpj.exe", "..", strings.Repeat("长", 150) + ".pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := SanitizeFileName(name)
		if !utf8.ValidString(got) {
			t.Fatalf("%q -> invalid UTF-8 %q", name, got)
		}
		if got == "" || got == "." || got == ".." {
			t.Fatalf("%q -> %q", name, got)
		}
		if n := utf8.RuneCountInString(got); n > 100 {
			t.Fatalf("%q -> %d runes", name, n)
		}
		for _, r := range got {
			if strings.ContainsRune(`/\:*?"<>|`, r) || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
				t.Fatalf("%q -> %q holds %U", name, got, r)
			}
		}
	})
}

// FuzzNormalizeReference checks that NormalizeReference returns "" or a
// reference of the form XXXX-XXXX over the reference alphabet, that it is
// idempotent, and that a reference typed in lower case, with spaces around
// it or without its dash, normalizes to itself.
func FuzzNormalizeReference(f *testing.F) {
	for _, s := range []string{"K7M2-QX9D", "k7m2qx9d", " K7M2-QX9D\n", "K7M2-QX9O", "ſſſſſſſſ", "K7M2--QX9D", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NormalizeReference(s)
		if got != "" {
			if len(got) != 9 || got[4] != '-' || strings.Trim(got[:4]+got[5:], referenceAlphabet) != "" {
				t.Fatalf("%q -> %q", s, got)
			}
			if again := NormalizeReference(got); again != got {
				t.Fatalf("%q -> %q -> %q", s, got, again)
			}
		}
		// A reference made from the input's bytes survives the ways people type it.
		var b [8]byte
		for i := range b {
			if i < len(s) {
				b[i] = referenceAlphabet[int(s[i])%len(referenceAlphabet)]
			} else {
				b[i] = referenceAlphabet[i]
			}
		}
		ref := string(b[:4]) + "-" + string(b[4:])
		for _, typed := range []string{ref, strings.ToLower(ref), string(b[:]), " " + strings.ToLower(string(b[:])) + "\t"} {
			if got := NormalizeReference(typed); got != ref {
				t.Fatalf("%q -> %q, want %q", typed, got, ref)
			}
		}
	})
}
