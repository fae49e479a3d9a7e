package intake

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/winpub"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
)

type switchWindows struct {
	p atomic.Pointer[schedule.Manifest]
}

func (s *switchWindows) Current() *schedule.Manifest { return s.p.Load() }

// manifestN is the test manifest with its call's title marked n: another build.
func manifestN(t *testing.T, n string) ([]byte, *schedule.Manifest) {
	m := testManifest()
	m.Calls[0].Title += n
	data, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := schedule.DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, back
}

func getReadyz(t *testing.T, e *testEnv) (int, string, string) {
	t.Helper()
	resp, err := http.Get(e.http.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Windows-Version"), string(b)
}

// TestReadyzWindowsVersion: two replicas on one store; /readyz reports the
// manifest version each serves, and 503 for the one whose copy is not the
// version the last build published, until it loads it.
func TestReadyzWindowsVersion(t *testing.T) {
	store, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := newEnv(t, store, nil), newEnv(t, store, nil)
	w1, w2 := &switchWindows{}, &switchWindows{}
	r1.srv.windows, r2.srv.windows = w1, w2
	dOld, mOld := manifestN(t, "1")
	dNew, mNew := manifestN(t, "2")
	vOld, _, _ := winpub.Version(mOld)
	vNew, _, _ := winpub.Version(mNew)
	w1.p.Store(mOld)
	w2.p.Store(mOld)

	// Nothing published yet (a single replica, or before the first build
	// that publishes): ready, with the version served.
	if code, v, body := getReadyz(t, r1); code != http.StatusOK || v != vOld || !strings.Contains(body, vOld) {
		t.Fatalf("nothing published: %d %q %q", code, v, body)
	}
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	if _, _, err := winpub.Publish(t.Context(), store, dOld, at); err != nil {
		t.Fatal(err)
	}
	// A newer build, loaded by replica 1 only.
	if _, _, err := winpub.Publish(t.Context(), store, dNew, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	w1.p.Store(mNew)
	waitCode := func(e *testEnv, want int, wantVersion string) {
		t.Helper()
		deadline := time.Now().Add(WindowsCheckEvery + 2*time.Second)
		for {
			code, v, body := getReadyz(t, e)
			if code == want && v == wantVersion {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("readyz %d %q %q, want %d serving %s", code, v, body, want, wantVersion)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitCode(r1, http.StatusOK, vNew)
	waitCode(r2, http.StatusServiceUnavailable, vOld)
	if _, _, body := getReadyz(t, r2); !strings.Contains(body, vOld) || !strings.Contains(body, vNew) {
		t.Fatalf("the stale replica's answer names neither version: %q", body)
	}
	// Replica 2 loads the new copy: ready again.
	w2.p.Store(mNew)
	waitCode(r2, http.StatusOK, vNew)
	// An older build published late does not make the current copies stale.
	if _, wrote, err := winpub.Publish(t.Context(), store, dOld, at.Add(30*time.Second)); err != nil || wrote {
		t.Fatalf("older build published: %v %v", wrote, err)
	}
	time.Sleep(WindowsCheckEvery + 100*time.Millisecond)
	waitCode(r1, http.StatusOK, vNew)
	waitCode(r2, http.StatusOK, vNew)
}
