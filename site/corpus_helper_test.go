package site

import (
	"testing/fstest"

	"github.com/zhongmou/award/bench/corpus"
)

// corpusFS is a generated corpus of n pages as a content tree.
func corpusFS(n int, seed int64) fstest.MapFS {
	content := fstest.MapFS{}
	for _, f := range corpus.Generate(n, seed) {
		content[f.Path] = &fstest.MapFile{Data: f.Data}
	}
	return content
}
