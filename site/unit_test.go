package site

import (
	"bytes"
	"encoding/xml"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestSlugify(t *testing.T) {
	cases := map[string]string{
		"第十三条":               "第十三条",
		"第十三条 申报条件":          "第十三条-申报条件",
		"二、起草政策法规依据":         "二起草政策法规依据",
		"（一）主导思想有所修改。":       "一主导思想有所修改",
		"GB/T 19580 卓越绩效":    "gbt-19580-卓越绩效",
		"  Hello  World  ":   "hello-world",
		"“小巨人”企业":            "小巨人企业",
		"!!!":                "",
		"第一条\u3000总则":        "第一条-总则",
		"Ärger_und-Freude 2": "Ärger-und-freude-2",
	}
	for in, want := range cases {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTermSlug(t *testing.T) {
	cases := map[string]string{
		"质量管理":        "质量管理",
		"  质量管理 ":     "质量管理",
		"GB/T 19580":  "gb-t-19580",
		"ISO 9001?#1": "iso-9001--1",
		"a\\b":        "a-b",
		"品质\xff":      "品质\ufffd",
	}
	for in, want := range cases {
		if got := termSlug(in); got != want {
			t.Errorf("termSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

// summarize is how a page's summary is made from its whole plain text:
// folded to limit+1 characters, then cut (renderMarkdown folds as it
// writes instead).
func summarize(text string, limit int) string {
	return cutSummary(foldSpacePrefix(text, limit+1), limit)
}

// foldSpacePrefix is the first max characters of s folded, all of it when
// max < 0: a spaceFolder given s whole.
func foldSpacePrefix(s string, max int) string {
	f := newSpaceFolder(len(s), max)
	f.Write([]byte(s))
	return f.String()
}

func TestSummarize(t *testing.T) {
	cases := []struct {
		in    string
		limit int
		want  string
	}{
		{"短文本。", 10, "短文本。"},
		{"第一句。第二句很长很长很长。", 8, "第一句。"},
		{"他说：“好。”然后离开了这里很久很久。", 8, "他说：“好。”"},
		{"没有句号的很长一段文字内容", 6, "没有句号的很……"},
		{"第一行\n第二行。", 20, "第一行第二行。"},
		{"English words\nand more.", 40, "English words and more."},
		{"问题？回答！结束。", 6, "问题？回答！"},
	}
	for _, c := range cases {
		if got := summarize(c.in, c.limit); got != c.want {
			t.Errorf("summarize(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
		}
	}
}

// TestSummarizeMatchesRunes: summarize, which works on bytes, cuts where
// summarizeRunes, written plainly on characters, does, on random texts of
// sentence ends, closing marks, spaces, Chinese, Latin and bad bytes.
func TestSummarizeMatchesRunes(t *testing.T) {
	parts := []string{"。", "！", "？", "!", "?", "”", "’", "」", "）", ")", " ", "\n", "质", "量", "a", "b", "\xff", "\xe3\x80", "  ", "\t", "，"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		limit := rng.IntN(12)
		if got, want := summarize(b.String(), limit), summarizeRunes(b.String(), limit); got != want {
			t.Fatalf("summarize(%q, %d) = %q, want %q", b.String(), limit, got, want)
		}
	}
}

// summarizeRunes is summarize on a slice of characters.
func summarizeRunes(text string, limit int) string {
	runes := []rune(foldSpaceRunes(text))
	if len(runes) <= limit {
		return string(runes)
	}
	for i := limit - 1; i >= 0; i-- {
		if strings.ContainsRune(sentenceEnds, runes[i]) {
			end := i + 1
			for end <= limit && strings.ContainsRune(sentenceClosers, runes[end]) {
				end++
			}
			return string(runes[:end])
		}
	}
	return strings.TrimRightFunc(string(runes[:limit]), unicode.IsSpace) + "……"
}

func TestParseDate(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cases := []struct {
		in   string
		want time.Time
	}{
		{"2026-11-20", time.Date(2026, 11, 20, 0, 0, 0, 0, sh)},
		{"2026-11-20T09:30:00", time.Date(2026, 11, 20, 9, 30, 0, 0, sh)},
		{"2026-11-20 09:30", time.Date(2026, 11, 20, 9, 30, 0, 0, sh)},
		{"2026-11-20T01:00:00Z", time.Date(2026, 11, 20, 9, 0, 0, 0, sh)},
		{"2026-11-20T09:00:00+08:00", time.Date(2026, 11, 20, 9, 0, 0, 0, sh)},
		{"", time.Time{}},
	}
	for _, c := range cases {
		got, err := ParseDate(c.in, sh)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("ParseDate(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"2026-02-30", "20/11/2026", "明天"} {
		if _, err := ParseDate(bad, sh); err == nil {
			t.Errorf("ParseDate(%q) succeeded; want an error", bad)
		}
	}
}

func TestSplitFrontMatter(t *testing.T) {
	cases := []struct {
		src, fm, body string
		line          int
	}{
		{"---\ntitle: a\n---\nbody\n", "title: a\n", "body\n", 4},
		{"\ufeff---\r\ntitle: a\r\n---\r\nbody", "title: a\r\n", "body", 4},
		{"no front matter\n", "", "no front matter\n", 1},
		{"---\n---\n", "", "", 3},
		{"---\ntitle: a\n---", "title: a\n", "", 4},
	}
	for _, c := range cases {
		fm, body, line, err := splitFrontMatter([]byte(c.src))
		if err != nil {
			t.Errorf("split(%q): %v", c.src, err)
			continue
		}
		if string(fm) != c.fm || string(body) != c.body || line != c.line {
			t.Errorf("split(%q) = %q, %q, %d; want %q, %q, %d", c.src, fm, body, line, c.fm, c.body, c.line)
		}
	}
	if _, _, _, err := splitFrontMatter([]byte("---\ntitle: a\n")); err == nil {
		t.Error("unclosed front matter accepted")
	}
}

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig([]byte("baseURL: https://www.zhongmou.gov.cn/zlj\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BasePath() != "/zlj/" || cfg.RelURL("/policy/") != "/zlj/policy/" || cfg.AbsURL("/a/") != "https://www.zhongmou.gov.cn/zlj/a/" {
		t.Errorf("base path %q, relURL %q, absURL %q", cfg.BasePath(), cfg.RelURL("/policy/"), cfg.AbsURL("/a/"))
	}
	if cfg.Location().String() != "Asia/Shanghai" || cfg.Paginate != 10 {
		t.Errorf("defaults not applied: %v %d", cfg.Location(), cfg.Paginate)
	}
	for _, bad := range []string{"tittle: x\n", "baseURL: /relative/\n", "timeZone: Mars/Olympus\n", "paginate: 0\n"} {
		if _, err := ParseConfig([]byte(bad)); err == nil {
			t.Errorf("ParseConfig(%q) succeeded; want an error", bad)
		}
	}
	if _, err := ParseConfig([]byte("tittle: x\n")); err == nil || !strings.Contains(err.Error(), "tittle") {
		t.Errorf("misspelt key not named: %v", err)
	}
}

func TestIsExternal(t *testing.T) {
	for link, want := range map[string]bool{
		"https://www.gov.cn/": true, "mailto:a@b.cn": true, "tel:0371": true, "//cdn.example/x": true,
		"/policy/": false, "../a/": false, "measures.md#第一条": false, "#frag": false, "a:b/c": true, "第一条:x": false,
	} {
		if got := isExternal(link); got != want {
			t.Errorf("isExternal(%q) = %v, want %v", link, got, want)
		}
	}
}

// TestFoldSpacePrefix: foldSpacePrefix(s, n) is the first n characters of
// foldSpacePrefix(s, -1), and that is foldSpaceRunes, on texts mixing spaces,
// line breaks, Chinese, Latin and bytes that are not UTF-8.
func TestFoldSpacePrefix(t *testing.T) {
	alphabet := []string{" ", "\n", "\t", "中", "文", "a", "B", "。", "”", "１", "　", "\xff", "\xe4\xb8"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 4000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		if got, want := foldSpacePrefix(s, -1), foldSpaceRunes(s); got != want {
			t.Fatalf("foldSpacePrefix(%q, -1) = %q, want %q", s, got, want)
		}
		full := []rune(foldSpacePrefix(s, -1))
		for n := 0; n <= len(full)+2; n++ {
			want := string(full[:min(n, len(full))])
			if got := foldSpacePrefix(s, n); got != want {
				t.Fatalf("foldSpacePrefix(%q, %d) = %q, want %q", s, n, got, want)
			}
		}
	}
}

// TestSpaceFolderPieces: text written to a spaceFolder in pieces, cut
// between characters, folds as the whole text does, and Raw counts all of
// it.
func TestSpaceFolderPieces(t *testing.T) {
	alphabet := []string{" ", "\n", "中", "文", "a", "。", "　", "\xff"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 4000 {
		var pieces []string
		for range rng.IntN(12) {
			var b strings.Builder
			for range rng.IntN(4) {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
			pieces = append(pieces, b.String())
		}
		whole := strings.Join(pieces, "")
		max := rng.IntN(12) - 1
		f := newSpaceFolder(0, max)
		for _, p := range pieces {
			f.Write([]byte(p))
		}
		if got, want := f.String(), foldSpacePrefix(whole, max); got != want {
			t.Fatalf("pieces %q, max %d: folded %q, want %q", pieces, max, got, want)
		}
		if chars, n := f.Raw(); chars != utf8.RuneCountInString(whole) || n != len(whole) {
			t.Fatalf("pieces %q: Raw() = %d, %d; want %d, %d", pieces, chars, n, utf8.RuneCountInString(whole), len(whole))
		}
	}
}

// foldSpaceRunes is the folding written plainly, one character at a time.
func foldSpaceRunes(s string) string {
	var b strings.Builder
	var prev rune
	pending := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			pending = b.Len() > 0
			continue
		}
		if pending && !(wideByTables(prev) && wideByTables(r)) {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// TestSpaceAndWideRunes: isSpace and isWide, which decide the common runes
// without tables, agree with unicode.IsSpace and the script tables on
// every rune.
func TestSpaceAndWideRunes(t *testing.T) {
	for r := rune(-1); r <= unicode.MaxRune+1; r++ {
		if got, want := isSpace(r), unicode.IsSpace(r); got != want {
			t.Fatalf("isSpace(%U) = %v, want %v", r, got, want)
		}
		if got, want := isWide(r), wideByTables(r); got != want {
			t.Fatalf("isWide(%U) = %v, want %v", r, got, want)
		}
	}
}

// TestXMLVerbatim: where xmlVerbatim is true, xml.EscapeText leaves the
// text as it is; and it is true wherever EscapeText leaves it, but for a
// literal U+FFFD (which it cannot tell from invalid UTF-8 cheaply).
func TestXMLVerbatim(t *testing.T) {
	for _, s := range []string{
		"https://example.org/notices/中文/", "a&b", "<", ">", `"`, "'", "\t", "\n", "\r", "\x01", "\x7f",
		"\xff", "a\u00a0b", "\ufffd", "\ufffe", "\U0001f600", "\ud7ff", "\ue000", "%E4%B8%AD", "",
	} {
		var buf bytes.Buffer
		if err := xml.EscapeText(&buf, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if want := buf.String() == s && s != "\ufffd"; xmlVerbatim(s) != want {
			t.Errorf("xmlVerbatim(%q) = %v, want %v", s, !want, want)
		}
	}
}
