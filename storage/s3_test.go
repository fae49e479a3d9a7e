package storage_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/storage/storagetest"
)

// newS3 returns a store on a new bucket of srv, with 5 MiB parts.
func newS3(t *testing.T, srv miniotest.Server, sse bool) *storage.S3Store {
	t.Helper()
	s, err := storage.NewS3Store(t.Context(), s3Config(srv, sse))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func s3Config(srv miniotest.Server, sse bool) storage.S3Config {
	return storage.S3Config{
		Endpoint:  srv.Endpoint,
		Bucket:    "t-" + randomHex(8),
		AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey,
		Insecure:  true,
		SSE:       sse,
		PartSize:  storagetest.PartSize,
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func TestS3StoreContract(t *testing.T) {
	srv := sharedMinio(t)
	storagetest.Run(t, func(t *testing.T) storage.Store { return newS3(t, srv, false) })
}

func TestS3StoreContractSSE(t *testing.T) {
	srv := sharedMinio(t)
	storagetest.Run(t, func(t *testing.T) storage.Store { return newS3(t, srv, true) })
}

func TestS3StoreConfig(t *testing.T) {
	ctx := t.Context()
	bad := []storage.S3Config{
		{Bucket: "b"},
		{Endpoint: "127.0.0.1:1"},
		{Endpoint: "http://127.0.0.1:1", Bucket: "b"},
		{Endpoint: "127.0.0.1:1", Bucket: "b", PartSize: storage.MinPartSize - 1},
	}
	for _, cfg := range bad {
		if _, err := storage.NewS3Store(ctx, cfg); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("NewS3Store(%+v): %v, want ErrInvalid", cfg, err)
		}
	}
}

// marker is plaintext easy to find on disk.
var marker = bytes.Repeat([]byte("PLAINTEXT-MARKER-zhongmou-award "), 1<<10)

// markerReader yields size bytes of repeated marker.
func markerReader(size int64) io.Reader {
	return io.LimitReader(&repeatReader{b: marker}, size)
}

type repeatReader struct {
	b   []byte
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.b[r.off:])
		n += c
		r.off = (r.off + c) % len(r.b)
	}
	return n, nil
}

// TestS3SSE: with SSE on, MinIO reports objects encrypted and its drive
// holds no plaintext of them; without, the same scan finds the plaintext
// (so the scan does look in the right place).
func TestS3SSE(t *testing.T) {
	srv := sharedMinio(t)
	ctx := t.Context()
	sizes := map[string]int64{"small": 100 << 10, "multipart": 2*storagetest.PartSize + 99}
	for _, sse := range []bool{true, false} {
		s := newS3(t, srv, sse)
		for name, size := range sizes {
			key := "sse/" + name
			if _, err := s.Put(ctx, key, markerReader(size), storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			oi, err := s.Client().StatObject(ctx, s.Bucket(), key, minio.StatObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := oi.Metadata.Get("X-Amz-Server-Side-Encryption")
			if sse && got != "AES256" || !sse && got != "" {
				t.Fatalf("SSE=%v, %s: server reports encryption %q", sse, key, got)
			}
			rc, _, err := s.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(io.Discard, rc)
			rc.Close()
			if err != nil || n != size {
				t.Fatalf("Get(%s) = %d bytes, %v", key, n, err)
			}
		}
		found := filesContaining(t, filepath.Join(srv.DataDir, s.Bucket()), marker[:256])
		if sse && len(found) > 0 {
			t.Fatalf("SSE on, plaintext on disk in %v", found)
		}
		if !sse && len(found) == 0 {
			t.Fatal("SSE off, plaintext not found on disk: the scan looks in the wrong place")
		}
	}
}

// filesContaining lists the files under dir whose bytes contain needle.
func filesContaining(t *testing.T, dir string, needle []byte) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestS3IfAbsentRace: of concurrent IfAbsent Puts of one key, exactly one
// wins; the others get ErrExists, and the winner's bytes are stored.
func TestS3IfAbsentRace(t *testing.T) {
	srv := sharedMinio(t)
	ctx := t.Context()
	s := newS3(t, srv, false)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			body := bytes.Repeat([]byte{byte('a' + i)}, 1000)
			_, errs[i] = s.Put(ctx, "race/receipt", bytes.NewReader(body), storage.PutOptions{IfAbsent: true})
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = i
		case err == nil:
			t.Fatalf("IfAbsent Puts %d and %d both succeeded", winner, i)
		case !errors.Is(err, storage.ErrExists):
			t.Fatalf("IfAbsent Put %d: %v, want ErrExists", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no IfAbsent Put succeeded")
	}
	rc, _, err := s.Get(ctx, "race/receipt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(b, bytes.Repeat([]byte{byte('a' + winner)}, 1000)) {
		t.Fatal("stored bytes are not the winner's")
	}
}

// TestS3AbortIncomplete: an upload left by a crashed Put is listed under its
// exact key and AbortIncomplete removes it.
func TestS3AbortIncomplete(t *testing.T) {
	srv := sharedMinio(t)
	ctx := t.Context()
	s := newS3(t, srv, false)
	core := minio.Core{Client: s.Client()}
	const key = "inflight/upload-1"
	for range 2 {
		if _, err := core.NewMultipartUpload(ctx, s.Bucket(), key, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.IncompleteUploads(ctx, key); err != nil || n != 2 {
		t.Fatalf("IncompleteUploads = %d, %v; want 2", n, err)
	}
	if err := s.AbortIncomplete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if n, err := s.IncompleteUploads(ctx, key); err != nil || n != 0 {
		t.Fatalf("IncompleteUploads after AbortIncomplete = %d, %v; want 0", n, err)
	}
	if err := s.AbortIncomplete(ctx, key); err != nil {
		t.Fatalf("AbortIncomplete with nothing to abort: %v", err)
	}
}

// TestS3PutMemory: what a Put holds, live heap and part buffers outside
// it, stays near 3×PartSize however large the object (minio-go's
// unknown-size upload would take 528 MiB). Sampled with GC at 25% so that
// garbage does not hide the live peak; what the Put allocates in total
// (per-request garbage of minio-go's signer) is logged.
func TestS3PutMemory(t *testing.T) {
	srv := sharedMinio(t)
	ctx := t.Context()
	s := newS3(t, srv, false)
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	measure := func(size int64) (peak, total uint64) {
		runtime.GC()
		runtime.GC() // twice: empties the buffer pool, so its buffers count
		held := func() uint64 { return heapObjects() + uint64(storage.PartBuffersOffHeap(s)) }
		base := held()
		stop := make(chan struct{})
		sampled := make(chan uint64)
		go func() {
			var peak uint64
			for {
				peak = max(peak, held())
				select {
				case <-stop:
					sampled <- peak
					return
				case <-time.After(time.Millisecond):
				}
			}
		}()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := s.Put(ctx, fmt.Sprintf("mem/%d", size), markerReader(size), storage.PutOptions{})
		runtime.ReadMemStats(&after)
		close(stop)
		peak = <-sampled
		if err != nil {
			t.Fatal(err)
		}
		return peak - min(peak, base), after.TotalAlloc - before.TotalAlloc
	}
	measure(3 * storagetest.PartSize) // warms the client up
	for _, parts := range []int64{4, 32} {
		size := parts * storagetest.PartSize
		peak, total := measure(size)
		t.Logf("Put of %d MiB: peak +%d KiB, allocated %d KiB in the heap in all", size>>20, peak>>10, total>>10)
		if peak > 4*storagetest.PartSize {
			t.Fatalf("Put of %d MiB: heap and part buffers grew by %d MiB, want under %d MiB",
				size>>20, peak>>20, 4*storagetest.PartSize>>20)
		}
	}
}

// heapObjects is the heap's current size in bytes, live or not yet swept.
func heapObjects() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// TestS3Unavailable: a stopped server gives errors of kind Unavailable and
// a failing Ping; once it is back the store works with the old data.
func TestS3Unavailable(t *testing.T) {
	srv := miniotest.Start(t)
	ctx := t.Context()
	s := newS3(t, srv, false)
	if _, err := s.Put(ctx, "kept", bytes.NewReader([]byte("kept")), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	srv.Kill()

	start := time.Now()
	if err := s.Ping(ctx); storage.KindOf(err) != storage.Unavailable {
		t.Fatalf("Ping with the server down: %v, want Unavailable", err)
	}
	t.Logf("Ping failed after %v", time.Since(start).Round(time.Millisecond))

	ops := map[string]func() error{
		"put": func() error {
			_, err := s.Put(ctx, "new", bytes.NewReader([]byte("x")), storage.PutOptions{})
			return err
		},
		"put-multipart": func() error {
			_, err := s.Put(ctx, "new-big", markerReader(storagetest.PartSize+1), storage.PutOptions{})
			return err
		},
		"get": func() error {
			_, _, err := s.Get(ctx, "kept")
			return err
		},
		"list":   func() error { _, err := s.List(ctx, ""); return err },
		"delete": func() error { return s.Delete(ctx, "kept") },
		"open": func() error {
			_, err := storage.NewS3Store(ctx, s3Config(srv, false))
			return err
		},
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for name, op := range ops {
		wg.Go(func() {
			start := time.Now()
			err := op()
			mu.Lock()
			defer mu.Unlock()
			if storage.KindOf(err) != storage.Unavailable {
				t.Errorf("%s with the server down: %v, want Unavailable", name, err)
			}
			t.Logf("%s failed after %v: %v", name, time.Since(start).Round(time.Millisecond), err)
		})
	}
	wg.Wait()

	srv.Restart(t)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after restart: %v", err)
	}
	rc, _, err := s.Get(ctx, "kept")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "kept" {
		t.Fatalf("after restart: %q", b)
	}
}

// TestS3CrashMidUpload: the server dies during a multipart Put, so the Put
// cannot abort its upload; after the restart AbortIncomplete (what the
// intake's janitor calls) removes it, and no object ever appears.
func TestS3CrashMidUpload(t *testing.T) {
	srv := miniotest.Start(t)
	ctx := t.Context()
	s := newS3(t, srv, false)
	const key = "crash/big"
	r := &killingReader{r: markerReader(4 * storagetest.PartSize), at: 12 << 20, kill: srv.Kill}
	_, err := s.Put(ctx, key, r, storage.PutOptions{})
	if storage.KindOf(err) != storage.Unavailable {
		t.Fatalf("Put with the server killed: %v, want Unavailable", err)
	}
	t.Logf("Put with the server killed: %v", err)
	srv.Restart(t)
	n, err := s.IncompleteUploads(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d incomplete uploads after the crash, want the one the Put began", n)
	}
	if err := s.AbortIncomplete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if n, err := s.IncompleteUploads(ctx, key); err != nil || n != 0 {
		t.Fatalf("IncompleteUploads after AbortIncomplete = %d, %v", n, err)
	}
	if _, _, err := s.Get(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get after the crashed Put: %v, want ErrNotFound", err)
	}
}

// killingReader calls kill once at bytes have been read.
type killingReader struct {
	r    io.Reader
	at   int64
	kill func()
}

func (k *killingReader) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	k.at -= int64(n)
	if k.at <= 0 && k.kill != nil {
		k.kill()
		k.kill = nil
	}
	return n, err
}

var _ storage.Pinger = (*storage.S3Store)(nil)
var _ storagetest.IncompleteUploader = (*storage.S3Store)(nil)
