package site

import (
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// yamlFrontMatter is what the YAML decoder makes of data, as
// parseFrontMatter reads it.
func yamlFrontMatter(data []byte) (frontMatter, error) {
	var fm frontMatter
	err := yaml.Unmarshal(data, &fm)
	return fm, err
}

// checkPlain holds plainFrontMatter to the YAML decoder: whatever it
// decodes, YAML decodes alike, with no key left over.
func checkPlain(t *testing.T, data []byte) bool {
	t.Helper()
	got, ok := plainFrontMatter(data)
	if !ok {
		return false
	}
	want, err := yamlFrontMatter(data)
	if err != nil {
		t.Fatalf("plainFrontMatter decoded %q, which YAML refuses: %v", data, err)
	}
	if len(want.Other) == 0 {
		want.Other = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("front matter %q:\nplain %#v\nYAML  %#v", data, got, want)
	}
	return true
}

var plainSeeds = []string{
	"title: \"关于做好质量月活动的通知\"\ndate: 2026-08-29T12:22:00\ntags:\n  - 质量诚信\n  - 小微企业\n",
	"title: 中牟县县长质量奖管理办法\ndate: 2026-01-05\nweight: 1\ndraft: false\n",
	"title: 'x'\nslug: about\nsummary: 本站简介。\ntype: call\nlayout: form\nlastmod: 2026-03-01T09:00\n",
	"aliases:\n- /old/\n- /older/\ntitle: 甲\n",
	"title: \"\"\n",
	"publishDate: 2026-12-01T08:00:00\nexpiryDate: 2027-01-01\ndraft: true\n\n",
	// Left to YAML (or decoded alike, if ever taken):
	"title: yes\n", "title: null\n", "title: 12\n", "title: 2026-08-29 12:22:00\n", "title: 1.5\n",
	"title: a: b\n", "title: a #b\n", "title: \"a\\nb\"\n", "title: 'it''s'\n", "title:\n", "title:x\n",
	"tags: [a, b]\n", "tags:\n  - a\n   - b\n", "tags:\n  - a\n  b\n", "tags:\n", "tags:\n  -\n",
	"weight: 012\n", "weight: -1\n", "weight: +1\n", "weight: 1e3\n", "draft: yes\n", "draft: True\n",
	"title: a\ntitle: b\n", "Title: a\n", "params:\n  a: 1\n", "other: 1\n", "# comment\ntitle: a\n",
	" title: a\n", "title: a\r\n", "title: \ta\n", "title: a\u2028b\n", "title: a\u0085b\n", "title: \ufeffa\n",
	"title: &a x\n", "title: *a\n", "title: !!str 1\n", "title: |\n  a\n", "title: >\n  a\n", "title: a\n  b\n",
	"title: ~\n", "title: .inf\n", "title: -a\n", "title: ? a\n", "title: %a\n", "title: @a\n", "title: `a\n",
	"date: 2026-13-99\n", "date: 2026-08-29T25:61\n", "date: 2026-08-29T12:22:00Z\n",
}

// TestPlainFrontMatter: the seeds that plainFrontMatter decodes, it decodes
// as YAML does; the front matter of the site's content and of the
// benchmark corpus (generated pages) is all decoded that way, and alike.
func TestPlainFrontMatter(t *testing.T) {
	for _, s := range plainSeeds {
		checkPlain(t, []byte(s))
	}
	for _, s := range plainSeeds[:6] {
		if !checkPlain(t, []byte(s)) {
			t.Errorf("the common form %q is left to YAML", s)
		}
	}
	for where, fsys := range map[string]fs.FS{"content/": repoContent(t), "corpus": corpusFS(1000, 1)} {
		var plain, all int
		err := fs.WalkDir(fsys, ".", func(name string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(name, ".md") {
				return err
			}
			src, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			fm, _, _, err := splitFrontMatter(src)
			if err != nil || fm == nil {
				return nil
			}
			all++
			if checkPlain(t, fm) {
				plain++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d of %d front matters decoded without YAML", where, plain, all)
		if where == "corpus" && plain != all {
			t.Errorf("corpus: only %d of %d front matters decoded without YAML", plain, all)
		}
	}
}

// FuzzPlainFrontMatter holds plainFrontMatter to the YAML decoder on
// arbitrary input.
func FuzzPlainFrontMatter(f *testing.F) {
	for _, s := range plainSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkPlain(t, data) })
}
