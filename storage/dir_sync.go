package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// syncDir fsyncs a directory, making the entries created, renamed or
// removed in it durable. File systems that cannot sync a directory are
// tolerated.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil && isDirSyncUnsupported(err) {
		return nil
	}
	return err
}

// mkdirAllSync creates dir, which must lie inside root, and any missing
// parents, fsyncing the parent of every directory it creates so that a crash
// cannot lose a directory whose file was reported stored.
func mkdirAllSync(root, dir string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("directory %s outside root %s", dir, root)
	}
	if rel == "." {
		return nil
	}
	cur := root
	for _, el := range strings.Split(rel, string(filepath.Separator)) {
		next := filepath.Join(cur, el)
		err := os.Mkdir(next, dirMode)
		switch {
		case err == nil:
			if err := syncDir(cur); err != nil {
				return fmt.Errorf("sync %s: %w", cur, err)
			}
		case errors.Is(err, fs.ErrExist):
			// Made by someone else, or a file: then the publish step fails
			// with ENOTDIR and reports the conflict.
		default:
			return err
		}
		cur = next
	}
	return nil
}
