package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestDeterministic(t *testing.T) {
	a, b := Generate(300, 7), Generate(300, 7)
	if len(a) != len(b) {
		t.Fatalf("lengths differ: %d, %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("file %d differs: %s", i, a[i].Path)
		}
	}
	c := Generate(300, 8)
	same := 0
	for i := range a {
		if bytes.Equal(a[i].Data, c[i].Data) {
			same++
		}
	}
	if same > len(sections)+1 { // only the index files may match
		t.Errorf("seeds 7 and 8 give %d identical files", same)
	}
}

var (
	linkRE = regexp.MustCompile(`\]\((/[^)]*)\)`)
	dateRE = regexp.MustCompile(`(?m)^(date|lastmod): (\S+)$`)
)

func TestShape(t *testing.T) {
	const n = 2000
	files := Generate(n, 1)
	if len(files) != n+len(sections)+1 {
		t.Fatalf("got %d files, want %d", len(files), n+len(sections)+1)
	}
	urls := map[string]bool{"/": true}
	drafts := map[string]bool{}
	for _, s := range sections {
		urls["/"+s.name+"/"] = true
	}
	pages, weighted, summarised, tables := 0, 0, 0, 0
	for _, f := range files {
		if strings.HasSuffix(f.Path, "_index.md") {
			continue
		}
		pages++
		if !regexp.MustCompile(`^(policy|notices|publicity|winners)/p\d{5}\.md$`).MatchString(f.Path) {
			t.Errorf("bad path %s", f.Path)
		}
		if len(f.Data) < MinPageSize || len(f.Data) > MaxPageSize {
			t.Errorf("%s: %d bytes", f.Path, len(f.Data))
		}
		u := URL(f.Path)
		if IsDraft(f.Data) {
			drafts[u] = true
		} else {
			urls[u] = true
		}
		fm := string(f.Data[:len(f.Data)-len(Body(f.Data))])
		if strings.Contains(fm, "\nweight: ") {
			weighted++
		}
		if strings.Contains(fm, "\nsummary: ") {
			summarised++
		}
		if bytes.Contains(f.Data, []byte("|---|")) {
			tables++
		}
		for _, m := range dateRE.FindAllStringSubmatch(fm, -1) {
			d, err := time.Parse(dateLayout, m[2])
			if err != nil || !d.Before(Cutoff) || d.Year() < 2020 {
				t.Errorf("%s: %s %s", f.Path, m[1], m[2])
			}
		}
		if bytes.Contains(f.Data, []byte("<")) || bytes.Contains(f.Data, []byte("http")) {
			t.Errorf("%s: raw HTML or external link", f.Path)
		}
	}
	for _, f := range files {
		for _, m := range linkRE.FindAllSubmatch(f.Data, -1) {
			if !urls[string(m[1])] {
				t.Errorf("%s links to %s, which is not a published page (draft: %v)", f.Path, m[1], drafts[string(m[1])])
			}
		}
	}
	t.Logf("%d pages: %d drafts, %d weighted, %d with summary, %d with a table", pages, len(drafts), weighted, summarised, tables)
	if len(drafts) == 0 || len(drafts) > n/40 {
		t.Errorf("%d drafts of %d", len(drafts), n)
	}
}

func TestWriteDir(t *testing.T) {
	dir := t.TempDir()
	files := Generate(20, 3)
	if err := WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil || !bytes.Equal(got, f.Data) {
			t.Fatalf("%s: %v", f.Path, err)
		}
	}
}
