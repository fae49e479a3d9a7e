package intake

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/zhongmou/award/internal/winpub"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
)

// windowsCheck compares the manifest a replica serves with the version the
// last build published to the shared store (winpub), reading the store at
// most every WindowsCheckEvery.
type windowsCheck struct {
	once sync.Once
	c    *winpub.Checker
}

// WindowsCheckEvery is how often /readyz reads the store's record of the
// published windows manifest.
const WindowsCheckEvery = 2 * time.Second

func (w *windowsCheck) check(ctx context.Context, store storage.Store, m *schedule.Manifest) (winpub.Status, error) {
	w.once.Do(func() { w.c = &winpub.Checker{Store: store, Every: WindowsCheckEvery} })
	return w.c.Check(ctx, m)
}

// readyWindows adds the windows manifest's version to a /readyz answer
// (header X-Windows-Version, and the store's in X-Windows-Published) and
// turns it into 503 when this replica serves another version than the
// store's latest record: its public/ copy is older than the last build.
func (s *Server) readyWindows(ctx context.Context, w http.ResponseWriter, m *schedule.Manifest) (status int, body string) {
	st, err := s.winCheck.check(ctx, s.archive.Store(), m)
	if st.Served != "" {
		w.Header().Set("X-Windows-Version", st.Served)
	}
	if st.Stored != "" {
		w.Header().Set("X-Windows-Published", st.Stored)
	}
	switch {
	case err != nil:
		s.log.Warn("readyz: the published windows manifest could not be read", "err", err)
		return http.StatusServiceUnavailable, "windows manifest record unreadable\n"
	case st.Stale:
		return http.StatusServiceUnavailable, "windows manifest " + st.Served + " is not the published " + st.Stored + "\n"
	}
	return http.StatusOK, "ok\nwindows " + st.Served + "\n"
}
