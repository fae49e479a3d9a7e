package main

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// diskOutput writes a built site under a directory. A file is written only
// when its bytes change. A changed file is written to a temporary file and
// swapped in (swapIn), so that a server reading the directory sees the old
// or the new file, never half of one; a file that did not exist is written
// in place.
//
// With remember (award serve, which writes the site again at every edit)
// it keeps a hash of what it last wrote or found in each file: bytes
// hashing otherwise have surely changed, and replace the file without
// reading it back; bytes hashing the same are compared with the file, so a
// file changed behind its back is still put right.
//
// A build into a folder that was missing or empty (fresh) and that created
// every file it keeps, and nothing else, has no stale file to remove: its
// first RemoveExcept then skips walking the tree.
type diskOutput struct {
	root     string
	fresh    bool         // root was missing or empty, and RemoveExcept not yet called
	created  atomic.Int64 // files created where none was
	existed  atomic.Bool  // a file to write was already there
	dirs     sync.Map     // directories known to exist
	remember bool
	known    sync.Map // file name → maphash of its bytes as last written or found
	seed     maphash.Seed
	tmps     atomic.Uint64 // temporary files made, for their names
}

func newDiskOutput(root string, remember bool) *diskOutput {
	return &diskOutput{root: root, remember: remember, seed: maphash.MakeSeed(), fresh: emptyOrMissing(root)}
}

// emptyOrMissing reports whether dir does not exist or holds nothing.
func emptyOrMissing(dir string) bool {
	f, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	return len(names) == 0 && errors.Is(err, io.EOF)
}

// WriteFile implements site.Output.
func (d *diskOutput) WriteFile(name string, data []byte) (bool, error) {
	target := filepath.Join(d.root, filepath.FromSlash(name))
	if !d.remember {
		return d.write(target, name, data)
	}
	sum := maphash.Bytes(d.seed, data)
	if prev, ok := d.known.Load(name); ok && prev.(uint64) != sum {
		if d.replace(target, name, data) == nil {
			d.known.Store(name, sum)
			return true, nil
		}
		// Failed (its folder removed, say): write finds out and mends.
	}
	written, err := d.write(target, name, data)
	if err == nil {
		d.known.Store(name, sum)
	}
	return written, err
}

// write is WriteFile without what it remembers. It first tries to create
// the file, so that a clean build costs one open, write and close per file;
// only when the file exists does it compare the stored bytes.
func (d *diskOutput) write(target, name string, data []byte) (bool, error) {
	if err := d.ensureDir(filepath.Dir(target)); err != nil {
		return false, err
	}
	opened, err := createNew(target, data)
	if !opened && errors.Is(err, fs.ErrNotExist) {
		// A folder known to exist was removed since (public/ deleted
		// while award serve runs): forget what is known and make it again.
		d.dirs.Clear()
		if err = d.ensureDir(filepath.Dir(target)); err != nil {
			return false, err
		}
		opened, err = createNew(target, data)
	}
	if !opened && errors.Is(err, fs.ErrExist) {
		d.existed.Store(true)
		return d.update(target, name, data)
	}
	if opened {
		d.created.Add(1) // made, even if writing failed
	}
	if err != nil {
		if opened {
			os.Remove(target)
		}
		return false, fmt.Errorf("写入 %s 出错：%w", name, err)
	}
	return true, nil
}

// update replaces an existing file's bytes unless they are already data.
func (d *diskOutput) update(target, name string, data []byte) (bool, error) {
	st, err := os.Stat(target)
	switch {
	case err == nil && st.Mode().IsRegular():
		if st.Size() == int64(len(data)) {
			if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, data) {
				return false, nil
			}
		}
		return true, d.replace(target, name, data)
	case err == nil:
		return false, fmt.Errorf("无法写入 %s：该位置已有同名的文件夹或特殊文件，请移走后重新生成", name)
	case errors.Is(err, fs.ErrNotExist):
		return d.write(target, name, data) // removed meanwhile
	}
	return false, fmt.Errorf("写入 %s 出错：%w", name, err)
}

// replace swaps in new bytes for an existing file atomically.
func (d *diskOutput) replace(target, name string, data []byte) error {
	d.existed.Store(true)
	tmp := filepath.Join(filepath.Dir(target), fmt.Sprintf(".tmp-%d-%d", os.Getpid(), d.tmps.Add(1)))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("写入 %s 出错：%w", name, err)
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = swapIn(tmp, target)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("写入 %s 出错：%w", name, werr)
	}
	return nil
}

// ensureDir makes dir and its parents unless they are known to exist. It
// tries Mkdir first (one system call for the common case of a new folder
// in a known one) and climbs to the parent only when that is missing.
func (d *diskOutput) ensureDir(dir string) error {
	if _, ok := d.dirs.Load(dir); ok {
		return nil
	}
	err := os.Mkdir(dir, 0o755)
	if errors.Is(err, fs.ErrNotExist) && filepath.Dir(dir) != dir && d.ensureDir(filepath.Dir(dir)) == nil {
		err = os.Mkdir(dir, 0o755)
	}
	if err != nil {
		// A folder already, or a file in the way: MkdirAll tells which,
		// in its own words.
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return fmt.Errorf("新建文件夹 %s 出错：%w", dir, err)
	}
	d.dirs.Store(dir, true)
	return nil
}

// RemoveExcept implements site.Output: it deletes files the build no longer
// produces, and folders left empty. Hidden files at the top (.gitkeep) stay.
func (d *diskOutput) RemoveExcept(keep map[string]bool) ([]string, error) {
	fresh := d.fresh
	d.fresh = false
	if fresh && !d.existed.Load() && d.created.Load() == int64(len(keep)) {
		return nil, nil // the folder holds what this build made, and it keeps all of it
	}
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
			return fmt.Errorf("删除不再需要的 %s 出错：%w", name, err)
		}
		d.known.Delete(name)
		removed = append(removed, name)
		return nil
	})
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, dir := range dirs {
		if os.Remove(dir) == nil { // fails, as it should, unless the folder is empty
			d.dirs.Delete(dir)
		}
	}
	return removed, err
}
