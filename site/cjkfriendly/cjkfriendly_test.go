package cjkfriendly_test

import (
	"bytes"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/zhongmou/award/site/cjkfriendly"
)

// The specification referred to below is specification.md of
// github.com/tats-u/markdown-cjk-friendly; its test material lives in the
// testcases/ folder of that repository.

func newCJKFriendly() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM, extension.CJK, cjkfriendly.Extension))
}

func newStock() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM, extension.CJK))
}

func convert(t testing.TB, md goldmark.Markdown, src string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		t.Fatalf("Convert(%q): %v", src, err)
	}
	return buf.String()
}

// htmlCase is one conversion check. changed records whether stock goldmark
// renders the input differently, i.e. whether the amendment is what makes
// the expected output come out.
type htmlCase struct {
	name    string
	in      string
	want    string
	changed bool
}

func runCases(t *testing.T, md, stock goldmark.Markdown, cases []htmlCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := convert(t, md, tc.in)
			if got != tc.want {
				t.Errorf("input %q\n got: %q\nwant: %q", tc.in, got, tc.want)
			}
			if changed := convert(t, stock, tc.in) != tc.want; changed != tc.changed {
				t.Errorf("input %q: stock goldmark differs = %v, want %v", tc.in, changed, tc.changed)
			}
		})
	}
}

func TestCJKFriendlyEmphasis(t *testing.T) {
	cases := []htmlCase{
		// §6.2 right-flanking (2a): a closing run preceded by CJK punctuation
		// closes even when a letter follows.
		{"zh comma", "**真，**她", "<p><strong>真，</strong>她</p>\n", true},
		{"zh brackets", "**「刻舟求剑」**说", "<p><strong>「刻舟求剑」</strong>说</p>\n", true},
		{"zh full stop", "**真。**她", "<p><strong>真。</strong>她</p>\n", true},
		{"zh colon then latin", "**推荐几个框架：**React、Vue等前端框架。", "<p><strong>推荐几个框架：</strong>React、Vue等前端框架。</p>\n", true},
		{"ja full stop", "これは**私のやりたかったこと。**だからするの。", "<p>これは<strong>私のやりたかったこと。</strong>だからするの。</p>\n", true},
		{"ja parentheses", "カッコに注意**（太字にならない）**文が続く場合に要警戒。", "<p>カッコに注意<strong>（太字にならない）</strong>文が続く場合に要警戒。</p>\n", true},
		{"vertical ellipsis", "**さようなら︙**と太郎はいった。", "<p><strong>さようなら︙</strong>と太郎はいった。</p>\n", true},
		// §6.2 right-flanking (2bγ): preceded by non-CJK punctuation and
		// followed by a CJK character.
		{"zh curly quote", "**真“**她", "<p><strong>真“</strong>她</p>\n", true},
		{"zh hyphen", "**真-**她", "<p><strong>真-</strong>她</p>\n", true},
		{"ja ascii quotes", "太郎は**\"こんにちわ\"**といった", "<p>太郎は<strong>&quot;こんにちわ&quot;</strong>といった</p>\n", true},
		{"ja after hash", "**C#**や**F#**は**「.NET」**というプラットフォーム上で動作します。", "<p><strong>C#</strong>や<strong>F#</strong>は<strong>「.NET」</strong>というプラットフォーム上で動作します。</p>\n", true},
		{"ja after link", "**[製品ほげ](./product-foo)**と**[製品ふが](./product-bar)**をお試しください", "<p><strong><a href=\"./product-foo\">製品ほげ</a></strong>と<strong><a href=\"./product-bar\">製品ふが</a></strong>をお試しください</p>\n", true},
		// §6.2 left-flanking (2a): an opening run followed by CJK
		// punctuation opens even after a letter.
		{"zh open paren", "真**（她**", "<p>真<strong>（她</strong></p>\n", true},
		{"latin then zh paren", "Git**（注：不是GitHub）**", "<p>Git<strong>（注：不是GitHub）</strong></p>\n", true},
		{"dotnet then ja paren", ".NET**（.NET Frameworkは不可）**では、", "<p>.NET<strong>（.NET Frameworkは不可）</strong>では、</p>\n", true},
		// §6.2 left-flanking (2bγ): preceded by a CJK character and followed
		// by non-CJK punctuation.
		{"yen sign", "税込**¥10,000**で入手できます。", "<p>税込<strong>¥10,000</strong>で入手できます。</p>\n", true},
		{"ja code span", "先頭の**`コード`も注意。**", "<p>先頭の<strong><code>コード</code>も注意。</strong></p>\n", true},
		{"ja ascii parens", "ハイパーテキストコーヒーポット制御プロトコル**(HTCPCP)**", "<p>ハイパーテキストコーヒーポット制御プロトコル<strong>(HTCPCP)</strong></p>\n", true},
		{"katakana extension", "阿寒湖アイヌシアターイコㇿ**(Akanko Ainu Theater Ikor)**", "<p>阿寒湖アイヌシアターイコㇿ<strong>(Akanko Ainu Theater Ikor)</strong></p>\n", true},
		{"compatibility ideograph", "﨑**(崎)**", "<p>﨑<strong>(崎)</strong></p>\n", true},
		{"non-BMP ideograph", "𰻞𰻞**(ビャンビャン)**麺", "<p>𰻞𰻞<strong>(ビャンビャン)</strong>麺</p>\n", true},
		{"non-BMP ideograph fullwidth parens", "𰻞𰻞**（ビャンビャン）**麺", "<p>𰻞𰻞<strong>（ビャンビャン）</strong>麺</p>\n", true},
		{"hentaigana", "あ𛀙**(か)**よろし", "<p>あ𛀙<strong>(か)</strong>よろし</p>\n", true},
		// Cases CommonMark already handled stay the same.
		{"zh plain", "**真**她", "<p><strong>真</strong>她</p>\n", false},
		{"zh space after", "**真，** 她", "<p><strong>真，</strong> 她</p>\n", false},
		{"zh punct after", "**真**，她", "<p><strong>真</strong>，她</p>\n", false},
		{"zh zero width space", "**真，**&ZeroWidthSpace;她", "<p><strong>真，</strong>\u200b她</p>\n", false},
		{"ja latin", "太郎は**Hello**といった", "<p>太郎は<strong>Hello</strong>といった</p>\n", false},
		{"circled digit", "正解は**④**です。", "<p>正解は<strong>④</strong>です。</p>\n", false},
		// §2.1 CJK character: the Hangul script.
		{"ko parens", "**스크립트(script)**라고", "<p><strong>스크립트(script)</strong>라고</p>\n", true},
		{"ko hello", "**안녕(hello)**하세요.", "<p><strong>안녕(hello)</strong>하세요.</p>\n", true},
		{"ko code span", "패키지를 발행하려면 **`npm publish`**를 실행하십시오.", "<p>패키지를 발행하려면 <strong><code>npm publish</code></strong>를 실행하십시오.</p>\n", true},
		{"ko link", "**이 [링크](https://example.kr/)**만을 강조하고 싶다.", "<p><strong>이 <a href=\"https://example.kr/\">링크</a></strong>만을 강조하고 싶다.</p>\n", true},
		{"ko jamo vowel", "ᅡ**(a)**", "<p>ᅡ<strong>(a)</strong></p>\n", true},
		{"ko jamo consonant", "**(k)**ᄏ", "<p><strong>(k)</strong>ᄏ</p>\n", true},
		// §2.1 CJK character: wide symbols without default emoji
		// presentation count (implementers-tips.md), emoji do not.
		{"wavy dash", "a**〰**a", "<p>a<strong>〰</strong>a</p>\n", true},
		{"part alternation mark", "a**〽**a", "<p>a<strong>〽</strong>a</p>\n", true},
		{"squared katakana sa", "a**🈂**a", "<p>a<strong>🈂</strong>a</p>\n", true},
		{"circled ideograph secret", "a**㊙**a", "<p>a<strong>㊙</strong>a</p>\n", true},
		{"emoji is not CJK", "a**😀**a", "<p>a**😀**a</p>\n", false},
		{"emoji ideograph is not CJK", "a**🈚**a", "<p>a**🈚**a</p>\n", false},
		// Non-CJK punctuation keeps the CommonMark rules (testcases/non-bmp.md).
		{"guillemet", "a**a«**a", "<p>a**a«**a</p>\n", false},
		{"nabla", "a**∇a**a", "<p>a**∇a**a</p>\n", false},
		{"math bold nabla", "a**a𝜵**a", "<p>a**a𝜵**a</p>\n", false},
		{"avestan punctuation", "a**𐬻a**a", "<p>a**𐬻a**a</p>\n", false},
		// §2.1 sequences: a Non-emoji General-use Variation Selector before
		// a run is looked through to its base character.
		{"SVS after ideograph", "大塚\uFE00**(U+585A U+FE00)** 大塚**(U+FA10)**", "<p>大塚\uFE00<strong>(U+585A U+FE00)</strong> 大塚<strong>(U+FA10)</strong></p>\n", true},
		{"text selector after CJK symbol", "〽\uFE0E**(庵点)**は、", "<p>〽\uFE0E<strong>(庵点)</strong>は、</p>\n", true},
		{"SVS after CJK punctuation", "**日本語。\uFE00**English.", "<p><strong>日本語。\uFE00</strong>English.</p>\n", false},
		{"SVS after CJK punctuation opener", "日本語。\uFE00**(a)**", "<p>日本語。\uFE00<strong>(a)</strong></p>\n", true},
		// ... and a non-CJK punctuation sequence is punctuation, so this
		// closer is not right-flanking any more (§6.2 right-flanking 2b).
		{"SVS after non-CJK punctuation", "**a!\uFE00**b", "<p>**a!\uFE00**b</p>\n", true},
		// §2.1 CJK ambiguous punctuation sequence: a curly quote + U+FE01
		// is CJK punctuation, so the closer closes before a letter.
		{"fullwidth quote selector", "**“\uFE01Git”\uFE01**Hub", "<p><strong>“\uFE01Git”\uFE01</strong>Hub</p>\n", false},
		// After a run only the single next character counts: “ is non-CJK
		// punctuation there, so this opener does not open.
		{"fullwidth quote selector after run", "a**“\uFE01Git”\uFE01**Hub", "<p>a**“\uFE01Git”\uFE01**Hub</p>\n", false},
		{"fullwidth quote selector after CJK", "あ**“\uFE01Git”\uFE01**Hub", "<p>あ<strong>“\uFE01Git”\uFE01</strong>Hub</p>\n", true},
		// A selector at the start of a line (here right after a block quote
		// marker) has no base; the spec leaves this unspecified and it is
		// treated as an ordinary character, as in CommonMark.
		{"SVS at line start", "> 字\n>\uFE00**(a)**", "<blockquote>\n<p>字\n\uFE00**(a)**</p>\n</blockquote>\n", false},
		{"SVS at paragraph start", "\uFE00**(a)**", "<p>\uFE00**(a)**</p>\n", false},
		// The emoji presentation selector U+FE0F is not looked through.
		{"emoji selector", "❤\uFE0F**(a)**b", "<p>❤\uFE0F**(a)**b</p>\n", false},
		// §6.2 left-flanking (2bδ): an Ideographic Variation Selector.
		{"IVS", "葛\U000E0100**(こちらが正式表記)**城市", "<p>葛\U000E0100<strong>(こちらが正式表記)</strong>城市</p>\n", true},
		{"IVS inside", "「禰\U000E0100」の偏は示ではなく**礻**です。", "<p>「禰\U000E0100」の偏は示ではなく<strong>礻</strong>です。</p>\n", false},
		// Rules 2 and 6: "_" / "__" may open after a Unicode punctuation
		// sequence (testcases/underscore-cjk-punct.md).
		{"underscore strong before CJK colon", "__注意__：注意事項", "<p><strong>注意</strong>：注意事項</p>\n", false},
		{"underscore strong after CJK colon", "注意：__注意事項__", "<p>注意：<strong>注意事項</strong></p>\n", false},
		{"underscore after punct+SVS", "正體字。\uFE01_Traditional._", "<p>正體字。\uFE01<em>Traditional.</em></p>\n", true},
		{"double underscore after punct+SVS", "正體字。\uFE01__Hong Kong and Taiwan.__", "<p>正體字。\uFE01<strong>Hong Kong and Taiwan.</strong></p>\n", true},
		{"underscore after punct+FE00", "简体字 / 新字体。\uFE00_Simplified._", "<p>简体字 / 新字体。\uFE00<em>Simplified.</em></p>\n", true},
		{"underscore after fullwidth quote", "“\uFE01Git”\uFE01__Hub__", "<p>“\uFE01Git”\uFE01<strong>Hub</strong></p>\n", true},
		{"underscore intraword CJK", "日本_語_です", "<p>日本_語_です</p>\n", false},
		{"underscore CJK brackets", "「_注意_」です", "<p>「<em>注意</em>」です</p>\n", false},
		// Containers: the rules apply inside block quotes, lists and tables.
		{"block quote", "> **真，**她", "<blockquote>\n<p><strong>真，</strong>她</p>\n</blockquote>\n", true},
		{"list item", "- **「刻舟求剑」**说", "<ul>\n<li><strong>「刻舟求剑」</strong>说</li>\n</ul>\n", true},
		{"table cell", "| a |\n| - |\n| **真，**她 |", "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td><strong>真，</strong>她</td>\n</tr>\n</tbody>\n</table>\n", true},
		{"second line", "前文\n**真，**她", "<p>前文<strong>真，</strong>她</p>\n", true},
		{"gfm", "あ**()**あ", "<p>あ<strong>()</strong>あ</p>\n", true},
	}
	runCases(t, newCJKFriendly(), newStock(), cases)
}

func TestNewIsExtension(t *testing.T) {
	if cjkfriendly.New() != cjkfriendly.Extension {
		t.Fatal("New() must return Extension")
	}
	md := goldmark.New(goldmark.WithExtensions(cjkfriendly.New()))
	if got, want := convert(t, md, "**真，**她"), "<p><strong>真，</strong>她</p>\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
