package cjkfriendly_test

import (
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/zhongmou/award/site/cjkfriendly"
)

func newCJKFriendlyStrikethrough() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(
		extension.GFM, extension.CJK, cjkfriendly.Extension, cjkfriendly.Strikethrough))
}

// TestStrikethrough covers the CJK-friendly strikethrough of the reference
// implementation (testcases/gfm-strikethrough.md): "~~" uses the same
// amended flanking rules as "*" (§6.2).
func TestStrikethrough(t *testing.T) {
	cases := []htmlCase{
		{"closer before hiragana", "a~~a()~~あ", "<p>a<del>a()</del>あ</p>\n", true},
		{"opener after hiragana", "あ~~()a~~a", "<p>あ<del>()a</del>a</p>\n", true},
		{"opener after non-BMP ideograph", "𩸽~~()a~~a", "<p>𩸽<del>()a</del>a</p>\n", true},
		{"closer before non-BMP ideograph", "a~~a()~~𩸽", "<p>a<del>a()</del>𩸽</p>\n", true},
		{"opener after IVS", "葛\U000E0100~~()a~~a", "<p>葛\U000E0100<del>()a</del>a</p>\n", true},
		{"opener after SVS", "羽\uFE00~~()a~~a", "<p>羽\uFE00<del>()a</del>a</p>\n", true},
		{"CJK closing bracket", "a~~「a~~」", "<p>a<del>「a</del>」</p>\n", true},
		{"CJK opening bracket", "「~~a」~~a", "<p>「<del>a」</del>a</p>\n", true},
		{"CJK colon between", "~~a~~：~~a~~", "<p><del>a</del>：<del>a</del></p>\n", false},
		{"CJK full stop + SVS", "~~日本語。\uFE00~~English.", "<p><del>日本語。\uFE00</del>English.</p>\n", false},
		{"fullwidth quotes", "~~“\uFE01a”\uFE01~~a", "<p><del>“\uFE01a”\uFE01</del>a</p>\n", false},
		{"single tilde", "真~（她~", "<p>真<del>（她</del></p>\n", true},
		// GFM behaviour kept: no more than two tildes, none after a tilde.
		{"triple tilde", "真~~~（她~~~", "<p>真~~~（她~~~</p>\n", false},
		{"plain", "~~Hi~~ Hello, ~there~ world!", "<p><del>Hi</del> Hello, <del>there</del> world!</p>\n", false},
	}
	runCases(t, newCJKFriendlyStrikethrough(), newStock(), cases)

	// Without the Strikethrough extender, "~~" keeps the stock rules.
	if got, want := convert(t, newCJKFriendly(), "a~~a()~~あ"), "<p>a~~a()~~あ</p>\n"; got != want {
		t.Errorf("Extension alone: got %q, want %q", got, want)
	}
	// Strikethrough works without extension.GFM too.
	md := goldmark.New(goldmark.WithExtensions(cjkfriendly.Strikethrough))
	if got, want := convert(t, md, "a~~a()~~あ"), "<p>a<del>a()</del>あ</p>\n"; got != want {
		t.Errorf("Strikethrough alone: got %q, want %q", got, want)
	}
}

// TestStrikethroughNonCJK checks that GFM text without CJK renders as with
// stock goldmark (testcases/gfm-non-cjk.md).
func TestStrikethroughNonCJK(t *testing.T) {
	inputs := []string{
		"~~Hi~~ Hello, ~there~ world!",
		"This ~~has a\n\nnew paragraph~~.",
		"This will ~~~not~~~ strike.",
		"This ~is ~ legit~ isn't ~ legit.",
		"This is not ~~~~~one~~~~~ huge strikethrough.",
		"~one~ ~~two~~ ~~~three~~~",
		"No ~mismatch~~",
		"~~**_`this`_**~~  \n~~***`this`***~~  \n~~___`this`___~~",
		"This ~text~ ~~is~~ ~~~curious~~~.",
		"a~~()a~~a",
		"a~~a()~~a",
		"(~~()~~)",
		"a***~~b~~***c",
		"| A |\n| - |\n| ~~https://example.com/~~ |",
	}
	md, stock := newCJKFriendlyStrikethrough(), newStock()
	for _, in := range inputs {
		if got, want := convert(t, md, in), convert(t, stock, in); got != want {
			t.Errorf("input %q\n got: %q\nwant: %q", in, got, want)
		}
	}
}
