package site

// This file is the only one that knows goldmark: the Markdown dialect, heading
// anchors, link rewriting and checking hooks, and raw-HTML escaping.

import (
	"bytes"
	"html/template"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/zhongmou/award/site/cjkfriendly"
)

// NewMarkdown returns the site's Markdown dialect: CommonMark with GFM tables,
// strikethrough, task lists and autolinks, footnotes, definition lists, the
// CJK extension (no spaces from line breaks between Chinese characters),
// CJK-friendly emphasis and strikethrough (`~~删除，~~文字` is struck through
// as `**真，**她` is bold: GFM's flanking rules alone leave it literal next
// to Chinese punctuation), typography for Chinese text, heading anchors, and
// raw HTML shown as text rather than passed through.
func NewMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.Footnote,
			extension.DefinitionList,
			extension.CJK,
			cjkfriendly.Extension,
			cjkfriendly.Strikethrough,
			extension.NewTypographer(extension.WithTypographicSubstitutions(chineseTypography)),
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithAttribute(),
			parser.WithASTTransformers(util.Prioritized(linkTransformer{}, 100)),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(escapedHTMLRenderer{}, 100)),
		),
	)
}

// chineseTypography keeps straight quotes as written (curly-quote guessing
// misfires next to Chinese text, which brings its own “” and ‘’), turns << >>
// into book-title marks and ... into an ellipsis.
var chineseTypography = map[extension.TypographicPunctuation][]byte{
	extension.LeftSingleQuote:  nil,
	extension.RightSingleQuote: nil,
	extension.LeftDoubleQuote:  nil,
	extension.RightDoubleQuote: nil,
	extension.Apostrophe:       nil,
	extension.LeftAngleQuote:   []byte("《"),
	extension.RightAngleQuote:  []byte("》"),
	extension.Ellipsis:         []byte("…"),
	extension.EnDash:           []byte("–"),
	extension.EmDash:           []byte("—"),
}

// markdownPage is what the parser needs to know of the page being rendered,
// and what it learns about it.
type markdownPage struct {
	page     *Page
	resolve  func(contentFile string) (*Page, bool) // content path → page
	relURL   func(string) string                    // site path → path with base
	links    []pageLink
	probs    []*Problem
	headings []Heading
	file     string // for messages
	lineOf   func(offset int) int
}

var markdownPageKey = parser.NewContextKey()

// markdownResult is the rendered body and what was learnt from it.
type markdownResult struct {
	html     string
	headings []Heading
	summary  string // folded plain text before <!--more-->, or the start of the first text (see renderMarkdown)
	moreSet  bool   // the body has a <!--more--> marker
	links    []pageLink
	probs    []*Problem
}

var moreMarker = []byte("<!--more-->")

// renderMarkdown renders p's body. summaryChars bounds the plain text kept
// for an automatic summary.
func renderMarkdown(md goldmark.Markdown, mp *markdownPage, body []byte, summaryChars int) (markdownResult, error) {
	var res markdownResult
	moreAt := -1
	if i := bytes.Index(body, moreMarker); i >= 0 {
		moreAt = i
		body = bytes.Clone(body)
		copy(body[i:], bytes.Repeat([]byte(" "), len(moreMarker)))
		res.moreSet = true
	}
	ctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	ctx.Set(markdownPageKey, mp)
	doc := md.Parser().Parse(text.NewReader(body), parser.WithContext(ctx))

	buf := bodyScratch.get(len(body) + len(body)/2)
	defer func() { bodyScratch.put(buf.Bytes()) }()
	if err := md.Renderer().Render(bodyWriter{buf}, body, doc); err != nil {
		return res, err
	}
	res.html = buf.String()
	res.links, res.probs, res.headings = mp.links, mp.probs, mp.headings

	// Blocks are taken until their plain text passes 2×summaryChars
	// characters, or up to <!--more-->; sum keeps only what the summary
	// can use of their folded text: summaryChars+1 characters without a
	// marker (cutSummary then cuts it), all of it with one.
	limit, keep := summaryChars*2, summaryChars+1
	if moreAt >= 0 {
		limit, keep = -1, -1
	}
	sum := newSpaceFolder(len(body), keep)
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if moreAt >= 0 && blockStart(n) >= moreAt {
			limit = 0
		}
		if limit != 0 && n.Kind() != ast.KindHeading && n.Kind() != ast.KindFencedCodeBlock && n.Kind() != ast.KindCodeBlock {
			if _, written := sum.Raw(); written > 0 {
				sum.WriteByte('\n')
			}
			writePlainText(sum, n, body)
			if runes, _ := sum.Raw(); limit > 0 && runes > limit {
				limit = 0
			}
		}
	}
	res.summary = sum.String()
	return res, nil
}

func headingOf(h *ast.Heading, src []byte) Heading {
	var t strings.Builder
	writePlainText(&t, h, src)
	id := ""
	if v, ok := h.AttributeString("id"); ok {
		if b, ok := v.([]byte); ok {
			id = string(b)
		}
	}
	return Heading{Level: h.Level, Text: t.String(), ID: id}
}

// blockStart is the source offset at which a block begins, or -1.
func blockStart(n ast.Node) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if s := blockStart(c); s >= 0 {
			return s
		}
	}
	return -1
}

// textWriter is where writePlainText writes: a strings.Builder, or the
// spaceFolder of a summary.
type textWriter interface {
	Write(p []byte) (int, error)
	WriteByte(c byte) error
}

// writePlainText writes the text of n and its descendants. Each write ends
// on a character boundary (goldmark's text segments split at Markdown's
// ASCII marks and at line ends).
func writePlainText(w textWriter, n ast.Node, src []byte) {
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if c.Type() == ast.TypeBlock && c != n && c.NextSibling() != nil {
				w.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			w.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				w.WriteByte('\n')
			}
		case *ast.String:
			w.Write(t.Value)
		case *ast.AutoLink:
			w.Write(t.Label(src))
		case *ast.RawHTML, *ast.HTMLBlock, *ast.Image:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// linkTransformer rewrites internal link destinations to carry the site's
// base path (and .md references to page URLs), and records them for
// checking; in the same walk it collects the headings with their anchors.
type linkTransformer struct{}

func (linkTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	mp, _ := pc.Get(markdownPageKey).(*markdownPage)
	if mp == nil {
		return
	}
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Heading:
			mp.headings = append(mp.headings, headingOf(l, src))
		case *ast.Link:
			l.Destination = mp.rewrite(l.Destination, nodeOffset(l, src))
		case *ast.Image:
			l.Destination = mp.rewrite(l.Destination, nodeOffset(l, src))
		}
		return ast.WalkContinue, nil
	})
}

// rewrite resolves one link destination; see linkTransformer.
func (mp *markdownPage) rewrite(dest []byte, offset int) []byte {
	d := string(dest)
	if d == "" || isExternal(d) {
		return dest
	}
	line := mp.lineOf(offset)
	p, frag, _ := strings.Cut(d, "#")
	p, query, hasQuery := strings.Cut(p, "?")
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	if up, err := url.PathUnescape(p); err == nil {
		p = up
	}
	var target string
	out := d
	switch {
	case p == "":
		target = mp.page.Path
	case strings.HasSuffix(p, ".md"):
		file := strings.TrimPrefix(p, "/")
		if !strings.HasPrefix(p, "/") {
			file = path.Join(path.Dir(mp.page.File), p)
		}
		tp, ok := mp.resolve(file)
		if !ok {
			mp.probs = append(mp.probs, &Problem{File: mp.file, Line: line,
				Msg: "链接 " + strconv.Quote(d) + " 无效：内容文件 " + strconv.Quote(file) + " 不存在或未发布（草稿、未到发布时间或已过期）"})
			return dest
		}
		target = tp.Path
		out = mp.relURL(target)
		if hasQuery {
			out += "?" + query
		}
		if frag != "" {
			out += "#" + frag
		}
	case strings.HasPrefix(p, "/"):
		target = p
		out = mp.relURL(strings.TrimPrefix(d, "/"))
	default:
		target = path.Join(mp.page.Path, p)
		if strings.HasSuffix(p, "/") {
			target += "/"
		}
	}
	mp.links = append(mp.links, pageLink{dest: d, target: target, frag: frag, line: line})
	return []byte(out)
}

// nodeOffset is the source offset of an inline node: that of its first text,
// else of the block holding it.
func nodeOffset(n ast.Node, src []byte) int {
	var off = -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off >= 0 {
		return off
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return p.Lines().At(0).Start
		}
	}
	return 0
}

// headingIDs makes anchors from heading text: letters (Chinese included) and
// digits kept, ASCII lowercased, spaces and dashes folded into "-", other
// punctuation dropped; repeats get "-1", "-2"… So "第十三条" → "第十三条",
// "二、起草政策法规依据" → "二起草政策法规依据", "GB/T 19580" → "gbt-19580".
type headingIDs struct {
	used map[string]bool
}

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}} }

func (s *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	base := Slugify(string(value))
	if base == "" {
		base = "section"
	}
	id := base
	for n := 1; s.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	s.used[id] = true
	return []byte(id)
}

func (s *headingIDs) Put(value []byte) { s.used[string(value)] = true }

// Slugify makes an anchor from text the way heading IDs are made.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteRune(unicode.ToLower(r))
			dash = false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
			dash = false
		case r == ' ' || r == '-' || r == '_' || r == '\t' || r == '\u3000':
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// escapedHTMLRenderer shows raw HTML in Markdown as text: content is written
// by clerks, and markup in it must never reach a citizen's browser as code.
type escapedHTMLRenderer struct{}

func (escapedHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderEscapedInline)
	reg.Register(ast.KindHTMLBlock, renderEscapedBlock)
}

func renderEscapedInline(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		segs := n.(*ast.RawHTML).Segments
		for i := 0; i < segs.Len(); i++ {
			seg := segs.At(i)
			template.HTMLEscape(w, seg.Value(src))
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderEscapedBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	b := n.(*ast.HTMLBlock)
	var raw bytes.Buffer
	for i := 0; i < b.Lines().Len(); i++ {
		seg := b.Lines().At(i)
		raw.Write(seg.Value(src))
	}
	if b.HasClosure() {
		raw.Write(b.ClosureLine.Value(src))
	}
	text := bytes.TrimSpace(raw.Bytes())
	if len(text) == 0 {
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString("<p>")
	template.HTMLEscape(w, text)
	_, _ = w.WriteString("</p>\n")
	return ast.WalkSkipChildren, nil
}
