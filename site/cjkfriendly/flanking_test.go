package cjkfriendly

import (
	"fmt"
	"testing"
	"unicode"
)

// §2.1 "CJK character"; the pseudo-emoji come from implementers-tips.md.
func TestIsCJK(t *testing.T) {
	cjk := []rune{
		'あ', 'ア', 'ｱ', '字', '，', '。', '「', '」', '～', '￥', '₩',
		'〰', '〽', '🈂', '🈷', '㊗', '㊙', '⻲', '㋐', '︙',
		'가', 'ᄀ', 'ᅡ', 'ㄱ',
		'𠮟', '𰻞', '𛀙', '\U0002FFFD', '\u4DC0', '\u2630',
	}
	notCJK := []rune{
		'a', 'Z', '0', ' ', '*', '_', '"', '(', '“', '”', '‘', '’', '«', '¥', '①', '④', 'é', 'я',
		'😀', '🈚', '🈯', '⌚', '⭐', '\u3097', '\uFE00', '\uFE0E', '\uFE0F', '\U000E0100', unicode.ReplacementChar,
	}
	for _, r := range cjk {
		if !isCJK(r) {
			t.Errorf("isCJK(%U %q) = false, want true", r, r)
		}
	}
	for _, r := range notCJK {
		if isCJK(r) {
			t.Errorf("isCJK(%U %q) = true, want false", r, r)
		}
	}
}

// Every Hangul code point known to the Go runtime is in the published table.
func TestHangulInTable(t *testing.T) {
	for _, rg := range unicode.Hangul.R16 {
		for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
			if !unicode.Is(cjkTable, r) {
				t.Errorf("Hangul %U missing from cjkTable", r)
			}
		}
	}
}

// The "Emphasis Marker Start/End Conditions" table of implementers-tips.md:
// out is the character before the marker, in the one after it.
func TestMarkerConditions(t *testing.T) {
	tests := []struct {
		out    rune
		marker byte
		in     rune
		end    bool // can close
		start  bool // can open
	}{
		{' ', '*', ' ', false, false},
		{' ', '*', '"', false, true},
		{' ', '*', 'a', false, true},
		{' ', '*', '～', false, true},
		{' ', '*', '字', false, true},
		{' ', '_', ' ', false, false},
		{' ', '_', '"', false, true},
		{' ', '_', 'a', false, true},
		{' ', '_', '～', false, true},
		{' ', '_', '字', false, true},
		{'"', '*', '"', true, true},
		{'"', '*', 'a', false, true},
		{'"', '*', '字', true, true}, // CommonMark: cannot close
		{'～', '*', 'a', true, true}, // CommonMark: cannot close
		{'"', '_', '"', true, true},
		{'"', '_', 'a', false, true},
		{'"', '_', '字', false, true},
		{'～', '_', 'a', false, true},
		{'a', '*', 'a', true, true},
		{'a', '_', 'a', false, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%c%c%c", tt.out, tt.marker, tt.in), func(t *testing.T) {
			open, closing := canOpenClose(tt.marker, classifyPreceding(tt.out, noBase), classify(tt.in))
			if open != tt.start || closing != tt.end {
				t.Errorf("open, close = %v, %v; want %v, %v", open, closing, tt.start, tt.end)
			}
		})
	}
}

func noBase() (rune, bool) { return 0, false }

func base(r rune) func() (rune, bool) { return func() (rune, bool) { return r, true } }

// §2.1 sequences: what a variation selector before a run stands for.
func TestClassifyPreceding(t *testing.T) {
	tests := []struct {
		name string
		prev rune
		base func() (rune, bool)
		want side
	}{
		{"letter", 'a', nil, side{}},
		{"space", ' ', nil, side{space: true}},
		{"newline", '\n', nil, side{space: true}},
		{"ascii punct", '!', nil, side{punct: true}},
		{"CJK letter", '字', nil, side{cjk: true}},
		{"CJK punct", '，', nil, side{punct: true, cjk: true}},
		{"IVS", '\U000E0100', nil, side{ivs: true}},
		{"IVS last", '\U000E01EF', nil, side{ivs: true}},
		{"emoji selector", '\uFE0F', nil, side{}},
		{"SVS after CJK letter", '\uFE00', base('塚'), side{cjk: true}},
		{"text selector after CJK symbol", '\uFE0E', base('〽'), side{punct: true, cjk: true}},
		{"SVS after CJK punct", '\uFE01', base('。'), side{punct: true, cjk: true}},
		{"SVS after non-CJK punct", '\uFE00', base('!'), side{punct: true}},
		{"SVS after letter", '\uFE00', base('a'), side{}},
		{"fullwidth quote", '\uFE01', base('“'), side{punct: true, cjk: true}},
		{"fullwidth single quote", '\uFE01', base('’'), side{punct: true, cjk: true}},
		{"quote with other selector", '\uFE00', base('“'), side{punct: true}},
		{"SVS at line start", '\uFE00', noBase, side{}},
		{"SVS after space", '\uFE00', base(' '), side{}},
		{"SVS after IVS", '\uFE00', base('\U000E0100'), side{}},
		{"SVS after SVS", '\uFE00', base('\uFE01'), side{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.base
			if b == nil {
				b = func() (rune, bool) { t.Fatal("base looked up needlessly"); return 0, false }
			}
			if got := classifyPreceding(tt.prev, b); got != tt.want {
				t.Errorf("classifyPreceding(%U) = %+v, want %+v", tt.prev, got, tt.want)
			}
		})
	}
}

// Without CJK characters and ideographic variation selectors the amended
// rules are CommonMark's (goldmark's parser.ScanDelimiter).
func TestReducesToCommonMark(t *testing.T) {
	var sides []side
	for _, space := range []bool{false, true} {
		for _, punct := range []bool{false, true} {
			if !(space && punct) {
				sides = append(sides, side{space: space, punct: punct})
			}
		}
	}
	for _, c := range []byte{'*', '_', '~'} {
		for _, b := range sides {
			for _, a := range sides {
				left := !a.space && (!a.punct || b.space || b.punct)
				right := !b.space && (!b.punct || a.space || a.punct)
				wantOpen, wantClose := left, right
				if c == '_' {
					wantOpen = left && (!right || b.punct)
					wantClose = right && (!left || a.punct)
				}
				open, closing := canOpenClose(c, b, a)
				if open != wantOpen || closing != wantClose {
					t.Errorf("%c before %+v after %+v: got %v,%v want %v,%v", c, b, a, open, closing, wantOpen, wantClose)
				}
			}
		}
	}
}
