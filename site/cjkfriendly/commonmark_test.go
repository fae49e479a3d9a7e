package cjkfriendly_test

import "testing"

// TestCommonMarkUnchanged checks a selection of the "Emphasis and strong
// emphasis" examples of the CommonMark 0.31.2 specification (numbers in the
// names); for text without CJK characters the amendment changes nothing.
// (Example 394 is left out: with extension.CJK, goldmark drops a soft line
// break that is followed by emphasis, with or without this package.)
func TestCommonMarkUnchanged(t *testing.T) {
	cases := []htmlCase{
		{"350", "*foo bar*", "<p><em>foo bar</em></p>\n", false},
		{"351", "a * foo bar*", "<p>a * foo bar*</p>\n", false},
		{"352", "a*\"foo\"*", "<p>a*&quot;foo&quot;*</p>\n", false},
		{"354", "*$*alpha.\n\n*£*bravo.\n\n*€*charlie.", "<p>*$*alpha.</p>\n<p>*£*bravo.</p>\n<p>*€*charlie.</p>\n", false},
		{"355", "foo*bar*", "<p>foo<em>bar</em></p>\n", false},
		{"356", "5*6*78", "<p>5<em>6</em>78</p>\n", false},
		{"359", "a_\"foo\"_", "<p>a_&quot;foo&quot;_</p>\n", false},
		{"360", "foo_bar_", "<p>foo_bar_</p>\n", false},
		{"362", "пристаням_стремятся_", "<p>пристаням_стремятся_</p>\n", false},
		{"363", "aa_\"bb\"_cc", "<p>aa_&quot;bb&quot;_cc</p>\n", false},
		{"364", "foo-_(bar)_", "<p>foo-<em>(bar)</em></p>\n", false},
		{"366", "*foo bar *", "<p>*foo bar *</p>\n", false},
		{"368", "*(*foo)", "<p>*(*foo)</p>\n", false},
		{"369", "*(*foo*)*", "<p><em>(<em>foo</em>)</em></p>\n", false},
		{"372", "_(_foo)", "<p>_(_foo)</p>\n", false},
		{"374", "_foo_bar", "<p>_foo_bar</p>\n", false},
		{"375", "_пристаням_стремятся", "<p>_пристаням_стремятся</p>\n", false},
		{"376", "_foo_bar_baz_", "<p><em>foo_bar_baz</em></p>\n", false},
		{"377", "_(bar)_.", "<p><em>(bar)</em>.</p>\n", false},
		{"380", "a**\"foo\"**", "<p>a**&quot;foo&quot;**</p>\n", false},
		{"381", "foo**bar**", "<p>foo<strong>bar</strong></p>\n", false},
		{"386", "foo__bar__", "<p>foo__bar__</p>\n", false},
		{"389", "__foo, __bar__, baz__", "<p><strong>foo, <strong>bar</strong>, baz</strong></p>\n", false},
		{"390", "foo-__(bar)__", "<p>foo-<strong>(bar)</strong></p>\n", false},
		{"392", "**(**foo)", "<p>**(**foo)</p>\n", false},
		{"393", "*(**foo**)*", "<p><em>(<strong>foo</strong>)</em></p>\n", false},
		{"405", "*foo\nbar*", "<p><em>foo\nbar</em></p>\n", false},
		{"395", "**foo \"*bar*\" foo**", "<p><strong>foo &quot;<em>bar</em>&quot; foo</strong></p>\n", false},
		{"398", "__(__foo)", "<p>__(__foo)</p>\n", false},
		{"400", "__foo__bar", "<p>__foo__bar</p>\n", false},
		{"401", "__пристаням__стремятся", "<p>__пристаням__стремятся</p>\n", false},
		{"402", "__foo__bar__baz__", "<p><strong>foo__bar__baz</strong></p>\n", false},
		{"408", "__foo_ bar_", "<p><em><em>foo</em> bar</em></p>\n", false},
		{"411", "*foo**bar**baz*", "<p><em>foo<strong>bar</strong>baz</em></p>\n", false},
		{"412", "*foo**bar*", "<p><em>foo**bar</em></p>\n", false},
		{"416", "foo***bar***baz", "<p>foo<em><strong>bar</strong></em>baz</p>\n", false},
		{"417", "foo******bar*********baz", "<p>foo<strong><strong><strong>bar</strong></strong></strong>***baz</p>\n", false},
		{"418", "*foo **bar *baz* bim** bop*", "<p><em>foo <strong>bar <em>baz</em> bim</strong> bop</em></p>\n", false},
		{"419", "*foo [*bar*](/url)*", "<p><em>foo <a href=\"/url\"><em>bar</em></a></em></p>\n", false},
		{"420", "** is not an empty emphasis", "<p>** is not an empty emphasis</p>\n", false},
		{"432", "**foo *bar **baz**\nbim* bop**", "<p><strong>foo <em>bar <strong>baz</strong>\nbim</em> bop</strong></p>\n", false},
		{"437", "foo *\\**", "<p>foo <em>*</em></p>\n", false},
		{"442", "**foo*", "<p>*<em>foo</em></p>\n", false},
		{"446", "**foo***", "<p><strong>foo</strong>*</p>\n", false},
		{"455", "_foo__", "<p><em>foo</em>_</p>\n", false},
		{"457", "____foo_", "<p>___<em>foo</em></p>\n", false},
		{"468", "_____foo_____", "<p><em><strong><strong>foo</strong></strong></em></p>\n", false},
		{"469", "*foo _bar* baz_", "<p><em>foo _bar</em> baz_</p>\n", false},
		{"471", "**foo **bar baz**", "<p>**foo <strong>bar baz</strong></p>\n", false},
		{"473", "*[bar*](/url)", "<p>*<a href=\"/url\">bar*</a></p>\n", false},
		{"478", "*a `*`*", "<p><em>a <code>*</code></em></p>\n", false},
		{"479", "_a `_`_", "<p><em>a <code>_</code></em></p>\n", false},
	}
	runCases(t, newCJKFriendly(), newStock(), cases)
}
