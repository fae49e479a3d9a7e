package site

import (
	"strings"
	"unicode"
)

// sentenceEnds are the marks after which a summary may be cut.
const sentenceEnds = "。！？!?"

// summarize shortens plain text to at most limit characters (each Chinese
// character, letter, digit or mark counts one; white space is folded),
// cutting after the last sentence end within the limit. Text with no
// sentence end in reach is cut at the limit and marked with "……".
func summarize(text string, limit int) string {
	text = foldSpace(text)
	runes := []rune(text)
	if len(runes) <= limit {
		return text
	}
	head := runes[:limit]
	for i := len(head) - 1; i >= 0; i-- {
		if strings.ContainsRune(sentenceEnds, head[i]) {
			// Keep a closing quote or bracket that ends the sentence with it.
			end := i + 1
			for end < len(runes) && end < limit+1 && strings.ContainsRune("”’」』）)", runes[end]) {
				end++
			}
			return string(runes[:end])
		}
	}
	return strings.TrimRightFunc(string(head), unicode.IsSpace) + "……"
}

// foldSpace turns runs of white space into one space, or into nothing
// between two Chinese characters (line breaks inside Chinese text).
func foldSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	pending := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			pending = b.Len() > 0
			continue
		}
		if pending && !(isWide(prev) && isWide(r)) {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// isWide reports whether r is a Chinese, Japanese or Korean character or a
// full-width mark, between which no space is written.
func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}
