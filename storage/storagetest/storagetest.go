// Package storagetest is the contract test suite of storage.Store: Run checks
// one backend against everything the Store documentation promises, so that
// DirStore and S3Store behave alike.
package storagetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/storage"
)

// PartSize is the part size the suite's sizes are chosen around. Stores
// with a configurable part size (S3Store) should be built with it, so that
// the sizes below cross part boundaries.
const PartSize = 5 << 20

// IncompleteUploader is implemented by stores that can have partial uploads
// (S3's multipart uploads). When the store under test implements it, the
// suite also checks that failed Puts leave none behind.
type IncompleteUploader interface {
	IncompleteUploads(ctx context.Context, key string) (int, error)
}

// opTimeout bounds every store operation of the suite.
const opTimeout = 30 * time.Second

// Run runs the contract suite. newStore must return a new, empty store for
// each call (a fresh directory, a fresh bucket); it is called once per
// subtest and may register cleanups on t.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("IfAbsent", func(t *testing.T) { testIfAbsent(t, newStore(t)) })
	t.Run("IfAbsentRace", func(t *testing.T) { testIfAbsentRace(t, newStore(t)) })
	t.Run("IfAbsentSizeLimit", func(t *testing.T) { testIfAbsentSizeLimit(t, newStore(t)) })
	t.Run("Overwrite", func(t *testing.T) { testOverwrite(t, newStore(t)) })
	t.Run("GetMissing", func(t *testing.T) { testGetMissing(t, newStore(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newStore(t)) })
	t.Run("List", func(t *testing.T) { testList(t, newStore(t)) })
	t.Run("InvalidKeys", func(t *testing.T) { testInvalidKeys(t, newStore(t)) })
	t.Run("FailingSource", func(t *testing.T) { testFailingSource(t, newStore(t)) })
	t.Run("Cancelled", func(t *testing.T) { testCancelled(t, newStore(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, newStore(t)) })
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), opTimeout)
	t.Cleanup(cancel)
	return ctx
}

// put stores data(seed, size) under key and checks what Put reports.
func put(t *testing.T, s storage.Store, key string, seed uint64, size int64, opts storage.PutOptions) {
	t.Helper()
	info, err := s.Put(ctxFor(t), key, data(seed, size), opts)
	if err != nil {
		t.Fatalf("Put(%s, %d bytes): %v", key, size, err)
	}
	if info.Key != key || info.Size != size {
		t.Fatalf("Put(%s, %d bytes) = %+v, want key %s and size %d", key, size, info, key, size)
	}
}

// check reads key back and compares it with data(seed, size).
func check(t *testing.T, s storage.Store, key string, seed uint64, size int64) {
	t.Helper()
	rc, info, err := s.Get(ctxFor(t), key)
	if err != nil {
		t.Fatalf("Get(%s): %v", key, err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("Get(%s): read after %d bytes: %v", key, n, err)
	}
	if n != size || info.Size != size {
		t.Fatalf("Get(%s): read %d bytes, Info.Size %d, want %d", key, n, info.Size, size)
	}
	if [32]byte(h.Sum(nil)) != digest(seed, size) {
		t.Fatalf("Get(%s): content differs from what was put (SHA-256)", key)
	}
	if info.Key != key || info.Modified.IsZero() {
		t.Fatalf("Get(%s): Info %+v, want the key and a modification time", key, info)
	}
}

// wantKind fails unless err is a storage error of the given kind.
func wantKind(t *testing.T, what string, err error, want *storage.Error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v (kind %d), want kind %d", what, err, storage.KindOf(err), want.Kind)
	}
}

// absent checks that nothing is stored under key: no object, no listing,
// and no incomplete upload where the store can tell.
func absent(t *testing.T, s storage.Store, key string) {
	t.Helper()
	ctx := ctxFor(t)
	rc, _, err := s.Get(ctx, key)
	if err == nil {
		rc.Close()
	}
	wantKind(t, "Get after a failed Put", err, storage.ErrNotFound)
	infos, err := s.List(ctx, key)
	if err != nil {
		t.Fatalf("List(%s): %v", key, err)
	}
	for _, in := range infos {
		if in.Key == key {
			t.Fatalf("List(%s) shows %+v after a failed Put", key, in)
		}
	}
	if iu, ok := s.(IncompleteUploader); ok {
		n, err := iu.IncompleteUploads(ctx, key)
		if err != nil {
			t.Fatalf("IncompleteUploads(%s): %v", key, err)
		}
		if n != 0 {
			t.Fatalf("%d incomplete uploads left under %s", n, key)
		}
	}
}

func testRoundTrip(t *testing.T, s storage.Store) {
	sizes := []int64{0, 1, PartSize - 1, PartSize, PartSize + 1, 2 * PartSize, 3*PartSize + 7}
	for i, size := range sizes {
		key := fmt.Sprintf("round/trip-%d.bin", size)
		seed := uint64(100 + i)
		put(t, s, key, seed, size, storage.PutOptions{ContentType: "application/octet-stream"})
		check(t, s, key, seed, size)
		infos, err := s.List(ctxFor(t), key)
		if err != nil {
			t.Fatalf("List(%s): %v", key, err)
		}
		if len(infos) != 1 || infos[0].Key != key || infos[0].Size != size || infos[0].Modified.IsZero() {
			t.Fatalf("List(%s) = %+v, want just the object, %d bytes, with a time", key, infos, size)
		}
	}
}

func testIfAbsent(t *testing.T, s storage.Store) {
	const key = "receipts/2026/r-1.json"
	put(t, s, key, 1, 1000, storage.PutOptions{IfAbsent: true})
	_, err := s.Put(ctxFor(t), key, data(2, 2000), storage.PutOptions{IfAbsent: true})
	wantKind(t, "second IfAbsent Put", err, storage.ErrExists)
	check(t, s, key, 1, 1000)
}

func testIfAbsentSizeLimit(t *testing.T, s storage.Store) {
	put(t, s, "cond/max", 3, storage.MaxConditionalSize, storage.PutOptions{IfAbsent: true})
	check(t, s, "cond/max", 3, storage.MaxConditionalSize)
	_, err := s.Put(ctxFor(t), "cond/over", data(4, storage.MaxConditionalSize+1), storage.PutOptions{IfAbsent: true})
	wantKind(t, "IfAbsent Put over MaxConditionalSize", err, storage.ErrInvalid)
	absent(t, s, "cond/over")
}

func testOverwrite(t *testing.T, s storage.Store) {
	const key = "drafts/d-1"
	put(t, s, key, 5, 1000, storage.PutOptions{})
	put(t, s, key, 6, PartSize+100, storage.PutOptions{})
	check(t, s, key, 6, PartSize+100)
	put(t, s, key, 7, 10, storage.PutOptions{})
	check(t, s, key, 7, 10)
}

func testGetMissing(t *testing.T, s storage.Store) {
	rc, _, err := s.Get(ctxFor(t), "no/such/key")
	if err == nil {
		rc.Close()
	}
	wantKind(t, "Get missing", err, storage.ErrNotFound)
	if storage.KindOf(err) != storage.NotFound {
		t.Fatalf("KindOf(%v) = %d, want NotFound", err, storage.KindOf(err))
	}
}

func testDelete(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	put(t, s, "del/x", 8, 10, storage.PutOptions{})
	for i := range 2 {
		if err := s.Delete(ctx, "del/x"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	absent(t, s, "del/x")
	if err := s.Delete(ctx, "del/never"); err != nil {
		t.Fatalf("Delete of a key never stored: %v", err)
	}
}

func testList(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	keys := []string{"ls/b/d", "lsx/e", "ls/a.txt", "ls2/f", "ls/b-x", "ls/b/c", "other/g"}
	for i, k := range keys {
		put(t, s, k, uint64(200+i), int64(i+1), storage.PutOptions{})
	}
	cases := []struct {
		prefix string
		want   []string
	}{
		{"ls/", []string{"ls/a.txt", "ls/b-x", "ls/b/c", "ls/b/d"}},
		{"ls/b", []string{"ls/b-x", "ls/b/c", "ls/b/d"}},
		{"ls/b/", []string{"ls/b/c", "ls/b/d"}},
		{"ls", []string{"ls/a.txt", "ls/b-x", "ls/b/c", "ls/b/d", "ls2/f", "lsx/e"}},
		{"", []string{"ls/a.txt", "ls/b-x", "ls/b/c", "ls/b/d", "ls2/f", "lsx/e", "other/g"}},
		{"ls/a.txt", []string{"ls/a.txt"}},
		{"nothing/", nil},
		{"LS/", nil},
	}
	for _, c := range cases {
		infos, err := s.List(ctx, c.prefix)
		if err != nil {
			t.Fatalf("List(%q): %v", c.prefix, err)
		}
		var got []string
		for _, in := range infos {
			got = append(got, in.Key)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Fatalf("List(%q) = %v, want %v", c.prefix, got, c.want)
		}
	}
	infos, err := s.List(ctx, "ls/a.txt")
	if err != nil || len(infos) != 1 || infos[0].Size != 3 {
		t.Fatalf("List(ls/a.txt) = %+v, %v; want one object of 3 bytes", infos, err)
	}
}

func testInvalidKeys(t *testing.T, s storage.Store) {
	ctx := ctxFor(t)
	for _, key := range []string{"../x", "A", "a//b", "/a", "", "a/", "a/./b", "a b"} {
		_, err := s.Put(ctx, key, data(9, 10), storage.PutOptions{})
		wantKind(t, fmt.Sprintf("Put(%q)", key), err, storage.ErrInvalid)
		rc, _, err := s.Get(ctx, key)
		if err == nil {
			rc.Close()
		}
		wantKind(t, fmt.Sprintf("Get(%q)", key), err, storage.ErrInvalid)
		wantKind(t, fmt.Sprintf("Delete(%q)", key), s.Delete(ctx, key), storage.ErrInvalid)
	}
}

func testFailingSource(t *testing.T, s storage.Store) {
	for _, at := range []int64{0, 1000, 7 << 20, 3 * PartSize} {
		key := fmt.Sprintf("fail/at-%d", at)
		r := &failingReader{r: data(10, 4*PartSize), n: at}
		_, err := s.Put(ctxFor(t), key, r, storage.PutOptions{})
		if !errors.Is(err, errSource) {
			t.Fatalf("Put failing after %d bytes: error %v, want one wrapping the reader's", at, err)
		}
		absent(t, s, key)
	}
	// A failed overwrite leaves the previous object as it was.
	put(t, s, "fail/old", 11, 1234, storage.PutOptions{})
	_, err := s.Put(ctxFor(t), "fail/old", &failingReader{r: data(12, 4*PartSize), n: 7 << 20}, storage.PutOptions{})
	if !errors.Is(err, errSource) {
		t.Fatalf("failing overwrite: error %v, want one wrapping the reader's", err)
	}
	check(t, s, "fail/old", 11, 1234)
}

func testCancelled(t *testing.T, s storage.Store) {
	ctx, cancel := context.WithCancel(ctxFor(t))
	r := &cancellingReader{r: data(13, 4*PartSize), n: 7 << 20, cancel: cancel}
	_, err := s.Put(ctx, "cancel/mid", r, storage.PutOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put cancelled mid-stream: error %v, want context.Canceled", err)
	}
	absent(t, s, "cancel/mid")

	done, cancel2 := context.WithCancel(ctxFor(t))
	cancel2()
	_, err = s.Put(done, "cancel/before", data(14, 100), storage.PutOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a cancelled context: error %v, want context.Canceled", err)
	}
	absent(t, s, "cancel/before")
}

func testConcurrent(t *testing.T, s storage.Store) {
	sizes := []int64{1, 1000, 1 << 20, PartSize + 3, 2*PartSize + 1, 300 << 10}
	var wg sync.WaitGroup
	errs := make([]error, len(sizes))
	for i, size := range sizes {
		wg.Go(func() {
			key := fmt.Sprintf("conc/k-%d", i)
			_, errs[i] = s.Put(ctxFor(t), key, data(uint64(300+i), size), storage.PutOptions{})
		})
	}
	wg.Wait()
	for i, size := range sizes {
		if errs[i] != nil {
			t.Fatalf("concurrent Put #%d: %v", i, errs[i])
		}
		check(t, s, fmt.Sprintf("conc/k-%d", i), uint64(300+i), size)
	}
	infos, err := s.List(ctxFor(t), "conc/")
	if err != nil || len(infos) != len(sizes) {
		t.Fatalf("List(conc/) = %d objects, %v; want %d", len(infos), err, len(sizes))
	}
}
