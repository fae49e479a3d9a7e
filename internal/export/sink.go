package export

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// sink is where an export's files go: a directory (Run) or a ZIP stream
// (WriteZIP). Every file the export makes goes through it, so the two hold
// the same files under the same names.
type sink interface {
	// create starts the new file at rel (relative to the export's root,
	// slash-separated, checked by checkRel) and returns it to be written
	// and then closed or discarded. One file is open at a time.
	create(rel string) (sinkFile, error)
	// display is how the report names a file of the export: its path on
	// disk, or its name in the ZIP.
	display(rel string) string
}

// sinkFile is one file being written.
type sinkFile interface {
	io.Writer
	// Close ends the file.
	Close() error
	// discard ends a file whose writing failed: the directory removes it;
	// a ZIP cannot take an entry back (the export then stops, and
	// WriteZIP leaves the ZIP unfinished).
	discard()
}

// checkRel refuses a path that is not a clean relative one in UTF-8:
// empty, absolute, with a backslash, an empty, "." or ".." element, or a
// NUL. The export makes its names safe; this guards the ZIP's entry names
// and the directory's paths against a mistake in that.
func checkRel(rel string) error {
	if rel == "" || !utf8.ValidString(rel) || strings.ContainsAny(rel, "\\\x00") || path.IsAbs(rel) {
		return fmt.Errorf("导出文件名不安全：%q", rel)
	}
	for elem := range strings.SplitSeq(rel, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return fmt.Errorf("导出文件名不安全：%q", rel)
		}
	}
	return nil
}

// writeWhole writes data as the new file rel.
func writeWhole(s sink, rel string, data []byte) error {
	f, err := s.create(rel)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.discard()
		return err
	}
	return f.Close()
}

// dirSink writes the export into a directory, files private to the owner.
type dirSink struct{ root string } // absolute

func (d dirSink) display(rel string) string { return filepath.Join(d.root, filepath.FromSlash(rel)) }

func (d dirSink) create(rel string) (sinkFile, error) {
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	name := d.display(rel)
	if err := os.MkdirAll(filepath.Dir(name), dirMode); err != nil {
		return nil, fmt.Errorf("无法创建文件夹：%w", err)
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		return nil, fmt.Errorf("无法写入导出文件：%w", err)
	}
	return &dirFile{f: f}, nil
}

// dirFile is a file of a dirSink.
type dirFile struct{ f *os.File }

func (d *dirFile) Write(p []byte) (int, error) {
	n, err := d.f.Write(p)
	if err != nil {
		err = fmt.Errorf("无法写入导出文件 %s：%w", d.f.Name(), err)
	}
	return n, err
}

func (d *dirFile) Close() error {
	if err := d.f.Close(); err != nil {
		_ = os.Remove(d.f.Name())
		return fmt.Errorf("无法写入导出文件 %s：%w", d.f.Name(), err)
	}
	return nil
}

func (d *dirFile) discard() {
	_ = d.f.Close()
	_ = os.Remove(d.f.Name())
}
