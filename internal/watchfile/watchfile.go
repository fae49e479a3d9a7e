// Package watchfile reads a file that another program writes (the site
// build's outputs that the intake reads, such as windows.json) and reads it
// again whenever it changes, so that a long-running service follows the
// file without a restart.
package watchfile

import (
	"fmt"
	"io/fs"
	"sync"
	"time"
)

// File is a file decoded into a *T, read again whenever its size or
// modification time changes, checked at most once per interval. It is safe
// for concurrent use.
//
// Until a read succeeds Current returns nil (a file missing at the start
// is looked for again at every check, so that it is picked up once it is
// written); after a failed read (the file removed, unreadable or not
// decoding) it keeps the last good value. Err reports the error of the
// last read.
type File[T any] struct {
	fsys     fs.FS
	name     string
	interval time.Duration
	decode   func([]byte) (*T, error)

	mu      sync.Mutex
	current *T
	stamp   stamp
	checked time.Time
	err     error
}

type stamp struct {
	size int64
	mod  time.Time
}

// Open reads name in fsys (os.DirFS("public") and "windows.json", say)
// with decode, at once and then whenever Current finds it changed. It does
// not fail: Err reports whether the first read succeeded.
func Open[T any](fsys fs.FS, name string, interval time.Duration, decode func([]byte) (*T, error)) *File[T] {
	f := &File[T]{fsys: fsys, name: name, interval: interval, decode: decode}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = f.reloadLocked()
	return f
}

// Current returns the last good value, nil if there has been none,
// reading the file again first if it changed.
func (f *File[T]) Current() *T {
	f.mu.Lock()
	defer f.mu.Unlock()
	if time.Since(f.checked) >= f.interval {
		f.err = f.reloadLocked()
	}
	return f.current
}

// Err is the error of the last read, nil if it succeeded. Errors name the
// file.
func (f *File[T]) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *File[T]) reloadLocked() error {
	f.checked = time.Now()
	st, err := fs.Stat(f.fsys, f.name)
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	s := stamp{st.Size(), st.ModTime()}
	if f.current != nil && s == f.stamp {
		return nil
	}
	data, err := fs.ReadFile(f.fsys, f.name)
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	v, err := f.decode(data)
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	f.current, f.stamp = v, s
	return nil
}
