package contentdir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/drafts"
)

func TestDraftContentDir(t *testing.T) {
	dir := t.TempDir()
	page := []byte("---\ntitle: 公示\ndraft: true\ngeneratedBy: clerk1\n---\n\n正文\n")
	ds := []drafts.Draft{{Name: "publicity/a.md", Data: page}, {Name: "notices/b.md", Data: page}}
	if err := Write(dir, ds); err != nil {
		t.Fatal(err)
	}
	// A second write of the same names writes nothing, not even the free one.
	var ex *ExistsError
	err := Write(dir, []drafts.Draft{{Name: "winners/c.md", Data: page}, {Name: "publicity/a.md", Data: []byte("x")}})
	if !errors.As(err, &ex) || len(ex.Names) != 1 || ex.Names[0] != "publicity/a.md" {
		t.Fatalf("write over a file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "winners", "c.md")); err == nil {
		t.Error("a refused write left a file")
	}
	for _, bad := range []string{"../x.md", "publicity/../../x.md", "static/a.md", "publicity/a.txt", "publicity/_index.md", "publicity/.a.md", "publicity/sub/a.md"} {
		if err := CheckName(bad); !errors.Is(err, ErrName) {
			t.Errorf("CheckName(%q) = %v", bad, err)
		}
	}
	list, err := List(dir)
	if err != nil || len(list) != 2 || list[0].Name != "publicity/a.md" || list[0].GeneratedBy != "clerk1" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if _, err := Publish(dir, "publicity/a.md", Sum([]byte("other"))); !errors.Is(err, ErrChanged) {
		t.Errorf("publish with a stale sum: %v", err)
	}
	e, err := Publish(dir, "publicity/a.md", Sum(page))
	if err != nil || e.Draft {
		t.Fatalf("publish: %+v %v", e, err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "publicity", "a.md"))
	if strings.Contains(string(data), "draft:") || !strings.Contains(string(data), "generatedBy: clerk1") {
		t.Errorf("published:\n%s", data)
	}
	if list, _ := List(dir); len(list) != 1 {
		t.Errorf("a published page is still listed: %+v", list)
	}
	if _, err := Publish(dir, "publicity/a.md", Sum(data)); !errors.Is(err, drafts.ErrNotDraft) {
		t.Errorf("publish twice: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "publicity"))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
