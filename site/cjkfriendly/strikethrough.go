package cjkfriendly

import (
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// strikethroughDelimiters matches '~' runs into GFM strikethrough nodes,
// like goldmark's extension.Strikethrough.
type strikethroughDelimiters struct{}

func (strikethroughDelimiters) IsDelimiter(b byte) bool { return b == '~' }

func (strikethroughDelimiters) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

func (strikethroughDelimiters) OnMatch(int) ast.Node { return east.NewStrikethrough() }

// strikethroughParser replaces goldmark's strikethrough parser. Apart from
// the flanking rules it accepts exactly what goldmark's does: runs of one or
// two tildes not preceded by a tilde.
type strikethroughParser struct{}

func (strikethroughParser) Trigger() []byte { return []byte{'~'} }

func (strikethroughParser) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	if block.PrecendingCharacter() == '~' {
		return nil
	}
	line, segment := block.PeekLine()
	d := scanDelimiter(line, block, strikethroughDelimiters{})
	if d == nil || d.OriginalLength > 2 {
		return nil
	}
	d.Segment = segment.WithStop(segment.Start + d.OriginalLength)
	block.Advance(d.OriginalLength)
	pc.PushDelimiter(d)
	return d
}
