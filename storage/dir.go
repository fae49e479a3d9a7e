package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// DirStore keeps each object as a file under a root directory: key "a/b.pdf"
// is the file root/a/b.pdf, readable with ordinary tools. It needs no
// service and is safe for concurrent use, also by several processes sharing
// the directory.
//
// A Put streams into a temporary file under root/.tmp (same file system),
// fsyncs it, then publishes it under its key in one step: os.Link for
// IfAbsent (which fails if the key exists), os.Rename otherwise; then it
// fsyncs the directory. A crash leaves at most a temporary file, never a
// partial object; SweepTemp removes such files.
//
// Because objects are files, a key cannot run through another object: with
// "a" stored, Put "a/b" fails with ErrInvalid (S3 servers such as MinIO
// refuse the same). Keys whose first element is ".tmp" are reserved and
// invalid. Files and directories are created private to the owner (0600,
// 0700): they hold personal information.
type DirStore struct {
	root string // absolute
	tmp  string // root/.tmp

	// wrapTemp, set only by tests, wraps the temporary file's writer to
	// inject write faults (a full disk).
	wrapTemp func(io.Writer) io.Writer
}

const (
	tmpDirName = ".tmp"
	dirMode    = 0o700
	copyBuffer = 256 << 10
)

var copyBufs = sync.Pool{New: func() any { b := make([]byte, copyBuffer); return &b }}

// NewDirStore opens (creating if needed) a DirStore rooted at root.
func NewDirStore(root string) (*DirStore, error) {
	if root == "" {
		return nil, &Error{Kind: Invalid, Op: "open", Err: errors.New("empty root directory")}
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, &Error{Kind: Invalid, Op: "open", Err: fmt.Errorf("root %s: %w", root, err)}
	}
	d := &DirStore{root: abs, tmp: filepath.Join(abs, tmpDirName)}
	if err := os.MkdirAll(d.tmp, dirMode); err != nil {
		return nil, fsError("open", "", "create root", err)
	}
	return d, nil
}

// Root returns the directory the store keeps its objects in.
func (d *DirStore) Root() string { return d.root }

// checkKey applies ValidKey and refuses the reserved .tmp element.
func (d *DirStore) checkKey(key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	if key == tmpDirName || strings.HasPrefix(key, tmpDirName+"/") {
		return fmt.Errorf("key %q: %s is reserved", key, tmpDirName)
	}
	return nil
}

func (d *DirStore) path(key string) string {
	return filepath.Join(d.root, filepath.FromSlash(key))
}

// Put implements Store.Put; see DirStore for how it stays atomic. With
// IfAbsent, a source longer than MaxConditionalSize fails with ErrInvalid,
// as it does on S3.
func (d *DirStore) Put(ctx context.Context, key string, r io.Reader, opts PutOptions) (Info, error) {
	if err := d.checkKey(key); err != nil {
		return Info{}, &Error{Kind: Invalid, Op: "put", Key: key, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return Info{}, sourceError(key, err)
	}
	f, err := os.CreateTemp(d.tmp, "put-*")
	if err != nil {
		return Info{}, fsError("put", key, "create temporary file", err)
	}
	tmp := f.Name()
	size, err := d.fill(ctx, f, key, r, opts)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fsError("put", key, "close temporary file", cerr)
	}
	if err == nil {
		if cerr := ctx.Err(); cerr != nil {
			err = sourceError(key, cerr)
		}
	}
	if err == nil {
		err = d.publish(tmp, key, opts.IfAbsent)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return Info{}, err
	}
	info := Info{Key: key, Size: size}
	if fi, err := os.Stat(d.path(key)); err == nil {
		info.Modified = fi.ModTime()
	}
	return info, nil
}

// fill copies the source into the temporary file f and fsyncs it.
func (d *DirStore) fill(ctx context.Context, f *os.File, key string, r io.Reader, opts PutOptions) (int64, error) {
	src := newSource(ctx, r)
	var in io.Reader = src
	if opts.IfAbsent {
		in = io.LimitReader(src, MaxConditionalSize+1)
	}
	var w io.Writer = &sink{w: f}
	if d.wrapTemp != nil {
		w = d.wrapTemp(w)
	}
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	n, err := io.CopyBuffer(w, in, *buf)
	switch {
	case src.err != nil:
		return n, sourceError(key, src.err)
	case err != nil:
		return n, fsError("put", key, "write temporary file", err)
	case opts.IfAbsent && n > MaxConditionalSize:
		return n, &Error{Kind: Invalid, Op: "put", Key: key,
			Err: fmt.Errorf("IfAbsent object larger than %d bytes", MaxConditionalSize)}
	}
	if err := f.Sync(); err != nil {
		return n, fsError("put", key, "sync temporary file", err)
	}
	return n, nil
}

// sink hides *os.File's ReadFrom so that io.CopyBuffer uses the pooled
// buffer instead of allocating its own.
type sink struct{ w io.Writer }

func (s *sink) Write(p []byte) (int, error) { return s.w.Write(p) }

// publish moves the synced temporary file to the key's path and syncs the
// directory. If that final sync fails the object is removed again, so that
// a failed Put leaves nothing behind.
func (d *DirStore) publish(tmp, key string, ifAbsent bool) error {
	dst := d.path(key)
	dir := filepath.Dir(dst)
	if err := mkdirAllSync(d.root, dir); err != nil {
		return d.publishError(key, dst, "create directory", err)
	}
	if ifAbsent {
		if err := os.Link(tmp, dst); err != nil {
			return d.publishError(key, dst, "link", err)
		}
		// The object is published; a leftover link in .tmp is harmless
		// (SweepTemp removes it) and must not fail the Put.
		_ = os.Remove(tmp)
	} else if err := os.Rename(tmp, dst); err != nil {
		return d.publishError(key, dst, "rename", err)
	}
	if err := syncDir(dir); err != nil {
		_ = os.Remove(dst)
		return fsError("put", key, "sync directory", err)
	}
	return nil
}

// publishError classifies a failure to place an object at dst: an existing
// object is Exists, a path running through an object or onto a directory is
// Invalid.
func (d *DirStore) publishError(key, dst, what string, err error) *Error {
	if isNotDir(err) {
		return &Error{Kind: Invalid, Op: "put", Key: key, Err: fmt.Errorf("%s: key runs through another object: %w", what, err)}
	}
	if fi, serr := os.Lstat(dst); serr == nil && fi.IsDir() {
		return &Error{Kind: Invalid, Op: "put", Key: key, Err: fmt.Errorf("%s: key is a prefix of other objects: %w", what, err)}
	}
	if errors.Is(err, fs.ErrExist) {
		return &Error{Kind: Exists, Op: "put", Key: key, Err: err}
	}
	return fsError("put", key, what, err)
}

// Get implements Store.Get. The returned reader is the object's file.
func (d *DirStore) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := d.checkKey(key); err != nil {
		return nil, Info{}, &Error{Kind: Invalid, Op: "get", Key: key, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, Info{}, &Error{Kind: Other, Op: "get", Key: key, Err: err}
	}
	f, err := os.Open(d.path(key))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isNotDir(err) {
			return nil, Info{}, &Error{Kind: NotFound, Op: "get", Key: key, Err: err}
		}
		return nil, Info{}, fsError("get", key, "open", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Info{}, fsError("get", key, "stat", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, Info{}, &Error{Kind: NotFound, Op: "get", Key: key, Err: errors.New("not a regular file")}
	}
	return f, Info{Key: key, Size: fi.Size(), Modified: fi.ModTime()}, nil
}

// Delete implements Store.Delete and syncs the directory. Directories left
// empty are kept: removing them would race with a Put into them.
func (d *DirStore) Delete(ctx context.Context, key string) error {
	if err := d.checkKey(key); err != nil {
		return &Error{Kind: Invalid, Op: "delete", Key: key, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return &Error{Kind: Other, Op: "delete", Key: key, Err: err}
	}
	p := d.path(key)
	fi, err := os.Lstat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isNotDir(err) {
			return nil
		}
		return fsError("delete", key, "stat", err)
	}
	if fi.IsDir() {
		return nil // a prefix of other objects, not an object
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fsError("delete", key, "remove", err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return fsError("delete", key, "sync directory", err)
	}
	return nil
}

// Ping implements Pinger: the root must accept a new file.
func (d *DirStore) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return &Error{Kind: Unavailable, Op: "ping", Err: err}
	}
	f, err := os.CreateTemp(d.tmp, "ping-*")
	if err != nil {
		return &Error{Kind: Unavailable, Op: "ping", Err: fmt.Errorf("create file in %s: %w", d.tmp, err)}
	}
	name := f.Name()
	err = f.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	if err != nil {
		return &Error{Kind: Unavailable, Op: "ping", Err: err}
	}
	return nil
}
