package archive_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
)

// TestLease runs the lease and the janitor's use of it on both stores.
func TestLease(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			runLease(t, func(t *testing.T) storage.Store {
				s, _ := b.New(t)
				return s
			})
		})
	}
}

func runLease(t *testing.T, newStore func(*testing.T) storage.Store) {
	t.Run("race", func(t *testing.T) { leaseRace(t, newStore(t)) })
	t.Run("one-sweeps", func(t *testing.T) { janitorOneAtATime(t, newStore(t)) })
	t.Run("holder-dies", func(t *testing.T) { janitorTakeover(t, newStore(t), true) })
	t.Run("holder-stops", func(t *testing.T) { janitorTakeover(t, newStore(t), false) })
	t.Run("stale-lease", func(t *testing.T) { janitorStale(t, newStore(t)) })
	t.Run("stuck-term", func(t *testing.T) { leaseStuckTerm(t, newStore(t)) })
	t.Run("release-unconfirmed", func(t *testing.T) { leaseReleaseUnconfirmed(t, newStore(t)) })
}

// stuckStore holds every Put of one key until its context ends, as MinIO
// holds writes to a key that a node which died while writing it left
// locked.
type stuckStore struct {
	storage.Store
	key string
}

func (s *stuckStore) Put(ctx context.Context, key string, r io.Reader, o storage.PutOptions) (storage.Info, error) {
	if key == s.key {
		<-ctx.Done()
		return storage.Info{}, ctx.Err()
	}
	return s.Store.Put(ctx, key, r, o)
}

// leaseStuckTerm: the next term's key cannot be written (the store holds
// the write until the caller's deadline). The first try fails with the
// deadline; the next tries, for a term and the skew (on the lease's
// clock), report the lease not held without writing; then the lease goes
// past the stuck term and holds the next.
func leaseStuckTerm(t *testing.T, store storage.Store) {
	const name = "stuck"
	stuck := &stuckStore{Store: store, key: fmt.Sprintf("%s%016d.json", archive.LeasePrefix(name), 1)}
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	ttl := time.Minute
	l := archive.NewLease(stuck, name, archive.NewHolderID(), ttl, now)
	try := func() (bool, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		return l.Acquire(ctx)
	}
	if ok, err := try(); ok || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("first acquire with the term's key stuck: held %v, err %v; want the deadline", ok, err)
	}
	if ok, err := try(); ok || err != nil {
		t.Fatalf("acquire within a term of the stuck write: held %v, err %v; want not held, no error", ok, err)
	}
	clock.Add(int64(ttl + l.Skew + time.Millisecond))
	if ok, err := try(); !ok || err != nil {
		t.Fatalf("acquire a term and the skew after the stuck write: held %v, err %v; want held", ok, err)
	}
	infos, err := store.List(t.Context(), archive.LeasePrefix(name))
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || !strings.HasSuffix(infos[0].Key, fmt.Sprintf("%016d.json", 2)) {
		t.Fatalf("terms stored: %v, want term 2 alone", infos)
	}
	// Renewals go on past it.
	if ok, err := try(); !ok || err != nil {
		t.Fatalf("renewal: held %v, err %v", ok, err)
	}
}

// listFailsAfterPut fails the first List after a Put, once armed, as a
// renewal cut short by its context between its write and its confirming
// List.
type listFailsAfterPut struct {
	storage.Store
	armed, put atomic.Bool
}

func (s *listFailsAfterPut) Put(ctx context.Context, key string, r io.Reader, o storage.PutOptions) (storage.Info, error) {
	in, err := s.Store.Put(ctx, key, r, o)
	if s.armed.Load() {
		s.put.Store(true)
	}
	return in, err
}

func (s *listFailsAfterPut) List(ctx context.Context, prefix string) ([]storage.Info, error) {
	if s.put.Load() && s.armed.CompareAndSwap(true, false) {
		return nil, context.Canceled
	}
	return s.Store.List(ctx, prefix)
}

// leaseReleaseUnconfirmed: a renewal stores its term but fails before it
// confirms it (its context cancelled at shutdown); Release still hands the
// stored term back, and another replica takes the lease at once instead of
// after the term's expiry.
func leaseReleaseUnconfirmed(t *testing.T, store storage.Store) {
	const name = "unconfirmed"
	s := &listFailsAfterPut{Store: store}
	a := archive.NewLease(s, name, archive.NewHolderID(), time.Minute, nil)
	b := archive.NewLease(store, name, archive.NewHolderID(), time.Minute, nil)
	if ok, err := a.Acquire(t.Context()); !ok || err != nil {
		t.Fatalf("first acquire: held %v, err %v", ok, err)
	}
	s.armed.Store(true)
	if ok, err := a.Acquire(t.Context()); ok || err == nil {
		t.Fatalf("renewal whose confirming List fails: held %v, err %v; want an error", ok, err)
	}
	if err := a.Release(t.Context()); err != nil {
		t.Fatalf("release: %v", err)
	}
	if ok, err := b.Acquire(t.Context()); !ok || err != nil {
		t.Fatalf("the other lease after the release: held %v, err %v; want held at once", ok, err)
	}
}

// leaseRace: of replicas racing for a fresh lease, and then for an expired
// one, round after round, exactly one gets it; the log of terms stays
// short.
func leaseRace(t *testing.T, store storage.Store) {
	ctx := t.Context()
	const n = 6
	ttl := 300 * time.Millisecond
	for round := range 4 {
		leases := make([]*archive.Lease, n)
		for i := range leases {
			leases[i] = archive.NewLease(store, "race", archive.NewHolderID(), ttl, nil)
		}
		got := make([]bool, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, l := range leases {
			wg.Go(func() { got[i], errs[i] = l.Acquire(ctx) })
		}
		wg.Wait()
		holders := 0
		var holder *archive.Lease
		for i := range got {
			if errs[i] != nil {
				t.Fatalf("round %d: acquire %d: %v", round, i, errs[i])
			}
			if got[i] {
				holders++
				holder = leases[i]
			}
		}
		if holders != 1 {
			t.Fatalf("round %d: %d replicas hold the lease, want 1", round, holders)
		}
		// The holder renews; the others still cannot take it.
		if ok, err := holder.Acquire(ctx); !ok || err != nil {
			t.Fatalf("round %d: renewal: %v %v", round, ok, err)
		}
		for _, l := range leases {
			if l != holder {
				if ok, err := l.Acquire(ctx); ok || err != nil {
					t.Fatalf("round %d: another took a live lease: %v %v", round, ok, err)
				}
			}
		}
		infos, err := store.List(ctx, archive.LeasePrefix("race"))
		if err != nil {
			t.Fatal(err)
		}
		if len(infos) > 2 {
			t.Fatalf("round %d: %d terms kept, want at most 2", round, len(infos))
		}
		if round%2 == 0 {
			time.Sleep(ttl + ttl/4 + 20*time.Millisecond) // expired: the next round races for a dead holder's lease
		} else if err := holder.Release(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// sweepLog records the janitor sweeps under the lease, across archives.
type sweepLog struct {
	mu      sync.Mutex
	running map[string]time.Time
	by      map[string]*archive.Archive
	spans   []sweepSpan
	overlap []string
}

type sweepSpan struct {
	holder     string
	a          *archive.Archive
	start, end time.Time
}

func newSweepLog(t *testing.T) *sweepLog {
	l := &sweepLog{running: map[string]time.Time{}, by: map[string]*archive.Archive{}}
	t.Cleanup(archive.SetSweepHooks(func(a *archive.Archive, h string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		for other := range l.running {
			l.overlap = append(l.overlap, fmt.Sprintf("%s started while %s sweeps", h, other))
		}
		l.running[h] = time.Now()
		l.by[h] = a
	}, func(a *archive.Archive, h string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.spans = append(l.spans, sweepSpan{h, a, l.running[h], time.Now()})
		delete(l.running, h)
	}))
	return l
}

func (l *sweepLog) snapshot() ([]sweepSpan, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sweepSpan(nil), l.spans...), append([]string(nil), l.overlap...)
}

// byHolder counts the finished sweeps of each holder.
func byHolder(spans []sweepSpan) map[string]int {
	m := map[string]int{}
	for _, s := range spans {
		m[s.holder]++
	}
	return m
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// faultStore is one replica's view of the shared store: slowed, dead (every
// call fails, as from a crashed process) or stalled (the lease cannot be
// written, everything else hangs until its context ends).
type faultStore struct {
	storage.Store
	mode atomic.Int32 // 0 ok, 1 dead, 2 stalled
	slow time.Duration
}

var errDead = errors.New("replica is dead")

func (f *faultStore) gate(ctx context.Context, key string, write bool) error {
	switch f.mode.Load() {
	case 1:
		return errDead
	case 2:
		if write && strings.HasPrefix(key, "locks/") {
			return errDead
		}
		<-ctx.Done()
		return ctx.Err()
	}
	if f.slow > 0 {
		select {
		case <-time.After(f.slow):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (f *faultStore) Put(ctx context.Context, key string, r io.Reader, o storage.PutOptions) (storage.Info, error) {
	if err := f.gate(ctx, key, true); err != nil {
		return storage.Info{}, err
	}
	return f.Store.Put(ctx, key, r, o)
}

func (f *faultStore) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if err := f.gate(ctx, key, false); err != nil {
		return nil, storage.Info{}, err
	}
	return f.Store.Get(ctx, key)
}

func (f *faultStore) Delete(ctx context.Context, key string) error {
	if err := f.gate(ctx, key, true); err != nil {
		return err
	}
	return f.Store.Delete(ctx, key)
}

func (f *faultStore) List(ctx context.Context, prefix string) ([]storage.Info, error) {
	if err := f.gate(ctx, prefix, false); err != nil {
		return nil, err
	}
	return f.Store.List(ctx, prefix)
}

// replica is one archive running its janitor on the shared store.
type replica struct {
	a      *archive.Archive
	store  *faultStore
	cancel context.CancelFunc
	done   chan struct{}
}

func startReplica(t *testing.T, shared storage.Store, interval, slow time.Duration) *replica {
	fs := &faultStore{Store: shared, slow: slow}
	a := newArchive(t, fs, time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	r := &replica{a: a, store: fs, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		a.RunJanitor(ctx, interval, time.Hour)
	}()
	t.Cleanup(func() { r.cancel(); <-r.done })
	return r
}

// janitorOneAtATime: two replicas run their janitors on one store; sweeps
// never overlap, and one replica (the holder, renewing) does every sweep.
func janitorOneAtATime(t *testing.T, store storage.Store) {
	log := newSweepLog(t)
	interval := 250 * time.Millisecond // slack for a loaded CI machine
	startReplica(t, store, interval, 0)
	startReplica(t, store, interval, 0)
	time.Sleep(2500 * time.Millisecond)
	spans, overlap := log.snapshot()
	if len(overlap) > 0 {
		t.Fatalf("sweeps overlapped: %v", overlap)
	}
	hs := byHolder(spans)
	if len(hs) != 1 {
		t.Fatalf("sweeps by %d holders, want 1: %v", len(hs), hs)
	}
	if len(spans) < 6 {
		t.Fatalf("%d sweeps in 2.5 s at an interval of %v", len(spans), interval)
	}
	t.Logf("%d sweeps, all by one replica", len(spans))
}

// janitorTakeover: the holder dies (its store calls fail and its context
// is cancelled: no release) and the other replica takes over, only after
// the dead holder's term has expired; or the holder stops (context
// cancelled, lease released) and the other takes over at its next look.
func janitorTakeover(t *testing.T, store storage.Store, dies bool) {
	log := newSweepLog(t)
	interval := 250 * time.Millisecond // slack for a loaded CI machine
	ttl := archive.JanitorLeaseIntervals * interval
	a := startReplica(t, store, interval, 0)
	waitFor(t, 5*time.Second, "the first replica never swept", func() bool { s, _ := log.snapshot(); return len(s) > 0 })
	b := startReplica(t, store, interval, 0)
	time.Sleep(3 * interval)
	spans, _ := log.snapshot()
	first := spans[0].holder
	if hs := byHolder(spans); len(hs) != 1 {
		t.Fatalf("before the holder stops: sweeps by %v", hs)
	}
	if dies {
		a.store.mode.Store(1)
	}
	stopped := time.Now()
	a.cancel()
	<-a.done
	_ = b
	var took time.Time
	waitFor(t, 5*ttl, "the other replica never took over", func() bool {
		s, _ := log.snapshot()
		for _, sp := range s {
			if sp.holder != first {
				took = sp.start
				return true
			}
		}
		return false
	})
	after := took.Sub(stopped)
	_, overlap := log.snapshot()
	if len(overlap) > 0 {
		t.Fatalf("sweeps overlapped: %v", overlap)
	}
	// The dead holder's last term was written at most an interval before it
	// died: the other must wait out the rest, and then takes over within a
	// term, the skew and an interval.
	if dies && after < ttl-interval {
		t.Fatalf("took over %v after the holder died, before its term (%v) could have expired", after, ttl)
	}
	if dies && after > ttl+ttl/4+2*interval {
		t.Fatalf("took over %v after the holder died, want within %v", after, ttl+ttl/4+2*interval)
	}
	if !dies && after > interval+interval/2 {
		t.Fatalf("took over %v after the holder released its lease, want within an interval (%v)", after, interval)
	}
	t.Logf("took over %v after the holder stopped (term %v, dies %v)", after.Round(time.Millisecond), ttl, dies)
}

// janitorStale: the holder is cut off mid-sweep (it cannot renew, its other
// store calls hang): it must stop sweeping before its term runs out, so
// that the replica taking over after the expiry never sweeps alongside.
func janitorStale(t *testing.T, store storage.Store) {
	log := newSweepLog(t)
	interval := 300 * time.Millisecond // slack for a loaded CI machine
	ttl := archive.JanitorLeaseIntervals * interval
	// Slow store calls: a sweep lasts a few renewals.
	a := startReplica(t, store, interval, 36*time.Millisecond)
	waitFor(t, 5*time.Second, "the first replica never swept", func() bool { s, _ := log.snapshot(); return len(s) > 0 })
	b := startReplica(t, store, interval, 0)
	// Cut it off while it sweeps.
	waitFor(t, 5*time.Second, "the holder never started another sweep", func() bool {
		log.mu.Lock()
		defer log.mu.Unlock()
		for h := range log.running {
			return log.by[h] == a.a
		}
		return false
	})
	cut := time.Now()
	a.store.mode.Store(2)
	waitFor(t, 6*ttl, "the other replica never took over", func() bool {
		s, _ := log.snapshot()
		for _, sp := range s {
			if sp.a == b.a && sp.start.After(cut) {
				return true
			}
		}
		return false
	})
	spans, overlap := log.snapshot()
	if len(overlap) > 0 {
		t.Fatalf("a stale holder swept alongside the new one: %v", overlap)
	}
	var lastEnd, took time.Time
	for _, sp := range spans {
		if sp.a == a.a && sp.end.After(lastEnd) {
			lastEnd = sp.end
		}
		if sp.a == b.a && took.IsZero() {
			took = sp.start
		}
	}
	if stopped := lastEnd.Sub(cut); stopped < 0 || stopped > ttl {
		t.Fatalf("the cut-off holder's last sweep ended %v after the cut, want within its term %v", stopped, ttl)
	}
	if took.Before(lastEnd) {
		t.Fatalf("the other replica started %v before the cut-off holder stopped", lastEnd.Sub(took))
	}
	t.Logf("cut-off holder stopped %v after the cut; the other took over %v after it",
		lastEnd.Sub(cut).Round(time.Millisecond), took.Sub(cut).Round(time.Millisecond))
}
