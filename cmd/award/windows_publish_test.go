package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/winpub"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
)

func writeManifest(t *testing.T, path, tz string, mod time.Time) string {
	t.Helper()
	m := &schedule.Manifest{Version: schedule.ManifestVersion, TimeZone: tz, Calls: []schedule.Call{}, Publicities: []schedule.Publicity{}}
	data, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
	v, _, _ := winpub.Version(m)
	return v
}

// TestPublishWindows: award build -publish records the build's manifest in
// the store the service configuration names; award serve's loop records
// each rebuild that changes it.
func TestPublishWindows(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfgFile := filepath.Join(dir, "intake.yaml")
	if err := os.WriteFile(cfgFile, []byte("dataDir: "+data+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	if err := os.MkdirAll(out, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(out, schedule.ManifestName)
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	v1 := writeManifest(t, path, "Asia/Shanghai", t0)
	var stdout bytes.Buffer
	if err := publishBuild(t.Context(), cfgFile, out, &stdout); err != nil {
		t.Fatal(err)
	}
	store, err := storage.NewDirStore(data)
	if err != nil {
		t.Fatal(err)
	}
	if rec, ok, err := winpub.Latest(t.Context(), store); err != nil || !ok || rec.Version != v1 || !rec.Generated.Equal(t0) {
		t.Fatalf("after award build -publish: %+v %v %v (%s)", rec, ok, err, stdout.String())
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		publishWindowsLoop(ctx, store, path, 20*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	defer func() { cancel(); <-done }()
	v2 := writeManifest(t, path, "UTC", t0.Add(time.Minute))
	deadline := time.Now().Add(3 * time.Second)
	for {
		rec, _, err := winpub.Latest(t.Context(), store)
		if err == nil && rec.Version == v2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the rebuilt manifest was not recorded: %+v %v", rec, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
