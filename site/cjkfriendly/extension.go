package cjkfriendly

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

// Inline parsers run in ascending priority order. goldmark registers its
// emphasis parser (parser.DefaultInlineParsers) and its strikethrough parser
// (extension.Strikethrough) at 500; ours run just before them, so every
// other parser keeps its place relative to the delimiters.
const priority = 499

// Extension is a goldmark.Extender enabling CJK-friendly emphasis.
var Extension goldmark.Extender = emphasisExtender{}

// New returns the extender (same as Extension).
func New() goldmark.Extender { return Extension }

// Strikethrough is a goldmark.Extender enabling GFM strikethrough ("~~")
// with the CJK-friendly flanking rules. It includes goldmark's
// extension.Strikethrough (node kind and HTML renderer), so it can be used
// with or without extension.GFM.
var Strikethrough goldmark.Extender = strikethroughExtender{}

type emphasisExtender struct{}

func (emphasisExtender) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(emphasisParser{}, priority),
	))
}

type strikethroughExtender struct{}

func (strikethroughExtender) Extend(m goldmark.Markdown) {
	extension.Strikethrough.Extend(m)
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(strikethroughParser{}, priority),
	))
}
