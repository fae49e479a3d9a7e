// Package ledger is the append-only, hash-chained record of everything
// committed to storage: each submission's manifest, each status record, and
// each submission purged at the end of its retention period. With the MACs
// on the records themselves (submission.Signer), it makes the stored record
// tamper-evident: a record changed, replaced, removed or added behind the
// software's back shows when Verify walks the ledger and the storage.
//
// Layout. One object per entry, ledger/<seq>.json with seq zero-padded to
// 12 digits (ledger/000000000001.json is the first), written with
// PutOptions{IfAbsent: true}, so that entries are never overwritten and two
// writers (two intake replicas, award status) never take the same number.
// An entry is the JSON of Entry: its sequence number, time, kind, the
// reference and the storage key of what it records, the SHA-256 of that
// object's stored bytes, prev — the SHA-256 (hex) of the previous entry's
// stored bytes, "" for the first — and a MAC under the record key over all
// of that. Removing, changing or reordering entries breaks the chain or a
// MAC; an entry cannot be forged without the key.
//
// Order. A submission is committed as files, manifest (IfAbsent), then its
// ledger entry; a status record as record, then entry; a purge as entry,
// then deletion. A crash between an object and its entry leaves a signed
// object without an entry: Recover, run by the intake's janitor, appends
// the missing entry (marked recovered), and Verify reports such objects as
// unrecorded until then.
//
// Records from before the record key (no MAC, no entry) are reported until
// Adopt records them as they are (entries marked adopted, with the
// operator); from then on they are held to those bytes.
//
// What storage alone cannot show: the newest entries removed together with
// the objects they record leave a shorter, consistent ledger. Verify reports
// the head (the last entry and its SHA-256); noting it elsewhere (the
// secretariat's register) and giving it back to Verify (VerifyOptions.Head)
// closes that gap.
package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Prefix is where the ledger's entries are stored.
const Prefix = "ledger/"

// Kinds of entry.
const (
	KindCommit = "commit" // a submission's manifest was written
	KindStatus = "status" // a status record was written
	KindPurged = "purged" // a submission was deleted at the end of its retention period
)

// Entry is one entry of the ledger.
type Entry struct {
	Seq  int64     `json:"seq"`
	At   time.Time `json:"at"`
	Kind string    `json:"kind"` // KindCommit, KindStatus or KindPurged
	// Reference is the submission's reference.
	Reference string `json:"reference"`
	// Key is the storage key of the object recorded: the manifest (commit,
	// purged) or the status record (status).
	Key string `json:"key"`
	// SHA256 is the SHA-256 (hex) of the object's stored bytes when it was
	// recorded: for a commit, of the manifest as stored.
	SHA256 string `json:"sha256"`
	// Prev is the SHA-256 (hex) of the previous entry's stored bytes; ""
	// for the first entry.
	Prev string `json:"prev"`
	// Recovered marks an entry appended by Recover after a crash had left
	// its object unrecorded.
	Recovered bool `json:"recovered,omitempty"`
	// Adopted marks an entry appended by Adopt for a record stored before
	// the record key existed, and Operator is who adopted it.
	Adopted  bool   `json:"adopted,omitempty"`
	Operator string `json:"operator,omitempty"`
	submission.Signed
}

// Key is the storage key of entry seq.
func Key(seq int64) string { return fmt.Sprintf("%s%012d.json", Prefix, seq) }

// seqOf reads the sequence number from an entry's key; ok is false for a
// key that is not an entry's.
func seqOf(key string) (int64, bool) {
	s, found := strings.CutPrefix(key, Prefix)
	s, json := strings.CutSuffix(s, ".json")
	if !found || !json || len(s) != 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// Sum is the SHA-256 of data, hex: what Entry.SHA256 and Entry.Prev hold.
func Sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// maxEntryBytes bounds how much of an entry is read.
const maxEntryBytes = 64 << 10

// errTooLarge: an object is larger than any record the software writes.
var errTooLarge = errors.New("超过记录的最大长度")

// Ledger appends to and reads the ledger in one store. It is safe for
// concurrent use; appends of one Ledger are serialised, and appends of
// several (other processes) are ordered by the store.
type Ledger struct {
	store  storage.Store
	signer *submission.Signer
	now    func() time.Time

	mu   sync.Mutex
	head int64  // hint: the last entry this Ledger wrote or read; 0 = unknown
	prev string // SHA-256 of the entry at head
}

// New returns the ledger of store, signing with signer. now is the clock of
// the entries; nil means time.Now.
func New(store storage.Store, signer *submission.Signer, now func() time.Time) *Ledger {
	if now == nil {
		now = time.Now
	}
	return &Ledger{store: store, signer: signer, now: now}
}

// Signer is the record key the ledger signs with, for the records it
// records.
func (l *Ledger) Signer() *submission.Signer { return l.signer }

// Store is the store the ledger is kept in.
func (l *Ledger) Store() storage.Store { return l.store }

// Append adds e as the next entry: it sets e's Seq, Prev, MAC and, when
// zero, At, writes it IfAbsent under Key(Seq) and returns it as written.
// The entry number starts from the last one this Ledger knows of (found by
// listing the first time); if another writer has taken it (ErrExists),
// Append reads that entry and tries the next, so that the chain has neither
// gaps nor forks whatever the number of writers.
func (l *Ledger) Append(ctx context.Context, e Entry) (Entry, error) {
	if l.signer == nil {
		return Entry{}, submission.ErrNoSigner
	}
	if e.At.IsZero() {
		e.At = l.now()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.head == 0 {
		if err := l.findHead(ctx); err != nil {
			return Entry{}, err
		}
	}
	for {
		e.Seq, e.Prev, e.MAC = l.head+1, l.prev, nil
		if err := l.signer.Sign(&e); err != nil {
			return Entry{}, err
		}
		data, err := encode(e)
		if err != nil {
			return Entry{}, err
		}
		_, err = l.store.Put(ctx, Key(e.Seq), bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
		if err == nil {
			l.head, l.prev = e.Seq, Sum(data)
			return e, nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return Entry{}, fmt.Errorf("写入账本第 %d 条出错：%w", e.Seq, err)
		}
		// Another writer took the number: chain onto its entry.
		taken, err := l.read(ctx, Key(e.Seq))
		if err != nil {
			return Entry{}, fmt.Errorf("读取账本第 %d 条出错：%w", e.Seq, err)
		}
		l.head, l.prev = e.Seq, Sum(taken)
	}
}

// findHead sets the hint from the last entry in storage (none: 0 and "").
func (l *Ledger) findHead(ctx context.Context) error {
	infos, err := l.store.List(ctx, Prefix)
	if err != nil {
		return fmt.Errorf("列出账本出错：%w", err)
	}
	for i := len(infos) - 1; i >= 0; i-- {
		seq, ok := seqOf(infos[i].Key)
		if !ok {
			continue
		}
		data, err := l.read(ctx, infos[i].Key)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("读取账本第 %d 条出错：%w", seq, err)
		}
		l.head, l.prev = seq, Sum(data)
		return nil
	}
	l.head, l.prev = 0, ""
	return nil
}

// read returns an object's bytes, at most limit.
func (l *Ledger) read(ctx context.Context, key string) ([]byte, error) {
	return ReadObject(ctx, l.store, key, maxEntryBytes)
}

// ReadObject returns a small object's bytes; one larger than limit is an
// error.
func ReadObject(ctx context.Context, store storage.Store, key string, limit int64) ([]byte, error) {
	rc, _, err := store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s：%w（%d 字节）", key, errTooLarge, limit)
	}
	return data, nil
}

// encode is an entry as stored.
func encode(e Entry) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode ledger entry: %w", err)
	}
	return append(b, '\n'), nil
}

// Record appends an entry of kind for the object at key, whose stored bytes
// are data: the common case of Append.
func (l *Ledger) Record(ctx context.Context, kind, reference, key string, data []byte) (Entry, error) {
	return l.Append(ctx, Entry{Kind: kind, Reference: reference, Key: key, SHA256: Sum(data)})
}
