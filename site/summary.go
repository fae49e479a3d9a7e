package site

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentenceEnds are the marks after which a summary may be cut.
const sentenceEnds = "。！？!?"

// summarize shortens plain text to at most limit characters (each Chinese
// character, letter, digit or mark counts one; white space is folded),
// cutting after the last sentence end within the limit. Text with no
// sentence end in reach is cut at the limit and marked with "……".
func summarize(text string, limit int) string {
	// Only the first limit+1 characters matter: the cut, and a closing mark
	// just after it.
	text = foldSpacePrefix(text, limit+1)
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
func foldSpace(s string) string { return foldSpacePrefix(s, -1) }

// foldSpacePrefix returns the first max characters of foldSpace(s), or all
// of it when max < 0.
func foldSpacePrefix(s string, max int) string {
	var b strings.Builder
	if max >= 0 && max*utf8.UTFMax < len(s) {
		b.Grow(max * utf8.UTFMax)
	} else {
		b.Grow(len(s))
	}
	var prev rune
	pending := false
	n := 0
	for _, r := range s {
		if n == max {
			break
		}
		if isSpace(r) {
			pending = b.Len() > 0
			continue
		}
		if pending && !(isWide(prev) && isWide(r)) {
			b.WriteByte(' ')
			if n++; n == max {
				break
			}
		}
		pending = false
		b.WriteRune(r)
		n++
		prev = r
	}
	return b.String()
}

// isSpace is unicode.IsSpace, deciding without its table the characters
// above U+3000, none of which is white space (Chinese text is all there).
func isSpace(r rune) bool { return r <= 0x3000 && unicode.IsSpace(r) }

// isWide reports whether r is a Chinese, Japanese or Korean character or a
// full-width mark, between which no space is written. The commonest runes
// are decided without the tables (wideByTables): none below U+1100 is
// wide, every unified ideograph (U+4E00–U+9FFF) is.
func isWide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r >= 0x4e00 && r <= 0x9fff:
		return true
	}
	return wideByTables(r)
}

// wideByTables is isWide by Unicode's script tables.
func wideByTables(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}
