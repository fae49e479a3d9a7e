package storage

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// List implements Store.List. It walks only the directory the prefix names
// (up to its last slash), skips .tmp and anything that is not a regular file
// under a valid key, and sorts by key. A prefix no valid key can start with
// gives an empty list.
func (d *DirStore) List(ctx context.Context, prefix string) ([]Info, error) {
	out := []Info{}
	dir := ""
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir = prefix[:i]
		if d.checkKey(dir) != nil {
			return out, nil
		}
	}
	start := d.path(dir)
	err := filepath.WalkDir(start, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == start && (errors.Is(err, fs.ErrNotExist) || isNotDir(err)) {
				return fs.SkipAll
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while we walked
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if e.IsDir() {
			if p == start {
				return nil
			}
			if key == tmpDirName || !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() || !strings.HasPrefix(key, prefix) || d.checkKey(key) != nil {
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		out = append(out, Info{Key: key, Size: fi.Size(), Modified: fi.ModTime()})
		return nil
	})
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, &Error{Kind: Other, Op: "list", Key: prefix, Err: err}
		}
		return nil, fsError("list", prefix, "walk", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// SweepTemp removes the temporary files in root/.tmp last written more than
// olderThan ago: what a crash or a killed process left behind. It returns
// how many it removed. olderThan must exceed the longest pause of a Put's
// source (an upload's slowest stretch); a Put whose file is swept fails
// cleanly rather than storing anything partial.
func (d *DirStore) SweepTemp(olderThan time.Duration) (int, error) {
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		return 0, fsError("sweep", "", "read "+tmpDirName, err)
	}
	cutoff := time.Now().Add(-olderThan)
	removed := 0
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(d.tmp, e.Name())); err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		removed++
	}
	if len(errs) > 0 {
		return removed, fsError("sweep", "", "remove", errors.Join(errs...))
	}
	return removed, nil
}
