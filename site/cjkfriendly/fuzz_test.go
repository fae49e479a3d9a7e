package cjkfriendly

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// amendmentApplies reports whether src contains a character the amendment
// treats specially: a CJK character or a variation selector. Without one,
// the output must be exactly stock goldmark's.
func amendmentApplies(src string) bool {
	for _, r := range src {
		if isCJK(r) || isSVS(r) || isIVS(r) {
			return true
		}
	}
	return false
}

func isASCII(src string) bool {
	for i := 0; i < len(src); i++ {
		if src[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// FuzzEmphasis checks that conversion never panics and that text the
// amendment does not apply to (in particular pure ASCII) renders exactly as
// with stock goldmark, emphasis and strikethrough alike.
//
// The extension.CJK pair only sees valid UTF-8: goldmark v1.8.7's east-asian
// soft-line-break renderer itself panics on some invalid input such as
// "\x9f\n0", with or without this package.
func FuzzEmphasis(f *testing.F) {
	for _, seed := range []string{
		"**真，**她",
		"**「刻舟求剑」**说",
		"__注意__：注意事項",
		"foo**bar**",
		"**foo \"*bar*\" foo**",
		"a * foo bar*",
		"_foo_bar",
		"*(**foo**)*",
		"foo-_(bar)_ and __foo, __bar__, baz__",
		"~~Hi~~ Hello, ~there~ world! a~~()a~~a",
		"a~~a()~~あ 葛\U000E0100~~()a~~a",
		"“\uFE01Git”\uFE01__Hub__ 大塚\uFE00**(a)**",
		"\uFE00**(a)** > \uFE0E*b*",
		"> **真，**她\n- *a*\n\n| **a** |\n| - |\n| _b_ |",
		"a**😀**a a**🈂**a",
		"\xe5\xad**a\x97**\xef\xb8",
	} {
		f.Add(seed)
	}
	pairs := []struct {
		ext, stock  goldmark.Markdown
		validOnly   bool
		description string
	}{
		{
			goldmark.New(goldmark.WithExtensions(extension.GFM, Extension, Strikethrough)),
			goldmark.New(goldmark.WithExtensions(extension.GFM)),
			false, "GFM",
		},
		{
			goldmark.New(goldmark.WithExtensions(extension.GFM, extension.CJK, Extension, Strikethrough)),
			goldmark.New(goldmark.WithExtensions(extension.GFM, extension.CJK)),
			true, "GFM+CJK",
		},
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, p := range pairs {
			if p.validOnly && !utf8.ValidString(src) {
				continue
			}
			var got, want bytes.Buffer
			if err := p.ext.Convert([]byte(src), &got); err != nil {
				t.Fatalf("%s: Convert(%q): %v", p.description, src, err)
			}
			if amendmentApplies(src) {
				continue
			}
			if err := p.stock.Convert([]byte(src), &want); err != nil {
				t.Fatalf("%s: stock Convert(%q): %v", p.description, src, err)
			}
			if got.String() != want.String() {
				t.Errorf("%s: input %q (ASCII: %v) differs from stock goldmark\n got: %q\nwant: %q",
					p.description, src, isASCII(src), got.String(), want.String())
			}
		}
	})
}
