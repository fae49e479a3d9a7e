// Package miniotest runs a real MinIO server for tests: S3 fakes have stored
// minio-go's multipart uploads corrupted, so the S3 store is tested against
// the real thing.
//
// The server binary comes from $AWARD_MINIO_BIN, else <module root>/bin/minio.
// Build it once with
//
//	GOBIN=$PWD/bin go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
//
// (about four minutes). Without it, Start skips the test, or fails it when
// CI=true. The server listens on loopback only: we give it 127.0.0.1 for
// both its API and its console (MinIO itself adds the API port on the
// host's other loopback addresses, such as [::1], and cannot be told not
// to; nothing listens beyond loopback). It keeps its data in a
// temporary directory, runs with random root credentials and a static KMS
// key (so SSE-S3 works), and is stopped when the test ends.
package miniotest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/zhongmou/award/internal/testserver"
)

// MinioVersion is the MinIO release the tests are run against.
const MinioVersion = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

// ErrNoBinary is returned (wrapped, with build instructions) by StartMain
// when the MinIO binary is missing.
var ErrNoBinary = errors.New("miniotest: MinIO binary not found")

// Server is a running MinIO server.
type Server struct {
	Endpoint  string // 127.0.0.1:port, plain HTTP
	AccessKey string
	SecretKey string
	DataDir   string // where MinIO keeps the objects (one drive)
	p         *process
}

// Start starts a server for the test and stops it when the test ends.
func Start(t testing.TB) Server {
	t.Helper()
	return startFor(t, true)
}

// StartWithoutKMS starts a server that has no KMS key, so that it refuses
// requests for server-side encryption, and stops it when the test ends.
func StartWithoutKMS(t testing.TB) Server {
	t.Helper()
	return startFor(t, false)
}

// startFor starts a server for the test, skipping it when the binary is
// missing unless CI=true.
func startFor(t testing.TB, kms bool) Server {
	t.Helper()
	s, stop, err := start(kms)
	if err != nil {
		testserver.SkipOrFail(t, err, ErrNoBinary)
	}
	t.Cleanup(stop)
	return s
}

// StartMain starts a server outside any test, for TestMain to share one
// among a package's tests: call stop when they are done. If the binary is
// missing the error matches ErrNoBinary; the caller decides whether to skip
// (Skip is what Start does unless CI=true).
func StartMain() (s Server, stop func(), err error) { return start(true) }

func start(kms bool) (s Server, stop func(), err error) {
	bin, err := binary()
	if err != nil {
		return Server{}, nil, err
	}
	base, err := os.MkdirTemp("", "miniotest-")
	if err != nil {
		return Server{}, nil, fmt.Errorf("miniotest: %w", err)
	}
	p, err := newProcess(bin, base)
	if err == nil && !kms {
		p.kmsKey = ""
	}
	if err == nil {
		err = p.startFresh()
	}
	if err != nil {
		os.RemoveAll(base)
		return Server{}, nil, err
	}
	s = Server{Endpoint: p.addr, AccessKey: p.user, SecretKey: p.password, DataDir: p.dataDir, p: p}
	stop = func() {
		p.Stop()
		os.RemoveAll(base)
	}
	return s, stop, nil
}

// Kill stops the server abruptly (SIGKILL), as a crash would, and waits
// until it is gone. Requests fail from then on until Restart.
func (s Server) Kill() { s.p.Kill() }

// Restart starts the server again on the same address, with the same data,
// credentials and KMS key, stopping it first if it runs; it returns once
// the server answers.
func (s Server) Restart(t testing.TB) {
	t.Helper()
	s.p.Restart(t)
}

// binary finds the MinIO binary, or says how to build it.
func binary() (string, error) {
	return testserver.FindBinary("minio", "AWARD_MINIO_BIN", ErrNoBinary, func(root string) string {
		return fmt.Sprintf("cd %s && GOBIN=%s go install %s\n(about 4 minutes)", root, filepath.Join(root, "bin"), MinioVersion)
	})
}
