package site

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// TestRenderedSummaryMatchesPlainText: the summary renderMarkdown keeps
// (folded as it is written, only as much as a summary can use) gives the
// page summary that folding and cutting the whole plain text of the same
// blocks gives (plainSummary), on random documents of paragraphs, tables,
// lists, headings and code, with and without <!--more-->.
func TestRenderedSummaryMatchesPlainText(t *testing.T) {
	md := NewMarkdown()
	words := []string{"质量", "管理", "。", "，", " ", "\n", "ab", "1月", "！", "”", "　"}
	rng := rand.New(rand.NewPCG(7, 8))
	para := func() string {
		var b strings.Builder
		b.WriteString("申报")
		for range rng.IntN(40) {
			b.WriteString(words[rng.IntN(len(words))])
		}
		return strings.TrimSpace(b.String())
	}
	for range 3000 {
		var doc strings.Builder
		for range 1 + rng.IntN(6) {
			switch rng.IntN(6) {
			case 0:
				doc.WriteString("| 时间 | 工作内容 |\n|---|---|\n| 1月 | " + para() + " |\n")
			case 1:
				doc.WriteString("- " + para() + "\n- " + para() + "\n")
			case 2:
				doc.WriteString("## " + para() + "\n")
			case 3:
				doc.WriteString("```\n" + para() + "\n```\n")
			case 4:
				doc.WriteString("<!--more-->\n")
			default:
				doc.WriteString(para() + "\n")
			}
			doc.WriteString("\n")
		}
		body := []byte(doc.String())
		chars := 3 + rng.IntN(40)
		mp := &markdownPage{page: &Page{Path: "/a/", File: "a.md"}, file: "a.md",
			resolve: func(string) (*Page, bool) { return nil, false }, relURL: func(s string) string { return s },
			lineOf: func(int) int { return 1 }}
		res, err := renderMarkdown(md, mp, body, chars)
		if err != nil {
			t.Fatal(err)
		}
		got := res.summary
		if !res.moreSet {
			got = cutSummary(res.summary, chars)
		}
		if want := plainSummary(md, body, chars); got != want {
			t.Fatalf("summary of %q (%d characters) = %q, want %q", body, chars, got, want)
		}
	}
}

// plainSummary writes the plain text of a body's blocks whole, until they
// pass 2×chars characters or reach <!--more-->, then folds it and, without
// a marker, cuts it.
func plainSummary(md goldmark.Markdown, body []byte, chars int) string {
	moreAt := bytes.Index(body, moreMarker)
	if moreAt >= 0 {
		body = bytes.Clone(body)
		copy(body[moreAt:], bytes.Repeat([]byte(" "), len(moreMarker)))
	}
	doc := md.Parser().Parse(text.NewReader(body))
	var plain strings.Builder
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if moreAt >= 0 && blockStart(n) >= moreAt {
			break
		}
		if n.Kind() == ast.KindHeading || n.Kind() == ast.KindFencedCodeBlock || n.Kind() == ast.KindCodeBlock {
			continue
		}
		if plain.Len() > 0 {
			plain.WriteByte('\n')
		}
		writePlainText(&plain, n, body)
		if moreAt < 0 && utf8.RuneCountInString(plain.String()) > 2*chars {
			break
		}
	}
	if moreAt >= 0 {
		return foldSpacePrefix(plain.String(), -1)
	}
	return summarize(plain.String(), chars)
}
