package archive

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zhongmou/award/storage"
)

// A Lease lets one of several replicas sharing a store do something alone
// (the janitor's sweep and purge), for a term that expires unless renewed,
// so that another replica takes over when the holder dies.
//
// It needs nothing of the store beyond Put with IfAbsent (conditional
// create) and a consistent List, which both stores have: the lease is a log
// of terms, locks/<name>/<term>.json, term numbers zero-padded so that keys
// sort as numbers. Each term names its holder and its expiry (by the
// writer's clock). Taking the lease — first, renewing it, or taking it over
// once the latest term has expired — is creating the next term's object
// only if absent, so that of replicas racing for a term exactly one gets
// it; the winner then lists again and holds only if its term is still the
// latest (a replica that stalled between its List and its Put may have
// recreated a term already cleaned up, below the latest). A holder deletes
// the terms before its own, so the log stays at a few objects; a renewal
// costs one small Put, one List and a Delete.
//
// A holder holds until its term's expiry; another replica takes over only
// once the expiry is past by Skew on its own clock: clocks agreeing within
// Skew, two replicas never both hold. Release (graceful shutdown) writes a
// released term that others may take at once.
type Lease struct {
	store  storage.Store
	prefix string
	holder string
	// TTL is how long a term lasts from its writing; Skew how far past a
	// term's expiry another replica waits before taking over.
	TTL, Skew time.Duration
	now       func() time.Time

	mu    sync.Mutex
	term  uint64    // the latest term this lease wrote, 0 for none
	until time.Time // when the hold ends, zero when not held
	// burnt are terms this lease could neither create nor read (or whose
	// creation the store held up past the caller's deadline), with when it
	// first found so.
	burnt map[uint64]time.Time
	// tried is the latest term this lease tried to create, and its expiry:
	// a write that failed, or whose confirming List failed, may still have
	// stored it, and Release hands it back too.
	tried      uint64
	triedUntil time.Time
}

// leaseRecord is a term as stored.
type leaseRecord struct {
	Holder   string    `json:"holder"`
	Term     uint64    `json:"term"`
	Expires  time.Time `json:"expires"`
	Released bool      `json:"released,omitempty"`
}

// LeasePrefix is where the terms of the lease named name are kept.
func LeasePrefix(name string) string { return "locks/" + name + "/" }

// NewLease returns a lease named name (a key element: lower-case letters,
// digits, - and _) over store for holder (unique among the replicas, and
// among the leases of one process: NewHolderID), with terms of ttl and a
// Skew of ttl/4 up to 30 s. now nil is time.Now.
func NewLease(store storage.Store, name, holder string, ttl time.Duration, now func() time.Time) *Lease {
	if now == nil {
		now = time.Now
	}
	return &Lease{store: store, prefix: LeasePrefix(name), holder: holder, TTL: ttl, Skew: min(ttl/4, 30*time.Second), now: now}
}

// NewHolderID names a lease holder: host, process and a random part, so
// that two leases of one process differ too.
func NewHolderID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Holder is the holder id the lease writes.
func (l *Lease) Holder() string { return l.holder }

// Held reports whether the lease holds now, and until when.
func (l *Lease) Held() (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.until.IsZero() && l.now().Before(l.until), l.until
}

func (l *Lease) key(term uint64) string { return fmt.Sprintf("%s%016d.json", l.prefix, term) }

// latest returns the latest term stored (ok false for none), and the keys
// of the terms before it.
func (l *Lease) latest(ctx context.Context) (rec leaseRecord, ok bool, older []string, err error) {
	infos, err := l.store.List(ctx, l.prefix)
	if err != nil {
		return rec, false, nil, err
	}
	var last storage.Info
	var lastTerm uint64
	for _, in := range infos {
		n, perr := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(in.Key, l.prefix), ".json"), 10, 64)
		if perr != nil {
			continue
		}
		if ok {
			older = append(older, last.Key)
		}
		last, lastTerm, ok = in, n, true
	}
	if !ok {
		return rec, false, nil, nil
	}
	rd, _, err := l.store.Get(ctx, last.Key)
	if errors.Is(err, storage.ErrNotFound) {
		// Listed but not there: deleted since the List (a newer term is
		// there now), or a listing that lags behind (a degraded MinIO).
		// Take it as live for a term from its writing: safe, and the lease
		// cannot stick on a term nobody can read.
		return leaseRecord{Term: lastTerm, Expires: last.Modified.Add(l.TTL)}, true, older, nil
	}
	if err != nil {
		return rec, false, nil, err
	}
	defer rd.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(rd); err != nil {
		return rec, false, nil, err
	}
	if jerr := json.Unmarshal(buf.Bytes(), &rec); jerr != nil || rec.Term != lastTerm {
		// Unreadable: it expires a term after it was written.
		rec = leaseRecord{Term: lastTerm, Expires: last.Modified.Add(l.TTL)}
	}
	// A listing may lag behind a write (a degraded MinIO): look for the
	// next terms directly.
	for range 3 {
		next, ok := l.read(ctx, rec.Term+1)
		if !ok {
			break
		}
		older = append(older, l.key(rec.Term))
		rec = next
	}
	return rec, true, older, nil
}

// read gets the term's object, ok false when it is missing or unreadable.
func (l *Lease) read(ctx context.Context, term uint64) (leaseRecord, bool) {
	rd, _, err := l.store.Get(ctx, l.key(term))
	if err != nil {
		return leaseRecord{}, false
	}
	defer rd.Close()
	var rec leaseRecord
	if err := json.NewDecoder(rd).Decode(&rec); err != nil || rec.Term != term {
		return leaseRecord{}, false
	}
	return rec, true
}

// Acquire takes the lease, or renews it if this lease holds it, and
// reports whether it holds it now. A replica that gets false (another
// holds) tries again later. On an error the lease holds no longer than it
// did (Held). Callers bound ctx (a term at most): a term whose creation
// the store holds up past it is skipped a term and Skew later.
func (l *Lease) Acquire(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rec, ok, _, err := l.latest(ctx)
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", l.prefix, err)
	}
	now := l.now()
	mine := ok && rec.Holder == l.holder && rec.Term == l.term && !rec.Released && now.Before(rec.Expires)
	if ok && !mine && !rec.Released && now.Before(rec.Expires.Add(l.Skew)) {
		l.until = time.Time{}
		return false, nil
	}
	var next uint64 = 1
	if ok {
		next = rec.Term + 1
	}
	var start time.Time
	for {
		// A term found burnt: whoever wrote it held it for a term at most;
		// once that is surely over, go past it.
		if first, seen := l.burnt[next]; seen {
			if l.now().Before(first.Add(l.TTL + l.Skew)) {
				l.until = time.Time{}
				return false, nil
			}
			next++
			continue
		}
		start = l.now()
		l.tried, l.triedUntil = next, start.Add(l.TTL)
		won, err := l.write(ctx, leaseRecord{Holder: l.holder, Term: next, Expires: start.Add(l.TTL)})
		if err != nil {
			if ctx.Err() != nil {
				// The store held the write up past the caller's deadline:
				// the term's key may stay locked (a MinIO node that died
				// while another writer wrote it keeps it so for up to two
				// minutes). Burnt, so that the next tries go past it.
				l.burn(next)
			}
			return false, err
		}
		if won {
			break
		}
		// The term exists, but neither the List nor a Get gave it: a
		// write left unreadable (a node died during it). Burnt.
		l.until = time.Time{}
		l.burn(next)
		return false, nil
	}
	for t := range l.burnt {
		if t < next {
			delete(l.burnt, t)
		}
	}
	// Still the latest? (A term recreated below the latest is not.)
	rec2, ok2, older, err := l.latest(ctx)
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", l.prefix, err)
	}
	if !ok2 || rec2.Term != next || rec2.Holder != l.holder {
		l.until = time.Time{}
		return false, nil
	}
	l.term, l.until = next, start.Add(l.TTL)
	for _, k := range older {
		_ = l.store.Delete(ctx, k) // best effort: the next holder deletes what is left
	}
	return l.now().Before(l.until), nil
}

// burn notes that term could neither be created nor read, from now,
// unless it was noted before.
func (l *Lease) burn(term uint64) {
	if _, seen := l.burnt[term]; seen {
		return
	}
	if l.burnt == nil {
		l.burnt = map[uint64]time.Time{}
	}
	l.burnt[term] = l.now()
}

// write creates the term's object only if absent: false when another
// replica wrote that term first.
func (l *Lease) write(ctx context.Context, rec leaseRecord) (bool, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return false, err
	}
	_, err = l.store.Put(ctx, l.key(rec.Term), bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if errors.Is(err, storage.ErrExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", l.prefix, err)
	}
	return true, nil
}

// Release gives up the lease if this lease holds it, or may hold it (a
// term whose creation reported an error, or could not be confirmed, yet
// was stored), writing a released term that another replica may take at
// once (instead of after the expiry). Otherwise it does nothing.
func (l *Lease) Release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	holds := !l.until.IsZero() && now.Before(l.until)
	mayHold := l.tried != 0 && now.Before(l.triedUntil)
	if !holds && !mayHold {
		l.until = time.Time{}
		return nil
	}
	rec, ok, _, err := l.latest(ctx)
	if err != nil {
		return fmt.Errorf("lease %s: %w", l.prefix, err)
	}
	l.until = time.Time{}
	if !ok || rec.Holder != l.holder || rec.Released || (rec.Term != l.term && rec.Term != l.tried) {
		return nil
	}
	_, err = l.write(ctx, leaseRecord{Holder: l.holder, Term: rec.Term + 1, Expires: l.now(), Released: true})
	return err
}
