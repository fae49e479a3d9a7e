package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/budget"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
)

// TestS3SSERefusedWithoutKMS: a MinIO without a KMS key cannot encrypt, so
// asking for SSE fails at start with ErrSSENotConfirmed instead of later
// (or never); without SSE the same server opens.
func TestS3SSERefusedWithoutKMS(t *testing.T) {
	srv := miniotest.StartWithoutKMS(t)
	_, err := storage.NewS3Store(t.Context(), s3Config(srv, true))
	if !errors.Is(err, storage.ErrSSENotConfirmed) || !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("SSE on a server without KMS: %v, want ErrSSENotConfirmed of kind Invalid", err)
	}
	s, err := storage.NewS3Store(t.Context(), s3Config(srv, false))
	if err != nil {
		t.Fatalf("without SSE: %v", err)
	}
	left, err := s.List(t.Context(), "")
	if err != nil || len(left) != 0 {
		t.Fatalf("objects left behind by the probe: %v %v", left, err)
	}
}

// TestS3SSENotConfirmed: a store that accepts the SSE request but whose
// answers name no encryption (as some S3 implementations that store
// plaintext do; here a proxy drops the header from MinIO's answers) is
// refused at start.
func TestS3SSENotConfirmed(t *testing.T) {
	srv := sharedMinio(t)
	target, _ := url.Parse("http://" + srv.Endpoint)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(r *http.Response) error {
		r.Header.Del("X-Amz-Server-Side-Encryption")
		return nil
	}
	front := httptest.NewServer(proxy)
	defer front.Close()
	cfg := s3Config(srv, true)
	cfg.Endpoint = strings.TrimPrefix(front.URL, "http://")
	if _, err := storage.NewS3Store(t.Context(), cfg); !errors.Is(err, storage.ErrSSENotConfirmed) {
		t.Fatalf("SSE not confirmed by the answers: %v, want ErrSSENotConfirmed", err)
	}
	// The same proxy without tampering: SSE is confirmed.
	proxy.ModifyResponse = nil
	if _, err := storage.NewS3Store(t.Context(), cfg); err != nil {
		t.Fatalf("SSE through a faithful proxy: %v", err)
	}
}

// slowReader yields its bytes one chunk at a time, waiting for a tick
// between chunks, and blocks at the end until released.
type slowReader struct {
	data    []byte
	release chan struct{}
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		<-r.release
		return 0, io.EOF
	}
	n := copy(p, r.data[:min(len(r.data), 64<<10)])
	r.data = r.data[n:]
	return n, nil
}

// TestS3MemoryBudget: Puts that cannot get their buffers' share within the
// wait fail as Unavailable, matching budget.ErrBusy, and store nothing;
// the shares are given back when Puts end, so later Puts succeed; what is
// held never exceeds the budgets.
func TestS3MemoryBudget(t *testing.T) {
	srv := sharedMinio(t)
	s := newS3(t, srv, false)
	small := budget.New("small", 2<<20, 200*time.Millisecond) // two small buffers
	parts := budget.New("parts", 2*s.PartSize(), 200*time.Millisecond)
	s.LimitMemory(small, parts)
	ctx := t.Context()

	// Two slow large uploads: the first takes both part buffers, the
	// second holds its small buffer and waits for parts, in vain.
	release := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			r := &slowReader{data: bytes.Repeat([]byte("x"), int(s.PartSize())*2+10), release: release}
			_, errs[i] = s.Put(ctx, "budget/slow-"+string(rune('a'+i)), r, storage.PutOptions{})
		})
	}
	time.Sleep(100 * time.Millisecond)
	// A third Put finds both small buffers taken (or the second already
	// refused): it must fail busy or succeed, never block past its wait.
	done := make(chan error, 1)
	go func() {
		_, err := s.Put(ctx, "budget/third", bytes.NewReader([]byte("small object")), storage.PutOptions{})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, budget.ErrBusy) {
			t.Fatalf("third Put: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("third Put blocked past the budget's wait")
	}
	// Let the slow Puts go on only once one was refused its part buffers
	// (not after a fixed sleep, which a slow machine could outrun).
	for deadline := time.Now().Add(10 * time.Second); parts.Stats().Busy == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			close(release)
			wg.Wait()
			t.Fatalf("no slow Put was refused its part buffers: %+v, errors %v", parts.Stats(), errs)
		}
	}
	close(release)
	wg.Wait()
	busy := 0
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, budget.ErrBusy) && storage.KindOf(err) == storage.Unavailable:
			busy++
		default:
			t.Fatalf("slow Put: %v", err)
		}
	}
	if busy != 1 {
		t.Fatalf("%d of two slow large Puts refused for want of part buffers, want 1 (errors %v)", busy, errs)
	}
	if st := parts.Stats(); st.Peak > 2*s.PartSize() || st.InUse != 0 {
		t.Fatalf("part budget %+v", st)
	}
	if st := small.Stats(); st.InUse != 0 {
		t.Fatalf("small budget not given back: %+v", st)
	}
	// The refused Put left nothing; the one that got its buffers is whole.
	infos, err := s.List(ctx, "budget/")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, in := range infos {
		keys = append(keys, in.Key)
	}
	if len(keys) < 1 || len(keys) > 2 {
		t.Fatalf("objects after the budget test: %v", keys)
	}
	for _, k := range keys {
		if strings.HasPrefix(k, "budget/slow-") {
			if n, _ := s.IncompleteUploads(context.Background(), k); n != 0 {
				t.Fatalf("%s: %d incomplete uploads", k, n)
			}
		}
	}
	// Budgets free again: a large Put goes through.
	if _, err := s.Put(ctx, "budget/after", bytes.NewReader(bytes.Repeat([]byte("y"), int(s.PartSize())*2+1)), storage.PutOptions{}); err != nil {
		t.Fatalf("after the slow Puts: %v", err)
	}
}

// TestS3PutThirdBuffer: a large Put sends parts while it reads the next
// into a third buffer when the part budget has room for one at once; with
// room for only two it neither waits for a third nor is refused. Either
// way the object is whole and every share is given back.
func TestS3PutThirdBuffer(t *testing.T) {
	srv := sharedMinio(t)
	ctx := t.Context()
	for _, room := range []int64{3, 2} {
		s := newS3(t, srv, false)
		parts := budget.New("parts", room*s.PartSize(), 5*time.Second)
		s.LimitMemory(budget.New("small", 4<<20, 5*time.Second), parts)
		size := 6*s.PartSize() + 3
		key := fmt.Sprintf("third/%d", room)
		if _, err := s.Put(ctx, key, markerReader(size), storage.PutOptions{}); err != nil {
			t.Fatalf("room for %d buffers: %v", room, err)
		}
		st := parts.Stats()
		if st.Peak != room*s.PartSize() || st.InUse != 0 || st.Busy != 0 {
			t.Errorf("room for %d buffers: budget %+v, want a peak of %d bytes, none in use, none refused", room, st, room*s.PartSize())
		}
		rc, info, err := s.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		want, _ := io.ReadAll(markerReader(size))
		if err != nil || info.Size != size || !bytes.Equal(got, want) {
			t.Fatalf("room for %d buffers: read back %d of %d bytes (%v), equal %v", room, len(got), size, err, bytes.Equal(got, want))
		}
	}
}
