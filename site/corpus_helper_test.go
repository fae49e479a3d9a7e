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
func repoContent(t testing.TB) fstest.MapFS { return treeCopy(t, "../content") }

// treeCopy is a copy in memory of the files under dir, for a test to edit.
func treeCopy(t testing.TB, dir string) fstest.MapFS {
	t.Helper()
	tree := fstest.MapFS{}
	fsys := os.DirFS(dir)
	if err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		tree[p] = &fstest.MapFile{Data: b}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return tree
}

// benchConfig is the benchmark site's configuration (bench/site.yaml).
func benchConfig(t testing.TB) Config { return configFile(t, "../bench/site.yaml") }

// configFile parses the site configuration at path.
func configFile(t testing.TB, path string) Config {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(text)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
