package intake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
)

// sharedMinio is one real MinIO server for the package's tests, each test
// in a bucket of its own.
var sharedMinio struct {
	once sync.Once
	srv  miniotest.Server
	stop func()
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedMinio.stop != nil {
		sharedMinio.stop()
	}
	os.Exit(code)
}

func minioServer(t *testing.T) miniotest.Server {
	t.Helper()
	sharedMinio.once.Do(func() { sharedMinio.srv, sharedMinio.stop, sharedMinio.err = miniotest.StartMain() })
	if sharedMinio.err != nil {
		if errors.Is(sharedMinio.err, miniotest.ErrNoBinary) && os.Getenv("CI") != "true" {
			t.Skip(sharedMinio.err)
		}
		t.Fatal(sharedMinio.err)
	}
	return sharedMinio.srv
}

func s3Store(t *testing.T, srv miniotest.Server) *storage.S3Store {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	s, err := storage.NewS3Store(context.Background(), storage.S3Config{
		Endpoint: srv.Endpoint, Bucket: "intake-" + hex.EncodeToString(b[:]),
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Insecure: true, PartSize: 5 << 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestIntakeMinIO(t *testing.T) {
	runIntakeSuite(t, func(t *testing.T) storage.Store { return s3Store(t, minioServer(t)) })
}

// TestStorageDown kills MinIO under the intake: the objection is refused
// with 503, readiness fails, and once MinIO is back nothing half-written is
// there.
func TestStorageDown(t *testing.T) {
	srv := miniotest.Start(t) // a server of its own, to kill
	store := s3Store(t, srv)
	e := newEnv(t, store, nil)
	if resp, _ := http.Get(e.http.URL + "/readyz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz %d before the fault", resp.StatusCode)
	}
	srv.Kill()
	resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	got := decode[apiError](t, resp)
	if resp.StatusCode != http.StatusServiceUnavailable || got.Error.Code != "unavailable" {
		t.Errorf("with storage down: %d %q, want 503 unavailable", resp.StatusCode, got.Error.Code)
	}
	if r, _ := http.Get(e.http.URL + "/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz %d with storage down, want 503", r.StatusCode)
	}
	srv.Restart(t)
	e.assertNothingStored()
	if r, _ := http.Get(e.http.URL + "/readyz"); r.StatusCode != http.StatusOK {
		t.Errorf("readyz %d after recovery, want 200", r.StatusCode)
	}
}
