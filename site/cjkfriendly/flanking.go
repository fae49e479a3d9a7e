package cjkfriendly

import (
	"unicode"

	"github.com/yuin/goldmark/util"
)

// Code points with a special role in the amendment (§2.1).
const (
	// Non-emoji General-use Variation Selectors: U+FE00..U+FE0E (U+FE0F,
	// the emoji presentation selector, is excluded).
	svsFirst rune = 0xfe00
	svsLast  rune = 0xfe0e
	// Ideographic Variation Selectors: the Variation Selectors Supplement
	// block, U+E0100..U+E01EF.
	ivsFirst rune = 0xe0100
	ivsLast  rune = 0xe01ef
	// The selector that turns an East-Asian-ambiguous quotation mark into
	// its fullwidth form (CJK ambiguous punctuation sequence).
	fullwidthSelector rune = 0xfe01
)

// isCJK reports whether r is a CJK character (§2.1).
func isCJK(r rune) bool {
	if r < 0x1100 { // fast path: nothing below U+1100 qualifies
		return false
	}
	return unicode.Is(cjkTable, r) || unicode.Is(unicode.Hangul, r)
}

// isSVS reports whether r is a Non-emoji General-use Variation Selector.
func isSVS(r rune) bool { return svsFirst <= r && r <= svsLast }

// isIVS reports whether r is an Ideographic Variation Selector.
func isIVS(r rune) bool { return ivsFirst <= r && r <= ivsLast }

// isAmbiguousQuote reports whether base followed by vs is a CJK ambiguous
// punctuation sequence. As of Unicode 17 these are the four curly quotation
// marks U+2018, U+2019, U+201C and U+201D followed by U+FE01.
func isAmbiguousQuote(base, vs rune) bool {
	if vs != fullwidthSelector {
		return false
	}
	switch base {
	case '\u2018', '\u2019', '\u201c', '\u201d':
		return true
	}
	return false
}

// side classifies what sits on one side of a delimiter run. The zero value
// is an "ordinary" character: not whitespace, not punctuation, not CJK.
type side struct {
	space bool // Unicode whitespace, or the beginning/end of the line
	punct bool // Unicode punctuation character (goldmark: P* or S*)
	cjk   bool // CJK character (for the preceding side: CJK sequence)
	ivs   bool // an Ideographic Variation Selector (preceding side only)
}

// classify classifies a single character. Whitespace and punctuation use
// goldmark's own predicates so that non-CJK text is judged exactly as by
// goldmark's stock emphasis parser.
func classify(r rune) side {
	if util.IsSpaceRune(r) {
		return side{space: true}
	}
	return side{punct: util.IsPunctRune(r), cjk: isCJK(r), ivs: isIVS(r)}
}

// classifyPreceding classifies the character before a delimiter run. prev
// is that character; base returns the character before prev and whether
// there is one on the same line. base is only called when prev is a
// Non-emoji General-use Variation Selector, in which case the sequence
// "base + selector" is classified by its base character (§2.1: CJK
// sequence, Unicode/non-CJK punctuation sequence).
func classifyPreceding(prev rune, base func() (rune, bool)) side {
	if !isSVS(prev) {
		return classify(prev)
	}
	b, ok := base()
	if !ok || isSVS(b) || isIVS(b) {
		// A selector at the line start or after another selector: the
		// amendment leaves this unspecified; treat the selector as an
		// ordinary character, as CommonMark does.
		return side{}
	}
	if isAmbiguousQuote(b, prev) {
		return side{punct: true, cjk: true}
	}
	s := classify(b)
	if s.space {
		// A selector after whitespace: unspecified, as above.
		return side{}
	}
	return s
}

// nonCJKPunct reports whether s is a non-CJK punctuation character (or, on
// the preceding side, a non-CJK punctuation sequence).
func (s side) nonCJKPunct() bool { return s.punct && !s.cjk }

// leftFlanking implements the amended definition of a left-flanking
// delimiter run (§6.2): not followed by whitespace, and either not followed
// by a non-CJK punctuation character, or preceded by whitespace, a non-CJK
// punctuation sequence, a CJK sequence or an Ideographic Variation Selector.
func leftFlanking(before, after side) bool {
	if after.space {
		return false
	}
	if !after.nonCJKPunct() {
		return true
	}
	return before.space || before.nonCJKPunct() || before.cjk || before.ivs
}

// rightFlanking implements the amended definition of a right-flanking
// delimiter run (§6.2): not preceded by whitespace, and either not preceded
// by a non-CJK punctuation sequence, or followed by whitespace, a non-CJK
// punctuation character or a CJK character.
func rightFlanking(before, after side) bool {
	if before.space {
		return false
	}
	if !before.nonCJKPunct() {
		return true
	}
	return after.space || after.nonCJKPunct() || after.cjk
}

// canOpenClose reports whether a run of delimiter c between before and after
// can open and can close emphasis. For '_' the intraword restrictions of
// CommonMark rules 2, 3, 6 and 7 apply, with rules 2 and 6 amended to accept
// a Unicode punctuation sequence before the run; every other delimiter
// ('*', '~') opens iff left-flanking and closes iff right-flanking.
func canOpenClose(c byte, before, after side) (canOpen, canClose bool) {
	left := leftFlanking(before, after)
	right := rightFlanking(before, after)
	if c == '_' {
		return left && (!right || before.punct), right && (!left || after.punct)
	}
	return left, right
}
