package budget

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestPoolBoundsWhatIsHeld(t *testing.T) {
	p := New("test", 10, 50*time.Millisecond)
	ctx := context.Background()
	if err := p.Acquire(ctx, 6); err != nil {
		t.Fatal(err)
	}
	if err := p.Acquire(ctx, 4); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := p.Acquire(ctx, 1); !errors.Is(err, ErrBusy) {
		t.Fatalf("over budget: %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 40*time.Millisecond {
		t.Errorf("gave up after %v, before its wait", waited)
	}
	if err := p.Acquire(ctx, 11); !errors.Is(err, ErrBusy) {
		t.Fatalf("more than the pool: %v", err)
	}
	p.Release(4)
	if err := p.Acquire(ctx, 3); err != nil {
		t.Fatalf("after release: %v", err)
	}
	st := p.Stats()
	if st.InUse != 9 || st.Peak != 10 || st.Busy != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestPoolWaiterGetsReleasedShare(t *testing.T) {
	p := New("test", 8, 5*time.Second)
	ctx := context.Background()
	if err := p.Acquire(ctx, 8); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Acquire(ctx, 5) }()
	select {
	case err := <-done:
		t.Fatalf("got 5 bytes while all 8 were taken (err %v)", err)
	case <-time.After(20 * time.Millisecond):
	}
	p.Release(8)
	if err := <-done; err != nil {
		t.Fatalf("waiter: %v", err)
	}
}

func TestPoolCancelled(t *testing.T) {
	p := New("test", 1, time.Minute)
	_ = p.Acquire(context.Background(), 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Acquire(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	var nilPool *Pool
	if err := nilPool.Acquire(ctx, 1<<40); err != nil {
		t.Fatalf("nil pool: %v", err)
	}
}

// TryAcquire takes a share only when it is free at once and nobody waits,
// and what it took counts and is given back like any share.
func TestPoolTryAcquire(t *testing.T) {
	p := New("test", 10, time.Second)
	if !p.TryAcquire(6) || !p.TryAcquire(4) {
		t.Fatal("TryAcquire refused a free share")
	}
	if p.TryAcquire(1) {
		t.Fatal("TryAcquire took more than the pool")
	}
	if st := p.Stats(); st.InUse != 10 || st.Peak != 10 || st.Busy != 0 {
		t.Errorf("stats %+v; a refused TryAcquire is not busy", st)
	}
	waiting := make(chan error)
	go func() { waiting <- p.Acquire(context.Background(), 3) }()
	for deadline := time.Now().Add(5 * time.Second); p.sem.TryAcquire(0); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the Acquire never waited")
		}
	}
	p.Release(2)
	if p.TryAcquire(2) {
		t.Error("TryAcquire went before a waiting Acquire")
	}
	p.Release(2)
	if err := <-waiting; err != nil {
		t.Fatal(err)
	}
	var unlimited *Pool
	if !unlimited.TryAcquire(1 << 40) {
		t.Error("a nil pool refused")
	}
}
