package site

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentenceEnds are the marks after which a summary may be cut.
const sentenceEnds = "。！？!?"

// sentenceClosers are the marks kept after a sentence end that a summary
// is cut after.
const sentenceClosers = "”’」』）)"

// cutSummary shortens folded plain text (a spaceFolder's, which keeps
// limit+1 characters: the cut, and a closing mark just after it) to at most
// limit characters, each Chinese character, letter, digit or mark counting
// one, cutting after the last sentence end within the limit. Text with no
// sentence end in reach is cut at the limit and marked with "……".
func cutSummary(text string, limit int) string {
	head := text[:runeOffset(text, limit)] // the first limit characters
	if len(head) == len(text) {
		return text
	}
	if end := lastSentenceEnd(head); end >= 0 {
		// Keep a closing quote or bracket that ends the sentence with it:
		// text holds at most one character after head.
		for end < len(text) {
			c, size := utf8.DecodeRuneInString(text[end:])
			if !strings.ContainsRune(sentenceClosers, c) {
				break
			}
			end += size
		}
		return text[:end]
	}
	return strings.TrimRightFunc(head, unicode.IsSpace) + "……"
}

// runeOffset is the byte offset in s, which is UTF-8, after its first n
// characters, or len(s).
func runeOffset(s string, n int) int {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		switch c := s[i]; {
		case c < 0xc0:
			i++
		case c < 0xe0:
			i += 2
		case c < 0xf0:
			i += 3
		default:
			i += 4
		}
	}
	return min(i, len(s))
}

// lastSentenceEnd is the byte offset just after the last of sentenceEnds
// in s, or -1. It looks at bytes: each mark's last byte, then the bytes
// before it.
func lastSentenceEnd(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case '!', '?':
			return i + 1
		case "。"[2], "！"[2], "？"[2]:
			if i >= 2 && strings.Contains(sentenceEnds, s[i-2:i+1]) {
				return i + 1
			}
		}
	}
	return -1
}

// spaceFolder keeps the first max characters (all when max < 0) of what
// is written to it with white space folded: a run of it becomes one space,
// or nothing between two Chinese characters (line breaks inside Chinese
// text), and none is kept at the start. It counts every character written
// (Raw), kept or not. Runs of characters are copied whole; a byte that is
// not UTF-8 becomes U+FFFD. Each write must end on a character boundary.
type spaceFolder struct {
	b       strings.Builder
	max     int
	n       int  // characters kept
	raw     int  // characters written
	rawLen  int  // bytes written
	prev    rune // the last character kept
	pending bool // white space seen after it
}

// newSpaceFolder returns a spaceFolder for about size bytes of text.
func newSpaceFolder(size, max int) *spaceFolder {
	f := &spaceFolder{max: max}
	if max >= 0 && max*utf8.UTFMax < size {
		size = max * utf8.UTFMax
	}
	f.b.Grow(size)
	return f
}

// String returns the folded text kept.
func (f *spaceFolder) String() string { return f.b.String() }

// Raw returns how many characters and bytes were written.
func (f *spaceFolder) Raw() (chars, bytes int) { return f.raw, f.rawLen }

// Write implements io.Writer; it never fails.
func (f *spaceFolder) Write(p []byte) (int, error) {
	f.raw += utf8.RuneCount(p)
	f.rawLen += len(p)
	if f.n != f.max {
		f.fold(p)
	}
	return len(p), nil
}

// WriteByte is Write of one byte.
func (f *spaceFolder) WriteByte(c byte) error {
	b := [1]byte{c}
	_, err := f.Write(b[:])
	return err
}

// fold keeps the folded characters of s until max are kept.
func (f *spaceFolder) fold(s []byte) {
	from := 0 // where the run not yet copied starts
	i := 0
	for ; i < len(s) && f.n != f.max; f.n++ {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(s[i:])
		}
		if isSpace(r) {
			f.b.Write(s[from:i])
			f.pending = f.b.Len() > 0
			i += size
			from = i
			f.n--
			continue
		}
		if f.pending && !(isWide(f.prev) && isWide(r)) {
			f.b.Write(s[from:i])
			from = i
			f.b.WriteByte(' ')
			if f.n++; f.n == f.max {
				break
			}
		}
		f.pending = false
		if r == utf8.RuneError && size == 1 {
			f.b.Write(s[from:i])
			f.b.WriteRune(r)
			from = i + 1
		}
		i += size
		f.prev = r
	}
	f.b.Write(s[from:i])
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
