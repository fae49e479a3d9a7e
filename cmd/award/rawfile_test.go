package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestReadWholeAndCreateNew: the whole-file reads and writes of a build
// give the bytes os gives, and fail as os does, with errors that errors.Is
// tells apart.
func TestReadWholeAndCreateNew(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 511, 512, 513, 4096, 1 << 20} {
		name := filepath.Join(dir, "f", strings.Repeat("x", 1+size%7))
		os.MkdirAll(filepath.Dir(name), 0o755)
		data := bytes.Repeat([]byte("质量"), size/6+1)[:size]
		os.Remove(name)
		opened, err := createNew(name, data)
		if !opened || err != nil {
			t.Fatalf("createNew(%d bytes) = %v, %v", size, opened, err)
		}
		got, err := readWhole(name)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("readWhole after createNew(%d bytes): %d bytes, %v", size, len(got), err)
		}
		if st, _ := os.Stat(name); st.Mode().Perm() != 0o644&^umask(t) {
			t.Errorf("created file mode %v", st.Mode())
		}
	}
	existing := filepath.Join(dir, "existing")
	os.WriteFile(existing, []byte("旧"), 0o644)
	if opened, err := createNew(existing, []byte("新")); opened || !errors.Is(err, fs.ErrExist) {
		t.Errorf("createNew over a file = %v, %v; want not opened, fs.ErrExist", opened, err)
	}
	if b, _ := os.ReadFile(existing); string(b) != "旧" {
		t.Errorf("createNew changed an existing file: %q", b)
	}
	if opened, err := createNew(filepath.Join(dir, "missing", "x"), nil); opened || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("createNew in a missing folder = %v, %v; want not opened, fs.ErrNotExist", opened, err)
	}
	if _, err := readWhole(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readWhole of a missing file: %v, want fs.ErrNotExist", err)
	}
	if _, err := readWhole(dir); err == nil {
		t.Error("readWhole of a folder succeeded")
	}
}

// umask is the process's file creation mask, read from a file it creates.
func umask(t *testing.T) fs.FileMode {
	f, err := os.OpenFile(filepath.Join(t.TempDir(), "m"), os.O_CREATE|os.O_WRONLY, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	return 0o777 &^ st.Mode().Perm()
}

// TestDiskDir: the content folder's file system passes fstest.TestFS, and
// its ReadFile errors name the file as os.DirFS's do.
func TestDiskDir(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "notices"), 0o755)
	os.WriteFile(filepath.Join(dir, "_index.md"), []byte("---\ntitle: 首页\n---\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notices", "通知.md"), []byte("正文"), 0o644)
	fsys := newDiskDir(dir)
	if err := fstest.TestFS(fsys, "_index.md", "notices/通知.md"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"notices/无.md", "../x", "/abs"} {
		_, got := fs.ReadFile(fsys, name)
		_, want := fs.ReadFile(os.DirFS(dir), name)
		if got == nil || want == nil {
			t.Fatalf("ReadFile(%q) = %v, os.DirFS %v: want errors", name, got, want)
		}
		var gp, wp *fs.PathError
		if !errors.As(got, &gp) || !errors.As(want, &wp) || gp.Path != wp.Path || errors.Is(got, fs.ErrNotExist) != errors.Is(want, fs.ErrNotExist) {
			t.Errorf("ReadFile(%q) error %v, os.DirFS's %v", name, got, want)
		}
	}
}
