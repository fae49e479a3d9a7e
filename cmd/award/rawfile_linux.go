//go:build linux

package main

import (
	"io"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// Whole-file reads and writes in the fewest system calls. os.Open and
// os.OpenFile try to put every file on the network poller: two fcntl calls
// to make it non-blocking, an epoll_ctl that fails for a regular file, and
// two more fcntl calls to undo it. A build reading and writing some 23,000
// files spent over 100,000 system calls so; these make none of them.

// readWhole returns the bytes of the file at path: open, fstat, read until
// end of file, close.
func readWhole(path string) ([]byte, error) {
	fd, err := retryEINTR(func() (int, error) { return unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0) })
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if _, err := retryEINTR(func() (int, error) { return 0, unix.Fstat(fd, &st) }); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	// One byte more than the size, so that the read at the end sees it.
	buf := make([]byte, 0, max(int(st.Size)+1, 512))
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := retryEINTR(func() (int, error) { return unix.Read(fd, buf[len(buf):cap(buf)]) })
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// createNew creates the file at path, which must not exist, with data as
// its bytes. opened reports whether the file was created: when writing
// fails after that, the caller removes it. Errors are *fs.PathError, so
// errors.Is tells fs.ErrExist and fs.ErrNotExist.
func createNew(path string, data []byte) (opened bool, err error) {
	fd, err := retryEINTR(func() (int, error) {
		return unix.Open(path, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
	})
	if err != nil {
		return false, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	for len(data) > 0 {
		n, err := retryEINTR(func() (int, error) { return unix.Write(fd, data) })
		if err != nil {
			unix.Close(fd)
			return true, &fs.PathError{Op: "write", Path: path, Err: err}
		}
		if n == 0 {
			unix.Close(fd)
			return true, &fs.PathError{Op: "write", Path: path, Err: io.ErrShortWrite}
		}
		data = data[n:]
	}
	if err := unix.Close(fd); err != nil {
		return true, &fs.PathError{Op: "close", Path: path, Err: err}
	}
	return true, nil
}

// retryEINTR calls f again while it is interrupted by a signal.
func retryEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return n, err
		}
	}
}

// diskDir is os.DirFS(root) reading whole files with readWhole: a build
// reads every content file once, whole.
type diskDir struct {
	fs.FS // os.DirFS(root)
	root  string
}

// newDiskDir returns the file system of the folder root.
func newDiskDir(root string) fs.FS { return diskDir{FS: os.DirFS(root), root: root} }

// ReadFile implements fs.ReadFileFS; errors name the file as os.DirFS's do.
func (d diskDir) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	b, err := readWhole(d.root + "/" + name)
	if e, ok := err.(*fs.PathError); ok {
		e.Path = name
	}
	return b, err
}

// ReadDir implements fs.ReadDirFS.
func (d diskDir) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(d.FS, name) }

// Stat implements fs.StatFS.
func (d diskDir) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.FS, name) }
