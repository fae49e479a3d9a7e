package winpub_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/internal/winpub"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
)

// manifest is windows.json as a build writes it, with n calls.
func manifest(t *testing.T, n int) ([]byte, *schedule.Manifest) {
	t.Helper()
	m := &schedule.Manifest{Version: schedule.ManifestVersion, TimeZone: "Asia/Shanghai", Calls: []schedule.Call{}, Publicities: []schedule.Publicity{}}
	opens := time.Date(2026, 3, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for i := range n {
		m.Calls = append(m.Calls, schedule.Call{ID: fmt.Sprintf("call-%d", i), Title: "申报", Year: 2026, Opens: opens, Closes: opens.AddDate(0, 1, 0)})
	}
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

func TestWinpub(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			run(t, func(t *testing.T) storage.Store {
				s, _ := b.New(t)
				return s
			})
		})
	}
}

func run(t *testing.T, newStore func(*testing.T) storage.Store) {
	t.Run("newer-only", func(t *testing.T) { newerOnly(t, newStore(t)) })
	t.Run("concurrent", func(t *testing.T) { concurrent(t, newStore(t)) })
	t.Run("checker", func(t *testing.T) { checker(t, newStore(t)) })
}

func newerOnly(t *testing.T, s storage.Store) {
	ctx := t.Context()
	if _, ok, err := winpub.Latest(ctx, s); ok || err != nil {
		t.Fatalf("latest of an empty store: %v %v", ok, err)
	}
	d1, m1 := manifest(t, 1)
	d0, _ := manifest(t, 0)
	d2, m2 := manifest(t, 2)
	v1, _, _ := winpub.Version(m1)
	v2, _, _ := winpub.Version(m2)
	t1 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	rec, wrote, err := winpub.Publish(ctx, s, d1, t1)
	if err != nil || !wrote || rec.Version != v1 {
		t.Fatalf("first publication: %+v %v %v", rec, wrote, err)
	}
	if rec, wrote, err := winpub.Publish(ctx, s, d1, t1.Add(time.Hour)); err != nil || wrote || rec.Version != v1 {
		t.Fatalf("same version again: %+v wrote %v %v", rec, wrote, err)
	}
	if rec, wrote, err := winpub.Publish(ctx, s, d0, t1.Add(-time.Hour)); err != nil || wrote || rec.Version != v1 {
		t.Fatalf("an older build: %+v wrote %v %v", rec, wrote, err)
	}
	if rec, wrote, err := winpub.Publish(ctx, s, d2, t1.Add(time.Minute)); err != nil || !wrote || rec.Version != v2 {
		t.Fatalf("a newer build: %+v wrote %v %v", rec, wrote, err)
	}
	if rec, _, err := winpub.Latest(ctx, s); err != nil || rec.Version != v2 || !rec.Generated.Equal(t1.Add(time.Minute)) {
		t.Fatalf("latest: %+v %v", rec, err)
	}
	if _, _, err := winpub.Publish(ctx, s, []byte(`{"version":99}`), t1.Add(2*time.Minute)); err == nil {
		t.Fatal("a manifest this program cannot read was published")
	}
}

// concurrent: builds published at once, out of order: the latest is the
// newest build's, and only Keep records stay.
func concurrent(t *testing.T, s storage.Store) {
	ctx := t.Context()
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			d, _ := manifest(t, i+1)
			_, _, errs[i] = winpub.Publish(ctx, s, d, t0.Add(time.Duration((i*5)%n)*time.Second))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("publisher %d: %v", i, err)
		}
	}
	// (i*5)%8 is 7 for i=3: the build with 4 calls is the newest.
	_, newest := manifest(t, 4)
	want, _, _ := winpub.Version(newest)
	rec, ok, err := winpub.Latest(ctx, s)
	if err != nil || !ok || rec.Version != want {
		t.Fatalf("latest after racing publishers: %+v %v, want version %s", rec, err, want)
	}
	// One more publication cleans up to Keep.
	d, _ := manifest(t, 20)
	if _, wrote, err := winpub.Publish(ctx, s, d, t0.Add(time.Minute)); err != nil || !wrote {
		t.Fatal(wrote, err)
	}
	infos, err := s.List(ctx, winpub.Prefix)
	if err != nil || len(infos) > winpub.Keep {
		t.Fatalf("%d records kept, want at most %d (%v)", len(infos), winpub.Keep, err)
	}
}

// checker: a replica serving the published version is current; one
// serving another is stale until it loads the published one; the store is
// read at most once per Every.
func checker(t *testing.T, s storage.Store) {
	ctx := t.Context()
	_, m1 := manifest(t, 1)
	d2, m2 := manifest(t, 2)
	clock := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	c := &winpub.Checker{Store: s, Every: 5 * time.Second, Now: func() time.Time { return clock }}
	if st, err := c.Check(ctx, m1); err != nil || st.Stale || st.Stored != "" {
		t.Fatalf("nothing published: %+v %v", st, err)
	}
	if _, _, err := winpub.Publish(ctx, s, d2, clock); err != nil {
		t.Fatal(err)
	}
	if st, err := c.Check(ctx, m1); err != nil || st.Stale {
		t.Fatalf("within Every the store is not read again: %+v %v", st, err)
	}
	clock = clock.Add(5 * time.Second)
	st, err := c.Check(ctx, m1)
	v1, _, _ := winpub.Version(m1)
	v2, _, _ := winpub.Version(m2)
	if err != nil || !st.Stale || st.Served != v1 || st.Stored != v2 {
		t.Fatalf("serving the older copy: %+v %v", st, err)
	}
	if st, err := c.Check(ctx, m2); err != nil || st.Stale || st.Served != v2 {
		t.Fatalf("serving the published copy: %+v %v", st, err)
	}
}
