package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiskOutput covers the contract of site.Output on disk: new files and
// folders are made, equal bytes are left alone, changed bytes replaced, and
// a folder or file in the way is an error naming the file, and folders
// removed between builds are made again.
func TestDiskOutput(t *testing.T) {
	for _, remember := range []bool{false, true} {
		t.Run(fmt.Sprintf("remember=%v", remember), func(t *testing.T) { testDiskOutput(t, remember) })
	}
}

func testDiskOutput(t *testing.T, remember bool) {
	root := filepath.Join(t.TempDir(), "public")
	d := newDiskOutput(root, remember)
	write := func(name, data string) bool {
		t.Helper()
		w, err := d.WriteFile(name, []byte(data))
		if err != nil {
			t.Fatalf("WriteFile %s: %v", name, err)
		}
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil || string(got) != data {
			t.Fatalf("%s holds %q (%v), want %q", name, got, err, data)
		}
		return w
	}
	if !write("a/b/c/index.html", "one") || !write("a/index.html", "top") || !write("index.html", "root") {
		t.Fatal("a new file was not reported written")
	}
	if write("a/b/c/index.html", "one") {
		t.Error("equal bytes reported written")
	}
	if !write("a/b/c/index.html", "two") || !write("a/b/c/index.html", "three") {
		t.Error("changed bytes not reported written")
	}
	// A second output on the same folder (the next build) sees the files.
	d = newDiskOutput(root, remember)
	if write("a/b/c/index.html", "three") || !write("a/b/d/index.html", "new") {
		t.Error("a second build misreports")
	}
	entries, _ := os.ReadDir(filepath.Join(root, "a/b/c"))
	if len(entries) != 1 {
		t.Errorf("a/b/c holds %d entries (a temporary file left?), want 1", len(entries))
	}
	if err := os.MkdirAll(filepath.Join(root, "dir.html"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := d.WriteFile("dir.html", []byte("x")); err == nil || !strings.Contains(err.Error(), "dir.html") {
		t.Errorf("a folder in the way: err = %v", err)
	}
	if _, err := d.WriteFile("index.html/x.html", []byte("x")); err == nil {
		t.Error("a file in the way of a folder: no error")
	}
	// A file changed behind the output's back is put right, whether the
	// new bytes are what the output last wrote there or not.
	for _, data := range []string{"three", "four"} {
		if err := os.WriteFile(filepath.Join(root, "a/b/c/index.html"), []byte("edited by hand"), 0o644); err != nil {
			t.Fatal(err)
		}
		if !write("a/b/c/index.html", data) {
			t.Errorf("bytes %q over a file changed by hand not reported written", data)
		}
	}
	removed, err := d.RemoveExcept(map[string]bool{"a/b/c/index.html": true})
	if err != nil || len(removed) != 3 {
		t.Errorf("RemoveExcept removed %v (%v), want the other 3 files", removed, err)
	}
	// The output folder removed behind the output's back (award serve
	// running): the next writes make its folders again.
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if !write("a/b/c/index.html", "again") || !write("a/b/d/index.html", "again") {
		t.Error("files written again after the folder's removal not reported written")
	}
}

// TestDiskOutputFreshRemove: a build into an empty folder that keeps every
// file it made has nothing to remove; any other file in the folder, one
// made but not kept, and anything left for a later build are removed.
func TestDiskOutputFreshRemove(t *testing.T) {
	names := func(t *testing.T, root string) []string {
		t.Helper()
		var got []string
		err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				rel, _ := filepath.Rel(root, p)
				got = append(got, filepath.ToSlash(rel))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	write := func(t *testing.T, d *diskOutput, files ...string) {
		t.Helper()
		for _, f := range files {
			if _, err := d.WriteFile(f, []byte(f)); err != nil {
				t.Fatal(err)
			}
		}
	}
	remove := func(t *testing.T, d *diskOutput, keep ...string) []string {
		t.Helper()
		k := map[string]bool{}
		for _, f := range keep {
			k[f] = true
		}
		removed, err := d.RemoveExcept(k)
		if err != nil {
			t.Fatal(err)
		}
		return removed
	}
	t.Run("all kept", func(t *testing.T) {
		root := filepath.Join(t.TempDir(), "public")
		d := newDiskOutput(root, false)
		write(t, d, "index.html", "a/index.html")
		if r := remove(t, d, "index.html", "a/index.html"); len(r) != 0 {
			t.Errorf("removed %v", r)
		}
		if got := names(t, root); len(got) != 2 {
			t.Errorf("left %v, want both files", got)
		}
	})
	t.Run("made, not kept", func(t *testing.T) {
		d := newDiskOutput(t.TempDir(), false) // exists, empty
		write(t, d, "index.html", "a/index.html", "b/index.html")
		if r := remove(t, d, "index.html", "a/index.html"); len(r) != 1 || r[0] != "b/index.html" {
			t.Errorf("removed %v, want b/index.html", r)
		}
	})
	t.Run("not fresh", func(t *testing.T) {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "old.html"), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		d := newDiskOutput(root, false)
		write(t, d, "index.html")
		if r := remove(t, d, "index.html"); len(r) != 1 || r[0] != "old.html" {
			t.Errorf("removed %v, want old.html", r)
		}
	})
	t.Run("later build", func(t *testing.T) {
		root := filepath.Join(t.TempDir(), "public")
		d := newDiskOutput(root, true) // award serve: one output for every build
		write(t, d, "index.html", "a/index.html")
		remove(t, d, "index.html", "a/index.html")
		if err := os.WriteFile(filepath.Join(root, "stray.html"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		write(t, d, "index.html")
		if r := remove(t, d, "index.html"); len(r) != 2 {
			t.Errorf("the second build removed %v, want a/index.html and stray.html", r)
		}
	})
}
