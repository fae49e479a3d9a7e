package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/storagetest"
)

func newDirStore(t *testing.T) *storage.DirStore {
	t.Helper()
	d, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDirStoreContract(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		d := newDirStore(t)
		t.Cleanup(func() { assertNoTemp(t, d) })
		return d
	})
}

// assertNoTemp checks that no temporary file outlived its Put.
func assertNoTemp(t *testing.T, d *storage.DirStore) {
	t.Helper()
	entries, err := os.ReadDir(storage.TempDir(d))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("temporary file left behind: %s", e.Name())
	}
}

// fullDisk fails every write after limit bytes with ENOSPC.
type fullDisk struct {
	w     io.Writer
	limit int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n, _ := f.w.Write(p[:f.limit])
		f.limit = 0
		return n, &os.PathError{Op: "write", Path: "temp", Err: syscall.ENOSPC}
	}
	f.limit -= len(p)
	return f.w.Write(p)
}

func TestDirStoreDiskFull(t *testing.T) {
	ctx := t.Context()
	d := newDirStore(t)
	if _, err := d.Put(ctx, "old", bytes.NewReader([]byte("old bytes")), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	storage.SetWrapTemp(d, func(w io.Writer) io.Writer { return &fullDisk{w: w, limit: 3 << 20} })
	for _, key := range []string{"new", "old"} {
		_, err := d.Put(ctx, key, io.LimitReader(zeros{}, 8<<20), storage.PutOptions{})
		if storage.KindOf(err) != storage.Unavailable || !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("Put(%s) on a full disk: %v (kind %d), want Unavailable wrapping ENOSPC", key, err, storage.KindOf(err))
		}
	}
	if _, _, err := d.Get(ctx, "new"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get(new) after a failed Put: %v, want ErrNotFound", err)
	}
	rc, _, err := d.Get(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "old bytes" {
		t.Fatalf("old object now %q", b)
	}
	assertNoTemp(t, d)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestDirStoreRootGone(t *testing.T) {
	ctx := t.Context()
	d := newDirStore(t)
	if err := os.RemoveAll(d.Root()); err != nil {
		t.Fatal(err)
	}
	if err := d.Ping(ctx); storage.KindOf(err) != storage.Unavailable {
		t.Fatalf("Ping with the root gone: %v, want Unavailable", err)
	}
	if _, err := d.Put(ctx, "a", bytes.NewReader(nil), storage.PutOptions{}); storage.KindOf(err) != storage.Unavailable {
		t.Fatalf("Put with the root gone: %v, want Unavailable", err)
	}
	if _, _, err := d.Get(ctx, "a"); storage.KindOf(err) != storage.NotFound {
		t.Fatalf("Get with the root gone: %v, want NotFound", err)
	}
}

func TestDirStorePermissionDenied(t *testing.T) {
	ctx := t.Context()
	d := newDirStore(t)
	if os.Geteuid() == 0 {
		// Root ignores file permissions (as in CI): inject the error a
		// read-only disk gives instead of making one.
		storage.SetWrapTemp(d, func(io.Writer) io.Writer { return failingWriter{os.ErrPermission} })
		if _, err := d.Put(ctx, "a", bytes.NewReader([]byte("x")), storage.PutOptions{}); storage.KindOf(err) != storage.Unavailable {
			t.Fatalf("Put refused permission: %v, want Unavailable", err)
		}
		assertNoTemp(t, d)
		return
	}
	if err := os.Chmod(storage.TempDir(d), 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(storage.TempDir(d), 0o700) })
	if err := d.Ping(ctx); storage.KindOf(err) != storage.Unavailable {
		t.Fatalf("Ping on a read-only root: %v, want Unavailable", err)
	}
	if _, err := d.Put(ctx, "a", bytes.NewReader(nil), storage.PutOptions{}); storage.KindOf(err) != storage.Unavailable {
		t.Fatalf("Put on a read-only root: %v, want Unavailable", err)
	}
}

func TestDirStorePing(t *testing.T) {
	d := newDirStore(t)
	var _ storage.Pinger = d
	if err := d.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertNoTemp(t, d)
}

func TestDirStoreKeyConflicts(t *testing.T) {
	ctx := t.Context()
	d := newDirStore(t)
	put := func(key string, opts storage.PutOptions) error {
		_, err := d.Put(ctx, key, bytes.NewReader([]byte(key)), opts)
		return err
	}
	if err := put("a", storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := put("a/b", storage.PutOptions{}); !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("Put(a/b) with a stored: %v, want ErrInvalid", err)
	}
	if err := put("c/d", storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, opts := range []storage.PutOptions{{}, {IfAbsent: true}} {
		if err := put("c", opts); !errors.Is(err, storage.ErrInvalid) {
			t.Fatalf("Put(c, %+v) with c/d stored: %v, want ErrInvalid", opts, err)
		}
	}
	if _, _, err := d.Get(ctx, "c"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get(c), a directory: %v, want ErrNotFound", err)
	}
	if err := d.Delete(ctx, "c"); err != nil {
		t.Fatalf("Delete(c), a directory: %v", err)
	}
	if err := put(".tmp/x", storage.PutOptions{}); !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("Put(.tmp/x): %v, want ErrInvalid", err)
	}
	infos, err := d.List(ctx, "")
	if err != nil || len(infos) != 2 || infos[0].Key != "a" || infos[1].Key != "c/d" {
		t.Fatalf("List = %+v, %v; want a, c/d", infos, err)
	}
	assertNoTemp(t, d)
}

func TestDirStoreListSkipsStrays(t *testing.T) {
	ctx := t.Context()
	d := newDirStore(t)
	if _, err := d.Put(ctx, "x/ok", bytes.NewReader(nil), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{".tmp/put-123", "x/UPPER", "x/with space"} {
		if err := os.WriteFile(filepath.Join(d.Root(), p), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("ok", filepath.Join(d.Root(), "x", "link")); err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"", "x/", ".tmp/", ".t"} {
		infos, err := d.List(ctx, prefix)
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if prefix == ".tmp/" || prefix == ".t" {
			want = 0
		}
		if len(infos) != want {
			t.Fatalf("List(%q) = %+v, want %d object(s)", prefix, infos, want)
		}
	}
}

func TestDirStoreSweepTemp(t *testing.T) {
	d := newDirStore(t)
	old := time.Now().Add(-2 * time.Hour)
	for i := range 3 {
		p := filepath.Join(storage.TempDir(d), fmt.Sprintf("put-old-%d", i))
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	fresh := filepath.Join(storage.TempDir(d), "put-fresh")
	if err := os.WriteFile(fresh, []byte("in flight"), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := d.SweepTemp(time.Hour)
	if err != nil || n != 3 {
		t.Fatalf("SweepTemp = %d, %v; want 3, nil", n, err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("SweepTemp removed a fresh file: %v", err)
	}
}

// TestDirStoreSweptPutFails: a Put whose temporary file is swept while it
// streams fails and stores nothing.
func TestDirStoreSweptPutFails(t *testing.T) {
	ctx := t.Context()
	d := newDirStore(t)
	r := &sweepingReader{r: io.LimitReader(zeros{}, 4<<20), at: 1 << 20, sweep: func() {
		if n, err := d.SweepTemp(-time.Hour); n != 1 || err != nil {
			t.Errorf("SweepTemp during Put = %d, %v", n, err)
		}
	}}
	if _, err := d.Put(ctx, "swept", r, storage.PutOptions{}); err == nil {
		t.Fatal("Put succeeded although its temporary file was swept")
	}
	if _, _, err := d.Get(ctx, "swept"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get(swept): %v, want ErrNotFound", err)
	}
}

type sweepingReader struct {
	r     io.Reader
	at    int64
	sweep func()
}

func (s *sweepingReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.at -= int64(n)
	if s.at <= 0 && s.sweep != nil {
		s.sweep()
		s.sweep = nil
	}
	return n, err
}

// TestDirStorePutMemory: a 64 MiB Put allocates a small constant, not the
// object's size.
func TestDirStorePutMemory(t *testing.T) {
	ctx := context.Background()
	d := newDirStore(t)
	const size = 64 << 20
	if _, err := d.Put(ctx, "warm", io.LimitReader(zeros{}, 1<<20), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := d.Put(ctx, "big", io.LimitReader(zeros{}, size), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Fatalf("Put of %d MiB allocated %d bytes", size>>20, alloc)
	} else {
		t.Logf("Put of %d MiB allocated %d bytes", size>>20, alloc)
	}
}

// failingWriter fails every write with err.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
