package cjkfriendly

import (
	"unicode/utf8"

	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// scanDelimiter is the CJK-friendly counterpart of parser.ScanDelimiter: it
// measures the run of proc's delimiter at the start of line and decides
// whether it can open and close using the amended flanking rules. It returns
// nil when line does not start with a delimiter of proc.
func scanDelimiter(line []byte, block text.Reader, proc parser.DelimiterProcessor) *parser.Delimiter {
	if len(line) == 0 || !proc.IsDelimiter(line[0]) {
		return nil
	}
	c := line[0]
	n := 1
	for n < len(line) && line[n] == c {
		n++
	}
	after := ' ' // the end of the line counts as whitespace
	if n < len(line) {
		after = util.ToRune(line, n)
	}
	before := precedingSide(block)
	canOpen, canClose := canOpenClose(c, before, classify(after))
	return parser.NewDelimiter(canOpen, canClose, n, c, proc)
}

// precedingSide classifies the character before the reader's position. The
// character itself comes from block.PrecendingCharacter, exactly as for
// goldmark's own parsers; the one before it is read from the source only
// when the former is a variation selector.
func precedingSide(block text.Reader) side {
	prev := block.PrecendingCharacter()
	return classifyPreceding(prev, func() (rune, bool) { return baseOfSelector(block, prev) })
}

// baseOfSelector returns the character before the variation selector vs that
// immediately precedes the reader's position, and false when the selector
// starts the line (the line start counts as whitespace).
func baseOfSelector(block text.Reader, vs rune) (rune, bool) {
	src := block.Source()
	_, pos := block.Position()
	if pos.Padding != 0 || pos.Start <= 0 || pos.Start > len(src) {
		return 0, false
	}
	r, size := utf8.DecodeLastRune(src[:pos.Start])
	// LineOffset counts columns from the line head; it is at least the byte
	// count, and equals size exactly when the selector starts the line.
	if r != vs || block.LineOffset() <= size {
		return 0, false
	}
	base, _ := utf8.DecodeLastRune(src[:pos.Start-size])
	return base, true
}
