package console

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// The inbox's snapshot: what a console knew of every case at one ledger
// entry, so that a console starting (a restart, a new replica) shows its
// first inbox page without reading every manifest again. It is a copy of
// what the store holds, written by any replica, signed with the record key
// and trusted only with a valid MAC: a console starting takes the newest,
// follows the ledger from its entry and lists the store in the background
// at once (casefeed.go), so that a snapshot can make the first page fast
// but never wrong for long. It holds what the inbox shows, never an
// identity. It is written without a condition: two replicas writing the
// snapshot of the same entry write equivalent ones, and a reader that
// finds the newest gone meanwhile lists the store.
const (
	// snapshotPrefix is where snapshots are kept: <head, 12 digits>.json.gz.
	// The janitor deletes them when it purges a submission.
	snapshotPrefix = archive.InboxSnapshotPrefix
	// snapshotEvery is how often, at most, a console writes one, and only
	// when the ledger has grown since.
	snapshotEvery = time.Minute
	// snapshotsKept are the newest snapshots kept; older ones are removed
	// (so that a purged submission's summary does not outlive it).
	snapshotsKept = 1
	// maxSnapshotBytes bounds a snapshot as read (decompressed).
	maxSnapshotBytes = 256 << 20
	snapshotVersion  = 1
)

// inboxSnapshot is a snapshot as stored (JSON, gzipped).
type inboxSnapshot struct {
	Version int            `json:"version"`
	Head    int64          `json:"head"` // the last ledger entry it reflects
	At      time.Time      `json:"at"`
	Cases   []snapshotCase `json:"cases"`
	submission.Signed
}

// snapshotCase is one case: its manifest's key, what the inbox shows,
// and the status records' keys its stage was read from.
type snapshotCase struct {
	Key        string      `json:"key"`
	Summary    caseSummary `json:"summary"`
	StatusKeys string      `json:"status_keys,omitempty"`
}

func snapshotKey(head int64) string { return fmt.Sprintf("%s%012d.json.gz", snapshotPrefix, head) }

// restore takes the newest valid snapshot into the index's memory and
// returns what the feed needs of it; ok is false when there is none to
// trust (none, unreadable, or failing its MAC: logged).
func (x *caseIndex) restore(ctx context.Context) (head int64, keys []string, statusKeys map[string]string, ok bool) {
	store := x.archive.Store()
	infos, err := store.List(ctx, snapshotPrefix)
	if err != nil || len(infos) == 0 {
		return 0, nil, nil, false
	}
	key := infos[len(infos)-1].Key
	snap, err := readSnapshot(ctx, store, key)
	if err == nil && snap.Version == snapshotVersion {
		err = x.archive.Signer().Verify(snap)
	}
	if err != nil {
		x.log.Warn("inbox snapshot not used: the store is listed instead", "key", key, "err", err)
		return 0, nil, nil, false
	}
	statusKeys = make(map[string]string, len(snap.Cases))
	keys = make([]string, 0, len(snap.Cases))
	x.mu.Lock()
	for i := range snap.Cases {
		c := &snap.Cases[i]
		keys = append(keys, c.Key)
		sum := c.Summary
		x.manifests[c.Key] = &sum
		ref := strings.ToLower(sum.Reference)
		if c.StatusKeys != "" {
			statusKeys[ref] = c.StatusKeys
		}
		x.stages[sum.Reference] = stageSeen{keys: c.StatusKeys, stage: sum.Stage, seq: sum.Seq}
	}
	x.mu.Unlock()
	return snap.Head, keys, statusKeys, true
}

func readSnapshot(ctx context.Context, store storage.Store, key string) (*inboxSnapshot, error) {
	rc, _, err := store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	zr, err := gzip.NewReader(rc)
	if err != nil {
		return nil, err
	}
	var snap inboxSnapshot
	dec := json.NewDecoder(io.LimitReader(zr, maxSnapshotBytes))
	if err := dec.Decode(&snap); err != nil {
		return nil, err
	}
	return &snap, nil
}

// snapshotDue reports whether a snapshot at ledger entry head should be
// written now: the ledger has grown since this console's last one, which
// is snapshotEvery old, and none is being written. If so, the caller
// writes it (snapshot).
func (x *caseIndex) snapshotDue(head int64) bool {
	if x.archive.Signer() == nil {
		return false
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	due := head > x.snapHead && time.Since(x.snapAt) >= snapshotEvery && !x.snapping
	if due {
		x.snapping = true
	}
	return due
}

// snapshotSkipped undoes snapshotDue when the view fails.
func (x *caseIndex) snapshotSkipped() {
	x.mu.Lock()
	x.snapping = false
	x.mu.Unlock()
}

// snapshot writes, apart from the view that calls it, what the inbox shows
// now (cases, at ledger entry head, their manifests' keys by reference in
// keyOf, the status records' keys in statusKeys), then removes the older
// snapshots but the newest snapshotsKept. Failures are logged.
func (x *caseIndex) snapshot(head int64, cases []caseSummary, keyOf map[string]string, statusKeys map[string]string) {
	x.bg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := x.writeSnapshot(ctx, head, cases, keyOf, statusKeys)
		x.mu.Lock()
		x.snapping = false
		x.snapAt = time.Now()
		if err == nil {
			x.snapHead = head
		}
		x.mu.Unlock()
		if err != nil {
			x.log.Warn("inbox snapshot not written", "head", head, "err", err)
		}
	})
}

func (x *caseIndex) writeSnapshot(ctx context.Context, head int64, cases []caseSummary, keyOf map[string]string, statusKeys map[string]string) error {
	snap := inboxSnapshot{Version: snapshotVersion, Head: head, At: time.Now().UTC(), Cases: make([]snapshotCase, 0, len(cases))}
	for _, c := range cases {
		snap.Cases = append(snap.Cases, snapshotCase{Key: keyOf[c.Reference], Summary: c, StatusKeys: statusKeys[strings.ToLower(c.Reference)]})
	}
	if err := x.archive.Signer().Sign(&snap); err != nil {
		return err
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(&snap); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	store := x.archive.Store()
	if _, err := store.Put(ctx, snapshotKey(head), &buf, storage.PutOptions{ContentType: "application/gzip"}); err != nil {
		return err
	}
	infos, err := store.List(ctx, snapshotPrefix)
	if err != nil {
		return err
	}
	var errs []error
	for i := 0; i < len(infos)-snapshotsKept; i++ {
		if err := store.Delete(ctx, infos[i].Key); err != nil && !errors.Is(err, storage.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
