package site

import (
	"io/fs"
	"os"
	"testing"
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

// repoContent is a copy of the repository's content/ in memory, for a test
// to add pages to.
func repoContent(t testing.TB) fstest.MapFS {
	t.Helper()
	content := fstest.MapFS{}
	dir := os.DirFS("../content")
	if err := fs.WalkDir(dir, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(dir, p)
		content[p] = &fstest.MapFile{Data: b}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return content
}
