//go:build !linux

package main

import (
	"io/fs"
	"os"
)

// readWhole returns the bytes of the file at path.
func readWhole(path string) ([]byte, error) { return os.ReadFile(path) }

// createNew creates the file at path, which must not exist, with data as
// its bytes. opened reports whether the file was created: when writing
// fails after that, the caller removes it.
func createNew(path string, data []byte) (opened bool, err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return false, err
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return true, werr
}

// newDiskDir returns the file system of the folder root.
func newDiskDir(root string) fs.FS { return os.DirFS(root) }
