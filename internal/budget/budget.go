// Package budget bounds the memory that requests in progress may hold in
// all, whatever the number of clients: a Pool is a number of bytes shared
// by the requests of a process. A request takes its share before it fills
// a buffer and gives it back when the buffer is free; one that cannot get
// its share within the pool's wait gets ErrBusy, and its caller answers
// 503 with Retry-After instead of growing the process.
package budget

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// ErrBusy means a share could not be had within the pool's wait.
var ErrBusy = errors.New("memory budget exhausted")

// Pool is a budget of bytes. A nil *Pool is unlimited: Acquire always
// succeeds at once. It is safe for concurrent use.
type Pool struct {
	name  string
	size  int64
	wait  time.Duration
	sem   *semaphore.Weighted
	inUse atomic.Int64
	peak  atomic.Int64
	busy  atomic.Int64
}

// New returns a pool of size bytes whose Acquire waits at most wait.
func New(name string, size int64, wait time.Duration) *Pool {
	return &Pool{name: name, size: size, wait: wait, sem: semaphore.NewWeighted(size)}
}

// Acquire takes n bytes, waiting at most the pool's wait (or until ctx is
// done). It fails with an error matching ErrBusy when the share could not
// be had in time or n exceeds the whole pool, and with ctx's error when ctx
// ended first.
func (p *Pool) Acquire(ctx context.Context, n int64) error {
	if p == nil || n <= 0 {
		return nil
	}
	if n > p.size {
		p.busy.Add(1)
		return fmt.Errorf("%s: %d bytes asked of %d: %w", p.name, n, p.size, ErrBusy)
	}
	if !p.sem.TryAcquire(n) {
		wctx, cancel := context.WithTimeout(ctx, p.wait)
		err := p.sem.Acquire(wctx, n)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			p.busy.Add(1)
			return fmt.Errorf("%s: no %d bytes free within %s: %w", p.name, n, p.wait, ErrBusy)
		}
	}
	p.noteTaken(n)
	return nil
}

// noteTaken counts n bytes taken in the figures.
func (p *Pool) noteTaken(n int64) {
	now := p.inUse.Add(n)
	for {
		old := p.peak.Load()
		if now <= old || p.peak.CompareAndSwap(old, now) {
			return
		}
	}
}

// TryAcquire takes n bytes if they are free now and no Acquire is waiting,
// and says whether it did; it never waits. It is for a share that speeds
// a request up but that the request can do without.
func (p *Pool) TryAcquire(n int64) bool {
	if p == nil || n <= 0 {
		return true
	}
	if n > p.size || !p.sem.TryAcquire(n) {
		return false
	}
	p.noteTaken(n)
	return true
}

// Release gives back n bytes taken with Acquire or TryAcquire.
func (p *Pool) Release(n int64) {
	if p == nil || n <= 0 {
		return
	}
	p.inUse.Add(-n)
	p.sem.Release(n)
}

// Stats says how the pool is used.
type Stats struct {
	Name  string
	Size  int64 // bytes in all
	InUse int64 // bytes taken now
	Peak  int64 // most bytes ever taken at once
	Busy  int64 // Acquire calls refused with ErrBusy
}

// Stats returns the pool's figures; a nil pool has none.
func (p *Pool) Stats() Stats {
	if p == nil {
		return Stats{}
	}
	return Stats{Name: p.name, Size: p.size, InUse: p.inUse.Load(), Peak: p.peak.Load(), Busy: p.busy.Load()}
}
