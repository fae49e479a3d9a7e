package console

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
)

// Defaults of caseFeed.
const (
	// relistEvery is how old the last listing of the store may grow
	// before the feed lists it again, in the background: what the ledger
	// does not tell (a commit whose entry is still to be recovered by the
	// janitor, records from before the record key) shows within it.
	relistEvery = time.Minute
	// maxFollow is how many new ledger entries one view reads; further
	// behind, the store is listed instead.
	maxFollow = 256
	// relistTimeout bounds a listing in the background.
	relistTimeout = 5 * time.Minute
)

// caseFeed knows which manifests and status records the store holds
// without listing the store for every view. It lists the store once (the
// first view), then follows the ledger, which records every manifest,
// status record and purge as it is written: a view reads the entries
// appended since the last one — most often a single read that finds
// none. Every relistEvery it lists the store again in the background and
// takes that listing, with the entries appended since it began, as the
// truth, so that anything the ledger missed shows too. Without a record
// key there is no ledger to follow: every view lists the store.
//
// What it keeps is a copy of what the store holds, never state of its
// own: each replica follows the same ledger.
type caseFeed struct {
	archive *archive.Archive
	list    func(context.Context) ([]string, map[string]string, error)
	// restore, when set, gives what a snapshot knew (its ledger entry,
	// manifest keys, status records' keys by reference); ok false for none.
	restore     func(context.Context) (head int64, keys []string, statusKeys map[string]string, ok bool)
	bg          *sync.WaitGroup // the listings in the background
	log         *slog.Logger
	relistEvery time.Duration
	now         func() time.Time

	mu         sync.Mutex // held while a view catches up; not while listing in the background
	listed     bool
	restored   bool              // restore was tried (once, at the first view)
	keys       map[string]bool   // manifest keys
	statusKeys map[string]string // the status records' keys by reference (lower case), one per line
	head       int64             // the last ledger entry applied
	listedAt   time.Time
	relisting  bool
}

// current returns the manifest keys (sorted) and the status records' keys
// by reference as the store holds them now, and the last ledger entry they
// reflect (0 without a ledger).
func (f *caseFeed) current(ctx context.Context) ([]string, map[string]string, int64, error) {
	if f.archive.Signer() == nil {
		keys, statusKeys, err := f.list(ctx)
		return keys, statusKeys, 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.listed && !f.restored && f.restore != nil {
		// A console starting: a snapshot, followed in the ledger from its
		// entry and checked by a listing in the background at once.
		f.restored = true
		if head, keys, statusKeys, ok := f.restore(ctx); ok {
			f.take(head, keys, statusKeys)
			f.listedAt = f.now().Add(-f.relistEvery)
		}
	}
	if f.listed {
		behind, err := f.follow(ctx)
		switch {
		case err != nil:
			f.log.Warn("ledger unreadable: the inbox lists the store", "err", err)
			f.listed = false
		case behind:
			f.listed = false
		}
	}
	if !f.listed {
		if err := f.relist(ctx); err != nil {
			return nil, nil, 0, err
		}
	} else if f.now().Sub(f.listedAt) >= f.relistEvery && !f.relisting {
		f.relisting = true
		f.bg.Go(f.relistInBackground)
	}
	return slices.Sorted(maps.Keys(f.keys)), maps.Clone(f.statusKeys), f.head, nil
}

// relist lists the store (f.mu held) from the ledger's head read first,
// so that what is appended meanwhile is followed later.
func (f *caseFeed) relist(ctx context.Context) error {
	head, keys, statusKeys, err := f.listAt(ctx)
	if err != nil {
		return err
	}
	f.take(head, keys, statusKeys)
	return nil
}

func (f *caseFeed) listAt(ctx context.Context) (int64, []string, map[string]string, error) {
	head, _, err := f.archive.Ledger().Head(ctx)
	if err != nil {
		return 0, nil, nil, err
	}
	keys, statusKeys, err := f.list(ctx)
	return head, keys, statusKeys, err
}

// take makes a listing the feed's truth (f.mu held).
func (f *caseFeed) take(head int64, keys []string, statusKeys map[string]string) {
	f.keys = make(map[string]bool, len(keys))
	for _, k := range keys {
		f.keys[k] = true
	}
	f.statusKeys, f.head, f.listedAt, f.listed = statusKeys, head, f.now(), true
}

// relistInBackground lists the store without holding up the views; the
// next view follows the ledger from the listing's head again (entries
// applied twice change nothing).
func (f *caseFeed) relistInBackground() {
	ctx, cancel := context.WithTimeout(context.Background(), relistTimeout)
	defer cancel()
	head, keys, statusKeys, err := f.listAt(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.relisting = false
	if err != nil {
		f.log.Warn("inbox: listing the store failed; the ledger is followed meanwhile", "err", err)
		f.listedAt = f.now() // try again a relistEvery later
		return
	}
	f.take(head, keys, statusKeys)
}

// follow applies the ledger entries after f.head (f.mu held). behind: more
// than maxFollow of them, or one that cannot be trusted: list instead.
func (f *caseFeed) follow(ctx context.Context) (behind bool, err error) {
	l := f.archive.Ledger()
	for range maxFollow {
		e, err := l.Entry(ctx, f.head+1)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return false, nil
		case errors.Is(err, ledger.ErrNotAuthentic):
			f.log.Warn("ledger entry not authentic: the inbox lists the store (run award audit verify)", "err", err)
			return true, nil
		case err != nil:
			return false, err
		}
		f.apply(e)
		f.head++
	}
	return true, nil
}

// apply takes one entry into the copy.
func (f *caseFeed) apply(e ledger.Entry) {
	switch e.Kind {
	case ledger.KindCommit:
		if _, _, ok := ledger.ManifestOf(e.Key); ok {
			f.keys[e.Key] = true
		}
	case ledger.KindStatus:
		ref, _, ok := strings.Cut(strings.TrimPrefix(e.Key, "status/"), "/")
		if ok && !strings.Contains(f.statusKeys[ref], e.Key+"\n") {
			f.statusKeys[ref] += e.Key + "\n"
		}
	case ledger.KindPurged:
		delete(f.keys, e.Key)
		delete(f.statusKeys, strings.ToLower(e.Reference))
	}
}
