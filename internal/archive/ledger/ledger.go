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
// The chain itself — numbering, linking, the race between writers, the
// walk that finds broken links — is Chain, which the archive's audit log
// (audit/log/) shares.
//
// What storage alone cannot show: the newest entries removed together with
// the objects they record leave a shorter, consistent ledger. Verify reports
// the head (the last entry and its SHA-256); noting it elsewhere (the
// secretariat's register) and giving it back to Verify (VerifyOptions.Head)
// closes that gap.
package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	// KindSupplement: a supplement's record was written (Key); Reference
	// is the submission it supplements.
	KindSupplement = "supplement"
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

// Sum is the SHA-256 of data, hex: what Entry.SHA256 and Entry.Prev hold.
func Sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// AppendTimeout is how long a writer waits for one entry (its turn and
// the store's answers) before it leaves the entry to Recover: far longer
// than an append takes with the store well (milliseconds, or a few
// seconds under load), far shorter than MinIO keeps a key locked for a
// node that died while writing it.
const AppendTimeout = 10 * time.Second

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
	chain  *Chain // the entries
	// reader is the same chain with its own head hint and turn, for Head:
	// so that a reader finding the head never waits on, or holds up, an
	// append.
	reader *Chain

	mu     sync.Mutex
	chains map[string]*Chain // other chains in the store, by prefix (Chain)
}

// New returns the ledger of store, signing with signer. now is the clock of
// the entries; nil means time.Now.
func New(store storage.Store, signer *submission.Signer, now func() time.Time) *Ledger {
	if now == nil {
		now = time.Now
	}
	return &Ledger{store: store, signer: signer, now: now,
		chain: NewChain(store, Prefix, "账本", maxEntryBytes), reader: NewChain(store, Prefix, "账本", maxEntryBytes)}
}

// Signer is the record key the ledger signs with, for the records it
// records.
func (l *Ledger) Signer() *submission.Signer { return l.signer }

// Store is the store the ledger is kept in.
func (l *Ledger) Store() storage.Store { return l.store }

// Chain returns the hash chain kept under prefix in the ledger's store
// (see NewChain), the same Chain each time for one prefix, so that its
// head hint lasts as long as the Ledger: for the other append-only logs
// kept beside the ledger and signed with its key (the archive's audit log).
// name and limit are those of the first call for the prefix.
func (l *Ledger) Chain(prefix, name string, limit int64) *Chain {
	if prefix == Prefix {
		return l.chain
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.chains[prefix]
	if !ok {
		if l.chains == nil {
			l.chains = map[string]*Chain{}
		}
		c = NewChain(l.store, prefix, name, limit)
		l.chains[prefix] = c
	}
	return c
}

// Append adds e as the next entry: it sets e's Seq, Prev, MAC and, when
// zero, At, writes it IfAbsent under Key(Seq) and returns it as written.
// The entry number starts from the last one this Ledger knows of (found by
// listing the first time); if another writer has taken it (ErrExists),
// Append reads that entry and tries the next, so that the chain has neither
// gaps nor forks whatever the number of writers (Chain.Append).
func (l *Ledger) Append(ctx context.Context, e Entry) (Entry, error) {
	if l.signer == nil {
		return Entry{}, submission.ErrNoSigner
	}
	if e.At.IsZero() {
		e.At = l.now()
	}
	_, _, err := l.chain.Append(ctx, func(seq int64, prev string) ([]byte, error) {
		e.Seq, e.Prev, e.MAC = seq, prev, nil
		if err := l.signer.Sign(&e); err != nil {
			return nil, err
		}
		return encode(e)
	})
	if err != nil {
		return Entry{}, err
	}
	return e, nil
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
