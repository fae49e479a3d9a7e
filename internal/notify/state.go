package notify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Timing of deliveries.
const (
	// AttemptTimeout is the longest one send may take.
	AttemptTimeout = 2 * time.Minute
	// AttemptLease is how long a claimed attempt without an outcome is
	// taken to be still running; after it, the attempt counts as failed.
	// Well beyond AttemptTimeout plus the clock skew between replicas.
	AttemptLease = 10 * time.Minute
	// FirstRetry and MaxRetry bound Backoff.
	FirstRetry = time.Minute
	MaxRetry   = time.Hour
)

// Backoff is the wait after failed attempt n (1, 2, …) before the next:
// FirstRetry doubled for each attempt before it, at most MaxRetry.
func Backoff(n int) time.Duration {
	d := FirstRetry
	for i := 1; i < n && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

// msgState is what the store says about one message.
type msgState struct {
	id         string
	queued     bool // message.json exists
	sent       bool
	last       int       // highest attempt claimed, 0 if none
	lastFailed bool      // failed-<last> exists
	lastAt     time.Time // when attempt last was claimed, or when it failed
}

// dueAt is when the next attempt may start.
func (s msgState) dueAt() time.Time {
	switch {
	case s.last == 0:
		return time.Time{}
	case s.lastFailed:
		return s.lastAt.Add(Backoff(s.last))
	default: // claimed, no outcome: running, or abandoned once the lease is over
		return s.lastAt.Add(max(AttemptLease, Backoff(s.last)))
	}
}

// failing reports whether the last attempt failed, or was abandoned.
func (s msgState) failing(now time.Time) bool {
	return s.last > 0 && (s.lastFailed || !now.Before(s.lastAt.Add(AttemptLease)))
}

// scan reads the state of every message in the outbox, in ID order. For
// unsent messages it reads the last attempt's claim or failure.
func (o *Outbox) scan(ctx context.Context) ([]msgState, error) {
	infos, err := o.store.List(ctx, Prefix)
	if err != nil {
		return nil, fmt.Errorf("notify: list the outbox: %w", err)
	}
	var states []msgState
	failed := map[string]map[int]time.Time{} // id → failed attempts → the object's time
	claimed := map[string]time.Time{}        // id → the last claim's object time
	for _, info := range infos {
		id, name, ok := strings.Cut(strings.TrimPrefix(info.Key, Prefix), "/")
		if !ok || strings.Contains(name, "/") {
			continue
		}
		if len(states) == 0 || states[len(states)-1].id != id {
			states = append(states, msgState{id: id})
		}
		s := &states[len(states)-1]
		switch {
		case name == "message.json":
			s.queued = true
		case name == "sent.json":
			s.sent = true
		case strings.HasPrefix(name, "attempt-"):
			if n := recordNumber(name, "attempt-"); n > s.last {
				s.last = n
				claimed[id] = info.Modified
			}
		case strings.HasPrefix(name, "failed-"):
			if n := recordNumber(name, "failed-"); n > 0 {
				if failed[id] == nil {
					failed[id] = map[int]time.Time{}
				}
				failed[id][n] = info.Modified
			}
		}
	}
	out := states[:0]
	for _, s := range states {
		if !s.queued {
			continue // records of a message not (yet) visible: nothing to send
		}
		if !s.sent && s.last > 0 {
			key, at := attemptKey(s.id, s.last), claimed[s.id]
			if fat, ok := failed[s.id][s.last]; ok {
				s.lastFailed = true
				key, at = failedKey(s.id, s.last), fat
			}
			var r record
			if err := o.getJSON(ctx, key, &r); err == nil && !r.At.IsZero() {
				at = r.At
			} else if err != nil {
				o.log.Warn("outbox record unreadable; using the store's time", "key", key, "err", err)
			}
			s.lastAt = at
		}
		out = append(out, s)
	}
	return out, nil
}

// recordNumber parses the N of attempt-NNNNNN.json, 0 if it is not one.
func recordNumber(name, prefix string) int {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".json"))
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// Counts says how many messages are pending (not yet sent, failing ones
// included), sent, and failing (pending, and the last attempt failed or
// was abandoned), across every replica. It also updates
// award_mail_pending.
func (o *Outbox) Counts(ctx context.Context) (pending, sent, failing int, err error) {
	states, err := o.scan(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	now := o.now()
	for _, s := range states {
		switch {
		case s.sent:
			sent++
		default:
			pending++
			if s.failing(now) {
				failing++
			}
		}
	}
	o.m.pending.Set(float64(pending))
	return pending, sent, failing, nil
}
