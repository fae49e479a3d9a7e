package storage_test

import (
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/zhongmou/award/storage/miniotest"
)

// shared is the MinIO server the S3 tests share, started by the first of
// them and stopped by TestMain; tests that stop or kill a server start
// their own.
var shared struct {
	once sync.Once
	srv  miniotest.Server
	stop func()
	err  error
}

func sharedMinio(t *testing.T) miniotest.Server {
	t.Helper()
	shared.once.Do(func() { shared.srv, shared.stop, shared.err = miniotest.StartMain() })
	if shared.err != nil {
		if errors.Is(shared.err, miniotest.ErrNoBinary) && os.Getenv("CI") != "true" {
			t.Skip(shared.err)
		}
		t.Fatal(shared.err)
	}
	return shared.srv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	os.Exit(code)
}
