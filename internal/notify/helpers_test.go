package notify_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/submission"
)

// stores are the two kinds of store every store-backed test runs on.
var stores = []struct {
	name string
	open func(t *testing.T) storage.Store
}{
	{"DirStore", func(t *testing.T) storage.Store {
		s, err := storage.NewDirStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}},
	{"MinIO", func(t *testing.T) storage.Store {
		srv := miniotest.Start(t)
		s, err := storage.NewS3Store(t.Context(), storage.S3Config{Endpoint: srv.Endpoint, Bucket: "outbox",
			AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Insecure: true})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}},
}

func newSealer(t *testing.T, b byte) *submission.Sealer {
	t.Helper()
	s, err := submission.NewSealer(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// clock is a fake clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer collects log output, safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fake is a Notifier that records what it sends and notices two sends of
// one message at the same time.
type fake struct {
	mu       sync.Mutex
	sent     []notify.Message
	tries    map[string]int
	inFlight map[string]bool
	overlaps []string
	// fail, when set, says whether try n (1, 2, …) of a message fails and with what.
	fail  func(m notify.Message, try int) error
	delay time.Duration
}

func newFake() *fake { return &fake{tries: map[string]int{}, inFlight: map[string]bool{}} }

func (f *fake) Send(ctx context.Context, m notify.Message) error {
	f.mu.Lock()
	if f.inFlight[m.ID] {
		f.overlaps = append(f.overlaps, m.ID)
	}
	f.inFlight[m.ID] = true
	f.tries[m.ID]++
	try, fail := f.tries[m.ID], f.fail
	f.mu.Unlock()
	time.Sleep(f.delay)
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.inFlight, m.ID)
	if fail != nil {
		if err := fail(m, try); err != nil {
			return err
		}
	}
	f.sent = append(f.sent, m)
	return nil
}

func (f *fake) setFail(fail func(m notify.Message, try int) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = fail
}

func (f *fake) sentMessages() []notify.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]notify.Message(nil), f.sent...)
}

// keys lists the store's keys under prefix, space-separated.
func keys(t *testing.T, s storage.Store, prefix string) string {
	t.Helper()
	infos, err := s.List(t.Context(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	var ks []string
	for _, i := range infos {
		ks = append(ks, strings.TrimPrefix(i.Key, prefix))
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

// everything returns the bytes of every object in the store.
func everything(t *testing.T, s storage.Store) string {
	t.Helper()
	infos, err := s.List(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, i := range infos {
		rc, _, err := s.Get(t.Context(), i.Key)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(i.Key + "\n")
		b.Write(data)
		b.WriteString("\n")
	}
	return b.String()
}

func counts(t *testing.T, o *notify.Outbox) [3]int {
	t.Helper()
	p, s, f, err := o.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return [3]int{p, s, f}
}

func deliver(t *testing.T, o *notify.Outbox) [2]int {
	t.Helper()
	s, f, err := o.DeliverDue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return [2]int{s, f}
}
