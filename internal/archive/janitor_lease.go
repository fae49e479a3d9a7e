package archive

import (
	"context"
	"time"
)

// JanitorLeaseName names the lease (locks/janitor/) that lets one replica
// at a time sweep and purge.
const JanitorLeaseName = "janitor"

// JanitorLeaseIntervals is how many janitor intervals a term of the
// janitor's lease lasts: a holder that dies is replaced by another replica
// within about this many intervals, plus one (its next look) and the skew.
const JanitorLeaseIntervals = 3

// Test hooks: told when a sweep under the lease starts and ends.
var sweepStarted, sweepEnded func(a *Archive, holder string)

// janitorLease is the lease the janitor of this archive takes, with terms
// of JanitorLeaseIntervals × interval, timed by the wall clock (not the
// archive's clock, which tests set to dates).
func (a *Archive) janitorLease(interval time.Duration) *Lease {
	return NewLease(a.store, JanitorLeaseName, NewHolderID(), JanitorLeaseIntervals*interval, nil)
}

// janitorRound sweeps once if the lease can be had: it takes or renews the
// lease, then sweeps while renewing it every TTL/3; if a renewal fails or
// the term runs out the sweep's context is cancelled, so that a replica
// that lost its lease (cut off from the store, stalled) stops before
// another may take over. It reports whether it swept.
func (a *Archive) janitorRound(ctx context.Context, l *Lease, olderThan time.Duration) bool {
	actx, acancel := context.WithTimeout(ctx, l.TTL)
	held, err := l.Acquire(actx)
	acancel()
	if err != nil {
		a.log.Warn("janitor: lease not taken", "err", err)
	}
	if !held {
		return false
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		a.watchLease(sctx, cancel, done, l)
	}()
	holder := l.Holder()
	if sweepStarted != nil {
		sweepStarted(a, holder)
	}
	rep, err := a.Sweep(sctx, olderThan)
	close(done)
	<-watched
	if sweepEnded != nil {
		sweepEnded(a, holder)
	}
	if err != nil {
		a.log.Warn("janitor sweep failed", "err", err)
	} else if rep.Inflight+rep.Objects+rep.Recorded+rep.Purged > 0 {
		a.log.Info("janitor sweep", "inflight", rep.Inflight, "objects", rep.Objects, "recorded", rep.Recorded, "purged", rep.Purged)
	}
	return true
}

// watchLease renews the lease every TTL/3 while a sweep runs (until done
// is closed), and cancels the sweep when a renewal fails or finds the
// lease taken, or when the hold runs out before a renewal succeeded (a
// store that hangs).
func (a *Archive) watchLease(ctx context.Context, cancel context.CancelFunc, done <-chan struct{}, l *Lease) {
	every := max(l.TTL/3, time.Millisecond)
	for {
		_, until := l.Held()
		wait := min(every, until.Sub(l.now()))
		if wait <= 0 {
			a.log.Warn("janitor: lease ran out during a sweep, stopping it")
			cancel()
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-done:
			t.Stop()
			return
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if held, _ := l.Held(); !held {
			a.log.Warn("janitor: lease ran out during a sweep, stopping it")
			cancel()
			return
		}
		rctx, rcancel := context.WithDeadline(ctx, until)
		held, err := l.Acquire(rctx)
		rcancel()
		if err != nil || !held {
			a.log.Warn("janitor: lease lost during a sweep, stopping it", "err", err)
			cancel()
			return
		}
	}
}
