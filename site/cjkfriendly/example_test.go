package cjkfriendly_test

import (
	"os"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/zhongmou/award/site/cjkfriendly"
)

func Example() {
	md := goldmark.New(goldmark.WithExtensions(
		extension.GFM, extension.CJK, cjkfriendly.Extension, cjkfriendly.Strikethrough))
	if err := md.Convert([]byte("**真，**她说**「刻舟求剑」**。~~（旧）~~新"), os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// <p><strong>真，</strong>她说<strong>「刻舟求剑」</strong>。<del>（旧）</del>新</p>
}
