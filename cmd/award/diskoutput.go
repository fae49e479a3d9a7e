package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// diskOutput writes a built site under a directory. A file is rewritten only
// when its bytes change, through a temporary file and a rename, so that a
// server reading the directory never sees half a file.
type diskOutput struct {
	root string
}

func newDiskOutput(root string) *diskOutput { return &diskOutput{root: root} }

// WriteFile implements site.Output.
func (d *diskOutput) WriteFile(name string, data []byte) (bool, error) {
	target := filepath.Join(d.root, filepath.FromSlash(name))
	if st, err := os.Stat(target); err == nil && st.Mode().IsRegular() && st.Size() == int64(len(data)) {
		if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, data) {
			return false, nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return false, fmt.Errorf("create folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), ".tmp-*")
	if err != nil {
		return false, fmt.Errorf("create temp file: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), target)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return false, fmt.Errorf("write %s: %w", name, werr)
	}
	return true, nil
}

// RemoveExcept implements site.Output: it deletes files the build no longer
// produces, and folders left empty. Hidden files at the top (.gitkeep) stay.
func (d *diskOutput) RemoveExcept(keep map[string]bool) ([]string, error) {
	var removed, dirs []string
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(d.root, p)
		if e.IsDir() {
			if rel != "." {
				dirs = append(dirs, p)
			}
			return nil
		}
		name := filepath.ToSlash(rel)
		if keep[name] || (filepath.Dir(rel) == "." && strings.HasPrefix(name, ".")) {
			return nil
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("remove stale %s: %w", name, err)
		}
		removed = append(removed, name)
		return nil
	})
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, dir := range dirs {
		os.Remove(dir) // fails, as it should, unless the folder is empty
	}
	return removed, err
}
