// Package cjkfriendly is a goldmark extension implementing the "CJK-friendly
// emphasis" amendment to CommonMark's flanking-delimiter-run rules, as
// specified in https://github.com/tats-u/markdown-cjk-friendly
// (specification.md; CommonMark issue commonmark/commonmark-spec#650).
//
// Stock CommonMark refuses to close "**真，**她" or "**「刻舟求剑」**说"
// because the closing run is preceded by punctuation and followed by a
// letter. The amendment distinguishes CJK characters (East Asian Width W, F
// or H except default-emoji-presentation characters, plus the Hangul script)
// and CJK punctuation from the rest, and changes only these rules:
//
//   - Left-flanking: not followed by whitespace, and either not followed by
//     a non-CJK punctuation character, or preceded by whitespace, a non-CJK
//     punctuation sequence, a CJK sequence or an Ideographic Variation
//     Selector (U+E0100..U+E01EF).
//   - Right-flanking: not preceded by whitespace, and either not preceded by
//     a non-CJK punctuation sequence, or followed by whitespace, a non-CJK
//     punctuation character or a CJK character.
//   - A "_" or "__" run that is both left- and right-flanking can open when
//     preceded by a Unicode punctuation sequence.
//
// A "sequence" is a character optionally followed by a Non-emoji
// General-use Variation Selector (U+FE00..U+FE0E): before a delimiter run,
// such a selector is skipped and the character before it is classified
// instead. A curly quotation mark followed by U+FE01 (a CJK ambiguous
// punctuation sequence) counts as CJK punctuation. The characters after a
// run are classified one at a time, without this look-through.
//
// Text without CJK characters or variation selectors is parsed exactly as
// goldmark parses it; whitespace and punctuation are goldmark's own
// definitions. Extension replaces goldmark's emphasis parser ('*', '_');
// the optional Strikethrough extender does the same for GFM strikethrough
// ('~', '~~'), following the reference implementation's CJK-friendly
// strikethrough package.
//
// Usage:
//
//	md := goldmark.New(goldmark.WithExtensions(
//		extension.GFM, extension.CJK, cjkfriendly.Extension, cjkfriendly.Strikethrough))
package cjkfriendly
