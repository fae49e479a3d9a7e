package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Upload is one submission being received: begun (its reference reserved)
// and not yet committed or discarded. It is used by one goroutine.
type Upload struct {
	a        *Archive
	of       string // a supplement's: the submission it supplements
	inflight submission.Inflight
	written  []string // keys stored so far
	done     bool     // committed or discarded
	claimed  bool     // this upload wrote its claim (submission.ClaimKey)
}

// Begin reserves a fresh reference for a submission of kind by writing its
// in-flight record, only if absent.
func (a *Archive) Begin(ctx context.Context, kind string) (*Upload, error) {
	for range 5 {
		ref := submission.NewReference()
		u := &Upload{a: a, inflight: submission.Inflight{Reference: ref, Kind: kind, Started: a.now()}}
		err := u.saveInflight(ctx, true)
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return nil, fmt.Errorf("begin %s: %w", kind, err)
		}
	}
	return nil, fmt.Errorf("begin %s: no free reference in 5 tries", kind)
}

// Reference is the reference reserved for the submission.
func (u *Upload) Reference() string { return u.inflight.Reference }

// Kind is the submission's kind.
func (u *Upload) Kind() string { return u.inflight.Kind }

func (u *Upload) saveInflight(ctx context.Context, fresh bool) error {
	data, err := json.Marshal(u.inflight)
	if err != nil {
		return err
	}
	_, err = u.a.store.Put(ctx, submission.InflightKey(u.inflight.Reference), bytes.NewReader(data),
		storage.PutOptions{IfAbsent: fresh, ContentType: "application/json"})
	return err
}

// Stored is a file as Put stored it.
type Stored struct {
	Key    string
	Size   int64
	SHA256 string // hex, of the bytes stored
}

// touchEvery is how often a long upload rewrites its in-flight record, so
// that the janitor, which sweeps records not written for JanitorAfter,
// never takes a live upload for an interrupted one.
const touchEvery = 64 << 20

// Put stores everything r yields as the submission's next file, with
// bounded memory whatever its size, computing its SHA-256 on the way. The
// key is listed in the in-flight record before anything is written. An
// error from r is returned as it is (wrapped), so that the caller can tell
// its own refusals (a size limit, a content check) from the store's; a
// failed Put leaves nothing under the key.
func (u *Upload) Put(ctx context.Context, r io.Reader, contentType string) (Stored, error) {
	if u.done {
		return Stored{}, errors.New("archive: put after commit or discard")
	}
	key := u.inflight.FileKey(len(u.inflight.Keys) + 1)
	u.inflight.Keys = append(u.inflight.Keys, key)
	if err := u.saveInflight(ctx, false); err != nil {
		return Stored{}, fmt.Errorf("put %s: %w", key, err)
	}
	body := &hashingReader{r: r, h: sha256.New(), touch: func() { u.touch(ctx) }}
	info, err := u.a.store.Put(ctx, key, body, storage.PutOptions{ContentType: contentType})
	if err != nil {
		return Stored{}, fmt.Errorf("put %s: %w", key, err)
	}
	u.written = append(u.written, key)
	if info.Size != body.n {
		return Stored{}, fmt.Errorf("put %s: stored %d bytes, read %d", key, info.Size, body.n)
	}
	return Stored{Key: key, Size: body.n, SHA256: hex.EncodeToString(body.h.Sum(nil))}, nil
}

// touch rewrites the in-flight record to show the upload is still alive.
func (u *Upload) touch(ctx context.Context) {
	if err := u.saveInflight(ctx, false); err != nil {
		u.a.log.Warn("in-flight record not refreshed", "ref", u.inflight.Reference, "err", err)
	}
}

// hashingReader counts and hashes what passes, and calls touch every
// touchEvery bytes.
type hashingReader struct {
	r       io.Reader
	h       hash.Hash
	n       int64
	touched int64
	touch   func()
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if n > 0 {
		h.h.Write(p[:n])
		h.n += int64(n)
		if h.n-h.touched >= touchEvery {
			h.touched = h.n
			h.touch()
		}
	}
	return n, err
}

// Commitment is what a submission is committed with.
type Commitment struct {
	// ReceivedAt is when the submission's last part arrived; zero means
	// now.
	ReceivedAt time.Time
	// Fields are the typed fields' map (ObjectionFields.Map, …).
	Fields map[string]string
	// Identity is the submitter's personal identifiers, sealed under the
	// identity key with the reference bound in; nil for none.
	Identity any
	// Files are the files stored with Put, with their form field, name
	// and detected type.
	Files []submission.File
}

// Commit writes the signed manifest, only if absent — the commit point —
// then its ledger entry, then drops the in-flight record. It returns the
// manifest and the receipt token, which is stored only as its hash. A
// ledger entry that cannot be written is logged and left to the janitor
// (the submission is committed); any failure before the manifest is
// written leaves the upload to be discarded.
func (u *Upload) Commit(ctx context.Context, c Commitment) (*submission.Manifest, string, error) {
	if u.done {
		return nil, "", errors.New("archive: commit after commit or discard")
	}
	ref, kind := u.inflight.Reference, u.inflight.Kind
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = u.a.now()
	}
	token := submission.NewToken()
	m := &submission.Manifest{Version: submission.Version, Kind: kind, Reference: ref, TokenHash: submission.HashToken(token),
		ReceivedAt: c.ReceivedAt, Fields: c.Fields, Files: c.Files}
	if c.Identity != nil {
		if u.a.sealer == nil {
			return nil, "", errors.New("commit: the archive was opened without the identity key")
		}
		sealed, err := u.a.sealer.Seal(ref, c.Identity)
		if err != nil {
			return nil, "", fmt.Errorf("commit: %w", err)
		}
		m.Identity = sealed
		// The token sealed too, so that the mail telling the submitter of
		// a stage change can carry the receipt link (ReceiptToken).
		if m.ReceiptToken, err = u.a.sealer.Seal(receiptTokenBinding(ref), token); err != nil {
			return nil, "", fmt.Errorf("commit: %w", err)
		}
	}
	if err := u.a.Signer().Sign(m); err != nil {
		return nil, "", fmt.Errorf("commit: %w", err)
	}
	data, err := m.Encode()
	if err != nil {
		return nil, "", fmt.Errorf("commit: %w", err)
	}
	if err := u.write(ctx, ledger.KindCommit, ref, data, c.Files); err != nil {
		return nil, "", err
	}
	return m, token, nil
}

// write is the end of every commit: it claims the end of the upload, so
// that the janitor cannot sweep it meanwhile; makes sure the janitor has
// not swept it already (an upload stalled past JanitorAfter); only then
// writes the record (data) at the upload's record key, only if absent —
// the commit point —, enters it in the ledger as entry kind of the
// reference ref, and drops the in-flight record.
func (u *Upload) write(ctx context.Context, kind, ref string, data []byte, files []submission.File) error {
	key := u.inflight.RecordKey()
	ctx, cancel := context.WithTimeout(ctx, commitTimeout)
	defer cancel()
	if err := u.claim(ctx, "commit"); err != nil {
		return err
	}
	if err := u.a.allStored(ctx, files); err != nil {
		return fmt.Errorf("commit %s: %w", u.inflight.Reference, err)
	}
	if _, err := u.a.store.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"}); err != nil {
		return fmt.Errorf("commit %s: %w", u.inflight.Reference, err)
	}
	u.done = true
	u.a.record(ctx, kind, ref, key, data)
	for _, k := range []string{submission.InflightKey(u.inflight.Reference), submission.ClaimKey(u.inflight.Reference)} {
		if err := u.a.store.Delete(context.WithoutCancel(ctx), k); err != nil {
			u.a.log.Warn("in-flight record not removed; the janitor will", "key", k, "err", err)
		}
	}
	return nil
}

// commitTimeout bounds a commit from its claim to its manifest, so that a
// claim older than staleClaim is surely one whose commit died: the janitor
// may then sweep its upload.
const (
	commitTimeout = time.Minute
	staleClaim    = 10 * commitTimeout
)

// ErrSwept: the janitor swept the upload as interrupted (it stalled past
// JanitorAfter) before it could be committed; nothing of it is kept.
var ErrSwept = errors.New("the upload stalled too long and was cleared as interrupted")

// claim writes the upload's claim (see submission.ClaimKey) for what;
// another claim already there (the janitor's) gives ErrSwept.
func (u *Upload) claim(ctx context.Context, what string) error {
	err := u.a.putClaim(ctx, u.inflight.Reference, what)
	switch {
	case err == nil:
		u.claimed = true
		return nil
	case errors.Is(err, storage.ErrExists):
		return fmt.Errorf("commit %s: %w", u.inflight.Reference, ErrSwept)
	default:
		return fmt.Errorf("commit %s: claim: %w", u.inflight.Reference, err)
	}
}

// allStored checks that every file is in the store with its size: an
// upload swept and then continued has lost its earlier files.
func (a *Archive) allStored(ctx context.Context, files []submission.File) error {
	if len(files) == 0 {
		return nil
	}
	prefix := files[0].Key[:strings.LastIndex(files[0].Key, "/")+1]
	infos, err := a.store.List(ctx, prefix)
	if err != nil {
		return err
	}
	size := map[string]int64{}
	for _, in := range infos {
		size[in.Key] = in.Size
	}
	for _, f := range files {
		if n, ok := size[f.Key]; !ok || n != f.Size {
			return fmt.Errorf("file %s is gone: %w", f.Key, ErrSwept)
		}
	}
	return nil
}

// record appends the ledger entry of an object just written (data: its
// stored bytes). The object is stored whatever happens here, so a failure
// is logged and not returned: the janitor records it later
// (ledger.Recover). It runs even when the caller's context is done, for
// at most ledger.AppendTimeout.
func (a *Archive) record(ctx context.Context, kind, ref, key string, data []byte) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ledger.AppendTimeout)
	defer cancel()
	if _, err := a.ledger.Record(ctx, kind, ref, key, data); err != nil {
		a.log.Warn("ledger entry not written; the janitor will record it", "ref", ref, "key", key, "err", err)
	}
}

// Discard removes whatever the upload stored, then its in-flight record.
// It runs even when the client has gone, with its own deadline; what it
// cannot remove is left, with the in-flight record, to the janitor.
// Discarding a committed upload does nothing.
func (u *Upload) Discard() {
	if u == nil || u.done {
		return
	}
	u.done = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, k := range u.inflight.Keys {
		if err := u.a.store.Delete(ctx, k); err != nil {
			u.a.log.Warn("cleanup failed; the janitor will retry", "key", k, "err", err)
			return // keep the in-flight record for the janitor
		}
		u.a.abortIncomplete(ctx, k)
	}
	if err := u.a.store.Delete(ctx, submission.InflightKey(u.inflight.Reference)); err != nil {
		u.a.log.Warn("cleanup of in-flight record failed; the janitor will retry", "ref", u.inflight.Reference, "err", err)
		return
	}
	if u.claimed {
		if err := u.a.store.Delete(ctx, submission.ClaimKey(u.inflight.Reference)); err != nil {
			u.a.log.Warn("cleanup of the claim failed; the janitor will retry", "ref", u.inflight.Reference, "err", err)
		}
	}
}

// abortIncomplete removes partial multipart uploads under key when the
// store has such a thing.
func (a *Archive) abortIncomplete(ctx context.Context, key string) {
	if s, ok := a.store.(interface {
		AbortIncomplete(context.Context, string) error
	}); ok {
		if err := s.AbortIncomplete(ctx, key); err != nil {
			a.log.Warn("abort incomplete upload failed; the janitor will retry", "key", key, "err", err)
		}
	}
}

// putClaim writes a claim (see submission.ClaimKey), only if absent: who
// claims, and when by the archive's clock.
func (a *Archive) putClaim(ctx context.Context, ref, what string) error {
	body := what + " " + a.now().UTC().Format(time.RFC3339Nano)
	_, err := a.store.Put(ctx, submission.ClaimKey(ref), strings.NewReader(body), storage.PutOptions{IfAbsent: true, ContentType: "text/plain"})
	return err
}

// claimAge is how long ago the claim was written, by the archive's clock;
// an unreadable claim counts as new.
func (a *Archive) claimAge(ctx context.Context, ref string) time.Duration {
	data, err := a.read(ctx, submission.ClaimKey(ref))
	if err != nil {
		return 0
	}
	_, at, _ := strings.Cut(strings.TrimSpace(string(data)), " ")
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return 0
	}
	return a.now().Sub(t)
}
